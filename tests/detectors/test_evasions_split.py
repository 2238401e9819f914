"""Values split into pieces, and letters typed for digits: caught, pointed at as written.

Also base32 runs decoded (a secret encoded to slip past the scanner).

View tables run without presidio; the scanner tables use the session's real
analyzer with the default policy's PII entities.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest

from detectors import build_scanner
from detectors.normalize import View, views
from detectors.normalize.joined import SOURCE as JOINED_SOURCE
from detectors.scanner import Scanner

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

DEFAULT_ENTITIES = (
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_BANK_NUMBER", "US_PASSPORT",
    "US_DRIVER_LICENSE", "US_ITIN", "EMAIL_ADDRESS", "PHONE_NUMBER",
)  # fmt: skip
DEFAULT_MIN_SCORE = 0.5  # a policy's min_score when it names none (docs/policy.md)
GITHUB_TOKEN = "ghp_" + "C2vzy66cbU7nr0x5NBqijqh2EUtASAvLo4U0"  # checksum verifies
HEAD, TAIL = GITHUB_TOKEN[:22], GITHUB_TOKEN[22:]
AWS_KEY = "AKIA" + "2E0A8F3B244C9E2C"


@pytest.fixture(scope="module")
def pii_scanner(analyzer: AnalyzerEngine) -> Scanner:
    return build_scanner(
        analyzer, term_lists={}, patterns={}, pii_entities=DEFAULT_ENTITIES, secret_labels=()
    )


@pytest.fixture(scope="module")
def secrets_scanner() -> Scanner:
    return build_scanner(None, term_lists={}, patterns={}, pii_entities=())


def found(scanner: Scanner, text: str) -> list[tuple[str, str]]:
    findings = scanner.scan(text).findings
    return [(f.label, text[f.start : f.end]) for f in findings if f.score >= DEFAULT_MIN_SCORE]


def original_of(text: str, view: View, needle: str) -> str:
    at = view.text.index(needle)
    start, end = view.to_original(at, at + len(needle))
    return text[start:end]


@pytest.mark.parametrize(
    ("text", "pii", "needle", "original"),
    [
        ("4111\n1111\n1111\n1111", "4111 1111 1111 1111", "4111 1111 1111 1111",
         "4111\n1111\n1111\n1111"),
        ("starts with 412, then 867, ends 5309", "starts with 412-867-5309", "412-867-5309",
         "412, then 867, ends 5309"),
        ("SSN first three 078, middle 05, last four 1120", "SSN first three 078-05-1120",
         "078-05-1120", "078, middle 05, last four 1120"),
        ("card: 4242 4242 / 4242 4242", "card: 4242 4242 4242 4242", "4242 4242 4242 4242",
         "4242 4242 / 4242 4242"),
        ("4111 1111, then 1111 1111", "4111 1111 1111 1111", "1111 1111 1111",
         "1111, then 1111 1111"),
        ("4111,1111,1111,1111", "4111 1111 1111 1111", "4111 1111", "4111,1111"),
        ("4111/1111/1111/1111", "4111 1111 1111 1111", "4111 1111 1111 1111",
         "4111/1111/1111/1111"),
        ("078/05/1120", "078-05-1120", "078-05-1120", "078/05/1120"),
        ("078\n05\n1120", "078-05-1120", "05-", "05\n"),
        ("my number is 415, then 555, then 0132", "my number is 415-555-0132", "415-555-0132",
         "415, then 555, then 0132"),
        ("text me: 415 555 and the rest is 0132", "text me: 415-555-0132", "555-0132",
         "555 and the rest is 0132"),
        ("cell 1, 415, 555, 0132", "cell 1-415-555-0132", "1-415", "1, 415"),
        ("amex 3782, then 822463, then 10005", "amex 3782 822463 10005", "3782 822463 10005",
         "3782, then 822463, then 10005"),
        # A group wrapped onto the next line is one group again.
        ("card is 4539 14\n05 8816 9231, exp 09/27", "card is 4539 1405 8816 9231, exp 09/27",
         "4539 1405 8816 9231", "4539 14\n05 8816 9231"),
        ("4111 1\n111 1111 1111", "4111 1111 1111 1111", "1111 1111 1111", "1\n111 1111 1111"),
        # Groups partly said in digit words: the words are one group.
        ("the card is 4716 8411 then one four seven two, 8201", "the card is 4716 8411 1472 8201",
         "8411 1472", "8411 then one four seven two"),
        # A card's four 4-digit groups with mixed separators, Luhn-valid.
        ("on 4539-5313 4059.7026 exp 11/27", "on 4539 5313 4059 7026 exp 11/27",
         "4539 5313 4059 7026", "4539-5313 4059.7026"),
        ("is 5425_4903 8052-3281, cvv", "is 5425 4903 8052 3281, cvv", "5425 4903 8052 3281",
         "5425_4903 8052-3281"),
        ("card 4111_1111_1111_1111", "card 4111 1111 1111 1111", "1111 1111", "1111_1111"),
    ],
)  # fmt: skip
def test_pii_view_joins_a_number_split_into_pieces(
    text: str, pii: str, needle: str, original: str
) -> None:
    view = views(text).pii
    assert view.text == pii
    assert original_of(text, view, needle) == original


@pytest.mark.parametrize(
    ("text", "pii"),
    [
        ("4lll-llll-llll-llll", "4111-1111-1111-1111"),
        ("4O12 8888 8888 1881", "4012 8888 8888 1881"),
        ("SSN O78-O5-II2O", "SSN 078-05-1120"),
        ("call (4l5) 555-Ol32", "call (415) 555-0132"),
        ("call 4l5.555.Ol32!", "call 415.555.0132!"),
        ("card 4O1288888888188l", "card 4012888888881881"),
        ("5S55 5555 5555 4444", "5555 5555 5555 4444"),  # S for 5: the rest is digits
        ("3782 B22463 10005", "3782 822463 10005"),  # B for 8, likewise
        ("O78, middle O5, last four II2O", "O78, middle O5, last four II2O"),  # no shape as typed
    ],
)
def test_pii_view_reads_lookalike_letters_as_digits_inside_a_number(text: str, pii: str) -> None:
    view = views(text).pii
    assert view.text == pii
    assert len(view.text) == len(text)  # one digit per letter: offsets do not move


# Posts with several numbers, or letters among digits, that are no SSN, card or phone.
HARD_NEGATIVES = [
    "3 talks, then 12 demos, ends at 5pm",
    "v2.1 then v2.2, then v2.3 next week",
    "Final score 21-14, then 28-7 in the second half",
    "Scores: 21-14, 28-7, 35-10, 14-21, 7-3",
    "Offsite 2024-05-01, then 2024-06-15, last one 2024-09-30",
    "Dates: 12/05/2024, then 01/15/2025",
    "Tickets were $412, then $867, finally $5309",
    "Doors 7:30, then 9:15, ends 11:45",
    "Rooms 412, then 867, then 1120",
    "Room 214, then 305, last stop 1120",
    "We had 412 signups, then 867, and 5309 by Friday",
    "Latency 212 ms, then 48 ms, then 95 ms",
    "Q1 412, Q2 867, Q3 5309",
    "Population grew 1,250,000 then 1,300,000",
    "Budget: $1,250.00 then $2,400.50",
    "Order 4471-2290 shipped, then 3310-8890",
    "Flights 415 and 555, gate 0132",
    "Top 10, then top 50, then the top 100",
    "Meeting moved from 10:30 to 14:00, then to 16:30",
    "Won 3-1, then 2-0, then 4-2 this season",
    "Years: 2019, 2020, 2021, 2022",
    "Rooms 4101, 4102, 4103, 4104 are booked",
    "Pins 1234, 5678, 9012, 3456 for the lockers",
    "Zip codes 98052, 98053, 98054",
    "Steps: 10000, then 12000, then 15000",
    "v1.2.3 then 1.2.4 then 1.3.0",
    "The 737 then the 787, last the 747",
    "Invoice 2024/05/1120",
    "Build 412 then 867 then 5309 passed",
    "Printed 4111 pages, then 1111 more",
    "We shipped 4242 units, then 4242, then 4242, then 4242 again",
    "Temperatures 21, 22, 23, 24, 25, 26, 27, 28, 29",
    "1\n2\n3\n4\n5\n6\n7\n8\n9\n10",
    "Top scores this week:\n412\n867\n5309",
    "Pages 412 + 867 + 5309 in total",
    "Bus lines 412, then 867, and finally 5309",
    "412 then 867 then 5309 visitors this quarter, call it growth",
    "Batch sizes\n1024\n2048\n4096\n8192",
    "Ports 8080, 8443, 9090, 3000",
    "lol that was the OOO of the year",
    "IO bound again, Ill fix it",
    "the B52s were great in 1989",
    "release v1.0.10 and v1.0.11",
    "brand colors #0B0B0B and #0O0O0O",
    "ticket SO-2024-0117 closed",
    "ISO 9001 and ISO 27001 audits",
    "the OOO-OO-OOOO on the form is a template",
    "badge BOB-12-3456",
    "SSSS 5555 5555 4444",
    "lol 555 1234",
    "IOIOIOIOIO then 2024",
    "Oslo 2024 and Lille 2025 offsites",
    "Scores 4539 14\n05 8816 9232 (last night)",  # wrapped, but fails Luhn: no card
    "Sprint 12 went well\n45 tickets closed, 8816 lines, 9231 tests",
    "scores 4-2, then 3-1",
    "ORD-2024-5512 shipped on 2024-03-14, $4,250.00",
    "Refs 1234-5678 9012.3456 and 2024_0101_0001_0002",  # mixed separators, not Luhn-valid
    "build 2024.0311.1200-4417",  # not four groups of four
    "ids ABC-4539-5313 4059.7026",  # inside an id
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_pii_view_leaves_ordinary_numbers_in_sequence_and_words_alone(text: str) -> None:
    assert views(text).pii.text == views(text).plain.text


def test_ordinary_numbers_in_sequence_are_not_found_as_pii(pii_scanner: Scanner) -> None:
    fired = {text: found(pii_scanner, text) for text in HARD_NEGATIVES}
    assert {text: labels for text, labels in fired.items() if labels} == {}


@pytest.mark.parametrize(
    ("text", "label", "original"),
    [
        ("4111\n1111\n1111\n1111", "CREDIT_CARD", "4111\n1111\n1111\n1111"),
        ("starts with 412, then 867, ends 5309", "PHONE_NUMBER", "412, then 867, ends 5309"),
        ("SSN first three 078, middle 05, last four 1120", "US_SSN",
         "078, middle 05, last four 1120"),
        ("card: 4242 4242 / 4242 4242", "CREDIT_CARD", "4242 4242 / 4242 4242"),
        ("4111 1111, then 1111 1111", "CREDIT_CARD", "4111 1111, then 1111 1111"),
        ("pay with 4111,1111,1111,1111", "CREDIT_CARD", "4111,1111,1111,1111"),
        ("ssn 078/05/1120", "US_SSN", "078/05/1120"),
        ("my number is 415, then 555, then 0132", "PHONE_NUMBER", "415, then 555, then 0132"),
        ("4lll-llll-llll-llll", "CREDIT_CARD", "4lll-llll-llll-llll"),
        ("4O12 8888 8888 1881", "CREDIT_CARD", "4O12 8888 8888 1881"),
        ("SSN O78-O5-II2O", "US_SSN", "O78-O5-II2O"),
        ("call (4l5) 555-Ol32", "PHONE_NUMBER", "(4l5) 555-Ol32"),
        ("card is 4539 14\n05 8816 9231, exp 09/27", "CREDIT_CARD", "4539 14\n05 8816 9231"),
        ("ok the card is 4716 8411 then one four seven two, 8201 lol", "CREDIT_CARD",
         "4716 8411 then one four seven two, 8201"),
        ("booking the hotel on 4539-5313 4059.7026 exp 11/27", "CREDIT_CARD",
         "4539-5313 4059.7026"),
        ("mastercard for the ads account is 5425_4903 8052-3281, cvv in a DM", "CREDIT_CARD",
         "5425_4903 8052-3281"),
        # Reversed by a right-to-left override: presidio reads it in display order.
        ("slides: \u202emoc.liamg@emoh.eel.nad\u202c", "EMAIL_ADDRESS",
         "moc.liamg@emoh.eel.nad"),
        ("mail me at dana.k.home at gmail dot com", "EMAIL_ADDRESS",
         "dana.k.home at gmail dot com"),
    ],
)  # fmt: skip
def test_split_or_lookalike_number_is_found_where_it_was_written(
    pii_scanner: Scanner, text: str, label: str, original: str
) -> None:
    assert (label, original) in found(pii_scanner, text)


@pytest.mark.parametrize(
    ("text", "label", "original"),
    [
        (f"part one: {HEAD} part two: {TAIL}", "GITHUB_TOKEN", f"{HEAD} part two: {TAIL}"),
        (f"token {HEAD}\n{TAIL}", "GITHUB_TOKEN", f"{HEAD}\n{TAIL}"),
        (f"{HEAD} + {TAIL}", "GITHUB_TOKEN", f"{HEAD} + {TAIL}"),
        (f"{HEAD[:13]}\n{HEAD[13:]}{TAIL[:4]}\n{TAIL[4:]}", "GITHUB_TOKEN",
         f"{HEAD[:13]}\n{HEAD[13:]}{TAIL[:4]}\n{TAIL[4:]}"),
        (f"key is {AWS_KEY[:12]} / second half {AWS_KEY[12:]}", "AWS_ACCESS_KEY",
         f"{AWS_KEY[:12]} / second half {AWS_KEY[12:]}"),
        (f"{AWS_KEY[:10]}... then {AWS_KEY[10:]}", "AWS_ACCESS_KEY",
         f"{AWS_KEY[:10]}... then {AWS_KEY[10:]}"),
        # Pieces on the following lines, after short labels.
        (f"in two bits\nfirst half: {AWS_KEY[:10]}\n2nd half: {AWS_KEY[10:]}\nthen more",
         "AWS_ACCESS_KEY", f"{AWS_KEY[:10]}\n2nd half: {AWS_KEY[10:]}"),
        (f"{HEAD}\npart 2: {TAIL}", "GITHUB_TOKEN", f"{HEAD}\npart 2: {TAIL}"),
        (f"{HEAD[:15]}\nmiddle bit - {HEAD[15:]}{TAIL[:5]}\nrest: {TAIL[5:]}", "GITHUB_TOKEN",
         f"{HEAD[:15]}\nmiddle bit - {HEAD[15:]}{TAIL[:5]}\nrest: {TAIL[5:]}"),
    ],
)  # fmt: skip
def test_key_split_into_pieces_is_found_across_them(
    secrets_scanner: Scanner, text: str, label: str, original: str
) -> None:
    findings = [f for f in secrets_scanner.scan(text).findings if f.label == label]
    assert [text[f.start : f.end] for f in findings] == [original]
    assert findings[0].explanation.endswith(f"(in a {JOINED_SOURCE})")


@pytest.mark.parametrize(
    "text",
    [
        f"token {GITHUB_TOKEN} rotated",  # whole already: nothing to join
        f"{HEAD} then v2 and 2day",  # words with numbers are not pieces of a key
        f"{HEAD}, thanks everyone",
        "ask-me-anything session at 5pm, then 6pm",  # 'sk-' inside a word, nothing random after
        "No keys in this post at all.",
        f"{HEAD}\nnote: thanks all",  # a label, then words: nothing random to join
        f"{HEAD}\nand then a long sentence follows here: x9y8z7w6",  # not a short label
    ],
)
def test_joined_view_is_absent_when_no_key_was_split(text: str) -> None:
    assert views(text).joined == ()


def test_base32_run_is_decoded_and_its_secret_found(secrets_scanner: Scanner) -> None:
    encoded = base64.b32encode(GITHUB_TOKEN.encode()).decode()  # ends in '=' padding
    for run in (encoded, encoded.rstrip("=")):
        text = f"CI token b32'd: {run}, enjoy"
        assert [v.text for v in views(text).decoded] == [GITHUB_TOKEN]
        findings = [f for f in secrets_scanner.scan(text).findings if f.label == "GITHUB_TOKEN"]
        assert [text[f.start : f.end] for f in findings] == [run]
        assert "base32" in findings[0].explanation


@pytest.mark.parametrize(
    "text",
    [
        "THEQUICKBROWNFOXJUMPSOVERTHELAZYDOG",  # upper-case words, 8n letters or not
        "PLEASE REVIEW ASAP: ABCDEFGHIJKLMNOPQRSTUVWX",
        "AAAAAAAAAAAAAAAAAAAAAAAA",  # decodes to zero bytes
        "ticket ORD-2024-5512 and SKU ABCD2345EFGH6723",
    ],
)
def test_upper_case_text_is_not_read_as_base32(text: str) -> None:
    assert not any(v.source.startswith("base32") for v in views(text).decoded)

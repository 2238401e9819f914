"""Round-5 evasions: keys and passwords in ROT13, tokens typed backwards, leetspeak with
8 and 9, a hyphen inside a term, a project named before the word "project", a card read
out in pieces with "again", look-alike letters in phones and IBANs, a password spelled
in the NATO alphabet, an address spelled out to a reserved domain.

Each is found where it was written; the ordinary text beside each table stays clean,
and every new reading is gated by a cheap hint and stays cheap on a 5,000-character post.
"""

from __future__ import annotations

import codecs
import contextlib
import time
from typing import TYPE_CHECKING

import pytest

from detectors import build_scanner
from detectors.budget import WorkLimitReached
from detectors.normalize import View, views
from detectors.normalize.lookalike_iban import fold as fold_iban
from detectors.normalize.view import Draft
from detectors.scanner import Scanner

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

HF = "hf_" + "ujzPdeIgxLdGncfBAepfJBdKhoOOLdKLzd"
GHP = "ghp_" + "bpW2vfNwVuXgW0EytYXBzktWGrXqAaSEVOKh"
GLPAT = "glpat-" + "QY7QkgcLyFKcsXgUS4iH"
NPM = "npm_" + "PfZruTNxJiw7SNp9DrJWXL40hiFjZSYMQr1s"
LISTS = {
    "codenames": ["Falcon", "Bluebird", "Project Nightjar"],
    "customers": ["Contoso Pharma", "Tailspin Toys", "Litware"],
}
PII = ("CREDIT_CARD", "IBAN_CODE", "EMAIL_ADDRESS", "PHONE_NUMBER")
MIN_SCORE = 0.5


def rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


@pytest.fixture(scope="module")
def secrets() -> Scanner:
    return build_scanner(None, term_lists={}, patterns={}, pii_entities=())


@pytest.fixture(scope="module")
def terms() -> Scanner:
    return build_scanner(None, term_lists=LISTS, patterns={}, pii_entities=(), secret_labels=())


@pytest.fixture(scope="module")
def pii(analyzer: AnalyzerEngine) -> Scanner:
    return build_scanner(analyzer, term_lists={}, patterns={}, pii_entities=PII, secret_labels=())


def found(scanner: Scanner, text: str) -> list[tuple[str, str, str]]:
    """(label, characters as written, explanation) of each finding that counts."""
    return [
        (f.label, text[f.start : f.end], f.explanation)
        for f in scanner.scan(text).findings
        if f.score >= MIN_SCORE
    ]


def labels(scanner: Scanner, text: str) -> set[str]:
    return {label for label, _, _ in found(scanner, text)}


def assert_maps_inside(view: View, size: int) -> None:
    assert len(view.offsets) == len(view.text) + 1 and len(view.ends) == len(view.text)
    assert list(view.offsets) == sorted(view.offsets) and list(view.ends) == sorted(view.ends)
    assert all(0 <= view.offsets[i] < view.ends[i] <= size for i in range(len(view.text)))


# ROT13 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "written"),
    [
        (f"notebook token, rot13: {rot13(HF)}", "HUGGINGFACE_TOKEN", rot13(HF)),
        (f"ROT-13'd so the bot skips it {rot13(GHP)}", "GITHUB_TOKEN", rot13(GHP)),
        (f"ci var {rot13(GLPAT)} (rot 13 obviously)", "GITLAB_TOKEN", rot13(GLPAT)),
        (f"npm publish with {rot13(NPM)}", "NPM_TOKEN", rot13(NPM)),  # the prefix alone
        (f"wifi, in rot13: {rot13('password is Wx4$bD9mHr')}", "PASSWORD_ASSIGNMENT",
         "Jk4$oQ9zUe"),
        (f"Rot13 for the db login: {rot13('pwd: Hq8!vR3tLz')}", "PASSWORD_ASSIGNMENT",
         "Ud8!iE3gYm"),
    ],
)  # fmt: skip
def test_a_key_or_password_in_rot13_is_a_secret_where_it_was_written(
    secrets: Scanner, text: str, label: str, written: str
) -> None:
    hits = [hit for hit in found(secrets, text) if hit[0] == label]
    assert hits and all(original == written for _, original, _ in hits)
    assert all(explanation.endswith("(in a ROT13 reading of the post)") for *_, explanation in hits)


@pytest.mark.parametrize(
    "text",
    [
        "rot13 is a silly cipher: vg vf abg frphevgl ng nyy",
        "The us_east_region_bucket_name_for_logs is set in terraform",  # us_ is hf_ in ROT13
        "I'm 6 ft. tall and the rack is 7 ft. tall",  # ft. is sg. in ROT13
        "ROT13 of 'password' is cnffjbeq, fun fact",
        "rotate 13 keys tonight, rot130 is not a thing",
    ],
)
def test_ordinary_text_near_rot13_hints_is_no_secret(secrets: Scanner, text: str) -> None:
    assert found(secrets, text) == []


@pytest.mark.parametrize(
    "text", ["Rotation 13 starts Monday", "Plain post about the hike", "hf_ is a prefix"]
)
def test_without_a_hint_there_is_no_rot13_reading(text: str) -> None:
    assert views(text).get("rot13") == ()


# Typed backwards ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "written"),
    [
        (f"flip it: {GHP[::-1]}", "GITHUB_TOKEN", GHP[::-1]),
        (f"here {GLPAT[::-1]} (mirrored)", "GITLAB_TOKEN", GLPAT[::-1]),
        (f"{NPM[::-1]}", "NPM_TOKEN", NPM[::-1]),  # the prefix, reversed, is hint enough
    ],
)
def test_a_key_or_password_typed_backwards_is_a_secret_on_the_token(
    secrets: Scanner, text: str, label: str, written: str
) -> None:
    hits = [hit for hit in found(secrets, text) if hit[0] == label]
    assert [original for _, original, _ in hits] == [written]
    assert hits[0][2].endswith("(in a token typed backwards, read the right way round)")


@pytest.mark.parametrize(
    ("text", "label", "written"),
    [
        ("the card for the offsite, typed in reverse: 0015015015015015", "CREDIT_CARD",
         "0015015015015015"),
        ("card reversed so scrapers miss it: 1111 1111 1111 1114", "CREDIT_CARD",
         "1111 1111 1111 1114"),
        ("my email backwards: moc.elpmaxe@rewol.nagem", "EMAIL_ADDRESS",
         "moc.elpmaxe@rewol.nagem"),
        ("reach me, number reversed: 654321 0097 44+", "PHONE_NUMBER", "654321 0097 44+"),
    ],
)  # fmt: skip
def test_pii_typed_backwards_is_found_when_the_post_says_so(
    pii: Scanner, text: str, label: str, written: str
) -> None:
    assert (label, written) in {(found_label, o) for found_label, o, _ in found(pii, text)}


@pytest.mark.parametrize(
    "text",
    [
        "We reversed the decision on ticket 2024-0117-3345 after review",
        "backwards compatible since v2.3.1, commit 9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e",
        "flipped pancakes for 12 people at 8am, mirror selfie after",
        "reverse proxy on port 8443, part no. 4410-2231-77",
    ],
)
def test_ordinary_text_with_reversal_words_is_no_secret_or_pii(
    secrets: Scanner, pii: Scanner, text: str
) -> None:
    assert found(secrets, text) == []
    assert labels(pii, text) == set()


@pytest.mark.parametrize(
    "text", ["my email: moc.elpmaxe@rewol.nagem", "the tsohg of 1881888888882104", "drow_phg"]
)
def test_without_a_word_or_a_reversed_prefix_nothing_is_read_backwards(text: str) -> None:
    assert views(text).get("reversed") == () and views(text).get("reversed_pii") == ()


def test_tokens_are_reversed_in_place_and_map_to_themselves() -> None:
    text = 'card number, backwards: "1881 8888 8888 2104". thanks!'
    (view,) = views(text).get("reversed")
    assert view.text == 'card number, backwards: "4012 8888 8888 1881". thanks!'
    assert_maps_inside(view, len(text))
    at = view.text.index("4012")
    assert view.to_original(at, at + 19) == (text.index("1881"), text.index('". '))
    (pii,) = views(text).get("reversed_pii")  # the number and the words before it
    assert pii.text == 'card number, backwards: "4012 8888 8888 1881'
    assert_maps_inside(pii, len(text))


def test_pii_reads_only_the_reversed_numbers_and_addresses_with_the_words_before_them() -> None:
    filler = "we flipped the agenda around, " * 10
    text = f"{filler}my number reversed: 654321 0097 44+ and {filler}mail moc.elpmaxe@rewol.nagem"
    (pii,) = views(text).get("reversed_pii")
    number, address = pii.text.splitlines()
    assert number.endswith("my number reversed: +44 7900 123456")
    assert address.endswith(" mail megan.lower@example.com")
    assert len(pii.text) < len(text) // 4


def test_a_reversed_prefix_alone_reads_only_its_token_and_not_for_pii() -> None:
    text = f"one {GHP[::-1]} and 1881888888882104"
    (view,) = views(text).get("reversed")
    assert view.text == f"one {GHP} and 1881888888882104"
    assert views(text).get("reversed_pii") == ()


# Leetspeak, a hyphen inside a term, the project named first, letters spaced out ---------


@pytest.mark.parametrize(
    ("text", "term", "written"),
    [
        ("8LUEB1RD launch is next week", "Bluebird", "8LUEB1RD"),
        ("N1gh7j4r pr0j3c7 kickoff today", "Project Nightjar", "N1gh7j4r pr0j3c7"),
        ("Pr0ject Ni9htjar all-hands", "Project Nightjar", "Pr0ject Ni9htjar"),
        ("B1u3-8ird beta opens soon", "Bluebird", "B1u3-8ird"),
        ("the Lit-ware onboarding call went well", "Litware", "Lit-ware"),
        ("Tail-spin Toys signed today", "Tailspin Toys", "Tail-spin Toys"),
        ("big news: F-alcon ships", "Falcon", "F-alcon"),
        ("Nightjar project retro was fun", "Project Nightjar", "Nightjar project"),
        ("the N i g h t j a r project team", "Project Nightjar", "N i g h t j a r project"),
        ("Nightjar 🎉 Project 🎉 demo", "Project Nightjar", "Nightjar 🎉 Project"),
        ("B l u e b i r d is live for everyone", "Bluebird", "B l u e b i r d"),
    ],
)
def test_term_in_leetspeak_hyphenated_or_named_first_is_found(
    terms: Scanner, text: str, term: str, written: str
) -> None:
    assert [(e.split('"')[1], o) for _, o, e in found(terms, text)] == [(term, written)]


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("Fal-con is the best", "(hyphen inside read as gone)"),
        ("nightjar project", "(words in the other order)"),
        ("8lu3b1rd", "(leetspeak folded)"),
    ],
)
def test_the_explanation_says_how_the_term_was_read(terms: Scanner, text: str, note: str) -> None:
    ((_, _, explanation),) = found(terms, text)
    assert explanation.endswith(note)


@pytest.mark.parametrize(
    "text",
    [
        "l33t h4x0r jokes at the 1337 meetup, version 8.9.1",
        "B8 and 9G networks, 8 9 ball",
        "this is s o  g o o d, r e a l l y",
        "Project planning for the nightjar survey is done",  # the words apart
        "our nightjar projects at the reserve",  # the plural
        "a well-known e-mail follow-up, state-of-the-art",
        "falconry, and Blue birds",
        "Pharma Contoso",  # only a project's name moves before its designator
    ],
)
def test_ordinary_words_leet_jokes_and_hyphens_name_no_term(terms: Scanner, text: str) -> None:
    assert found(terms, text) == []


def test_falcon_before_a_hyphen_is_still_the_term(terms: Scanner) -> None:
    assert [o for _, o, _ in found(terms, "Falcon-based tools, pre-Falcon era")] == [
        "Falcon",
        "Falcon",
    ]


# Pieces, look-alike letters in phones and IBANs -----------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "written"),
    [
        ("begins 5105, then 1051, again 0510, last 5100 for the deposit card", "CREDIT_CARD",
         "5105, then 1051, again 0510, last 5100"),
        ("call me: +44 79OO 9OO l23", "PHONE_NUMBER", "+44 79OO 9OO l23"),
        ("text on +1 4l5 555 Ol32 tonight", "PHONE_NUMBER", "+1 4l5 555 Ol32"),
        ("WhatsApp +49 l5l 2345 678O", "PHONE_NUMBER", "+49 l5l 2345 678O"),
        ("IBAN DE89 37O4 OO44 O532 Ol3O OO for the refund", "IBAN_CODE",
         "DE89 37O4 OO44 O532 Ol3O OO"),
        ("wire to NL9l ABNA O4l7 l643 OO", "IBAN_CODE", "NL9l ABNA O4l7 l643 OO"),
        ("FR14 2OO4 lOlO O5O5 OOOl 3MO2 6O6 is the account", "IBAN_CODE",
         "FR14 2OO4 lOlO O5O5 OOOl 3MO2 6O6"),
        ("email me: nemia dot kowashi at northwind dot example", "EMAIL_ADDRESS",
         "nemia dot kowashi at northwind dot example"),
    ],
)  # fmt: skip
def test_numbers_in_pieces_or_with_lookalike_letters_are_pii(
    pii: Scanner, text: str, label: str, written: str
) -> None:
    assert (label, written) in {(found_label, o) for found_label, o, _ in found(pii, text)}


@pytest.mark.parametrize(
    "text",
    [
        "scored 4012, then 8888 again in the arcade",
        "+3 lol and order +12 OOO, version 0.l0.3",
        "code GB29 NWBK 6Ol6 l33l 9268 l8 (made up)",  # fails mod-97 however it is read
        "part 0OO1-lOO2 and SKU 0l-23",
    ],
)
def test_lookalike_shaped_codes_stay_as_written(pii: Scanner, text: str) -> None:
    assert labels(pii, text) == set()
    assert views(text).pii.text == text


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("GB29 NWBK 6Ol6 l33l 9268 l9", "GB29 NWBK 6016 1331 9268 19"),
        ("GB29NWBK6Ol6l33l9268l9", "GB29NWBK60161331926819"),  # unspaced: groups of four
        ("IE29 AIBK 93l1 52l2 3456 78", "IE29 AIBK 9311 5212 3456 78"),
        ("GB29 NWBK 6016 1331 9268 19", "GB29 NWBK 6016 1331 9268 19"),  # valid as written
        ("GB29 NWBK 6Ol6 l33l 9268 l8", "GB29 NWBK 6Ol6 l33l 9268 l8"),  # checksum fails
    ],
)
def test_iban_lookalikes_are_read_only_where_digits_belong_and_the_checksum_agrees(
    text: str, read: str
) -> None:
    assert fold_iban(Draft.identity(text)).text == read


# A password spelled in the NATO alphabet --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("wifi pw: Sierra Tango Oscar November Echo - Four Two", "STONE42"),
        ("router password: Hotel Alfa Zulu Echo / Nine Nine / Kilo", "HAZE99K"),
        ("password is Kilo Echo Lima Papa - Seven Seven - Tango Romeo Alfa Mike", "KELP77TRAM"),
    ],
)
def test_a_password_spelled_in_nato_is_one_value_for_the_secrets_rules(
    secrets: Scanner, text: str, value: str
) -> None:
    (view,) = views(text).get("nato_secrets")
    assert view.text.endswith(value)
    assert_maps_inside(view, len(text))
    spelled = text[text.index(":") + 2 :] if ":" in text else text[len("password is ") :]
    assert ("PASSWORD_ASSIGNMENT", spelled) in {(label, o) for label, o, _ in found(secrets, text)}


def test_ordinary_code_words_are_no_secret(secrets: Scanner) -> None:
    assert found(secrets, "Alpha, Bravo and Charlie teams report to Delta at nine") == []


# Cost -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        f"backwards {GHP[::-1]} 1881 8888 8888 2104 ",
        f"rot13 {rot13(HF)} ",
        "Fal-con Blue-bird a-b-c ",
        "GB29 NWBK 6Ol6 l33l 9268 l8 ",
        "+44 74OO l23456 ",
        "tuc_aaaaaaaaaaa _phg ",
    ],
)
def test_the_new_readings_stay_cheap_on_a_5000_character_post(
    secrets: Scanner, terms: Scanner, unit: str
) -> None:
    text = (unit * (5000 // len(unit) + 1))[:5000]
    started = time.perf_counter()
    post = views(text)
    for name in ("reversed", "reversed_pii", "rot13", "nato_secrets", "pii"):
        with contextlib.suppress(WorkLimitReached):  # too many numbers: held, not read
            post.get(name)
    secrets.scan(text)
    terms.scan(text)
    assert time.perf_counter() - started < 1.0

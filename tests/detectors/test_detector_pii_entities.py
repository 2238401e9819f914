"""The default policy's PII entities, as tables: what each one finds, and what it must not.

Every row runs on the fast path the default policy uses (tokens only, no NER
model) and is checked against the full path (NER model loaded) as well: a
policy that adds PERSON must not change what the other entities find.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from detectors import PiiDetector
from tests.pii_found import found

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

DEFAULT_ENTITIES = (
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_BANK_NUMBER", "US_PASSPORT",
    "US_DRIVER_LICENSE", "US_ITIN", "EMAIL_ADDRESS", "PHONE_NUMBER",
)  # fmt: skip


@pytest.fixture(scope="module")
def fast(analyzer: AnalyzerEngine) -> PiiDetector:
    detector = PiiDetector(analyzer, DEFAULT_ENTITIES)
    assert not detector.runs_ner
    return detector


@pytest.fixture(scope="module")
def with_ner(analyzer: AnalyzerEngine) -> PiiDetector:
    detector = PiiDetector(analyzer, (*DEFAULT_ENTITIES, "PERSON"))
    assert detector.runs_ner
    return detector


def both_paths(fast: PiiDetector, with_ner: PiiDetector, text: str) -> list[tuple[str, str]]:
    on_fast = found(fast, text)
    assert on_fast == [(label, s) for label, s in found(with_ner, text) if label != "PERSON"]
    return on_fast


TRUE_POSITIVES = [
    # US_SSN: written 3-2-4, or bare next to a context word; 078-05-1120 was issued
    ("my SSN is 219-09-9999", "US_SSN", "219-09-9999"),
    ("HR typed my social security number as 536-22-8726", "US_SSN", "536-22-8726"),
    ("ssn 219099999 pls fix", "US_SSN", "219099999"),
    ("219 09 9999 is what the form wants", "US_SSN", "219 09 9999"),
    ("My SSN is 078-05-1120", "US_SSN", "078-05-1120"),
    ("SSN#401-33-2741", "US_SSN", "401-33-2741"),
    # CREDIT_CARD: Luhn and a brand's range and length; published test numbers count
    ("card for lunch is 4111 1111 1111 1111", "CREDIT_CARD", "4111 1111 1111 1111"),
    ("5500-0000-0000-0004 exp 04/27", "CREDIT_CARD", "5500-0000-0000-0004"),
    ("amex 3782 822463 10005", "CREDIT_CARD", "3782 822463 10005"),
    ("my Mastercard 2223 0031 2200 3222", "CREDIT_CARD", "2223 0031 2200 3222"),
    ("discover 6011111111111117", "CREDIT_CARD", "6011111111111117"),
    ("jcb 3530 1113 3330 0000", "CREDIT_CARD", "3530 1113 3330 0000"),
    ("19 digits: 4000 0000 0000 0000 006", "CREDIT_CARD", "4000 0000 0000 0000 006"),
    ("Card for the offsite dinner: 4111.1111.1111.1111", "CREDIT_CARD", "4111.1111.1111.1111"),
    # IBAN_CODE: country format and mod-97
    ("wire it to DE89 3704 0044 0532 0130 00", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
    ("refund to GB82WEST12345698765432", "IBAN_CODE", "GB82WEST12345698765432"),
    # EMAIL_ADDRESS
    ("write to jane.doe@gmail.com if you want to chat", "EMAIL_ADDRESS", "jane.doe@gmail.com"),
    ("ping j.doe+x@mail.example.co.uk.", "EMAIL_ADDRESS", "j.doe+x@mail.example.co.uk"),
    ("mail alex@hachyderm.io", "EMAIL_ADDRESS", "alex@hachyderm.io"),
    # PHONE_NUMBER: written like a phone number, or near a context word
    ("Questions? 415-555-0132", "PHONE_NUMBER", "415-555-0132"),
    ("office: (212) 555-0100", "PHONE_NUMBER", "(212) 555-0100"),
    ("+44 20 7946 0958 anytime", "PHONE_NUMBER", "+44 20 7946 0958"),
    ("call me at 415 555 0132", "PHONE_NUMBER", "415 555 0132"),
    ("text me on 4155550132", "PHONE_NUMBER", "4155550132"),
    ("my cell is 07911 123456", "PHONE_NUMBER", "07911 123456"),
    ("reach me on WhatsApp +49 30 901820", "PHONE_NUMBER", "+49 30 901820"),
    ("phone: 020 7946 0958", "PHONE_NUMBER", "020 7946 0958"),
    ("4155550132 is my mobile", "PHONE_NUMBER", "4155550132"),
    ("host line: +44 7700 900456, call if locked", "PHONE_NUMBER", "+44 7700 900456"),
    # US_BANK_NUMBER: 8-17 digits next to an account word
    ("my checking account is 000123456789", "US_BANK_NUMBER", "000123456789"),
    ("acct#12345678901 at the credit union", "US_BANK_NUMBER", "12345678901"),
    # US_PASSPORT: next to "passport"
    ("my passport number is 912803456", "US_PASSPORT", "912803456"),
    ("passport A12345678 expires soon", "US_PASSPORT", "A12345678"),
    # US_DRIVER_LICENSE: next to a license word
    ("driver license D1234567", "US_DRIVER_LICENSE", "D1234567"),
    ("my DL is 123456789", "US_DRIVER_LICENSE", "123456789"),
    ("driver license number WDLABCD456DG", "US_DRIVER_LICENSE", "WDLABCD456DG"),
    # US_ITIN: 9XX-7X-XXXX written with separators, or bare next to "itin"
    ("my ITIN is 912-70-1234", "US_ITIN", "912-70-1234"),
    ("itin 923801234", "US_ITIN", "923801234"),
]


@pytest.mark.parametrize(("text", "label", "value"), TRUE_POSITIVES)
def test_entity_is_found_with_its_span(
    fast: PiiDetector, with_ner: PiiDetector, text: str, label: str, value: str
) -> None:
    assert (label, value) in both_paths(fast, with_ner, text)


HARD_NEGATIVES = [
    # order, tracking and reference numbers
    "Your order #4155550100 has shipped",
    "order number 4155550100 arrived today",
    "Tracking number 9400111899223197428490 says Memphis",
    "USPS 9400 1118 9922 3197 4284 90",
    "tracking 1Z999AA10123456784",
    "ISBN 978-0-306-40615-7 is the second edition",
    "ISBN 9780306406157",
    "serial 123456789 in stock",
    "SN 12-3456-7890 on the label",
    "ticket JIRA-12345 closed",
    # a toll-free line is a business's, not a person's (tests/detectors/test_pii_new_entities.py)
    "dial 1-800-555-0199 for support",
    # versions, builds, dates, times, years, prices, zip codes
    "v2.14.1 released today",
    "Python 3.11.7 is out",
    "build 20261126.3 is green",
    "see you on 2026-11-26",
    "deadline 11/26/2026 at 14:30",
    "Founded in 1640, the college",
    "back in 1999 and 2024",
    "now only $1,299.99 at the store",
    "ship to 94107 or 10001-1234",
    "5 people 2 cats 1234567 points",
    "room B1234 on floor 3",
    # numbers near words presidio counted as context by substring
    "Excellent meeting: 123456789 rows migrated",
    "the United States has 331000000 people",
    "I checked 12345678 rows in the checkout table",
    "The license for v2 is MIT",
    # numbers that look like an entity but fail its checks
    "SSN 123-45-6789 is the classic placeholder",
    "ssn 912-34-5678",  # a 9XX area is never an SSN, and 34 is no ITIN group
    "SSN 666-12-3456",
    "card 4111 1111 1111 1112",  # fails Luhn
    "card 4111 1111-1111 1111",  # mixed separators
    "card 9111 1111 1111 1116",  # Luhn-valid, no brand starts with 9
    "card 4444 4444 4444 4444",  # placeholder
    "IBAN DE89 3704 0044 0532 0130 01",  # fails mod-97
    "my account number is 12345678901",  # a bank number, not a phone (checked apart)
    # a fediverse handle is a public account, not an e-mail address
    "Great thread by @alex@hachyderm.io on structured logging",
    # names are not IDs
    "Great keynote by Maria Gonzalez at the conference this morning.",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_ordinary_number_is_not_pii(fast: PiiDetector, with_ner: PiiDetector, text: str) -> None:
    findings = both_paths(fast, with_ner, text)
    assert [f for f in findings if f != ("US_BANK_NUMBER", "12345678901")] == []


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("call me at 415 555 0132", "call"),
        ("text me on 4155550132", "text"),
        ("reach me on WhatsApp 4155550132", "whatsapp"),
        ("ssn 219099999 pls fix", "ssn"),
        ("SSN#401-33-2741", "ssn"),
        ("my passport number is 912803456", "passport"),
        ("acct#12345678901 at the credit union", "acct"),
        ("4155550132 is my mobile", "mobile"),
        ("+44 7700 900456, call if the door is locked", "call"),  # after a many-token number
    ],
)
def test_explanation_names_the_context_word_that_raised_the_score(
    fast: PiiDetector, text: str, word: str
) -> None:
    (finding,) = fast.detect(text)
    assert f"raised by context word '{word}'" in finding.explanation


@pytest.mark.parametrize(
    ("text", "label", "score", "pattern"),
    [
        ("+44 20 7946 0958", "PHONE_NUMBER", 0.6, "international"),
        ("(212) 555-0100", "PHONE_NUMBER", 0.6, "US-style"),
        ("020 7946 0958", "PHONE_NUMBER", 0.4, "grouped"),
        ("219-09-9999", "US_SSN", 0.5, "SSN5 (medium)"),
        ("912-70-1234", "US_ITIN", 0.5, "Itin (medium)"),
    ],
)
def test_score_without_context_depends_on_how_the_number_is_written(
    fast: PiiDetector, text: str, label: str, score: float, pattern: str
) -> None:
    (finding,) = fast.detect(text)
    assert (finding.label, finding.score) == (label, pytest.approx(score))
    assert f"(pattern '{pattern}')" in finding.explanation
    assert "context word" not in finding.explanation


@pytest.mark.parametrize(
    "text",
    [
        "4155550132",  # digits only, no context word: 0.2, below the phone floor
        "passport 4155550132",  # 10 digits: no passport pattern, and no phone context
        "123456789",  # a bank, passport, license or SSN number only with a context word
        "D1234567",
        "+44 7700 900456",  # possible but in no assigned range: needs a context word
    ],
)
def test_weak_match_without_context_is_not_reported(fast: PiiDetector, text: str) -> None:
    assert fast.detect(text) == []


@pytest.mark.parametrize("text", ["My SSN is 078-05-1120", "ssn: 219 09 9999"])
def test_an_ssn_is_not_also_reported_as_a_phone_number(fast: PiiDetector, text: str) -> None:
    # phonenumbers takes 078-05-1120 for a German number; below the floor or not, it is not one
    assert [f.label for f in fast.detect(text)] == ["US_SSN"]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("card 4111 1111 1111 1111", "card brand range passed; context word 'card' near"),
        ("4111 1111 1111 1111", "Luhn checksum and card brand range passed)"),
        ("iban DE89370400440532013000", "IBAN country format and mod-97 checksum passed"),
    ],
)
def test_explanation_of_a_validated_match_names_the_check(
    fast: PiiDetector, text: str, check: str
) -> None:
    (finding,) = fast.detect(text)
    assert finding.score == 1.0
    assert check in finding.explanation

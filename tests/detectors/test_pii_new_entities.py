"""Street addresses, dates of birth, NINOs, international mobiles, and look-alikes that are none.

Every row runs on the tokens-only path (no NER model), as the default policy
does; the analyzer is the session's (tests/conftest.py), each detector is
built once for this module.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from detectors import PiiDetector
from detectors.recognizers.date_of_birth import BirthDateRecognizer, real_dates
from detectors.recognizers.email import role_mailbox
from detectors.recognizers.named_numbers import named_otherwise
from detectors.recognizers.phone import FormatScoredPhoneRecognizer
from detectors.recognizers.street_address import StreetAddressRecognizer
from detectors.recognizers.uk_nino import HmrcNinoRecognizer
from tests.pii_found import found

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer

NEW_ENTITIES = ("STREET_ADDRESS", "DATE_OF_BIRTH", "UK_NINO")
ENTITIES = (
    "US_SSN", "CREDIT_CARD", "IBAN_CODE", "US_BANK_NUMBER", "US_PASSPORT",
    "US_DRIVER_LICENSE", "US_ITIN", "EMAIL_ADDRESS", "PHONE_NUMBER", *NEW_ENTITIES,
)  # fmt: skip


@pytest.fixture(scope="module")
def fast(analyzer: AnalyzerEngine) -> PiiDetector:
    return PiiDetector(analyzer, ENTITIES)


def test_the_new_entities_need_no_ner_model(analyzer: AnalyzerEngine) -> None:
    assert PiiDetector(analyzer, NEW_ENTITIES).runs_ner is False


TRUE_POSITIVES = [
    # STREET_ADDRESS: any address with a personal word, or a street line with a flat
    ("our new place is 1600 Pennsylvania Ave NW, Washington, DC 20500", "STREET_ADDRESS",
     "1600 Pennsylvania Ave NW, Washington, DC 20500"),
    ("my home address is 17 Rue des Lilas, 69003 Lyon", "STREET_ADDRESS",
     "17 Rue des Lilas, 69003 Lyon"),
    ("I live at Lindenstraße 5, 10115 Berlin", "STREET_ADDRESS", "Lindenstraße 5, 10115 Berlin"),
    ("send it to 350 Fifth Avenue, New York, NY 10118", "STREET_ADDRESS",
     "350 Fifth Avenue, New York, NY 10118"),
    ("I live at 221B Baker Street", "STREET_ADDRESS", "221B Baker Street"),
    ("my new place: apt 4B, 350 Fifth Avenue", "STREET_ADDRESS", "apt 4B, 350 Fifth Avenue"),
    ("apt 4B, 350 Fifth Avenue", "STREET_ADDRESS", "apt 4B, 350 Fifth Avenue"),
    ("send the forms to PO Box 1234", "STREET_ADDRESS", "PO Box 1234"),
    ("mail it to PO Box 1234, Springfield, IL 62704", "STREET_ADDRESS",
     "PO Box 1234, Springfield, IL 62704"),
    ("moved to 42 Elm Street last week!", "STREET_ADDRESS", "42 Elm Street"),
    ("we just moved: 12 Oak Lane", "STREET_ADDRESS", "12 Oak Lane"),
    ("send it to 1 East 5th St", "STREET_ADDRESS", "1 East 5th St"),
    ("Flat 2, 10 Downing Street, London SW1A 2AA", "STREET_ADDRESS",
     "Flat 2, 10 Downing Street, London SW1A 2AA"),
    ("we moved to 301 Front St W, Toronto, ON M5V 2T6", "STREET_ADDRESS",
     "301 Front St W, Toronto, ON M5V 2T6"),
    # DATE_OF_BIRTH: a full date next to a birth word, in any common format
    ("I was born on 14 July 1990", "DATE_OF_BIRTH", "14 July 1990"),
    ("DOB: 07/14/1990", "DATE_OF_BIRTH", "07/14/1990"),
    ("d.o.b. 14.07.1990", "DATE_OF_BIRTH", "14.07.1990"),
    ("the kids' DOBs: Lily 2015-04-18, Sam 2018-10-02", "DATE_OF_BIRTH", "2015-04-18"),
    ("nacido el 14/07/1990 en Sevilla", "DATE_OF_BIRTH", "14/07/1990"),
    ("date of birth 1990-07-14", "DATE_OF_BIRTH", "1990-07-14"),
    ("Jane Doe (b. 1990-07-14)", "DATE_OF_BIRTH", "1990-07-14"),
    ("my birthday is July 14th, 1990", "DATE_OF_BIRTH", "July 14th, 1990"),
    ("born Jul 14 '90 in Leeds", "DATE_OF_BIRTH", "Jul 14 '90"),
    ("14th of July, 1990 is my birthdate", "DATE_OF_BIRTH", "14th of July, 1990"),
    ("birthdate 14-07-90", "DATE_OF_BIRTH", "14-07-90"),
    ("she turns 40 on July 14, 2030", "DATE_OF_BIRTH", "July 14, 2030"),  # the age gives the year
    # UK_NINO: HMRC's prefix rules, spaced in pairs or not
    ("my NI number is AB 12 34 56 C", "UK_NINO", "AB 12 34 56 C"),
    ("AB123456C", "UK_NINO", "AB123456C"),
    ("national insurance: JG103759A", "UK_NINO", "JG103759A"),
    # EMAIL_ADDRESS: a person on the company's own (reserved) domain
    ("mail jane.doe@northwind.example for the deck", "EMAIL_ADDRESS", "jane.doe@northwind.example"),
    ("ping j.smith@qa.test", "EMAIL_ADDRESS", "j.smith@qa.test"),
    ("sam@example.com", "EMAIL_ADDRESS", "sam@example.com"),
    ("my own: press.officer.jane@gmail.com", "EMAIL_ADDRESS", "press.officer.jane@gmail.com"),
    # PHONE_NUMBER: international mobiles, and a personal office line
    ("+49 151 23456789", "PHONE_NUMBER", "+49 151 23456789"),
    ("+33 6 12 34 56 78", "PHONE_NUMBER", "+33 6 12 34 56 78"),
    ("+91 98765 43210", "PHONE_NUMBER", "+91 98765 43210"),
    ("+61 412 345 678", "PHONE_NUMBER", "+61 412 345 678"),
    ("+55 11 91234-5678", "PHONE_NUMBER", "+55 11 91234-5678"),
    ("my UK mobile is 07700 900123", "PHONE_NUMBER", "07700 900123"),
    ("office: (212) 555-0100", "PHONE_NUMBER", "(212) 555-0100"),
    # US_SSN: an SSN word nearer than a reference word
    ("order form, SSN 219-09-9999", "US_SSN", "219-09-9999"),
    # IBAN_CODE: a checksum-valid IBAN counts even after "invoice ref" (see the docs)
    ("invoice ref GB33BUKB20201555555555", "IBAN_CODE", "GB33BUKB20201555555555"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "label", "value"), TRUE_POSITIVES)
def test_entity_is_found_with_its_span(
    fast: PiiDetector, text: str, label: str, value: str
) -> None:
    assert (label, value) in found(fast, text)


NEXT_YEAR = dt.date.today().year + 1
HARD_NEGATIVES = [
    # business and venue addresses are not a person's
    "our HQ at 1 Microsoft Way, Redmond, WA 98052",
    "visit our booth at 747 Howard St, San Francisco",
    "the venue is 747 Howard St, San Francisco, CA 94103",
    "our new office at 500 Main Street, Springfield, IL 62704",
    "Grand opening of our store at 12 Market St, Portland, OR 97205!",
    # a complete address with no personal word: a drop-off point, a restaurant
    "Food drive drop-off is at 1200 Main St, Springfield, IL 62701 until Friday",
    "Team dinner at Casa Lucia, 214 Main Street, Austin TX 78701, 7:30",
    "1600 Pennsylvania Ave NW, Washington, DC 20500",
    "we bought 3 avenue tickets and rue de la paix postcards",
    # a street line with no personal word, and words that only look like one
    "221B Baker Street",
    "we ate at 350 Fifth Avenue",
    "I ran 5 miles down Main Street today",
    "I have 2 dogs and live on Oak Drive",
    "Release 2 of the Way forward",
    "Top 10 tips for your first week",
    "we just moved: 12 oak lane",  # all lower case: usaddress's tags are a guess
    "we shipped 2 customers street view and 5 new features this way",
    # dates without a birth word, partial birthdays, parties and impossible dates
    "release on 2026-11-26",
    "deadline 07/14/1990 was met",
    "my birthday is July 14",
    "born in 1990",
    f"birthday party on 14 July {NEXT_YEAR}",
    f"the baby is due to be born on 14 July {NEXT_YEAR}",
    "date of birth 31/02/1990",
    "born 14 July 1850, the founder",
    # NINO look-alikes: HMRC's specimen, unissued prefixes and suffixes, references
    "QQ 12 34 56 C",
    "GB 12 34 56 A",
    "DA 12 34 56 A",
    "AO 12 34 56 A",
    "AB 12 34 56 E",
    "AB 12 3456 C",
    "SKU AB123456C",
    "ref AB 12 34 56 C",
    # SSN-shaped part, model, order and ticket numbers
    "SKU 219-09-9999",
    "part 212-45-6789",
    "part no. 212-45-6789",
    "p/n 212-45-6789",
    "PN 212-45-6789",
    "model 401-22-3344",
    "ref 401-22-3344",
    "ticket 401-22-3344",
    "case #401-22-3344",
    "order 401-22-3344",
    # ITIN-shaped ones too (9XX-7X-XXXX)
    "SKU 912-70-1234",
    "part no. 950-82-4411",
    # business and toll-free lines are not a person's phone
    "call our support line 1-800-555-0199",
    "dial 1-800-555-0199 for support",
    "toll-free 888-555-0123",
    "call me on +1 877 555 0123",
    "833-555-0123 is free to call",
    "main office (212) 555-0100",
    "front desk: 212-555-0100",
    "212-555-0100 (front desk)",
    "call us at (212) 555-0100",
    "customer service +44 20 7946 0958",
    "freephone 0800 123 4567",
    # role mailboxes are a team's published contact
    "email press@northwind.example",
    "careers@northwind.example is hiring",
    "write to support+eu@gmail.com",
    "customer.service@northwind.example",
    "noreply@northwind.example sent it",
    # IBAN-shaped references that fail mod-97
    "invoice ref GB33BUKB20201555555556",
    "order DE89 3704 0044 0532 0130 01",
]


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_look_alike_is_not_personal_data(fast: PiiDetector, text: str) -> None:
    assert found(fast, text) == []


def mobile_examples() -> list[tuple[str, str]]:
    rows = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        if example is not None:
            rows.append(
                (region, phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL))
            )
    return rows


@pytest.mark.parametrize(("region", "number"), mobile_examples())
def test_every_regions_example_mobile_counts_written_internationally(
    fast: PiiDetector, region: str, number: str
) -> None:
    assert ("PHONE_NUMBER", number) in found(fast, number)
    e164 = number.replace(" ", "").replace("-", "")
    assert ("PHONE_NUMBER", e164) in found(fast, f"text me {e164}")


@pytest.mark.parametrize("region", ["US", "GB", "DE", "FR", "IN", "AU", "BR", "CA", "IT", "ES"])
def test_a_toll_free_number_is_never_a_personal_phone(fast: PiiDetector, region: str) -> None:
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.TOLL_FREE)
    number = phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)
    assert found(fast, f"call me on {number}") == []


@pytest.mark.parametrize(
    ("text", "explained"),
    [
        ("I was born on 14 July 1990", "(base 0.30, raised by context word 'born')"),
        ("d.o.b. 14.07.1990", "raised by context word 'd.o.b.'"),
        ("she turns 40 on July 14, 2030", "raised by context word 'turns 40 on'"),
        ("I live at 221B Baker Street", "(pattern 'street line'), score 0.75"),
        ("moved to 1600 Pennsylvania Ave NW, Washington, DC 20500",
         "(pattern 'complete address'), score 0.80"),
        ("nino AB123456C", "raised by context word 'nino'"),
        ("jane.doe@northwind.example", "reserved name) check of the domain passed"),
    ],
)
def test_explanation_says_why(fast: PiiDetector, text: str, explained: str) -> None:
    (finding,) = fast.detect(text)
    assert explained in finding.explanation


def scored(recognizer: EntityRecognizer, text: str) -> list[tuple[str, float, str]]:
    return [
        (text[r.start : r.end], r.score, r.analysis_explanation.pattern_name)
        for r in recognizer.analyze(text, recognizer.supported_entities)
    ]


@pytest.mark.parametrize(
    ("recognizer", "text", "expected"),
    [
        (StreetAddressRecognizer(), "our HQ at 1 Microsoft Way, Redmond, WA 98052",
         [("1 Microsoft Way, Redmond, WA 98052", 0.2, "business address: 'hq'")]),
        (FormatScoredPhoneRecognizer(), "call our support line 1-800-555-0199",
         [("1-800-555-0199", 0.2, "business line: toll-free")]),
        (FormatScoredPhoneRecognizer(), "main office (212) 555-0100",
         [("(212) 555-0100", 0.2, "business line: 'main office'")]),
    ],
)  # fmt: skip
def test_a_business_match_is_kept_below_the_floor_with_its_reason(
    recognizer: EntityRecognizer, text: str, expected: list[tuple[str, float, str]]
) -> None:
    assert scored(recognizer, text) == expected


@pytest.mark.parametrize(
    ("address", "role"),
    [
        ("press@northwind.example", True),
        ("Press+EU@northwind.example", True),
        ("customer-service@northwind.example", True),
        ("no.reply@northwind.example", True),
        ("jane.doe@northwind.example", False),
        ("pressley@gmail.com", False),
    ],
)
def test_role_mailbox(address: str, role: bool) -> None:
    assert role_mailbox(address) is role


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("SKU 219-09-9999", True),
        ("part no. 212-45-6789", True),
        ("p/n 212-45-6789", True),
        ("order form, SSN 219-09-9999", False),  # the nearer word is the SSN's
        ("partner 219-09-9999", False),  # whole words only
        ("219-09-9999", False),
    ],
)
def test_a_reference_word_before_a_number_names_it(text: str, other: bool) -> None:
    assert named_otherwise(text, text.index("2"), ["ssn"]) is other


@pytest.mark.parametrize(
    ("date", "readings"),
    [
        ("1990-07-14", [dt.date(1990, 7, 14)]),
        ("07/14/1990", [dt.date(1990, 7, 14)]),
        ("14.07.1990", [dt.date(1990, 7, 14)]),
        ("03/04/1990", [dt.date(1990, 3, 4), dt.date(1990, 4, 3)]),  # either order
        ("Jul 14 '90", [dt.date(1990, 7, 14)]),
        ("14-07-05", [dt.date(2005, 7, 14)]),
        ("31/02/1990", []),
    ],
)
def test_a_numeric_date_is_read_month_first_or_day_first(date: str, readings: list) -> None:
    assert real_dates(date, 2026) == readings


FIVE_THOUSAND = 5000
WORST_CASES = [
    (StreetAddressRecognizer(), "12 Main Street "),
    (StreetAddressRecognizer(), "1 2 3 4 5 St "),
    (StreetAddressRecognizer(), "apt 4B, 350 Fifth Avenue, New York, NY 10118 "),
    (StreetAddressRecognizer(), "PO Box 1 "),
    (BirthDateRecognizer(), "born 14 July 1990 "),
    (BirthDateRecognizer(), "1/1/1990 "),
    (HmrcNinoRecognizer(), "AB 12 34 56 C "),
    (HmrcNinoRecognizer(), "SKU AB123456C "),
]


@pytest.mark.parametrize(("recognizer", "unit"), WORST_CASES)
def test_a_5000_character_worst_case_stays_well_under_50_ms(
    recognizer: EntityRecognizer, unit: str
) -> None:
    text = (unit * (FIVE_THOUSAND // len(unit) + 1))[:FIVE_THOUSAND]
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        recognizer.analyze(text, recognizer.supported_entities)
        timings.append(time.perf_counter() - started)
    assert min(timings) < 0.050

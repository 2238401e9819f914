"""Round 5 of the PII recognizers: home cues and UK/Irish addresses, national mobiles read by
the country a post names, numbers across lines, more date formats and languages, more card
schemes, NINO spacings, and documentation e-mail addresses.

Every value is made up or one of phonenumbers' example numbers; every row runs on the
tokens-only path, as the default policy does.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from detectors import PiiDetector
from detectors.budget import WorkLimitReached
from detectors.recognizers.card import card_brand, luhn_valid
from detectors.recognizers.date_of_birth import BirthDateRecognizer
from detectors.recognizers.email import EmailNotHandleRecognizer
from detectors.recognizers.phone import FormatScoredPhoneRecognizer
from detectors.recognizers.phone_regions import MAX_HINTED_REGIONS, hinted_regions
from detectors.recognizers.street_address import StreetAddressRecognizer
from detectors.recognizers.uk_nino import HmrcNinoRecognizer
from tests.pii_found import COUNTS, found

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer

ENTITIES = (
    "EMAIL_ADDRESS", "PHONE_NUMBER", "STREET_ADDRESS", "DATE_OF_BIRTH", "CREDIT_CARD", "UK_NINO",
)  # fmt: skip


@pytest.fixture(scope="module")
def fast(analyzer: AnalyzerEngine) -> PiiDetector:
    return PiiDetector(analyzer, ENTITIES)


def with_check_digit(digits: str) -> str:
    """digits plus the Luhn check digit that makes them valid."""
    return next(digits + d for d in "0123456789" if luhn_valid(digits + d))


def grouped(digits: str) -> str:
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def national_mobile(region: str) -> str:
    example = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
    return phonenumbers.format_number(example, PhoneNumberFormat.NATIONAL)


DANKORT = with_check_digit("501944128830671")
TROY = with_check_digit("979212034567801")
HUMO = with_check_digit("986001234509876")
BORICA = with_check_digit("220512345678902")
VERVE = with_check_digit("506105123456789")

FOUND = [
    # STREET_ADDRESS: a home cue before a complete address, US, UK and Irish
    ("Potluck at ours Sunday: 19 Juniper Court, Eugene, OR 97401", "STREET_ADDRESS",
     "19 Juniper Court, Eugene, OR 97401"),
    ("Cookout at 640 Pinecrest Drive, Macon, GA 31201 after the offsite", "STREET_ADDRESS",
     "640 Pinecrest Drive, Macon, GA 31201"),
    ("Post my laptop charger to 4 Heron Close, Bath BA2 4QT, cheers", "STREET_ADDRESS",
     "4 Heron Close, Bath BA2 4QT"),
    ("I live at 23 Rosemount Crescent, Bristol BS6 5EZ", "STREET_ADDRESS",
     "23 Rosemount Crescent, Bristol BS6 5EZ"),
    ("pop round to her flat, 6 Elder Mews, Milton Keynes MK9 2AB", "STREET_ADDRESS",
     "6 Elder Mews, Milton Keynes MK9 2AB"),
    ("our new house: 11 Ashgrove Park, Ballincollig, Co. Cork P31 KX82", "STREET_ADDRESS",
     "11 Ashgrove Park, Ballincollig, Co. Cork P31 KX82"),
    ("we're staying at 7 Strand Road, Bray, Co. Wicklow till June", "STREET_ADDRESS",
     "7 Strand Road, Bray, Co. Wicklow"),
    ("forward my post to 31 Wren Gardens, Glasgow G12 8QQ please", "STREET_ADDRESS",
     "31 Wren Gardens, Glasgow G12 8QQ"),
    # PHONE_NUMBER: a national-format mobile of the country the post names
    (f"Seoul for a month, my Korean cell is {national_mobile('KR')}", "PHONE_NUMBER",
     national_mobile("KR")),
    (f"in Sydney this week, my Aussie mobile: {national_mobile('AU')}", "PHONE_NUMBER",
     national_mobile("AU")),
    (f"my TW number while I'm in Taipei: {national_mobile('TW')}", "PHONE_NUMBER",
     national_mobile("TW")),
    (f"Shanghai trip! text me on {national_mobile('CN')}", "PHONE_NUMBER", national_mobile("CN")),
    (f"call my Dutch mobile {national_mobile('NL')} from Thursday", "PHONE_NUMBER",
     national_mobile("NL")),
    # PHONE_NUMBER: one group a line
    ("my mobile in Lyon:\n+33\n6\n12\n34\n56\n78", "PHONE_NUMBER", "+33\n6\n12\n34\n56\n78"),
    ("+49\n151\n23456789\ncall me after 6", "PHONE_NUMBER", "+49\n151\n23456789"),
    ("text me:\n07700\n900123", "PHONE_NUMBER", "07700\n900123"),
    # DATE_OF_BIRTH: day-month-year with separators, and in other languages
    ("DOB 23-Nov-1979, the form keeps rejecting it", "DATE_OF_BIRTH", "23-Nov-1979"),
    ("birthday: 9/Sep/86 if HR asks", "DATE_OF_BIRTH", "9/Sep/86"),
    ("geboren am 3. März 1975 in Köln", "DATE_OF_BIRTH", "3. März 1975"),
    ("née le 12 février 1988 à Nantes", "DATE_OF_BIRTH", "12 février 1988"),
    ("fecha de nacimiento: 7 de octubre de 1992", "DATE_OF_BIRTH", "7 de octubre de 1992"),
    ("nato il 21 aprile 1980", "DATE_OF_BIRTH", "21 aprile 1980"),
    ("Geburtsdatum 1er Mai? nein: 14. Juli 1969", "DATE_OF_BIRTH", "14. Juli 1969"),
    # CREDIT_CARD: Luhn-valid numbers of schemes beyond the big five
    (f"Dankort: {grouped(DANKORT)}", "CREDIT_CARD", grouped(DANKORT)),
    (f"paid with {grouped(TROY)} at the kiosk", "CREDIT_CARD", grouped(TROY)),
    (f"card {HUMO}", "CREDIT_CARD", HUMO),
    (f"BORICA card {grouped(BORICA)}", "CREDIT_CARD", grouped(BORICA)),
    (f"Verve {grouped(VERVE)}", "CREDIT_CARD", grouped(VERVE)),
    # UK_NINO: the digits as one block, the suffix's space optional
    ("my NI number is CE 482913 B", "UK_NINO", "CE 482913 B"),
    ("NINO for payroll: JM 71 40 22C", "UK_NINO", "JM 71 40 22C"),
    ("national insurance HT 905127A", "UK_NINO", "HT 905127A"),
    ("ni HT905127 A", "UK_NINO", "HT905127 A"),
    ("nino: jh 20 41 66 b, the form wants lower case", "UK_NINO", "jh 20 41 66 b"),
    ("my ni number is ce 482913 b", "UK_NINO", "ce 482913 b"),
    # EMAIL_ADDRESS: a docs domain offered as someone's stays an address
    ("my email is kit@example.com", "EMAIL_ADDRESS", "kit@example.com"),
    ("reach Priya at priya.n@example.org about the demo", "EMAIL_ADDRESS", "priya.n@example.org"),
    ("for the tutorial, email me at user@example.com", "EMAIL_ADDRESS", "user@example.com"),
    ("ping user@example.com", "EMAIL_ADDRESS", "user@example.com"),  # no docs word
]  # fmt: skip


@pytest.mark.parametrize(("text", "label", "value"), FOUND)
def test_entity_is_found_with_its_span(
    fast: PiiDetector, text: str, label: str, value: str
) -> None:
    assert (label, value) in found(fast, text)


NOT_FOUND = [
    # business and venue addresses, and a home cue a venue word overrides
    "Offsite venue: 12 Wharf Road, Leeds LS1 4BR, doors at 9",
    "Drinks at The Crown, 45 Market Street, Bath BA1 1NR after the talk",
    "the conference is at 1 Exhibition Way, Birmingham B40 1NT",
    "Send your CV to our office at 20 Canal Street, Manchester M1 3HE",
    "we're at the expo, 747 Howard St, San Francisco, CA 94103",
    "Dinner at Casa Verde, 88 Elm Road, Leeds LS6 3AA",
    # a country named, but not a personal mobile: toll-free, fixed-line, a reference
    "Our Tokyo support line 0120-123-456",
    "Japan office switchboard 03-1234-5678",
    "Japan shipment, tracking 080 2345 6789",
    "Osaka: 090 8765 4321 units sold",
    # a column of figures is not a phone number
    "Q3 totals:\n2024\n1180\n3395\n0412",
    "seats per row\n120\n340\n560\n780",
    # a company's or a product's birth, and dates without a birth word
    "The company was born on 1 June 2010 in a dorm room",
    "happy 10th birthday to our app! launched 3-Mar-2016",
    "our 15th anniversary: born 2 Feb 2011 as a two-person shop",
    "Northwind Labs, founded 12 March 2009: happy birthday to us",
    "release 1.0 shipped 23-Nov-2021",
    "product launch 5-May-2025",
    "Geburtstag der Firma: gegründet am 3. März 1975",
    # card look-alikes: Luhn fails, or no scheme issues the prefix
    f"ref {DANKORT[:-1]}{(int(DANKORT[-1]) + 1) % 10}",
    f"tracking {with_check_digit('870012345678901')}",
    # NINO look-alikes
    "merged pr 482913 a while ago",
    "see PR 48 29 13 a bit later",
    "QQ 482913 C",
    "CE 4829 13 B",
    # documentation addresses on docs domains, no one's
    "In the how-to, log in as demo@example.com with any password",
    "Quickstart: the seed data signs in as test.user@example.org",
    "the tutorial's sample login is jane.doe@example.net",
    "Docs example: a test message to bob@example.com lands in the mock inbox",
    "README: set the sender to user1@mail.example.com for the sandbox",
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_look_alike_is_not_personal_data(fast: PiiDetector, text: str) -> None:
    assert found(fast, text) == []


@pytest.mark.parametrize(
    ("text", "regions"),
    [
        ("My CN number while in Shenzhen", ["CN"]),
        ("Japanese number, Tokyo summit", ["JP"]),
        ("back in the UK from Seoul, then Paris", ["GB", "KR", "FR"]),
        ("Lisbon, Madrid, Rome and Vienna", ["PT", "ES", "IT"][:MAX_HINTED_REGIONS]),
        ("polish the deck, it is in IT's queue", []),  # words, not countries
        ("call me", []),
    ],
)
def test_hinted_regions_are_the_countries_a_post_names(text: str, regions: list[str]) -> None:
    assert hinted_regions(text) == regions


@pytest.mark.parametrize(
    ("digits", "brand"),
    [
        (DANKORT, "Dankort"),
        (TROY, "Troy"),
        (HUMO, "Humo"),
        (BORICA, "BORICA"),
        (VERVE, "Verve"),
        (with_check_digit("860012345678901"), "UzCard"),
        (with_check_digit("636012345678901"), "InterPayment"),
        (with_check_digit("870012345678901"), None),
    ],
)
def test_card_scheme_is_read_from_prefix_and_length(digits: str, brand: str | None) -> None:
    assert card_brand(digits) == brand


def test_a_home_cue_is_explained_as_a_context_word(fast: PiiDetector) -> None:
    (finding,) = fast.detect("Come over! 19 Juniper Court, Eugene, OR 97401")
    assert "raised by context word 'come over'" in finding.explanation


def test_a_documentation_address_is_demoted_with_its_reason() -> None:
    (result,) = EmailNotHandleRecognizer().analyze(
        "In the how-to, sign in as user@example.com", ["EMAIL_ADDRESS"]
    )
    assert result.analysis_explanation.pattern_name == "documentation address"
    assert result.score < COUNTS


FIVE_THOUSAND = 5000
HINTED_GROUPS = "Tokyo Seoul Taipei " + " ".join(
    f"call {' - '.join(str(10 + (i + j) % 90) for j in range(6))} mobile" for i in range(4)
)
WORST_CASES = [
    (StreetAddressRecognizer(), "We're at 8 Kingfisher Close, Reading RG2 9QT "),
    (StreetAddressRecognizer(), "mail my badge to 8 Kingfisher Close "),
    (StreetAddressRecognizer(), "at mine: 7 Strand Road, Bray, Co. Wicklow "),
    (BirthDateRecognizer(), "geboren am 5. Juni 1983 "),
    (BirthDateRecognizer(), "born 5-May-1983, founded "),
    (HmrcNinoRecognizer(), "PR 123612C "),
    (EmailNotHandleRecognizer(), "docs: sign in as user@example.com "),
    (FormatScoredPhoneRecognizer(), "my CN number 13812345678 Shenzhen "),
    (FormatScoredPhoneRecognizer(), HINTED_GROUPS + " lorem ipsum " * 400),
]


@pytest.mark.parametrize(("recognizer", "unit"), WORST_CASES)
def test_a_5000_character_worst_case_stays_well_under_50_ms(
    recognizer: EntityRecognizer, unit: str
) -> None:
    text = (unit * (FIVE_THOUSAND // len(unit) + 1))[:FIVE_THOUSAND]
    timings = []
    for _ in range(3):
        started = time.process_time()
        with contextlib.suppress(WorkLimitReached):  # too many numbers: held, not read
            recognizer.analyze(text, recognizer.supported_entities)
        timings.append(time.process_time() - started)
    assert min(timings) < 0.050

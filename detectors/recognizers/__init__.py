"""Gatepost's presidio recognizers: each replaces the predefined one it refines, or adds an entity.

Each module holds one recognizer: presidio's, with Gatepost's data (patterns,
context words) and checks (brand ranges, SSA rules, format scores). Importing
this package imports presidio: ``detectors.pii.build_analyzer`` does it lazily.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from detectors.recognizers.card import BrandCheckedCardRecognizer
from detectors.recognizers.date_of_birth import BirthDateRecognizer
from detectors.recognizers.email import EmailNotHandleRecognizer
from detectors.recognizers.phone import FormatScoredPhoneRecognizer
from detectors.recognizers.ssn import IssuedSsnRecognizer
from detectors.recognizers.street_address import StreetAddressRecognizer
from detectors.recognizers.uk_nino import HmrcNinoRecognizer
from detectors.recognizers.us_bank import BankAccountRecognizer
from detectors.recognizers.us_itin import NamedItinRecognizer
from detectors.recognizers.us_license import DriverLicenseRecognizer
from detectors.recognizers.us_passport import PassportRecognizer

# presidio's predefined recognizer name -> Gatepost's replacement.
REPLACEMENTS: dict[str, type[EntityRecognizer]] = {
    "CreditCardRecognizer": BrandCheckedCardRecognizer,
    "EmailRecognizer": EmailNotHandleRecognizer,
    "PhoneRecognizer": FormatScoredPhoneRecognizer,
    "UsBankRecognizer": BankAccountRecognizer,
    "UsLicenseRecognizer": DriverLicenseRecognizer,
    "UsPassportRecognizer": PassportRecognizer,
    "UsSsnRecognizer": IssuedSsnRecognizer,
    "UsItinRecognizer": NamedItinRecognizer,
}

# Gatepost's recognizers for entities presidio has no recognizer for, or does
# not load for English (UkNinoRecognizer).
ADDITIONS: tuple[type[EntityRecognizer], ...] = (
    BirthDateRecognizer,
    HmrcNinoRecognizer,
    StreetAddressRecognizer,
)

__all__ = ["ADDITIONS", "REPLACEMENTS"]

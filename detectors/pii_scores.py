"""Per-entity score floors and validation notes, as data (no presidio import)."""

from __future__ import annotations

# The lowest score at which PiiDetector reports each entity at all. The weak
# patterns (a bare 9-digit number as a passport, 8-17 digits as a bank
# account) score 0.01 to 0.3 on their own and 0.5 with a context word
# (detectors/pii_context.py): below 0.5 they are noise, not findings. A phone
# number written like one scores 0.4 or more (detectors/recognizers/phone.py).
# Business lines, business addresses and role mailboxes score 0.2: never
# findings. A street line alone scores 0.4 and needs a context word ("live",
# "home", "send"); a date of birth is a date with a birth word (0.85).
ENTITY_MIN_SCORES: dict[str, float] = {
    "CREDIT_CARD": 0.5,
    "DATE_OF_BIRTH": 0.5,
    "EMAIL_ADDRESS": 0.5,
    "IBAN_CODE": 0.5,
    "PHONE_NUMBER": 0.4,
    "STREET_ADDRESS": 0.5,
    "UK_NINO": 0.5,
    "US_BANK_NUMBER": 0.5,
    "US_DRIVER_LICENSE": 0.5,
    "US_ITIN": 0.5,
    "US_PASSPORT": 0.5,
    "US_SSN": 0.5,
}


# What a validated match passed (its score is then 1.0), for explanations.
VALIDATION_NOTES: dict[str, str] = {
    "CREDIT_CARD": "Luhn checksum and card brand range",
    "CRYPTO": "address checksum",
    "EMAIL_ADDRESS": "public suffix (or RFC 2606 reserved name) check of the domain",
    "IBAN_CODE": "IBAN country format and mod-97 checksum",
    "MEDICAL_LICENSE": "DEA checksum",
    "UK_NHS": "NHS checksum",
}

# A character every match of the entity contains, for the pattern entities whose
# recognizers (presidio's and Gatepost's) can only match with one: a post whose
# pii view has none of them (no digit, no '@') is not analysed for them at all.
# Entities not listed (NER ones, URL, CRYPTO, MAC and IP addresses) always are.
ENTITY_NEEDS: dict[str, str] = {
    **dict.fromkeys(
        ("CREDIT_CARD", "DATE_OF_BIRTH", "IBAN_CODE", "MEDICAL_LICENSE", "PHONE_NUMBER",
         "STREET_ADDRESS", "UK_NHS", "UK_NINO", "US_BANK_NUMBER", "US_DRIVER_LICENSE",
         "US_ITIN", "US_PASSPORT", "US_SSN"),
        "digit",
    ),
    "EMAIL_ADDRESS": "@",
}  # fmt: skip

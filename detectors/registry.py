"""The names a policy may use: PII entities, secret labels, detectors.

Policies are validated against these tuples, so a misspelt name fails at
load time with the list of valid ones instead of silently matching nothing.
"""

from __future__ import annotations

from detectors.secrets_catalogue import CATALOGUE

# Entities of presidio-analyzer's predefined English recognizers (+ spaCy NER),
# and of Gatepost's additions (detectors/recognizers: DATE_OF_BIRTH,
# STREET_ADDRESS, UK_NINO).
PII_ENTITIES: tuple[str, ...] = (
    "CREDIT_CARD",
    "CRYPTO",
    "DATE_OF_BIRTH",
    "DATE_TIME",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "IP_ADDRESS",
    "LOCATION",
    "MAC_ADDRESS",
    "MEDICAL_LICENSE",
    "NRP",
    "ORGANIZATION",
    "PERSON",
    "PHONE_NUMBER",
    "STREET_ADDRESS",
    "UK_NHS",
    "UK_NINO",
    "URL",
    "US_BANK_NUMBER",
    "US_DRIVER_LICENSE",
    "US_ITIN",
    "US_PASSPORT",
    "US_SSN",
)

# Labels of the secrets catalogue, in the order it runs (detectors/secrets_catalogue.py
# and detectors/secrets_providers.py declare each one). The catalogue is plain data
# (it imports only re), so importing the registry stays cheap.
SECRET_LABELS: tuple[str, ...] = tuple(dict.fromkeys(rule.label for rule in CATALOGUE))

# Registry names of the detectors (Finding.detector).
DETECTORS: tuple[str, ...] = ("presidio", "secrets", "terms", "patterns")

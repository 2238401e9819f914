"""The names a policy may use: PII entities, secret labels, detectors.

Policies are validated against these tuples, so a misspelt name fails at
load time with the list of valid ones instead of silently matching nothing.
"""

from __future__ import annotations

# Entities of presidio-analyzer's predefined English recognizers (+ spaCy NER).
PII_ENTITIES: tuple[str, ...] = (
    "CREDIT_CARD",
    "CRYPTO",
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
    "UK_NHS",
    "URL",
    "US_BANK_NUMBER",
    "US_DRIVER_LICENSE",
    "US_ITIN",
    "US_PASSPORT",
    "US_SSN",
)

# Labels of the secrets catalogue (detectors/secrets_catalogue.py declares each one).
SECRET_LABELS: tuple[str, ...] = (
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "GITHUB_TOKEN",
    "GITLAB_TOKEN",
    "SLACK_TOKEN",
    "SLACK_WEBHOOK",
    "STRIPE_KEY",
    "GOOGLE_API_KEY",
    "OPENAI_KEY",
    "ANTHROPIC_KEY",
    "JWT",
    "PRIVATE_KEY",
    "DB_CONNECTION_STRING",
    "PASSWORD_ASSIGNMENT",
    "GENERIC_SECRET",
)

# Registry names of the detectors (Finding.detector).
DETECTORS: tuple[str, ...] = ("presidio", "secrets", "terms", "patterns")

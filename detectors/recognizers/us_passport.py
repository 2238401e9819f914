"""US passport numbers: presidio's patterns (9 digits, or a letter and 8), near "passport" only.

Presidio's context also has "us", "united", "states", "travel" and
"document", so "the United States has 331000000 people" made a passport
number. Only "passport" (and "passports") is context here.
"""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsPassportRecognizer


class PassportRecognizer(UsPassportRecognizer):
    """presidio's UsPassportRecognizer, with "passport" as its only context word."""

    CONTEXT = ["passport"]

"""US driver's licenses: presidio's patterns, with at least 5 digits, and Washington's.

Presidio's alphanumeric pattern (matched case-insensitively) takes "v2",
"B1234" and "A123": version strings and room numbers. Only Washington issues
licenses with fewer than 5 digits ("WDL" and 9 letters or digits, such as
WDLABCD456DG), which presidio's patterns miss; any other match with fewer is
not a license. The patterns stay weak (0.01 to 0.3) and need a context word
to count.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UsLicenseRecognizer

MIN_DIGITS = 5
WASHINGTON = Pattern("Driver License - Washington (weak)", r"\bWDL[A-Z0-9]{9}\b", 0.3)


class DriverLicenseRecognizer(UsLicenseRecognizer):
    """presidio's UsLicenseRecognizer, minus matches with fewer than 5 digits."""

    CONTEXT = [
        "driver", "license", "licence", "permit", "lic", "dl", "dls", "cdl", "cdls",
        "driving", "identification",
    ]  # fmt: skip

    PATTERNS = [*UsLicenseRecognizer.PATTERNS, WASHINGTON]

    def invalidate_result(self, pattern_text: str) -> bool:
        if pattern_text.upper().startswith("WDL") and len(pattern_text) == 12:
            return False
        return sum(c.isdigit() for c in pattern_text) < MIN_DIGITS

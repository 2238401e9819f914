"""US social security numbers: presidio's recognizer, with the SSA's rules as they stand.

Two differences from presidio:

- 078-05-1120 is an SSN. presidio drops it as a "published sample", but unlike
  123-45-6789 it is not a placeholder: the SSA issued it (the 1938 Woolworth
  wallet card) and thousands of people then used it as their own. A post
  that says "my SSN is 078-05-1120" discloses an SSN as far as a compliance
  officer is concerned, and it is the number people type to test a DLP
  gateway, so Gatepost keeps it.
- Area numbers 900-999 are never SSNs (the SSA has never issued them; 9XX
  numbers are ITINs and are the US_ITIN recognizer's). Presidio accepts them.

Every other rule presidio checks still applies: no 000 or 666 area, no 00
group, no 0000 serial, one kind of separator, not one digit repeated. "ssid"
(a Wi-Fi network's name) is dropped from presidio's context words.
"""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

ISSUED_SAMPLES = frozenset({"078051120"})
NEVER_ISSUED_AREA_FIRST_DIGIT = "9"


class IssuedSsnRecognizer(UsSsnRecognizer):
    """presidio's UsSsnRecognizer: 078-05-1120 is an SSN, 9XX areas are not."""

    CONTEXT = ["ssn", "ssns", "social", "security"]

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if digits.startswith(NEVER_ISSUED_AREA_FIRST_DIGIT):
            return True
        if digits in ISSUED_SAMPLES:
            # Only the sample-list check rejects it; the SSA rules pass.
            return super().invalidate_result(pattern_text.replace("078", "079", 1))
        return super().invalidate_result(pattern_text)

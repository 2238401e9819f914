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

A number the word before it names as a part, model, order, ticket or other
reference ("SKU 219-09-9999", "part no. 212-45-6789", "case #401-22-3344")
is that, not an SSN (detectors/recognizers/named_numbers.py), unless an SSN
word is nearer ("order form, SSN 219-09-9999"). Nor is one right after a
country calling code: "+55 800 12 3456" is a Brazilian phone number.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

from detectors.recognizers.named_numbers import DropsNumbersNamedOtherwise

ISSUED_SAMPLES = frozenset({"078051120"})
NEVER_ISSUED_AREA_FIRST_DIGIT = "9"
CALLING_CODE_BEFORE = re.compile(r"\+\d{1,3}[ .-]?\(?$")


class IssuedSsnRecognizer(DropsNumbersNamedOtherwise, UsSsnRecognizer):
    """presidio's UsSsnRecognizer: 078-05-1120 is an SSN, 9XX areas are not."""

    CONTEXT = ["ssn", "ssns", "social", "security"]

    def keep(self, text: str, result: RecognizerResult) -> bool:
        return super().keep(text, result) and not CALLING_CODE_BEFORE.search(
            text[max(0, result.start - 6) : result.start]
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if digits.startswith(NEVER_ISSUED_AREA_FIRST_DIGIT):
            return True
        if digits in ISSUED_SAMPLES:
            # Only the sample-list check rejects it; the SSA rules pass.
            return super().invalidate_result(pattern_text.replace("078", "079", 1))
        return super().invalidate_result(pattern_text)

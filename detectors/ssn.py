"""US social security numbers: presidio's recognizer, minus one exemption.

presidio treats 078-05-1120 as a "published sample" and drops it. Unlike
123-45-6789 it is not a placeholder: the SSA issued it (the 1938 Woolworth
wallet card) and thousands of people then used it as their own. A post that
says "my SSN is 078-05-1120" discloses an SSN as far as a compliance officer
is concerned, and it is the number people type to test a DLP gateway, so
Gatepost keeps it. Every structural SSA rule presidio checks still applies.
"""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsSsnRecognizer

ISSUED_SAMPLES = frozenset({"078051120"})


class IssuedSsnRecognizer(UsSsnRecognizer):
    """presidio's UsSsnRecognizer, but 078-05-1120 is an SSN like any other."""

    def invalidate_result(self, pattern_text: str) -> bool:
        digits = "".join(c for c in pattern_text if c.isdigit())
        if digits in ISSUED_SAMPLES:
            # Only the sample-list check rejects it; the SSA rules pass.
            return super().invalidate_result(pattern_text.replace("078", "079", 1))
        return super().invalidate_result(pattern_text)

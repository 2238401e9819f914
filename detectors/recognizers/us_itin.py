"""US ITINs: presidio's recognizer, except a number the words before it name as a part,
order or ticket number ("SKU 912-70-1234"), as for SSNs (named_numbers.py)."""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsItinRecognizer

from detectors.recognizers.named_numbers import DropsNumbersNamedOtherwise


class NamedItinRecognizer(DropsNumbersNamedOtherwise, UsItinRecognizer):
    """presidio's UsItinRecognizer: "SKU 912-70-1234" is a part number, not an ITIN."""

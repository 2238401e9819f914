"""What a PII detector reports at the default policy's floor, for the detector tests."""

from __future__ import annotations

from detectors import PiiDetector

COUNTS = 0.5  # the default policy's min_score


def found(detector: PiiDetector, text: str) -> list[tuple[str, str]]:
    """(label, matched text) of each finding that scores at least COUNTS."""
    return [(f.label, text[f.start : f.end]) for f in detector.detect(text) if f.score >= COUNTS]

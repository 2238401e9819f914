"""The small types every detector shares: Finding, the Detector protocol, errors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

KINDS = ("pii", "secret", "term", "pattern")


@dataclass(frozen=True)
class Finding:
    """One thing a detector found in a post.

    start/end are offsets into the ORIGINAL text (end exclusive), so
    ``text[start:end]`` is what was matched. score is 0..1.
    """

    detector: str  # registry name of the detector, e.g. "presidio", "secrets"
    kind: str  # one of KINDS
    label: str  # CREDIT_CARD, AWS_ACCESS_KEY, a term-list label, a pattern label
    start: int
    end: int
    score: float
    explanation: str  # human sentence: which pattern/term, why this score

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} outside 0..1")

    def overlaps(self, start: int, end: int) -> bool:
        return self.start < end and start < self.end


class Detector(Protocol):
    """A detector finds; it never decides."""

    name: str

    def detect(self, text: str) -> list[Finding]: ...


class DetectorsError(Exception):
    """Base class for errors raised by the detectors package."""


class DetectorFailed(DetectorsError):
    """A detector raised or exceeded its time budget while scanning."""


def replace_spans(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """Replace each (start, end, label) span of text by ``[label]``.

    Overlapping spans are merged; the merged span keeps the label of the
    span that starts first (ties: the longer one).
    """
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    merged: list[list] = []
    for start, end, label in ordered:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, label])
    out, pos = [], 0
    for start, end, label in merged:
        out.append(text[pos:start])
        out.append(f"[{label}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)

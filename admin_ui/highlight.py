"""Split a held post into plain and matched pieces, for <mark> in the review queue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Piece:
    """A run of the post's text; findings is empty for text nothing matched."""

    text: str
    findings: tuple[Mapping, ...] = field(default=())

    @property
    def kind(self) -> str:
        """The most sensitive kind among the findings (pii/secret before term/pattern)."""
        kinds = {f["kind"] for f in self.findings}
        for kind in ("secret", "pii", "term", "pattern"):
            if kind in kinds:
                return kind
        return next(iter(kinds), "")

    @property
    def title(self) -> str:
        return "; ".join(f"{f['label']} ({f['kind']})" for f in self.findings)


def pieces(text: str, findings: Iterable[Mapping]) -> list[Piece]:
    """text cut at every finding boundary; overlapping findings share a piece.

    Offsets outside the text are clipped (a finding's span was recorded
    against this exact text, but the page must never fail on a bad row).
    """
    spans = [(max(0, f["start"]), min(len(text), f["end"]), f) for f in findings]
    spans = [s for s in spans if s[0] < s[1]]
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = tuple(f for s, e, f in spans if s <= start and end <= e)
        out.append(Piece(text[start:end], covering))
    return out

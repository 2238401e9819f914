"""A View: normalized text plus, per character, where it came from in the post."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    """Text a detector reads, with an offset map back to the original post.

    offsets: len(text) + 1 entries; offsets[i] is the index in the original
    text where view character i starts, offsets[len(text)] the end sentinel.
    ends: len(text) entries; ends[i] is where view character i ends (exclusive).
    Both are non-decreasing and lie within 0..len(original).
    source: "" for text of the post itself, else where the text came from
    (e.g. "base64 run at 12..56"); every character of a decoded run maps to
    the whole encoded run.
    """

    name: str
    text: str
    offsets: Sequence[int]  # a tuple, or a range for text left as written
    ends: Sequence[int]
    source: str = ""

    @classmethod
    def of_run(cls, name: str, text: str, start: int, end: int, source: str) -> View:
        """A view of text decoded from original[start:end]: every character maps to all of it."""
        return cls(name, text, (start,) * len(text) + (end,), (end,) * len(text), source)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The smallest span of the original text covering view span start..end."""
        size = len(self.text)
        start = min(max(start, 0), size)
        end = min(max(end, start), size)
        if start == end:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.ends[end - 1]


Edit = tuple[int, int, str]  # replace draft.text[start:end] (start < end) by the string


@dataclass(frozen=True)
class Draft:
    """A view under construction: the text and per-character original spans.

    starts/ends may be ranges (the identity map costs nothing to build).
    """

    text: str
    starts: Sequence[int]
    ends: Sequence[int]
    size: int  # length of the original text: the end sentinel

    @classmethod
    def identity(cls, text: str) -> Draft:
        return cls(text, range(len(text)), range(1, len(text) + 1), len(text))

    def view(self, name: str, source: str = "") -> View:
        if isinstance(self.starts, range):  # the identity map: no tuples to build
            return View(name, self.text, range(self.size + 1), self.ends, source)
        return View(name, self.text, (*self.starts, self.size), tuple(self.ends), source)

    def retext(self, text: str) -> Draft:
        """The same map under a length-preserving rewrite of the text (e.g. case folding)."""
        assert len(text) == len(self.text)
        return Draft(text, self.starts, self.ends, self.size)


def apply_edits(draft: Draft, edits: Sequence[Edit]) -> Draft:
    """Apply sorted, non-overlapping edits; returns draft itself when there are none.

    Each character of a replacement maps to the whole span it replaces, so a
    finding inside it points at every original character it came from.
    """
    if not edits:
        return draft
    text, old_starts, old_ends = draft.text, draft.starts, draft.ends
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end, replacement in edits:
        if start > pos:
            parts.append(text[pos:start])
            starts += old_starts[pos:start]
            ends += old_ends[pos:start]
        if replacement:
            parts.append(replacement)
            starts += [old_starts[start]] * len(replacement)
            ends += [old_ends[end - 1]] * len(replacement)
        pos = end
    parts.append(text[pos:])
    starts += old_starts[pos:]
    ends += old_ends[pos:]
    return Draft("".join(parts), starts, ends, draft.size)

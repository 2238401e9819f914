"""The "display" view: the post in the order it is shown, where bidi controls reorder it.

A right-to-left override shows "\u202eamrahP\u202c" as "Pharma", and right-to-left
marks between words in a right-to-left paragraph swap the words round. The
plain view keeps the logical order (and the terms matcher reads a term typed
backwards anyway, see readings.py); this view puts each paragraph in display
order, so "Contoso \u202eamrahP\u202c" reads "Contoso Pharma".

The reordering follows the Unicode Bidirectional Algorithm (UAX #9) in
outline: explicit embeddings, overrides and isolates (X1-X10 without the
overflow limits), weak types reduced to European numbers after a Latin letter
(W7), neutrals between two strong types of one direction (N1/N2), implicit
levels (I1/I2) and reversal by level (L2). Mirrored brackets and the
whitespace rule L1 are left out: they do not change which letters are shown
next to which.

Offsets: a character moved by the reordering maps to the whole stretch it was
reordered within (a prefix maximum and suffix minimum of the permutation keep
both maps non-decreasing), so a finding in reversed text covers that stretch.
"""

from __future__ import annotations

import re
import unicodedata

from detectors.normalize.view import Draft

EMBEDDINGS = {"\u202a": (False, None), "\u202b": (True, None),  # LRE, RLE
              "\u202d": (False, "L"), "\u202e": (True, "R")}  # LRO, RLO  # fmt: skip
ISOLATES = {"\u2066": False, "\u2067": True, "\u2068": None}  # LRI, RLI, FSI (first strong)
PDF, PDI = "\u202c", "\u2069"
CONTROLS = frozenset([*EMBEDDINGS, *ISOLATES, PDF, PDI, "\u200f", "\u061c"])  # RLM, ALM too
CONTROL = re.compile(f"[{''.join(sorted(CONTROLS))}]")
MAX_LEVEL = 125
SOURCE = "reading in display order"  # the scanner says: (in a reading in display order)


def has_controls(text: str) -> bool:
    """The cheap hint: only these can reorder Latin text on screen."""
    return not text.isascii() and CONTROL.search(text) is not None


def display(draft: Draft) -> Draft | None:
    """The draft's text in display order, or None if that is the order it is in."""
    text = draft.text
    order: list[int] = []
    start = 0
    for end in [i for i, char in enumerate(text) if char == "\n"] + [len(text)]:
        order += [start + i for i in _visual_order(text[start:end])]
        if end < len(text):
            order.append(end)
        start = end + 1
    if order == list(range(len(text))):
        return None
    # Embedding and override controls are not shown and not moved (X9): dropped here,
    # so a reordered stretch maps to its letters, not to the controls around them.
    order = [i for i in order if text[i] not in EMBEDDINGS and text[i] != PDF]
    starts, ends = _covering_maps(order, draft)
    return Draft("".join(text[i] for i in order), starts, ends, draft.size)


def _covering_maps(order: list[int], draft: Draft) -> tuple[list[int], list[int]]:
    """Non-decreasing maps with which any view span covers every original character in it."""
    ends: list[int] = []
    highest = 0
    for i in order:
        highest = max(highest, draft.ends[i])
        ends.append(highest)
    starts = [0] * len(order)
    lowest = draft.size
    for at in range(len(order) - 1, -1, -1):
        lowest = min(lowest, draft.starts[order[at]])
        starts[at] = lowest
    return starts, ends


def _first_strong_is_rtl(types: list[str], start: int = 0) -> bool | None:
    depth = 0
    for kind in types[start:]:
        if kind in ("LRI", "RLI", "FSI"):
            depth += 1
        elif kind == "PDI" and depth:
            depth -= 1
        elif kind == "PDI":
            return None
        elif depth == 0 and kind in ("L", "R", "AL"):
            return kind != "L"
    return None


def _visual_order(text: str) -> list[int]:
    """Indices of one paragraph's characters in display order."""
    types = [unicodedata.bidirectional(char) or "L" for char in text]
    base = 1 if _first_strong_is_rtl(types) else 0
    levels = _explicit_levels(text, types, base)
    _resolve_implicit(types, levels)
    return _reorder(levels)


def _explicit_levels(text: str, types: list[str], base: int) -> list[int]:
    """X1-X10: levels from embeddings and isolates; overrides rewrite the types."""
    stack: list[tuple[int, str | None, bool]] = [(base, None, False)]  # level, override, isolate
    levels = [base] * len(text)
    for i, char in enumerate(text):
        level, override, _ = stack[-1]
        levels[i] = level
        if char in EMBEDDINGS or char in ISOLATES:
            if char in EMBEDDINGS:
                rtl, forced = EMBEDDINGS[char]
            else:
                rtl, forced = ISOLATES[char], None
                if rtl is None:
                    rtl = bool(_first_strong_is_rtl(types, i + 1))
                types[i] = override or "ON"
            new = (level + 1) | 1 if rtl else (level + 2) & ~1
            if new <= MAX_LEVEL:
                stack.append((new, forced, char in ISOLATES))
            if char in EMBEDDINGS:
                types[i] = "BN"
        elif char == PDI:
            while len(stack) > 1 and not stack[-1][2]:
                stack.pop()
            if len(stack) > 1:
                stack.pop()
            levels[i], override = stack[-1][0], stack[-1][1]
            types[i] = override or "ON"
        elif char == PDF:
            if len(stack) > 1 and not stack[-1][2]:
                stack.pop()
            levels[i] = stack[-1][0]  # outside the run it closes, like the opening control
            types[i] = "BN"
        elif override and types[i] != "BN":
            types[i] = override
    return levels


def _resolve_implicit(types: list[str], levels: list[int]) -> None:
    """W7, N1/N2, I1/I2 in outline: numbers, then neutrals, then implicit levels."""
    strong = []  # L, R, or a neutral type; numbers count as R unless after a letter (W7)
    last = "R" if levels and levels[0] % 2 else "L"
    for kind in types:
        if kind in ("L", "R", "AL"):
            last = "L" if kind == "L" else "R"
        if kind == "EN" and last == "L":
            kind = "L"
        strong.append("R" if kind in ("R", "AL", "EN", "AN") else kind)
    before, after = _nearest_strong(strong, levels, 1), _nearest_strong(strong, levels, -1)
    for k, kind in enumerate(strong):
        if kind not in ("L", "R"):
            embedding = "R" if levels[k] % 2 else "L"
            strong[k] = before[k] if before[k] == after[k] else embedding
    for k, kind in enumerate(strong):
        odd = levels[k] % 2
        if types[k] in ("EN", "AN") and kind == "R":
            levels[k] += 1 if odd else 2
        elif (kind == "R") != bool(odd):
            levels[k] += 1


def _nearest_strong(strong: list[str], levels: list[int], step: int) -> list[str]:
    """Per character, the nearest strong type at its level (higher levels skipped) that way.

    Where a lower level comes first, the level's own direction stands in (sos/eos).
    """
    found = ["L"] * len(strong)
    last: dict[int, str] = {}
    indices = range(len(strong)) if step == 1 else range(len(strong) - 1, -1, -1)
    for k in indices:
        level = levels[k]
        for higher in [key for key in last if key > level]:
            del last[higher]
        found[k] = last.get(level, "R" if level % 2 else "L")
        if strong[k] in ("L", "R"):
            last[level] = strong[k]
    return found


def _reorder(levels: list[int]) -> list[int]:
    """L2: from the highest level down to the lowest odd one, reverse each run at or above it."""
    order = list(range(len(levels)))
    if not levels:
        return order
    lowest_odd = min((level for level in levels if level % 2), default=None)
    if lowest_odd is None:
        return order
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] < level:
                i += 1
                continue
            j = i
            while j < len(order) and levels[order[j]] >= level:
                j += 1
            order[i:j] = order[i:j][::-1]
            i = j
    return order

"""Numbers split into pieces: "412, then 867, ends 5309" -> 412-867-5309 (the "pii" fold).

A post can spread one number over several pieces: groups on lines of their
own (4111 / 1111 / 1111 / 1111), groups split by commas or slashes, or words
that say which piece is which ("first three 078, middle 05, last four 1120").
The text between the pieces is replaced by one separator, so presidio's
patterns see one number and the finding spans every piece as written.

A piece is a number as written (4111 1111, 867-5309), bare: not part of a
word (v2, 5pm, B52), an amount ($412, 1,250), a time (9:30) or a decimal
(3.5). Between two pieces only GAP may stand: punctuation, line breaks and
at most MAX_GAP_WORDS of the SEQUENCE words (then, next, and, ...). Pieces
are joined, whole, only when together they have a SHAPE:

- a card: 13 to 19 digits in groups of 3 or more that pass Luhn (the card
  recognizer still checks the brand); pieces that read as a plain LIST
  ("Rooms 4101, 4102, 4103, 4104") also need the kind named (NAMED);
- an SSN (3-2-4) or a US phone number (3-3-4, 1-3-3-4), valid as such, and
  the pieces named as pieces (a POSITION word: first, middle, last, ends,
  part, half...) or the kind named just before them (ssn, call, my number);
  an SSN's pieces may instead stand on lines of their own or between '/',
  '+' or '|'. "Rooms 412, then 867, then 1120" and "Top scores:\n412\n867
  \n5309" have a phone's shape but nothing saying it is one number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from detectors.budget import WorkLimitReached
from detectors.normalize.view import Draft, Edit, apply_edits

SEQUENCE = (
    "then next and with by is are was the of it its it's in plus after that more comes "
    "finally lastly again one two three four five six seven eight nine"
).split()
# Words that name a piece as a piece of one number ("finally" and "then" only order things).
POSITION = (
    "first second third fourth fifth last middle start starts starting begin begins beginning "
    "end ends ending part half rest remaining followed digits chunk piece block group"
).split()
MAX_GAP_WORDS = 5
MAX_GAP_CHARS = 40
MAX_PIECES = 6
MIN_DIGITS, MAX_DIGITS = 9, 19  # an SSN's nine to a card's nineteen (SHAPES)
# Pieces a post may hold in runs that could be joined: past this the post is held
# for review rather than read (the phone recognizer holds one of more than 24
# digit groups), so a crafted post of thousands of pieces costs nothing here.
MAX_PIECES_A_POST = 150
_PUNCT = r"[\s,;:/|+&.\-()\[\]'\"…]"
_WORD = "|".join(sorted(SEQUENCE + POSITION, key=len, reverse=True))
# What may stand between two pieces (also read by joined.py, for split keys).
GAP_PATTERN = (
    rf"{_PUNCT}*(?i:(?:{_WORD})(?:{_PUNCT}+(?:{_WORD})){{0,{MAX_GAP_WORDS - 1}}})?{_PUNCT}*"
)
GAP = re.compile(GAP_PATTERN)
POSITION_WORD = re.compile(rf"(?<![a-z])(?:{'|'.join(POSITION)})(?![a-z])", re.IGNORECASE)
WRAP = re.compile(r"[ \t]*\r?\n[ \t]*")  # a line break inside a number: it wrapped
SHORT_GROUP = 3  # digits: a card's and a phone's groups are never shorter
APART = re.compile(r"[\n/+|]")  # on lines of their own, or split by / + |: an SSN's pieces
NAMED_BEFORE = 48  # characters before the first piece where the kind of number may be named
TIGHT = (" ", "-", ".")  # a separator inside a number as written
AREA_CODE = (")", ") ")  # (415) 555-0132
GROUP = re.compile(r"[0-9]+")
ATTACHED_BEFORE = frozenset("$£€¥#@_")  # ("" is in every str, so these are sets)
ATTACHED_AFTER = frozenset("%°_$€£")
THOUSANDS = re.compile(r"[0-9]{3}(?![0-9])")
MIN_DIGITS = 9  # the shortest shape (an SSN)
_MIXED_SEP = r"[ \-._]"
# Four groups of four digits (and perhaps one of three), not inside a longer number or word.
MIXED_CARD = re.compile(
    rf"(?<![\w.\-])[0-9]{{4}}(?:{_MIXED_SEP}[0-9]{{4}}){{3}}(?:{_MIXED_SEP}[0-9]{{3}})?"
    rf"(?![0-9A-Za-z]|[\-._][0-9])"
)
MIXED_HINT = re.compile(r"[0-9]{4}[\-._ ][0-9]{4}[\-._ ][0-9]{4}")
LIST = re.compile(r"(?:, | and |, and |; )", re.IGNORECASE)  # items of a list in prose
NAMED = {
    "card": re.compile(
        r"\b(?:card|cards|visa|amex|mastercard|discover|cc|credit|debit|pay|paid|cvv|exp)\b",
        re.IGNORECASE,
    ),
    "ssn": re.compile(r"\b(?:ssn|social security|social)\b", re.IGNORECASE),
    "phone": re.compile(
        r"\b(?:phone|call|cell|mobile|tel|text|number|reach|dial|whatsapp|signal)\b", re.IGNORECASE
    ),
}


@dataclass(frozen=True)
class Piece:
    """A number as written (its digit groups' spans); bare if it may be a piece of another."""

    groups: tuple[tuple[int, int], ...]
    bare: bool

    @property
    def start(self) -> int:
        return self.groups[0][0]

    @property
    def end(self) -> int:
        return self.groups[-1][1]


@dataclass(frozen=True)
class Shape:
    """A number that pieces may join into: its kind, its separator, and a test of its groups.

    needs_naming: a weak shape joins only if a gap names the pieces as pieces
    (POSITION), or the kind is named just before them (NAMED), or, if
    apart_names_it, the pieces stand on lines of their own or between / + |.
    """

    kind: str
    joiner: str
    fits: Callable[[tuple[int, ...], str], bool]
    needs_naming: bool = False
    apart_names_it: bool = False
    list_needs_naming: bool = False  # "Rooms 4101, 4102, 4103, 4104" is a list


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, digit in enumerate(reversed(digits)):
        d = int(digit) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _card(lengths: tuple[int, ...], digits: str) -> bool:
    return (
        13 <= len(digits) <= 19
        and digits[0] in "123456"  # every brand's range starts with one of these
        and min(lengths) >= 3
        and len(set(digits)) > 1
        and luhn_valid(digits)
    )


def _ssn(lengths: tuple[int, ...], digits: str) -> bool:
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (
        lengths == (3, 2, 4)
        and area not in ("000", "666")
        and not area.startswith("9")
        and group != "00"
        and serial != "0000"
    )


def _phone(lengths: tuple[int, ...], digits: str) -> bool:
    if lengths == (1, 3, 3, 4) and digits[0] == "1":
        digits = digits[1:]
    elif lengths != (3, 3, 4):
        return False
    return digits[0] in "23456789" and digits[3] in "23456789"


SHAPES = (
    Shape("card", " ", _card, list_needs_naming=True),
    Shape("phone", "-", _phone, needs_naming=True),  # "Top scores:\n412\n867\n5309" is a list
    Shape("ssn", "-", _ssn, needs_naming=True, apart_names_it=True),
)


def join(draft: Draft) -> Draft:
    """The draft with each set of pieces that has a SHAPE joined into one number."""
    text = draft.text
    if sum(map(text.count, "0123456789")) < MIN_DIGITS:
        return draft
    if MIXED_HINT.search(text):
        draft = apply_edits(draft, _mixed_card_edits(text))
        text = draft.text
    edits: list[Edit] = []
    pieces = 0
    for chain in _chains(text):
        pieces += len(chain)
        if pieces > MAX_PIECES_A_POST:
            raise WorkLimitReached(
                f"more than {MAX_PIECES_A_POST} numbers in pieces in one post: held, not read"
            )
        edits += _chain_edits(text, chain)
    return apply_edits(draft, edits)


def _mixed_card_edits(text: str) -> list[Edit]:
    """4539-5313 4059.7026, 5425_4903 8052-3281: a card's 4-digit groups, separators mixed.

    Each separator becomes the card joiner when the groups are all four digits
    (a fifth of three for 19 digits) and pass as a card (_card: Luhn, a brand's
    first digit). One separator throughout is left to the card recognizer, and
    "_" only joins groups here, where every group has a card's length.
    """
    edits: list[Edit] = []
    for match in MIXED_CARD.finditer(text):
        spans = [g.span() for g in GROUP.finditer(text, match.start(), match.end())]
        for groups in (spans, spans[:4]) if len(spans) == 5 else (spans,):  # 19 digits, or 16
            seps = [text[a:b] for (_, a), (b, _) in zip(groups, groups[1:], strict=False)]
            digits = "".join(text[a:b] for a, b in groups)
            lengths = tuple(b - a for a, b in groups)
            if (len(set(seps)) > 1 or "_" in seps) and _card(lengths, digits):
                edits += [(a, b, " ") for (_, a), (b, _) in zip(groups, groups[1:], strict=False)]
                break
    return [edit for edit in edits if text[edit[0] : edit[1]] != " "]


def _chains(text: str) -> Iterator[list[Piece]]:
    """Runs of bare pieces with only a GAP between neighbours (bareness checked last: it costs)."""
    chain: list[list[tuple[int, int]]] = []
    for groups in _numbers(text):
        if chain and not _is_gap(text[chain[-1][-1][1] : groups[0][0]]):
            yield from _bare_runs(text, chain)
            chain = []
        chain.append(groups)
    yield from _bare_runs(text, chain)


def _numbers(text: str) -> Iterator[list[tuple[int, int]]]:
    """Digit groups joined by a separator inside a number, as lists of spans."""
    groups: list[tuple[int, int]] = []
    for match in GROUP.finditer(text):
        if groups and _tight(text, groups[-1], match.start()):
            groups.append(match.span())
            continue
        if groups:
            yield groups
        groups = [match.span()]
    if groups:
        yield groups


def _bare_runs(text: str, chain: list[list[tuple[int, int]]]) -> Iterator[list[Piece]]:
    if len(chain) < 2 or sum(b - a for groups in chain for a, b in groups) < MIN_DIGITS:
        return
    run: list[Piece] = []
    for groups in chain:
        piece = _piece(text, groups)
        if piece.bare:
            run.append(piece)
            continue
        if len(run) > 1:
            yield run
        run = []
    if len(run) > 1:
        yield run


def _tight(text: str, group: tuple[int, int], start: int) -> bool:
    """A separator inside one number: 867-5309, 4111 1111, and the ') ' of (415) 555."""
    between = text[group[1] : start]
    return between in TIGHT or (between in AREA_CODE and text[group[0] - 1 : group[0]] == "(")


def _piece(text: str, groups: list[tuple[int, int]]) -> Piece:
    start, end = groups[0][0], groups[-1][1]
    separators = {text[a:b] for (_, a), (b, _) in zip(groups, groups[1:], strict=False)}
    bare = len(separators) <= 1 and not _attached(text, start, end) and not _complete(text, groups)
    return Piece(tuple(groups), bare)


def _attached(text: str, start: int, end: int) -> bool:
    """Part of a word, an amount, a time, or a number with thousands separators (1,250)."""
    before, before2 = text[start - 1 : start], text[max(start - 2, 0) : max(start - 1, 0)]
    after, rest = text[end : end + 1], text[end + 1 : end + 5]
    return (
        before.isalpha()
        or before in ATTACHED_BEFORE
        or after.isalpha()
        or after in ATTACHED_AFTER
        or (before == ":" and before2.isdigit())
        or (before == "," and before2.isdigit() and THOUSANDS.match(text, start) is not None)
        or (after == ":" and rest[:1].isdigit())
        or (after == "," and THOUSANDS.match(rest) is not None)
    )


def _complete(text: str, groups: list[tuple[int, int]]) -> bool:
    """A number already whole as written (415-555-0132): never glued to another."""
    lengths = tuple(end - start for start, end in groups)
    digits = "".join(text[start:end] for start, end in groups)
    return any(shape.fits(lengths, digits) for shape in SHAPES)


def _is_gap(between: str) -> bool:
    return len(between) <= MAX_GAP_CHARS and GAP.fullmatch(between) is not None


def _chain_edits(text: str, chain: list[Piece]) -> list[Edit]:
    """Left to right, the longest window of pieces with a shape, then the next after it."""
    edits: list[Edit] = []
    # Digits per piece, summed before a window is looked at: a window of fewer
    # than MIN_DIGITS or more than MAX_DIGITS fits no shape, and on a crafted
    # post of thousands of one-digit pieces that check is all the work done.
    counts = [sum(end - start for start, end in piece.groups) for piece in chain]
    i = 0
    while i < len(chain) - 1:
        for j in range(min(len(chain), i + MAX_PIECES), i + 1, -1):
            if not MIN_DIGITS <= sum(counts[i:j]) <= MAX_DIGITS:
                continue
            window = chain[i:j]
            found = _shape(text, window)
            if found is not None:
                edits += _window_edits(text, window, found[0].joiner, found[1])
                i = j
                break
        else:
            i += 1
    return edits


def _shape(text: str, window: list[Piece]) -> tuple[Shape, frozenset[int]] | None:
    """The window's shape, and where a group wrapped onto the next line is glued back."""
    spans = [span for piece in window for span in piece.groups]
    if sum(end - start for start, end in spans) > MAX_DIGITS:
        return None
    digits = "".join(text[start:end] for start, end in spans)
    wrapped = _wrapped(text, window)
    for glued in (frozenset(), wrapped) if wrapped else (wrapped,):  # as written first
        lengths: list[int] = []
        for i, (start, end) in enumerate(spans):
            if i - 1 in glued:
                lengths[-1] += end - start
            else:
                lengths.append(end - start)
        for shape in SHAPES:
            if shape.fits(tuple(lengths), digits) and (
                not _needs_naming(text, window, shape) or _named(text, window, shape)
            ):
                return shape, glued
    return None


def _wrapped(text: str, window: list[Piece]) -> frozenset[int]:
    """Indexes i of the window's groups that a line break splits from group i + 1.

    "4539 14\n05 8816": a group shorter than a card's or a phone's (SHORT_GROUP)
    against a line break may be half of one group, wrapped; they are glued only
    if the pieces have no shape as written (078\n05\n1120 is an SSN's groups).
    Groups on lines of their own (4111\n1111) are whole.
    """
    glued: list[int] = []
    i = -1
    for a, b in zip(window, window[1:], strict=False):
        i += len(a.groups)
        before, after = a.groups[-1], b.groups[0]
        short = min(before[1] - before[0], after[1] - after[0]) < SHORT_GROUP
        if short and WRAP.fullmatch(text, before[1], after[0]):
            glued.append(i)
    return frozenset(glued)


def _needs_naming(text: str, window: list[Piece], shape: Shape) -> bool:
    if shape.needs_naming:
        return True
    gaps = (text[a.end : b.start] for a, b in zip(window, window[1:], strict=False))
    return shape.list_needs_naming and all(LIST.fullmatch(gap) for gap in gaps)


def _named(text: str, window: list[Piece], shape: Shape) -> bool:
    """The pieces are named as pieces, or the kind of number is named just before them."""
    gaps = [text[a.end : b.start] for a, b in zip(window, window[1:], strict=False)]
    if any(POSITION_WORD.search(gap) for gap in gaps):
        return True
    if shape.apart_names_it and all(APART.search(gap) for gap in gaps):
        return True
    start = window[0].start
    return NAMED[shape.kind].search(text, max(0, start - NAMED_BEFORE), start) is not None


def _window_edits(text: str, window: list[Piece], joiner: str, glued: frozenset[int]) -> list[Edit]:
    spans = [span for piece in window for span in piece.groups]
    edits: list[Edit] = []
    for i, ((_, a), (b, _)) in enumerate(zip(spans, spans[1:], strict=False)):
        between = "" if i in glued else joiner
        if text[a:b] != between:
            edits.append((a, b, between))
    return edits

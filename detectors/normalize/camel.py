"""The "camel" view: words that run their parts together, read as their parts.

"#ContosoPharma" reads "#contoso pharma" and "#FalconLaunch" "#falcon launch",
so a phrase term matches a hashtag that runs its words together and a one-word
term matches a whole part of one. A word that merely contains a term is not
split ("Falconer", "Falconry"), nor one whose first part is a single letter
(iPhone, eBay). Lower-case joins (contosopharma, contoso_pharma) are matched
by the term's own readings (readings.py), not here.

The same view reads three more kinds of word the "terms" view reads apart:

- two or more digits run on to a word, before or after it: "#Bluebird2026"
  reads "bluebird 2026", "#26Falcon" "26 falcon" (one digit is no year or
  number, "Falcon2" stays a word of its own; digits inside a word, as
  leetspeak writes them, F4lcon, stay too: the term matcher folds those);
- an emoji or other symbol inside a word, between letters, with no space:
  "Fal🦅con" reads "falcon" (the terms view makes it a space, as it does
  between words: "Tailspin✨Toys" is two words there);
- a word hyphenated across a line break: "Blue-\\nbird" reads "bluebird" (the
  terms view keeps "blue- bird", so "Falcon-\\nbased" still names Falcon).

Works on the plain view (case still there); the terms fold follows. The view
holds those words only, so a phrase is found when it lies within one
("#ContosoPharma"), not when it spans one and the next word.
"""

from __future__ import annotations

import re
import unicodedata

from detectors.normalize.view import Draft

# A lower-case letter after another letter, then a capital: Contoso|Pharma;
# or a run of capitals then a capitalized word: XML|Parser.
BOUNDARY = re.compile(r"(?<=[A-Za-z][a-z])(?=[A-Z])|(?<=[A-Z][A-Z])(?=[A-Z][a-z])")
# A capital after a lower-case letter, or a capital then lower case after a capital;
# the capital first, as it is rarer than a lower-case letter.
HINT = re.compile(r"[A-Z](?:(?<=[a-z][A-Z])|(?<=[A-Z][A-Z])[a-z])")
# Three letters then two digits, or two digits then three letters: Bluebird2026,
# 2026goals (not 4pm, Q3, 2nd, Web3: no term is that short a part, one digit no number).
DIGIT_HINT = re.compile(r"\d\d(?:(?<=[^\W\d_]{3}\d\d)|[^\W\d_]{3})")
# Its quick first look: two ASCII digits with an ASCII letter before or after them.
DIGIT_FIRST_LOOK = re.compile(r"[0-9][0-9](?:(?<=[a-zA-Z][0-9]{2})|[a-zA-Z])")
# Emoji and other symbols (arrows to dingbats, U+2190..U+2BFF; emoji, U+1F000..U+1FAFF)
# between two letters or digits, no space beside them: Fal🦅con. The symbol first: it is rare.
_SYMBOL = "[\u2190-\u2bff\U0001f000-\U0001faff]"
SYMBOLS_IN_WORD = re.compile(rf"{_SYMBOL}(?<=[^\W_]{_SYMBOL}){_SYMBOL}*(?=[^\W_])")
SYMBOL_CATEGORIES = frozenset(("So", "Sk"))  # emoji, ★, skin tones; not ’ · • (punctuation)
# letters-<line break>letters: a word hyphenated at the end of a line.
SOFT_HYPHEN = re.compile(r"(?<=[^\W\d_])-[ \t]*\r?\n[ \t]*(?=[^\W\d_])")
SOURCE = "word read as its parts"


def has_camel_case(text: str) -> bool:
    """The cheap hint: a CamelCase word, digits run on to letters, a symbol inside
    a word, or a hyphen at a line break."""
    return (
        HINT.search(text) is not None
        or (DIGIT_FIRST_LOOK.search(text) is not None and DIGIT_HINT.search(text) is not None)
        or (not text.isascii() and bool(_symbols_in_words(text)))
        or ("-" in text and "\n" in text and SOFT_HYPHEN.search(text) is not None)
    )


def _symbols_in_words(text: str) -> list[tuple[int, int]]:
    return [
        match.span()
        for match in SYMBOLS_IN_WORD.finditer(text)
        if all(unicodedata.category(char) in SYMBOL_CATEGORIES for char in match[0])
    ]


def camel(draft: Draft) -> Draft | None:
    """Those words alone, read as their parts and one space apart; None if none.

    Only those words, not the whole post: the view stays short, and a post with
    one #HashTag costs one hashtag's worth of matching more.
    """
    text = draft.text
    glue = _symbols_in_words(text) if not text.isascii() else []
    if "-" in text and "\n" in text:
        glue += [match.span() for match in SOFT_HYPHEN.finditer(text)]
    # glue: characters inside a word that the view drops (start -> end, end -> start)
    glue_after = dict(glue)
    glue_before = {end: start for start, end in glue}
    anchors = sorted(
        [match.start() for match in HINT.finditer(text)]
        + [match.start() for match in DIGIT_HINT.finditer(text)]
        + [start for start, _ in glue]
    )
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0

    def put(char: str, at: int) -> None:
        pieces.append(char)
        starts.append(draft.starts[at])
        ends.append(draft.ends[at])

    for anchor in anchors:
        if anchor < done:
            continue
        first, done = _word_around(text, anchor, glue_before, glue_after)
        if pieces:  # a space between words, mapped to the next word's first character
            put(" ", first)
        splits = {match.start() for match in BOUNDARY.finditer(text, first, done)}
        splits |= _digit_splits(text, first, done)
        at = first
        while at < done:
            if at in glue_after:
                at = glue_after[at]
                continue
            if at in splits:
                put(" ", at)
            put(text[at], at)
            at += 1
    return Draft("".join(pieces), starts, ends, draft.size) if pieces else None


def _word_around(
    text: str, at: int, glue_before: dict[int, int], glue_after: dict[int, int]
) -> tuple[int, int]:
    """The word around text[at], its glued pieces included."""
    start = end = at
    while True:
        while start and text[start - 1].isalnum():
            start -= 1
        if start not in glue_before:
            break
        start = glue_before[start]
    while True:
        while end < len(text) and text[end].isalnum():
            end += 1
        if end not in glue_after:
            break
        end = glue_after[end]
    return start, end


def _digit_splits(text: str, first: int, done: int) -> set[int]:
    """Where 2+ digits that begin or end the word meet its letters (2026|goals, Falcon|26)."""
    splits: set[int] = set()
    at = first
    while at < done and text[at].isdigit():
        at += 1
    if first + 1 < at < done and text[at].isalpha():
        splits.add(at)
    at = done
    while at > first and text[at - 1].isdigit():
        at -= 1
    if first < at < done - 1 and text[at - 1].isalpha():
        splits.add(at)
    return splits

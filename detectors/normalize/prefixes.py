"""Providers' key prefixes as cheap hints: a token opening with one in ROT13, or ending
with one reversed ("us_wPOn..." is hf_ in ROT13, "...42_phg" is ghp_ typed backwards).

The prefixes are the keywords of the secrets rules whose value opens with one
(secrets_split.prefix_keywords); those of at least MIN_PREFIX characters that
open with a letter or digit and hold a letter are hints (a digit-only or
two-character one would be everywhere). A hint needs MIN_BODY more token
characters on the key's side of the prefix, so "ft." (sg. in ROT13) in "6 ft.
tall" is none. One Aho-Corasick pass over the post finds them all.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

MIN_PREFIX = 3
MIN_BODY = 8
TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def hint_prefixes(keywords: Iterable[str]) -> tuple[str, ...]:
    return tuple(
        k for k in keywords if len(k) >= MIN_PREFIX and k[0].isalnum() and any(map(str.isalpha, k))
    )


@dataclass(frozen=True)
class Hints:
    """What one pass found: a token opening with a prefix in ROT13; where tokens end
    with one reversed."""

    rot13: bool
    reversed_ends: frozenset[int]


NO_HINTS = Hints(False, frozenset())
ROT13, REVERSED = "rot13", "reversed"


@lru_cache(maxsize=4)
def _automaton(keywords: tuple[str, ...]) -> ahocorasick.Automaton:
    """Every hint prefix in ROT13 and reversed, in one automaton: one pass a post."""
    automaton = ahocorasick.Automaton()
    spellings: dict[str, set[str]] = {}
    for keyword in hint_prefixes(keywords):
        spellings.setdefault(codecs.encode(keyword, "rot13"), set()).add(ROT13)
        spellings.setdefault(keyword[::-1], set()).add(REVERSED)
    for word, kinds in spellings.items():
        automaton.add_word(word, (len(word), frozenset(kinds)))
    automaton.make_automaton()
    return automaton


def hints(lowered: str, keywords: tuple[str, ...]) -> Hints:
    """The prefixes' hints in the (lower-cased) text, in one Aho-Corasick pass."""
    rot13 = False
    ends: set[int] = set()
    for last, (size, kinds) in _automaton(keywords).iter(lowered):
        start, end = last + 1 - size, last + 1
        if ROT13 in kinds and not rot13 and _opens_token(lowered, start, end):
            rot13 = True
        if REVERSED in kinds and _ends_token(lowered, start, end):
            ends.add(end)
    return Hints(rot13, frozenset(ends)) if rot13 or ends else NO_HINTS


def _opens_token(text: str, start: int, end: int) -> bool:
    """A token opens at start (not after a token character or a dot) and runs MIN_BODY on."""
    if start and (text[start - 1] in TOKEN_CHARS or text[start - 1] == "."):
        return False
    return _run(text, end, 1) >= MIN_BODY


def _ends_token(text: str, start: int, end: int) -> bool:
    """A token ends at end, with MIN_BODY token characters before start."""
    if end < len(text) and text[end] in TOKEN_CHARS:
        return False
    return _run(text, start - 1, -1) >= MIN_BODY


def _run(text: str, pos: int, step: int) -> int:
    """Token characters from pos on, in the direction of step, up to MIN_BODY."""
    count = 0
    while 0 <= pos < len(text) and text[pos] in TOKEN_CHARS and count < MIN_BODY:
        count += 1
        pos += step
    return count

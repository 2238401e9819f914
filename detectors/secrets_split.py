"""Prefixed keys split to slip past a scanner: AKIACJIPL8 RHBACGTRNU, AKIA-CJIP-L8RH....

A rule opts in by building its value with ``splittable`` (each character may
follow one space or hyphen) and naming the ``split_key`` check, which rejoins
the value with ``unsplit``: at most MAX_SPLITS separators, or any number when
the pieces are groups of one size (AKIA ZHWM NJNW 2EOK LK3H, as on a slide), and
a split value needs a digit, so a headline in capitals ("ASIA PACIFIC
REGIONALS") is not a key.
"""

from __future__ import annotations

import re
from functools import lru_cache

MAX_SPLITS = 2
SEPARATOR = re.compile(r"[ -]")


def splittable(chars: str, length: int) -> str:
    """Regex for exactly length characters of class chars, each perhaps after a space or hyphen."""
    return rf"(?:[ -]?{chars}){{{length}}}"


def unsplit(value: str) -> str | None:
    """The value without its separators, or None if it is split too often or reads as words."""
    joined = SEPARATOR.sub("", value)
    splits = len(value) - len(joined)
    if splits > MAX_SPLITS and not evenly_grouped(value):
        return None
    if splits and not any(char.isdigit() for char in joined):
        return None
    return joined


def evenly_grouped(value: str) -> bool:
    """Pieces of one size (the last may be shorter), split by one kind of separator."""
    separators = set(SEPARATOR.findall(value))
    pieces = SEPARATOR.split(value)
    if len(separators) != 1 or any(not piece for piece in pieces):
        return False
    size = len(pieces[0])
    return size >= 3 and all(len(p) == size for p in pieces[1:-1]) and len(pieces[-1]) <= size


@lru_cache(maxsize=1)
def prefix_keywords() -> tuple[str, ...]:
    """Keywords of the rules whose value opens with a prefix (ghp_, akia, glpat-, xox ...).

    The "joined" view (detectors/normalize/joined.py) rejoins pieces after a token
    holding one of them; any prefixed rule the catalogue gains is covered.
    """
    from detectors.secrets_catalogue import CATALOGUE  # the catalogue imports this module

    prefixed = (rule for rule in CATALOGUE if "prefix" in rule.regex.groupindex)
    return tuple(sorted({keyword for rule in prefixed for keyword in rule.keywords}))

"""Hyphens inside a word, read as gone by the term matcher: Fal-con is Falcon, Blue-bird Bluebird.

A term split by one hyphen is no whole word of the terms view, and storing
every hyphenated spelling of every term would cost an automaton entry per
letter per term. So the matcher reads the post with each hyphen between two
letters or digits (F4l-c0n too: leetspeak is folded after) dropped, and
terms are stored the same way (X-Ray and Xray are one term), in the one
pass it makes anyway: a dropped hyphen also counts as a word boundary, so
"Falcon-based" and "pre-Falcon" still name Falcon. "well-known" and
"e-mail" read "wellknown" and "email", which name no term unless one is
spelled so.
"""

from __future__ import annotations

import re
from bisect import bisect_right

INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


def strip(text: str) -> str:
    """The text without its inner hyphens."""
    return INNER_HYPHEN.sub("", text) if "-" in text else text


def unhyphenate(text: str) -> tuple[str, tuple[int, ...]]:
    """(the text without inner hyphens, where each one was: the index, in that text, of
    the character after it); (text, ()) if it has none."""
    if "-" not in text:
        return text, ()
    cuts = [m.start() for m in INNER_HYPHEN.finditer(text)]
    if not cuts:
        return text, ()
    pieces = [text[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(text)], strict=True)]
    return "".join(pieces), tuple(cut - k for k, cut in enumerate(cuts))


def original_index(index: int, cuts: tuple[int, ...]) -> int:
    """Where a character of the unhyphenated text stands in the text as given."""
    return index + bisect_right(cuts, index)

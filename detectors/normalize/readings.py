"""Other spellings of a policy term: reversed, ROT13, its words joined or swapped.

These are readings of the term, not of the post: the term matcher stores each
one beside the term, so a post typed backwards (noclaF), in ROT13 (Snypba),
with a phrase run together (contosopharma, contoso_pharma) or with a project's
name before the word "project" (Project Nightjar: "the Nightjar project") is
found in one pass over the ordinary "terms" view, with offsets as exact as the
term's own.
Text that a right-to-left override reverses on screen is read reversed too:
the plain view drops the controls and keeps the logical order (noclaF).

A short term's reversal or ROT13 is too often a word (Lost, tsol; gnat, tang),
so a term needs MIN_LETTERS letters to be read reversed or as ROT13, and like
every term it matches whole words only. A term whose reading is itself
(a palindrome) has no extra reading.

Words are swapped only for a term that opens with a word naming what kind of
thing it is (DESIGNATORS: Project, Operation, ...): English puts that word
either side of the name. "Contoso Pharma" is never read "Pharma Contoso".
"""

from __future__ import annotations

import codecs
import re

MIN_LETTERS = 5
REVERSED = "read reversed"
ROT13 = "read as ROT13"
JOINED = "words joined"
SWAPPED = "words in the other order"
JOINERS = ("", "_", "-")  # contosopharma, contoso_pharma, contoso-pharma
DESIGNATORS = frozenset({"project", "operation", "program", "programme", "codename", "initiative"})


def term_readings(folded: str) -> list[tuple[str, str]]:
    """(how it was read, the term so spelled) for a term under the terms fold."""
    readings: list[tuple[str, str]] = []
    if sum(char.isalpha() for char in folded) >= MIN_LETTERS:
        readings.append((REVERSED, folded[::-1]))
        readings.append((ROT13, codecs.encode(folded, "rot13")))
    words = folded.split(" ")
    if len(words) > 1 and all(word[-1:].isalnum() and word[:1].isalnum() for word in words):
        readings.extend((JOINED, joiner.join(words)) for joiner in JOINERS)
        if words[0] in DESIGNATORS:  # Project Nightjar -> nightjar project
            readings.append((SWAPPED, " ".join([*words[1:], words[0]])))
    return [(how, text) for how, text in readings if text != folded]


# Text typed backwards: common English words as they read reversed. A post
# with two different ones ("tsohG si drowssap eht") has its lines with any of
# them read the right way round, for the secrets detector: a password spelled
# backwards in a sentence spelled backwards ("... si drowssap ifiw eht").
REVERSED_WORDS = re.compile(r"(?<![^\W\d_])(?:eht|si|rof|dna|ot|fo|drowssap)(?![^\W\d_])")
STRONG_REVERSED = ("eht", "rof", "dna", "drowssap")  # a quick first look: one of these
BACKWARDS = "run of text read backwards"


def reads_backwards(folded: str) -> bool:
    """The cheap hint, on case-folded text: two different reversed common words."""
    if not any(word in folded for word in STRONG_REVERSED):
        return False
    return len({match[0] for match in REVERSED_WORDS.finditer(folded)}) >= 2


def backwards_lines(folded: str) -> list[tuple[int, int]]:
    """Spans of the lines (of the case-folded text) with a reversed common word."""
    spans: list[tuple[int, int]] = []
    start = 0
    for line in folded.split("\n"):
        end = start + len(line)
        if REVERSED_WORDS.search(line) is not None and line.strip():
            spans.append((start, end))
        start = end + 1
    return spans

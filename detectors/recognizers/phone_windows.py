"""Where phonenumbers looks in a post: the stretches between words that hold 7 digits.

phonenumbers costs about 0.1 ms a region on a short post, and its cost grows
with the digit groups it reads (up to about 0.7 ms a group on crafted text),
so the phone recognizer hands it only these windows, and none at all when a
post has more than ``MAX_DIGIT_GROUPS`` groups in number-like runs
(``WorkLimitReached``: the post is held for review).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detectors import budget

MIN_DIGITS = 7
# Where phonenumbers looks (phone_windows). Its matches never cross a run of
# letters other than these extension markers ("ext. 12", "x12", "anexo 12").
LETTER_RUN = re.compile(r"[^\W\d_]+")
EXTENSION_WORDS = frozenset(
    "x xt ext xtn extn extension extensión anexo int доб".split()
    + "ｘ ｘｔ ｅｘｔ ｘｔｎ ｅｘｔｎ ｉｎｔ".split()
)
# Digits with the gaps a match can have (4 punctuation marks, " ext. "), and more.
CLUSTER = re.compile(r"\d(?:\D{0,8}\d)*")
DIGIT_GROUP = re.compile(r"\d{1,20}")  # phonenumbers reads at most 20 digits as a group
# About 25 ms of phonenumbers on the costliest crafted groups ("1 - 2 - 3 ..."); a
# post with eight phone numbers written (415) 555-0132 is still read (the labelled
# corpus's busiest post has 9 groups).
MAX_DIGIT_GROUPS = 24
# phonenumbers reads no number across a line break; "+44\n7400\n123\n456" is one.
LINE_BREAK = re.compile(r"[\r\n]")


def one_line(text: str, start: int, end: int) -> str:
    """text[start:end] with its line breaks as spaces (same offsets), for phonenumbers."""
    window = text[start:end]
    return LINE_BREAK.sub(" ", window) if "\n" in window or "\r" in window else window


def between_words(text: str) -> Iterator[tuple[int, int]]:
    """Spans of text between runs of letters (extension markers do not count as letters)."""
    start = 0
    for run in LETTER_RUN.finditer(text):
        if run.group().lower() not in EXTENSION_WORDS:
            if run.start() > start:
                yield start, run.start()
            start = run.end()
    if start < len(text):
        yield start, len(text)


def phone_windows(text: str) -> list[tuple[int, int]]:
    """Where phonenumbers must look: each stretch between words with a 7-digit cluster.

    A window keeps one character on each side, as phonenumbers checks that a
    number is not glued to a letter. Raises WorkLimitReached if the clusters
    of 7 characters or more hold more than MAX_DIGIT_GROUPS digit groups.
    """
    windows: list[tuple[int, int]] = []
    groups = 0
    for start, end in between_words(text):
        clusters = [c.group() for c in CLUSTER.finditer(text, start, end)]
        if not any(sum(map(len, DIGIT_GROUP.findall(c))) >= MIN_DIGITS for c in clusters):
            continue
        groups += sum(len(DIGIT_GROUP.findall(c)) for c in clusters if len(c) >= MIN_DIGITS)
        windows.append((max(0, start - 1), min(len(text), end + 1)))
    if groups > MAX_DIGIT_GROUPS:
        raise budget.WorkLimitReached(
            f"{groups} digit groups in number-like runs; the phone recognizer reads at most "
            f"{MAX_DIGIT_GROUPS} a post"
        )
    return windows

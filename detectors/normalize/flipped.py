"""The "reversed" reading: tokens typed backwards, each read the right way round in place.

"read it backwards: FepdYe...42_phg" (a GitHub token), "backwards for safety:
1881888888882104" (a card), "reversed because bots: elpmaxe.dniwhtron@..."
(an address). Unlike the backwards view (a whole sentence typed backwards,
readings.py), the words around stay as written, so a rule's keyword and a
recognizer's context word still read ("card number ... 4012888888881881").

Only on a cheap hint:

- a word saying so (SAID: backwards, reversed, reverse, flipped, mirrored,
  right to left): then every token that is not a plain word is reversed: a
  number of at least MIN_DIGITS digits (its groups and the spaces between
  them as one token, a '+' at either end with it), or MIN_CHARS characters
  or more with a character other than a letter, hyphen or apostrophe (a key,
  an address, a password). Quotes and brackets around a token, and
  punctuation after it, stay where they are. The secrets rules read it; PII
  reads the reversed numbers and addresses alone, each with the few words
  before it that name its kind, at most MAX_PII_CHARS in all, through the pii
  fold ("reversed_pii"): presidio reads that on top of the pii view, so a
  long crafted post saying "backwards" costs it little more;
- a token ending with a provider's prefix reversed (_phg for ghp_; see
  prefixes.py): then only such tokens are reversed, for the secrets rules.

Each character of a reversed token maps to the whole token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from detectors.normalize.view import Draft, Edit, apply_edits

SOURCE = "token typed backwards, read the right way round"
SAID = ("backward", "revers", "flip", "mirror", "right to left", "right-to-left")
MIN_DIGITS = 9
MIN_CHARS = 6
CONTEXT_CHARS = 48  # of the text before a reversed number or address, read with it for PII
MAX_PII_CHARS = 600
TOKEN = re.compile(
    r"[\"'(\[{<]*(?P<number>\+?[0-9]+(?:[ .\-][0-9]+)*\+?)(?=[\s.,;:!?)\]}>\"']|$)"
    r"|(?P<word>\S+)"
)
OPENING = "\"'([{<"
CLOSING = "\"'.,;:!?)]}>"
PLAIN_WORD = re.compile(r"[A-Za-z'\-]+")


def said(lowered: str) -> bool:
    """A word in the (lower-cased) post saying something is typed backwards."""
    return any(word in lowered for word in SAID)


@dataclass(frozen=True)
class Flipped:
    """The post with its reversed tokens read the right way round, and which of them
    PII may read (numbers and addresses: pii_spans)."""

    draft: Draft
    pii_spans: tuple[tuple[int, int], ...]


def flipped(draft: Draft, ends: frozenset[int], *, said_so: bool) -> Flipped | None:
    """The reversed tokens read the right way round, or None if none is.

    ends: where tokens end with a provider's prefix reversed (prefixes.hints).
    """
    if not said_so and not ends:
        return None
    text = draft.text
    edits: list[Edit] = []
    pii_spans: list[tuple[int, int]] = []
    for match in TOKEN.finditer(text):
        start, end = _trimmed(text, match.start(), match.end())
        token = text[start:end]
        if end - start > 1 and (end in ends or (said_so and _reads_reversed(match, token))):
            edits.append((start, end, token[::-1]))
            if said_so and (match["number"] is not None or "@" in token):
                pii_spans.append((start, end))
    return Flipped(apply_edits(draft, edits), tuple(pii_spans)) if edits else None


def pii_reading(flipped: Flipped) -> Draft | None:
    """Only the reversed numbers and addresses, each after up to CONTEXT_CHARS of the text
    before it (where its kind is named: "card number, backwards: ..."), lines apart, at most
    MAX_PII_CHARS in all: presidio reads this on top of the pii view, so it is bounded.
    None if the post has none."""
    text = flipped.draft.text
    windows: list[tuple[int, int]] = []
    total = 0
    for start, end in flipped.pii_spans:
        before = windows[-1][1] if windows else 0
        first = max(before, start - CONTEXT_CHARS)
        if first > before:  # begin at a word
            first = min(start, text.find(" ", first, start) + 1 or start)
        if total + end - first > MAX_PII_CHARS:
            break
        windows.append((first, end))
        total += end - first
    if not windows:
        return None
    ends, starts = [0, *(e for _, e in windows)], [*(s for s, _ in windows), len(text)]
    gaps = zip(ends, starts, strict=True)
    edits = [(a, b, "" if a == 0 or b == len(text) else "\n") for a, b in gaps if a < b]
    return apply_edits(flipped.draft, edits)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in OPENING:
        start += 1
    while end > start and text[end - 1] in CLOSING:
        end -= 1
    return start, end


def _reads_reversed(match: re.Match[str], token: str) -> bool:
    if match["number"] is not None:
        return sum(char.isdigit() for char in token) >= MIN_DIGITS
    return len(token) >= MIN_CHARS and PLAIN_WORD.fullmatch(token) is None

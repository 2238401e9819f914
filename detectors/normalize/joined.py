"""The "joined" reading: a prefixed key split into pieces, rejoined for the secrets rules.

"part one: ghp_1a2b... part two: 3c4d...", "AKIA2E0A8F3B / second half
244C9E2C", a token broken by a line break or by " + ". A fragment is a token
holding a prefixed rule's keyword (ghp_, akia, glpat-, xox ...; see
secrets_split.prefix_keywords). Each piece after it that looks drawn at
random (letters and digits, not a word such as "v2" or "2day") and stands
after only a gap (pieces.GAP: punctuation, line breaks and sequence words
such as "part two", "second half", "then"), or at the start of a following
line after a short label ("2nd half:", "part 2:", "rest:"; LABEL_GAP), is
appended to it, up to MAX_PIECES. The secrets rules then decide, as for any text, whether the
result is a key: the exact length, the checksum, the placeholder checks.

The view exists only when something was joined, so clean posts cost one
keyword look-up.
"""

from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from detectors.normalize.pieces import GAP_PATTERN
from detectors.normalize.view import Draft, Edit, apply_edits

SOURCE = "key split into pieces, rejoined"  # the scanner says: (in a key split ...)
MAX_PIECES = 4  # pieces appended to one fragment
MAX_GAP_CHARS = 40
TOKEN = r"[A-Za-z0-9_\-]"
# A piece on a following line after a short label: "2nd half: ", "part 2: ", "rest: ".
LABEL_WORD = r"[A-Za-z0-9]{1,8}"
LABEL_GAP = rf"[ \t,;.]*\r?\n[ \t]*(?:{LABEL_WORD}[ \t]+){{0,2}}{LABEL_WORD}[ \t]*[:=\-][ \t]*"
NEXT_PIECE = re.compile(
    rf"(?P<gap>{LABEL_GAP}|{GAP_PATTERN})(?P<piece>[A-Za-z0-9]{{4,}})(?![A-Za-z0-9_])"
)
WORD_PIECE = re.compile(r"[A-Za-z]+[0-9]*|[0-9]+[A-Za-z]{0,3}")  # v2, build2024, 2day, 5pm


@lru_cache(maxsize=4)
def _automaton(keywords: tuple[str, ...]) -> ahocorasick.Automaton:
    """The keywords in one automaton: the look-up a clean post costs (about 2 us)."""
    automaton = ahocorasick.Automaton()
    for keyword in keywords:
        automaton.add_word(keyword, keyword)
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=4)
def fragments(keywords: tuple[str, ...]) -> re.Pattern[str]:
    """A token (letters, digits, '_', '-', inner '.') that holds one of the keywords."""
    alternatives = "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True))
    return re.compile(
        rf"(?<![A-Za-z0-9_.\-]){TOKEN}*(?:\.{TOKEN}+)?(?i:{alternatives}){TOKEN}*", re.ASCII
    )


def joined(draft: Draft, keywords: tuple[str, ...]) -> Draft:
    """The draft with each fragment's pieces appended to it; the draft itself if none."""
    if next(_automaton(keywords).iter(draft.text.lower()), None) is None:
        return draft
    edits: list[Edit] = []
    for match in fragments(keywords).finditer(draft.text):
        edits += _piece_edits(draft.text, match.end())
    return apply_edits(draft, sorted(edits))


def _piece_edits(text: str, pos: int) -> list[Edit]:
    edits: list[Edit] = []
    while len(edits) < MAX_PIECES:
        found = NEXT_PIECE.match(text, pos)
        if found is None or not found["gap"] or len(found["gap"]) > MAX_GAP_CHARS:
            break
        if not looks_drawn_at_random(found["piece"]):
            break
        edits.append((found.start("gap"), found.end("gap"), ""))
        pos = found.end()
    return edits


def looks_drawn_at_random(piece: str) -> bool:
    """Letters and digits mixed, not a word with a number (v2, build42, 2day)."""
    has_digit = any(char.isdigit() for char in piece)
    has_letter = any(char.isalpha() for char in piece)
    return has_digit and has_letter and WORD_PIECE.fullmatch(piece) is None

"""The "nato" view: words spelled in the NATO/ICAO alphabet, read as their letters.

"Foxtrot Alfa Lima Charlie Oscar November" reads "falcon". Three or more code
words in a row, separated by spaces, commas, dashes or slashes, make a
spelling; its letters are joined, and a separator unlike the first one in the
run ("... Tango / November ...", or two spaces where one is usual) parts words.
Works on the terms view (case folded, whitespace collapsed).
"""

from __future__ import annotations

import re

from detectors.normalize.view import Draft, Edit, apply_edits

CODE_WORDS = {
    "alfa": "a", "alpha": "a", "bravo": "b", "charlie": "c", "delta": "d", "echo": "e",
    "foxtrot": "f", "golf": "g", "hotel": "h", "india": "i", "juliett": "j", "juliet": "j",
    "kilo": "k", "lima": "l", "mike": "m", "november": "n", "oscar": "o", "papa": "p",
    "quebec": "q", "romeo": "r", "sierra": "s", "tango": "t", "uniform": "u", "victor": "v",
    "whiskey": "w", "whisky": "w", "x-ray": "x", "xray": "x", "yankee": "y", "zulu": "z",
}  # fmt: skip
_WORD = "|".join(sorted(CODE_WORDS, key=len, reverse=True))
_GAP = r"[ ,/\-]+"
SPELLING = re.compile(rf"(?<![\w-])(?:{_WORD})(?:{_GAP}(?:{_WORD})){{2,}}(?![\w-])")
CODE_WORD = re.compile(rf"{_WORD}")
SOURCE = "NATO-alphabet spelling"
# Code words as the hint's split sees them ("x-ray" is split at its hyphen).
HINT_WORDS = frozenset(word for word in CODE_WORDS if "-" not in word) | {"ray"}


def has_spelling(text: str) -> bool:
    """The cheap hint (on case-folded text): a run of three code words.

    A split on whitespace comes first: most posts have no code word at all.
    """
    words = text.replace(",", " ").replace("/", " ").replace("-", " ").split()
    return not HINT_WORDS.isdisjoint(words) and SPELLING.search(text) is not None


def nato(draft: Draft) -> Draft | None:
    """Each spelling's code words as letters, or None if the text has no spelling."""
    edits: list[Edit] = []
    for match in SPELLING.finditer(draft.text):
        edits += _spelling_edits(draft.text, match.start(), match.end())
    return apply_edits(draft, edits) if edits else None


def _spelling_edits(text: str, start: int, end: int) -> list[Edit]:
    edits: list[Edit] = []
    words = list(CODE_WORD.finditer(text, start, end))
    usual = text[words[0].end() : words[1].start()]
    for word, after in zip(words, [*words[1:], None], strict=True):
        edits.append((word.start(), word.end(), CODE_WORDS[word[0]]))
        if after is not None:
            gap = text[word.end() : after.start()]
            edits.append((word.end(), after.start(), "" if gap == usual else " "))
    return edits

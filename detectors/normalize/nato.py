"""The "nato" view: words spelled in the NATO/ICAO alphabet, read as their letters.

"Foxtrot Alfa Lima Charlie Oscar November" reads "falcon". Digits are spelled
as their words too, in the radio forms as well (niner, fower, tree, fife):
"Juliett X-ray four eight two nine one seven Bravo" reads "jx 482917 b" for
terms (digits apart from letters, so "... November one day" still names
Falcon) and "JX482917B" for PII (the "nato_pii" view, built from the plain
view, so a spelled-out NINO or card number is read as one). For the secrets
rules ("nato_secrets") a spelling is one value whatever parts it: a password
spelled "Kilo Echo Lima Papa - Seven Seven - ..." reads KELP77.... Common
variant spellings are code words (Alfa/Alpha, Charlie/Charly, Juliett/Juliet,
X-ray/Xray/X ray, Whiskey/Whisky). Three or more code words in a row,
separated by spaces, commas, dashes or slashes, at least three of them letters,
make a spelling ("one two three" is a number, which the pii view reads); its
characters are joined, and a separator unlike the first one in the run
("... Tango / November ...", or two spaces where one is usual) parts words.
The terms reading works on the terms view (case folded, whitespace collapsed).
"""

from __future__ import annotations

import re

from detectors.normalize.view import Draft, Edit, apply_edits

LETTER_WORDS = {
    "alfa": "a", "alpha": "a", "bravo": "b", "charlie": "c", "charly": "c", "delta": "d",
    "echo": "e", "foxtrot": "f", "golf": "g", "hotel": "h", "india": "i", "juliett": "j",
    "juliet": "j", "kilo": "k", "lima": "l", "mike": "m", "november": "n", "oscar": "o",
    "papa": "p", "quebec": "q", "romeo": "r", "sierra": "s", "tango": "t", "uniform": "u",
    "victor": "v", "whiskey": "w", "whisky": "w", "x-ray": "x", "xray": "x", "x ray": "x",
    "yankee": "y", "zulu": "z",
}  # fmt: skip
DIGIT_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "tree": "3", "four": "4",
    "fower": "4", "five": "5", "fife": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "niner": "9",
}  # fmt: skip
CODE_WORDS = {**LETTER_WORDS, **DIGIT_WORDS}
_WORD = "|".join(re.escape(word) for word in sorted(CODE_WORDS, key=len, reverse=True))
_GAP = r"[ ,/\-]+"
SPELLING = re.compile(
    rf"(?<![\w-])(?:{_WORD})(?:{_GAP}(?:{_WORD})(?!\w)){{2,}}(?![\w-])", re.IGNORECASE
)
CODE_WORD = re.compile(rf"(?<!\w)(?:{_WORD})(?!\w)", re.IGNORECASE)
MIN_LETTERS = 3  # code words for letters in a spelling
SOURCE = "NATO-alphabet spelling"
# Letter code words as the hint's split sees them ("x-ray" and "x ray" split to "ray").
HINT_WORDS = frozenset(word for word in LETTER_WORDS if "-" not in word and " " not in word) | {
    "ray"
}


def has_spelling(text: str) -> bool:
    """The cheap hint (on case-folded text): a run of three code words.

    A split on whitespace comes first: most posts have no letter code word at all.
    """
    words = text.replace(",", " ").replace("/", " ").replace("-", " ").split()
    return not HINT_WORDS.isdisjoint(words) and any(_spellings(text))


def _spellings(text: str) -> list[list[re.Match[str]]]:
    """The code words of each spelling, in order."""
    found = []
    for match in SPELLING.finditer(text):
        words = list(CODE_WORD.finditer(text, match.start(), match.end()))
        if sum(word[0].lower() in LETTER_WORDS for word in words) >= MIN_LETTERS:
            found.append(words)
    return found


def nato(draft: Draft, *, for_pii: bool = False, whole: bool = False) -> Draft | None:
    """Each spelling's code words as characters, or None if the text has no spelling.

    for_pii: letters in capitals and digits joined to them (JX482917B), on any
    case; else (terms) digit groups a space apart from letter groups.
    whole (with for_pii, for the secrets rules): no separator parts words, so
    "Kilo Echo Lima Papa - Seven Seven - Tango ..." is one value, KELP77T...
    """
    edits: list[Edit] = []
    for words in _spellings(draft.text):
        edits += _spelling_edits(draft.text, words, for_pii, whole)
    return apply_edits(draft, edits) if edits else None


def _spelling_edits(
    text: str, words: list[re.Match[str]], for_pii: bool, whole: bool
) -> list[Edit]:
    edits: list[Edit] = []
    usual = text[words[0].end() : words[1].start()]
    for word, after in zip(words, [*words[1:], None], strict=True):
        read = CODE_WORDS[word[0].lower()]
        edits.append((word.start(), word.end(), read.upper() if for_pii else read))
        if after is not None:
            gap = text[word.end() : after.start()]
            apart = not whole and (
                gap != usual
                or (not for_pii and read.isdigit() != CODE_WORDS[after[0].lower()].isdigit())
            )
            edits.append((word.end(), after.start(), " " if apart else ""))
    return edits

"""What the secrets checks ask of a matched value: placeholder, words, entropy, whether it
reads as a password (mixed classes, a passphrase, drawn at random); and the Verdict.

Plain functions over strings, shared by the checks in secrets.py and
secrets_passwords.py (and importable by provider checks without a cycle:
this module imports only the catalogue's allow-lists).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from detectors.secrets_catalogue import PLACEHOLDER_MARK

ASCENDING = "0123456789abcdefghijklmnopqrstuvwxyz"
RUN = 8  # 12345678, abcdefgh, 87654321: typed by a person, not drawn at random
WORD_PIECE = re.compile(r"[A-Za-z]+\d*|\d+[A-Za-z]{0,3}|")
PIECE_SEPARATOR = re.compile(r"[_\-./+=~]")
# PascalCase or camelCase words, or capitals only: NorthwindEvents, McDonald, HTTPS.
CAMEL_WORDS = re.compile(r"[A-Z]?[a-z]+(?:[A-Z][a-z]+)*|[A-Z]+")
CAMEL_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+")
CLASS_RUN = re.compile(r"[a-z]+|[A-Z]+|\d+|[^a-zA-Z\d]+")
DRAWN_LENGTH = 10


@dataclass(frozen=True)
class Verdict:
    """A check accepted a value: a note to explain, a score factor, separators in the match."""

    note: str = ""
    factor: float = 1.0
    gaps: int = 0


ACCEPT = Verdict()
Check = Callable[[re.Match[str]], "Verdict | None"]  # None: not a secret after all


def secret_of(match: re.Match[str]) -> str:
    """The reported part of a match: its ``secret`` group if the regex has one."""
    return match["secret"] if "secret" in match.re.groupindex else match[0]


def is_placeholder(value: str) -> bool:
    """EXAMPLE, xxxx, ****, <...>, ${VAR}, $VAR, {{var}}, your_..._here, redacted, fake,
    a character repeated 8 times, or a run such as 12345678 or abcdefgh."""
    return bool(PLACEHOLDER_MARK.search(value)) or in_runs(value) > 0


def in_runs(value: str) -> int:
    """How many of the value's characters lie in a run of RUN or more (12345678, hgfedcba)."""
    lowered = value.lower()
    covered: set[int] = set()
    for i in range(len(lowered) - RUN + 1):
        window = lowered[i : i + RUN]
        if window in ASCENDING or window[::-1] in ASCENDING:
            covered.update(range(i, i + RUN))
    return len(covered)


def shannon_entropy(value: str) -> float:
    """Bits per character of the value's own character distribution."""
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in Counter(value).values()) if size else 0.0


def looks_like_words(value: str) -> bool:
    """Identifiers and phrases (oauth2-client-flow, TokenService2, build_2024_10), not random."""
    return all(WORD_PIECE.fullmatch(piece) for piece in PIECE_SEPARATOR.split(value))


def character_classes(value: str) -> int:
    """How many of lower case, upper case, digits and symbols the value mixes (0-4)."""
    tests = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    return sum(any(test(c) for c in value) for test in tests)


def reads_as_password(value: str) -> bool:
    """Letters with digits or symbols (trailing !?. are punctuation), or letters drawn at
    random (yqDVtkqPECriaLRi), not a path, and not a hyphenated phrase such as 2FA-protected
    unless it mixes all four character classes, is a passphrase with a digit
    (purple-giraffe-dancing-9) or joins mixed case and digits with underscores
    (Tortuga_Verde88; snake_case stays a name)."""
    core = value.rstrip("!?.")
    if not any(c.isalpha() for c in core) or "/" in core:
        return False
    if not any(c.isdigit() or not c.isalnum() for c in core):
        return looks_drawn(core)
    if not (PIECE_SEPARATOR.search(core) and looks_like_words(core)):
        return True
    if "_" in core and character_classes(core.replace("_", "")) == 3:
        return True
    # A phrase of three or more pieces mixing all four classes: Northwind-Lake-4471!
    return is_passphrase(core) or (
        len(PIECE_SEPARATOR.split(core)) >= 3 and character_classes(value) == 4
    )


def is_passphrase(value: str) -> bool:
    """Three or more pieces joined by separators, with a digit: three words of three letters
    or more (purple-giraffe-dancing-9), or two words then a number of two digits or more, one
    word of four letters not in capitals (bluewhale-tango-77, raspberry-nw-2231); not
    state-of-the-art, a compound (covid-19-era) or a standard's name (ISO-IEC-27001)."""
    if is_word_passphrase(value):
        return True
    pieces = PIECE_SEPARATOR.split(value.rstrip("!?."))
    words = [piece for piece in pieces if piece.isalpha()]
    return (
        len(pieces) >= 3
        and len(words) >= 2
        and any(len(word) >= 4 and not word.isupper() for word in words)
        and pieces[-1].isdigit()
        and len(pieces[-1]) >= 2
    )


def is_word_passphrase(value: str) -> bool:
    """Three or more words of three letters or more joined by separators, with a digit:
    purple-giraffe-dancing-9."""
    pieces = PIECE_SEPARATOR.split(value.rstrip("!?."))
    words = sum(piece.isalpha() and len(piece) >= 3 for piece in pieces)
    return len(pieces) >= 3 and words >= 3 and any(c.isdigit() for c in value)


def is_camel_words(value: str) -> bool:
    """NorthwindEvents, McDonald, HTTPS: words of three letters on average (QmZxTrWk is not)."""
    return bool(CAMEL_WORDS.fullmatch(value)) and len(value) >= 3 * len(CAMEL_WORD.findall(value))


def looks_drawn(value: str) -> bool:
    """Ten characters or more whose kind (lower, upper, digit, symbol) changes every few
    characters: yqDVtkqPECriaLRi, 4f8e0c2a9b7d46a1, m{{h}o)p${e]nob(od; not words
    (NorthwindEvents, McDonald) or a word and a number (12characters)."""
    if len(value) < DRAWN_LENGTH or is_camel_words(value):
        return False
    if looks_like_words(value) and not value.isalpha():  # any letters alone look like words
        return False
    return len(CLASS_RUN.findall(value)) >= max(5, len(value) / 3)

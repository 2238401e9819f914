"""What the secrets checks ask of a matched value: placeholder, words, entropy; and the Verdict.

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
    if PLACEHOLDER_MARK.search(value):
        return True
    lowered = value.lower()
    windows = (lowered[i : i + RUN] for i in range(len(lowered) - RUN + 1))
    return any(w in ASCENDING or w[::-1] in ASCENDING for w in windows)


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

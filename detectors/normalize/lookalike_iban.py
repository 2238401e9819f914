"""Letters typed for digits in an IBAN: GB29 NWBK 6Ol6 l33l 9268 l9 (part of the "pii" fold).

An IBAN holds letters of its own (the country, and in many countries a bank
code: NWBK), so a letter is read as a digit only where a digit belongs: in
the two check digits, and in a group of four that holds a real digit (6Ol6,
l33l, l9) or nothing but look-alikes (OO). O and o read as 0, l and I as 1.
The checksum decides: the run is rewritten only if it fails mod-97 as
written and passes it so read; then presidio's IBAN recognizer checks the
country's format as for any IBAN. So "IE29 BOFI 9000 ..." keeps its bank
code, and a code that merely looks like an IBAN stays as written. Each
letter becomes one digit, so offsets do not move.
"""

from __future__ import annotations

import re

from detectors.normalize.view import Draft

LOOKALIKES = "OolI"
AS_DIGIT = str.maketrans("OolI", "0011")
CANDIDATE = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}[0-9OolI]{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?"
    r"(?![A-Za-z0-9])"
)
HINT = re.compile(r"[A-Z]{2}[0-9OolI]{2}")  # quicker than CANDIDATE where there is none
MIN_LENGTH, MAX_LENGTH = 15, 34  # Norway's IBAN to the longest allowed
GROUP = re.compile(r"[A-Za-z0-9]{1,4}")


def fold(draft: Draft) -> Draft:
    """The draft with each IBAN typed with look-alikes read with digits, if its checksum says so."""
    text = draft.text
    if HINT.search(text) is None:
        return draft
    parts: list[str] = []
    pos = 0
    for match in CANDIDATE.finditer(text):
        read = _read(match[0])
        if read is not None:
            parts += [text[pos : match.start()], read]
            pos = match.end()
    if not parts:
        return draft
    parts.append(text[pos:])
    return draft.retext("".join(parts))


def _read(run: str) -> str | None:
    """The run with look-alikes read as digits where digits belong, if only that passes mod-97."""
    if not any(char in LOOKALIKES for char in run[2:]):
        return None
    compact = run.replace(" ", "")
    if not MIN_LENGTH <= len(compact) <= MAX_LENGTH or mod97(compact.upper()) == 1:
        return None
    read = run[:2] + run[2:4].translate(AS_DIGIT) + _read_groups(run[4:])
    return read if mod97(read.replace(" ", "").upper()) == 1 else None


def _read_groups(rest: str) -> str:
    """Each group (as spaced, or of four when unspaced) that may be digits, read."""
    joiner, groups = (" ", rest.split(" ")) if " " in rest else ("", GROUP.findall(rest))
    return joiner.join(g.translate(AS_DIGIT) if _digits_belong(g) else g for g in groups)


def _digits_belong(group: str) -> bool:
    """A real digit in it, or nothing but look-alikes (OO): never a bank code such as NWBK."""
    return any(map(str.isdigit, group)) or all(char in LOOKALIKES for char in group)


def mod97(iban: str) -> int:
    """The ISO 13616 remainder: country and check digits moved to the end, letters as 10..35."""
    moved = iban[4:] + iban[:4]
    if not moved.isalnum() or not moved.isascii():
        return -1
    return int("".join(str(int(char, 36)) for char in moved)) % 97

"""The "pii" fold: numbers written evasively turned back into digit groups.

Emoji keycaps and digit words become digits, a run of them said one by one
one group ("one four seven two" -> 1472); single digits spaced out one by
one are joined, keeping the separators that group them (0 7 8 - 0 5 - 1 1 2 0
-> 078-05-1120); letters typed for digits in a number's shape are read as
digits (O78-O5-II2O, lookalike_digits.py), and in an IBAN where a digit
belongs and the checksum agrees (lookalike_iban.py); a number split into pieces is
joined (412, then 867, ends 5309 -> 412-867-5309, pieces.py). So presidio's
patterns for SSNs, cards and phones match.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from detectors.normalize import lookalike_digits, lookalike_iban, pieces
from detectors.normalize.plain import fold_case
from detectors.normalize.view import Draft, Edit, apply_edits

KEYCAP = re.compile("([0-9])\u20e3|\U0001f51f")  # 0⃣..9⃣ (variation selector already gone), 🔟
DIGIT_WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_TOKEN = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|[0-9])\b"
# Lower-case text; the left word boundary is checked apart (a leading \b makes re slow).
WORD_RUN = re.compile(rf"{_TOKEN}(?:(?:[ \t]*[,\-][ \t]*|[ \t]+)\b{_TOKEN}){{2,}}")
WORD_HINT = re.compile(r"(?:zero|one|two|three|four|five|six|seven|eight|nine)\b")
TOKEN = re.compile(r"[a-z]+|[0-9]")
_SEP = r"(?:[ \t]{0,2}[.\-][ \t]{0,2}|[ \t]{1,2})"
DIGIT_RUN = re.compile(rf"(?<![\w.\-])[0-9]+(?:{_SEP}[0-9]+){{2,}}(?!\w)")
DIGIT_HINT = re.compile(r"[0-9][ \t.\-]{1,5}[0-9]+[ \t.\-]{1,5}[0-9]")  # three groups
GROUP = re.compile(r"[0-9]+")
MIN_SPACED = 5  # single digits in a run before it counts as spaced out (an IPv4 has 4 groups)
MIN_WORD_TOKENS = 3
# Digits said one word at a time are one group ("one four seven two" -> 1472);
# a wider gap or a dash parts groups, a comma becomes a dash.
WORD_JOINERS = (" ", "\t")


def pii(draft: Draft) -> Draft:
    if "\u20e3" in draft.text or "\U0001f51f" in draft.text:
        draft = apply_edits(draft, [_keycap(m) for m in KEYCAP.finditer(draft.text)])
    lowered = fold_case(draft.text)  # same length, so spans carry over
    if any(_starts_word(lowered, m.start()) for m in WORD_HINT.finditer(lowered)):
        draft = apply_edits(draft, _word_edits(lowered))
    if DIGIT_HINT.search(draft.text):
        draft = apply_edits(draft, _spacing_edits(draft.text))
    return pieces.join(lookalike_digits.fold(lookalike_iban.fold(draft)))


def _keycap(match: re.Match[str]) -> Edit:
    return match.start(), match.end(), match[1] or "10"


def _word_edits(text: str) -> list[Edit]:
    """zero seven eight -> 078 ('oh' only between digits; a comma becomes a dash).

    text is lower-cased.
    """
    edits: list[Edit] = []
    for run in _word_runs(text):
        tokens = list(TOKEN.finditer(text, run.start(), run.end()))
        while tokens and tokens[0][0] == "oh":
            tokens.pop(0)
        while tokens and tokens[-1][0] == "oh":
            tokens.pop()
        if len(tokens) < MIN_WORD_TOKENS or all(t[0].isdigit() for t in tokens):
            continue
        for token, after in zip(tokens, tokens[1:] + [None], strict=True):
            if not token[0].isdigit():
                edits.append((token.start(), token.end(), DIGIT_WORDS[token[0]]))
            if after is None:
                continue
            between = text[token.end() : after.start()]
            if "," in between:
                edits.append((token.end(), after.start(), "-"))
            elif between in WORD_JOINERS:
                edits.append((token.end(), after.start(), ""))  # one four seven two -> 1472
    return edits


def _starts_word(text: str, index: int) -> bool:
    return index == 0 or not text[index - 1].isalnum()


def _word_runs(text: str) -> Iterator[re.Match[str]]:
    pos = 0
    while (run := WORD_RUN.search(text, pos)) is not None:
        if not _starts_word(text, run.start()):
            pos = run.start() + 1  # "someone two three": the run starts at "two"
        else:
            yield run
            pos = run.end()


def _spacing_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    for run in DIGIT_RUN.finditer(text):
        groups = [g.span() for g in GROUP.finditer(text, run.start(), run.end())]
        edits.extend(_run_edits(text, groups))
    return edits


def _run_edits(text: str, groups: list[tuple[int, int]]) -> list[Edit]:
    """Join single digits split by the run's usual separator; tidy the other separators.

    4 1 1 1  1 1 1 1 -> 4111 1111; 0-7-8 0-5 -> 078 05; 078 - 05 - 1120 -> 078-05-1120.
    """
    seps = [text[groups[i][1] : groups[i + 1][0]] for i in range(len(groups) - 1)]
    single = [end - start == 1 for start, end in groups]
    joiner = _joiner(seps, single)
    edits: list[Edit] = []
    for i, sep in enumerate(seps):
        a, b = groups[i][1], groups[i + 1][0]
        if sep == joiner and single[i] and single[i + 1]:
            edits.append((a, b, ""))
        elif sep.strip() and sep != sep.strip():
            edits.append((a, b, sep.strip()))
        elif joiner is not None and not sep.strip() and sep != " ":
            edits.append((a, b, " "))
    return edits


def _joiner(seps: list[str], single: list[bool]) -> str | None:
    """The separator spacing out single digits, if the run is spaced out at all.

    Dots join only a long unbroken stretch: 1.2.3.4 and 10.0.0.1 are addresses.
    """
    between = [sep for i, sep in enumerate(seps) if single[i] and single[i + 1]]
    if sum(single) < MIN_SPACED or not between:
        return None
    joiner = Counter(between).most_common(1)[0][0]
    if "." in joiner and _longest_stretch(seps, single, joiner) < MIN_SPACED:
        return None
    return joiner


def _longest_stretch(seps: list[str], single: list[bool], joiner: str) -> int:
    longest = run = 1 if single[0] else 0
    for i, sep in enumerate(seps):
        run = run + 1 if single[i + 1] and single[i] and sep == joiner else int(single[i + 1])
        longest = max(longest, run)
    return longest

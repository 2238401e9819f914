"""Letters typed for digits inside a number: 4lll-llll-llll-llll, O78-O5-II2O, (4l5) 555-Ol32.

Part of the "pii" fold. O and o read as 0, l and I as 1; S as 5 and B as 8
only in a run that is otherwise nearly all digits (at most MAX_WEAK of them,
and real digits at least DIGIT_SHARE of the run), because S and B open
ordinary IDs and names (SO-2024, B52, BOB-12-3456).

A run is rewritten only when it has a number's shape as a whole (NUMBER):
a card's 4-4-4-4 or 4-6-5 groups, a phone's (415) 555-0132 or 415-555-0132,
an SSN's 3-2-4, or 9 to 19 characters ungrouped, with one kind of separator,
or a phone written with its country code (+44 74OO l23456: the '+' and the
code in real digits) or its trunk 0 (074OO l23456: a real 0 first), not
touching a letter, '#', '$', '@', '%', '/' or another group. It holds 9 to
19 digits and look-alikes, a real digit among them, and:

- a group of letters alone ("llll") only between dashes or dots: between
  spaces it is a word ("lol 555 1234" stays as written);
- an ungrouped run needs real digits for DIGIT_SHARE of it ("IO12345678" is
  read, "IOIOIOIOIO" is not).

So "lol", "IO", "OOO", "Ill", "B52", "v1.0.10", "#0B0B0B" and "SO-2024" stay
words. Each letter becomes one digit, so offsets do not move.
"""

from __future__ import annotations

import re

from detectors.normalize.view import Draft

STRONG = "OolI"  # always read as digits inside a number's shape
WEAK = "SB"  # read only when the run is otherwise clearly a number
AS_DIGIT = str.maketrans("OolISB", "001158")
MAX_WEAK = 2
DIGIT_SHARE = 2 / 3
_C = "[0-9OolISB]"
NUMBER = re.compile(
    rf"(?<![\w#$@%&/.\-])(?:"
    rf"{_C}{{4}}(?P<card>[ .\-]){_C}{{4}}(?P=card){_C}{{4}}(?P=card){_C}{{4}}"
    rf"(?:(?P=card){_C}{{3}})?"
    rf"|{_C}{{4}}(?P<amex>[ .\-]){_C}{{6}}(?P=amex){_C}{{5}}"
    rf"|\({_C}{{3}}\) ?{_C}{{3}}[.\-]{_C}{{4}}"
    rf"|{_C}{{3}}(?P<phone>[ .\-]){_C}{{3}}(?P=phone){_C}{{4}}"
    rf"|{_C}{{3}}(?P<ssn>[ .\-]){_C}{{2}}(?P=ssn){_C}{{4}}"
    rf"|{_C}{{9,19}}"
    rf"|\+[0-9]{{1,3}}(?:[ .\-]{_C}{{1,6}}){{1,6}}"  # +44 74OO l23456
    rf"|0{_C}{{1,4}}(?:[ .\-]{_C}{{2,6}}){{1,3}}"  # 074OO l23456
    rf")(?![\w#$@%&/]|[.\-]\w)"
)
MIN_CHARS, MAX_CHARS = 9, 19  # digits and look-alikes in a run: an SSN's to a card's
GROUP = re.compile(_C + "+")
# Cheap first look: a letter from either set right next to a digit.
DIGIT_THEN_LETTER = re.compile(r"[0-9][OolISB]")
LETTER_THEN_DIGIT = re.compile(r"[OolISB][0-9]")


def fold(draft: Draft) -> Draft:
    """The draft with look-alike letters read as digits in every number-shaped run."""
    text = draft.text
    if DIGIT_THEN_LETTER.search(text) is None and LETTER_THEN_DIGIT.search(text) is None:
        return draft
    runs = [m for m in NUMBER.finditer(text) if reads_as_number(m[0])]
    if not runs:
        return draft
    parts: list[str] = []
    pos = 0
    for run in runs:
        parts += [text[pos : run.start()], run[0].translate(AS_DIGIT)]
        pos = run.end()
    parts.append(text[pos:])
    return draft.retext("".join(parts))


def reads_as_number(run: str) -> bool:
    """True if a number-shaped run with letters in it is a number typed with look-alikes."""
    digits = sum(char.isdigit() for char in run)
    letters = sum(char in STRONG or char in WEAK for char in run)
    if not digits or not letters or not MIN_CHARS <= digits + letters <= MAX_CHARS:
        return False
    weak = sum(char in WEAK for char in run)
    if weak and (weak > MAX_WEAK or digits < DIGIT_SHARE * (digits + letters)):
        return False
    groups = GROUP.findall(run)
    if len(groups) == 1:
        return digits >= DIGIT_SHARE * len(run)
    if " " in run:  # a group of letters between spaces is a word
        return all(any(char.isdigit() for char in group) for group in groups)
    return True

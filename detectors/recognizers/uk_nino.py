"""UK National Insurance numbers: presidio's UkNinoRecognizer, with HMRC's rules spelt out as data.

A NINO is two prefix letters, six digits and a suffix letter A-D, written
"AB123456C", in pairs "AB 12 34 56 C" (the suffix's space optional), or with
the digits as one block set apart ("AB 123456C", "AB 123456 C"); "AB 12 3456 C"
mixes groupings no form prints. Spaced in lower case ("hh 01 02 03 d") it
counts only with a context word: "merged pr 123456 a minute ago" is a pull
request. HMRC never issues D, F, I, Q, U or V
as either prefix letter, O as the second, or the prefixes BG, GB, KN, NK, NT,
TN and ZZ. So "QQ 12 34 56 C", the specimen printed on HMRC's forms, is not a
NINO: like the SSN placeholder 123-45-6789 it cannot belong to anyone.

Presidio ships the recognizer but does not load it for English; Gatepost adds
it (recognizers.ADDITIONS). Its context words are single words ("national
insurance" and "ni number" as phrases never match a word). A NINO-shaped code
after a reference word ("SKU AB123456C", "ref AB 12 34 56 C") is a
reference (detectors/recognizers/named_numbers.py).
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import UkNinoRecognizer

from detectors.recognizers.named_numbers import DropsNumbersNamedOtherwise

FIRST_LETTERS = "ABCEGHJKLMNOPRSTWXYZ"  # not D, F, I, Q, U, V
SECOND_LETTERS = "ABCEGHJKLMNPRSTWXYZ"  # nor O
NEVER_PREFIXES = ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")
SUFFIXES = "ABCD"
_PREFIX = rf"(?!{'|'.join(NEVER_PREFIXES)})[{FIRST_LETTERS}][{SECOND_LETTERS}]"
# The six digits in pairs with the same gap each time, or as one block, a space
# before the suffix or not ("AB 12 34 56 C", "AB 123456 C", "AB123456C").
_SPACINGS = rf"{_PREFIX}(?:( ?)\d{{2}}\1\d{{2}}\1\d{{2}}| ?\d{{6}}) ?[{SUFFIXES}]"
# On its shape alone: in capitals, or solid in any case ("ab123456c").
NINO_REGEX = rf"\b(?:(?-i:{_SPACINGS})|{_PREFIX}\d{{6}}[{SUFFIXES}])\b"
# Spaced in lower case it needs a context word ("nino: hh 01 02 03 d"): "merged pr
# 123456 a minute ago" is a pull request.
NINO_ANY_CASE_REGEX = rf"\b{_SPACINGS}\b"


class HmrcNinoRecognizer(DropsNumbersNamedOtherwise, UkNinoRecognizer):
    """presidio's UkNinoRecognizer: HMRC's prefix rules, printed spacings, one-word context."""

    # 0.5 on its shape alone, as presidio scores it: the default floor; spaced in
    # lower case 0.3, 0.65 with a context word.
    PATTERNS = [
        Pattern("NINO (medium)", NINO_REGEX, 0.5),
        Pattern("NINO (lower case, spaced)", NINO_ANY_CASE_REGEX, 0.3),
    ]
    CONTEXT = ["nino", "ni", "insurance", "national", "hmrc", "paye"]

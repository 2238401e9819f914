"""UK National Insurance numbers: presidio's UkNinoRecognizer, with HMRC's rules spelt out as data.

A NINO is two prefix letters, six digits and a suffix letter A-D, written
"AB123456C", in pairs "AB 12 34 56 C" (the suffix's space optional), or with
the digits as one block set apart ("AB 123456C", "AB 123456 C"); "AB 12 3456 C"
mixes groupings no form prints. HMRC never issues D, F, I, Q, U or V
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
# Written with spaces, the letters are capitals ("merged pr 123456 a minute ago" is
# a pull request): the six digits in pairs with the same gap each time, or as one
# block, a space before the suffix or not. Written solid, any case ("ab123456c").
NINO_REGEX = (
    rf"\b(?:(?-i:{_PREFIX}(?:( ?)\d{{2}}\1\d{{2}}\1\d{{2}}| ?\d{{6}}) ?[{SUFFIXES}])"
    rf"|{_PREFIX}\d{{6}}[{SUFFIXES}])\b"
)


class HmrcNinoRecognizer(DropsNumbersNamedOtherwise, UkNinoRecognizer):
    """presidio's UkNinoRecognizer: HMRC's prefix rules, printed spacings, one-word context."""

    # 0.5 on its shape alone, as presidio scores it: the default floor.
    PATTERNS = [Pattern("NINO (medium)", NINO_REGEX, 0.5)]
    CONTEXT = ["nino", "ni", "insurance", "national", "hmrc", "paye"]

"""Numbers the words before them name as something else: "SKU 219-09-9999", "order #4155550100".

A part, order or ticket number can be written exactly like an SSN, a phone
number or a National Insurance number. The word just before it says which it
is, so each of those recognizers asks ``named_otherwise`` about the few words
before a match. The nearest word that decides wins: in "order? SSN
219-09-9999" it is "ssn", a word of the recognizer's own context, and the
number stays an SSN.

Words are compared whole ("part" must not veto "partner"), after dropping the
dots and slashes inside abbreviations ("p/n", "s.k.u.", "d.o.b." read "pn",
"sku", "dob").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# Words that name a number as a product, order, document or record reference.
OTHER_NUMBER_WORDS = frozenset(
    """order orders invoice tracking ticket tickets ref reference confirmation booking
    serial sn sku skus isbn part parts pn model item product case build version po
    receipt transaction batch claim rma asin upc ean catalog catalogue""".split()
)
WORDS_CHECKED_BEFORE = 3
REACH_CHARS = 40
ABBREVIATION_DOTS = re.compile(r"(?<=[a-z])[./](?=[a-z])")
WORD = re.compile(r"[^\W\d_]+")


def words_before(text: str, start: int, count: int = WORDS_CHECKED_BEFORE) -> list[str]:
    """The last ``count`` words before start, lower-cased, nearest last."""
    window = ABBREVIATION_DOTS.sub("", text[max(0, start - REACH_CHARS) : start].lower())
    return WORD.findall(window)[-count:]


def named_otherwise(
    text: str,
    start: int,
    own_words: Iterable[str] = (),
    other_words: frozenset[str] = OTHER_NUMBER_WORDS,
) -> bool:
    """True if the nearest deciding word before start names another kind of number."""
    own = {w.lower() for w in own_words}
    for word in reversed(words_before(text, start)):
        if word in own:
            return False
        if word in other_words:
            return True
    return False


class DropsNumbersNamedOtherwise:
    """Mixin for a presidio PatternRecognizer: its matches that the words before them
    name as another kind of number are dropped (``keep`` may add checks)."""

    context: list[str]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)  # type: ignore[misc]
        return [r for r in found if self.keep(text, r)]

    def keep(self, text: str, result: Any) -> bool:
        return not named_otherwise(text, result.start, self.context)

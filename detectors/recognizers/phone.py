"""Phone numbers: presidio's recognizer (python-phonenumbers), scored by how they are written.

Presidio scores every valid number 0.4, whether it is "+44 20 7946 0958" or
a bare "4155550100" that is more likely an order number. Gatepost scores by
format, and context words (``CONTEXT``) add 0.35 as usual:

    international  +44 20 7946 0958, +1 415 555 0132      0.6
    US-style       (415) 555-0132, 415-555-0132, 1-800-555-0199   0.6
    grouped        020 7946 0958, 415 555 0132, 07 81 23 45 67    0.4
    digits only    4155550132                            0.2
    international, in no assigned range                   0.3
    (+44 7700 900456: the range UK dramas use)

so with the default policy (min_score 0.5) a phone number counts when it is
written like one, or has a context word ("call me", "text me", "my cell",
"WhatsApp") near it. Never a phone number: fewer than 7 digits (phonenumbers
accepts 4-digit German numbers, so "founded in 1640" was one), a number
written like an SSN (078-05-1120 is a valid German number), or a number
right after a word naming another kind of number ("order #4155550100",
"account 12345678901", "SN 12-3456-7890").

phonenumbers is slow (about 1 ms a post once the post has any digit, for 8
regions), so it runs only on posts where a number could count: one with a
run of 7 digits written with separators or a "+", or with a bare run of 7
digits and a context word anywhere in the post (``may_count``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency
from presidio_analyzer import AnalysisExplanation, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from detectors.pii_context import LETTER_RUN, PREFIX_MATCH_MIN_LETTERS

MIN_DIGITS = 7
# 7 digits with at most 4 non-letters between any two: every phonenumbers
# match has one (the candidates it considers are digits and punctuation).
CANDIDATE = re.compile(rf"\d(?:[\W_xX]{{0,4}}\d){{{MIN_DIGITS - 1},}}")
EXTENSION = re.compile(r"[^\W\d_]|#")  # "ext. 12", "x12", "#12": where an extension starts
SSN_SHAPE = re.compile(r"\d{3}([-. ])\d{2}\1\d{4}")  # 078-05-1120 is an SSN, not a phone
SEPARATED_DIGITS = re.compile(r"\d\D+\d")
PLUS_REACH = 3  # "+44", "(+44", "+ 44": a "+" this close before the first digit
US_STYLE = re.compile(r"(?:1[-. ]?)?(?:\(\d{3}\)[-. ]?|\d{3}[-.])\d{3}[-.]\d{4}")
# (tier name, score) in the order they are tried; see the module doc.
INTERNATIONAL = ("international", 0.6)
US_STYLE_TIER = ("US-style", 0.6)
GROUPED = ("grouped", 0.4)
DIGITS_ONLY = ("digits only", 0.2)
UNASSIGNED = ("international, unassigned range", 0.3)
# Words that, among the 3 words before a number, say it is another kind of
# number. Whole words only ("part" must not veto "partner").
NOT_PHONE_WORDS = frozenset(
    """order orders invoice tracking ticket ref reference confirmation booking serial
    sn sku isbn account acct routing iban receipt transaction build version po id""".split()
)
WORDS_CHECKED_BEFORE = 3


def without_extension(number: str) -> str:
    return EXTENSION.split(number, maxsplit=1)[0].strip()


def format_tier(number: str) -> tuple[str, float]:
    """How the number is written, extension aside: (tier name, base score)."""
    number = without_extension(number)
    first_digit = next((i for i, c in enumerate(number) if c.isdigit()), len(number))
    if "+" in number[max(0, first_digit - PLUS_REACH) : first_digit]:
        return INTERNATIONAL
    if US_STYLE.fullmatch(number):
        return US_STYLE_TIER
    if SEPARATED_DIGITS.search(number):
        return GROUPED
    return DIGITS_ONLY


def named_otherwise(text: str, start: int) -> bool:
    """True if one of the few words before start names another kind of number."""
    before = LETTER_RUN.findall(text[max(0, start - 40) : start].lower())
    return any(word in NOT_PHONE_WORDS for word in before[-WORDS_CHECKED_BEFORE:])


def possible_international(text: str) -> Iterator[tuple[int, int]]:
    """Spans of "+<country code> ..." numbers of a possible length, assigned or not."""
    for match in phonenumbers.PhoneNumberMatcher(text, "US", leniency=Leniency.POSSIBLE):
        if format_tier(match.raw_string) == INTERNATIONAL:
            yield match.start, match.end


def context_pattern(words: list[str]) -> re.Pattern[str]:
    """Any of the words, as the context enhancer matches them (prefix from 4 letters)."""
    alternatives = sorted(
        (rf"{re.escape(w)}[^\W\d_]*" if len(w) >= PREFIX_MATCH_MIN_LETTERS else re.escape(w))
        for w in words
    )
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(alternatives)})(?![^\W\d_])", re.IGNORECASE)


class FormatScoredPhoneRecognizer(PhoneRecognizer):
    """presidio's PhoneRecognizer with format scores, a digit floor and a pre-filter."""

    CONTEXT = [
        "phone", "telephone", "tel", "cell", "cellphone", "mobile", "number",
        "call", "calling", "text", "texting", "sms", "whatsapp", "signal",
        "reach", "dial", "contact", "fax", "landline",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.context_words = context_pattern(self.context)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if not self.may_count(text):
            return []
        regions: dict[tuple[int, int], str | None] = {}
        for region in self.supported_regions:
            for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=self.leniency):
                regions.setdefault((match.start, match.end), region)
        if "+" in text:
            for span in possible_international(text):
                regions.setdefault(span, None)
        return [
            self._result(text, start, end, region)
            for (start, end), region in regions.items()
            if self.could_be_phone(text, start, end)
        ]

    @staticmethod
    def could_be_phone(text: str, start: int, end: int) -> bool:
        number = without_extension(text[start:end])
        return (
            sum(c.isdigit() for c in number) >= MIN_DIGITS
            and not SSN_SHAPE.fullmatch(number)
            and not named_otherwise(text, start)
        )

    def may_count(self, text: str) -> bool:
        """Cheap: could any number here score the 0.4 floor? Bare digits need a context word."""
        bare = False
        for candidate in CANDIDATE.finditer(text):
            just_before = text[max(0, candidate.start() - PLUS_REACH) : candidate.start()]
            if not candidate.group().isdigit() or "+" in just_before:
                return True
            bare = True
        return bare and self.context_words.search(text) is not None

    def _result(self, text: str, start: int, end: int, region: str | None) -> RecognizerResult:
        tier, score = format_tier(text[start:end]) if region else UNASSIGNED
        where = f"valid in region {region}" if region else "a possible number, unassigned"
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=score,
            pattern_name=tier,
            textual_explanation=f"phone number written {tier}, {where}",
        )
        return RecognizerResult(
            entity_type=self.supported_entities[0],
            start=start,
            end=end,
            score=score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )

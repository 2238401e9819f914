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
"account 12345678901", "SN 12-3456-7890"; detectors/recognizers/named_numbers.py).

A number without "+" is read in presidio's eight regions, and first in the
countries the post names ("My Japanese number is 090-1234-5678", "my CN
number ... Shenzhen"; phone_regions.py): there it counts only if it is a
mobile and a context word is near. phonenumbers reads no number across a
line break, so each window is read with its line breaks as spaces; a number
so joined ("+44", "7400", "123", "456" one a line) counts if it starts with "+" or has a
context word near, so a column of figures is not one.

A business line is not a person's contact: a toll-free, premium-rate,
shared-cost or universal-access number (1-800-555-0199, +1 877 ..., 0800 ...,
0845 ... by phonenumbers' own number types), or one named by the words around
it ("main office", "front desk", "support line", "call us", "our store",
``BUSINESS_LINE_WORDS``), scores 0.2 whatever its format, and no context word
raises it: below the 0.4 floor, so never a finding. A number the company
publishes on purpose belongs in the policy's ``public_contacts`` list too.

phonenumbers is slow (about 1 ms a post once the post has any digit, for 8
regions), so it runs only on posts where a number could count: one with a
run of 7 digits written with separators or a "+", or with a bare run of 7
digits and a context word anywhere in the post (``may_count``). Even then it
reads only the stretches between words where a number of 7 digits is
(``phone_windows``: no phonenumbers match crosses a word other than an
extension marker such as "ext"), and its cost grows with the digit groups
it reads (up to about 0.7 ms a group on crafted text), so a post with more
than ``MAX_DIGIT_GROUPS`` groups in number-like runs is not read at all:
``WorkLimitReached`` stops the detector and the post is held for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumber, PhoneNumberType
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer

from detectors import budget
from detectors.pii_context import PREFIX_MATCH_MIN_LETTERS
from detectors.recognizers.named_numbers import OTHER_NUMBER_WORDS, named_otherwise
from detectors.recognizers.phone_regions import hinted_regions
from detectors.recognizers.phone_windows import (
    DIGIT_GROUP,
    LINE_BREAK,
    MIN_DIGITS,
    one_line,
    phone_windows,
)
from detectors.recognizers.results import scored_result

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
BUSINESS_LINE = ("business line", 0.2)
# Words before a number that say it is another kind of number, beyond the
# reference words every ID recognizer shares.
NOT_PHONE_WORDS = OTHER_NUMBER_WORDS | {"account", "acct", "routing", "iban", "id"}
# A number the post's country hints read as valid counts only if it is a mobile.
MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
# A window read again for a hinted region holds at most this many digit groups (a
# mobile has 2-6: "090-1234-5678", "06 12 34 56 78"), which bounds the extra reads.
MAX_HINTED_GROUPS = 6
# How near a context word must be to a national number read by a country hint,
# or to a number written across lines.
CONTEXT_REACH_BEFORE = 40
CONTEXT_REACH_AFTER = 30
# phonenumbers' types of number no person answers as their own.
BUSINESS_NUMBER_TYPES = {
    PhoneNumberType.TOLL_FREE: "toll-free",
    PhoneNumberType.PREMIUM_RATE: "premium-rate",
    PhoneNumberType.SHARED_COST: "shared-cost",
    PhoneNumberType.UAN: "universal access",
}
# Phrases that name a number as a business's line, looked for just before or after it.
BUSINESS_LINE_WORDS = [
    r"toll[- ]?free", r"free ?phone", r"main (?:office|line|number|switchboard)",
    r"head ?office", r"front desk", r"reception", r"switchboard", r"help ?line", r"hot ?line",
    r"help ?desk", r"service ?desk", r"customer (?:service|support|care)",
    r"(?:support|sales|press|media|booking|reservations?|enquiry|enquiries|inquiry|inquiries)"
    r" (?:line|number|desk|team|office)",
    r"(?:call|contact|reach|phone|ring|text) us",
    r"our (?:office|offices|store|shop|hq|headquarters|support|main|front|sales|press|helpline"
    r"|hotline|switchboard|reception|team|booth)",
]  # fmt: skip
BUSINESS_REACH_BEFORE = 50
BUSINESS_REACH_AFTER = 25


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


def business_line(text: str, start: int, end: int, number: PhoneNumber | None) -> str | None:
    """Why the number at start:end (parsed, if it is valid) is a business's line, or None."""
    kind = phonenumbers.number_type(number) if number is not None else None
    if kind in BUSINESS_NUMBER_TYPES:
        return BUSINESS_NUMBER_TYPES[kind]
    before = text[max(0, start - BUSINESS_REACH_BEFORE) : start]
    around = (before, text[end : end + BUSINESS_REACH_AFTER])
    named = next((m for part in around if (m := BUSINESS_WORDS.search(part))), None)
    return f"'{named.group().lower()}'" if named else None


def possible_international(text: str) -> Iterator[tuple[int, int]]:
    """Spans of "+<country code> ..." numbers of a possible length, assigned or not."""
    matches = phonenumbers.PhoneNumberMatcher(
        text, "US", leniency=Leniency.POSSIBLE, min_candidate_length=MIN_DIGITS
    )
    for match in matches:
        if format_tier(match.raw_string) == INTERNATIONAL:
            yield match.start, match.end


def any_phrase(phrases: list[str]) -> re.Pattern[str]:
    """Any of the regex phrases, as whole words, ignoring case."""
    return re.compile(rf"(?<![^\W\d_])(?:{'|'.join(phrases)})(?![^\W\d_])", re.IGNORECASE)


BUSINESS_WORDS = any_phrase(BUSINESS_LINE_WORDS)


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
        "reach", "dial", "contact", "fax", "landline", "wechat", "viber", "telegram",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.context_words = context_pattern(self.context)
        # "number" is context, but "order number 4155550100" is still an order number.
        self.deciding_words = frozenset(self.context) - {"number"}

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if not self.may_count(text):
            return []
        found = self.numbers(text, phone_windows(text))
        return [
            self._result(text, start, end, valid)
            for (start, end), valid in found.items()
            if self.could_be_phone(text, start, end)
        ]

    def numbers(
        self, text: str, windows: list[tuple[int, int]]
    ) -> dict[tuple[int, int], tuple[str, PhoneNumber] | None]:
        """Spans phonenumbers finds in the windows -> (region, number), None if unassigned.

        Region by region, as presidio does: the first region that finds a span
        names it; first the regions the post names, where only a mobile with a
        context word near counts (hinted_mobiles), then presidio's.
        """
        read = {
            region: list(self.matches(text, windows, region)) for region in self.supported_regions
        }
        found = self.hinted_mobiles(text, windows, read)
        for region in self.supported_regions:
            for span, number in read[region]:
                found.setdefault(span, (region, number))
        for start, end in windows:
            if "+" in text[start:end]:
                for first, last in possible_international(one_line(text, start, end)):
                    found.setdefault((start + first, start + last), None)
        return found

    def hinted_mobiles(
        self,
        text: str,
        windows: list[tuple[int, int]],
        read: dict[str, list[tuple[tuple[int, int], PhoneNumber]]],
    ) -> dict[tuple[int, int], tuple[str, PhoneNumber] | None]:
        """National-format mobiles of the countries the post names (phone_regions.py),
        with a context word near: "My Japanese number is 090-1234-5678". Only windows
        with a context word near are read again, and only in regions not read yet."""
        found: dict[tuple[int, int], tuple[str, PhoneNumber] | None] = {}
        near = [
            (start, end)
            for start, end in windows
            if len(DIGIT_GROUP.findall(text, start, end)) <= MAX_HINTED_GROUPS
            and self.named_a_phone(text, start, end)
        ]
        for region in hinted_regions(text) if near else ():
            matches = read[region] if region in read else self.matches(text, near, region)
            for span, number in matches:
                mobile = phonenumbers.number_type(number) in MOBILE_TYPES
                if mobile and self.named_a_phone(text, *span):
                    found.setdefault(span, (region, number))
        return found

    def matches(
        self, text: str, windows: list[tuple[int, int]], region: str
    ) -> Iterator[tuple[tuple[int, int], PhoneNumber]]:
        """The spans and numbers phonenumbers finds in the windows, read in region."""
        for start, end in windows:
            budget.check()
            matches = phonenumbers.PhoneNumberMatcher(
                one_line(text, start, end), region, leniency=self.leniency,
                min_candidate_length=MIN_DIGITS,
            )  # fmt: skip
            for match in matches:
                yield (start + match.start, start + match.end), match.number

    def named_a_phone(self, text: str, start: int, end: int) -> bool:
        """Whether a context word ("call", "mobile", "number") is near start:end."""
        before = text[max(0, start - CONTEXT_REACH_BEFORE) : start]
        after = text[end : end + CONTEXT_REACH_AFTER]
        return any(self.context_words.search(part) for part in (before, after))

    def could_be_phone(self, text: str, start: int, end: int) -> bool:
        number = without_extension(text[start:end])
        return (
            sum(c.isdigit() for c in number) >= MIN_DIGITS
            and not SSN_SHAPE.fullmatch(number)
            and not named_otherwise(text, start, self.deciding_words, NOT_PHONE_WORDS)
            # a column of figures is not a number; "+44" or "call me" before one is
            and (
                not LINE_BREAK.search(number)
                or format_tier(number) == INTERNATIONAL
                or self.named_a_phone(text, start, end)
            )
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

    def _result(
        self, text: str, start: int, end: int, valid: tuple[str, PhoneNumber] | None
    ) -> RecognizerResult:
        region, number = valid or (None, None)
        tier, score = format_tier(text[start:end]) if region else UNASSIGNED
        where = f"valid in region {region}" if region else "a possible number, unassigned"
        business = business_line(text, start, end, number)
        if business:
            tier, score = f"{BUSINESS_LINE[0]}: {business}", BUSINESS_LINE[1]
        # A business line stays below the floor: no context word lifts it.
        return scored_result(
            self,
            self.supported_entities[0],
            (start, end),
            score,
            tier,
            f"phone number written {tier}, {where}",
            final=business is not None,
        )

"""Dates of birth: a full calendar date (day, month and year) next to a birth word.

A date alone is not personal data: posts are full of launch dates and
deadlines. A date next to "born", "DOB", "d.o.b.", "date of birth",
"birthdate", "birthday", "b." or "turns 40 on" is a date of birth, the
answer to every bank's security question, and scores 0.85; a full date
without such a word is not reported at all.

Formats: ISO (1990-07-14, 1990/07/14), numeric day-month or month-day with
a 4- or 2-digit year (07/14/1990, 14.07.1990, 14-07-90), and month names
(14 July 1990, 14th of July, 1990, July 14th, 1990, Jul 14 '90, 5-May-1983),
in English, German, French, Spanish or Italian ("geboren am 5. Juni 1983",
"née le 1er mai 1983", "nacido el 5 de junio de 1983"), as are the birth
words. A numeric date counts if either reading (month first or day first) is
a real date.

Not a date of birth:
- a day and month without the year ("my birthday is July 14"): half the
  answer, shared in every birthday post, and not enough to impersonate anyone;
- a year alone ("born in 1990");
- a date in the current year or later after "birthday" or "born": that is a
  party or a due date, not a birth date; except after "turns 40 on", where the
  age gives the year away;
- an impossible date (31/02/1990) or a year before 1900;
- a company's, product's or team's birth: "founded", "anniversary", "birthday
  to us" or "in a garage" near the date (``NOT_A_PERSON``).

Presidio's context enhancer is not used: a birth word is what makes a date a
DOB, not a bonus on top of it, and "d.o.b.", "b." and "turns 40 on" are not
words it can match. So the check is here, in ``analyze``, and the result is
marked as already enhanced.
"""

from __future__ import annotations

import datetime as dt
import re

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# Month names and abbreviations in English, German, French, Spanish and Italian
# (the languages of the birth words below), by month number.
MONTH_NAMES = {
    1: "jan january januar jänner janvier enero gennaio",
    2: "feb february februar février fevrier febrero febbraio",
    3: "mar march märz maerz mars marzo",
    4: "apr april avril abril aprile",
    5: "may mai mayo maggio",
    6: "jun june juni juin junio giugno",
    7: "jul july juli juillet julio luglio",
    8: "aug august août aout agosto",
    9: "sep sept september septembre septiembre setiembre settembre",
    10: "oct october oktober octobre octubre ottobre",
    11: "nov november novembre noviembre",
    12: "dec december dezember décembre decembre diciembre dicembre",
}  # fmt: skip
MONTHS = {name: number for number, names in MONTH_NAMES.items() for name in names.split()}
# Longest first, so "june" is not read as "jun" followed by a stray "e".
MONTH_WORD = "|".join(sorted(MONTHS, key=len, reverse=True))
MONTH = rf"(?:{MONTH_WORD})\.?"
DAY_DIGITS = r"(?:[12]\d|3[01]|0?[1-9])"
DAY = rf"{DAY_DIGITS}(?:st|nd|rd|th|er)?\.?"  # 14th, 1er (French), 5. (German)
YEAR = r"(?:(?:19|20)\d{2}|['’]\d{2})"
EARLIEST_YEAR = 1900
# Words that make a nearby full date a date of birth, as regexes (whole words).
BIRTH_WORDS = [
    r"born", r"birth ?dates?", r"dates? of birth", r"birth", r"d\.?o\.?b\.?s?",
    r"birthdays?", r"b-?days?", r"turn(?:s|ed|ing)? \d{1,3} on",
    # the same on forms in other languages: geboren, née, nacido, date de naissance
    r"geboren", r"geb\.", r"geburtsdatum", r"n(?:é|ée|ee)", r"nacid[oa]", r"nat[oa]",
    r"naissance", r"nascita", r"nacimiento",
    r"geburtstag", r"anniversaire", r"cumpleaños", r"compleanno",
]  # fmt: skip
# The birth words without word boundaries, for lower-cased text: a case-sensitive
# search with no look-behind is ten times quicker than the whole-word one.
BIRTH_HINT = re.compile("|".join(BIRTH_WORDS))
# "b. 14 July 1990": the abbreviation only right before the date.
BORN_ABBREVIATION = re.compile(r"(?<![\w.])b\.\s*\(?$", re.IGNORECASE)
# After these the date may be this year's party; after "turns 40 on" any date tells the year.
CELEBRATION = re.compile(
    r"b(?:irth)?-?days?|geburtstag|anniversaire|cumpleaños|compleanno", re.IGNORECASE
)
# Words that say the one "born" or having a birthday is a company, a product or a
# team, not a person: "Northwind was born in a garage on 4 May 1998, happy 28th
# birthday to us". Looked for on both sides of the date.
_NOT_A_PERSON_NOUN = (
    r"(?:company|startup|start-up|business|firm|brand|product|app|platform|band|podcast"
    r"|project|idea|community|newsletter|channel|blog|website|site|repo|library)"
)
NOT_A_PERSON = re.compile(
    r"(?<![^\W\d_])(?:birthday to us|our (?:\d+(?:st|nd|rd|th) )?(?:b(?:irth)?-?day|anniversary)"
    rf"|(?:birthday|anniversary) to (?:our|the) {_NOT_A_PERSON_NOUN}"
    rf"|{_NOT_A_PERSON_NOUN} (?:was|is) born"
    r"|founded|founding|incorporated|anniversary|first commit|launch(?:ed)?|went live"
    r"|in a (?:garage|basement|dorm(?: room)?)"
    r"|gegründet|fondée?|fundad[ao]|fondat[ao])(?![^\W\d_])",
    re.IGNORECASE,
)
NOT_A_PERSON_REACH = 60
AGE_GIVEN = re.compile(r"turn", re.IGNORECASE)
WORDS_REACH_BEFORE = 60
WORDS_REACH_AFTER = 30
DIGITS = re.compile(r"\d+")
TWO_DIGIT_YEAR = re.compile(r"['’](\d{2})$")
MONTH_NAME = re.compile(rf"(?<![^\W\d_])(?:{MONTH_WORD})(?![^\W\d_])")


def full_year(text: str, this_year: int) -> int:
    """The year a date starts (ISO) or ends with; '90 is 1990, '05 2005 (up to this year)."""
    short = TWO_DIGIT_YEAR.search(text)
    numbers = DIGITS.findall(text)
    digits = short.group(1) if short else numbers[0] if len(numbers[0]) == 4 else numbers[-1]
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if 2000 + year <= this_year else 1900
    return year


def real_dates(date_text: str, this_year: int) -> list[dt.date]:
    """The real dates a matched date can be read as (a numeric one month or day first)."""
    text = date_text.lower()
    year = full_year(text, this_year)
    numbers = [int(n) for n in DIGITS.findall(text)]
    month_name = MONTH_NAME.search(text)
    if month_name:
        candidates = [(MONTHS[month_name.group()], numbers[0])]
    elif numbers[0] >= 100:  # ISO: year first
        candidates = [(numbers[1], numbers[2])]
    else:
        candidates = [(numbers[0], numbers[1]), (numbers[1], numbers[0])]
    found = []
    for month, day in candidates:
        try:
            found.append(dt.date(year, month, day))
        except ValueError:
            continue
    return [d for d in found if d.year >= EARLIEST_YEAR]


def might_name_a_birth(text: str) -> bool:
    """Cheap: could a birth word be in text? (Its letters anywhere; a false yes costs
    only the full check, and posts without one, nearly all, skip the date patterns.)"""
    lowered = text.lower()
    return BIRTH_HINT.search(lowered) is not None or "b." in lowered


def not_a_person(text: str, start: int, end: int) -> bool:
    """True if the words around the date at start:end date a company's or a product's birth."""
    around = text[max(0, start - NOT_A_PERSON_REACH) : end + NOT_A_PERSON_REACH]
    return NOT_A_PERSON.search(around) is not None


class BirthDateRecognizer(PatternRecognizer):
    """Full dates next to a birth word (see the module doc); no NER needed."""

    PATTERNS = [
        Pattern("date, ISO", rf"\b(?:19|20)\d{{2}}([-/.])\d{{1,2}}\1{DAY_DIGITS}\b", 0.3),
        Pattern("date, numeric", r"\b\d{1,2}([-/.])\d{1,2}\1(?:\d{4}|\d{2})\b", 0.3),
        # 14 July 1990, 14th of July, 1990, 5. Juni 1983, 5 de junio de 1983
        Pattern("date, day month year",
                rf"\b{DAY}\s+(?:(?:of|de)\s+)?{MONTH}(?:,|\s+del?)?\s+{YEAR}\b", 0.3),
        Pattern("date, month day year", rf"\b{MONTH}\s+{DAY},?\s+{YEAR}\b", 0.3),
        # 5-May-1983, 05/May/83, 5.Mai.1983: one separator, a year of 2 or 4 digits
        Pattern("date, day-month-year",
                rf"\b{DAY_DIGITS}([-/.])(?:{MONTH_WORD})\1(?:(?:19|20)\d{{2}}|\d{{2}})\b", 0.3),
    ]  # fmt: skip
    SCORE_WITH_BIRTH_WORD = 0.85

    def __init__(self, today: dt.date | None = None) -> None:
        super().__init__(
            supported_entity="DATE_OF_BIRTH", patterns=self.PATTERNS, supported_language="en"
        )
        self.today = today
        self.birth_words = re.compile(
            rf"(?<![^\W\d_])(?:{'|'.join(BIRTH_WORDS)})(?![^\W\d_])", re.IGNORECASE
        )

    @property
    def this_year(self) -> int:
        return (self.today or dt.date.today()).year

    def invalidate_result(self, pattern_text: str) -> bool:
        return not real_dates(pattern_text, self.this_year)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not any(c.isdigit() for c in text) or not might_name_a_birth(text):
            return []
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in found if self._born_on(text, r)]

    def birth_word(self, text: str, start: int, end: int) -> str:
        """The birth word that makes the date at start:end a date of birth, or ""."""
        dates = real_dates(text[start:end], self.this_year)
        before = text[max(0, start - WORDS_REACH_BEFORE) : start]
        words = [m.group() for m in self.birth_words.finditer(before)]
        words += [m.group() for m in self.birth_words.finditer(text[end : end + WORDS_REACH_AFTER])]
        if BORN_ABBREVIATION.search(before):
            words.insert(0, "b.")
        return next((w.lower() for w in words if self.dates_a_birth(w, dates)), "")

    def dates_a_birth(self, word: str, dates: list[dt.date]) -> bool:
        """Whether, after this birth word, one of these dates can be the day someone was born."""
        today = self.today or dt.date.today()
        if AGE_GIVEN.match(word):
            return True  # "turns 40 on 14 July 2031": the age gives the year away
        if CELEBRATION.fullmatch(word):
            return any(d.year < today.year for d in dates)  # this year's or a future party
        return any(d <= today for d in dates)  # "born" on a future date is a due date

    def _born_on(self, text: str, result: RecognizerResult) -> bool:
        word = self.birth_word(text, result.start, result.end)
        if not word or not_a_person(text, result.start, result.end):
            return False
        result.score = self.SCORE_WITH_BIRTH_WORD
        result.analysis_explanation.set_supportive_context_word(word)
        result.analysis_explanation.set_improved_score(result.score)
        result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        return True

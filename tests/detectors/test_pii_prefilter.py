"""A post with no character the policy's pattern entities need is not analysed for them."""

from __future__ import annotations

import pytest

from detectors import PiiDetector
from detectors.pii import needed_characters

DEFAULT_ENTITIES = ("US_SSN", "CREDIT_CARD", "IBAN_CODE", "UK_NINO", "EMAIL_ADDRESS",
                    "PHONE_NUMBER", "STREET_ADDRESS", "DATE_OF_BIRTH")


class CountingAnalyzer:
    """Wraps the real analyzer and counts its analyze() calls."""

    def __init__(self, analyzer) -> None:
        self.analyzer, self.calls = analyzer, 0
        self.nlp_engine = analyzer.nlp_engine

    def analyze(self, **kwargs):
        self.calls += 1
        return self.analyzer.analyze(**kwargs)

    def get_supported_entities(self, language: str):
        return self.analyzer.get_supported_entities(language=language)


@pytest.mark.parametrize(
    ("text", "analysed"),
    [
        ("Great turnout at the community day, thanks everyone!", False),
        ("Slides are up, link in bio", False),
        ("Mail me at jane.doe@northwind.example", True),
        ("Call me on +44 7911 123456", True),
        ("SSN ٠٧٨-٠٥-١١٢٠ in Arabic-Indic digits", True),  # \d is Unicode-aware, as presidio's
    ],
)
def test_a_post_is_analysed_only_if_it_has_a_digit_or_an_at_sign(analyzer, text, analysed):
    counting = CountingAnalyzer(analyzer)
    PiiDetector(counting, DEFAULT_ENTITIES).detect(text)
    assert counting.calls == int(analysed)


@pytest.mark.parametrize(
    ("entities", "prefiltered"),
    [(DEFAULT_ENTITIES, True), (("EMAIL_ADDRESS",), True), (("URL",), False),
     (("US_SSN", "CRYPTO"), False), ((), False)],
)
def test_an_entity_that_can_match_without_a_digit_turns_the_prefilter_off(entities, prefiltered):
    assert (needed_characters(entities) is not None) is prefiltered

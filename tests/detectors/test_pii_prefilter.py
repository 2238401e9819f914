"""A post with no character the policy's pattern entities need is not analysed for them."""

from __future__ import annotations

import pytest

from detectors import PiiDetector
from detectors.pii import by_need

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
    ("text", "wanted"),
    [
        ("Call me on +44 7911 123456", set(DEFAULT_ENTITIES) - {"EMAIL_ADDRESS"}),
        ("Mail me at jane.doe@northwind.example", {"EMAIL_ADDRESS"}),
        ("no digits, no at sign", set()),
    ],
)
def test_each_entity_is_looked_for_only_where_its_character_is(analyzer, text, wanted):
    assert set(PiiDetector(analyzer, DEFAULT_ENTITIES).wanted(text)) == wanted


@pytest.mark.parametrize(
    ("entities", "groups"),
    [(("US_SSN", "EMAIL_ADDRESS"), {"digit": ("US_SSN",), "@": ("EMAIL_ADDRESS",)}),
     (("US_SSN", "CRYPTO"), {"digit": ("US_SSN",), None: ("CRYPTO",)}),
     (("URL", "CRYPTO"), None), ((), None)],
)
def test_entities_that_need_no_character_are_always_looked_for(entities, groups):
    found = by_need(entities)
    assert (dict(found) if found is not None else None) == groups

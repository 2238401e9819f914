"""Bounded cost per post: the budget stops work inside presidio, and crafted posts stay cheap."""

from __future__ import annotations

import time

import pytest
import regex

from detectors import PiiDetector, Scanner
from detectors.budget import BoundedRegex, BudgetSpent, remaining_s, within
from detectors.normalize.pieces import MAX_PIECES_A_POST
from detectors.patterns import PatternDetector, PatternTimeout
from detectors.pii_bounded import BoundedTokenizer
from detectors.recognizers.phone_windows import MAX_DIGIT_GROUPS

CATASTROPHIC = r"(a|aa)+$"
HOSTILE = "a" * 60 + "!"


def test_a_bounded_regex_is_cut_off_by_the_deadline_not_by_its_callers_timeout() -> None:
    compiled = BoundedRegex(regex.compile(CATASTROPHIC))
    started = time.perf_counter()
    with within(0.05), pytest.raises(BudgetSpent):
        list(compiled.finditer(HOSTILE, timeout=60))  # presidio passes 60 s
    assert time.perf_counter() - started < 1.0


def test_budget_spent_is_not_a_timeout_error_presidio_would_swallow() -> None:
    assert not issubclass(BudgetSpent, TimeoutError)


def test_no_deadline_means_the_cap_and_a_spent_one_raises() -> None:
    assert remaining_s(1.5) == 1.5
    with within(10.0):
        assert 0 < remaining_s(1.5) <= 1.5
    with within(1e-9), pytest.raises(BudgetSpent):
        time.sleep(0.001)
        remaining_s()


@pytest.fixture
def slow_entity(analyzer):
    """A PatternRecognizer with a catastrophic pattern, added to the shared registry."""
    from presidio_analyzer import Pattern, PatternRecognizer

    recognizer = PatternRecognizer(
        supported_entity="SLOW_THING",
        name="SlowThing",
        patterns=[Pattern("slow", CATASTROPHIC, 0.9)],
    )
    analyzer.registry.add_recognizer(recognizer)
    try:
        yield recognizer
    finally:
        analyzer.registry.remove_recognizer("SlowThing")


def test_a_recognizer_added_later_matches_through_a_bounded_regex(slow_entity) -> None:
    assert all(isinstance(p.compiled_regex, BoundedRegex) for p in slow_entity.patterns)


def test_a_catastrophic_presidio_pattern_is_stopped_and_the_post_held(analyzer, slow_entity):
    scanner = Scanner([PiiDetector(analyzer, ["SLOW_THING"])], budget_ms=100)
    started = time.perf_counter()
    result = scanner.scan(HOSTILE)
    assert time.perf_counter() - started < 2.0  # presidio alone would try for 60 s
    assert result.errors["presidio"].startswith("exceeded its time budget of 100 ms (stopped")
    assert result.findings == ()


def test_every_pattern_of_the_registry_is_bounded(analyzer) -> None:
    patterns = [p for r in analyzer.registry.recognizers for p in getattr(r, "patterns", [])]
    assert patterns and all(isinstance(p.compiled_regex, BoundedRegex) for p in patterns)


def test_a_policy_pattern_gets_the_time_left_in_the_scan() -> None:
    detector = PatternDetector({"slow": CATASTROPHIC}, time_budget_s=30)
    with pytest.raises(PatternTimeout):
        PatternDetector({"slow": CATASTROPHIC}, time_budget_s=0.02).detect(HOSTILE)
    result = Scanner([detector], budget_ms=50).scan(HOSTILE)
    assert result.errors["patterns"].startswith("exceeded its time budget of 50 ms (stopped")


@pytest.mark.parametrize(
    "text",
    [
        "Call me at (415) 555-0132, or mail jane@example.com!",
        "wow!!!!!! that's great :-))))) see https://example.com/a?b=c",
        '="' * 40 + " then words " + "x" * 150 + " end",
        "",
        "   leading and trailing   ",
    ],
)
def test_the_bounded_tokenizer_keeps_the_text_and_its_offsets(analyzer, text: str) -> None:
    nlp = analyzer.nlp_engine.nlp["en"]
    assert isinstance(nlp.tokenizer, BoundedTokenizer)
    doc = nlp.make_doc(text)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t)] == t.text for t in doc)


def test_ordinary_text_tokenizes_as_spacy_does(analyzer) -> None:
    tokenizer = analyzer.nlp_engine.nlp["en"].tokenizer
    text = "Can't wait: Falcon ships 2026-11-26 (v2.14.1), ping @dana... #launch"
    assert [t.text for t in tokenizer(text)] == [t.text for t in tokenizer.inner(text)]


@pytest.mark.parametrize("unit", ['="', "=", ")", "'", "1-", "a.", "0@0.0"])
def test_a_crafted_post_at_max_length_is_cheap(analyzer, unit: str) -> None:
    from policies import load_policy
    from proxy.app import build_engine

    scanner = build_engine(load_policy("policies/default.yaml"), analyzer).scanner
    text = (unit * 5000)[:5000]
    started = time.process_time()
    result = scanner.scan(text)
    # 4.5 s of CPU for '="' before; the benchmark holds the 50 ms target, this
    # test only that no quadratic corner is back (CPU time, shared machine).
    assert time.process_time() - started < 1.0
    # Scanned, or held because it has more digit groups than the phone recognizer reads.
    assert result.ok or result.errors["presidio"].startswith("WorkLimitReached: ")


@pytest.mark.parametrize(
    ("text", "held_by"),
    [
        # thousands of one-digit pieces: the pieces reading stops first (pieces.py)
        ("7/" * 2500, f"more than {MAX_PIECES_A_POST} numbers in pieces"),
        (
            "; ".join(f"({200 + i}) 555-{1000 + i}" for i in range(9)) + " call me",
            f"at most {MAX_DIGIT_GROUPS} a post",
        ),
    ],
)
def test_a_post_with_more_numbers_than_the_pii_path_reads_is_held(
    analyzer, text: str, held_by: str
) -> None:
    scanner = Scanner([PiiDetector(analyzer, ["PHONE_NUMBER"])])
    started = time.process_time()
    result = scanner.scan(text)
    assert time.process_time() - started < 0.5  # 550 ms for "7/" x 2500 before
    assert result.errors["presidio"].startswith("WorkLimitReached: ")
    assert held_by in result.errors["presidio"]

"""Policy patterns: regexes matched as written, offsets into the text, time budgets."""

from __future__ import annotations

import time

import pytest

from detectors import DetectorFailed, DetectorsError, PatternDetector, build_scanner
from detectors.patterns import InvalidPattern, PatternTimeout

INTERNAL_HOST = r"\b[\w.-]+\.corp\.northwind\.example\b"


@pytest.mark.parametrize(
    ("patterns", "text", "expected"),
    [
        (
            {"internal-links": INTERNAL_HOST},
            "see wiki.corp.northwind.example today",
            [("internal-links", 4, 31)],
        ),
        (
            {"ticket": r"\bNW-\d{4}\b"},
            "NW-1234 and NW-5678",
            [("ticket", 0, 7), ("ticket", 12, 19)],
        ),
        ({"ticket": r"\bNW-\d{4}\b"}, "nw-1234", []),  # no flags added: case as written
        ({"ticket": r"(?i)\bNW-\d{4}\b"}, "nw-1234", [("ticket", 0, 7)]),
        ({"maybe": r"x*"}, "abc", []),  # empty matches are not findings
        (
            {"a": r"alpha", "b": r"beta"},
            "beta alpha",
            [("a", 5, 10), ("b", 0, 4)],
        ),
    ],
)
def test_pattern_reports_label_and_offsets(
    patterns: dict[str, str], text: str, expected: list[tuple[str, int, int]]
) -> None:
    findings = PatternDetector(patterns).detect(text)
    assert [(f.label, f.start, f.end) for f in findings] == expected


def test_finding_names_the_regex() -> None:
    (finding,) = PatternDetector({"ticket": r"NW-\d+"}).detect("NW-1")
    assert (finding.kind, finding.detector, finding.score) == ("pattern", "patterns", 1.0)
    assert r"NW-\d+" in finding.explanation


@pytest.mark.parametrize("regex", [r"(unclosed", r"*stars", r"[z-a]"])
def test_invalid_regex_fails_at_construction(regex: str) -> None:
    with pytest.raises(InvalidPattern, match="pattern bad: invalid regex") as raised:
        PatternDetector({"bad": regex})
    assert isinstance(raised.value, DetectorsError)


@pytest.mark.parametrize("regex", [r"(a|aa)+$", r"((a+)|(a+?))+$", r"(\w+\s?)+$"])
def test_catastrophic_pattern_fails_closed_within_its_budget(regex: str) -> None:
    scanner = build_scanner(None, term_lists={}, patterns={"slow": regex}, pii_entities=[])
    started = time.perf_counter()
    result = scanner.scan("a" * 5000 + "!")
    assert time.perf_counter() - started < 2.0
    assert not result.ok
    assert result.errors["patterns"] == "PatternTimeout: pattern slow ran past its 50 ms budget"


def test_nested_quantifier_on_a_short_post_finishes_quickly_without_a_match() -> None:
    started = time.perf_counter()
    assert PatternDetector({"nested": r"(a+)+$"}).detect("a" * 30 + "b") == []
    assert time.perf_counter() - started < 0.5


def test_pattern_timeout_is_a_detector_failure() -> None:
    detector = PatternDetector({"slow": r"(a|aa)+$"}, time_budget_s=0.01)
    with pytest.raises(PatternTimeout) as raised:
        detector.detect("a" * 40 + "b")
    assert isinstance(raised.value, DetectorFailed)


ONE_DOT_LEADER = "\u2024"  # NFKC: "."


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("see wiki[.]corp[.]northwind[.]example now", "wiki[.]corp[.]northwind[.]example"),
        ("see wiki.corp.northwind\u200b.example now", "wiki.corp.northwind\u200b.example"),
        (
            f"at wiki{ONE_DOT_LEADER}corp.northwind{ONE_DOT_LEADER}example",
            f"wiki{ONE_DOT_LEADER}corp.northwind{ONE_DOT_LEADER}example",
        ),
    ],
)
def test_pattern_matches_the_normalized_post_at_its_original_span(text: str, original: str) -> None:
    scanner = build_scanner(
        None, term_lists={}, patterns={"internal-links": INTERNAL_HOST}, pii_entities=[]
    )
    (finding,) = scanner.scan(text).findings
    assert text[finding.start : finding.end] == original
    assert finding.explanation.endswith("(found after normalization)")


def test_pattern_written_for_another_script_still_matches_the_raw_text() -> None:
    scanner = build_scanner(None, term_lists={}, patterns={"ru": "Сокол"}, pii_entities=[])
    (finding,) = scanner.scan("проект Сокол").findings
    assert (finding.start, finding.end) == (7, 12)

"""The scanner: runs every detector on its views, maps findings back, dedupes,
times each, records errors, sorts findings, caches results.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings

from detectors import DETECTORS, DetectorsError, Finding, Scanner, ScanResult, build_scanner
from detectors.normalize import VIEWS_BY_DETECTOR
from tests.detectors.test_detector_normalize import posts

REPO = Path(__file__).resolve().parents[2]


class FixedDetector:
    def __init__(self, name: str, spans: list[tuple[int, int]]) -> None:
        self.name = name
        self.spans = spans

    def detect(self, text: str) -> list[Finding]:
        return [Finding(self.name, "term", "X", s, e, 1.0, "fixed") for s, e in self.spans]


class RaisingDetector:
    name = "broken"

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def detect(self, text: str) -> list[Finding]:
        raise self.exc


def test_raising_detector_is_recorded_and_other_findings_are_kept() -> None:
    scanner = Scanner(
        [
            FixedDetector("a", [(0, 3)]),
            RaisingDetector(RuntimeError("model gone")),
            FixedDetector("b", [(4, 5)]),
        ]
    )
    result = scanner.scan("abc d")
    assert [(f.detector, f.start) for f in result.findings] == [("a", 0), ("b", 4)]
    assert result.errors == {"broken": "RuntimeError: model gone"}
    assert not result.ok
    assert set(result.timings_ms) == {"a", "broken", "b"}


@pytest.mark.parametrize(
    ("exc", "recorded"),
    [
        (ValueError("cannot parse 'the Falcon launch is on'"), "ValueError: (message withheld"),
        (KeyError("Falcon launch"), "KeyError: (message withheld"),
        (TimeoutError(), "TimeoutError"),
        (MemoryError("out of memory"), "MemoryError: out of memory"),
    ],
)
def test_error_message_never_quotes_the_post(exc: Exception, recorded: str) -> None:
    result = Scanner([RaisingDetector(exc)]).scan("Secret: the Falcon launch is on")
    assert result.errors["broken"].startswith(recorded)
    assert "Falcon launch" not in result.errors["broken"]


def test_findings_are_sorted_by_start_then_end() -> None:
    scanner = Scanner([FixedDetector("a", [(5, 9), (0, 4)]), FixedDetector("b", [(0, 2), (5, 7)])])
    result = scanner.scan("x" * 10)
    assert [(f.start, f.end) for f in result.findings] == [(0, 2), (0, 4), (5, 7), (5, 9)]


def test_clean_scan_is_ok_and_timed() -> None:
    result = Scanner([FixedDetector("a", [])]).scan("hello")
    assert result == ScanResult(findings=(), timings_ms=result.timings_ms, errors={})
    assert result.ok
    assert result.timings_ms["a"] >= 0.0


def test_scan_result_mappings_are_read_only() -> None:
    result = Scanner([RaisingDetector(RuntimeError("x"))]).scan("hello")
    with pytest.raises(TypeError):
        result.errors["broken"] = "edited"  # type: ignore[index]
    with pytest.raises(TypeError):
        result.timings_ms["broken"] = 0.0  # type: ignore[index]


def test_build_scanner_without_pii_needs_no_analyzer() -> None:
    scanner = build_scanner(
        None,
        term_lists={"codenames": ["Falcon"]},
        patterns={"ticket": r"NW-\d+"},
        pii_entities=[],
    )
    assert [d.name for d in scanner.detectors] == ["secrets", "terms", "patterns"]
    result = scanner.scan("Falcon NW-12 ghp_" + "C2vzy66cbU7nr0x5NBqijqh2EUtASAvLo4U0")
    assert [(f.kind, f.label) for f in result.findings] == [
        ("term", "codenames"),
        ("pattern", "ticket"),
        ("secret", "GITHUB_TOKEN"),
    ]


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"term_lists": {}, "patterns": {}, "secret_labels": []}, []),
        (
            {"term_lists": {"empty": []}, "patterns": {}, "secret_labels": ["PRIVATE_KEY"]},
            ["secrets"],
        ),
        (
            {"term_lists": {}, "patterns": {"p": "x"}, "secret_labels": None},
            ["secrets", "patterns"],
        ),
    ],
)
def test_build_scanner_leaves_out_detectors_with_nothing_to_find(
    kwargs: dict, names: list[str]
) -> None:
    scanner = build_scanner(None, pii_entities=(), **kwargs)
    assert [d.name for d in scanner.detectors] == names


def test_build_scanner_with_pii_entities_but_no_analyzer_fails() -> None:
    with pytest.raises(DetectorsError, match="no analyzer"):
        build_scanner(None, term_lists={}, patterns={}, pii_entities=["US_SSN"])


def test_importing_detectors_loads_neither_presidio_nor_spacy() -> None:
    code = (
        "import sys, detectors; "
        "print(sorted(m for m in ('spacy', 'presidio_analyzer') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


class CountingDetector:
    """Finds the word "Falcon" in whatever text it is given; counts its calls."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.texts: list[str] = []

    def detect(self, text: str) -> list[Finding]:
        self.texts.append(text)
        at = text.find("Falcon")
        return [] if at < 0 else [Finding(self.name, "term", "X", at, at + 6, 1.0, "Falcon")]


GITHUB_TOKEN = "ghp_" + "C2vzy66cbU7nr0x5NBqijqh2EUtASAvLo4U0"
POLICY = {
    "term_lists": {"codenames": ["Falcon"]},
    "patterns": {"ticket": r"NW-\d+"},
    "pii_entities": [],
}


def test_views_table_names_exactly_the_registered_detectors() -> None:
    assert sorted(VIEWS_BY_DETECTOR) == sorted(DETECTORS)


def test_detector_missing_from_the_views_table_reads_the_raw_text_only() -> None:
    detector = CountingDetector("custom")
    Scanner([detector]).scan("Fal\u200bcon \u2764\ufe0f " + base64.b64encode(b"Falcon go").decode())
    assert len(detector.texts) == 1 and detector.texts[0].startswith("Fal\u200bcon")


@pytest.mark.parametrize(
    ("text", "label", "original", "note"),
    [
        ("Fal\u200bcon ships", "codenames", "Fal\u200bcon", " (found after normalization)"),
        ("Falcon ships", "codenames", "Falcon", ""),
        ("FALCON ships", "codenames", "FALCON", ""),
        ("ticket NW\u201112", "ticket", "NW\u201112", " (found after normalization)"),
        (f"token {GITHUB_TOKEN[:6]}\u200b{GITHUB_TOKEN[6:]}", "GITHUB_TOKEN",
         f"{GITHUB_TOKEN[:6]}\u200b{GITHUB_TOKEN[6:]}", " (found after normalization)"),
    ],
)  # fmt: skip
def test_finding_on_a_normalized_view_points_at_the_original_characters(
    text: str, label: str, original: str, note: str
) -> None:
    (finding,) = build_scanner(None, **POLICY).scan(text).findings
    assert (finding.label, text[finding.start : finding.end]) == (label, original)
    assert finding.explanation.endswith(note) and "normalization) (" not in finding.explanation


@pytest.mark.parametrize(
    ("inner", "label"),
    [("the Falcon launch is Monday", "codenames"), (f"token {GITHUB_TOKEN}", "GITHUB_TOKEN")],
)
def test_finding_in_a_base64_run_points_at_the_run_and_says_so(inner: str, label: str) -> None:
    run = base64.b64encode(inner.encode()).decode()
    text = f"see {run} ok"
    (finding,) = build_scanner(None, **POLICY).scan(text).findings
    assert (finding.label, finding.start, finding.end) == (label, 4, 4 + len(run))
    assert finding.explanation.endswith(f"(in a base64 run at 4..{4 + len(run)})")


def test_same_finding_on_several_views_is_reported_once() -> None:
    text = "Falcon \u2764\ufe0f NW-12"  # the emoji makes the plain view differ from raw
    findings = build_scanner(None, **POLICY).scan(text).findings
    assert [(f.label, f.start, f.end) for f in findings] == [
        ("codenames", 0, 6),
        ("ticket", 10, 15),
    ]
    assert not any("normalization" in f.explanation for f in findings)


def test_duplicate_findings_keep_the_highest_score() -> None:
    class Twice:
        name = "twice"

        def detect(self, text: str) -> list[Finding]:
            return [Finding("twice", "pii", "X", 0, 2, score, "x") for score in (0.4, 0.9, 0.6)]

    (finding,) = Scanner([Twice()]).scan("ab").findings
    assert finding.score == 0.9


def test_repeated_text_is_answered_from_the_cache() -> None:
    detector = CountingDetector("custom")
    scanner = Scanner([detector])
    first = scanner.scan("Falcon")
    assert scanner.scan("Falcon") is first
    assert scanner.scan("falcon") != first
    assert len(detector.texts) == 2


def test_cache_is_bounded_and_evicts_the_least_recently_used() -> None:
    detector = CountingDetector("custom")
    scanner = Scanner([detector], cache_size=2)
    for text in ["a", "b", "a", "c", "a", "b"]:
        scanner.scan(text)
    assert detector.texts == ["a", "b", "c", "b"]


def test_failed_scan_is_not_cached() -> None:
    class FailsOnce:
        name = "flaky"
        calls = 0

        def detect(self, text: str) -> list[Finding]:
            self.calls += 1
            if self.calls == 1:
                raise TimeoutError
            return []

    scanner = Scanner([FailsOnce()])
    assert not scanner.scan("hello").ok
    assert scanner.scan("hello").ok


@settings(max_examples=200, deadline=None)
@given(text=posts)
def test_every_finding_lies_inside_the_post(text: str) -> None:
    scanner = build_scanner(
        None,
        term_lists={"codenames": ["Falcon", "oh", "F"], "contacts": ["+1 800 555 0100"]},
        patterns={"word": r"\w+", "at": "@"},
        pii_entities=[],
    )
    result = scanner.scan(text)
    assert result.ok
    assert all(0 <= f.start <= f.end <= len(text) for f in result.findings)


@settings(max_examples=30, deadline=None)
@given(text=posts)
def test_every_presidio_finding_lies_inside_the_post(analyzer, text: str) -> None:
    scanner = build_scanner(
        analyzer, term_lists={}, patterns={}, pii_entities=["US_SSN", "PHONE_NUMBER"]
    )
    assert all(0 <= f.start <= f.end <= len(text) for f in scanner.scan(text).findings)


KEYCAPS = "".join(f"{digit}\ufe0f\u20e3" if digit.isdigit() else digit for digit in "078-05-1120")


@pytest.mark.parametrize(
    "ssn",
    [
        "078-05-1120",
        "0 7 8 - 0 5 - 1 1 2 0",
        "0-7-8 0-5 1-1-2-0",
        "zero seven eight - zero five - one one two zero",
        "zero seven eight zero five one one two zero",
        KEYCAPS,
        "078\u201305\u20131120",
        "０７８-０５-１１２０",
        "078 - 05 - 1120",
        "07\u200b8-05-11\u200b20",
    ],
)
def test_presidio_finds_an_ssn_written_each_evasive_way(analyzer, ssn: str) -> None:
    text = f"My SSN is {ssn}, keep it safe"
    scanner = build_scanner(analyzer, term_lists={}, patterns={}, pii_entities=["US_SSN"])
    found = [(f.label, text[f.start : f.end]) for f in scanner.scan(text).findings]
    assert found == [("US_SSN", ssn)]


SPACED_CARD = " ".join("4111111111111111")


@pytest.mark.parametrize(
    ("text", "label", "original"),
    [
        (f"card {SPACED_CARD} ok", "CREDIT_CARD", SPACED_CARD),
        ("mail jane [at] example [dot] com", "EMAIL_ADDRESS", "jane [at] example [dot] com"),
        ("call five five five, one two three, four five six seven", "PHONE_NUMBER",
         "five five five, one two three, four five six seven"),
    ],
)  # fmt: skip
def test_presidio_finds_evasive_pii_at_its_original_span(
    analyzer, text: str, label: str, original: str
) -> None:
    scanner = build_scanner(analyzer, term_lists={}, patterns={}, pii_entities=[label])
    found = [(f.label, text[f.start : f.end]) for f in scanner.scan(text).findings]
    assert (label, original) in found

"""The scanner: runs every detector, times each, records errors, sorts findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from detectors import DetectorsError, Finding, Scanner, ScanResult, build_scanner

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

"""Policy patterns: regexes matched as written, offsets into the text."""

from __future__ import annotations

import pytest

from detectors import DetectorsError, PatternDetector
from detectors.patterns import InvalidPattern

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

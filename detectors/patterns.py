"""Policy patterns: named regexes, compiled once, matched as written."""

from __future__ import annotations

import re
from collections.abc import Mapping

from detectors.base import DetectorsError, Finding


class InvalidPattern(DetectorsError):
    """A policy pattern is not a valid regular expression."""


class PatternDetector:
    """Finds every non-empty match of every pattern; no flags are added."""

    name = "patterns"

    def __init__(self, patterns: Mapping[str, str]) -> None:
        self.patterns: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
            (label, compile_pattern(label, regex)) for label, regex in patterns.items()
        )

    def detect(self, text: str) -> list[Finding]:
        return [
            Finding(
                detector=self.name,
                kind="pattern",
                label=label,
                start=match.start(),
                end=match.end(),
                score=1.0,
                explanation=f"pattern {label}: regex '{regex.pattern}'",
            )
            for label, regex in self.patterns
            for match in regex.finditer(text)
            if match.end() > match.start()
        ]


def compile_pattern(label: str, regex: str) -> re.Pattern[str]:
    try:
        return re.compile(regex)
    except re.error as exc:
        raise InvalidPattern(f"pattern {label}: invalid regex '{regex}': {exc}") from exc

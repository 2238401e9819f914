"""Policy patterns: named regexes, compiled once, matched as written, each within a time budget.

The ``regex`` module is used instead of ``re`` for its per-call timeout: an
admin's pattern with catastrophic backtracking must hold one post for review,
not hang a worker. Each call gets the smaller of the pattern's own budget and
the time left in the scan (detectors.budget).
"""

from __future__ import annotations

from collections.abc import Mapping

import regex

from detectors import budget
from detectors.base import DetectorFailed, DetectorsError, Finding

TIME_BUDGET_S = 0.05  # per pattern, per detect() call


class InvalidPattern(DetectorsError):
    """A policy pattern is not a valid regular expression."""


class PatternTimeout(DetectorFailed):
    """A policy pattern ran past its time budget on a post."""


class PatternDetector:
    """Finds every non-empty match of every pattern; no flags are added."""

    name = "patterns"

    def __init__(self, patterns: Mapping[str, str], time_budget_s: float = TIME_BUDGET_S) -> None:
        self.patterns: tuple[tuple[str, regex.Pattern], ...] = tuple(
            (label, compile_pattern(label, source)) for label, source in patterns.items()
        )
        self.time_budget_s = time_budget_s

    def detect(self, text: str) -> list[Finding]:
        return [
            Finding(
                detector=self.name,
                kind="pattern",
                label=label,
                start=start,
                end=end,
                score=1.0,
                explanation=f"pattern {label}: regex '{compiled.pattern}'",
            )
            for label, compiled in self.patterns
            for start, end in self._spans(label, compiled, text)
        ]

    def _spans(self, label: str, compiled: regex.Pattern, text: str) -> list[tuple[int, int]]:
        try:
            matches = compiled.finditer(text, timeout=budget.remaining_s(self.time_budget_s))
            return [match.span() for match in matches if match.end() > match.start()]
        except TimeoutError as exc:
            if budget.spent_by_deadline():
                raise budget.BudgetSpent(f"pattern {label} stopped: out of time") from exc
            raise PatternTimeout(
                f"pattern {label} ran past its {self.time_budget_s * 1000:.0f} ms budget"
            ) from exc


def compile_pattern(label: str, source: str) -> regex.Pattern:
    try:
        return regex.compile(source)
    except (regex.error, OverflowError) as exc:
        raise InvalidPattern(f"pattern {label}: invalid regex '{source}': {exc}") from exc

"""Run a policy's own `tests:` cases against a scanner the caller supplies.

The scanner is injected (``scan(text) -> findings``) so this module does no
I/O and loads no models; the CLI passes the real detectors, tests a fake.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from detectors.base import Finding
from policies.engine import DETECTOR_ERROR_RULE, Policy
from policies.model import PolicyTest
from policies.types import Decision, Post

Scan = Callable[[str], Sequence[Finding]]


@dataclass(frozen=True)
class PolicyTestResult:
    """One `tests:` case and what the policy actually decided."""

    case: PolicyTest
    decision: Decision

    @property
    def fired(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.decision.rules if r.id != DETECTOR_ERROR_RULE)

    @property
    def passed(self) -> bool:
        if self.decision.action is not self.case.expect:
            return False
        return self.case.rules is None or sorted(self.case.rules) == sorted(self.fired)

    def __str__(self) -> str:
        status = "ok" if self.passed else "FAIL"
        got = f"{self.decision.action.value} {list(self.fired)}"
        want = self.case.expect.value
        if self.case.rules is not None:
            want += f" {list(self.case.rules)}"
        return f"line {self.case.line}: {status}: expected {want}, got {got}: {self.case.text!r}"


def run_policy_tests(
    policy: Policy, scan: Scan, now: datetime | None = None
) -> list[PolicyTestResult]:
    """Decide every `tests:` case of policy; the results say which passed."""
    results = []
    for case in policy.tests:
        post = Post(author="policy-test", text=case.text, groups=case.groups)
        decision = policy.decide(scan(case.text), post, now=now)
        results.append(PolicyTestResult(case, decision))
    return results


def failures(results: Sequence[PolicyTestResult]) -> list[PolicyTestResult]:
    return [r for r in results if not r.passed]

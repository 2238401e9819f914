"""Properties of decide(), for random policies and random findings (hypothesis).

An independent oracle says which rules fire (a rule fires when one of its
finders matches a finding and it applies to the post's groups); decide must
then pick the strongest action (block > flag > redact > allow), fall back to
default_action, list fired rules strongest first, never redact when a
stronger rule fired, and answer the same way every time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.base import Finding
from policies import Action, Decision, Policy, Post, decide, parse_policy
from policies.engine import DETECTOR_ERROR_RULE

PII = ("CREDIT_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER")
SECRETS = ("AWS_ACCESS_KEY", "GITHUB_TOKEN")
LISTS = ("alpha", "beta")
TEXT = "x" * 40
NOW = datetime(2026, 6, 1, tzinfo=UTC)
ACTIONS = st.sampled_from(list(Action))


@dataclass(frozen=True)
class RuleSpec:
    """One generated rule: which finders it has and whom it applies to."""

    action: Action
    pii: tuple[str, ...] = ()
    min_score: float = 0.5
    secrets: tuple[str, ...] | str = ()  # "any", or labels
    terms: str | None = None
    pattern: bool = False
    support_only: bool = False

    def yaml(self, rid: str) -> str:
        match = []
        if self.pii:
            match.append(f"pii: [{', '.join(self.pii)}], min_score: {self.min_score}")
        if self.secrets:
            labels = self.secrets if self.secrets == "any" else f"[{', '.join(self.secrets)}]"
            match.append(f"secrets: {labels}")
        if self.terms:
            match.append(f"terms: {self.terms}")
        if self.pattern:
            match.append("patterns: ['\\bT-\\d+\\b']")
        scope = ", applies_to: {groups: [support]}" if self.support_only else ""
        return (f"  - {{id: {rid}, action: {self.action.value}, "
                f"match: {{{', '.join(match)}}}{scope}}}\n")

    def fires_on(self, rid: str, finding: Finding) -> bool:
        if finding.kind == "pii":
            return finding.label in self.pii and finding.score >= self.min_score
        if finding.kind == "secret":
            return self.secrets == "any" or finding.label in self.secrets
        if finding.kind == "term":
            return finding.label == self.terms
        return self.pattern and finding.label == f"rule:{rid}:match:0"


def _subset(pool: tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(pool), min_size=1, max_size=len(pool), unique=True).map(tuple)


rule_specs = st.builds(
    RuleSpec,
    action=ACTIONS,
    pii=st.one_of(st.just(()), _subset(PII)),
    min_score=st.sampled_from([0.3, 0.5, 0.8]),
    secrets=st.one_of(st.just(()), st.just("any"), _subset(SECRETS)),
    terms=st.one_of(st.none(), st.sampled_from(LISTS)),
    pattern=st.booleans(),
    support_only=st.booleans(),
).filter(lambda r: r.pii or r.secrets or r.terms or r.pattern)


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    kind, label = draw(st.one_of(
        st.tuples(st.just("pii"), st.sampled_from(PII)),
        st.tuples(st.just("secret"), st.sampled_from(SECRETS)),
        st.tuples(st.just("term"), st.sampled_from(LISTS)),
        st.tuples(st.just("pattern"), st.integers(0, 5).map(lambda i: f"rule:r{i}:match:0")),
    ))  # fmt: skip
    start = draw(st.integers(0, len(TEXT) - 1))
    end = draw(st.integers(start + 1, len(TEXT)))
    score = draw(st.sampled_from([0.2, 0.3, 0.5, 0.79, 0.8, 1.0]))
    return Finding("test", kind, label, start, end, score, "generated")


@dataclass(frozen=True)
class Case:
    specs: tuple[RuleSpec, ...]
    default: Action
    findings: tuple[Finding, ...]
    groups: tuple[str, ...]

    @property
    def policy(self) -> Policy:
        rules = "".join(spec.yaml(f"r{i}") for i, spec in enumerate(self.specs))
        return _parse(f"version: 1\ndefault_action: {self.default.value}\n"
                      f"lists: {{alpha: [alpha], beta: [beta]}}\nrules:\n{rules}")

    def decide(self, order: tuple[Finding, ...] | None = None, errors=None) -> Decision:
        post = Post(author="dana", text=TEXT, groups=self.groups)
        return decide(self.policy, order or self.findings, post, now=NOW,
                      detector_errors=errors)

    def expected_fired(self) -> dict[str, Action]:
        """The oracle: rule id -> action, for every rule that should fire."""
        return {
            f"r{i}": spec.action
            for i, spec in enumerate(self.specs)
            if (not spec.support_only or "support" in self.groups)
            and any(spec.fires_on(f"r{i}", f) for f in self.findings)
        }


@functools.lru_cache(maxsize=512)
def _parse(text: str) -> Policy:
    return parse_policy(text, source="generated.yaml")


cases = st.builds(
    Case,
    specs=st.lists(rule_specs, min_size=1, max_size=6).map(tuple),
    default=ACTIONS,
    findings=st.lists(findings(), max_size=8).map(tuple),
    groups=st.sampled_from([(), ("support",), ("marketing",)]),
)


def strongest(actions) -> Action:
    return max(actions, key=lambda a: a.strength)


@settings(max_examples=150, deadline=None)
@given(case=cases)
def test_action_is_the_strongest_fired_rules_or_else_the_default(case: Case) -> None:
    fired = case.expected_fired()
    expected = strongest(fired.values()) if fired else case.default
    assert case.decide().action is expected


@settings(max_examples=150, deadline=None)
@given(case=cases)
def test_fired_rules_are_exactly_the_matching_ones_strongest_first(case: Case) -> None:
    decision = case.decide()
    assert {r.id: r.action for r in decision.rules} == case.expected_fired()
    strengths = [r.action.strength for r in decision.rules]
    assert strengths == sorted(strengths, reverse=True)
    for rule in decision.rules:
        spec = case.specs[int(rule.id[1:])]
        assert rule.findings and all(spec.fires_on(rule.id, f) for f in rule.findings)
        assert set(rule.findings) <= set(case.findings)


@settings(max_examples=150, deadline=None)
@given(case=cases)
def test_redact_never_when_a_stronger_action_fired(case: Case) -> None:
    decision = case.decide()
    stronger = [a for a in case.expected_fired().values() if a.strength > Action.REDACT.strength]
    if stronger:
        assert decision.action is strongest(stronger)
    assert (decision.redacted_text is not None) == (decision.action is Action.REDACT)


@settings(max_examples=100, deadline=None)
@given(case=cases, data=st.data())
def test_decide_is_deterministic_and_ignores_the_order_of_findings(
    case: Case, data: st.DataObject
) -> None:
    first, again = case.decide(), case.decide()
    assert first == again
    shuffled = tuple(data.draw(st.permutations(case.findings)))
    other = case.decide(order=shuffled) if shuffled else first
    assert other.action is first.action
    assert [r.id for r in other.rules] == [r.id for r in first.rules]
    assert other.redacted_text == first.redacted_text


@settings(max_examples=100, deadline=None)
@given(case=cases)
def test_a_detector_error_makes_it_at_least_flag(case: Case) -> None:
    decision = case.decide(errors={"presidio": "RuntimeError"})
    fired = case.expected_fired()
    expected = strongest([*fired.values(), case.default if not fired else Action.ALLOW,
                          Action.FLAG])
    assert decision.action is expected
    assert DETECTOR_ERROR_RULE in [r.id for r in decision.rules]
    assert decision.redacted_text is None

"""A compiled Policy and decide(findings, post) -> Decision. No I/O here."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from detectors.base import Finding, replace_spans
from policies.model import Match, PolicyTest, Rule, Unless
from policies.types import Action, Decision, FiredRule, Post

DETECTOR_ERROR_RULE = "gatepost.detector-error"
DETECTOR_ERROR_DESCRIPTION = (
    "A detector failed, so the post is held for review instead of being forwarded unscanned."
)
DETECTOR_ERROR = FiredRule(DETECTOR_ERROR_RULE, Action.FLAG, DETECTOR_ERROR_DESCRIPTION, ())
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Policy:
    """A validated, compiled policy. Build it with load_policy or parse_policy.

    term_lists and patterns are keyed by the labels the scanner must put on
    its term/pattern Findings (see policies.rules for the scheme).
    pii_entities and secret_labels say which PII and secret findings any rule
    uses; secret_labels is None when a rule accepts any secret. pii_gates maps
    each PII entity that every rule naming it pairs with a `context:` list to
    those lists' labels: a finding of it can fire a rule only in a post where
    one of their terms was found (the scanner may skip NER elsewhere).
    """

    name: str
    version: str  # first 12 hex digits of sha256(policy bytes + list file bytes)
    source: str
    default_action: Action
    rules: tuple[Rule, ...]
    term_lists: Mapping[str, tuple[str, ...]]
    patterns: Mapping[str, str]
    tests: tuple[PolicyTest, ...] = ()
    pii_entities: frozenset[str] = field(init=False)
    secret_labels: frozenset[str] | None = field(init=False)
    pii_gates: Mapping[str, frozenset[str]] = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: derived fields are set once, here
        set_(self, "term_lists", MappingProxyType(dict(self.term_lists)))
        set_(self, "patterns", MappingProxyType(dict(self.patterns)))
        set_(self, "pii_entities", frozenset().union(*(r.match.pii for r in self.rules)))
        any_secret = any(r.match.any_secret for r in self.rules)
        labels = frozenset().union(*(r.match.secrets for r in self.rules))
        set_(self, "secret_labels", None if any_secret else labels)
        set_(self, "pii_gates", MappingProxyType(context_gates(self.rules)))

    def decide(
        self,
        findings: Sequence[Finding],
        post: Post,
        now: datetime | None = None,
        detector_errors: Mapping[str, str] | None = None,
    ) -> Decision:
        """The Decision for post given the scanner's findings.

        now (default: the current time) picks the rules active on its UTC
        date. Any detector error makes the action at least FLAG.
        """
        day = _utc(now or datetime.now(UTC)).date()
        fired = []
        for rule in self.rules:
            if rule.scope.covers(day, post.groups):
                hits = rule_findings(rule, findings, post.text)
                if hits:
                    fired.append(FiredRule(rule.id, rule.action, rule.description, hits))
        action = max((f.action for f in fired), key=_strength, default=self.default_action)
        if detector_errors:  # fail closed: never forward a post a detector could not scan
            fired.append(DETECTOR_ERROR)
            action = max(action, Action.FLAG, key=_strength)
        fired.sort(key=lambda f: -f.action.strength)
        redacted = None
        if action is Action.REDACT:
            redacted = self._redact(post.text, fired)
        return Decision(action, tuple(fired), self.version, tuple(findings), redacted)

    def _redact(self, text: str, fired: Iterable[FiredRule]) -> str:
        by_id = {r.id: r for r in self.rules}
        spans = [
            (f.start, f.end, redaction_label(by_id[fr.id], f))
            for fr in fired
            if fr.action is Action.REDACT
            for f in fr.findings
        ]
        return replace_spans(text, spans)


def decide(
    policy: Policy,
    findings: Sequence[Finding],
    post: Post,
    now: datetime | None = None,
    detector_errors: Mapping[str, str] | None = None,
) -> Decision:
    """Module-level form of Policy.decide."""
    return policy.decide(findings, post, now=now, detector_errors=detector_errors)


def context_gates(rules: Sequence[Rule]) -> dict[str, frozenset[str]]:
    """PII entity -> context list labels, for entities only context-gated rules name."""
    gates: dict[str, frozenset[str]] = {}
    ungated: set[str] = set()
    for rule in rules:
        for entity in rule.match.pii:
            if rule.match.context is None:
                ungated.add(entity)
            else:
                gates[entity] = gates.get(entity, frozenset()) | {rule.match.context}
    return {entity: labels for entity, labels in gates.items() if entity not in ungated}


def rule_findings(rule: Rule, findings: Sequence[Finding], text: str) -> tuple[Finding, ...]:
    """The findings that fire rule: candidates, minus `unless` overlaps, near context."""
    hits = [f for f in findings if is_candidate(rule.match, f)]
    if not hits:
        return ()
    allowed = [f for f in findings if _is_unless(rule.unless, f)]
    hits = [f for f in hits if not any(f.overlaps(a.start, a.end) for a in allowed)]
    if rule.match.context is not None:
        context = [f for f in findings if f.kind == "term" and f.label == rule.match.context]
        window = rule.match.window
        hits = [f for f in hits if any(words_between(text, f, c) <= window for c in context)]
    return tuple(hits)


def is_candidate(match: Match, finding: Finding) -> bool:
    kind, label = finding.kind, finding.label
    if kind == "pii":
        return label in match.pii and finding.score >= match.min_score
    if kind == "secret":
        return match.any_secret or label in match.secrets
    if kind == "term":
        return label == match.terms
    return kind == "pattern" and label in match.patterns


def words_between(text: str, a: Finding, b: Finding) -> int:
    """How many \\w+ words lie between two spans of text (0 if they touch or overlap)."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    if second.start <= first.end:
        return 0
    return len(WORD.findall(text, first.end, second.start))


def redaction_label(rule: Rule, finding: Finding) -> str:
    """What replaces a finding in redacted text: entity, secret label or list name."""
    if finding.kind in ("term", "pattern"):
        return rule.terms_name if finding.kind == "term" else rule.id
    return finding.label


def _is_unless(unless: Unless, finding: Finding) -> bool:
    if finding.kind == "term":
        return unless.terms is not None and finding.label == unless.terms
    return finding.kind == "pattern" and finding.label in unless.patterns


def _strength(action: Action) -> int:
    return action.strength


def _utc(now: datetime) -> datetime:
    # A naive datetime is taken as UTC, not as the server's local time.
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)

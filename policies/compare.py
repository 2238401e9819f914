"""Compare two policies on the same posts: what a change to the policy would do.

Used by `gatepost policy test --against` and, later, by the admin UI on
recent posts. Policies never build detectors, so the caller injects one scan
function per policy (``scan(text) -> findings``); this module does no I/O and
loads no models, and its tests pass hand-made Findings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType

from detectors.base import Finding
from policies.engine import Policy
from policies.types import Action, Decision, Post

Scan = Callable[[str], Sequence[Finding]]


def fired(decision: Decision) -> tuple[str, ...]:
    """The ids of the rules a decision fired, strongest first."""
    return tuple(r.id for r in decision.rules)


@dataclass(frozen=True)
class Row:
    """One post decided under the policy in force (old) and the candidate (new)."""

    post_id: str
    old: Decision
    new: Decision

    @property
    def changed(self) -> bool:
        """The action differs, or the set of fired rules does (same action or not)."""
        if self.old.action is not self.new.action:
            return True
        return set(fired(self.old)) != set(fired(self.new))

    @property
    def transition(self) -> tuple[Action, Action]:
        return self.old.action, self.new.action


@dataclass(frozen=True)
class Counts:
    """total: posts compared. changed: posts whose decision changed.

    transitions: (old action, new action) -> number of changed posts, ordered
    by old then new action strength; a pair of equal actions counts posts
    whose fired rules changed but whose action did not.
    """

    total: int
    changed: int
    transitions: Mapping[tuple[Action, Action], int]


@dataclass(frozen=True)
class Comparison:
    """Every post's old and new decision, in input order."""

    rows: tuple[Row, ...]

    @property
    def changed(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.changed)

    @property
    def counts(self) -> Counts:
        changed = self.changed
        counted = Counter(r.transition for r in changed)
        order = sorted(counted, key=lambda t: (t[0].strength, t[1].strength))
        transitions = MappingProxyType({t: counted[t] for t in order})
        return Counts(len(self.rows), len(changed), transitions)


def decide_all(
    policy: Policy, posts: Iterable[tuple[str, Post]], scan: Scan, now: datetime | None = None
) -> list[tuple[str, Decision]]:
    """(post id, decision) for every post, all decided as of the same moment."""
    moment = now or datetime.now(UTC)
    return [(pid, policy.decide(scan(post.text), post, now=moment)) for pid, post in posts]


def compare(
    old: Policy,
    new: Policy,
    posts: Sequence[tuple[str, Post]],
    scan_old: Scan,
    scan_new: Scan,
    now: datetime | None = None,
) -> Comparison:
    """Decide every post under old (in force) and new (candidate) policy.

    Both policies decide as of the same moment (now, default the current
    time), so `active` windows cannot make a difference on their own.
    """
    moment = now or datetime.now(UTC)
    before = decide_all(old, posts, scan_old, moment)
    after = decide_all(new, posts, scan_new, moment)
    rows = tuple(Row(pid, o, n) for (pid, o), (_, n) in zip(before, after, strict=True))
    return Comparison(rows)


def action_counts(decisions: Iterable[Decision]) -> dict[Action, int]:
    """How many decisions took each action, every action present, weakest first."""
    counted = Counter(d.action for d in decisions)
    return {a: counted[a] for a in sorted(Action, key=lambda a: a.strength)}

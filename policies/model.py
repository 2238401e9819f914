"""Compiled policy rules: what the loader builds and the engine reads.

A rule refers to term lists and patterns by label, the same labels the
scanner puts on its Findings (see Policy.term_lists and Policy.patterns).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from policies.types import Action


@dataclass(frozen=True)
class Match:
    """What a rule looks for. Labels are None/empty when the rule does not use them."""

    pii: frozenset[str] = frozenset()  # presidio entity names
    secrets: frozenset[str] = frozenset()  # secret labels
    any_secret: bool = False  # `secrets: any`
    terms: str | None = None  # term_lists label
    patterns: tuple[str, ...] = ()  # patterns labels
    min_score: float = 0.5  # pii findings below this score do not count
    context: str | None = None  # term_lists label of the context words
    window: int = 8  # at most this many words between a finding and a context term


@dataclass(frozen=True)
class Unless:
    """Findings overlapping one of these term or pattern findings are dropped."""

    terms: str | None = None
    patterns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scope:
    """When and for whom a rule applies. Dates are UTC and inclusive."""

    active_from: date | None = None
    active_until: date | None = None
    groups: frozenset[str] | None = None  # applies only to these groups
    except_groups: frozenset[str] | None = None  # applies to all but these

    def covers(self, day: date, groups: Iterable[str]) -> bool:
        if self.active_from and day < self.active_from:
            return False
        if self.active_until and day > self.active_until:
            return False
        if self.groups is not None and self.groups.isdisjoint(groups):
            return False
        return self.except_groups is None or self.except_groups.isdisjoint(groups)


@dataclass(frozen=True)
class Rule:
    """One compiled policy rule."""

    id: str
    action: Action
    match: Match
    description: str = ""
    unless: Unless = Unless()
    scope: Scope = Scope()
    terms_name: str = ""  # shown in redactions: the list name, or the rule id for inline lists
    line: int = 0  # where the rule starts in the policy file


@dataclass(frozen=True)
class PolicyTest:
    """One case of the policy's own `tests:` section."""

    text: str
    expect: Action
    rules: tuple[str, ...] | None = None  # exactly the rule ids expected to fire; None: any
    groups: tuple[str, ...] = ()
    line: int = 0

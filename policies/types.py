"""What the policy engine takes in (Post) and gives back (Decision)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from detectors.base import Finding


class Action(str, Enum):  # noqa: UP042 - StrEnum would change str(action)
    """What happens to a post. Strength order: block > flag > redact > allow."""

    ALLOW = "allow"
    REDACT = "redact"
    FLAG = "flag"
    BLOCK = "block"

    @property
    def strength(self) -> int:
        return _STRENGTH[self]


_STRENGTH = {Action.ALLOW: 0, Action.REDACT: 1, Action.FLAG: 2, Action.BLOCK: 3}


@dataclass(frozen=True)
class Post:
    """A post as a dialect parsed it: who wrote it and what it says."""

    author: str
    text: str
    groups: tuple[str, ...] = ()
    meta: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FiredRule:
    """One policy rule that fired, with the findings that fired it."""

    id: str
    action: Action
    description: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Decision:
    """The outcome for one post under one policy version.

    rules lists every fired rule, strongest first; action is the strongest
    rule's action, or the policy's default_action when none fired.
    redacted_text is set only when action is REDACT.
    """

    action: Action
    rules: tuple[FiredRule, ...]
    policy_version: str
    findings: tuple[Finding, ...] = ()
    redacted_text: str | None = None

    @property
    def reason(self) -> str:
        """The human sentence shown to the employee for a block or flag."""
        held = [r for r in self.rules if r.action.strength >= Action.FLAG.strength]
        parts = [f"{(r.description or r.id).rstrip('. ')} (rule {r.id})" for r in held]
        return "; ".join(parts)

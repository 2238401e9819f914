"""Gatepost policies: load and validate policy YAML, then decide(findings, post).

Importing this package loads no NLP models: it needs only PyYAML and the
small shared types in detectors.base and detectors.registry.
"""

from __future__ import annotations

from pathlib import Path

from policies.engine import Policy, decide
from policies.errors import PolicyError, PolicyInvalid, PolicyIssue, PolicyUnreadable
from policies.loader import load_policy, parse_policy
from policies.types import Action, Decision, FiredRule, Post

DEFAULT_POLICY_PATH = Path(__file__).with_name("default.yaml")

__all__ = [
    "DEFAULT_POLICY_PATH",
    "Action",
    "Decision",
    "FiredRule",
    "Policy",
    "PolicyError",
    "PolicyInvalid",
    "PolicyIssue",
    "PolicyUnreadable",
    "Post",
    "decide",
    "load_policy",
    "parse_policy",
]

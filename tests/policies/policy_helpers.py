"""Helpers for policy tests: hand-made Findings and a tiny fake scanner.

Policies never need the real detectors: decide() only reads Findings, so
these tests build them by hand (or with the regex fake below).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from detectors.base import Finding
from policies import Policy

# Just enough PII/secret recognition for the default policy's `tests:` cases.
FAKE_DETECTORS = {
    ("secret", "AWS_ACCESS_KEY"): r"\bAKIA[0-9A-Z]{16}\b",
    ("pii", "CREDIT_CARD"): r"\b4111(?:[ -]?1111){3}\b",
    ("pii", "EMAIL_ADDRESS"): r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    ("pii", "PHONE_NUMBER"): r"\+\d[\d ]{7,}\d",
}


def found(kind: str, label: str, text: str, needle: str, score: float = 1.0) -> Finding:
    """A Finding for the first occurrence of needle in text."""
    start = text.index(needle)
    return Finding("test", kind, label, start, start + len(needle), score, f"test: {needle}")


def fake_scanner(policy: Policy) -> Callable[[str], list[Finding]]:
    """scan(text) -> Findings labelled the way the real scanner labels them."""

    def scan(text: str) -> list[Finding]:
        out = []
        searches = [(kind, label, rx) for (kind, label), rx in FAKE_DETECTORS.items()]
        for label, terms in policy.term_lists.items():
            words = "|".join(re.escape(t) for t in terms)
            searches.append(("term", label, rf"(?i)(?<!\w)(?:{words})(?!\w)"))
        searches += [("pattern", label, rx) for label, rx in policy.patterns.items()]
        for kind, label, rx in searches:
            for m in re.finditer(rx, text):
                out.append(Finding("fake", kind, label, m.start(), m.end(), 0.9, "fake"))
        return out

    return scan

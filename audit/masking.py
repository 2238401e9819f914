"""Mask what the audit log must not keep: matched PII and secret values."""

from __future__ import annotations

from collections.abc import Iterable

from detectors.base import Finding, replace_spans
from policies.engine import DETECTOR_ERROR_RULE
from policies.types import Decision

#: Finding kinds whose matched value is never stored. Terms and patterns are
#: kept: officers need to see which confidential word fired.
MASKED_KINDS = frozenset({"pii", "secret"})

#: Stored instead of the text when a detector failed: with the scan
#: incomplete, nobody knows which spans would have needed masking.
WITHHELD = "[withheld: the scan did not complete]"


def stored_text(text: str, decision: Decision, findings: Iterable[Finding]) -> str:
    """The text the audit log may keep for this decision."""
    if any(r.id == DETECTOR_ERROR_RULE for r in decision.rules):
        return WITHHELD
    return mask_text(text, findings)


def mask_text(text: str, findings: Iterable[Finding]) -> str:
    """Return text with every pii/secret finding's span replaced by ``[LABEL]``."""
    spans = [(f.start, f.end, f.label) for f in findings if f.kind in MASKED_KINDS]
    return replace_spans(text, spans) if spans else text


def scrub_explanation(finding: Finding, text: str) -> str:
    """Return the finding's explanation without its matched value.

    A detector may quote what it matched; for pii/secret findings that quote
    would put the protected value in the log, so it is replaced by the label.
    """
    value = text[finding.start : finding.end]
    if finding.kind not in MASKED_KINDS or not value.strip():
        return finding.explanation
    return finding.explanation.replace(value, f"[{finding.label}]")

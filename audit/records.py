"""Turn a Post and its Decision into audit rows. Pure functions, no I/O."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

from detectors.base import Finding
from policies.types import Decision, Post

from .chain import sha256
from .masking import scrub_explanation, stored_text


def _ms(value: float) -> float | None:
    """Milliseconds rounded to microseconds; None for NaN/inf (SQLite can't keep them)."""
    value = float(value)
    return round(value, 3) if math.isfinite(value) else None


def all_findings(decision: Decision) -> list[Finding]:
    """The decision's findings plus any that only a fired rule carries, in order."""
    seen: dict[Finding, None] = dict.fromkeys(decision.findings)
    for rule in decision.rules:
        seen.update(dict.fromkeys(rule.findings))
    return list(seen)


def decision_row(
    post: Post,
    decision: Decision,
    *,
    ref: str,
    dialect: str,
    timings_ms: Mapping[str, float],
    total_ms: float,
    created_at: str,
    detector_errors: Mapping[str, str] | None = None,
    policy_seq: int | None = None,
) -> dict:
    """The decisions row without its chain columns (seq, prev_hash, hash, details_sha256)."""
    masked = stored_text(post.text, decision, all_findings(decision))
    return {
        "ref": ref,
        "created_at": created_at,
        "author": post.author,
        "groups": json.dumps(list(post.groups)),
        "dialect": dialect,
        "action": decision.action.value,
        "policy_version": decision.policy_version,
        "policy_seq": policy_seq,
        "masked_text": masked,
        "text_sha256": sha256(masked),
        "text_length": len(post.text),
        "rule_ids": json.dumps([r.id for r in decision.rules]),
        "timings": json.dumps({k: _ms(v) for k, v in timings_ms.items()}, sort_keys=True),
        "total_ms": _ms(total_ms),
        "detector_errors": json.dumps(dict(detector_errors or {}), sort_keys=True),
    }


def rule_rows(ref: str, decision: Decision) -> list[dict]:
    return [
        {"ref": ref, "rule_id": r.id, "action": r.action.value, "description": r.description}
        for r in decision.rules
    ]


def finding_rows(ref: str, post: Post, decision: Decision) -> list[dict]:
    """One row per finding: labels, offsets, scores; never the matched value."""
    rows = []
    for f in all_findings(decision):
        fired = [r.id for r in decision.rules if f in r.findings]
        rows.append(
            {
                "ref": ref,
                "detector": f.detector,
                "kind": f.kind,
                "label": f.label,
                "start": f.start,
                "end": f.end,
                "score": f.score,
                "explanation": scrub_explanation(f, post.text),
                "rule_ids": json.dumps(fired),
            }
        )
    return rows


JSON_COLUMNS = ("groups", "rule_ids", "timings", "detector_errors")


def decode(row: dict | None) -> dict | None:
    """A stored row with its JSON columns parsed, for callers to read."""
    if row is None:
        return None
    return {k: json.loads(v) if k in JSON_COLUMNS and v is not None else v for k, v in row.items()}

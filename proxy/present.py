"""Decisions as JSON: one shape for the native API and `gatepost scan`."""

from __future__ import annotations

from typing import Any

from detectors import Finding
from policies import Decision


def findings_json(decision: Decision, *, explain: bool) -> list[dict[str, Any]]:
    """Every finding, with the strongest rule it fired (None if it fired none).

    Offsets, labels and scores only: the matched values are never echoed.
    """
    fired_by: dict[Finding, str] = {}
    for rule in decision.rules:  # strongest first
        for finding in rule.findings:
            fired_by.setdefault(finding, rule.id)
    rows = []
    for f in decision.findings:
        row: dict[str, Any] = {"kind": f.kind, "label": f.label, "start": f.start,
                               "end": f.end, "score": round(f.score, 3),
                               "rule": fired_by.get(f)}
        if explain:
            row["explanation"] = f.explanation
        rows.append(row)
    return rows


def decision_json(decision: Decision, *, explain: bool, describe: bool) -> dict[str, Any]:
    """action, rules, findings, and the redacted text for a redact decision."""
    rules = []
    for r in decision.rules:
        rule = {"id": r.id, "action": r.action.value}
        if describe:
            rule["description"] = r.description
        rules.append(rule)
    body: dict[str, Any] = {
        "action": decision.action.value,
        "rules": rules,
        "findings": findings_json(decision, explain=explain),
    }
    if decision.redacted_text is not None:
        body["text"] = decision.redacted_text
    return body

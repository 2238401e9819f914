"""Decisions as JSON: one shape for the native API and `gatepost scan`."""

from __future__ import annotations

from typing import Any

from flask import request

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


def explain_text(post_id: str, text: str, decision: Decision) -> str:
    """A readable account of one decision, for `gatepost scan --explain`.

    Quotes the matched characters: this goes to the terminal of whoever
    typed the post, never to a log.
    """
    lines = [f"post {post_id}: {decision.action.value.upper()}"]
    explained: set[Finding] = set()
    for rule in decision.rules:
        lines.append(f"  rule {rule.id} ({rule.action.value}): {rule.description}")
        lines += [_finding_line(f, text, "    ") for f in rule.findings]
        explained.update(rule.findings)
    others = [f for f in decision.findings if f not in explained]
    if others:
        lines.append("  findings that fired no rule:")
        lines += [_finding_line(f, text, "    ") for f in others]
    if decision.redacted_text is not None:
        lines.append(f"  redacted text: {decision.redacted_text}")
    return "\n".join(lines)


def _finding_line(f: Finding, text: str, indent: str) -> str:
    return (f"{indent}{f.kind} {f.label} at {f.start}..{f.end} {text[f.start:f.end]!r}, "
            f"score {f.score:.2f}: {f.explanation}")


def appeal_url(ref: str) -> str:
    """Where the author of a blocked or held post can ask an officer to look again."""
    return f"{request.url_root}appeal/{ref}"


def appeal_hint(ref: str) -> str:
    """The sentence that ends a block or hold message."""
    return f" If you think this is a mistake, appeal at {appeal_url(ref)}"


"""`gatepost policy ...`: check a policy file, and try a change on real posts."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import click

from detectors.base import Finding
from policies import Decision, Policy
from policies.compare import (
    Comparison,
    Row,
    Scan,
    action_counts,
    compare,
    decide_all,
    fired,
)
from proxy.cli_io import Progress, load_policy_or_fail, read_posts
from proxy.config import Config

ARROW = "\u2192"  # →
POLICY_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group()
def policy() -> None:
    """Policy files: check them, and try a change before it goes live."""


@policy.command("check")
@click.argument("file", type=POLICY_FILE)
def policy_check(file: Path) -> None:
    """Validate a policy and run its tests: cases.

    Exit 0 "ok: N rules", or 1 with FILE:LINE errors or the failing cases.
    """
    from policies.selftest import failures, run_policy_tests

    loaded = load_policy_or_fail(file)
    if not loaded.tests:
        click.echo(f"ok: {len(loaded.rules)} rules")
        return
    results = run_policy_tests(loaded, _scanners([loaded])[0])
    failed = failures(results)
    for result in failed:
        click.echo(f"{file}:{result.case.line}: tests: {result}", err=True)
    if failed:
        sys.exit(1)
    click.echo(f"ok: {len(loaded.rules)} rules, {len(results)} tests passed")


@policy.command("test")
@click.argument("policy_path", metavar="POLICY", type=POLICY_FILE)
@click.option("--input", "input_file", type=click.File("r", encoding="utf-8"), required=True,
              help="JSON lines of {id, text, author?, groups?}; other keys are ignored; "
                   "- for stdin.")
@click.option("--against", "against_path", metavar="OTHER_POLICY", type=POLICY_FILE,
              help="The policy in force (old): show only the posts whose decision POLICY "
                   "(the candidate, new) changes.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON object per row, then one {\"counts\": ...} object.")
def policy_test(policy_path: Path, input_file: IO[str], against_path: Path | None,
                as_json: bool) -> None:
    """Dry run: what POLICY decides, or changes, on posts.

    Nothing is forwarded or recorded. POLICY is the candidate (new).
    Without --against, prints each post's decision (post id, action, fired
    rules) and the count per action. With --against OTHER_POLICY, the policy
    in force (old), prints only the posts whose action or fired rules change
    (old action, new action, rules old -> new), then the number of posts, how
    many changed and each transition such as "allow -> block: 3". Exit 0
    after a run, whatever changed; 1 for an invalid policy or a bad input
    line (FILE:LINE).
    """
    new = load_policy_or_fail(policy_path)
    old = load_policy_or_fail(against_path) if against_path else None
    posts = list(read_posts(input_file, "policy-test", ()))
    scans = _scanners([new] if old is None else [new, old])
    progress = Progress(enabled=True)
    scan_new = _ticking(scans[0], progress)
    if old is None:
        decisions = decide_all(new, posts, scan_new)
        progress.done()
        lines = _decision_json(decisions) if as_json else _decision_table(decisions)
    else:
        comparison = compare(old, new, posts, scans[1], scan_new)
        progress.done()
        lines = _comparison_json(comparison) if as_json else _comparison_table(comparison)
    for line in lines:
        click.echo(line)


def _scanners(policies: Sequence[Policy]) -> list[Scan]:
    """One scan function per policy; all share ONE analyzer (spaCy loads once)."""
    from proxy.app import build_engine, shared_analyzer

    needs_pii = any(p.pii_entities for p in policies)
    analyzer = shared_analyzer(Config().spacy_model) if needs_pii else None
    return [_scan_of(build_engine(p, analyzer).scanner) for p in policies]


def _scan_of(scanner: Any) -> Scan:
    def scan(text: str) -> Sequence[Finding]:
        result = scanner.scan(text)
        for name, error in result.errors.items():
            click.echo(f"warning: detector {name} failed: {error}", err=True)
        return result.findings

    return scan


def _ticking(scan: Scan, progress: Progress) -> Scan:
    def counted(text: str) -> Sequence[Finding]:
        progress.tick()
        return scan(text)

    return counted


def _rules(decision: Decision) -> str:
    return ", ".join(fired(decision)) or "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns, two spaces apart; the last column is not padded."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return ["  ".join([*(c.ljust(w) for c, w in zip(r, widths, strict=False)), r[-1]])
            for r in [header, *rows]]


def _decision_table(decisions: Sequence[tuple[str, Decision]]) -> list[str]:
    rows = [(pid, d.action.value, _rules(d)) for pid, d in decisions]
    counts = action_counts(d for _, d in decisions)
    per_action = ", ".join(f"{a.value} {n}" for a, n in counts.items())
    return [*_table(("post", "action", "rules"), rows), "",
            f"{len(decisions)} posts: {per_action}"]


def _decision_json(decisions: Sequence[tuple[str, Decision]]) -> list[str]:
    lines = [json.dumps({"id": pid, "action": d.action.value, "rules": list(fired(d))},
                        ensure_ascii=False) for pid, d in decisions]
    counts = action_counts(d for _, d in decisions)
    actions = {a.value: n for a, n in counts.items()}
    return [*lines, json.dumps({"counts": {"posts": len(decisions), "actions": actions}})]


def _comparison_table(comparison: Comparison) -> list[str]:
    rows = [(r.post_id, r.old.action.value, r.new.action.value,
             f"{_rules(r.old)} {ARROW} {_rules(r.new)}") for r in comparison.changed]
    counts = comparison.counts
    header = ("post", "old", "new", f"rules (old {ARROW} new)")
    lines = _table(header, rows) if rows else ["no decision changes"]
    lines += ["", f"{counts.total} posts, {counts.changed} changed"]
    lines += [f"{o.value} {ARROW} {n.value}: {k}" for (o, n), k in counts.transitions.items()]
    return lines


def _comparison_json(comparison: Comparison) -> list[str]:
    lines = [json.dumps(_row_json(r), ensure_ascii=False) for r in comparison.changed]
    counts = comparison.counts
    transitions = [{"old": o.value, "new": n.value, "posts": k}
                   for (o, n), k in counts.transitions.items()]
    summary = {"posts": counts.total, "changed": counts.changed, "transitions": transitions}
    return [*lines, json.dumps({"counts": summary})]


def _row_json(row: Row) -> dict[str, Any]:
    return {"id": row.post_id, "old_action": row.old.action.value,
            "new_action": row.new.action.value, "old_rules": list(fired(row.old)),
            "new_rules": list(fired(row.new))}


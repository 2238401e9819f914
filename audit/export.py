"""Decisions for auditors: one flat record per decision, as JSON lines or CSV.

An export holds what the decision log shows and nothing it protects: the
masked text, never a held post's raw text or the outbox's text. Each record
carries seq and hash, so it can be tied to the verified hash chain.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

from sqlite_utils import Database

from . import records
from .search import date_range

if TYPE_CHECKING:
    from .store import AuditLog

BATCH_SIZE = 500

#: The fields of an exported record, in order (the CSV header).
EXPORT_FIELDS = (
    "seq", "ref", "created_at", "author", "groups", "dialect", "action",
    "rules", "rule_descriptions", "findings", "masked_text", "text_length",
    "policy_version", "policy_seq", "total_ms",
    "review_state", "reviewer", "reviewed_at", "review_note",
    "outbox_state", "delivered_at", "hash",
)  # fmt: skip

FINDING_FIELDS = ("kind", "label", "start", "end", "score")

#: A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int], None]
When = date | datetime | str | None


def export_decisions(
    audit_log: AuditLog, since: When, until: When, *, progress: Progress | None = None
) -> Iterator[dict[str, Any]]:
    """One flat record per decision in since..until, in chain (seq) order.

    Bad dates raise SearchError here, before anything is read. Decisions
    recorded after this call are left out, so the total given to
    progress(done, total) after each batch holds.
    """
    where, args = date_range(since, until)
    with audit_log.store.read() as db:
        last_seq = db.execute("SELECT COALESCE(MAX(seq), 0) FROM decisions").fetchone()[0]
        where, args = ["seq <= ?", *where], [last_seq, *args]
        total = db.execute(f"SELECT COUNT(*) FROM decisions WHERE {' AND '.join(where)}",
                           args).fetchone()[0]
    return _batches(audit_log, " AND ".join(["seq > ?", *where]), args, total, progress)


def _batches(audit_log: AuditLog, where: str, args: list, total: int,
             progress: Progress | None) -> Iterator[dict[str, Any]]:
    """Read BATCH_SIZE rows at a time, taking the lock per batch, so a long
    export neither holds the whole log in memory nor stalls the proxy."""
    done, after = 0, 0
    while True:
        with audit_log.store.read() as db:
            batch = _batch(db, where, [after, *args])
        if not batch:
            return
        yield from batch
        done, after = done + len(batch), batch[-1]["seq"]
        if progress is not None:
            progress(done, total)


def _batch(db: Database, where: str, args: list) -> list[dict[str, Any]]:
    rows = [records.decode(r) for r in db.query(
        f"SELECT * FROM decisions WHERE {where} ORDER BY seq LIMIT ?", [*args, BATCH_SIZE])]
    refs = [r["ref"] for r in rows]
    rules = _by_ref(db, "SELECT ref, rule_id, description FROM fired_rules", refs)
    findings = _by_ref(db, f"SELECT ref, {', '.join(map(_q, FINDING_FIELDS))} FROM findings",
                       refs, order="id")
    reviews = _by_ref(db, "SELECT ref, state, reviewer, reviewed_at, note FROM review_queue",
                      refs)
    outbox = _by_ref(db, "SELECT ref, state, delivered_at FROM outbox", refs)
    return [_record(r, rules, findings, reviews, outbox) for r in rows]


def _q(column: str) -> str:
    return f'"{column}"'  # "end" is an SQL keyword


def _by_ref(db: Database, select: str, refs: list[str], order: str = "rowid"
            ) -> dict[str, list[dict]]:
    """Rows of a related table for these refs, grouped by ref (one query)."""
    if not refs:
        return {}
    marks = ", ".join("?" * len(refs))
    grouped: dict[str, list[dict]] = {}
    for row in db.query(f"{select} WHERE ref IN ({marks}) ORDER BY {order}", refs):
        grouped.setdefault(row.pop("ref"), []).append(row)
    return grouped


def _record(row: dict, rules: dict, findings: dict, reviews: dict, outbox: dict
            ) -> dict[str, Any]:
    ref = row["ref"]
    review = (reviews.get(ref) or [{}])[0]
    sent = (outbox.get(ref) or [{}])[0]
    descriptions = {r["rule_id"]: r["description"] for r in rules.get(ref, [])}
    record = {field: row.get(field) for field in EXPORT_FIELDS}
    record.update(
        rules=row["rule_ids"] or [],
        rule_descriptions={rid: descriptions.get(rid) for rid in row["rule_ids"] or []},
        findings=findings.get(ref, []),
        review_state=review.get("state"),
        reviewer=review.get("reviewer"),
        reviewed_at=review.get("reviewed_at"),
        review_note=review.get("note"),
        outbox_state=sent.get("state"),
        delivered_at=sent.get("delivered_at"),
    )
    return record


def write_jsonl(rows: Iterable[dict[str, Any]], fp: IO[str]) -> int:
    """One JSON object per line; returns how many were written."""
    count = 0
    for row in rows:
        fp.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(rows: Iterable[dict[str, Any]], fp: IO[str]) -> int:
    """A header row then one row per record; returns how many were written.

    Lists and objects are JSON-encoded, so the file reads back exactly.
    Open fp with newline="" (the csv module writes its own line ends).
    """
    writer = csv.writer(fp)
    writer.writerow(EXPORT_FIELDS)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(row.get(field)) for field in EXPORT_FIELDS])
        count += 1
    return count


def csv_cell(value: Any) -> Any:
    """A value as a safe CSV cell.

    Post text and names are written by users, so a text cell that a
    spreadsheet would run as a formula gets a leading apostrophe.
    """
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

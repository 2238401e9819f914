"""The hash chain: every decision and event row has hash = sha256(prev_hash + canonical row).

Decisions and events (appeals, reviews, retention runs) share one sequence,
so the chain proves the order of both. A decision row hashes digests of what
may later change or is kept elsewhere: its masked text (which retention may
remove) and its fired_rules and findings rows. verify() recomputes all of it.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from sqlite_utils import Database

GENESIS = "0" * 64
PROGRESS_ROWS = 10_000
CHAINED = ("decisions", "events")


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking every chained row's hash, in chain order.

    ok: the chain is intact. checked: rows examined (all of them when ok).
    first_bad: names the first bad row: a decision's ref, "event seq N (what,
    ref)", or "seq N" when no row is left to name. problem: a human sentence
    about what is wrong, None when ok.
    """

    ok: bool
    checked: int
    first_bad: str | None = None
    problem: str | None = None


# Columns added after rows were first hashed: left out of the hash while NULL,
# so rows written before the column existed still verify.
LATER_COLUMNS = frozenset({"policy_seq", "text_sha256", "details_sha256", "text_mac",
                           "client_key"})
# Columns that change after the row is sealed, by design (retention).
UNHASHED = frozenset({"hash", "text_removed_at"})


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(row: Mapping[str, object]) -> str:
    """The row as JSON with sorted keys, as hashed.

    With text_sha256 set, the text itself is left out (its digest stands in),
    so removing old text does not break the chain.
    """
    fields = {
        k: v for k, v in row.items()
        if k not in UNHASHED and not (k in LATER_COLUMNS and v is None)
    }  # fmt: skip
    if fields.get("text_sha256") is not None:
        fields.pop("masked_text", None)
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, row: Mapping[str, object]) -> str:
    return sha256(prev_hash + canonical(row))


def details_digest(rule_rows: Iterable[Mapping], finding_rows: Iterable[Mapping]) -> str:
    """sha256 of a decision's fired_rules and findings rows (ids left out)."""
    rules = sorted((dict(r) for r in rule_rows), key=lambda r: r["rule_id"])
    findings = [{k: v for k, v in f.items() if k != "id"} for f in finding_rows]
    return sha256(json.dumps({"rules": rules, "findings": findings}, sort_keys=True,
                             separators=(",", ":"), ensure_ascii=False))


def stored_details_digest(db: Database, ref: str) -> str:
    # Plain queries: sqlite-utils' table lookups cost more than these (verify is per row).
    rules = _rows(db, "SELECT * FROM fired_rules WHERE ref = ?", ref)
    findings = _rows(db, "SELECT * FROM findings WHERE ref = ? ORDER BY id", ref)
    return details_digest(rules, findings)


def _rows(db: Database, sql: str, *args: object) -> list[dict]:
    cursor = db.conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def next_link(db: Database) -> tuple[int, str]:
    """(seq, prev_hash) for the next row. Call inside the write transaction."""
    head = db.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
    return (head[0] + 1, head[1]) if head else (1, GENESIS)


def seal(db: Database, row: dict) -> dict:
    """Give row its seq, prev_hash and hash, and move the chain head to it."""
    row["seq"], row["prev_hash"] = next_link(db)
    row["hash"] = row_hash(row["prev_hash"], row)
    db["chain_head"].upsert({"id": 1, "seq": row["seq"], "hash": row["hash"]}, pk="id")
    return row


def append_event(db: Database, event: str, ref: str, actor: str, at: str, *,
                 note: str | None = None, cutoff: str | None = None) -> dict:
    """Seal and insert one events row (inside the caller's write transaction)."""
    row = {"ref": ref, "event": event, "actor": actor, "at": at, "note": note,
           "cutoff": cutoff}
    db["events"].insert(seal(db, row))
    return row


def _chain_rows(db: Database) -> Iterator[tuple[str, dict]]:
    """(table, row) for every chained row, in seq order across both tables."""

    def stream(table: str) -> Iterator[tuple[str, dict]]:
        for row in db.query(f"SELECT * FROM {table} ORDER BY seq"):
            yield table, row

    yield from heapq.merge(*map(stream, CHAINED), key=lambda item: item[1]["seq"])


def _name(table: str, row: Mapping) -> str:
    if table == "decisions":
        return row["ref"]
    what = " ".join(part for part in (row["event"], row["ref"]) if part)
    return f"event seq {row['seq']} ({what})"


def _check_link(row: Mapping, expected_seq: int, prev_hash: str) -> str | None:
    if row["seq"] != expected_seq:
        return f"seq {row['seq']} follows seq {expected_seq - 1}: rows missing or moved"
    if row["prev_hash"] != prev_hash:
        return "prev_hash does not match the previous row: a row was removed or reordered"
    if row["hash"] != row_hash(prev_hash, row):
        return "hash does not match the row's contents: the row was edited"
    return None


def _check_decision(db: Database, row: Mapping, removal_cutoff: str | None) -> str | None:
    """The parts of a decision kept outside its own hashed columns."""
    if row.get("details_sha256") is not None:
        if stored_details_digest(db, row["ref"]) != row["details_sha256"]:
            return "its fired rules or findings were edited, added or removed"
    if row.get("text_sha256") is None:
        return None
    if row["masked_text"] is not None:
        if sha256(row["masked_text"]) != row["text_sha256"]:
            return "its stored text does not match the text it was recorded with: edited"
        return None
    if removal_cutoff is None or row["created_at"] >= removal_cutoff:
        return "its text was removed, but no retention run covers a decision this recent"
    return None


def verify(db: Database, progress: Callable[[int], None] | None = None) -> ChainReport:
    """Recompute every hash in seq order; report the first row that is wrong.

    progress(rows checked so far) is called every PROGRESS_ROWS rows.
    """
    cutoffs = [r["cutoff"] for r in db.query(
        "SELECT cutoff FROM events WHERE event = 'retention' AND cutoff IS NOT NULL")]
    removal_cutoff = max(cutoffs, default=None)
    prev_hash, checked = GENESIS, 0
    for table, row in _chain_rows(db):
        problem = _check_link(row, checked + 1, prev_hash)
        if problem is None and table == "decisions":
            problem = _check_decision(db, row, removal_cutoff)
        if problem:
            return ChainReport(False, checked, _name(table, row), problem)
        prev_hash, checked = row["hash"], checked + 1
        if progress and checked % PROGRESS_ROWS == 0:
            progress(checked)
    head = db.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
    head_seq, head_hash = head if head else (0, GENESIS)
    if (head_seq, head_hash) != (checked, prev_hash):
        problem = f"the chain ends at seq {checked} but its head is seq {head_seq}"
        return ChainReport(False, checked, f"seq {checked + 1}", problem + ": rows cut off")
    return ChainReport(True, checked)

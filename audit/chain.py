"""The hash chain over decisions: hash = sha256(prev_hash + canonical row)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlite_utils import Database

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking every decision row's hash, in chain order.

    ok: the chain is intact. checked: rows examined (all of them when ok).
    first_bad: the ref of the first bad row ("seq N" when no row is left to
    name). problem: a human sentence about what is wrong, None when ok.
    """

    ok: bool
    checked: int
    first_bad: str | None = None
    problem: str | None = None


# Columns added after rows were first hashed: left out of the hash while NULL,
# so rows written before the column existed still verify.
LATER_COLUMNS = frozenset({"policy_seq"})


def canonical(row: Mapping[str, object]) -> str:
    """The row as JSON with sorted keys and no hash column: what gets hashed."""
    fields = {
        k: v for k, v in row.items()
        if k != "hash" and not (k in LATER_COLUMNS and v is None)
    }  # fmt: skip
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, row: Mapping[str, object]) -> str:
    return hashlib.sha256((prev_hash + canonical(row)).encode("utf-8")).hexdigest()


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


def _check_row(row: dict, expected_seq: int, prev_hash: str) -> str | None:
    if row["seq"] != expected_seq:
        return f"seq {row['seq']} follows seq {expected_seq - 1}: rows missing or moved"
    if row["prev_hash"] != prev_hash:
        return "prev_hash does not match the previous row: a row was removed or reordered"
    if row["hash"] != row_hash(prev_hash, row):
        return "hash does not match the row's contents: the row was edited"
    return None


def verify(db: Database) -> ChainReport:
    """Recompute every hash in seq order; report the first row that is wrong."""
    prev_hash, checked = GENESIS, 0
    for row in db.query("SELECT * FROM decisions ORDER BY seq"):
        problem = _check_row(row, checked + 1, prev_hash)
        if problem:
            return ChainReport(False, checked, row["ref"], problem)
        prev_hash, checked = row["hash"], checked + 1
    head = db.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
    head_seq, head_hash = head if head else (0, GENESIS)
    if (head_seq, head_hash) != (checked, prev_hash):
        problem = f"the chain ends at seq {checked} but its head is seq {head_seq}"
        return ChainReport(False, checked, f"seq {checked + 1}", problem + ": rows cut off")
    return ChainReport(True, checked)

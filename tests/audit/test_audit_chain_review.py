"""The chain covers review events, findings and fired rules, and survives retention."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from audit import AuditLog
from detectors.base import Finding
from policies.types import Action

SSN = Finding("presidio", "pii", "US_SSN", 10, 21, 0.9, "SSN pattern")


@pytest.fixture
def reviewed(log, record) -> dict[str, str]:
    """A chain of decisions and review events: flag approved, flag rejected, block appealed."""
    refs = {
        "approved": record(Action.FLAG, "my ssn is 078-05-1120 ok", [SSN]),
        "allowed": record(Action.ALLOW, "hello"),
        "rejected": record(Action.FLAG, "Contoso Pharma deal"),
        "appealed": record(Action.BLOCK, "Falcon ships"),
    }
    log.resolve_review(refs["approved"], reviewer="olga", approve=True)
    log.resolve_review(refs["rejected"], reviewer="omar", approve=False, note="NDA")
    log.open_appeal(refs["appealed"], author="alice", justification="public now",
                    text="Falcon ships")
    return refs


def tamper(db_path, sql: str, *args) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute(sql, args)


def test_decisions_and_review_events_share_one_verified_chain(log, reviewed):
    report = log.verify_chain()
    assert report.ok and report.checked == 4 + 3  # four decisions, three events
    kinds = [e["event"] for r in reviewed.values() for e in log.events_for(r)]
    assert sorted(kinds) == ["appealed", "approved", "rejected"]


@pytest.mark.parametrize(
    ("sql", "first_bad", "word"),
    [
        ("UPDATE events SET actor = 'mallory' WHERE event = 'approved'",
         "event seq 5 (approved {approved})", "edited"),
        ("UPDATE events SET note = 'fine' WHERE event = 'rejected'",
         "event seq 6 (rejected {rejected})", "edited"),
        ("DELETE FROM events WHERE event = 'approved'",
         "event seq 6 (rejected {rejected})", "missing"),
        ("UPDATE events SET seq = 99 WHERE event = 'approved'",
         "event seq 6 (rejected {rejected})", "missing"),
        ("DELETE FROM findings WHERE label = 'US_SSN'", "{approved}", "findings"),
        ("UPDATE fired_rules SET rule_id = 'other' WHERE ref = (SELECT ref FROM decisions"
         " WHERE action = 'block')", "{appealed}", "fired rules"),
        ("INSERT INTO findings (ref, detector, kind, label, start, \"end\", score) SELECT ref,"
         " 'x', 'term', 'X', 0, 1, 1.0 FROM decisions WHERE seq = 2", "{allowed}", "added"),
        ("UPDATE decisions SET masked_text = 'harmless' WHERE seq = 3", "{rejected}",
         "edited"),
        ("UPDATE decisions SET masked_text = NULL WHERE seq = 3", "{rejected}",
         "no retention run"),
    ],
)
def test_every_edit_is_named_at_its_row(log, reviewed, db_path, sql, first_bad, word):
    tamper(db_path, sql)
    report = log.verify_chain()
    assert not report.ok
    assert report.first_bad == first_bad.format(**reviewed)
    assert word in report.problem


def test_reordering_review_events_is_detected(log, reviewed, db_path):
    tamper(db_path, "UPDATE events SET seq = -seq")
    tamper(db_path, "UPDATE events SET seq = 11 + seq")  # 5,6,7 -> 6,5,4: reversed
    report = log.verify_chain()
    assert not report.ok
    assert "removed or reordered" in report.problem or "missing" in report.problem


def test_retention_removes_old_text_and_the_chain_still_verifies(log, record, db_path):
    old = [record(Action.ALLOW, f"old post {i}") for i in range(3)]
    new = record(Action.ALLOW, "new post")
    long_ago = (datetime.now(UTC) - timedelta(days=40)).isoformat(timespec="milliseconds")
    tamper(db_path, f"UPDATE decisions SET created_at = ? WHERE ref IN ({','.join('?' * 3)})",
           long_ago, *old)
    tamper(db_path, f"UPDATE outbox SET created_at = ? WHERE ref IN ({','.join('?' * 3)})",
           long_ago, *old)
    # the created_at edit is itself tampering; reseal as if recorded then
    _reseal(log, db_path)
    assert log.verify_chain().ok

    assert log.apply_retention(30) == 3
    assert [log.decision(r)["masked_text"] for r in old] == [None, None, None]
    assert log.decision(new)["masked_text"] == "new post"
    assert all(log.decision(r)["text_removed_at"] for r in old)
    report = log.verify_chain()
    assert report.ok and report.checked == 4 + 1  # and the retention event
    assert log.apply_retention(30) == 0  # nothing left to remove: no new event
    assert log.verify_chain().checked == 5

    tamper(db_path, "UPDATE decisions SET masked_text = NULL WHERE ref = ?", new)
    report = log.verify_chain()
    assert not report.ok and report.first_bad == new


def test_retention_keeps_pending_review_text(log, record, db_path):
    ref = record(Action.FLAG, "Contoso Pharma deal")
    tamper(db_path, "UPDATE review_queue SET created_at = '2020-01-01T00:00:00.000+00:00'")
    log.apply_retention(1)
    assert log.review_entry(ref)["held_text"] == "Contoso Pharma deal"


def _reseal(log: AuditLog, db_path) -> None:
    """Recompute every hash in seq order (test setup only: backdating rows)."""
    from audit import chain

    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        prev = chain.GENESIS
        rows = [dict(r) for r in conn.execute("SELECT * FROM decisions ORDER BY seq")]
        for row in rows:
            row["prev_hash"] = prev
            row["hash"] = chain.row_hash(prev, row)
            conn.execute("UPDATE decisions SET prev_hash = ?, hash = ? WHERE seq = ?",
                         (row["prev_hash"], row["hash"], row["seq"]))
            prev = row["hash"]
        conn.execute("UPDATE chain_head SET seq = ?, hash = ?", (rows[-1]["seq"], prev))

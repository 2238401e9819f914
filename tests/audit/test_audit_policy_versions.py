"""Policy versions: a sequence number per change; reloading the same version adds nothing."""

from __future__ import annotations

import sqlite3


def test_no_policy_recorded_yet(log):
    assert log.current_policy_version() is None


def test_versions_get_increasing_seq_and_same_latest_is_not_repeated(log, db_path):
    loads = ["v1", "v1", "v2", "v2", "v1"]
    seqs = [log.record_policy_version(v, "default", "default.yaml", f"text {v}") for v in loads]
    assert seqs == [1, 1, 2, 2, 3]
    current = log.current_policy_version()
    assert (current["seq"], current["version"], current["text"]) == (3, "v1", "text v1")
    with sqlite3.connect(db_path) as conn:
        actions = conn.execute("SELECT action, target FROM admin_actions").fetchall()
    assert actions == [("policy.load", f"default {v}") for v in ("v1", "v2", "v1")]


def test_policy_seq_is_recorded_and_covered_by_the_hash_chain(log, db_path):
    from audit import new_reference
    from policies.types import Action, Decision, Post

    ref = new_reference()
    log.record_decision(Post("alice", "hello", ()), Decision(Action.ALLOW, (), "v1"), ref=ref,
                        dialect="native", timings_ms={}, total_ms=1, policy_seq=7)
    assert log.decision(ref)["policy_seq"] == 7
    assert log.verify_chain().ok
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE decisions SET policy_seq = 8")
    assert not log.verify_chain().ok


def test_a_database_from_before_policy_seq_gains_the_column_and_still_verifies(record, db_path):
    from audit import AuditLog

    record()
    with sqlite3.connect(db_path) as conn:  # as an older release wrote it: no policy_seq
        conn.execute("ALTER TABLE decisions DROP COLUMN policy_seq")
    reopened = AuditLog(db_path)
    try:
        assert reopened.verify_chain().ok
        assert reopened.recent_decisions()[0]["policy_seq"] is None
    finally:
        reopened.close()

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

"""`gatepost audit verify` and `gatepost audit retain` on a real SQLite file."""

from __future__ import annotations

import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

from audit import AuditLog, new_reference
from policies.types import Action, Decision, FiredRule, Post
from proxy.cli import main
from tests.proxy.test_cli import GATEPOST
from tests.proxy.test_cli_audit_export import audit_db  # noqa: F401 - a fixture


def verify(db) -> subprocess.CompletedProcess:
    return subprocess.run([GATEPOST, "audit", "verify", "--db", str(db)], capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def reviewed_db(audit_db):  # noqa: F811 - the imported fixture
    """audit_db plus a blocked post, its appeal and its rejection: seq 4, 5 and 6."""
    log = AuditLog(audit_db, text_key=b"test key")
    ref = new_reference()
    rule = FiredRule("codenames", Action.BLOCK, "Codenames stay internal", ())
    log.record_decision(Post("alice", "Falcon ships"), Decision(Action.BLOCK, (rule,), "v1"),
                        ref=ref, dialect="native", timings_ms={}, total_ms=1)
    log.open_appeal(ref, author="alice", justification="announced", text="Falcon ships")
    log.resolve_review(ref, reviewer="olga", approve=False, note="not yet announced")
    log.close()
    return audit_db


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("UPDATE events SET note = 'fine' WHERE event = 'rejected'", "event seq 6 (rejected"),
        ("DELETE FROM events WHERE event = 'appealed'", "event seq 6 (rejected"),
        ("UPDATE events SET seq = -seq; UPDATE events SET seq = 11 + seq",  # swapped
         "event seq 5 (rejected"),
        ("UPDATE decisions SET action = 'allow' WHERE action = 'block'", "gp-"),
        ("DELETE FROM decisions WHERE seq = 1", "gp-"),
    ],
)
def test_verify_exits_1_naming_the_first_bad_row(reviewed_db, sql, named):
    assert verify(reviewed_db).returncode == 0
    with sqlite3.connect(reviewed_db) as conn:
        conn.executescript(sql)
    result = verify(reviewed_db)
    assert result.returncode == 1
    assert f"broken at row {named}" in result.stderr


def test_retain_removes_old_text_and_verify_still_passes(audit_db):  # noqa: F811
    result = CliRunner().invoke(main, ["audit", "retain", "--db", str(audit_db), "--days", "30"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "removed the text of 3 decisions older than 30 days\n"
    log = AuditLog(audit_db)
    assert [d["masked_text"] for d in log.recent_decisions()] == [None, None, None]
    assert [e["event"] for e in log.events_for("")] == ["retention"]
    log.close()
    result = verify(audit_db)
    assert result.returncode == 0, result.stderr
    assert "ok: 4 rows" in result.stdout
    bad = CliRunner().invoke(main, ["audit", "retain", "--db", str(audit_db), "--days", "0"])
    assert bad.exit_code == 2

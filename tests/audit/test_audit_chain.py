"""The hash chain: verify passes on an honest log and names the first tampered row."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from audit import AuditLog
from policies.types import Action, Decision, Post

ACTIONS = [Action.ALLOW, Action.BLOCK, Action.REDACT, Action.FLAG, Action.ALLOW]


@pytest.fixture
def refs(record) -> list[str]:
    return [record(action, f"post number {i}") for i, action in enumerate(ACTIONS)]


def _tamper(db_path, *statements: tuple[str, tuple]) -> None:
    with sqlite3.connect(db_path) as conn:
        for sql, args in statements:
            conn.execute(sql, args)


def test_empty_log_verifies(log):
    report = log.verify_chain()
    assert (report.ok, report.checked, report.first_bad, report.problem) == (True, 0, None, None)


def test_honest_log_verifies(log, refs):
    report = log.verify_chain()
    assert report.ok and report.checked == len(refs)


def test_chain_continues_after_reopening(db_path, log, refs):
    log.close()
    reopened = AuditLog(db_path)
    try:
        post, decision = Post("bob", "again"), Decision(Action.ALLOW, (), "v1")
        reopened.record_decision(
            post, decision, ref="gp-reopened", dialect="x", timings_ms={}, total_ms=1.0
        )
        assert reopened.recent_decisions(limit=1)[0]["seq"] == len(refs) + 1
        assert reopened.verify_chain().checked == len(refs) + 1
    finally:
        reopened.close()


# name: (SQL run behind the log's back, index of the first bad ref, rows checked, problem word)
TAMPERING = {
    "edited-action": (
        [("UPDATE decisions SET action = 'allow' WHERE seq = 2", ())],
        1,
        1,
        "edited",
    ),
    "edited-masked-text": (
        [("UPDATE decisions SET masked_text = 'nothing to see' WHERE seq = 4", ())],
        3,
        3,
        "edited",
    ),
    "deleted-middle-row": ([("DELETE FROM decisions WHERE seq = 3", ())], 3, 2, "missing"),
    "deleted-and-renumbered": (
        [
            ("DELETE FROM decisions WHERE seq = 3", ()),
            ("UPDATE decisions SET seq = seq - 1 WHERE seq > 3", ()),
        ],
        3,
        2,
        "removed or reordered",
    ),
    "swapped-rows": (
        [
            ("UPDATE decisions SET seq = -1 WHERE seq = 2", ()),
            ("UPDATE decisions SET seq = 2 WHERE seq = 3", ()),
            ("UPDATE decisions SET seq = 3 WHERE seq = -1", ()),
        ],
        2,
        1,
        "removed or reordered",
    ),
}


@pytest.mark.parametrize(
    ("statements", "bad_index", "checked", "word"), TAMPERING.values(), ids=TAMPERING
)
def test_tampering_is_reported_at_the_first_bad_row(
    log, refs, db_path, statements, bad_index, checked, word
):
    _tamper(db_path, *statements)
    report = log.verify_chain()
    assert not report.ok
    assert report.first_bad == refs[bad_index]
    assert word in report.problem
    assert report.checked == checked  # the intact rows before the bad one


def test_cutting_off_the_last_row_is_reported(log, refs, db_path):
    _tamper(db_path, ("DELETE FROM decisions WHERE seq = 5", ()))
    report = log.verify_chain()
    assert not report.ok
    assert (report.checked, report.first_bad) == (4, "seq 5")
    assert "cut off" in report.problem


def test_concurrent_writers_keep_one_valid_chain(log, record):
    threads_n, per_thread = 8, 20
    start = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            for _ in range(per_thread):
                record(Action.ALLOW, "from a thread")
        except BaseException as e:  # surfaced below; a thread cannot fail the test
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = log.verify_chain()
    assert report.ok and report.checked == threads_n * per_thread
    assert len(log.outbox_pending()) == threads_n * per_thread


def test_two_logs_on_one_file_keep_one_chain(db_path, log):
    """A second connection (the CLI, another process) cannot fork the chain either."""
    other = AuditLog(db_path)
    decision = Decision(Action.ALLOW, (), "v1")

    def work(audit_log: AuditLog, name: str) -> None:
        for i in range(25):
            post = Post(name, "hi")
            ref = f"{name}-{i}"
            audit_log.record_decision(
                post, decision, ref=ref, dialect="x", timings_ms={}, total_ms=1.0
            )

    threads = [threading.Thread(target=work, args=(lg, n)) for lg, n in [(log, "a"), (other, "b")]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    report = log.verify_chain()
    assert report.ok and report.checked == 50


def test_verify_reports_progress_on_long_chains(log, record, monkeypatch):
    from audit import chain

    monkeypatch.setattr(chain, "PROGRESS_ROWS", 2)
    for i in range(5):
        record(Action.ALLOW, f"post {i}")
    seen: list[int] = []
    assert log.verify_chain(progress=seen.append).ok
    assert seen == [2, 4]

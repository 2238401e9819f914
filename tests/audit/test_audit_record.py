"""record_decision writes masked rows, review items and outbox entries in one transaction."""

from __future__ import annotations

import sqlite3

import pytest

from audit import AlreadyReviewed, DuplicateReference, UnknownReference
from detectors.base import Finding
from policies.types import Action, Decision, Post

SSN = "078-05-1120"
SSN_TEXT = f"my ssn is {SSN} thanks"
SSN_FINDING = Finding("presidio", "pii", "US_SSN", 10, 21, 0.85, f"SSN pattern matched {SSN}")

AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
KEY_TEXT = f"deploy with {AWS_KEY} now"
KEY_FINDING = Finding("secrets", "secret", "AWS_ACCESS_KEY", 12, 32, 1.0, f"key {AWS_KEY}")


def _deliver(log, ref):
    log.outbox_mark_delivered(ref, upstream_id="1", upstream_url=None, status_code=200)


def _reject(log, ref):
    log.resolve_review(ref, reviewer="olivia", approve=False, note="not for us")


@pytest.mark.parametrize(
    ("action", "settle"),
    [
        (Action.ALLOW, _deliver),
        (Action.REDACT, None),
        (Action.REDACT, _deliver),
        (Action.FLAG, _reject),
        (Action.BLOCK, None),
    ],
    ids=["allow-delivered", "redact-pending", "redact-delivered", "flag-reviewed", "block"],
)
def test_stored_text_is_masked_and_raw_ssn_is_nowhere_in_the_file(
    record, log, db_bytes, action, settle
):
    ref = record(action, SSN_TEXT, [SSN_FINDING])
    if settle:
        settle(log, ref)
    row = log.decision(ref)
    assert row["masked_text"] == "my ssn is [US_SSN] thanks"
    assert row["text_length"] == len(SSN_TEXT)
    assert row["findings"][0]["explanation"] == "SSN pattern matched [US_SSN]"
    assert SSN.encode() not in db_bytes()


def test_secret_value_is_nowhere_in_the_file(record, db_bytes):
    record(Action.REDACT, KEY_TEXT, [KEY_FINDING])
    assert AWS_KEY.encode() not in db_bytes()


@pytest.mark.parametrize(
    ("action", "has_review", "outbox_text"),
    [
        (Action.ALLOW, False, SSN_TEXT),
        (Action.REDACT, False, "my ssn is [US_SSN] thanks"),
        (Action.FLAG, True, None),
        (Action.BLOCK, False, None),
    ],
    ids=["allow-outbox", "redact-outbox-masked", "flag-review-only", "block-neither"],
)
def test_action_decides_review_and_outbox_rows(record, log, action, has_review, outbox_text):
    ref = record(action, SSN_TEXT, [SSN_FINDING])
    row = log.decision(ref)
    assert (row["review"] is not None) == has_review
    assert (row["outbox"] or {}).get("text") == outbox_text
    if outbox_text is not None:
        assert row["outbox"]["state"] == "pending"
        assert row["outbox"]["attempts"] == 0


def test_flag_holds_raw_text_for_review(record, log, db_bytes):
    ref = record(Action.FLAG, SSN_TEXT, [SSN_FINDING])
    review = log.review_entry(ref)
    assert review["state"] == "pending"
    assert review["held_text"] == SSN_TEXT
    assert [r["ref"] for r in log.review_pending()] == [ref]
    assert SSN.encode() in db_bytes()  # also shows the byte scan finds what is there


def test_decision_row_carries_rules_findings_timings(record, log):
    ref = record(Action.REDACT, SSN_TEXT, [SSN_FINDING])
    row = log.decision(ref)
    assert row["author"] == "alice"
    assert row["groups"] == ["eng"]
    assert row["dialect"] == "native"
    assert row["action"] == "redact"
    assert row["policy_version"] == "v1"
    assert row["rule_ids"] == ["rule.redact"]
    assert row["timings"] == {"decide": 0.5, "detect": 1.25}
    assert row["total_ms"] == 2.0
    assert [(r["rule_id"], r["action"]) for r in row["rules"]] == [("rule.redact", "redact")]
    finding = row["findings"][0]
    span = (finding["kind"], finding["label"], finding["start"], finding["end"])
    assert span == ("pii", "US_SSN", 10, 21)
    assert finding["rule_ids"] == ["rule.redact"]


def test_unknown_reference_reads_as_none(log):
    assert log.decision("gp-nope") is None
    assert log.outbox_entry("gp-nope") is None


def test_recent_decisions_are_newest_first(record, log):
    refs = [record() for _ in range(3)]
    assert [r["ref"] for r in log.recent_decisions(limit=2)] == refs[::-1][:2]


def test_duplicate_ref_fails_and_writes_nothing(record, log, db_path):
    ref = record(Action.ALLOW)
    decision = log.decision(ref)
    with pytest.raises(DuplicateReference):
        log.record_decision(
            _post(), _decision(), ref=ref, dialect="x", timings_ms={}, total_ms=0, outbox_text="y"
        )
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM decisions").fetchone() == (1,)
    assert log.outbox_entry(ref)["text"] == decision["outbox"]["text"]
    assert log.verify_chain().ok


def test_delivered_clears_outbox_text(record, log):
    ref = record(Action.ALLOW, "hello world")
    log.outbox_mark_delivered(ref, upstream_id="109", upstream_url="http://m/109", status_code=200)
    entry = log.outbox_entry(ref)
    assert (entry["state"], entry["text"], entry["upstream_id"]) == ("delivered", "", "109")
    assert entry["delivered_at"]
    assert log.outbox_pending() == []


def test_failed_delivery_stays_pending_and_counts_attempts(record, log):
    ref = record(Action.ALLOW, "hello world")
    log.outbox_mark_failed(ref, error="connection refused", status_code=None)
    log.outbox_mark_failed(ref, error="bad gateway", status_code=502)
    entry = log.outbox_entry(ref)
    assert (entry["state"], entry["attempts"], entry["last_error"]) == ("pending", 2, "bad gateway")
    assert entry["text"] == "hello world"
    assert [e["ref"] for e in log.outbox_pending()] == [ref]


def test_outbox_entry_found_by_idempotency_key(record, log):
    ref = record(Action.ALLOW, idempotency_key="client-key-1")
    assert log.outbox_for_key("client-key-1")["ref"] == ref
    assert log.outbox_for_key("other") is None


@pytest.mark.parametrize("method", ["outbox_mark_delivered", "outbox_mark_failed"])
def test_marking_an_unknown_outbox_ref_raises(log, method):
    kwargs = (
        {"upstream_id": "1", "upstream_url": None, "status_code": 200}
        if method == "outbox_mark_delivered"
        else {"error": "x", "status_code": None}
    )
    with pytest.raises(UnknownReference):
        getattr(log, method)("gp-missing", **kwargs)


@pytest.mark.parametrize(
    ("approve", "state", "outbox_text"),
    [(True, "approved", SSN_TEXT), (False, "rejected", None)],
    ids=["approve-queues-original", "reject-queues-nothing"],
)
def test_review_masks_held_text(record, log, approve, state, outbox_text):
    ref = record(Action.FLAG, SSN_TEXT, [SSN_FINDING])
    log.resolve_review(ref, reviewer="olivia", approve=approve, note="checked")
    review = log.review_entry(ref)
    assert (review["state"], review["reviewer"], review["note"]) == (state, "olivia", "checked")
    assert review["held_text"] == "my ssn is [US_SSN] thanks"
    assert (log.outbox_entry(ref) or {}).get("text") == outbox_text
    assert log.review_pending() == []


def test_reviewing_twice_raises(record, log):
    ref = record(Action.FLAG, SSN_TEXT, [SSN_FINDING])
    log.resolve_review(ref, reviewer="olivia", approve=False, note="not for us")
    with pytest.raises(AlreadyReviewed):
        log.resolve_review(ref, reviewer="olivia", approve=True)


def test_decisions_table_never_has_a_raw_text_column(log, db_path):
    with sqlite3.connect(db_path) as conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(decisions)")]
    assert "text" not in cols and "masked_text" in cols


def _post() -> Post:
    return Post("bob", "other text")


def _decision() -> Decision:
    return Decision(Action.ALLOW, (), "v1")

"""Outbox claims: one sender per row, leases that run out, dead senders released."""

from __future__ import annotations

import threading
import time

from policies.types import Action


def test_a_row_is_claimed_by_one_sender_only(record, log):
    ref = record(Action.ALLOW, "hello world")
    got: list = []
    barrier = threading.Barrier(8)

    def claim(i: int) -> None:
        barrier.wait()
        got.append(log.outbox_claim_next(f"sender-{i}", 30))

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [row for row in got if row is not None]
    assert [w["ref"] for w in winners] == [ref]
    assert log.outbox_claim(ref, "someone-else", 30) is None
    entry = log.outbox_entry(ref)
    assert entry["state"] == "sending" and entry["claimed_by"] == winners[0]["claimed_by"]


def test_oldest_due_row_first_and_back_off_respected(record, log):
    first = record(Action.ALLOW, "first")
    second = record(Action.ALLOW, "second")
    assert log.outbox_claim_next("w", 30)["ref"] == first
    log.outbox_mark_failed(first, error="down", status_code=None, retry_at=time.time() + 60)
    assert log.outbox_entry(first)["state"] == "pending"
    assert log.outbox_claim_next("w", 30)["ref"] == second
    assert log.outbox_claim_next("w", 30) is None  # first waits for its back-off
    assert log.outbox_claim(first, "request", 30)["ref"] == first  # a client retry may


def test_an_expired_lease_may_be_claimed_again(record, log):
    ref = record(Action.ALLOW, "hello")
    assert log.outbox_claim_next("crashed", 0.05)
    assert log.outbox_claim_next("other", 30) is None
    time.sleep(0.1)
    assert log.outbox_claim_next("other", 30)["claimed_by"] == "other"
    assert log.outbox_entry(ref)["state"] == "sending"


def test_release_claims_of_dead_senders(record, log):
    ref = record(Action.ALLOW, "hello")
    log.outbox_claim_next("host:1234:dead", 300)
    assert log.outbox_release_claims(lambda holder: holder.endswith(":dead")) == [ref]
    entry = log.outbox_entry(ref)
    assert (entry["state"], entry["claimed_by"]) == ("pending", None)


def test_rejected_is_final_and_a_late_failure_does_not_reopen_a_delivered_row(record, log):
    rejected = record(Action.ALLOW, "no")
    log.outbox_mark_rejected(rejected, error="upstream refused: 422", status_code=422)
    entry = log.outbox_entry(rejected)
    assert (entry["state"], entry["last_status_code"]) == ("rejected", 422)
    assert log.outbox_claim_next("w", 30) is None
    assert log.outbox_pending() == []

    done = record(Action.ALLOW, "yes")
    log.outbox_mark_delivered(done, upstream_id="1", upstream_url=None, status_code=200)
    log.outbox_mark_failed(done, error="stale sender timed out", status_code=None)
    assert log.outbox_entry(done)["state"] == "delivered"


def test_rows_queued_inside_enqueue_claimed_are_born_claimed(record, log):
    with log.outbox_enqueue_claimed("me", 30, {"visibility": "unlisted"}):
        ref = record(Action.ALLOW, "mine")
    other = record(Action.ALLOW, "anyone's")
    entry = log.outbox_entry(ref)
    assert (entry["state"], entry["claimed_by"]) == ("sending", "me")
    assert entry["params"] == '{"visibility": "unlisted"}'
    assert log.outbox_claim_next("worker", 30)["ref"] == other

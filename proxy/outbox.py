"""Delivering outbox rows upstream: inline for a fresh post, then by a worker.

Every allowed post is an outbox row (audit db) before anything leaves. The
request thread tries the first delivery and waits up to
`upstream_reply_timeout` for it; after that, or when the attempt fails, the
client is told the post is queued and the `OutboxWorker` keeps trying with
back-off until the upstream takes it or refuses it for good (a 4xx other
than 408/429). A sender claims a row (state "sending", with a lease) before
it sends, in one transaction, so two senders never send the same row at the
same time; every send carries the row's Idempotency-Key, so a resend after
a crash never makes a duplicate upstream. A row is sent with its author's
own upstream credential when they have one (`gatepost users add
--upstream-token`), else with the configured service token.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from audit import AuditLog
from proxy.errors import UpstreamError
from proxy.upstream import MastodonUpstream, UpstreamReply

log = logging.getLogger("gatepost.outbox")

RETRYABLE_4XX = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Delivery:
    """The result of trying to send one outbox row.

    Exactly one of: delivered (reply 2xx), rejected (reply 4xx, final), or
    queued (it will be retried; error says why it is not delivered yet).
    """

    reply: UpstreamReply | None = None
    error: str | None = None

    @property
    def queued(self) -> bool:
        return self.reply is None

    @property
    def delivered(self) -> bool:
        return self.reply is not None and self.reply.delivered


def retryable(status_code: int) -> bool:
    """Connection trouble, 5xx, 408 and 429 are retried; other 4xx are final."""
    return status_code >= 500 or status_code in RETRYABLE_4XX


def sender_id() -> str:
    """Who holds a claim: this host, this process, this Outbox instance."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    """Sends outbox rows; shared by the request path and the worker."""

    def __init__(
        self,
        audit: AuditLog,
        upstream: MastodonUpstream,
        *,
        reply_timeout: float = 5.0,
        retry_seconds: float = 1.0,
        max_backoff_seconds: float = 60.0,
        inline_threads: int = 8,
    ) -> None:
        self.audit = audit
        self.upstream = upstream
        self.reply_timeout = reply_timeout
        self.retry_seconds = retry_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self.owner = sender_id()
        # A sender holds its claim for at most one upstream call (with margin).
        self.lease_seconds = upstream.timeout * 2 + 5
        self._inline = ThreadPoolExecutor(inline_threads, thread_name_prefix="outbox-inline")
        self.worker = OutboxWorker(self)
        # After a request's wait for the upstream ran out, requests do not wait
        # until this (time.monotonic()) or until a delivery succeeds.
        self._inline_paused_until = 0.0
        self.pause_seconds = max(30.0, reply_timeout * 6)

    # -- the request path ---------------------------------------------------

    def claim_while_recording(self, params: Mapping[str, Any] | None,
                              content_hash: str | None = None):
        """Context manager: the outbox row recorded inside it is born claimed by us."""
        return self.audit.outbox_enqueue_claimed(self.owner, self.lease_seconds, params,
                                                 content_hash)

    def send_claimed(self, ref: str) -> Delivery:
        """Send a row we hold, waiting up to reply_timeout for the upstream.

        After a wait ran out, requests stop waiting for a while (the upstream
        is hung, not refusing): each post is queued at once for the worker,
        so a hung upstream cannot hold every request thread for
        reply_timeout. The first delivery afterwards ends the pause.
        """
        if time.monotonic() < self._inline_paused_until:
            self.audit.outbox_unclaim(ref, self.owner)
            self.worker.wake()
            return Delivery(error="the upstream was slow to answer a moment ago")
        future = self._inline.submit(self._attempt, ref)
        try:
            return future.result(timeout=self.reply_timeout)
        except FutureTimeout:
            self._inline_paused_until = time.monotonic() + self.pause_seconds
            if future.cancel():  # never started (all inline senders busy)
                self.audit.outbox_unclaim(ref, self.owner)
                self.worker.wake()
            return Delivery(error=f"the upstream did not answer within "
                                  f"{self.reply_timeout:g} seconds")

    def resend(self, ref: str) -> Delivery:
        """A client resubmitted an undelivered post: send it now, or wait for its sender."""
        if self.audit.outbox_claim(ref, self.owner, self.lease_seconds) is not None:
            return self.send_claimed(ref)
        return self.wait_for(ref, self.reply_timeout)

    def wait_for(self, ref: str, timeout: float) -> Delivery:
        """Wait for another sender's attempt on this row to settle."""
        deadline = time.monotonic() + timeout
        while True:
            entry = self.audit.outbox_entry(ref)
            settled = stored_delivery(entry) if entry else Delivery(error="no outbox entry")
            if not settled.queued or time.monotonic() >= deadline:
                return settled
            time.sleep(0.05)

    # -- one attempt --------------------------------------------------------

    def _attempt(self, ref: str) -> Delivery:
        entry = self.audit.outbox_entry(ref)
        if entry is None or entry["state"] != "sending" or entry["claimed_by"] != self.owner:
            return stored_delivery(entry) if entry else Delivery(error="no outbox entry")
        return self.attempt(entry)

    def attempt(self, entry: Mapping[str, Any]) -> Delivery:
        """Send one claimed row and record what happened to it."""
        ref = entry["ref"]
        params = json.loads(entry["params"]) if entry.get("params") else None
        extra: dict[str, Any] = {}
        author = entry.get("author")
        token = self.audit.upstream_token_for(author) if author else None
        if token:  # the author's own upstream credential, else the service token
            extra["token"] = token
        try:
            reply = self.upstream.post_status(
                entry["text"], idempotency_key=entry["idempotency_key"] or ref, params=params,
                **extra)
        except UpstreamError as exc:
            return self._failed(entry, str(exc), None)
        except Exception as exc:  # noqa: BLE001 - a row must never stay claimed
            log.exception("post %s: sending failed", ref)
            return self._failed(entry, f"sending failed: {type(exc).__name__}", None)
        if reply.delivered:
            self._inline_paused_until = 0.0  # the upstream answers again
            self.audit.outbox_mark_delivered(
                ref, upstream_id=reply.status_id or "", upstream_url=reply.url,
                status_code=reply.status_code,
            )
            log.info("post %s delivered upstream as %s", ref, reply.status_id)
            return Delivery(reply=reply)
        if retryable(reply.status_code):
            return self._failed(entry, f"upstream answered {reply.status_code}",
                                reply.status_code)
        error = f"upstream refused the post with status {reply.status_code}: {_brief(reply)}"
        self.audit.outbox_mark_rejected(ref, error=error, status_code=reply.status_code)
        log.warning("post %s rejected by the upstream (%d); not retrying",
                    ref, reply.status_code)
        return Delivery(reply=reply)

    def _failed(self, entry: Mapping[str, Any], error: str, status: int | None) -> Delivery:
        delay = self.backoff(entry.get("attempts") or 0)
        self.audit.outbox_mark_failed(entry["ref"], error=error, status_code=status,
                                      retry_at=time.time() + delay)
        log.warning("post %s not delivered (%s); retrying in %.3gs", entry["ref"], error, delay)
        self.worker.wake()
        return Delivery(error=error)

    def backoff(self, attempts_before: int) -> float:
        """retry_seconds, doubled after each failed attempt, up to the cap."""
        return min(self.max_backoff_seconds,
                   self.retry_seconds * 2 ** min(attempts_before, 30))

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> None:
        self.worker.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.worker.stop(timeout)
        self._inline.shutdown(wait=False, cancel_futures=True)

    def release_dead_claims(self) -> list[str]:
        """Rows a crashed Gatepost on this host was sending go back to pending."""
        host = socket.gethostname()

        def dead(holder: str) -> bool:
            h, _, rest = holder.partition(":")
            pid, _, _instance = rest.partition(":")
            if h != host or not pid.isdigit():
                return False  # another host's claim: wait for its lease to run out
            return holder != self.owner and (int(pid) == os.getpid()
                                              or not _pid_alive(int(pid)))

        refs = self.audit.outbox_release_claims(dead)
        if refs:
            log.warning("resuming %d post(s) a stopped Gatepost was sending", len(refs))
        return refs


class OutboxWorker:
    """A thread that delivers due outbox rows, oldest first, until stopped."""

    def __init__(self, outbox: Outbox, poll_seconds: float = 1.0) -> None:
        self.outbox = outbox
        self.poll_seconds = poll_seconds
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """Look at the outbox now (a row was queued or failed)."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            self.outbox.release_dead_claims()
        except Exception:  # noqa: BLE001
            log.exception("outbox: could not release stale claims")
        pending = len(self.outbox.audit.outbox_pending())
        if pending:
            log.info("outbox: %d undelivered post(s) to resume", pending)
        while not self._stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # noqa: BLE001 - keep the worker alive
                log.exception("outbox worker step failed")
                worked = False
            if not worked:
                self._wake.wait(self._sleep_seconds())
                self._wake.clear()

    def run_once(self) -> bool:
        """Claim and send the oldest due row; False when none is due."""
        outbox = self.outbox
        entry = outbox.audit.outbox_claim_next(outbox.owner, outbox.lease_seconds)
        if entry is None:
            return False
        outbox.attempt(entry)
        return True

    def _sleep_seconds(self) -> float:
        due = self.outbox.audit.outbox_next_due()
        if due is None:
            return self.poll_seconds
        return max(0.01, min(self.poll_seconds, due - time.time()))


def stored_delivery(entry: Mapping[str, Any]) -> Delivery:
    """What an outbox row says about its delivery so far."""
    state = entry["state"]
    if state == "delivered":
        body = {"id": entry["upstream_id"], "url": entry["upstream_url"]}
        return Delivery(reply=UpstreamReply(entry["last_status_code"] or 200, body))
    if state == "rejected":
        body = {"error": entry["last_error"]}
        return Delivery(reply=UpstreamReply(entry["last_status_code"] or 400, body))
    return Delivery(error=entry.get("last_error") or "not delivered yet")


def _brief(reply: UpstreamReply) -> str:
    body = reply.body
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])[:200]
    return str(body)[:200]

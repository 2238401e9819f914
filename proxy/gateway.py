"""The one path every post takes: scan, decide, record, then act.

Find (detectors), decide (policies), record (audit) and act (upstream) stay
separate steps; this module only sequences them. The audit row, and for an
allowed post its outbox row, are durable before anything leaves.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from audit import AuditLog, new_reference
from detectors import Scanner, ScanResult
from policies import Action, Decision, Policy, Post
from policies.engine import DETECTOR_ERROR
from proxy.outbox import Delivery, Outbox, stored_delivery
from proxy.upstream import MastodonUpstream, UpstreamReply

log = logging.getLogger("gatepost.gateway")

# A post without an Idempotency-Key that repeats one the same author sent in
# this many seconds (same text, dialect and fields, allowed or redacted) is
# taken for a client's retry: answered from the earlier post, never re-posted.
DUPLICATE_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class Engine:
    """A policy and the scanner built for it; swapped together, never apart.

    seq is the policy's number in the audit db's policy_versions (0 when it
    was not recorded, e.g. in `gatepost scan`); policy.version is its hash.
    """

    policy: Policy
    scanner: Scanner
    seq: int = 0


@dataclass(frozen=True)
class Evaluation:
    """A decision with the scan it was made from and how long both took."""

    decision: Decision
    scan: ScanResult
    total_ms: float
    policy_seq: int = 0  # the Engine.seq the decision was made under


@dataclass(frozen=True)
class Outcome:
    """What happened to a submitted post.

    For an allowed or redacted post, one of: `reply` is set (the upstream
    answered: delivered, or refused it for good), or `queued` is true (the
    upstream was unreachable, failing or slow; the outbox keeps trying and
    `error` says why it is not delivered yet).
    """

    ref: str
    evaluation: Evaluation
    reply: UpstreamReply | None = None  # set when the upstream answered
    error: str | None = None  # set when it is not delivered (yet)
    queued: bool = False  # in the outbox; it will be delivered when the upstream is back

    @property
    def decision(self) -> Decision:
        return self.evaluation.decision


class Gateway:
    """Sequences scan -> decide -> record -> forward for each post."""

    def __init__(
        self, engine: Engine, audit: AuditLog, upstream: MastodonUpstream,
        outbox: Outbox | None = None,
    ) -> None:
        self._engine = engine
        self._swap_lock = threading.Lock()
        self.audit = audit
        self.upstream = upstream
        self.outbox = outbox or Outbox(audit, upstream)
        # Looking for an earlier copy and recording this one are one step, so
        # two copies sent at once are not both taken for the first.
        self._record_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        return self._engine

    def swap_engine(self, engine: Engine) -> None:
        """Put a new policy and scanner in force for the following posts.

        A post already being evaluated finishes under the engine it started
        with: evaluate() reads the engine once.
        """
        with self._swap_lock:
            self._engine = engine

    def evaluate(self, post: Post) -> Evaluation:
        return evaluate(self._engine, post)

    def submit(
        self,
        post: Post,
        *,
        dialect: str,
        idempotency_key: str | None = None,
        params: Mapping[str, Any] | None = None,
        release_text: str | None = None,
    ) -> Outcome:
        """Evaluate, record, and forward the post if the decision lets it go.

        The outbox row is recorded already claimed by this request, so the
        outbox worker cannot send it at the same time; the first delivery is
        tried here, and the answer waits up to the outbox's reply timeout.
        A resubmission with the same Idempotency-Key by the same author is
        recognised: it is not recorded again, and is only re-sent (with the
        same upstream key) if the first attempt was not delivered. Without a
        key, an allowed or redacted post whose author, text, dialect and
        fields repeat one queued in the last DUPLICATE_WINDOW_SECONDS is
        recognised the same way (by content_hash; the text is not kept).
        A held or blocked post resubmitted with the same key (and held or
        blocked again) is answered with the earlier reference, so one post
        never becomes two review items. A held post keeps release_text
        (default: its text) and params for the officer who may approve it.
        """
        key = upstream_key(post.author, idempotency_key) if idempotency_key else None
        evaluation = self.evaluate(post)
        decision = evaluation.decision
        outbox_text = _outbox_text(post, decision)
        digest = content_hash(post.author, dialect, post.text, params)
        ref = new_reference()
        with self._record_lock:
            if key:
                earlier = self.audit.outbox_for_key(key)
                if earlier is None and outbox_text is None:  # held or blocked again
                    earlier = self._held_or_blocked(key)
            elif outbox_text is not None:
                earlier = self.audit.outbox_for_content(digest, _window_start())
            else:
                earlier = None  # blocked or held: deciding again forwards nothing
            if earlier is None:
                with self.outbox.claim_while_recording(params, content_hash=digest):
                    self.audit.record_decision(
                        post, decision, ref=ref, dialect=dialect,
                        timings_ms=evaluation.scan.timings_ms, total_ms=evaluation.total_ms,
                        outbox_text=outbox_text, idempotency_key=key or ref,
                        detector_errors=evaluation.scan.errors,
                        policy_seq=evaluation.policy_seq or None,
                        release_text=release_text, release_params=params,
                        client_key=key,
                    )
        if earlier is not None:
            why = "the same Idempotency-Key" if key else "the same text"
            return self._replay(earlier, evaluation, why)
        log.info("post %s by %s: %s", ref, post.author, decision.action.value)
        if outbox_text is None:
            return Outcome(ref, evaluation)
        return _outcome(ref, evaluation, self.outbox.send_claimed(ref))

    def _held_or_blocked(self, key: str) -> dict | None:
        """The earlier held or blocked decision sent with this key, as a replay marker."""
        decision = self.audit.decision_for_key(key)
        if decision is None or decision["action"] not in ("flag", "block"):
            return None
        return {"ref": decision["ref"], "state": "not forwarded"}

    def _replay(self, earlier: Mapping[str, Any], evaluation: Evaluation, why: str) -> Outcome:
        ref = earlier["ref"]
        log.info("post %s resubmitted with %s", ref, why)
        if earlier["state"] == "not forwarded":  # held or blocked: nothing to send
            return Outcome(ref, evaluation)
        if earlier["state"] in ("delivered", "rejected"):
            return _outcome(ref, evaluation, stored_delivery(earlier))
        return _outcome(ref, evaluation, self.outbox.resend(ref))


def _outcome(ref: str, evaluation: Evaluation, delivery: Delivery) -> Outcome:
    if delivery.queued:
        return Outcome(ref, evaluation, error=delivery.error, queued=True)
    return Outcome(ref, evaluation, reply=delivery.reply)


def evaluate(engine: Engine, post: Post) -> Evaluation:
    """Scan and decide, failing closed: any error becomes a flag."""
    started = time.perf_counter()
    try:
        scan = engine.scanner.scan(post.text)
        decision = engine.policy.decide(scan.findings, post, detector_errors=scan.errors)
    except Exception as exc:  # noqa: BLE001 - fail closed on anything
        log.error("scan failed (%s); holding the post for review", type(exc).__name__)
        scan = ScanResult(findings=(), timings_ms={}, errors={"engine": type(exc).__name__})
        decision = Decision(Action.FLAG, (DETECTOR_ERROR,), engine.policy.version)
    for name, error in scan.errors.items():
        log.error("detector %s failed: %s", name, error)
    return Evaluation(decision, scan, (time.perf_counter() - started) * 1000, engine.seq)


def upstream_key(author: str, client_key: str) -> str:
    """The Idempotency-Key sent upstream: the client's key, scoped to its author.

    All employees may share one upstream credential, so two employees who
    happen to send the same key must not be taken for one post.
    """
    digest = hashlib.sha256(f"{author}\0{client_key}".encode()).hexdigest()
    return f"gp-{digest[:32]}"


def content_hash(author: str, dialect: str, text: str,
                 params: Mapping[str, Any] | None = None) -> str:
    """sha256 hex of what makes two submissions the same post; stored instead of the text."""
    fields = json.dumps(dict(params or {}), sort_keys=True, default=str)
    return hashlib.sha256(f"{author}\0{dialect}\0{text}\0{fields}".encode()).hexdigest()


def _window_start() -> str:
    """The audit timestamp (ISO UTC, as audit.db.utc_now) DUPLICATE_WINDOW_SECONDS ago."""
    start = datetime.now(UTC) - timedelta(seconds=DUPLICATE_WINDOW_SECONDS)
    return start.isoformat(timespec="milliseconds")


def _outbox_text(post: Post, decision: Decision) -> str | None:
    if decision.action is Action.ALLOW:
        return post.text
    if decision.action is Action.REDACT:
        return decision.redacted_text
    return None

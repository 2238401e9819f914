"""The outbox: posts waiting to go upstream, each claimed by one sender at a time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlite_utils import Database

from .db import Store, utc_now
from .errors import UnknownReference


def _require(db: Database, table: str, ref: str) -> dict:
    rows = list(db[table].rows_where("ref = ?", [ref]))
    if not rows:
        raise UnknownReference(f"no {table} entry {ref!r}")
    return rows[0]


def _first(db: Database, table: str, where: str, args: list) -> dict | None:
    rows = list(db[table].rows_where(where, args, limit=1))
    return rows[0] if rows else None


# A row queued by this thread inside OutboxMixin.outbox_enqueue_claimed() is
# born claimed, so no other sender can take it between "recorded" and "sent".
_claiming = threading.local()

_CLAIMABLE = (
    "(state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= :now))"
    " OR (state = 'sending' AND (lease_until IS NULL OR lease_until <= :now))"
)


class OutboxMixin:
    """Posts cleared to go upstream; each keeps its text only until delivered.

    States: pending (waiting, until next_attempt_at) -> sending (claimed by
    one sender, until lease_until) -> delivered, or rejected (the upstream
    answered a 4xx that a retry cannot fix), or back to pending (to retry).
    A claim is taken in one write transaction, so two senders never hold the
    same row; a claim whose lease ran out (its sender crashed) may be taken
    again, and the row's Idempotency-Key makes that resend harmless upstream.
    """

    store: Store

    @staticmethod
    def _enqueue(db: Database, ref: str, text: str, key: str | None, now: str,
                 params: str | None = None) -> None:
        """Queue text for upstream; params is the JSON of the dialect fields."""
        decision = _first(db, "decisions", "ref = ?", [ref])  # recorded just before
        row = {"ref": ref, "state": "pending", "text": text, "idempotency_key": key,
               "author": decision["author"] if decision else None, "params": params}
        claim = getattr(_claiming, "claim", None)
        if claim is not None:
            row.update(claim)
        db["outbox"].insert({**row, "attempts": 0, "created_at": now})

    @contextmanager
    def outbox_enqueue_claimed(
        self, owner: str, lease_seconds: float, params: Mapping[str, Any] | None = None,
        content_hash: str | None = None,
    ) -> Iterator[None]:
        """Rows this thread queues inside the block are born claimed by `owner`.

        They also keep `params` (JSON), the dialect fields sent with the text,
        and `content_hash` (see outbox_for_content).
        """
        _claiming.claim = {
            "state": "sending", "claimed_by": owner,
            "lease_until": time.time() + lease_seconds,
            "params": json.dumps(dict(params or {}), default=str),
            "content_hash": content_hash,
        }
        try:
            yield
        finally:
            _claiming.claim = None

    def outbox_claim(self, ref: str, owner: str, lease_seconds: float) -> dict | None:
        """Claim this row to send it now (even if its back-off has not run out).

        None when it is delivered, rejected, or another sender holds it.
        """
        now = time.time()
        with self.store.write() as db:
            entry = _first(db, "outbox", "ref = ?", [ref])
            if entry is None:
                return None
            leased = entry["state"] == "sending" and (entry["lease_until"] or 0) > now
            if entry["state"] not in ("pending", "sending") or leased:
                return None
            return self._take(db, entry, owner, now + lease_seconds)

    def outbox_claim_next(self, owner: str, lease_seconds: float) -> dict | None:
        """Claim the oldest row that is due (or whose sender's lease ran out)."""
        now = time.time()
        with self.store.write() as db:
            rows = list(db["outbox"].rows_where(
                _CLAIMABLE, {"now": now}, order_by="created_at, rowid", limit=1))
            return self._take(db, rows[0], owner, now + lease_seconds) if rows else None

    @staticmethod
    def _take(db: Database, entry: dict, owner: str, lease_until: float) -> dict:
        change = {"state": "sending", "claimed_by": owner, "lease_until": lease_until}
        db["outbox"].update(entry["ref"], change)
        return {**entry, **change}

    def outbox_unclaim(self, ref: str, owner: str) -> None:
        """Give back a claim without an attempt (the sender never started)."""
        with self.store.write() as db:
            entry = _first(db, "outbox", "ref = ?", [ref])
            if entry and entry["state"] == "sending" and entry["claimed_by"] == owner:
                db["outbox"].update(ref, {"state": "pending", "claimed_by": None,
                                          "lease_until": None})

    def outbox_release_claims(self, holders: Callable[[str], bool]) -> list[str]:
        """Put rows claimed by dead senders (holders(claimed_by) is true) back to pending."""
        with self.store.write() as db:
            rows = list(db["outbox"].rows_where("state = 'sending'"))
            refs = [r["ref"] for r in rows if holders(r["claimed_by"] or "")]
            for ref in refs:
                db["outbox"].update(ref, {"state": "pending", "claimed_by": None,
                                          "lease_until": None, "next_attempt_at": None})
            return refs

    def outbox_next_due(self) -> float | None:
        """Epoch seconds when some row can next be claimed (None: nothing waits)."""
        with self.store.read() as db:
            row = db.execute(
                "SELECT MIN(CASE WHEN state = 'pending' THEN COALESCE(next_attempt_at, 0)"
                " ELSE COALESCE(lease_until, 0) END) FROM outbox"
                " WHERE state IN ('pending', 'sending')"
            ).fetchone()
        return row[0] if row else None

    def outbox_mark_delivered(
        self, ref: str, *, upstream_id: str, upstream_url: str | None, status_code: int
    ) -> None:
        """Mark delivered and drop the stored text: it has left."""
        with self.store.write() as db:
            entry = _require(db, "outbox", ref)
            db["outbox"].update(
                ref,
                {
                    "state": "delivered",
                    "text": "",
                    "params": None,
                    "claimed_by": None,
                    "lease_until": None,
                    "next_attempt_at": None,
                    "attempts": (entry["attempts"] or 0) + 1,
                    "upstream_id": upstream_id,
                    "upstream_url": upstream_url,
                    "last_status_code": status_code,
                    "last_attempt_at": utc_now(),
                    "delivered_at": utc_now(),
                },
            )

    def outbox_mark_failed(
        self, ref: str, *, error: str, status_code: int | None, retry_at: float | None = None
    ) -> None:
        """Count a failed attempt; the entry goes back to pending, due at retry_at.

        An entry another sender has meanwhile delivered or rejected keeps its state.
        """
        with self.store.write() as db:
            entry = _require(db, "outbox", ref)
            change: dict[str, Any] = {
                "attempts": (entry["attempts"] or 0) + 1,
                "last_error": error,
                "last_status_code": status_code,
                "last_attempt_at": utc_now(),
            }
            if entry["state"] in ("pending", "sending"):
                change.update(state="pending", claimed_by=None, lease_until=None,
                              next_attempt_at=retry_at)
            db["outbox"].update(ref, change)

    def outbox_mark_rejected(self, ref: str, *, error: str, status_code: int) -> None:
        """The upstream refused the post for good (a 4xx): stop retrying it.

        The text stays, so an operator can see what was refused.
        """
        with self.store.write() as db:
            entry = _require(db, "outbox", ref)
            if entry["state"] == "delivered":
                return
            db["outbox"].update(
                ref,
                {
                    "state": "rejected",
                    "claimed_by": None,
                    "lease_until": None,
                    "next_attempt_at": None,
                    "attempts": (entry["attempts"] or 0) + 1,
                    "last_error": error,
                    "last_status_code": status_code,
                    "last_attempt_at": utc_now(),
                    "rejected_at": utc_now(),
                },
            )

    def outbox_pending(self) -> list[dict]:
        """Undelivered entries (pending, or being sent), oldest first."""
        with self.store.read() as db:
            return list(db["outbox"].rows_where(
                "state IN ('pending', 'sending')", order_by="created_at, rowid"))

    def outbox_entry(self, ref: str) -> dict | None:
        with self.store.read() as db:
            return _first(db, "outbox", "ref = ?", [ref])

    def outbox_for_key(self, idempotency_key: str) -> dict | None:
        """The entry queued with this Idempotency-Key, to recognise a resubmission."""
        with self.store.read() as db:
            return _first(db, "outbox", "idempotency_key = ?", [idempotency_key])

    def outbox_for_content(self, content_hash: str, since: str) -> dict | None:
        """The newest entry with this content hash queued at or after `since` (ISO UTC).

        Finds a client's retry that came without an Idempotency-Key.
        """
        with self.store.read() as db:
            rows = list(db["outbox"].rows_where(
                "content_hash = ? AND created_at >= ?", [content_hash, since],
                order_by="created_at DESC, rowid DESC", limit=1))
            return rows[0] if rows else None

"""The outbox (posts waiting to go upstream) and the review queue (flagged posts)."""

from __future__ import annotations

from sqlite_utils import Database

from detectors.base import replace_spans
from policies.engine import DETECTOR_ERROR_RULE

from .db import Store, utc_now
from .errors import AlreadyReviewed, UnknownReference
from .masking import MASKED_KINDS, WITHHELD


def _require(db: Database, table: str, ref: str) -> dict:
    rows = list(db[table].rows_where("ref = ?", [ref]))
    if not rows:
        raise UnknownReference(f"no {table} entry {ref!r}")
    return rows[0]


def _first(db: Database, table: str, where: str, args: list) -> dict | None:
    rows = list(db[table].rows_where(where, args, limit=1))
    return rows[0] if rows else None


class OutboxMixin:
    """Posts cleared to go upstream; each keeps its text only until delivered."""

    store: Store

    @staticmethod
    def _enqueue(db: Database, ref: str, text: str, key: str | None, now: str) -> None:
        row = {"ref": ref, "state": "pending", "text": text, "idempotency_key": key}
        db["outbox"].insert({**row, "attempts": 0, "created_at": now})

    def outbox_mark_delivered(
        self, ref: str, *, upstream_id: str, upstream_url: str | None, status_code: int
    ) -> None:
        """Mark delivered and drop the stored text: it has left."""
        with self.store.write() as db:
            _require(db, "outbox", ref)
            db["outbox"].update(
                ref,
                {
                    "state": "delivered",
                    "text": "",
                    "upstream_id": upstream_id,
                    "upstream_url": upstream_url,
                    "last_status_code": status_code,
                    "delivered_at": utc_now(),
                },
            )

    def outbox_mark_failed(self, ref: str, *, error: str, status_code: int | None) -> None:
        """Count a failed attempt; the entry stays pending for a retry."""
        with self.store.write() as db:
            entry = _require(db, "outbox", ref)
            db["outbox"].update(
                ref,
                {
                    "attempts": entry["attempts"] + 1,
                    "last_error": error,
                    "last_status_code": status_code,
                    "last_attempt_at": utc_now(),
                },
            )

    def outbox_pending(self) -> list[dict]:
        """Pending entries, oldest first."""
        with self.store.read() as db:
            return list(db["outbox"].rows_where("state = ?", ["pending"], order_by="created_at"))

    def outbox_entry(self, ref: str) -> dict | None:
        with self.store.read() as db:
            return _first(db, "outbox", "ref = ?", [ref])

    def outbox_for_key(self, idempotency_key: str) -> dict | None:
        """The entry queued with this Idempotency-Key, to recognise a resubmission."""
        with self.store.read() as db:
            return _first(db, "outbox", "idempotency_key = ?", [idempotency_key])


class ReviewMixin:
    """Flagged posts held for an officer; the raw text is kept only until reviewed."""

    store: Store

    @staticmethod
    def _hold_for_review(db: Database, ref: str, raw_text: str, now: str) -> None:
        row = {"ref": ref, "state": "pending", "held_text": raw_text, "created_at": now}
        db["review_queue"].insert(row)

    def review_pending(self) -> list[dict]:
        """Items waiting for an officer, oldest first (with the raw held text)."""
        with self.store.read() as db:
            rows = db["review_queue"].rows_where("state = ?", ["pending"], order_by="created_at")
            return list(rows)

    def review_entry(self, ref: str) -> dict | None:
        with self.store.read() as db:
            return _first(db, "review_queue", "ref = ?", [ref])

    def resolve_review(self, ref: str, *, reviewer: str, approve: bool, note: str = "") -> None:
        """Approve (queue the original text for upstream) or reject a held post.

        Either way the held text is masked in the same transaction, and the
        WAL is emptied so the raw text does not linger on disk.
        """
        with self.store.write() as db:
            item = _require(db, "review_queue", ref)
            if item["state"] != "pending":
                raise AlreadyReviewed(f"{ref!r} was already {item['state']}")
            now = utc_now()
            if approve:
                self._enqueue(db, ref, item["held_text"], None, now)
            db["review_queue"].update(
                ref,
                {
                    "state": "approved" if approve else "rejected",
                    "held_text": _masked_from_findings(db, ref, item["held_text"]),
                    "reviewer": reviewer,
                    "reviewed_at": now,
                    "note": note,
                },
            )
        self.store.truncate_wal()


def _masked_from_findings(db: Database, ref: str, text: str) -> str:
    if db["fired_rules"].count_where("ref = ? AND rule_id = ?", [ref, DETECTOR_ERROR_RULE]):
        return WITHHELD  # the scan was incomplete: no findings to mask by
    kinds = sorted(MASKED_KINDS)
    where = f"ref = ? AND kind IN ({', '.join('?' * len(kinds))})"
    rows = db["findings"].rows_where(where, [ref, *kinds])
    spans = [(f["start"], f["end"], f["label"]) for f in rows]
    return replace_spans(text, spans) if spans else text

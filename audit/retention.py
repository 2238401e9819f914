"""Retention: remove old post text while the hash chain still verifies.

Decisions hash a digest of their masked text, not the text, so the text can
go. Each run is itself an events row in the chain, carrying its cutoff:
`audit verify` accepts a removed text only on a decision older than a
recorded cutoff, so removing recent text by hand is still caught.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from . import chain
from .db import Store, utc_now


class RetentionMixin:
    """Retention methods of AuditLog."""

    store: Store

    def apply_retention(self, days: int, *, now: datetime | None = None,
                        actor: str = "retention") -> int:
        """Remove the text of decisions older than `days`; returns how many lost it.

        Also drops the (already masked) text of reviewed queue items and the
        text kept with rejected outbox rows of that age. Pending review items
        keep theirs: an officer has yet to see them.
        """
        if days < 1:
            raise ValueError("retention_days must be at least 1")
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(
            timespec="milliseconds")
        with self.store.write() as db:
            removed = db.execute(
                "UPDATE decisions SET masked_text = NULL, text_removed_at = ?"
                " WHERE created_at < ? AND masked_text IS NOT NULL"
                " AND text_sha256 IS NOT NULL", [utc_now(), cutoff]).rowcount
            db.execute("UPDATE review_queue SET held_text = NULL"
                       " WHERE state != 'pending' AND created_at < ?", [cutoff])
            db.execute("UPDATE outbox SET text = '' WHERE state IN ('delivered', 'rejected')"
                       " AND created_at < ?", [cutoff])
            if removed:
                chain.append_event(db, "retention", "", actor, utc_now(), cutoff=cutoff,
                                   note=f"removed the text of {removed} decisions older "
                                        f"than {days} days")
        self.store.truncate_wal()
        return removed

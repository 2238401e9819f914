"""AuditLog: the one object the proxy and admin UI use to record and read."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from argon2 import PasswordHasher
from sqlite_utils import Database

from policies.types import Action, Decision, Post

from . import chain, records
from .db import Store, utc_now
from .errors import DuplicateReference
from .masking import MASKED_KINDS
from .queue import OutboxMixin
from .retention import RetentionMixin
from .review import ReviewMixin
from .schema import create_tables
from .search import SearchMixin, ensure_search_index
from .stats import StatsMixin
from .users import UsersMixin

REF_PREFIX = "gp-"


def new_reference() -> str:
    """A short unguessable reference for one decision, e.g. ``gp-3kZ_a9Qx0b``."""
    return REF_PREFIX + secrets.token_urlsafe(8)[:10]


class AuditLog(OutboxMixin, ReviewMixin, UsersMixin, SearchMixin, StatsMixin, RetentionMixin):
    """The tamper-evident audit database (one SQLite file, WAL mode).

    Safe to share between threads: every access goes through one lock, and
    chain appends are serialized so concurrent writers cannot fork the chain.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        password_hasher: PasswordHasher | None = None,
        text_key: bytes | None = None,
    ) -> None:
        """text_key: the secret for text_mac(); without it appeals of blocked
        posts can only be checked against the stored (masked) text."""
        self.path = Path(path)
        self.password_hasher = password_hasher or PasswordHasher()
        self.text_key = text_key
        _create_private(self.path)
        self.store = Store(self.path)
        with self.store.write() as db:
            create_tables(db)
            ensure_search_index(db)

    def close(self) -> None:
        self.store.close()

    def record_decision(
        self,
        post: Post,
        decision: Decision,
        *,
        ref: str,
        dialect: str,
        timings_ms: Mapping[str, float],
        total_ms: float,
        outbox_text: str | None = None,
        idempotency_key: str | None = None,
        detector_errors: Mapping[str, str] | None = None,
        policy_seq: int | None = None,
        release_text: str | None = None,
        release_params: Mapping[str, object] | None = None,
        client_key: str | None = None,
    ) -> None:
        """Record a decision, its rules and findings, and queue the post, atomically.

        A flag puts the raw text in the review queue (until reviewed), with
        release_text and release_params: what goes upstream if an officer
        approves (default: the text, no fields). A given outbox_text
        (allow/redact) goes to the outbox. The decisions row keeps only
        masked text. policy_seq is the policy_versions seq the decision was
        made under (its content hash is decision.policy_version). client_key:
        the client's Idempotency-Key scoped to its author, if it sent one.
        """
        now = utc_now()
        row = records.decision_row(
            post,
            decision,
            ref=ref,
            dialect=dialect,
            timings_ms=timings_ms,
            total_ms=total_ms,
            created_at=now,
            detector_errors=detector_errors,
            policy_seq=policy_seq,
        )
        rule_rows = records.rule_rows(ref, decision)
        finding_rows = records.finding_rows(ref, post, decision)
        row["details_sha256"] = chain.details_digest(rule_rows, finding_rows)
        row["text_mac"] = self.text_mac(post.author, post.text)
        row["client_key"] = client_key
        try:
            with self.store.write() as db:
                db["decisions"].insert(chain.seal(db, row))
                db["fired_rules"].insert_all(rule_rows)
                db["findings"].insert_all(finding_rows)
                if decision.action is Action.FLAG:
                    release = release_text if release_text is not None else post.text
                    self._hold_for_review(db, ref, post.text, now, release, release_params)
                if outbox_text is not None:
                    self._enqueue(db, ref, outbox_text, idempotency_key, now)
        except sqlite3.IntegrityError as e:
            raise DuplicateReference(f"decision {ref!r} is already recorded") from e

    def text_mac(self, author: str, text: str) -> str | None:
        """HMAC of an author's raw text, or None without a text_key."""
        if self.text_key is None:
            return None
        message = f"{author}\0{text}".encode()
        return hmac.new(self.text_key, message, hashlib.sha256).hexdigest()

    def decision(self, ref: str) -> dict | None:
        """The decisions row with its "rules", "findings", "outbox" and "review"."""
        with self.store.read() as db:
            rows = list(db["decisions"].rows_where("ref = ?", [ref]))
            if not rows:
                return None
            result = records.decode(rows[0])
            result["rules"] = list(db["fired_rules"].rows_where("ref = ?", [ref]))
            findings = db["findings"].rows_where("ref = ?", [ref], order_by="id")
            result["findings"] = [records.decode(f) for f in findings]
            result["outbox"] = self.outbox_entry(ref)
            result["review"] = self.review_entry(ref)
        return result

    def decision_for_key(self, client_key: str) -> dict | None:
        """The decision recorded for this scoped Idempotency-Key, if any (its row only)."""
        with self.store.read() as db:
            rows = list(db["decisions"].rows_where("client_key = ?", [client_key], limit=1))
        return records.decode(rows[0]) if rows else None

    def recent_decisions(self, limit: int = 50) -> list[dict]:
        """The newest decisions rows first (without rules/findings)."""
        with self.store.read() as db:
            rows = db["decisions"].rows_where(order_by="seq desc", limit=limit)
            return [records.decode(r) for r in rows]

    def recent_for_rescan(self, limit: int) -> list[dict]:
        """The newest `limit` decisions, newest first, for re-deciding under a draft policy.

        Each row has ref, created_at, author, groups, action, rule_ids,
        masked_text, held_text (the raw text if it waits for review, else None)
        and masked_findings (how many pii/secret findings were masked).
        """
        kinds = sorted(MASKED_KINDS)
        sql = (
            "SELECT d.ref, d.created_at, d.author, d.groups, d.action, d.rule_ids,"
            " d.masked_text, q.held_text,"
            f" (SELECT COUNT(*) FROM findings f WHERE f.ref = d.ref AND f.kind IN"
            f" ({', '.join('?' * len(kinds))})) AS masked_findings"
            " FROM decisions d LEFT JOIN review_queue q"
            " ON q.ref = d.ref AND q.state = 'pending'"
            " ORDER BY d.seq DESC LIMIT ?"
        )
        with self.store.read() as db:
            return [records.decode(r) for r in db.query(sql, [*kinds, limit])]

    def chain_head(self) -> tuple[int, str]:
        """(seq, hash) of the last chained row; (0, GENESIS) for an empty log."""
        with self.store.read() as db:
            head = db.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
        return (head[0], head[1]) if head else (0, chain.GENESIS)

    def verify_chain(self, progress=None) -> chain.ChainReport:
        """Recompute the whole hash chain; see ChainReport (and chain.verify's progress)."""
        with self.store.read() as db:
            return chain.verify(db, progress)

    def record_policy_version(
        self, version: str, name: str, source: str, text: str, *, actor: str = "system",
        note: str | None = None, lists: Mapping[str, str] | None = None,
    ) -> int:
        """Record a policy put in force; returns its seq.

        Unchanged from the latest version (same content hash), nothing is
        recorded and the latest seq is returned; going back to an older
        version is recorded as a new one. lists: the list files' contents,
        so a rollback can restore them too.
        """
        with self.store.write() as db:
            latest = self._latest_policy(db)
            if latest and latest["version"] == version:
                return latest["seq"]
            row = {"version": version, "name": name, "source": source, "text": text,
                   "actor": actor, "note": note,
                   "lists": json.dumps(dict(lists), sort_keys=True) if lists is not None
                   else None}
            table = db["policy_versions"].insert({**row, "created_at": utc_now()})
            target = f"{name} {version}" + (f": {note}" if note else "")
            self.record_admin_action(actor, "policy.load", target)
            return table.last_pk

    def policy_versions(self, limit: int = 100) -> list[dict]:
        """Recorded policy versions, newest first (lists decoded)."""
        with self.store.read() as db:
            rows = db["policy_versions"].rows_where(order_by="seq desc", limit=limit)
            return [_policy_row(r) for r in rows]

    def policy_version(self, seq: int) -> dict | None:
        with self.store.read() as db:
            rows = list(db["policy_versions"].rows_where("seq = ?", [seq], limit=1))
        return _policy_row(rows[0]) if rows else None

    def current_policy_version(self) -> dict | None:
        """The most recently recorded policy version row, or None."""
        with self.store.read() as db:
            return self._latest_policy(db)

    @staticmethod
    def _latest_policy(db: Database) -> dict | None:
        rows = list(db["policy_versions"].rows_where(order_by="seq desc", limit=1))
        return rows[0] if rows else None


def _policy_row(row: dict) -> dict:
    return {**row, "lists": json.loads(row["lists"]) if row.get("lists") else None}


def _create_private(path: Path) -> None:
    """Create a new db file readable by its owner only (SQLite's -wal and -shm
    files take the db file's permissions): it holds held posts' raw text and
    upstream credentials."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


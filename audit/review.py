"""The review queue: flagged posts and appeals, held for an officer.

A held post's raw text is kept only until it is reviewed, then masked. Every
appeal, approval and rejection is an events row in the hash chain, naming who
and when; the queue row is the current state, the events are the history.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from detectors.base import replace_spans
from policies.engine import DETECTOR_ERROR_RULE

from . import chain, records
from .db import Store, utc_now
from .errors import (
    AlreadyAppealed,
    AlreadyReviewed,
    AppealTextMismatch,
    NotAppealable,
    UnknownReference,
)
from .masking import MASKED_KINDS, WITHHELD

MAX_NOTE_CHARS = 2000


def _one(db: Database, table: str, ref: str) -> dict | None:
    rows = list(db[table].rows_where("ref = ?", [ref], limit=1))
    return rows[0] if rows else None


def _note(text: str | None, what: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValueError(f"{what} is required")
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"{what} is over {MAX_NOTE_CHARS} characters")
    return text


class ReviewMixin:
    """Review queue methods of AuditLog (which also gives text_mac and _enqueue)."""

    store: Store

    @staticmethod
    def _hold_for_review(db: Database, ref: str, raw_text: str, now: str,
                         release_text: str, params: Mapping[str, Any] | None) -> None:
        db["review_queue"].insert({
            "ref": ref, "state": "pending", "kind": "flag", "held_text": raw_text,
            "release_text": release_text,
            "params": json.dumps(dict(params), default=str) if params else None,
            "created_at": now,
        })

    # -- reading ------------------------------------------------------------

    def review_pending(self) -> list[dict]:
        """Items waiting for an officer, oldest first (with the raw held text)."""
        with self.store.read() as db:
            rows = db["review_queue"].rows_where("state = ?", ["pending"], order_by="created_at")
            return list(rows)

    def review_entry(self, ref: str) -> dict | None:
        with self.store.read() as db:
            return _one(db, "review_queue", ref)

    def review_items(
        self,
        *,
        rule: str | None = None,
        author: str | None = None,
        group: str | None = None,
        min_age: timedelta | None = None,
        kind: str | None = None,
        limit: int = 200,
        now: datetime | None = None,
    ) -> tuple[list[dict], int]:
        """Pending items matching the filters, oldest first, and how many match.

        Each item is its review row plus "decision" (the decisions row), "rules"
        and "findings", what an officer needs to judge it on one screen.
        """
        where, args = ["q.state = 'pending'"], []
        if rule:
            where.append("EXISTS (SELECT 1 FROM fired_rules r WHERE r.ref = q.ref"
                         " AND r.rule_id = ?)")
            args.append(rule)
        if author:
            where.append("d.author = ?")
            args.append(author)
        if group:
            where.append("EXISTS (SELECT 1 FROM json_each(d.groups) WHERE value = ?)")
            args.append(group)
        if kind:
            where.append("q.kind = ?")
            args.append(kind)
        if min_age:
            cutoff = (now or datetime.now(UTC)) - min_age
            where.append("q.created_at <= ?")
            args.append(cutoff.isoformat(timespec="milliseconds"))
        sql = (f"FROM review_queue q JOIN decisions d ON d.ref = q.ref"
               f" WHERE {' AND '.join(where)}")
        with self.store.read() as db:
            total = db.execute(f"SELECT COUNT(*) {sql}", args).fetchone()[0]
            rows = list(db.query(f"SELECT q.* {sql} ORDER BY q.created_at, q.rowid LIMIT ?",
                                 [*args, limit]))
            return [self._with_decision(db, row) for row in rows], total

    @staticmethod
    def _with_decision(db: Database, row: dict) -> dict:
        ref = row["ref"]
        findings = db["findings"].rows_where("ref = ?", [ref], order_by="start, id")
        return {
            **row,
            "decision": records.decode(_one(db, "decisions", ref)),
            "rules": list(db["fired_rules"].rows_where("ref = ?", [ref])),
            "findings": [records.decode(f) for f in findings],
        }

    def review_filter_options(self) -> dict[str, list[str]]:
        """Rules, authors and groups that occur among pending items, for filter menus."""
        pending = "SELECT ref FROM review_queue WHERE state = 'pending'"
        with self.store.read() as db:
            rules = db.execute(f"SELECT DISTINCT rule_id FROM fired_rules WHERE ref IN"
                               f" ({pending}) ORDER BY 1").fetchall()
            authors = db.execute(f"SELECT DISTINCT author FROM decisions WHERE ref IN"
                                 f" ({pending}) ORDER BY 1").fetchall()
            groups = db.execute(f"SELECT DISTINCT j.value FROM decisions d, json_each(d.groups)"
                                f" j WHERE d.ref IN ({pending}) ORDER BY 1").fetchall()
        return {"rules": [r[0] for r in rules], "authors": [a[0] for a in authors],
                "groups": [g[0] for g in groups]}

    def events_for(self, ref: str) -> list[dict]:
        """The chained history of one decision: appeals, approvals, rejections."""
        with self.store.read() as db:
            return list(db["events"].rows_where("ref = ?", [ref], order_by="seq"))

    def posts_of(self, author: str, limit: int = 50) -> list[dict]:
        """An employee's own blocked and held posts, newest first, with review state."""
        with self.store.read() as db:
            rows = db.query(
                "SELECT d.ref, d.created_at, d.action, d.rule_ids, d.masked_text,"
                " q.state AS review_state, q.kind AS review_kind, q.justification"
                " FROM decisions d LEFT JOIN review_queue q ON q.ref = d.ref"
                " WHERE d.author = ? AND d.action IN ('block', 'flag')"
                " ORDER BY d.seq DESC LIMIT ?", [author, limit])
            return [records.decode(r) for r in rows]

    # -- acting -------------------------------------------------------------

    def resolve_review(self, ref: str, *, reviewer: str, approve: bool, note: str = "") -> dict:
        """Approve (queue the post for upstream) or reject (a note is required).

        Either way the held text is masked in the same transaction, an event
        names the reviewer, and the WAL is emptied so the raw text does not
        linger on disk. A second officer acting on the same item gets
        AlreadyReviewed: the state check and the change are one transaction.
        """
        note = _note(note, "a note explaining the rejection" if not approve else "the note",
                     required=not approve)
        with self.store.write() as db:
            item = _one(db, "review_queue", ref)
            if item is None:
                raise UnknownReference(f"no review item {ref!r}")
            if item["state"] != "pending":
                raise AlreadyReviewed(
                    f"{ref} was already {item['state']} by {item['reviewer']} at "
                    f"{item['reviewed_at']}")
            now = utc_now()
            if approve:
                text = item["release_text"] if item["release_text"] is not None \
                    else item["held_text"]
                self._enqueue(db, ref, text, None, now, item["params"])
            change = {
                "state": "approved" if approve else "rejected",
                "held_text": _masked_from_findings(db, ref, item["held_text"]),
                "release_text": None,
                "params": None,
                "reviewer": reviewer,
                "reviewed_at": now,
                "note": note,
            }
            db["review_queue"].update(ref, change)
            chain.append_event(db, change["state"], ref, reviewer, now, note=note or None)
        self.store.truncate_wal()
        return {**item, **change}

    def open_appeal(self, ref: str, *, author: str, justification: str,
                    text: str | None = None) -> dict:
        """The author of a blocked or held post asks an officer to look again.

        A held post gets the justification attached. A blocked post (or one
        whose review ended) enters the queue as an appeal; Gatepost kept only
        its masked text, so `text` must be the post as sent, proven by the
        HMAC recorded with the decision. Returns the review row.
        """
        justification = _note(justification, "a justification", required=True)
        now = utc_now()
        with self.store.write() as db:
            decision = _one(db, "decisions", ref)
            if decision is None or decision["author"] != author:
                raise UnknownReference(f"none of your posts has the reference {ref!r}")
            if decision["action"] not in ("block", "flag"):
                raise NotAppealable(f"{ref} was not blocked or held: there is nothing to appeal")
            item = _one(db, "review_queue", ref)
            if item and item["justification"]:
                raise AlreadyAppealed(f"{ref} was already appealed at {item['appealed_at']}")
            if item and item["state"] == "approved":
                raise NotAppealable(f"{ref} was already approved: it has been posted")
            appeal = {"justification": justification, "appealed_at": now}
            if item and item["state"] == "pending":
                db["review_queue"].update(ref, appeal)
            else:
                raw = self._proven_text(decision, text)
                row = {"ref": ref, "state": "pending", "kind": "appeal", "held_text": raw,
                       "release_text": raw, "params": None, "created_at": now,
                       "reviewer": None, "reviewed_at": None, "note": None, **appeal}
                db["review_queue"].upsert(row, pk="ref")
            chain.append_event(db, "appealed", ref, author, now, note=justification)
            return _one(db, "review_queue", ref)

    def _proven_text(self, decision: Mapping[str, Any], text: str | None) -> str:
        if not text:
            raise AppealTextMismatch("the appeal needs the text of the post as you sent it")
        recorded = decision.get("text_mac")
        if recorded:
            given = self.text_mac(decision["author"], text) or ""
            matches = hmac.compare_digest(given, recorded)
        else:  # recorded without a key: only an unmasked text can be matched
            matches = decision["masked_text"] not in (None, WITHHELD) \
                and text == decision["masked_text"]
        if not matches:
            raise AppealTextMismatch(
                "this is not the text of the blocked post: paste the post exactly as you sent it")
        return text


def _masked_from_findings(db: Database, ref: str, text: str | None) -> str | None:
    if text is None:
        return None
    if db["fired_rules"].count_where("ref = ? AND rule_id = ?", [ref, DETECTOR_ERROR_RULE]):
        return WITHHELD  # the scan was incomplete: no findings to mask by
    kinds = sorted(MASKED_KINDS)
    where = f"ref = ? AND kind IN ({', '.join('?' * len(kinds))})"
    rows = db["findings"].rows_where(where, [ref, *kinds])
    spans = [(f["start"], f["end"], f["label"]) for f in rows]
    return replace_spans(text, spans) if spans else text

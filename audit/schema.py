"""The audit tables, created idempotently. Column lists are the documentation."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.db import Table

TABLES: dict[str, dict] = {
    "decisions": {
        "columns": {
            "seq": int,  # chain position, 1, 2, 3...; hashed, so reordering shows
            "ref": str,
            "created_at": str,
            "author": str,
            "groups": str,  # JSON list
            "dialect": str,
            "action": str,
            "policy_version": str,  # content hash of the policy in force
            "policy_seq": int,  # policy_versions.seq of that policy; NULL in rows from before it
            "masked_text": str,  # pii/secret spans replaced by [LABEL]; never raw
            "text_length": int,  # length of the raw text
            "rule_ids": str,  # JSON list of fired rule ids, strongest first
            "timings": str,  # JSON object: step name -> milliseconds
            "detector_errors": str,  # JSON object: detector -> error (never post text)
            "total_ms": float,
            # sha256 of masked_text: the chain hashes this instead of the text, so
            # retention can remove old text and the chain still verifies
            "text_sha256": str,
            "text_removed_at": str,  # set by retention when masked_text was removed; not hashed
            # sha256 of this decision's fired_rules and findings rows (chain.details_digest)
            "details_sha256": str,
            # HMAC-SHA256 of the raw text under the app's secret key: an appeal
            # proves it carries the blocked post's own text without Gatepost keeping it
            "text_mac": str,
            # the client's Idempotency-Key scoped to its author (proxy.gateway.upstream_key):
            # a resubmission of a held or blocked post is answered from this decision
            "client_key": str,
            "prev_hash": str,
            "hash": str,
        },
        "pk": "seq",
        "unique": [["ref"]],
        # (action) alone is ordered by rowid = seq: the log's "newest first by
        # action" walks it instead of sorting every matching row.
        "index": [["created_at"], ["author", "created_at"], ["action", "created_at"],
                  ["action"], ["client_key"]],
    },
    # Review and retention events, in the same hash chain as decisions (one
    # seq for both tables): appealed, approved, rejected, retention.
    "events": {
        "columns": {
            "seq": int,
            "ref": str,  # the decision it is about ("" for retention)
            "event": str,
            "actor": str,
            "at": str,
            "note": str,  # reviewer's note or appeal justification
            "cutoff": str,  # retention: text of decisions created before this was removed
            "prev_hash": str,
            "hash": str,
        },
        "pk": "seq",
        "index": [["ref"]],
    },
    "chain_head": {  # one row: the last appended decision, to catch tail cuts
        "columns": {"id": int, "seq": int, "hash": str},
        "pk": "id",
    },
    "fired_rules": {
        "columns": {"ref": str, "rule_id": str, "action": str, "description": str},
        "pk": ("ref", "rule_id"),
    },
    "findings": {
        "columns": {
            "id": int,
            "ref": str,
            "detector": str,
            "kind": str,
            "label": str,
            "start": int,
            "end": int,
            "score": float,
            "explanation": str,
            "rule_ids": str,  # JSON list of the rules this finding fired
        },
        "pk": "id",
        "index": [["ref"]],
    },
    "review_queue": {
        "columns": {
            "ref": str,
            "state": str,  # pending | approved | rejected
            "kind": str,  # flag (held by a rule) | appeal (a blocked post its author appealed)
            "held_text": str,  # raw text while pending; masked once reviewed
            # what goes upstream if approved (the status without its content
            # warning) and the dialect fields sent with it; cleared once reviewed
            "release_text": str,
            "params": str,
            "justification": str,  # the author's appeal, if any
            "appealed_at": str,
            "created_at": str,
            "reviewer": str,
            "reviewed_at": str,
            "note": str,
        },
        "pk": "ref",
        "index": [["state", "created_at"]],
    },
    "outbox": {
        "columns": {
            "ref": str,
            "state": str,  # pending | sending (claimed) | delivered | rejected (a 4xx)
            "text": str,  # what goes upstream; "" once delivered
            "idempotency_key": str,
            "params": str,  # JSON object: dialect fields sent along (visibility...)
            "author": str,  # whose post it is (decisions.author): picks the upstream credential
            # sha256 hex of (author, dialect, text, params), never the text itself:
            # finds a client's retry without an Idempotency-Key (proxy.gateway)
            "content_hash": str,
            "claimed_by": str,  # "host:pid:instance" of the sender while state is sending
            "lease_until": float,  # epoch seconds; a sending row past it may be claimed again
            "next_attempt_at": float,  # epoch seconds; a pending row waits until then
            "attempts": int,
            "last_error": str,
            "last_status_code": int,
            "last_attempt_at": str,
            "upstream_id": str,
            "upstream_url": str,
            "delivered_at": str,
            "rejected_at": str,
            "created_at": str,
        },
        "pk": "ref",
        "index": [["state"], ["idempotency_key"], ["content_hash"]],
    },
    "policy_versions": {
        "columns": {
            "seq": int,
            "version": str,
            "name": str,
            "source": str,
            "text": str,
            "created_at": str,
            "actor": str,  # who put it in force: an admin, "policy-watcher", "system"
            "note": str,  # the admin's change note
            "lists": str,  # JSON object: list file name -> its content at the time
        },
        "pk": "seq",
    },
    "users": {
        "columns": {
            "name": str,
            "role": str,
            "groups": str,  # JSON list
            "password_hash": str,  # argon2; NULL when the user has no password
            "created_at": str,
        },
        "pk": "name",
    },
    "tokens": {  # only sha256(token); the token itself is shown once and dropped
        "columns": {"token_hash": str, "user": str, "created_at": str},
        "pk": "token_hash",
        "index": [["user"]],
    },
    # An employee's own upstream credential, used when forwarding their posts.
    # Gatepost must present it, so it cannot be hashed; never logged, never in
    # admin_actions. One per user.
    "upstream_credentials": {
        "columns": {"user": str, "token": str, "created_at": str},
        "pk": "user",
    },
    "admin_actions": {
        "columns": {"id": int, "at": str, "actor": str, "action": str, "target": str},
        "pk": "id",
    },
}

NOT_NULL = {
    "decisions": {"ref", "hash", "prev_hash", "action"},
    "events": {"event", "hash", "prev_hash"},
}


def create_tables(db: Database) -> None:
    """Create every table and index that does not exist yet."""
    for name, spec in TABLES.items():
        table = db[name]
        table.create(
            spec["columns"],
            pk=spec["pk"],
            not_null=NOT_NULL.get(name, set()),
            if_not_exists=True,
        )
        _add_missing_columns(table, spec["columns"])
        for cols in spec.get("unique", []):
            table.create_index(cols, unique=True, if_not_exists=True)
        for cols in spec.get("index", []):
            table.create_index(cols, if_not_exists=True)


def _add_missing_columns(table: Table, columns: dict) -> None:
    """Bring a table from an older release up to date (new columns are nullable)."""
    have = table.columns_dict
    for name, kind in columns.items():
        if name not in have:
            table.add_column(name, kind)

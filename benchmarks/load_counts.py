"""Counting what became of every post in benchmarks/load.py: sent, recorded, delivered, arrived.

The audit db and the microblog db are opened read-only (`mode=ro`). Posts
are tied to the rows that record them without trusting the proxy's answers:

- decisions: `text_mac` is HMAC-SHA256(secret_key, author NUL raw text)
  (audit.store.AuditLog.text_mac); the benchmark knows each post's author
  and text, and the secret key is in the run's own data dir;
- outbox: `idempotency_key` is the client's key scoped to its author,
  "gp-" + sha256(author NUL key)[:32] (proxy.gateway.upstream_key);
- upstream: the microblog stores the Idempotency-Key each status came with.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from load_clients import SentPost

ALLOWED = ("allow", "redact")


def upstream_key(author: str, client_key: str) -> str:
    """proxy.gateway.upstream_key, recomputed (the benchmark does not import the proxy)."""
    return "gp-" + hashlib.sha256(f"{author}\0{client_key}".encode()).hexdigest()[:32]


def read_only(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    conn.row_factory = sqlite3.Row
    return conn


def text_mac(secret_key: str, author: str, text: str) -> str:
    """audit.store.AuditLog.text_mac, recomputed: ties a decision row to a sent post."""
    message = f"{author}\0{text}".encode()
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def decisions_of(posts: list[SentPost], audit_db: Path,
                 secret_key: str) -> dict[str, list[dict]]:
    """Client key -> the decision rows (ref, created_at, action) recorded for that post."""
    with read_only(audit_db) as conn:
        rows = [dict(r) for r in conn.execute(
            "SELECT ref, created_at, action, text_mac FROM decisions ORDER BY seq")]
    by_mac: dict[str, list[dict]] = {}
    for r in rows:
        by_mac.setdefault(r["text_mac"], []).append(r)
    return {p.key: by_mac.get(text_mac(secret_key, p.author, p.text), []) for p in posts}


def outbox_undelivered(audit_db: Path) -> int:
    """Outbox rows still pending or being sent."""
    with read_only(audit_db) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')").fetchone()[0]


def outbox_waiting(audit_db: Path) -> int:
    """Outbox rows pending: a failed attempt behind them, waiting for the worker's retry."""
    with read_only(audit_db) as conn:
        return conn.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0]


@dataclass
class Reconciliation:
    """The count table and every check, with what broke each one."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    checks: list[tuple[str, bool, str]] = field(default_factory=list)  # name, ok, detail
    warnings: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # precise lines about failures

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.checks)

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.checks.append((name, ok, detail))


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row)
    return out


@dataclass
class Stored:
    """What the audit db and the microblog's db hold, indexed for the checks."""

    decisions: list[dict]
    outbox: list[dict]
    review_rows: int
    statuses: list[dict]  # upstream, came through Gatepost (not the direct baseline)

    def __post_init__(self) -> None:
        self.by_mac = _group(self.decisions, "text_mac")
        self.outbox_by_key = _group(self.outbox, "idempotency_key")
        self.upstream_by_key = _group(self.statuses, "idempotency_key")
        self.upstream_texts = Counter(s["text"] for s in self.statuses)
        self.actions = Counter(d["action"] for d in self.decisions)
        self.states = Counter(o["state"] for o in self.outbox)


def read_stored(audit_db: Path, microblog_db: Path) -> Stored:
    with read_only(audit_db) as conn:
        decisions = [dict(r) for r in conn.execute(
            "SELECT ref, author, action, text_mac FROM decisions")]
        outbox = [dict(r) for r in conn.execute(
            "SELECT ref, state, idempotency_key, attempts, upstream_id, last_error, claimed_by"
            " FROM outbox")]
        review = conn.execute("SELECT COUNT(*) FROM review_queue").fetchone()[0]
    with read_only(microblog_db) as conn:
        statuses = [dict(r) for r in conn.execute(
            "SELECT id, text, idempotency_key FROM statuses"
            " WHERE idempotency_key NOT LIKE 'direct-%'")]
    return Stored(decisions, outbox, review, statuses)


@dataclass
class Sent:
    """The posts sent, by what the clients were told."""

    posts: list[SentPost]

    def __post_init__(self) -> None:
        posts = self.posts
        self.answers = Counter(p.answer or "unanswered" for p in posts)
        self.allowed = [p for p in posts if p.action in ALLOWED or p.answer == "refused"]
        self.held = [p for p in posts if p.answer == "held"]
        self.blocked = [p for p in posts if p.answer == "blocked"]
        self.unanswered = [p for p in posts if p.status is None]
        classified = {id(p) for p in self.allowed + self.held + self.blocked}
        self.other = [p for p in posts if p.status is not None and id(p) not in classified]


def reconcile(posts: list[SentPost], audit_db: Path, secret_key: str,
              microblog_db: Path) -> Reconciliation:
    """Compare what the clients sent with the audit db and the upstream's db."""
    rec = Reconciliation()
    sent, stored = Sent(posts), read_stored(audit_db, microblog_db)

    def decisions(p: SentPost) -> list[dict]:
        return stored.by_mac.get(text_mac(secret_key, p.author, p.text), [])

    _count_rows(rec, sent, stored)
    _check_allowed(rec, sent, stored, decisions)
    _check_upstream(rec, sent, stored)
    rec.check("every post answered (after retries)", not sent.unanswered and not sent.other,
              f"unanswered {len(sent.unanswered)}, unexpected answers {len(sent.other)}")
    for p in (sent.unanswered + sent.other)[:5]:
        rec.problems.append(f"post {p.key} ({p.phase}): status {p.status}, answer {p.answer}, "
                            f"attempts {p.attempts}, failed {p.failed}")
    _check_stopped(rec, sent, stored, decisions)
    phantoms = len(stored.decisions) - sum(len(decisions(p)) for p in posts)
    rec.check("no decision that no client sent", phantoms == 0, f"{phantoms} found")
    return rec


def _count_rows(rec: Reconciliation, sent: Sent, stored: Stored) -> None:
    answers, actions, states = sent.answers, stored.actions, stored.states
    rec.rows += [
        ("posts sent (unique Idempotency-Keys)", f"{len(sent.posts)}"),
        ("  answered allowed: 200 delivered / 202 queued / 502 refused",
         f"{len(sent.allowed)}  ({answers['delivered']} / {answers['queued']} / "
         f"{answers['refused']}); redacted {sum(p.action == 'redact' for p in sent.posts)}"),
        ("  answered 202 held (flag)", f"{len(sent.held)}"),
        ("  answered 422 blocked", f"{len(sent.blocked)}"),
        ("  other answers / never answered", f"{len(sent.other)} / {len(sent.unanswered)}"),
        ("decisions recorded (audit db)",
         f"{len(stored.decisions)}  (allow {actions['allow']}, redact {actions['redact']}, "
         f"flag {actions['flag']}, block {actions['block']})"),
        ("review queue rows", f"{stored.review_rows}"),
        ("outbox rows",
         f"{len(stored.outbox)}  (delivered {states['delivered']}, pending "
         f"{states['pending']}, sending {states['sending']}, rejected {states['rejected']})"),
        ("arrived upstream (microblog statuses via Gatepost)",
         f"{len(stored.statuses)}  (distinct keys {len(stored.upstream_by_key)}, "
         f"distinct texts {len(stored.upstream_texts)})"),
    ]


def _check_allowed(rec: Reconciliation, sent: Sent, stored: Stored,
                   decisions: Callable[[SentPost], list[dict]]) -> None:
    """The four numbers of allowed posts, then post by post."""
    delivered = stored.states["delivered"]
    four = (len(sent.allowed), sum(stored.actions[a] for a in ALLOWED), delivered,
            len(stored.statuses))
    extra = f"; outbox rows {len(stored.outbox)}" if len(stored.outbox) != delivered else ""
    rec.check("allowed sent == recorded allow+redact == outbox delivered == arrived upstream",
              len(set(four)) == 1 and not extra, " == ".join(map(str, four)) + extra)
    bad: dict[str, list[str]] = {"no decision": [], ">1 decision": [],
                                 "outbox not exactly one delivered row": [],
                                 "not upstream": [], "upstream more than once": []}
    for p in sent.allowed:
        key = upstream_key(p.author, p.key)
        decs = decisions(p)
        rows = stored.outbox_by_key.get(key, [])
        ups = stored.upstream_by_key.get(key, [])
        about = (f"allowed post {p.key} ({p.phase}, ref {p.ref}, answer {p.answer}, "
                 f"attempts {p.attempts}, failed {p.failed})")
        if len(decs) != 1:
            bad["no decision" if not decs else ">1 decision"].append(
                f"{about}: decisions {[d['ref'] for d in decs]}")
        if len(rows) != 1 or rows[0]["state"] != "delivered":
            shown = [{k: r[k] for k in ("ref", "state", "attempts", "last_error", "claimed_by")}
                     for r in rows]
            bad["outbox not exactly one delivered row"].append(f"{about}: outbox rows {shown}")
        if len(ups) != 1:
            bad["not upstream" if not ups else "upstream more than once"].append(
                f"{about}: upstream key {key}, statuses {[u['id'] for u in ups]}")
    rec.check("every allowed post: 1 decision, 1 delivered outbox row, 1 upstream status",
              not any(bad.values()), ", ".join(f"{k} {len(v)}" for k, v in bad.items()))
    for lines in bad.values():
        rec.problems += lines[:5]


def _check_upstream(rec: Reconciliation, sent: Sent, stored: Stored) -> None:
    """Nothing twice upstream, nothing held or blocked, nothing no client sent."""
    twice_key = sum(1 for rows in stored.upstream_by_key.values() if len(rows) > 1)
    twice_text = sum(1 for n in stored.upstream_texts.values() if n > 1)
    rec.check("zero duplicates upstream (same key or same text twice)",
              twice_key == 0 and twice_text == 0,
              f"keys twice {twice_key}, texts twice {twice_text}")
    stopped_texts = {p.text for p in sent.held + sent.blocked}
    leaked = [s for s in stored.statuses if s["text"] in stopped_texts]
    rec.check("no held or blocked post upstream", not leaked, f"{len(leaked)} found")
    for s in leaked[:5]:
        rec.problems.append(f"upstream status {s['id']} (key {s['idempotency_key']}) is the "
                            "text of a held or blocked post")
    allowed_keys = {upstream_key(p.author, p.key) for p in sent.allowed}
    strays = [s for s in stored.statuses if s["idempotency_key"] not in allowed_keys]
    rec.check("nothing upstream that no client sent", not strays, f"{len(strays)} found")


def _check_stopped(rec: Reconciliation, sent: Sent, stored: Stored,
                   decisions: Callable[[SentPost], list[dict]]) -> None:
    """Held and blocked posts: recorded once, or once more per retry that reached Gatepost."""
    for name, group, action in (("held", sent.held, "flag"),
                                ("blocked", sent.blocked, "block")):
        counts = [len(decisions(p)) for p in group]
        missing = sum(1 for n in counts if n == 0)
        extra = sum(n - 1 for n in counts if n > 1)
        retried = sum(p.attempts - 1 for p in group)
        ok = missing == 0 and extra <= retried and stored.actions[action] == len(group) + extra
        rec.check(f"{name} posts: each recorded (as {action})", ok,
                  f"sent {len(group)}, recorded {stored.actions[action]}, none {missing}, "
                  f"extra records {extra} (retried attempts {retried})")
        twice = [p for p, n in zip(group, counts, strict=True) if n > 1]
        if twice:
            rec.warnings.append(
                f"{extra} {name} post(s) recorded more than once: a client retried them with "
                f"the same Idempotency-Key after losing the answer, and Gatepost decided them "
                f"again (e.g. post {twice[0].key}: refs "
                f"{[d['ref'] for d in decisions(twice[0])]})"
                + ("; each copy is its own review-queue item" if action == "flag" else ""))

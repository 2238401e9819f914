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


def outbox_undelivered(audit_db: Path) -> int:
    """Outbox rows still pending or being sent."""
    with read_only(audit_db) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')").fetchone()[0]


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


def reconcile(posts: list[SentPost], audit_db: Path, secret_key: str,
              microblog_db: Path) -> Reconciliation:
    """Compare what the clients sent with the audit db and the upstream's db."""
    rec = Reconciliation()
    key = secret_key.encode("utf-8")

    def mac(p: SentPost) -> str:
        return hmac.new(key, f"{p.author}\0{p.text}".encode(), hashlib.sha256).hexdigest()

    with read_only(audit_db) as conn:
        decisions = [dict(r) for r in conn.execute(
            "SELECT ref, author, action, text_mac FROM decisions")]
        outbox = [dict(r) for r in conn.execute(
            "SELECT o.ref, o.state, o.idempotency_key, o.attempts, o.upstream_id,"
            " o.last_error, o.claimed_by, d.action, d.text_mac"
            " FROM outbox o LEFT JOIN decisions d ON d.ref = o.ref")]
        review = conn.execute("SELECT COUNT(*) FROM review_queue").fetchone()[0]
    with read_only(microblog_db) as conn:
        statuses = [dict(r) for r in conn.execute(
            "SELECT id, text, idempotency_key FROM statuses"
            " WHERE idempotency_key NOT LIKE 'direct-%'")]

    by_mac: dict[str, list[dict]] = {}
    for d in decisions:
        by_mac.setdefault(d["text_mac"], []).append(d)
    outbox_by_key: dict[str, list[dict]] = {}
    for o in outbox:
        outbox_by_key.setdefault(o["idempotency_key"], []).append(o)
    upstream_by_key: dict[str, list[dict]] = {}
    for s in statuses:
        upstream_by_key.setdefault(s["idempotency_key"], []).append(s)
    upstream_texts = Counter(s["text"] for s in statuses)

    # What the clients were told.
    answers = Counter(p.answer or "unanswered" for p in posts)
    allowed = [p for p in posts if p.action in ALLOWED or p.answer == "refused"]
    held = [p for p in posts if p.answer == "held"]
    blocked = [p for p in posts if p.answer == "blocked"]
    unanswered = [p for p in posts if p.status is None]
    classified = {id(p) for p in allowed + held + blocked}
    other = [p for p in posts if p.status is not None and id(p) not in classified]
    actions = Counter(d["action"] for d in decisions)
    states = Counter(o["state"] for o in outbox)
    recorded_allowed = sum(actions[a] for a in ALLOWED)

    rec.rows += [
        ("posts sent (unique Idempotency-Keys)", f"{len(posts)}"),
        ("  answered allowed: 200 delivered / 202 queued / 502 refused",
         f"{len(allowed)}  ({answers['delivered']} / {answers['queued']} / "
         f"{answers['refused']}); redacted {sum(p.action == 'redact' for p in posts)}"),
        ("  answered 202 held (flag)", f"{len(held)}"),
        ("  answered 422 blocked", f"{len(blocked)}"),
        ("  other answers / never answered", f"{len(other)} / {len(unanswered)}"),
        ("decisions recorded (audit db)",
         f"{len(decisions)}  (allow {actions['allow']}, redact {actions['redact']}, "
         f"flag {actions['flag']}, block {actions['block']})"),
        ("review queue rows", f"{review}"),
        ("outbox rows",
         f"{len(outbox)}  (delivered {states['delivered']}, pending {states['pending']}, "
         f"sending {states['sending']}, rejected {states['rejected']})"),
        ("arrived upstream (microblog statuses via Gatepost)",
         f"{len(statuses)}  (distinct keys {len(upstream_by_key)}, "
         f"distinct texts {len(upstream_texts)})"),
    ]

    # 1. The four numbers of allowed posts.
    four = (len(allowed), recorded_allowed, states["delivered"], len(statuses))
    rec.check("allowed sent == recorded allow+redact == outbox delivered == arrived upstream",
              len(set(four)) == 1 and len(outbox) == states["delivered"],
              " == ".join(str(n) for n in four)
              + (f"; outbox rows {len(outbox)}" if len(outbox) != states["delivered"] else ""))

    # 2. Post by post, for allowed posts.
    lost, dup_dec, bad_outbox, not_up, dup_up = [], [], [], [], []
    for p in allowed:
        decs = by_mac.get(mac(p), [])
        okey = upstream_key(p.author, p.key)
        rows = outbox_by_key.get(okey, [])
        ups = upstream_by_key.get(okey, [])
        if not decs:
            lost.append(p)
        elif len(decs) > 1:
            dup_dec.append(p)
        if len(rows) != 1 or rows[0]["state"] != "delivered":
            bad_outbox.append((p, rows))
        if not ups:
            not_up.append(p)
        elif len(ups) > 1:
            dup_up.append(p)
    rec.check("every allowed post: 1 decision, 1 delivered outbox row, 1 upstream status",
              not (lost or dup_dec or bad_outbox or not_up or dup_up),
              f"no decision {len(lost)}, >1 decision {len(dup_dec)}, outbox not exactly one "
              f"delivered row {len(bad_outbox)}, not upstream {len(not_up)}, "
              f"upstream more than once {len(dup_up)}")
    for p in lost[:5]:
        rec.problems.append(f"allowed post {p.key} ({p.phase}, ref {p.ref}, attempts "
                            f"{p.attempts}, failed {p.failed}) has no decision row")
    for p in dup_dec[:5]:
        refs = [d["ref"] for d in by_mac[mac(p)]]
        rec.problems.append(f"allowed post {p.key} ({p.phase}) recorded {len(refs)} times: "
                            f"{refs}; attempts {p.attempts}, failed {p.failed}")
    for p, rows in bad_outbox[:5]:
        rec.problems.append(
            f"allowed post {p.key} ({p.phase}, ref {p.ref}, answer {p.answer}, attempts "
            f"{p.attempts}, failed {p.failed}): outbox rows "
            + str([{k: r[k] for k in ("ref", "state", "attempts", "last_error", "claimed_by")}
                   for r in rows]))
    for p in not_up[:5]:
        rec.problems.append(f"allowed post {p.key} ({p.phase}, ref {p.ref}) never arrived "
                            f"upstream (key {upstream_key(p.author, p.key)})")

    # 3. Nothing twice upstream; nothing that was not allowed.
    twice_key = sum(1 for rows in upstream_by_key.values() if len(rows) > 1)
    twice_text = sum(1 for n in upstream_texts.values() if n > 1)
    rec.check("zero duplicates upstream (same key or same text twice)",
              twice_key == 0 and twice_text == 0,
              f"keys twice {twice_key}, texts twice {twice_text}")
    stopped_texts = {p.text for p in held + blocked}
    leaked = [s for s in statuses if s["text"] in stopped_texts]
    rec.check("no held or blocked post upstream", not leaked, f"{len(leaked)} found")
    for s in leaked[:5]:
        rec.problems.append(f"upstream status {s['id']} (key {s['idempotency_key']}) is the "
                            "text of a held or blocked post")
    allowed_keys = {upstream_key(p.author, p.key) for p in allowed}
    strays = [s for s in statuses if s["idempotency_key"] not in allowed_keys]
    rec.check("nothing upstream that no client sent", not strays, f"{len(strays)} found")

    # 4. Every post answered.
    rec.check("every post answered (after retries)", not unanswered and not other,
              f"unanswered {len(unanswered)}, unexpected answers {len(other)}")
    for p in (unanswered + other)[:5]:
        rec.problems.append(f"post {p.key} ({p.phase}): status {p.status}, answer {p.answer}, "
                            f"attempts {p.attempts}, failed {p.failed}")

    # 5. Held and blocked posts: recorded once, or once more per retry that reached Gatepost.
    for name, group, action in (("held", held, "flag"), ("blocked", blocked, "block")):
        counts = [len(by_mac.get(mac(p), [])) for p in group]
        missing = sum(1 for n in counts if n == 0)
        extra = sum(n - 1 for n in counts if n > 1)
        retried = sum(p.attempts - 1 for p in group)
        strict = missing == 0 and extra <= retried and actions[action] == len(group) + extra
        rec.check(f"{name} posts: each recorded (as {action})", strict,
                  f"sent {len(group)}, recorded {actions[action]}, none {missing}, "
                  f"extra records {extra} (retried attempts {retried})")
        if extra:
            twice = [p for p, n in zip(group, counts, strict=True) if n > 1]
            rec.warnings.append(
                f"{extra} {name} post(s) recorded more than once: a client retried them with "
                f"the same Idempotency-Key after losing the answer, and Gatepost decided them "
                f"again (e.g. post {twice[0].key}: refs "
                f"{[d['ref'] for d in by_mac[mac(twice[0])]]})"
                + ("; each copy is its own review-queue item" if action == "flag" else ""))
    phantoms = len(decisions) - sum(len(by_mac.get(mac(p), [])) for p in posts)
    rec.check("no decision that no client sent", phantoms == 0, f"{phantoms} found")
    return rec

"""Audit log at scale: build a realistic audit db of N decisions, then time what reads it.

Run from the repository root:

    .venv/bin/python benchmarks/audit_scale.py [--decisions N] [--db PATH] [--keep]
                                               [--profile] [--batch K]

One run prints the machine facts, then one table (benchmarks/README.md says
what each figure means):

1. record_decision throughput: N decisions recorded one by one through
   AuditLog.record_decision (85% allow, 5% redact, 5% flag, 5% block, 0-3
   findings each, 200 authors), created_at spread over the last 90 days by a
   fake clock; with them, reviews of about half the flagged posts and appeals
   of about a fifth of the blocked ones, at the times they would happen.
2. verify_chain() over the whole chain; search_decisions() (FTS over the
   masked text, with and without filters, first and deep page);
   review_items(); dashboard_stats(14) and (90); export of every decision as
   JSON lines; apply_retention(30) and verify_chain() after it; the db's size.

The db goes to a temporary directory, removed at the end unless --keep.
--profile also prints a cProfile of verify_chain() (one more, slower, run).
--batch K records K decisions a transaction instead of one: not the proxy's
path, but it shows what group commit would give and builds faster.
Progress goes to stderr, the facts and the table to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import string
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from heapq import heappop, heappush
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import audit.review  # noqa: E402
import audit.store  # noqa: E402
from audit import AuditLog, chain, mask_text, new_reference  # noqa: E402
from audit.export import export_decisions, write_jsonl  # noqa: E402
from detectors.base import Finding  # noqa: E402
from policies.types import Action, Decision, FiredRule, Post  # noqa: E402

SEED = 20260901
DAYS = 90
AUTHORS = 200
GROUPS = ("eng", "sales", "marketing", "support", "legal", "finance", "hr", "exec")
REVIEWERS = ("officer.ana", "officer.ben", "officer.chen", "officer.dee", "officer.eli")
QUERY = "roadmap"  # the searched word: in about 10% of posts, not in the vocabulary
QUERY_SHARE = 0.10
DEEP = 5000  # offset of the deep page
REPEATS = 5  # timed calls of each read; the table gives the median
TEXT_KEY = b"audit-scale-benchmark-text-key-0123456789"
ACTION_SHARES = {Action.ALLOW: 0.85, Action.REDACT: 0.05, Action.FLAG: 0.05, Action.BLOCK: 0.05}
STRENGTH = {Action.ALLOW: 0, Action.REDACT: 1, Action.FLAG: 2, Action.BLOCK: 3}

COMMON = """
the a to and of in is for on it with this that at our we you be are from have
team new today week great thanks all just out about so can more will what time
work day launch event customers product big next proud love join here after
see get now one meeting happy excited first share year people help really good
talk building open learn community release update ship shipped coffee lunch
office remote hiring job role demo conference booth panel slides blog post read
data cloud platform api service customer partner growth sales market feature
fix bug test build deploy teammates friday monday congrats welcome award win
summit webinar live stream podcast episode hackathon offsite workshop keynote
""".split()
HASHTAGS = ("#hiring", "#teamwork", "#launch", "#devlife", "#community", "#cloud",
            "#ai", "#security", "#fridayfeeling", "#events")
CUSTOMERS = ("Contoso Pharma", "Tailspin Toys", "Fabrikam", "Wide World Importers",
             "Adventure Works Cycles", "Litware")
CODENAMES = ("Falcon", "Bluebird", "Project Nightjar")
FIRST = ("jane", "omar", "li", "sam", "priya", "lukas", "maria", "tom", "aiko", "noah")
LAST = ("doe", "khan", "wei", "smith", "patel", "berg", "garcia", "lee", "sato", "brown")


# -- the corpus -------------------------------------------------------------


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    """Common words plus a long tail of made-up ones, with Zipf-like weights."""
    syllables = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zen", "dra", "pel", "sor", "tin",
                 "bex", "qua", "rim", "os", "ul", "fy", "gra", "hon"]
    tail = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)}
    words = COMMON + sorted(tail - set(COMMON) - {QUERY})
    rng.shuffle(words[len(COMMON):])
    cum, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1.0 / rank
        cum.append(total)
    return words, cum


@dataclass
class Item:
    """A value planted in a post, and the finding a detector would report for it."""

    value: str
    detector: str
    kind: str
    label: str
    score: float
    explanation: str


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(string.digits, k=n))


ITEMS: dict[str, Callable[[random.Random], Item]] = {
    "email": lambda r: Item(f"{r.choice(FIRST)}.{r.choice(LAST)}{r.randint(1, 99)}@gmail.com",
                            "presidio", "pii", "EMAIL_ADDRESS", 1.0,
                            "email address pattern with a valid domain"),
    "phone": lambda r: Item(f"+1 415 555 {_digits(r, 4)}", "presidio", "pii",
                            "PHONE_NUMBER", 0.75, "phone number written as one"),
    "ssn": lambda r: Item(f"{r.randint(100, 665)}-{_digits(r, 2)}-{_digits(r, 4)}",
                          "presidio", "pii", "US_SSN", 0.5, "SSN pattern 123-45-6789"),
    "card": lambda r: Item("4111 1111 1111 1111", "presidio", "pii", "CREDIT_CARD", 1.0,
                           "card number, Luhn checksum valid"),
    "aws": lambda r: Item("AKIA" + "".join(r.choices(string.ascii_uppercase + "234567", k=16)),
                          "secrets", "secret", "AWS_ACCESS_KEY", 1.0, ""),
    "codename": lambda r: Item(r.choice(CODENAMES), "terms", "term", "codenames", 1.0, ""),
    "customer": lambda r: Item(r.choice(CUSTOMERS), "terms", "term", "customers", 1.0, ""),
    "link": lambda r: Item(f"https://wiki.corp.northwind.example/x/{_digits(r, 5)}", "patterns",
                           "pattern", "internal-links", 1.0, "internal Northwind host"),
    "person": lambda r: Item(f"{r.choice(FIRST).title()} {r.choice(LAST).title()}", "presidio",
                             "pii", "PERSON", 0.35, "name by NER, low confidence"),
    "press": lambda r: Item("press@northwind.example", "terms", "term", "public_contacts", 1.0,
                            ""),
}
# Quoting the matched value is what detectors do; the audit log scrubs pii/secret ones.
for _name in ("aws", "codename", "customer", "press"):
    _make = ITEMS[_name]
    ITEMS[_name] = (lambda make: lambda r: _quoting(make(r)))(_make)


def _quoting(item: Item) -> Item:
    item.explanation = f"matched {item.value!r}"
    return item


# rule id, action, description, the items that fire it
RULES = {
    "no-secrets": (Action.BLOCK, "Your post contains a password, key or access token.", ["aws"]),
    "id-and-payment-numbers": (Action.BLOCK, "Your post contains an ID or card number.",
                               ["ssn", "card"]),
    "codenames": (Action.BLOCK, "Your post names an internal project codename.", ["codename"]),
    "nda-customers": (Action.FLAG, "Your post names a customer under NDA.", ["customer"]),
    "internal-links": (Action.FLAG, "Your post links to an internal Northwind site.", ["link"]),
    "redact-contact-details": (Action.REDACT, "Contact details are masked before posting.",
                               ["email", "phone"]),
}
RULES_BY_ACTION = {a: [rid for rid, (act, _, _) in RULES.items() if act is a] for a in Action}
BENIGN = ["person", "press"]  # found, but no rule fires on them


@dataclass
class Generated:
    post: Post
    decision: Decision
    outbox_text: str | None
    idempotency_key: str | None
    timings: dict[str, float]
    total_ms: float


@dataclass
class Corpus:
    rng: random.Random
    words: list[str]
    cum: list[float]
    authors: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    stream: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, seed: int) -> Corpus:
        rng = random.Random(seed)
        words, cum = vocabulary(rng)
        corpus = cls(rng, words, cum)
        for n in range(1, AUTHORS + 1):
            groups = tuple(sorted(set(rng.sample(GROUPS, rng.choice((1, 1, 2, 3))))))
            corpus.authors.append((f"user{n:03d}", groups))
        return corpus

    def word(self) -> str:
        if not self.stream:  # drawing words in bulk is 20x faster than one by one
            self.stream = self.rng.choices(self.words, cum_weights=self.cum, k=100_000)
        return self.stream.pop()

    def filler(self, length: int) -> list[str]:
        rng, out, size = self.rng, [], 0
        while size < length:
            word = self.word()
            out.append(word)
            size += len(word) + 1
        if rng.random() < 0.3:
            out.append(rng.choice(HASHTAGS))
        return out

    def text_with(self, items: list[Item]) -> tuple[str, list[tuple[int, int]]]:
        """A post of 40-280 characters with the items placed among its words."""
        rng = self.rng
        length = rng.randint(40, 120) if rng.random() < 0.6 else rng.randint(120, 260)
        tokens: list[Any] = self.filler(length)
        if rng.random() < QUERY_SHARE:
            tokens.insert(rng.randrange(len(tokens) + 1), QUERY)
        for index, _ in enumerate(items):
            tokens.insert(rng.randrange(len(tokens) + 1), index)  # placeholder
        parts, spans, pos = [], [None] * len(items), 0
        for token in tokens:
            value = items[token].value if isinstance(token, int) else token
            if isinstance(token, int):
                spans[token] = (pos, pos + len(value))
            parts.append(value)
            pos += len(value) + 1
        text = " ".join(parts)
        return text[:1].upper() + text[1:], spans

    def next(self) -> Generated:
        rng = self.rng
        action = rng.choices(list(ACTION_SHARES), weights=list(ACTION_SHARES.values()))[0]
        fired: list[str] = []  # rule ids
        kinds: list[str] = []  # item kinds, parallel to the findings
        if action is Action.ALLOW:
            n = rng.choices((0, 1, 2), weights=(80, 15, 5))[0]
            kinds = rng.choices(BENIGN, k=n)
        else:
            fired = [rng.choice(RULES_BY_ACTION[action])]
            if rng.random() < 0.25:  # a weaker rule fired as well
                weaker = [rid for rid, (a, _, _) in RULES.items() if STRENGTH[a] < STRENGTH[action]
                          and a is not Action.ALLOW]
                if weaker:
                    fired.append(rng.choice(weaker))
            kinds = [rng.choice(RULES[rid][2]) for rid in fired]
            if len(kinds) < 3 and rng.random() < 0.2:
                kinds.append(rng.choice(BENIGN))
        items = [ITEMS[k](rng) for k in kinds]
        text, spans = self.text_with(items)
        findings = [Finding(i.detector, i.kind, i.label, s, e, i.score, i.explanation)
                    for i, (s, e) in zip(items, spans, strict=True)]
        rules = []
        for rid in fired:
            rule_action, description, fires_on = RULES[rid]
            own = tuple(f for f, k in zip(findings, kinds, strict=True) if k in fires_on)
            rules.append(FiredRule(rid, rule_action, description, own))
        rules.sort(key=lambda r: -STRENGTH[r.action])
        redacted = mask_text(text, findings) if action is Action.REDACT else None
        decision = Decision(action, tuple(rules), "", tuple(findings), redacted)
        author, groups = rng.choice(self.authors)
        outbox = {Action.ALLOW: text, Action.REDACT: redacted}.get(action)
        key = new_reference() if outbox is not None and rng.random() < 0.3 else None
        timings = {"presidio": rng.uniform(2, 9), "terms": rng.uniform(0.02, 0.2),
                   "secrets": rng.uniform(0.05, 0.4), "decide": rng.uniform(0.01, 0.08)}
        total = sum(timings.values()) + rng.uniform(0.1, 0.5)
        return Generated(Post(author, text, groups), decision, outbox, key, timings, total)


# -- the fake clock ---------------------------------------------------------


class Clock:
    """Stands in for audit's utc_now() while the db is built."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> str:
        return self.now.isoformat(timespec="milliseconds")


@contextmanager
def fake_clock(clock: Clock) -> Iterator[None]:
    modules = (audit.store, audit.review)  # each imported utc_now from audit.db
    saved = [m.utc_now for m in modules]
    for module in modules:
        module.utc_now = clock
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.utc_now = original


# -- building the db --------------------------------------------------------


@dataclass
class BuildResult:
    record_s: list[float]
    record_cpu_s: float
    wall_s: float
    counts: dict[str, int]
    resolve_s: list[float]
    appeal_s: list[float]
    pending_author: str | None


def build(log: AuditLog, n: int, end: datetime, progress: Callable[[str], None],
          batch: int = 1) -> BuildResult:
    """Record n decisions over the DAYS before end, with the reviews and appeals
    that fall due in that time. batch > 1: that many decisions a transaction."""
    corpus = Corpus.build(SEED)
    rng = random.Random(SEED + 1)
    start = end - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / n
    clock = Clock(start)
    counts = dict.fromkeys(("allow", "redact", "flag", "block", "approved", "rejected",
                            "appealed", "appeal-approved", "appeal-rejected"), 0)
    record_s: list[float] = []
    record_cpu_s = 0.0
    resolve_s: list[float] = []
    appeal_s: list[float] = []
    due: list[tuple[datetime, int, str, tuple]] = []  # (when, tiebreak, what, args)
    ticket = 0

    def later(when: datetime, what: str, *args: Any) -> None:
        nonlocal ticket
        ticket += 1
        heappush(due, (when, ticket, what, args))

    def run_due(until: datetime) -> None:
        while due and due[0][0] <= until:
            when, _, what, args = heappop(due)
            clock.now = when
            t0 = time.perf_counter()
            if what == "resolve":
                ref, approve, tag = args
                note = "" if approve else "Names a customer under NDA; please rephrase."
                log.resolve_review(ref, reviewer=rng.choice(REVIEWERS), approve=approve,
                                   note=note)
                resolve_s.append(time.perf_counter() - t0)
                counts[tag] += 1
            else:  # appeal
                ref, author, text = args
                log.open_appeal(ref, author=author, text=text,
                                justification="This was a public announcement, not a secret.")
                appeal_s.append(time.perf_counter() - t0)
                counts["appealed"] += 1
                if rng.random() < 0.5:  # an officer answers it within days
                    approve = rng.random() < 0.4
                    tag = "appeal-approved" if approve else "appeal-rejected"
                    later(when + timedelta(hours=rng.uniform(2, 96)), "resolve", ref, approve,
                          tag)

    policy_seqs = [
        log.record_policy_version(f"sha256:{v:064x}", "Northwind social media policy",
                                  "policies/default.yaml", f"version: 1  # v{v}\n")
        for v in (1, 2)
    ]
    t_start = time.perf_counter()
    with fake_clock(clock):
        for first in range(0, n, batch):
            run_due(start + step * first)  # reviews and appeals come between transactions
            todo = []
            for i in range(first, min(first + batch, n)):
                g = corpus.next()
                version = 0 if i < n // 2 else 1
                decision = Decision(g.decision.action, g.decision.rules,
                                    f"sha256:{version + 1:064x}", g.decision.findings,
                                    g.decision.redacted_text)
                todo.append((i, new_reference(), g, decision, policy_seqs[version]))
            t_batch, cpu_batch = time.perf_counter(), time.process_time()
            with log.store.write() if batch > 1 else contextlib.nullcontext():
                for i, ref, g, decision, policy_seq in todo:
                    clock.now = start + step * i
                    t0 = time.perf_counter()
                    log.record_decision(
                        g.post, decision, ref=ref,
                        dialect="mastodon" if i % 10 < 7 else "native",
                        timings_ms=g.timings, total_ms=g.total_ms, outbox_text=g.outbox_text,
                        idempotency_key=g.idempotency_key, policy_seq=policy_seq)
                    record_s.append(time.perf_counter() - t0)
            record_cpu_s += time.process_time() - cpu_batch
            if batch > 1:  # the commit belongs to the batch's time
                record_s[-len(todo):] = [(time.perf_counter() - t_batch) / len(todo)] * len(todo)
            for i, ref, g, decision, _ in todo:
                now, action = start + step * i, decision.action
                counts[action.value] += 1
                if action is Action.FLAG and rng.random() < 0.55:
                    approve = rng.random() < 0.6
                    later(now + timedelta(minutes=rng.uniform(5, 3 * 24 * 60)), "resolve", ref,
                          approve, "approved" if approve else "rejected")
                elif action is Action.BLOCK and rng.random() < 0.2:
                    later(now + timedelta(minutes=rng.uniform(10, 24 * 60)), "appeal", ref,
                          g.post.author, g.post.text)
            done = first + len(todo)
            if done % 10000 < len(todo) or done == n:
                rate = done / sum(record_s)
                progress(f"recorded {done:,} of {n:,} ({rate:,.0f}/s)")
        run_due(end)  # what falls due before the end; the rest stays pending
    wall = time.perf_counter() - t_start
    pending = log.review_items(limit=1)[0]
    return BuildResult(record_s, record_cpu_s, wall, counts, resolve_s, appeal_s,
                       pending[0]["decision"]["author"] if pending else None)


# -- measuring --------------------------------------------------------------


def median_ms(fn: Callable[[], Any], repeats: int = REPEATS, budget_s: float = 3.0
              ) -> tuple[str, Any]:
    """The median time of `repeats` calls, as text, and the last result.

    A call so slow that the calls so far took over budget_s ends the repeats
    early (the figure then says over how many runs), to keep the run short.
    """
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if sum(times) > budget_s:
            break
    text = f"{statistics.median(times) * 1000:,.1f} ms"
    if len(times) < repeats:
        text += f" ({len(times)} run{'s' if len(times) > 1 else ''})"
    return text, result


def pct(ordered: list[float], p: int) -> float:
    return ordered[min(len(ordered) * p // 100, len(ordered) - 1)]


def secs(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds >= 1 else f"{seconds * 1000:,.0f} ms"


def commit_floor(directory: Path, count: int = 300) -> float:
    """Seconds per tiny write transaction on this disk, as the audit db commits
    (WAL, the default synchronous=FULL): the floor under one record_decision."""
    path = directory / "commit-floor.db"
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        t0 = time.perf_counter()
        for i in range(count):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO t VALUES (?)", [i])
            conn.execute("COMMIT")
        return (time.perf_counter() - t0) / count
    finally:
        conn.close()
        for f in [path, *directory.glob(path.name + "-*")]:
            f.unlink(missing_ok=True)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


@contextmanager
def details_timer(total: list[float]) -> Iterator[None]:
    """Time chain.stored_details_digest (two queries per decision) inside verify()."""
    original = chain.stored_details_digest

    def wrapped(db: Any, ref: str) -> str:
        t0 = time.perf_counter()
        try:
            return original(db, ref)
        finally:
            total[0] += time.perf_counter() - t0

    chain.stored_details_digest = wrapped
    try:
        yield
    finally:
        chain.stored_details_digest = original


def verify(log: AuditLog) -> tuple[float, float, Any]:
    """(seconds, seconds in details digests, report)."""
    spent = [0.0]
    with details_timer(spent):
        seconds, report = timed(log.verify_chain)
    return seconds, spent[0], report


def profile_verify(log: AuditLog, top: int = 14) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(log.verify_chain)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(top)
    return out.getvalue()


def db_bytes(path: Path) -> tuple[int, int]:
    """(main file, -wal file) sizes."""
    wal = path.with_name(path.name + "-wal")
    return path.stat().st_size, wal.stat().st_size if wal.exists() else 0


def size_by_object(path: Path) -> list[tuple[str, int]] | None:
    """Bytes per table/index (dbstat), largest first; None where SQLite lacks dbstat."""
    conn = sqlite3.connect(str(path))
    try:
        rows = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"
                            " ORDER BY 2 DESC").fetchall()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return rows


def machine_facts(db_path: Path) -> list[str]:
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return [
        f"CPUs: {os.cpu_count()} ({affinity} usable){', ' + model if model else ''}",
        f"Python {platform.python_version()} ({platform.python_implementation()}),"
        f" SQLite {sqlite3.sqlite_version}, sqlite-utils {metadata.version('sqlite-utils')}",
        f"platform: {platform.platform()}",
        f"db: {db_path}",
    ]


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, what: str, figure: str, detail: str = "") -> None:
        self.rows.append((what, figure, detail))

    def section(self, title: str) -> None:
        self.rows.append((f"-- {title}", "", ""))

    def render(self) -> str:
        rows = [r for r in self.rows if not r[0].startswith("-- ")]
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        lines = []
        for what, figure, detail in self.rows:
            if what.startswith("-- "):
                lines.append(what)
            else:
                lines.append(f"{what:<{w0}}  {figure:>{w1}}  {detail}".rstrip())
        return "\n".join(lines)


def run(n: int, db_path: Path, profile: bool, batch: int) -> None:
    say = print  # progress goes to stderr; the table to stdout
    def progress(msg: str) -> None:
        print(f"  {msg}", file=sys.stderr, flush=True)

    for line in machine_facts(db_path):
        say(line)
    say(f"decisions: {n:,} over {DAYS} days, seed {SEED}")
    say("")
    sys.stdout.flush()

    t_run = time.perf_counter()
    end = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    log = AuditLog(db_path, text_key=TEXT_KEY)
    table = Table()
    try:
        sync = log.store.db.execute("PRAGMA synchronous").fetchone()[0]
        progress(f"building {db_path} (synchronous={sync}) ...")
        b = build(log, n, end, progress, batch)

        # The outbox worker would have delivered nearly everything: time its
        # mark on a sample, then set the rest as it would (delivered, text dropped).
        with log.store.read() as db:
            refs = [r[0] for r in db.execute(
                "SELECT ref FROM outbox WHERE state = 'pending' ORDER BY created_at")]
        sample = refs[: min(2000, max(len(refs) - 100, 0))]
        t0 = time.perf_counter()
        for ref in sample:
            log.outbox_mark_delivered(ref, upstream_id="1", upstream_url=None, status_code=200)
        deliver_s = time.perf_counter() - t0
        with log.store.write() as db:
            db.execute("UPDATE outbox SET state = 'delivered', text = '', attempts = 1,"
                       " delivered_at = created_at, last_status_code = 200"
                       " WHERE state = 'pending' AND ref NOT IN"
                       " (SELECT ref FROM outbox ORDER BY created_at DESC LIMIT 100)")
        log.store.truncate_wal()
        progress("built; reading ...")

        total_s = sum(b.record_s)
        lat = sorted(b.record_s)
        c = b.counts
        table.section(f"writes: {n:,} decisions (allow {c['allow']:,}, redact {c['redact']:,},"
                      f" flag {c['flag']:,}, block {c['block']:,})")
        if batch == 1:
            table.add("record_decision", f"{n / total_s:,.0f}/s",
                      f"p50 {pct(lat, 50) * 1000:.2f} ms, p99 {pct(lat, 99) * 1000:.2f} ms,"
                      f" max {lat[-1] * 1000:.1f} ms; {total_s:.1f} s in the calls,"
                      f" {b.wall_s:.1f} s with the rest of the build")
        else:
            table.add(f"record_decision, {batch} a transaction", f"{n / total_s:,.0f}/s",
                      f"NOT the proxy's path (one transaction a decision); {total_s:.1f} s in"
                      f" the batches, {b.wall_s:.1f} s with the rest of the build")
        table.add("  CPU time in them", f"{b.record_cpu_s / n * 1000:.2f} ms",
                  f"a decision ({b.record_cpu_s / total_s:.0%} of their time; the rest is"
                  " waiting for the disk, or for a core on a busy machine)")
        first, last = b.record_s[: n // 10], b.record_s[-(n // 10):]
        table.add("  first / last 10% of them",
                  f"{len(first) / sum(first):,.0f} / {len(last) / sum(last):,.0f}/s",
                  "as the db grows")
        floor = commit_floor(db_path.parent)
        table.add("a bare write transaction", f"{1 / floor:,.0f}/s",
                  f"{floor * 1000:.2f} ms: BEGIN, one tiny INSERT, COMMIT on the same disk"
                  " (WAL, synchronous=FULL): the fsync floor")
        if b.resolve_s:
            table.add("resolve_review", f"{len(b.resolve_s) / sum(b.resolve_s):,.0f}/s",
                      f"{len(b.resolve_s):,} reviews (approved {c['approved']:,}, rejected"
                      f" {c['rejected']:,}; appeals approved {c['appeal-approved']:,}, rejected"
                      f" {c['appeal-rejected']:,}); each empties the WAL")
        if b.appeal_s:
            table.add("open_appeal", f"{len(b.appeal_s) / sum(b.appeal_s):,.0f}/s",
                      f"{len(b.appeal_s):,} appeals of blocked posts (text proven by HMAC)")
        if sample:
            table.add("outbox_mark_delivered", f"{len(sample) / deliver_s:,.0f}/s",
                      f"{len(sample):,} rows; the rest set delivered in one UPDATE, untimed")

        with log.store.read() as db:
            chained = db.execute("SELECT seq FROM chain_head").fetchone()[0]
        table.section(f"verify: {chained:,} chained rows (decisions and events)")
        seconds, details, report = verify(log)
        table.add("verify_chain", secs(seconds),
                  f"{report.checked / seconds:,.0f} rows/s, ok={report.ok};"
                  f" {details / seconds:.0%} of it in stored_details_digest (2 queries a decision)")
        profile_text = profile_verify(log) if profile else None

        table.section(f"search_decisions (median of {REPEATS}, limit 50)")
        day = timedelta(days=1)
        since, until = (end - 14 * day).date().isoformat(), end.date().isoformat()
        author = f"user{AUTHORS // 2:03d}"
        cases = [
            ("no filter, first page", {}),
            (f"no filter, offset {DEEP}", {"offset": DEEP}),
            ("action=block", {"action": "block"}),
            ("action=allow", {"action": "allow"}),
            (f"action=allow, offset {DEEP}", {"action": "allow", "offset": DEEP}),
            (f"q={QUERY!r}", {"query": QUERY}),
            (f"q={QUERY!r}, offset {DEEP}", {"query": QUERY, "offset": DEEP}),
            (f"q={QUERY!r} action=allow", {"query": QUERY, "action": "allow"}),
            (f"q={QUERY!r} action=allow, offset {DEEP}",
             {"query": QUERY, "action": "allow", "offset": DEEP}),
            (f"q={QUERY!r} action=block", {"query": QUERY, "action": "block"}),
            (f"q={QUERY!r} author={author}", {"query": QUERY, "author": author}),
            (f"q={QUERY!r} last 14 days", {"query": QUERY, "since": since, "until": until}),
            ("rule=nda-customers", {"rule": "nda-customers"}),
            (f"q={QUERY!r} rule=nda-customers", {"query": QUERY, "rule": "nda-customers"}),
            (f"q={QUERY!r} action+author+14 days",
             {"query": QUERY, "action": "allow", "author": author, "since": since,
              "until": until}),
            ("q='the' (common word)", {"query": "the"}),
            (f"q='the', offset {DEEP}", {"query": "the", "offset": DEEP}),
        ]
        for label, kwargs in cases:
            ms, page = median_ms(lambda kw=kwargs: log.search_decisions(**kw))
            table.add(label, ms, f"{page.total:,} match, {len(page.rows)} rows")

        table.section(f"review_items (median of {REPEATS}, limit 200)")
        review_cases = [
            ("no filter", {}),
            ("rule=nda-customers", {"rule": "nda-customers"}),
            (f"author={b.pending_author}", {"author": b.pending_author}),
            ("group=legal", {"group": "legal"}),
            ("kind=appeal", {"kind": "appeal"}),
            ("min_age=7 days", {"min_age": timedelta(days=7)}),
        ]
        for label, kwargs in review_cases:
            ms, (items, total) = median_ms(lambda kw=kwargs: log.review_items(**kw))
            table.add(label, ms, f"{total:,} pending match, {len(items)} returned")
        ms, _ = median_ms(log.review_filter_options)
        table.add("review_filter_options", ms)

        table.section(f"dashboard (median of {REPEATS})")
        for days in (14, 90):
            ms, stats = median_ms(lambda d=days: log.dashboard_stats(d))
            table.add(f"dashboard_stats({days})", ms,
                      f"{stats.total:,} decisions, {stats.queue_size:,} pending,"
                      f" {stats.reviewed_count:,} reviewed, {stats.appeals:,} appeals")
        ms, _ = median_ms(log.decision_filter_options)
        table.add("decision_filter_options", ms)

        table.section("export")
        with open(os.devnull, "w", encoding="utf-8") as sink:
            seconds, written = timed(
                lambda: write_jsonl(export_decisions(log, None, None), sink))
        table.add("export_decisions + write_jsonl", f"{written / seconds:,.0f} rows/s",
                  f"{written:,} decisions in {seconds:.1f} s, to /dev/null")

        main_b, wal_b = db_bytes(db_path)
        table.section("size")
        table.add("db file", f"{main_b / 1e6:,.1f} MB",
                  f"{main_b / n:,.0f} bytes/decision (WAL {wal_b / 1e6:.1f} MB)")
        objects = size_by_object(db_path)
        if objects:
            top = ", ".join(f"{name} {size / 1e6:.1f}" for name, size in objects[:8])
            table.add("largest objects (MB)", "", top)

        table.section("retention")
        seconds, removed = timed(lambda: log.apply_retention(30))
        table.add("apply_retention(30)", secs(seconds),
                  f"text removed from {removed:,} decisions ({removed / seconds:,.0f}/s)")
        seconds, details, report = verify(log)
        table.add("verify_chain after it", secs(seconds),
                  f"{report.checked / seconds:,.0f} rows/s, ok={report.ok}")
        main_after, wal_after = db_bytes(db_path)
        with log.store.read() as db:
            free = db.execute("PRAGMA freelist_count").fetchone()[0]
            page = db.execute("PRAGMA page_size").fetchone()[0]
        table.add("db file after it", f"{main_after / 1e6:,.1f} MB",
                  f"{free * page / 1e6:.1f} MB of it free pages (no VACUUM);"
                  f" WAL {wal_after / 1e6:.1f} MB")
    finally:
        log.close()

    table.add("whole run", secs(time.perf_counter() - t_run))
    say(table.render())
    if profile_text:
        say("")
        say("cProfile of verify_chain() (by own time):")
        say(profile_text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=100_000, metavar="N",
                        help="decisions to record (default 100000)")
    parser.add_argument("--db", type=Path, help="where to build the db (must not exist);"
                        " default: a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the db afterwards")
    parser.add_argument("--profile", action="store_true",
                        help="also print a cProfile of verify_chain()")
    parser.add_argument("--batch", type=int, default=1, metavar="K",
                        help="record K decisions a write transaction (default 1, as the"
                        " proxy does); more builds faster and shows what group commit gives")
    args = parser.parse_args(argv)
    if args.decisions < 100:
        parser.error("--decisions: at least 100")
    if args.db is not None:
        if args.db.exists():
            parser.error(f"--db: {args.db} exists; give a new path")
        args.db.parent.mkdir(parents=True, exist_ok=True)
        path, cleanup = args.db, None
    else:
        tmp = Path(tempfile.mkdtemp(prefix="gatepost-audit-scale-"))
        path, cleanup = tmp / "audit.db", tmp
    try:
        run(args.decisions, path, args.profile, max(args.batch, 1))
    finally:
        if args.keep:
            print(f"\nkept {path}", file=sys.stderr)
        elif cleanup is not None:
            shutil.rmtree(cleanup, ignore_errors=True)
        else:
            for f in [path, *path.parent.glob(path.name + "-*")]:
                f.unlink(missing_ok=True)


if __name__ == "__main__":
    main()

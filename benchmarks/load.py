"""Load and fault test of `gatepost serve`, from a second process, on loopback.

Run from the repository root with the venv's Python:

    .venv/bin/python benchmarks/load.py [--clients N] [--seconds T]
                                        [--scenario all|steady|upstream-restart|gatepost-kill]
                                        [--threads K] [--drain-seconds S] [--keep]

Each scenario starts, in processes of their own, an upstream (the built-in
microblog, `proxy.microblog.create_microblog`, served by waitress on a free
port with its own SQLite file) and `gatepost serve --config CFG` (the
production server, waitress, with the config's `threads`, default 8),
pointed at it, with the shipped policy and a fresh data dir. Employees are
enrolled with `gatepost users add` before the server starts. Then N client
threads in this process post 280-character posts (70% clean, 30% with a
codename, SSN or AWS key, blocked, or an NDA customer or personal e-mail
address, held) for T seconds, each post with its own Idempotency-Key, and a
post that got no answer (connection error, time-out, 5xx) is retried with
the same key until it is answered.

- steady: the same clients post directly to the microblog's
  POST /api/v1/statuses (the baseline), then through Gatepost; with 1 client
  for T/2 seconds, then with N for T. Added latency is the difference of the
  percentiles (Gatepost's 200-delivered answers minus direct posts).
- upstream-restart: after 35% of T the microblog is SIGKILLed, and started
  again on the same port and db 3 s later; the clients keep posting.
- gatepost-kill: after 35% of T `gatepost serve` is SIGKILLed and started
  again at once on the same port and data dir; the clients retry.

At the end of each scenario the outbox is given --drain-seconds (default 120)
to deliver what is queued, and every post is accounted for: sent, recorded
in the audit db, delivered by the outbox, arrived upstream; no duplicate
upstream, nothing held or blocked upstream, the hash chain verifies (`gatepost
audit verify`), no post text in the server log. The exit status is 1 if any
check fails. benchmarks/README.md says what each figure means.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_clients import (  # noqa: E402
    DirectTarget,
    GatepostTarget,
    PhaseResult,
    PostSource,
    SentPost,
    run_phase,
)
from load_counts import Reconciliation, outbox_undelivered, read_only, reconcile  # noqa: E402
from load_procs import VENV_BIN, Gatepost, MemoryWatch, Microblog, free_port  # noqa: E402

from policies import DEFAULT_POLICY_PATH, load_policy  # noqa: E402
from proxy.config import Config  # noqa: E402

SCENARIOS = ("steady", "upstream-restart", "gatepost-kill")
CHAOS_AT = 0.35  # of the phase's seconds
UPSTREAM_DOWN_SECONDS = 3.0
TARGET_ADDED_P99_MS = 25.0
TARGET_RSS_MB = 400.0


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class ScenarioReport:
    name: str
    lines: list[str] = field(default_factory=list)
    ok: bool = True

    def add(self, line: str = "") -> None:
        self.lines.append(line)
        print(line, flush=True)


class Stage:
    """One scenario's processes, employees and posts, in a folder of its own."""

    def __init__(self, work: Path, args: argparse.Namespace, source: PostSource) -> None:
        self.work = work
        work.mkdir(parents=True)
        self.args = args
        self.source = source
        self.microblog = Microblog(work, secrets.token_urlsafe(24), free_port())
        self.gatepost = Gatepost(work, self.microblog, free_port(), args.threads)
        self.authors: list[str] = []
        self.tokens: dict[str, str] = {}
        self.phases: list[PhaseResult] = []
        self.report: ScenarioReport | None = None

    def event(self, line: str) -> None:
        assert self.report is not None
        self.report.add(f"  {line}")

    def start(self) -> None:
        self.microblog.start()
        for i in range(min(self.args.clients, 16)):
            name = f"load-{i + 1:02d}"
            self.tokens[name] = self.gatepost.add_employee(name)
            self.authors.append(name)
        took = self.gatepost.start()
        self.event(f"gatepost serve pid {self.gatepost.pid} answered /healthz "
                           f"{took:.1f} s after start")

    def gatepost_target(self) -> GatepostTarget:
        return GatepostTarget(self.gatepost.url, self.tokens)

    def direct_target(self) -> DirectTarget:
        return DirectTarget(self.microblog.url, self.microblog.token)

    def run(self, phase: str, target, clients: int, seconds: float,
            chaos: Callable[[float], None] | None = None) -> PhaseResult:
        """A phase; chaos(start_monotonic), if given, runs alongside in a thread."""
        thread = None
        if chaos is not None:
            start = time.monotonic()
            thread = threading.Thread(target=chaos, args=(start,), name="chaos")
            thread.start()
        result = run_phase(phase, target, self.source, self.authors, clients, seconds,
                           give_up_after=self.args.give_up_seconds)
        if thread is not None:
            thread.join()
        self.phases.append(result)
        return result

    def gatepost_posts(self) -> list[SentPost]:
        return [p for r in self.phases if r.target == "gatepost" for p in r.posts]

    def drain(self) -> tuple[float, int]:
        """Wait for the outbox to deliver everything; (seconds waited, rows left)."""
        started = time.monotonic()
        while True:
            left = outbox_undelivered(self.gatepost.db_path)
            if left == 0 or time.monotonic() - started > self.args.drain_seconds:
                return time.monotonic() - started, left
            time.sleep(0.25)

    def stop(self) -> None:
        self.gatepost.stop()
        self.microblog.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="seconds each loaded phase posts for (20)")
    parser.add_argument("--scenario", choices=("all", *SCENARIOS), default="all")
    parser.add_argument("--threads", type=int, default=None,
                        help="`threads` in Gatepost's config (default: not set, i.e. "
                             f"{Config().threads})")
    parser.add_argument("--drain-seconds", type=float, default=120.0,
                        help="how long to wait for the outbox to deliver at the end (120)")
    parser.add_argument("--give-up-seconds", type=float, default=120.0,
                        help="how long past the end a client keeps retrying a post (120)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scenario folders (dbs, config, server logs)")
    args = parser.parse_args(argv)

    policy = load_policy(DEFAULT_POLICY_PATH)
    source = PostSource(policy.term_lists)
    base = Path(tempfile.mkdtemp(prefix="gatepost-load-"))
    print_machine(args)
    reports: list[ScenarioReport] = []
    chosen = SCENARIOS if args.scenario == "all" else (args.scenario,)
    try:
        for name in chosen:
            stage = Stage(base / name, args, source)
            report = ScenarioReport(name)
            reports.append(report)
            try:
                run_scenario(name, stage, report)
            finally:
                stage.stop()
    finally:
        if args.keep:
            print(f"\nkept: {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print("\n== summary ==")
    for r in reports:
        print(f"{r.name:<18} {'PASS' if r.ok else 'FAIL'}")
    return 0 if all(r.ok for r in reports) else 1


def print_machine(args: argparse.Namespace) -> None:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    threads = args.threads if args.threads is not None else f"{Config().threads} (default)"
    print("== machine ==")
    print(f"cores: {os.cpu_count()} ({len(os.sched_getaffinity(0))} usable), {cpu}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"waitress {metadata.version('waitress')}, requests {metadata.version('requests')}, "
          f"{platform.system()} {platform.release()}")
    print(f"gatepost serve: waitress, threads {threads}; upstream: the built-in microblog "
          "in its own process (waitress, 8 threads); clients: threads of this process")
    print(f"clients {args.clients}, {args.seconds:g} s per loaded phase, 280-character posts")
    print("all three processes share the machine's cores: the clients' own time is part "
          "of every latency, direct and through Gatepost alike")


def run_scenario(name: str, stage: Stage, report: ScenarioReport) -> None:
    args = stage.args
    n, t = args.clients, args.seconds
    report.add(f"\n== scenario: {name} ==")
    stage.report = report
    stage.start()
    watch_pid = lambda: stage.gatepost.pid  # noqa: E731 - follows restarts
    with MemoryWatch(watch_pid) as memory:
        # Warm-up: the first posts load lazy parts; not measured, but counted.
        stage.run("warm-up", stage.gatepost_target(), 2, 2.0)
        if name == "steady":
            stage.run("warm-up direct", stage.direct_target(), 2, 1.0)
            pairs = []
            for clients, seconds in ((1, max(2.0, t / 2)), (n, t)):
                direct = stage.run(f"direct {clients}", stage.direct_target(), clients, seconds)
                through = stage.run(f"gatepost {clients}", stage.gatepost_target(), clients,
                                    seconds)
                pairs.append((direct, through))
            latency_table(report, pairs)
        elif name == "upstream-restart":
            def chaos(start: float) -> None:
                time.sleep(max(0.0, start + CHAOS_AT * t - time.monotonic()))
                at = time.monotonic() - start
                stage.microblog.kill()
                time.sleep(UPSTREAM_DOWN_SECONDS)
                took = stage.microblog.start()
                stage.event(
                    f"microblog SIGKILLed at t={at:.1f} s, started again at "
                    f"t={at + UPSTREAM_DOWN_SECONDS:.1f} s, answering {took:.1f} s later "
                    f"(down {UPSTREAM_DOWN_SECONDS + took:.1f} s)")
            result = stage.run(f"gatepost {n}", stage.gatepost_target(), n, t, chaos)
            latency_table(report, [(None, result)])
        else:
            def chaos(start: float) -> None:
                time.sleep(max(0.0, start + CHAOS_AT * t - time.monotonic()))
                at = time.monotonic() - start
                old = stage.gatepost.pid
                memory.sample()
                stage.gatepost.kill()
                took = stage.gatepost.start()
                stage.event(
                    f"gatepost serve (pid {old}) SIGKILLed at t={at:.1f} s; a new one "
                    f"(pid {stage.gatepost.pid}) answered /healthz {took:.1f} s later")
            result = stage.run(f"gatepost {n}", stage.gatepost_target(), n, t, chaos)
            latency_table(report, [(None, result)])
        waited, left = stage.drain()
        memory.sample()
    stage.event(f"outbox drained in {waited:.1f} s after the clients stopped"
                        if not left else
                        f"outbox NOT drained: {left} row(s) undelivered after {waited:.0f} s")
    undelivered = undelivered_rows(stage) if left else []
    stage.stop()
    answers_and_errors(report, stage)
    report.add(f"  gatepost serve memory: RSS peak {memory.peak_kb / 1024:.0f} MB sampled "
               f"every 0.2 s, VmHWM {memory.hwm_kb / 1024:.0f} MB, last RSS "
               f"{memory.last_kb / 1024:.0f} MB, {memory.threads} OS threads "
               f"(target: under {TARGET_RSS_MB:.0f} MB per worker: "
               f"{'PASS' if memory.hwm_kb / 1024 < TARGET_RSS_MB else 'MISS'})")
    decision_times(report, stage)
    rec = reconcile(stage.gatepost_posts(), stage.gatepost.db_path,
                    (stage.gatepost.data_dir / "secret_key").read_text().strip(),
                    stage.microblog.db_path)
    verify = audit_verify(stage)
    rec.check("gatepost audit verify: hash chain intact", verify[0], verify[1])
    leaks = log_leaks(stage)
    rec.check("no post text or planted value in the server log", not leaks,
              f"{len(leaks)} found" + (f", e.g. {leaks[0]!r}" if leaks else ""))
    print_reconciliation(report, rec, undelivered)
    report.ok = rec.ok


def latency_table(report: ScenarioReport,
                  pairs: list[tuple[PhaseResult | None, PhaseResult]]) -> None:
    report.add(f"  {'phase':<34}{'clients':>8}{'answers':>9}{'req/s':>8}"
               f"{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")

    def row(label: str, result: PhaseResult, values: list[float], count: int) -> None:
        rate = result.answered / result.seconds if result.seconds else 0.0
        report.add(f"  {label:<34}{result.clients:>8}{count:>9}{rate:>8.1f}"
                   f"{pct(values, 50):>9.1f}{pct(values, 99):>9.1f}"
                   f"{max(values, default=float('nan')):>9.1f}")

    for direct, through in pairs:
        if direct is not None:
            values = direct.latencies.get("posted", [])
            row("direct to the microblog", direct, values, len(values))
        every = through.all_latencies()
        row("through Gatepost, every answer", through, every, len(every))
        for answer in ("delivered", "queued", "held", "blocked"):
            values = through.latencies.get(answer, [])
            if values:
                label = {"delivered": "200 delivered", "queued": "202 queued",
                         "held": "202 held (flag)", "blocked": "422 blocked"}[answer]
                report.add(f"    {label:<32}{'':>8}{len(values):>9}{'':>8}"
                           f"{pct(values, 50):>9.1f}{pct(values, 99):>9.1f}"
                           f"{max(values):>9.1f}")
        if direct is not None:
            d = direct.latencies.get("posted", [])
            g = through.latencies.get("delivered", [])
            a50, a99 = pct(g, 50) - pct(d, 50), pct(g, 99) - pct(d, 99)
            verdict = "PASS" if a99 < TARGET_ADDED_P99_MS else "MISS"
            report.add(f"    added latency, {through.clients} client(s): p50 {a50:+.1f} ms, "
                       f"p99 {a99:+.1f} ms (target p99 < {TARGET_ADDED_P99_MS:.0f} ms: "
                       f"{verdict})")
    report.add("    added latency = percentile of Gatepost's 200-delivered answers minus the "
               "same percentile of direct posts, each measured by the client around its "
               "HTTP request (a difference of percentiles, not a percentile of differences)")


def answers_and_errors(report: ScenarioReport, stage: Stage) -> None:
    for result in stage.phases:
        answers = Counter(p.answer or "unanswered" for p in result.posts)
        retried = sum(1 for p in result.posts if p.attempts > 1)
        errors = ", ".join(f"{k} {v}" for k, v in result.errors.most_common()) or "none"
        report.add(f"  {result.phase:<16} {result.clients:>2} client(s) {result.seconds:5.1f} s: "
                   f"{len(result.posts)} posts, "
                   + ", ".join(f"{k} {v}" for k, v in sorted(answers.items()))
                   + f"; failed attempts: {errors}; posts retried {retried}")


def decision_times(report: ScenarioReport, stage: Stage) -> None:
    with read_only(stage.gatepost.db_path) as conn:
        values = [r[0] for r in conn.execute("SELECT total_ms FROM decisions")]
    report.add(f"  scan+decide inside Gatepost (decisions.total_ms, {len(values)} posts): "
               f"p50 {pct(values, 50):.1f} ms, p99 {pct(values, 99):.1f} ms")


def undelivered_rows(stage: Stage) -> list[str]:
    with read_only(stage.gatepost.db_path) as conn:
        rows = conn.execute(
            "SELECT ref, state, attempts, last_error, last_status_code, next_attempt_at,"
            " claimed_by, lease_until FROM outbox WHERE state IN ('pending', 'sending')"
            " ORDER BY created_at LIMIT 10").fetchall()
    now = time.time()
    return [f"undelivered outbox row {r['ref']}: state {r['state']}, attempts {r['attempts']}, "
            f"last_error {r['last_error']!r}, status {r['last_status_code']}, next attempt in "
            f"{(r['next_attempt_at'] or now) - now:.1f} s, claimed_by {r['claimed_by']}, "
            f"lease ends in {(r['lease_until'] or now) - now:.1f} s" for r in rows]


def audit_verify(stage: Stage) -> tuple[bool, str]:
    done = subprocess.run([str(VENV_BIN / "gatepost"), "audit", "verify", "--db",
                           str(stage.gatepost.db_path)], capture_output=True, text=True)
    out = " ".join((done.stdout + done.stderr).split())
    return done.returncode == 0, out


def log_leaks(stage: Stage) -> list[str]:
    """Post texts (their first 40 characters) or planted items found in the server log."""
    log = stage.gatepost.log_path.read_text(encoding="utf-8", errors="replace")
    found = []
    for post in stage.gatepost_posts():
        if post.text[:40] in log:
            found.append(post.text[:40])
        elif post.item and len(post.item) >= 8 and post.item in log:
            found.append(post.item)
    return found


def print_reconciliation(report: ScenarioReport, rec: Reconciliation,
                         undelivered: list[str]) -> None:
    report.add("  counts:")
    for label, value in rec.rows:
        report.add(f"    {label:<60} {value}")
    report.add("  checks:")
    for name, ok, detail in rec.checks:
        report.add(f"    {'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""))
    for line in rec.warnings:
        report.add(f"    note: {line}")
    for line in undelivered + rec.problems:
        report.add(f"    problem: {line}")


if __name__ == "__main__":
    sys.exit(main())

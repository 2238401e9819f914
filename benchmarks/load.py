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
import dataclasses
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
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
from load_counts import (  # noqa: E402
    outbox_undelivered,
    outbox_waiting,
    read_only,
    reconcile,
)
from load_procs import (  # noqa: E402
    VENV_BIN,
    Gatepost,
    MemoryWatch,
    Microblog,
    cpu_seconds,
    free_port,
    machine_busy_seconds,
)
from load_report import (  # noqa: E402
    ScenarioReport,
    answers_and_errors,
    decision_times,
    latency_table,
    memory_line,
    print_machine,
    print_reconciliation,
    retried_report,
    timeline,
    utc_now,
)

from policies import DEFAULT_POLICY_PATH, load_policy  # noqa: E402
from proxy.config import Config  # noqa: E402

SCENARIOS = ("steady", "upstream-restart", "gatepost-kill")
CHAOS_AT = 0.35  # of the phase's seconds
UPSTREAM_DOWN_SECONDS = 3.0


def extra_config() -> dict[str, object]:
    """Config keys besides the defaults: the per-employee rate limit off, where there is one.

    The clients send far more than an employee would (each of them hundreds
    of posts a minute); the limit would answer most of them 429.
    """
    known = {f.name for f in dataclasses.fields(Config)}
    return {"rate_limit_per_minute": 0} if "rate_limit_per_minute" in known else {}


class Stage:
    """One scenario's processes, employees and posts, in a folder of its own."""

    def __init__(self, work: Path, args: argparse.Namespace, source: PostSource) -> None:
        self.work = work
        work.mkdir(parents=True)
        self.args = args
        self.source = source
        self.microblog = Microblog(work, secrets.token_urlsafe(24), free_port())
        self.gatepost = Gatepost(work, self.microblog, free_port(), args.threads,
                                 extra_config())
        self.authors: list[str] = []
        self.tokens: dict[str, str] = {}
        self.phases: list[PhaseResult] = []
        self.report: ScenarioReport | None = None
        self.kill_times: list[str] = []  # UTC ISO times Gatepost was SIGKILLed

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
        backlog = Backlog(self.gatepost.db_path) if chaos is not None else None
        if backlog is not None:
            backlog.start()
        cpu_before = self.cpu()
        result = run_phase(phase, target, self.source, self.authors, clients, seconds,
                           give_up_after=self.args.give_up_seconds)
        if chaos is None:  # the pids stay the same: CPU time is comparable
            cpu_after = self.cpu()
            result.cpu = {k: cpu_after[k] - v for k, v in cpu_before.items()
                          if v is not None and cpu_after.get(k) is not None}
        if thread is not None:
            thread.join()
        if backlog is not None:
            backlog.stop()
            self.event(backlog.summary())
            self.event(timeline(result))
        self.phases.append(result)
        return result

    def cpu(self) -> dict[str, float | None]:
        times = os.times()
        return {"gatepost": cpu_seconds(self.gatepost.pid),
                "microblog": cpu_seconds(self.microblog.pid),
                "clients": times.user + times.system, "machine": machine_busy_seconds()}

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


class Backlog(threading.Thread):
    """Samples the outbox's pending rows (read-only) every 0.25 s during a phase.

    Pending rows are the queued ones: a failed attempt behind them, waiting
    for a retry. Rows being sent for the first time ("sending") are not
    counted: under load there are always some.
    """

    def __init__(self, audit_db: Path) -> None:
        super().__init__(name="backlog", daemon=True)
        self.audit_db = audit_db
        self.samples: list[tuple[float, int]] = []  # (seconds since start, rows)
        self._stop_event = threading.Event()

    def run(self) -> None:
        started = time.monotonic()
        while not self._stop_event.wait(0.25):
            try:
                self.samples.append((time.monotonic() - started,
                                     outbox_waiting(self.audit_db)))
            except sqlite3.Error:
                pass  # the db may be mid-restart

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def summary(self) -> str:
        if not self.samples:
            return "outbox backlog: not sampled"
        peak_t, peak = max(self.samples, key=lambda s: s[1])
        if peak == 0:
            return "outbox backlog (pending rows, queued for a retry): none at any sample"
        busy = [t for t, n in self.samples if n > 0]
        line = (f"outbox backlog (pending rows, queued for a retry): peak {peak} at "
                f"t={peak_t:.1f} s")
        if peak and busy:
            empty_after = [t for t, n in self.samples if t > busy[-1] and n == 0]
            line += (f", none left from t={empty_after[0]:.1f} s" if empty_after
                     else f", still {self.samples[-1][1]} at the end of the phase")
        return line


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
    parser.add_argument("--kills", type=int, default=1,
                        help="gatepost-kill: how many times to SIGKILL Gatepost in the phase (1)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scenario folders (dbs, config, server logs)")
    args = parser.parse_args(argv)

    policy = load_policy(DEFAULT_POLICY_PATH)
    source = PostSource(policy.term_lists)
    base = Path(tempfile.mkdtemp(prefix="gatepost-load-"))
    print_machine(args, Config().threads, extra_config())
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


def run_scenario(name: str, stage: Stage, report: ScenarioReport) -> None:
    """Start the servers, run the scenario's phases, drain, then count and check."""
    report.add(f"\n== scenario: {name} ==")
    stage.report = report
    stage.start()
    with MemoryWatch(lambda: stage.gatepost.pid) as memory:  # follows restarts
        # Warm-up: the first posts load lazy parts; not timed, but counted.
        stage.run("warm-up", stage.gatepost_target(), 2, 2.0)
        PHASES[name](stage, memory)
        waited, left = stage.drain()
        memory.sample()
    stage.event(f"outbox drained in {waited:.1f} s after the clients stopped" if not left
                else f"outbox NOT drained: {left} row(s) undelivered after {waited:.0f} s")
    undelivered = undelivered_rows(stage) if left else []
    stage.stop()
    answers_and_errors(report, stage)
    memory_line(report, memory)
    decision_times(report, stage)
    if stage.kill_times:
        retried_report(report, stage)
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


def steady(stage: Stage, memory: MemoryWatch) -> None:
    """Direct to the upstream, then through Gatepost: 1 client, then N."""
    n, t = stage.args.clients, stage.args.seconds
    stage.run("warm-up direct", stage.direct_target(), 2, 1.0)
    pairs = []
    for clients, seconds in ((1, max(2.0, t / 2)), (n, t)):
        direct = stage.run(f"direct {clients}", stage.direct_target(), clients, seconds)
        through = stage.run(f"gatepost {clients}", stage.gatepost_target(), clients, seconds)
        pairs.append((direct, through))
    latency_table(stage.report, pairs)


def upstream_restart(stage: Stage, memory: MemoryWatch) -> None:
    """N clients through Gatepost; the microblog SIGKILLed and restarted 3 s later."""
    n, t = stage.args.clients, stage.args.seconds

    def chaos(start: float) -> None:
        time.sleep(max(0.0, start + CHAOS_AT * t - time.monotonic()))
        at = time.monotonic() - start
        stage.microblog.kill()
        time.sleep(UPSTREAM_DOWN_SECONDS)
        took = stage.microblog.start()
        stage.event(f"microblog SIGKILLed at t={at:.1f} s, started again at "
                    f"t={at + UPSTREAM_DOWN_SECONDS:.1f} s, answering {took:.1f} s later "
                    f"(down {UPSTREAM_DOWN_SECONDS + took:.1f} s)")

    result = stage.run(f"gatepost {n}", stage.gatepost_target(), n, t, chaos)
    latency_table(stage.report, [(None, result)])


def gatepost_kill(stage: Stage, memory: MemoryWatch) -> None:
    """N clients through Gatepost; `gatepost serve` SIGKILLed and restarted at once."""
    n, t = stage.args.clients, stage.args.seconds
    kills = max(1, stage.args.kills)
    fractions = [CHAOS_AT] if kills == 1 else [0.2 + 0.6 * i / (kills - 1)
                                                for i in range(kills)]

    def chaos(start: float) -> None:
        for fraction in fractions:
            time.sleep(max(0.0, start + fraction * t - time.monotonic()))
            at = time.monotonic() - start
            old = stage.gatepost.pid
            memory.sample()
            stage.kill_times.append(utc_now())
            stage.gatepost.kill()
            took = stage.gatepost.start()
            stage.event(f"gatepost serve (pid {old}) SIGKILLed at t={at:.1f} s; a new one "
                        f"(pid {stage.gatepost.pid}) answered /healthz {took:.1f} s later")

    result = stage.run(f"gatepost {n}", stage.gatepost_target(), n, t, chaos)
    latency_table(stage.report, [(None, result)])


PHASES = {"steady": steady, "upstream-restart": upstream_restart,
          "gatepost-kill": gatepost_kill}


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


if __name__ == "__main__":
    sys.exit(main())

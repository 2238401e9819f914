"""What benchmarks/load.py prints: the machine, latency tables, counts and checks.

Every line goes through ScenarioReport.add, which prints it at once (a run
takes minutes; progress shows as it goes).
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from load_clients import PhaseResult
from load_counts import Reconciliation, decisions_of, read_only

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


def timeline(result: PhaseResult) -> str:
    """Answers per second of a phase, second by second."""
    counts = Counter(int(p.answered_at - result.started) for p in result.posts
                     if p.answered_at is not None)
    last = max(counts, default=-1)
    return "answers per second: " + " ".join(str(counts[s]) for s in range(last + 1))


def print_machine(args: argparse.Namespace, default_threads: int,
                  extra: dict[str, object]) -> None:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    threads = args.threads if args.threads is not None else f"{default_threads} (default)"
    print("== machine ==")
    print(f"cores: {os.cpu_count()} ({len(os.sched_getaffinity(0))} usable), {cpu}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
          f"waitress {metadata.version('waitress')}, requests {metadata.version('requests')}, "
          f"{platform.system()} {platform.release()}")
    print(f"gatepost serve: waitress, threads {threads}; upstream: the built-in microblog "
          "in its own process (waitress, 8 threads); clients: threads of this process")
    keys = ", ".join(f"{k}: {v}" for k, v in extra.items())
    print("gatepost config: the shipped policy, policy_reload_seconds: 0"
          + (f", {keys}" if keys else "") + "; every other key at its default")
    print(f"clients {args.clients}, {args.seconds:g} s per loaded phase, 280-character posts")
    print("all three processes share the machine's cores: the clients' own time is part "
          "of every latency, direct and through Gatepost alike")


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
            cpu_line(report, direct)
        every = through.all_latencies()
        row("through Gatepost, every answer", through, every, len(every))
        cpu_line(report, through)
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
    if any(direct is not None for direct, _ in pairs):
        report.add("    added latency = percentile of Gatepost's 200-delivered answers minus the "
                   "same percentile of direct posts, each measured by the client around its "
                   "HTTP request (a difference of percentiles, not a percentile of "
                   "differences)")


def cpu_line(report: ScenarioReport, result: PhaseResult) -> None:
    """CPU milliseconds each process spent per answered request in the phase."""
    if not result.cpu or not result.answered:
        return
    ours = {k: v for k, v in result.cpu.items() if k != "machine"}
    parts = [f"{name} {seconds * 1000 / result.answered:.1f}" for name, seconds in ours.items()]
    busy = sum(ours.values()) / result.seconds
    others = max(0.0, result.cpu.get("machine", 0.0) / result.seconds - busy)
    report.add(f"    CPU ms per answer: {', '.join(parts)}; cores busy: these three "
               f"{busy:.2f}, other work on the machine {others:.2f}, of "
               f"{os.cpu_count()}")


def answers_and_errors(report: ScenarioReport, stage: Any) -> None:
    for result in stage.phases:
        answers = Counter(p.answer or "unanswered" for p in result.posts)
        retried = sum(1 for p in result.posts if p.attempts > 1)
        errors = ", ".join(f"{k} {v}" for k, v in result.errors.most_common()) or "none"
        report.add(f"  {result.phase:<16} {result.clients:>2} client(s) {result.seconds:5.1f} s: "
                   f"{len(result.posts)} posts, "
                   + ", ".join(f"{k} {v}" for k, v in sorted(answers.items()))
                   + f"; failed attempts: {errors}; posts retried {retried}")


def decision_times(report: ScenarioReport, stage: Any) -> None:
    with read_only(stage.gatepost.db_path) as conn:
        values = [r[0] for r in conn.execute("SELECT total_ms FROM decisions")]
    report.add(f"  scan+decide inside Gatepost (decisions.total_ms, {len(values)} posts): "
               f"p50 {pct(values, 50):.1f} ms, p99 {pct(values, 99):.1f} ms")


def retried_report(report: ScenarioReport, stage: Any) -> None:
    """Which retried posts the killed process had already recorded: the hard case."""
    retried = [p for p in stage.gatepost_posts() if p.attempts > 1]
    decisions = decisions_of(retried, stage.gatepost.db_path,
                             (stage.gatepost.data_dir / "secret_key").read_text().strip())
    early = Counter()
    for p in retried:
        kill = min((k for k in stage.kill_times if k > p.first_sent), default=None)
        first = decisions[p.key][0]["created_at"] if decisions[p.key] else None
        if kill is not None and first is not None and first < kill:
            early[p.answer] += 1
    report.add(f"  posts retried: {len(retried)}; of them recorded by the process that was "
               f"killed before it answered: {sum(early.values())}"
               + (" (" + ", ".join(f"answered {k} {v}" for k, v in sorted(early.items())) + ")"
                  if early else ""))


def utc_now() -> str:
    """As audit.db.utc_now: ISO 8601 UTC with milliseconds, comparable to created_at."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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


def memory_line(report: ScenarioReport, memory: Any) -> None:
    """Resident memory of gatepost serve over the scenario, against the target."""
    verdict = "PASS" if memory.hwm_kb / 1024 < TARGET_RSS_MB else "MISS"
    report.add(f"  gatepost serve memory: RSS peak {memory.peak_kb / 1024:.0f} MB sampled "
               f"every 0.2 s, VmHWM {memory.hwm_kb / 1024:.0f} MB, last RSS "
               f"{memory.last_kb / 1024:.0f} MB, {memory.threads} OS threads "
               f"(target: under {TARGET_RSS_MB:.0f} MB per worker: {verdict})")

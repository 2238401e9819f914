"""Timing for benchmarks/scan_speed.py: one core, no network, interleaved timed passes."""

from __future__ import annotations

import gc
import os
import socket
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASSES = 3
CHUNK = 10  # posts per turn of a runner in interleaved passes


def pin_to_one_core() -> str:
    """Pin this process to the allowed CPU that was least busy over a short sample.

    Near-ties go to the last CPU: other pinned jobs tend to take the first.
    """
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned: no sched_setaffinity here"
    allowed = sorted(os.sched_getaffinity(0), reverse=True)
    first = cpu_busy()
    time.sleep(1.0)
    busy = {c: cpu_busy().get(c, 0) - first.get(c, 0) for c in allowed}
    cpu = min(allowed, key=lambda c: busy[c] // 20)  # in 1/100 s ticks: 20% of a second
    os.sched_setaffinity(0, {cpu})
    return f"pinned to cpu {cpu} of {len(allowed)}"


def cpu_busy() -> dict[int, int]:
    """Busy clock ticks per CPU since boot, from /proc/stat (empty where there is none)."""
    try:
        lines = Path("/proc/stat").read_text().splitlines()
    except OSError:
        return {}
    out = {}
    for line in lines:
        name, *ticks = line.split()
        if name.startswith("cpu") and name[3:].isdigit():
            values = [int(t) for t in ticks]
            out[int(name[3:])] = sum(values) - values[3] - values[4]  # minus idle, iowait
    return out


def refuse_network() -> None:
    """Any connection attempt fails loudly: the benchmark is offline."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("scan_speed: network access is disabled in this benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


@dataclass
class Measurement:
    """Timed passes of one runner over its posts; a pass is timed chunk by chunk."""

    n: int  # posts per pass
    walls: list[float] = field(default_factory=list)  # seconds per pass (perf_counter)
    cpus: list[float] = field(default_factory=list)  # CPU seconds per pass
    latencies: list[float] = field(default_factory=list)  # seconds per call, all passes
    outputs: list[Any] = field(default_factory=list)  # of the last complete pass
    _pass_outputs: list[Any] = field(default_factory=list)
    _wall: float = 0.0
    _cpu: float = 0.0

    def run(self, fn: Callable[[str], Any], texts: Sequence[str]) -> None:
        """Time fn on each text, adding to the current pass."""
        perf = time.perf_counter
        cpu, wall = time.process_time(), perf()
        for text in texts:
            started = perf()
            self._pass_outputs.append(fn(text))
            self.latencies.append(perf() - started)
        self._wall += perf() - wall
        self._cpu += time.process_time() - cpu

    def end_pass(self) -> None:
        self.walls.append(self._wall)
        self.cpus.append(self._cpu)
        self.outputs, self._pass_outputs = self._pass_outputs, []
        self._wall = self._cpu = 0.0

    @property
    def rate(self) -> float:
        """posts per CPU second of this (pinned, single-threaded) process, median of the passes

        CPU time rather than wall time: on a shared machine the wall clock also
        counts the time other jobs held the core.
        """
        return statistics.median(self.n / c for c in self.cpus)

    @property
    def wall_rate(self) -> float:
        """posts per wall-clock second (perf_counter), median of the passes"""
        return statistics.median(self.n / w for w in self.walls)

    @property
    def spread(self) -> str:
        """half the min..max range of the passes' posts/s, relative to the median"""
        rates = [self.n / c for c in self.cpus]
        return f"±{(max(rates) - min(rates)) / 2 / self.rate:.0%}"

    @property
    def preempted(self) -> float:
        """share of the wall-clock time this process was not running (others held the core)"""
        return max(0.0, 1 - sum(self.cpus) / sum(self.walls))

    def ms(self, q: int) -> float:
        """q-th percentile of the per-call latency, in ms"""
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


def interleaved(
    runners: Mapping[str, tuple[Callable[[str], Any], Sequence[Sequence[str]]]],
) -> dict[str, Measurement]:
    """PASSES timed passes of each runner: name -> (function, its posts for each pass).

    Each pass can have posts of its own, so that a cache of results by text
    (Gatepost has one) does not turn later passes into cache hits. The runners
    take turns every CHUNK posts, in reverse order on odd passes, so that the
    machine's drift, which on a shared host is larger than the differences
    measured, hits all of them alike.
    """
    out = {name: Measurement(len(passes[0])) for name, (_, passes) in runners.items()}
    for i in range(PASSES):
        order = list(runners.items())[:: -1 if i % 2 else 1]
        longest = max(len(passes[i]) for _, passes in runners.values())
        for at in range(0, longest, CHUNK):
            for name, (fn, passes) in order:
                out[name].run(fn, passes[i][at : at + CHUNK])
        for m in out.values():
            m.end_pass()
        gc.collect()
    return out

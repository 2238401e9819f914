"""benchmarks/scan_speed.py in a small run, so the benchmark never rots.

Speed is judged by the benchmark's own full run, not here: this checks that a
run prints every table and target, and the recall lines, which do not depend
on the machine's speed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "scan_speed.py"
TARGETS = (
    "throughput >= 10x presidio, 80-char posts:",
    "throughput >= 10x presidio, 280-char posts:",
    "recall equal or better on every planted kind: PASS",
    "recall equal or better on the labelled corpus: PASS",
    "10 (30) -> 10,000 terms costs <= 10% throughput:",
    "throughput >= 5x presidio, policy with a context-gated NER rule, 280-char posts:",
)


def test_a_small_run_prints_every_target_and_gatepost_recall_holds():
    run = subprocess.run([sys.executable, str(BENCHMARK), "--posts", "10"], capture_output=True,
                         text=True, timeout=300, cwd=BENCHMARK.parent.parent)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    for target in TARGETS:
        assert target in out, f"missing target line: {target}"
    assert "Policy with a context-gated NER rule" in out
    assert "Gatepost ran the spaCy model on" in out
    assert "Gatepost evaluations had detector errors" not in out  # every post scanned whole

"""Small runs of benchmarks/audit_scale.py and benchmarks/load.py, so neither rots.

Their figures are judged by their own full runs; these check what does not
depend on the machine's speed: the chain verifies, and under load every post
is accounted for (each check of load.py's reconciliation says ok).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


def run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], capture_output=True,
                          text=True, timeout=240, cwd=BENCHMARKS.parent)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_audit_scale_at_300_decisions_verifies_the_chain_before_and_after_retention():
    out = run("audit_scale.py", "--decisions", "300")
    verified = [line for line in out.splitlines() if line.startswith("verify_chain")]
    assert len(verified) == 2 and all("ok=True" in line for line in verified)


def test_a_short_steady_load_reconciles_every_post():
    out = run("load.py", "--clients", "2", "--seconds", "2", "--scenario", "steady",
              "--drain-seconds", "30", "--give-up-seconds", "15")
    checks = [line.strip() for line in out.splitlines() if line.startswith("    ok ")
              or line.startswith("    FAIL")]
    assert len(checks) >= 10 and all(line.startswith("ok ") for line in checks), checks
    assert "steady             PASS" in out

"""benchmarks/worst_case.py --quick runs in the suite, so the worst-case table never rots."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "worst_case.py"
WORST = re.compile(r"^worst whole scan .*: ([\d.]+) ms\s+target <= 50 ms\s+(PASS|MISS)$")


def test_quick_run_prints_every_recognizer_and_the_worst_scan(capsys):
    module = runpy.run_path(str(BENCHMARK))
    assert module["main"](["--quick"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("IssuedSsnRecognizer") for line in lines)
    assert any(line.startswith("UrlRecognizer") for line in lines)  # outside the policy too
    worst = [m for m in map(WORST.match, lines) if m]
    assert len(worst) == 1
    # The target is the benchmark's to judge (timing on a shared machine); the suite
    # only guards against a quadratic corner coming back (4.5 s before).
    assert float(worst[0][1]) < 2000

"""benchmarks/secrets_recall.py --quick runs in the suite, so the comparison never rots."""

from __future__ import annotations

import re
import runpy
import sys
from pathlib import Path

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "secrets_recall.py"
ROW = re.compile(r"^dev\s+(detect-secrets|gatepost)\s+(\d+)/(\d+) = [\d.]+\s+(\d+)/(\d+) = [\d.]+$")


def test_quick_run_prints_both_tools_on_the_dev_corpus(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", [str(BENCHMARK), "--quick"])
    module = runpy.run_path(str(BENCHMARK))
    assert module["main"](["--quick"]) == 0
    rows = {m[1]: m.groups()[1:] for m in map(ROW.match, capsys.readouterr().out.splitlines()) if m}
    assert set(rows) == {"detect-secrets", "gatepost"}
    found, secrets, false_hits, allowed = map(int, rows["gatepost"])
    assert secrets > 0 and allowed > 0
    assert found == secrets and false_hits == 0  # the catalogue finds every dev secret post

"""Detector time budget: a detector that returns after its budget counts as failed,
its findings are dropped, and the gateway holds the post (gatepost.detector-error).
"""

from __future__ import annotations

import dataclasses
import time

import pytest
import requests

from detectors import Finding, Scanner, build_scanner
from detectors.scanner import BUDGET_MS


class FakeClock:
    """perf_counter stand-in: time moves only when a detector says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class SlowDetector:
    """Finds "Falcon" at 0..6 and takes `seconds` on the clock doing it."""

    def __init__(self, name: str, clock: FakeClock | None, seconds: float) -> None:
        self.name = name
        self.clock = clock
        self.seconds = seconds

    def detect(self, text: str) -> list[Finding]:
        if self.clock is None:
            time.sleep(self.seconds)
        else:
            self.clock.now += self.seconds
        return [Finding(self.name, "term", "codenames", 0, 6, 1.0, "Falcon")]


@pytest.mark.parametrize(
    ("seconds", "budget_ms", "error"),
    [
        (0.5, 100, "exceeded its time budget of 100 ms (took 500 ms)"),
        (2.5, BUDGET_MS, "exceeded its time budget of 2000 ms (took 2500 ms)"),
        (0.1, 100, None),  # exactly the budget is within it
        (60.0, 0, None),  # 0: no budget
    ],
)
def test_detector_past_its_budget_fails_and_its_findings_are_dropped(
    seconds: float, budget_ms: float, error: str | None
) -> None:
    clock = FakeClock()
    scanner = Scanner([SlowDetector("slow", clock, seconds), SlowDetector("quick", clock, 0)],
                      budget_ms=budget_ms, clock=clock)
    result = scanner.scan("Falcon lands")
    assert result.timings_ms["slow"] == pytest.approx(seconds * 1000)
    if error is None:
        assert result.ok and {f.detector for f in result.findings} == {"slow", "quick"}
    else:
        assert result.errors == {"slow": error}
        assert [f.detector for f in result.findings] == ["quick"]


def test_a_real_sleep_past_the_budget_is_caught_without_a_fake_clock() -> None:
    result = Scanner([SlowDetector("slow", None, 0.05)], budget_ms=10).scan("Falcon")
    assert result.errors["slow"].startswith("exceeded its time budget of 10 ms (took ")
    assert result.findings == ()


def test_a_scan_over_budget_is_not_cached() -> None:
    clock = FakeClock()
    slow = SlowDetector("slow", clock, 1.0)
    scanner = Scanner([slow], budget_ms=500, clock=clock)
    assert not scanner.scan("Falcon").ok
    slow.seconds = 0.1
    assert scanner.scan("Falcon").ok


def test_a_raising_detector_contributes_no_findings_from_views_it_did_scan() -> None:
    class FailsOnSecondView:
        name = "patterns"  # reads the raw, plain and decoded views
        calls = 0

        def detect(self, text: str) -> list[Finding]:
            self.calls += 1
            if self.calls == 2:
                raise RuntimeError("second view")
            return [Finding("patterns", "pattern", "p", 0, 1, 1.0, "x")]

    result = Scanner([FailsOnSecondView()]).scan("F\u200balcon")  # plain differs from raw
    assert result.errors == {"patterns": "RuntimeError: second view"}
    assert result.findings == ()


def test_build_scanner_passes_the_budget_on() -> None:
    scanner = build_scanner(None, term_lists={"c": ["Falcon"]}, patterns={}, pii_entities=[],
                            budget_ms=250)
    assert scanner.budget_ms == 250
    assert build_scanner(None, term_lists={}, patterns={}, pii_entities=[]).budget_ms == 2000


def test_slow_detector_holds_the_post_through_the_gateway(
    gatepost_config, analyzer, microblog
) -> None:
    from proxy.app import create_app
    from proxy.gateway import Engine
    from tests.conftest import LiveServer

    config = dataclasses.replace(gatepost_config, detector_budget_ms=20)
    live = LiveServer.start(create_app(config, analyzer=analyzer))
    try:
        gateway = live.app.extensions["gatepost.gateway"]
        assert gateway.engine.scanner.budget_ms == 20
        slow = Scanner([SlowDetector("slow", None, 0.06)], budget_ms=config.detector_budget_ms)
        gateway.swap_engine(Engine(gateway.engine.policy, slow))
        audit = live.app.extensions["gatepost.audit"]
        _, token = audit.add_user("dana", "employee")
        resp = requests.post(live.url + "/api/posts", json={"text": "Falcon lands"},
                             headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert resp.status_code == 202, resp.text
        assert [r["id"] for r in resp.json()["rules"]] == ["gatepost.detector-error"]
        error = audit.decision(resp.json()["id"])["detector_errors"]["slow"]
        assert error.startswith("exceeded its time budget of 20 ms")
        assert requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json() == []
    finally:
        live.stop()

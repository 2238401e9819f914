"""Fail closed: if scanning fails, the post is held, never forwarded unscanned."""

from __future__ import annotations

import pytest
import requests

from detectors import Scanner
from proxy.gateway import Engine


class ExplodingDetector:
    name = "exploding"

    def detect(self, text: str) -> list:
        raise RuntimeError("model crashed")


class BrokenPolicy:
    """A policy whose decide() itself raises (a bug, not a detector error)."""

    def __init__(self, policy):
        self.version = policy.version

    def decide(self, *args, **kwargs):
        raise KeyError("boom")


breakage_detector = {"detector": "exploding", "policy": "engine"}
breakage_error = {"detector": "RuntimeError: model crashed", "policy": "KeyError"}


@pytest.mark.parametrize("breakage", ["detector", "policy"])
def test_a_scan_failure_holds_the_post_for_review_and_forwards_nothing(
    gatepost, microblog, employee_token, audit_log, breakage
):
    gateway = gatepost.app.extensions["gatepost.gateway"]
    engine = gateway.engine
    if breakage == "detector":
        gateway.swap_engine(Engine(engine.policy, Scanner([ExplodingDetector()])))
    else:
        gateway.swap_engine(Engine(BrokenPolicy(engine.policy), engine.scanner))

    resp = requests.post(gatepost.url + "/api/posts", json={"text": "My SSN is 078-05-1120"},
                         headers={"Authorization": f"Bearer {employee_token}"}, timeout=30)

    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert [r["id"] for r in body["rules"]] == ["gatepost.detector-error"]
    statuses = requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()
    assert statuses == []
    row = audit_log.decision(body["id"])
    assert row["action"] == "flag"
    assert row["review"]["state"] == "pending"
    # Unscanned, nobody knows what to mask: the decision row keeps no text.
    assert row["masked_text"] == "[withheld: the scan did not complete]"
    assert "078-05-1120" not in str(row["findings"]) + row["masked_text"]
    assert row["detector_errors"] == {breakage_detector[breakage]: breakage_error[breakage]}

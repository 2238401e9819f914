"""Exports from the admin UI, and retention run by the serving process."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from proxy.retention import RetentionWorker
from tests.admin_ui.web import post


def test_officer_downloads_csv_and_jsonl_of_a_date_range(gatepost, officer, employee_token):
    post(gatepost, employee_token, "Hello from the meetup")
    post(gatepost, employee_token, "My SSN is 078-05-1120")
    today = datetime.now(UTC).date().isoformat()
    resp = officer.get(gatepost.url + "/admin/export",
                       params={"since": today, "until": today, "format": "csv"}, timeout=10)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert f'filename="gatepost-decisions-{today}-{today}.csv"' in \
        resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [(r["action"], r["masked_text"]) for r in rows] == [
        ("allow", "Hello from the meetup"), ("block", "My SSN is [US_SSN]")]
    assert "078-05-1120" not in resp.text

    resp = officer.get(gatepost.url + "/admin/export", params={"format": "jsonl"}, timeout=10)
    assert [json.loads(line)["action"] for line in resp.text.splitlines()] == ["allow", "block"]
    resp = officer.get(gatepost.url + "/admin/export",
                       params={"since": "2026-13-01", "format": "csv"}, timeout=10)
    assert resp.status_code == 400
    assert "since" in resp.text and "is not a date" in resp.text


def test_the_export_form_offers_a_date_range(gatepost, officer):
    page = officer.get(gatepost.url + "/admin/export", timeout=10).text
    assert 'name="since"' in page and 'name="until"' in page
    assert "Download CSV" in page and "Download JSONL" in page


def test_retention_worker_removes_old_text_and_keeps_the_chain(gatepost, audit_log,
                                                              employee_token):
    ref = post(gatepost, employee_token, "An old post").json()["id"]
    later = datetime(2099, 1, 1, tzinfo=UTC)  # as if run long after the post
    assert audit_log.apply_retention(30, now=later) == 1
    assert audit_log.decision(ref)["masked_text"] is None
    assert audit_log.verify_chain().ok
    worker = RetentionWorker(audit_log, days=30)
    assert worker.run_once() == 0  # nothing else is that old


def test_serve_starts_the_retention_worker_only_when_configured(gatepost, gatepost_config,
                                                                analyzer):
    assert not gatepost.app.extensions["gatepost.retention"].running
    from dataclasses import replace

    from proxy.app import create_app, stop_background

    app = create_app(replace(gatepost_config, retention_days=30), analyzer=analyzer)
    try:
        assert app.extensions["gatepost.retention"].running
    finally:
        stop_background(app)
    assert not app.extensions["gatepost.retention"].running

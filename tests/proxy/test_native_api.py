"""A post through Gatepost end to end: real HTTP on loopback, real SQLite file."""

from __future__ import annotations

import pytest
import requests

SSN = "078-05-1120"
AWS_KEY = "AKIAQYLPMN5HFIQR7BXC"


def post(gatepost, token: str, text: str, path: str = "/api/posts") -> requests.Response:
    return requests.post(
        gatepost.url + path, json={"text": text},
        headers={"Authorization": f"Bearer {token}"}, timeout=30,
    )


def timeline(microblog) -> list[str]:
    statuses = requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()
    return [s["text"] for s in statuses]


def test_clean_post_is_forwarded_and_appears_on_the_local_microblog(
    gatepost, microblog, employee_token, audit_log
):
    text = "Great turnout at the Northwind meetup tonight, thanks all!"
    resp = post(gatepost, employee_token, text)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["action"] == "allow"
    assert timeline(microblog) == [text]
    page = requests.get(microblog.url + "/", timeout=10).text
    assert "Great turnout at the Northwind meetup tonight" in page
    assert body["upstream"]["id"]
    row = audit_log.decision(body["id"])
    assert row["action"] == "allow"
    assert row["outbox"]["state"] == "delivered"


@pytest.mark.parametrize(
    ("text", "rule", "secret", "masked"),
    [
        (f"New hire paperwork done, my SSN is {SSN} lol", "id-numbers", SSN,
         "New hire paperwork done, my SSN is [US_SSN] lol"),
        (f"deploy with aws key {AWS_KEY} works now", "no-secrets", AWS_KEY,
         "deploy with aws key [AWS_ACCESS_KEY] works now"),
        ("Can't wait to show you what Falcon can do!", "codenames", None,
         "Can't wait to show you what Falcon can do!"),
        ("Sneak peek of project nightjar next week", "codenames", None,
         "Sneak peek of project nightjar next week"),
    ],
)
def test_confidential_post_is_blocked_with_the_rule_named(
    gatepost, microblog, employee_token, audit_log, text, rule, secret, masked
):
    resp = post(gatepost, employee_token, text)
    assert resp.status_code == 422, resp.text
    assert resp.reason == "Unprocessable Entity"
    body = resp.json()
    assert rule in body["error"]
    assert rule in [r["id"] for r in body["rules"]]
    assert timeline(microblog) == []
    row = audit_log.decision(body["id"])
    assert row["action"] == "block"
    assert row["outbox"] is None
    assert row["masked_text"] == masked
    if secret:
        assert secret.encode() not in audit_log_bytes(gatepost)


def test_customer_under_nda_is_held_for_review_and_not_forwarded(
    gatepost, microblog, employee_token, audit_log
):
    text = "Proud to announce our deal with Contoso Pharma! Details: kim.lee@gmail.com"
    resp = post(gatepost, employee_token, text)
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert body["action"] == "flag"
    assert body["review_id"] == body["id"]
    assert "nda-customers" in body["message"]
    assert {r["id"] for r in body["rules"]} == {"nda-customers", "personal-email"}
    assert timeline(microblog) == []
    row = audit_log.decision(body["id"])
    assert row["action"] == "flag"
    assert row["masked_text"] == (
        "Proud to announce our deal with Contoso Pharma! Details: [EMAIL_ADDRESS]"
    )
    # The raw text waits in the review queue only, for the officer.
    assert row["review"]["state"] == "pending"
    assert row["review"]["held_text"] == text
    assert row["outbox"] is None


def test_scan_is_a_dry_run_that_forwards_and_records_nothing(
    gatepost, microblog, employee_token, audit_log
):
    resp = post(gatepost, employee_token, f"my ssn {SSN}", path="/api/scan")
    assert resp.status_code == 200
    body = resp.json()
    assert body["action"] == "block"
    assert [r["id"] for r in body["rules"]] == ["id-numbers"]
    finding = body["findings"][0]
    assert (finding["label"], finding["start"], finding["end"]) == ("US_SSN", 7, 18)
    assert timeline(microblog) == []
    assert audit_log.recent_decisions() == []


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "missing bearer token"),
        ({"Authorization": "Bearer gp_not-a-real-token"}, "not valid"),
        ({"Authorization": "Basic dXNlcjpwdw=="}, "missing bearer token"),
    ],
)
def test_post_without_a_valid_token_is_refused_and_not_recorded(
    gatepost, microblog, audit_log, headers, message
):
    resp = requests.post(gatepost.url + "/api/posts", json={"text": "hello"},
                         headers=headers, timeout=10)
    assert resp.status_code == 401
    assert resp.reason == "Unauthorized"
    assert message in resp.json()["error"]
    assert audit_log.recent_decisions() == []
    assert timeline(microblog) == []


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"data": "text=hi", "headers": {"Content-Type": "text/plain"}}, 415, "JSON body"),
        ({"data": "{not json", "headers": {"Content-Type": "application/json"}}, 400,
         "not valid JSON"),
        ({"json": ["a", "list"]}, 400, "must be an object"),
        ({"json": {"txt": "typo"}}, 400, 'missing field "text"'),
        ({"json": {"text": 42}}, 400, "must be a string"),
        ({"json": {"text": "   "}}, 400, "is empty"),
        ({"json": {"text": "x" * 5001}}, 400, "the limit is 5000"),
        ({"json": {"text": "bad \ud800 surrogate"}}, 400, "lone surrogate"),
    ],
)
def test_bad_request_gets_a_clear_4xx_and_nothing_is_recorded(
    gatepost, employee_token, audit_log, kwargs, status, message
):
    headers = {"Authorization": f"Bearer {employee_token}", **kwargs.pop("headers", {})}
    resp = requests.post(gatepost.url + "/api/posts", headers=headers, timeout=10, **kwargs)
    assert resp.status_code == status, resp.text
    assert message in resp.json()["error"]
    assert audit_log.recent_decisions() == []


def audit_log_bytes(gatepost) -> bytes:
    """Every byte the audit db has on disk, WAL included."""
    path = gatepost.app.config["GATEPOST"].audit_db
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_resubmission_with_the_same_idempotency_key_posts_once(
    gatepost, microblog, employee_token, audit_log
):
    headers = {"Authorization": f"Bearer {employee_token}", "Idempotency-Key": "k-1"}
    first, second = (
        requests.post(gatepost.url + "/api/posts", json={"text": "See you at the expo"},
                      headers=headers, timeout=30)
        for _ in range(2)
    )
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["upstream"]["id"] == second.json()["upstream"]["id"]
    assert timeline(microblog) == ["See you at the expo"]
    assert len(audit_log.recent_decisions()) == 1


def test_two_employees_sending_the_same_idempotency_key_both_get_posted(
    gatepost, microblog, employee_token, audit_log
):
    _, other_token = audit_log.add_user("eli", "employee")
    for token, text in [(employee_token, "Dana's post"), (other_token, "Eli's post")]:
        resp = requests.post(gatepost.url + "/api/posts", json={"text": text},
                             headers={"Authorization": f"Bearer {token}",
                                      "Idempotency-Key": "shared-key"}, timeout=30)
        assert resp.status_code == 200, resp.text
    assert sorted(timeline(microblog)) == ["Dana's post", "Eli's post"]


def test_scan_names_the_policy_version_and_sequence_it_decided_under(gatepost, employee_token,
                                                                     audit_log):
    body = post(gatepost, employee_token, "hello", path="/api/scan").json()
    current = audit_log.current_policy_version()
    assert (body["policy_version"], body["policy_seq"]) == (current["version"], current["seq"])

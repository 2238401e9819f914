"""A client's retry of a held or blocked post is one decision, one review item, one post."""

from __future__ import annotations

import requests

from tests.admin_ui.web import upstream_texts

HELD = "Lovely kickoff meeting with Contoso Pharma today."


def send(gatepost, token: str, text: str, key: str) -> requests.Response:
    return requests.post(gatepost.url + "/api/posts", json={"text": text}, timeout=30,
                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def test_a_held_post_sent_twice_with_one_key_is_one_review_item(gatepost, employee_token,
                                                                audit_log, microblog):
    first = send(gatepost, employee_token, HELD, "retry-me-1")
    again = send(gatepost, employee_token, HELD, "retry-me-1")
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert [r["ref"] for r in audit_log.review_pending()] == [first.json()["id"]]
    audit_log.resolve_review(first.json()["id"], reviewer="olga", approve=True)
    gatepost.app.extensions["gatepost.outbox"].resend(first.json()["id"])
    assert upstream_texts(microblog) == [HELD]


def test_a_blocked_post_sent_twice_with_one_key_is_one_decision(gatepost, employee_token,
                                                                audit_log):
    first = send(gatepost, employee_token, "Falcon ships", "retry-me-2")
    again = send(gatepost, employee_token, "Falcon ships", "retry-me-2")
    assert first.status_code == again.status_code == 422
    assert first.json()["id"] == again.json()["id"]
    assert len(audit_log.recent_decisions()) == 1


def test_another_employee_with_the_same_key_is_a_different_post(gatepost, employee_token,
                                                                audit_log):
    _, other = audit_log.add_user("eve", "employee")
    first = send(gatepost, employee_token, HELD, "shared-key")
    theirs = send(gatepost, other, HELD, "shared-key")
    assert first.json()["id"] != theirs.json()["id"]
    assert len(audit_log.review_pending()) == 2

"""Appeals over real HTTP: the employee's page and API, and the officer's approval."""

from __future__ import annotations

import html

import pytest
import requests

from tests.admin_ui.web import PASSWORD, post, submit, token_login, upstream_texts

BLOCKED = "Falcon ships next week, stay tuned!"


def blocked(gatepost, token: str, text: str = BLOCKED) -> dict:
    resp = post(gatepost, token, text)
    assert resp.status_code == 422, resp.text
    return resp.json()


def appeal_api(gatepost, token: str, ref: str, **body) -> requests.Response:
    return requests.post(f"{gatepost.url}/api/appeals/{ref}", json=body,
                         headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_the_block_message_names_where_to_appeal(gatepost, employee_token):
    body = blocked(gatepost, employee_token)
    assert body["appeal_url"] == f"{gatepost.url}/appeal/{body['id']}"
    assert f"appeal at {gatepost.url}/appeal/{body['id']}" in body["error"]


def test_an_appealed_block_enters_the_queue_and_approval_forwards_it(
        gatepost, employee_token, officer, audit_log, microblog):
    ref = blocked(gatepost, employee_token)["id"]
    employee, resp = token_login(gatepost, employee_token)
    assert resp.url.endswith("/appeal/") and ref in resp.text
    form = f"{gatepost.url}/appeal/{ref}"
    assert BLOCKED in employee.get(form, timeout=10).text  # nothing masked: prefilled
    resp = submit(employee, form, form, justification="Falcon was announced publicly on Monday",
                  text=BLOCKED)
    assert f"Your appeal of {ref} is with the compliance officers" in resp.text

    queue = officer.get(gatepost.url + "/admin/review", timeout=10).text
    assert "appeal of a blocked post" in queue
    assert "Falcon was announced publicly on Monday" in queue
    resp = submit(officer, gatepost.url + "/admin/review", f"{gatepost.url}/admin/review/{ref}",
                  decision="approve")
    assert f"Approved {ref}: posted." in html.unescape(resp.text)
    assert upstream_texts(microblog) == [BLOCKED]
    events = [(e["event"], e["actor"]) for e in audit_log.events_for(ref)]
    assert events == [("appealed", "dana"), ("approved", "olga")]
    assert audit_log.verify_chain().ok


def test_an_appeal_must_carry_the_blocked_text_itself(gatepost, employee_token, audit_log):
    ref = blocked(gatepost, employee_token, "my ssn is 078-05-1120, call me")["id"]
    assert audit_log.decision(ref)["masked_text"] == "my ssn is [US_SSN], call me"
    resp = appeal_api(gatepost, employee_token, ref, justification="test data",
                      text="my ssn is [US_SSN], call me")
    assert resp.status_code == 422
    assert "paste the post exactly as you sent it" in resp.json()["error"]
    assert audit_log.review_entry(ref) is None

    resp = appeal_api(gatepost, employee_token, ref, justification="it is a published sample",
                      text="my ssn is 078-05-1120, call me")
    assert resp.status_code == 201
    assert resp.json()["kind"] == "appeal"
    again = appeal_api(gatepost, employee_token, ref, justification="please", text="x")
    assert again.status_code == 409
    assert "already appealed" in again.json()["error"]


def test_appealing_a_held_post_adds_the_justification_without_the_text(
        gatepost, employee_token, officer, audit_log):
    resp = post(gatepost, employee_token, "Lunch with Tailspin Toys went great")
    ref = resp.json()["review_id"]
    assert resp.json()["appeal_url"].endswith(f"/appeal/{ref}")
    resp = appeal_api(gatepost, employee_token, ref, justification="Tailspin announced us")
    assert resp.status_code == 201
    assert audit_log.review_entry(ref)["kind"] == "flag"
    queue = officer.get(gatepost.url + "/admin/review", timeout=10).text
    assert "Tailspin announced us" in queue


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"justification": ""}, 400, "A justification is required"),
        ({"justification": 7}, 400, '"justification" must be a string'),
        ({"justification": "x" * 2001, "text": BLOCKED}, 400, "over 2000 characters"),
        ({"justification": "why", "text": "Falcon ships soon"}, 422, "not the text"),
    ],
)
def test_bad_appeals_are_refused_with_a_reason(gatepost, employee_token, audit_log,
                                               body, status, message):
    ref = blocked(gatepost, employee_token)["id"]
    resp = appeal_api(gatepost, employee_token, ref, **body)
    assert resp.status_code == status
    assert message in resp.json()["error"]
    assert audit_log.events_for(ref) == []


def test_no_one_can_appeal_a_post_that_is_not_theirs_or_was_allowed(gatepost, employee_token,
                                                                   audit_log):
    ref = blocked(gatepost, employee_token)["id"]
    _, other = audit_log.add_user("eve", "employee")
    resp = appeal_api(gatepost, other, ref, justification="mine now", text=BLOCKED)
    assert resp.status_code == 404
    session, _ = token_login(gatepost, other)
    assert session.get(f"{gatepost.url}/appeal/{ref}", timeout=10).status_code == 404

    allowed = post(gatepost, employee_token, "Hello world").json()["id"]
    resp = appeal_api(gatepost, employee_token, allowed, justification="why not")
    assert resp.status_code == 409
    assert "nothing to appeal" in resp.json()["error"]
    assert appeal_api(gatepost, "gp_wrong", ref, justification="x").status_code == 401


def test_officers_cannot_sign_in_with_a_token(gatepost, audit_log):
    _, token = audit_log.add_user("olga", "officer", password=PASSWORD)
    assert token_login(gatepost, token)[1].status_code == 401


def test_revoking_the_token_ends_the_appeal_session_opened_with_it(gatepost, employee_token,
                                                                  audit_log):
    session, resp = token_login(gatepost, employee_token)
    assert session.get(gatepost.url + "/appeal/", timeout=10).status_code == 200
    audit_log.revoke_tokens("dana", actor="ada")
    resp = session.get(gatepost.url + "/appeal/", timeout=10, allow_redirects=False)
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]

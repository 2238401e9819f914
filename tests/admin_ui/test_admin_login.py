"""The admin UI's login and decision log over real HTTP."""

from __future__ import annotations

import pytest
import requests

from tests.admin_ui.web import PASSWORD, login


@pytest.fixture
def officer(audit_log) -> str:
    audit_log.add_user("olga", "officer", password=PASSWORD)
    return "olga"


def test_officer_logs_in_and_sees_the_masked_decision_log(gatepost, officer, employee_token):
    requests.post(gatepost.url + "/api/posts", json={"text": "My SSN is 078-05-1120"},
                  headers={"Authorization": f"Bearer {employee_token}"}, timeout=30)
    session, resp = login(gatepost, officer, PASSWORD)
    assert resp.status_code == 200
    assert "<h1>Review queue" in resp.text  # an officer's desk opens on the queue
    resp = session.get(gatepost.url + "/admin/", timeout=10)
    assert "<h1>Decision log</h1>" in resp.text
    assert "My SSN is [US_SSN]" in resp.text
    assert "078-05-1120" not in resp.text
    assert "id-numbers" in resp.text


def test_post_text_is_escaped_in_the_decision_log(gatepost, officer, employee_token):
    attack = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    requests.post(gatepost.url + "/api/posts", json={"text": attack},
                  headers={"Authorization": f"Bearer {employee_token}"}, timeout=30)
    session, _ = login(gatepost, officer, PASSWORD)
    resp = session.get(gatepost.url + "/admin/", timeout=10)
    assert "<script>alert(1)" not in resp.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in resp.text
    assert "<img src=x" not in resp.text


@pytest.mark.parametrize(
    ("name", "password"),
    [("olga", "wrong password"), ("nobody", PASSWORD), ("dana", "")],
)
def test_wrong_credentials_cannot_log_in(gatepost, officer, employee_token, name, password):
    session, resp = login(gatepost, name, password)
    assert resp.status_code == 401
    assert "Wrong user name, password or token" in resp.text
    assert session.get(gatepost.url + "/admin/", timeout=10, allow_redirects=False).status_code \
        == 302


def test_login_form_without_csrf_token_is_refused(gatepost, officer):
    resp = requests.post(gatepost.url + "/admin/login",
                         data={"username": officer, "password": PASSWORD}, timeout=10)
    assert resp.status_code == 400
    assert "CSRF" in resp.text


def test_decision_log_redirects_to_login_when_not_signed_in(gatepost):
    resp = requests.get(gatepost.url + "/admin/", timeout=10, allow_redirects=False)
    assert resp.status_code == 302
    assert "/admin/login" in resp.headers["Location"]

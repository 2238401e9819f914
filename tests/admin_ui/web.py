"""Helpers for admin UI tests over real HTTP: sign in, read CSRF tokens, post as an employee."""

from __future__ import annotations

import re

import requests

PASSWORD = "correct horse battery staple"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(gatepost, name: str,
          password: str = PASSWORD) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    form = session.get(gatepost.url + "/admin/login", timeout=10)
    resp = session.post(
        gatepost.url + "/admin/login",
        data={"username": name, "password": password, "csrf_token": csrf_token(form.text)},
        timeout=10,
    )
    return session, resp


def token_login(gatepost, token: str) -> tuple[requests.Session, requests.Response]:
    session = requests.Session()
    form = session.get(gatepost.url + "/admin/login", timeout=10)
    resp = session.post(gatepost.url + "/admin/login",
                        data={"token": token, "csrf_token": csrf_token(form.text)}, timeout=10)
    return session, resp


def submit(session: requests.Session, page_url: str, action_url: str,
           **fields) -> requests.Response:
    """Post a form the way a browser does: with the CSRF token of the page it is on."""
    token = csrf_token(session.get(page_url, timeout=10).text)
    return session.post(action_url, data={**fields, "csrf_token": token}, timeout=30)


def post(gatepost, token: str, text: str) -> requests.Response:
    return requests.post(gatepost.url + "/api/posts", json={"text": text},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)


def upstream_texts(microblog) -> list[str]:
    """The statuses the upstream received, oldest first."""
    statuses = requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()
    return [s["text"] for s in reversed(statuses)]


def signed_in(gatepost, audit_log, name: str, role: str) -> requests.Session:
    """Enrol `name` with `role` and PASSWORD, sign in through the form; the session."""
    audit_log.add_user(name, role, password=PASSWORD)
    session, resp = login(gatepost, name)
    assert resp.status_code == 200, resp.text
    return session

"""Security headers on every answer: API, admin pages, errors, static files."""

from __future__ import annotations

import pytest
import requests


@pytest.mark.parametrize(
    ("method", "path", "page"),
    [
        ("GET", "/admin/login", True),
        ("GET", "/admin/review", True),  # a redirect to sign in
        ("GET", "/admin/nowhere", True),  # a 404 page
        ("GET", "/appeal/", True),
        ("POST", "/api/posts", False),  # 401
        ("GET", "/api/v1/instance", False),
        ("GET", "/healthz", False),
        ("GET", "/nowhere", False),
    ],
)
def test_every_answer_carries_the_security_headers(gatepost, method, path, page):
    resp = requests.request(method, gatepost.url + path, timeout=10, allow_redirects=False)
    headers = resp.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    if page:
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["Cache-Control"] == "no-store"
    else:
        assert csp.startswith("default-src 'none'")


def test_static_files_are_cacheable_and_typed(gatepost):
    resp = requests.get(gatepost.url + "/admin/static/admin.css", timeout=10)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("text/css")
    assert "no-store" not in resp.headers.get("Cache-Control", "")

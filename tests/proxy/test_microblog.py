"""The built-in microblog is a real upstream: it refuses what Mastodon refuses."""

from __future__ import annotations

import pytest
import requests


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "upstream-token"}],
)
def test_a_post_without_the_right_bearer_token_is_refused_with_401(microblog, headers):
    resp = requests.post(microblog.url + "/api/v1/statuses", json={"status": "hi"},
                         headers=headers, timeout=10)
    assert resp.status_code == 401
    assert resp.json() == {"error": "The access token is invalid"}
    assert requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json() == []


def test_the_same_idempotency_key_makes_one_status(microblog):
    headers = {"Authorization": "Bearer upstream-token", "Idempotency-Key": "k"}
    ids = {requests.post(microblog.url + "/api/v1/statuses", json={"status": "once"},
                         headers=headers, timeout=10).json()["id"] for _ in range(3)}
    assert len(ids) == 1
    assert len(requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()) == 1

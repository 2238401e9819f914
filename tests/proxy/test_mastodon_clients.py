"""Unmodified Mastodon clients (Mastodon.py, the toot CLI) posting through Gatepost.

Gatepost is served by waitress on loopback; the upstream is either the
built-in microblog or mastodon-mock, a third-party Mastodon API server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError

from tests.conftest import TEST_POLICY, LiveServer

CLEAN = "Great turnout at the Northwind meetup tonight, thanks all!"
BLOCKED = "Can't wait to show you what Falcon can do!"
CODENAMES = "Project codenames are confidential until launch"
FLAGGED = "Proud to announce our deal with Contoso Pharma!"
NDA = "Customers under NDA may be named only after legal review"


def client(gatepost: LiveServer, token: str) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=gatepost.url, version_check_mode="none")


# --- the upstreams -------------------------------------------------------------


@pytest.fixture(scope="module")
def mock_server() -> Iterator[object]:
    """mastodon-mock on a free loopback port, seeded with alice/bob/carol."""
    from mastodon_mock.testing import MockServer

    with MockServer() as server:
        yield server


@pytest.fixture
def mock_upstream(mock_server) -> Iterator[object]:
    # MockServer.reset() needs httpx2; the endpoint is plain HTTP.
    requests.post(mock_server.base_url + "/api/v1/_mock/reset", timeout=10).raise_for_status()
    yield mock_server


def mock_texts(mock_server) -> list[str]:
    """alice's statuses on mastodon-mock (Gatepost posts as alice), newest first."""
    alice = mock_server.client("alice")
    me = alice.account_verify_credentials()
    return [s["content"] for s in alice.account_statuses(me["id"])]


@pytest.fixture
def gatepost_on_mock(tmp_path: Path, analyzer, mock_upstream) -> Iterator[LiveServer]:
    from proxy.app import create_app
    from proxy.config import Config

    config = Config(data_dir=tmp_path / "mockdata", policy_path=TEST_POLICY,
                    upstream_url=mock_upstream.base_url, upstream_token="alice_token")
    live = LiveServer.start(create_app(config, analyzer=analyzer))
    yield live
    live.stop()


@pytest.fixture
def mock_token(gatepost_on_mock) -> str:
    _, token = gatepost_on_mock.app.extensions["gatepost.audit"].add_user(
        "dana", "employee", groups=["marketing"])
    return token


def microblog_texts(microblog: LiveServer) -> list[str]:
    statuses = requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()
    return [s["text"] for s in statuses]


# --- Mastodon.py ------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "mastodon-py-key-1"])
def test_mastodon_py_allowed_post_arrives_on_mock_once(
    gatepost_on_mock, mock_upstream, mock_token, key
):
    api = client(gatepost_on_mock, mock_token)
    status = api.status_post(CLEAN, visibility="unlisted", spoiler_text="recap",
                             idempotency_key=key)
    assert status["spoiler_text"] == "recap"
    assert status["visibility"] == "unlisted"
    if key:  # the client retries with the same key: still one post
        again = api.status_post(CLEAN, visibility="unlisted", spoiler_text="recap",
                                idempotency_key=key)
        assert again["id"] == status["id"]
    texts = mock_texts(mock_upstream)
    assert len(texts) == 1
    assert "Northwind meetup" in texts[0]


def test_mastodon_py_blocked_post_raises_with_the_rule_on_mock(
    gatepost_on_mock, mock_upstream, mock_token
):
    api = client(gatepost_on_mock, mock_token)
    with pytest.raises(MastodonAPIError) as caught:
        api.status_post(BLOCKED)
    assert CODENAMES in str(caught.value)
    assert "Unprocessable Entity" in str(caught.value)
    with pytest.raises(MastodonAPIError) as caught:
        api.status_post(FLAGGED, idempotency_key="held-1")
    assert NDA in str(caught.value)
    assert mock_texts(mock_upstream) == []


def test_mastodon_py_reads_instance_and_account(gatepost, employee_token):
    api = Mastodon(access_token=employee_token, api_base_url=gatepost.url)  # version check on
    assert api.instance()["title"] == "Gatepost"
    assert api.account_verify_credentials()["username"] == "dana"


@pytest.mark.parametrize("key", [None, "k-2"])
def test_mastodon_py_allowed_post_arrives_on_microblog_once(
    gatepost, microblog, employee_token, key
):
    api = client(gatepost, employee_token)
    first = api.status_post(CLEAN, idempotency_key=key, sensitive=False)
    if key:
        assert api.status_post(CLEAN, idempotency_key=key)["id"] == first["id"]
    assert microblog_texts(microblog) == [CLEAN]


def test_mastodon_py_blocked_and_flagged_are_not_on_microblog(
    gatepost, microblog, employee_token
):
    api = client(gatepost, employee_token)
    with pytest.raises(MastodonAPIError, match=CODENAMES):
        api.status_post(BLOCKED)
    with pytest.raises(MastodonAPIError, match=NDA):
        api.status_post(FLAGGED)
    with pytest.raises(MastodonAPIError, match=CODENAMES):
        api.status_post("a quick poll", poll=api.make_poll(["Falcon", "Nope"], 600))
    assert microblog_texts(microblog) == []


# --- toot ---------------------------------------------------------------------------


def toot(gatepost: LiveServer, token: str, home: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the real `toot` CLI with a config naming Gatepost and the employee's token."""
    instance = gatepost.url.removeprefix("http://")
    user_id = f"dana@{instance}"
    config_dir = home / "toot"
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.json").write_text(json.dumps({
        "apps": {instance: {"instance": instance, "base_url": gatepost.url,
                            "client_id": "unused", "client_secret": "unused"}},
        "users": {user_id: {"instance": instance, "username": "dana",
                            "access_token": token}},
        "active_user": user_id,
    }))
    env = {k: v for k, v in os.environ.items() if k != "TOOT_TESTING"}
    env.update(XDG_CONFIG_HOME=str(home), HOME=str(home), NO_COLOR="1")
    exe = Path(sys.executable).with_name("toot")
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_toot_post_allowed_then_blocked_on_microblog(
    gatepost, microblog, employee_token, tmp_path
):
    done = toot(gatepost, employee_token, tmp_path, "post", CLEAN)
    assert done.returncode == 0, done.stderr
    assert "Toot posted" in done.stdout
    assert microblog_texts(microblog) == [CLEAN]

    refused = toot(gatepost, employee_token, tmp_path, "post", BLOCKED)
    assert refused.returncode != 0
    assert CODENAMES in refused.stderr + refused.stdout
    assert microblog_texts(microblog) == [CLEAN]


def test_toot_post_on_mock(gatepost_on_mock, mock_upstream, mock_token, tmp_path):
    done = toot(gatepost_on_mock, mock_token, tmp_path, "post", "--visibility", "unlisted",
                CLEAN)
    assert done.returncode == 0, done.stderr
    held = toot(gatepost_on_mock, mock_token, tmp_path, "post", FLAGGED)
    assert held.returncode != 0
    assert NDA in held.stderr + held.stdout
    texts = mock_texts(mock_upstream)
    assert len(texts) == 1 and "Northwind meetup" in texts[0]

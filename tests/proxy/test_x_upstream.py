"""An X-API-v2 upstream (`upstream_dialect: x`): every client dialect posts to it.

The upstream is a small X-v2 fake (Flask, served on loopback like Gatepost):
`POST /2/tweets` with a bearer token answers 201 `{"data": {...}}` and honours
`Idempotency-Key`; `GET /2/tweets` lists what arrived.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import tweepy
from flask import Flask, jsonify, request
from mastodon import Mastodon, MastodonAPIError

from proxy.config import Config, load_config
from proxy.errors import ConfigError, UpstreamError
from proxy.upstream import MastodonUpstream, XUpstream, build_upstream, tweet_fields
from tests.conftest import TEST_POLICY, LiveServer
from tests.proxy.test_x_dialect import gatepost_client

X_TOKEN = "x-upstream-token"
CLEAN = "Great turnout at the Northwind meetup tonight, thanks all!"
CODENAME = "Can't wait to show you what Falcon can do!"
FLAGGED = "Proud to announce our deal with Contoso Pharma!"
CODENAME_RULE = "Project codenames are confidential until launch"


def create_x_fake(token: str = X_TOKEN) -> Flask:
    """An X API v2 fake: POST /2/tweets (bearer, Idempotency-Key), GET to list."""
    app = Flask("x_fake")
    tweets: list[dict] = []
    by_key: dict[str, dict] = {}
    ids = itertools.count(1800000000000000001)
    lock = threading.Lock()
    app.extensions["tweets"] = tweets
    app.extensions["requests"] = requests_seen = []

    def problem(status: int, title: str, detail: str):
        resp = jsonify(title=title, type="about:blank", status=status, detail=detail)
        resp.content_type = "application/problem+json"
        return resp, status

    @app.post("/2/tweets")
    def create():
        if request.headers.get("Authorization") != f"Bearer {token}":
            return problem(401, "Unauthorized", "Unauthorized")
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str):
            return problem(400, "Invalid Request", "text is required")
        key = request.headers.get("Idempotency-Key")
        with lock:
            requests_seen.append({"body": body, "key": key})
            if key and key in by_key:
                return jsonify(data=by_key[key]), 201
            tweet_id = str(next(ids))
            data = {"id": tweet_id, "text": body["text"], "edit_history_tweet_ids": [tweet_id]}
            tweets.append({"data": data, "body": body, "key": key})
            if key:
                by_key[key] = data
        return jsonify(data=data), 201

    @app.get("/2/tweets")
    def listing():
        return jsonify(tweets)

    return app


@pytest.fixture
def x_fake() -> Iterator[LiveServer]:
    live = LiveServer.start(create_x_fake())
    yield live
    live.stop()


@pytest.fixture
def gatepost_x(tmp_path: Path, analyzer, x_fake) -> Iterator[LiveServer]:
    """Gatepost configured from a config file with `upstream_dialect: x`."""
    from proxy.app import create_app

    config_file = tmp_path / "gatepost.yaml"
    config_file.write_text(
        f"data_dir: xdata\npolicy_path: {TEST_POLICY}\nupstream_url: {x_fake.url}\n"
        f"upstream_token: {X_TOKEN}\nupstream_dialect: x\n", encoding="utf-8")
    config = load_config(config_file)
    live = LiveServer.start(create_app(config, analyzer=analyzer))
    assert isinstance(live.app.extensions["gatepost.gateway"].upstream, XUpstream)
    yield live
    live.stop()


@pytest.fixture
def x_token(gatepost_x) -> str:
    _, token = gatepost_x.app.extensions["gatepost.audit"].add_user(
        "dana", "employee", groups=["marketing"])
    return token


def arrived(x_fake: LiveServer) -> list[dict]:
    return requests.get(x_fake.url + "/2/tweets", timeout=10).json()


def texts(x_fake: LiveServer) -> list[str]:
    return [t["data"]["text"] for t in arrived(x_fake)]


# --- tweepy -> Gatepost -> X ------------------------------------------------------


def test_tweepy_allowed_tweet_arrives_on_x_once(gatepost_x, x_fake, x_token):
    client = gatepost_client(gatepost_x.url, x_token)
    response = client.create_tweet(text=CLEAN, user_auth=False)
    tweets = arrived(x_fake)
    assert [t["data"]["text"] for t in tweets] == [CLEAN]
    assert response.data["id"] == tweets[0]["data"]["id"]
    assert response.data["edit_history_tweet_ids"] == [tweets[0]["data"]["id"]]
    assert tweets[0]["key"]  # Gatepost always sends an Idempotency-Key


def test_tweepy_retry_with_the_same_key_is_one_tweet(gatepost_x, x_fake, x_token):
    headers = {"Authorization": f"Bearer {x_token}", "Idempotency-Key": "tw-1"}
    first = requests.post(gatepost_x.url + "/2/tweets", json={"text": CLEAN},
                          headers=headers, timeout=30)
    again = requests.post(gatepost_x.url + "/2/tweets", json={"text": CLEAN},
                          headers=headers, timeout=30)
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert first.json()["data"]["id"] == again.json()["data"]["id"]
    assert texts(x_fake) == [CLEAN]


def test_tweepy_fields_are_forwarded_as_x_fields(gatepost_x, x_fake, x_token):
    client = gatepost_client(gatepost_x.url, x_token)
    client.create_tweet(text=CLEAN, in_reply_to_tweet_id="1234", user_auth=False)
    client.create_tweet(text="Which talk next?", poll_options=["Keynote", "Panel"],
                        poll_duration_minutes=60, user_auth=False)
    client.create_tweet(text="Look at this", quote_tweet_id="987", user_auth=False)
    bodies = [t["body"] for t in arrived(x_fake)]
    assert bodies == [
        {"text": CLEAN, "reply": {"in_reply_to_tweet_id": "1234"}},
        {"text": "Which talk next?",
         "poll": {"options": ["Keynote", "Panel"], "duration_minutes": 60}},
        {"text": "Look at this", "quote_tweet_id": "987"},
    ]


def test_tweepy_blocked_and_flagged_are_not_on_x(gatepost_x, x_fake, x_token):
    client = gatepost_client(gatepost_x.url, x_token)
    with pytest.raises(tweepy.errors.Forbidden) as info:
        client.create_tweet(text=CODENAME, user_auth=False)
    assert CODENAME_RULE in str(info.value)
    with pytest.raises(tweepy.errors.Forbidden):
        client.create_tweet(text=FLAGGED, user_auth=False)
    assert arrived(x_fake) == []


# --- other client dialects -> Gatepost -> X -----------------------------------------


@pytest.mark.parametrize("key", [None, "masto-key-1"])
def test_mastodon_py_status_post_reaches_x(gatepost_x, x_fake, x_token, key):
    api = Mastodon(access_token=x_token, api_base_url=gatepost_x.url,
                   version_check_mode="none")
    status = api.status_post(CLEAN, visibility="unlisted", idempotency_key=key)
    tweets = arrived(x_fake)
    assert [t["data"]["text"] for t in tweets] == [CLEAN]
    assert str(status["id"]) == tweets[0]["data"]["id"]
    assert "Northwind meetup" in status["content"]
    # Mastodon-only fields have no X equivalent and are not forwarded.
    assert tweets[0]["body"] == {"text": CLEAN}
    if key:
        again = api.status_post(CLEAN, visibility="unlisted", idempotency_key=key)
        assert str(again["id"]) == str(status["id"])
        assert texts(x_fake) == [CLEAN]


def test_mastodon_py_blocked_post_is_not_on_x(gatepost_x, x_fake, x_token):
    api = Mastodon(access_token=x_token, api_base_url=gatepost_x.url,
                   version_check_mode="none")
    with pytest.raises(MastodonAPIError, match=CODENAME_RULE):
        api.status_post(CODENAME)
    assert arrived(x_fake) == []


def test_native_post_reaches_x(gatepost_x, x_fake, x_token):
    resp = requests.post(gatepost_x.url + "/api/posts", json={"text": CLEAN},
                         headers={"Authorization": f"Bearer {x_token}"}, timeout=30)
    assert resp.status_code == 200, resp.text
    tweets = arrived(x_fake)
    assert [t["data"]["text"] for t in tweets] == [CLEAN]
    assert resp.json()["upstream"]["id"] == tweets[0]["data"]["id"]


# --- XUpstream on its own -------------------------------------------------------------


def test_x_upstream_reply_exposes_id_and_url(x_fake):
    upstream = XUpstream(x_fake.url, X_TOKEN, timeout=5)
    reply = upstream.post_status("hello", idempotency_key="k1")
    assert reply.status_code == 201 and reply.delivered
    assert reply.status_id == arrived(x_fake)[0]["data"]["id"]
    assert reply.url is None  # a tweet's page is known only on the real X API
    assert reply.body["data"]["text"] == "hello"
    assert XUpstream("https://api.x.com", "t").status_url("5") == "https://x.com/i/web/status/5"


def test_x_upstream_per_call_token_overrides_the_configured_one(x_fake):
    upstream = XUpstream(x_fake.url, "wrong-token", timeout=5)
    refused = upstream.post_status("hello", idempotency_key="k1")
    assert refused.status_code == 401 and not refused.delivered
    assert refused.body["error"] == "Unauthorized"
    assert refused.status_id is None
    reply = upstream.post_status("hello", idempotency_key="k2", token=X_TOKEN)
    assert reply.delivered
    assert texts(x_fake) == ["hello"]


def test_x_upstream_unreachable_raises_upstream_error():
    upstream = XUpstream("http://127.0.0.1:9", X_TOKEN, timeout=2)
    with pytest.raises(UpstreamError, match="unreachable"):
        upstream.post_status("hello", idempotency_key="k1")


def test_tweet_fields_map_mastodon_params():
    params = {"in_reply_to_id": "1", "media_ids": ["2", "3"], "quoted_status_id": "4",
              "poll": {"options": ["a", "b"], "expires_in": 60}, "visibility": "private",
              "spoiler_text": "cw", "sensitive": True, "language": "en"}
    assert tweet_fields(params) == {
        "reply": {"in_reply_to_tweet_id": "1"},
        "quote_tweet_id": "4",
        "media": {"media_ids": ["2", "3"]},
        "poll": {"options": ["a", "b"], "duration_minutes": 5},  # X's shortest poll
    }
    assert tweet_fields({}) == {}


def test_upstream_dialect_is_chosen_by_config(tmp_path):
    assert Config().upstream_dialect == "mastodon"
    assert isinstance(build_upstream("mastodon", "http://h", "t", 1), MastodonUpstream)
    assert isinstance(build_upstream("x", "http://h", "t", 1), XUpstream)
    with pytest.raises(ConfigError, match="upstream_dialect"):
        Config(upstream_dialect="bluesky")
    config_file = tmp_path / "c.yaml"
    config_file.write_text("upstream_dialect: twitter\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mastodon, x"):
        load_config(config_file)

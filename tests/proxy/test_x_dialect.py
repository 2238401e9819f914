"""The X API v2 dialect: tweepy and raw HTTP against Gatepost on loopback."""

from __future__ import annotations

import re

import pytest
import requests
import tweepy
from requests.adapters import HTTPAdapter

CLEAN = "Great turnout at the Northwind meetup tonight, thanks all!"
CODENAME = "Can't wait to show you what Falcon can do!"
NDA = "Proud to announce our deal with Contoso Pharma! Details: kim.lee@gmail.com"
CODENAME_RULE = "Project codenames are confidential until launch"
NDA_RULE = "Customers under NDA may be named only after legal review"
PROBLEM_KEYS = {"title", "type", "status", "detail"}


# The lines docs/clients_x.md shows: tweepy hard-codes https://api.twitter.com,
# so a requests adapter mounted on its session sends those requests to Gatepost.
class GatepostAdapter(HTTPAdapter):
    def __init__(self, gatepost_url: str) -> None:
        super().__init__()
        self.gatepost_url = gatepost_url.rstrip("/")

    def send(self, request, **kwargs):
        request.url = self.gatepost_url + request.path_url
        return super().send(request, **kwargs)


def gatepost_client(gatepost_url: str, token: str) -> tweepy.Client:
    client = tweepy.Client(bearer_token=token)
    adapter = GatepostAdapter(gatepost_url)
    for host in ("https://api.twitter.com/", "https://api.x.com/"):
        client.session.mount(host, adapter)
    return client


def timeline(microblog) -> list[dict]:
    return requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()


def tweet(gatepost, body, token: str | None, **headers) -> requests.Response:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return requests.post(gatepost.url + "/2/tweets", json=body, headers=headers, timeout=30)


def assert_problem(resp: requests.Response, status: int, reason: str) -> dict:
    assert resp.status_code == status, resp.text
    assert resp.reason == reason
    assert resp.headers["Content-Type"] == "application/problem+json"
    body = resp.json()
    assert set(body) == PROBLEM_KEYS
    assert body["title"] == reason
    assert body["type"] == "about:blank"
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    return body


# tweepy, unmodified but for the adapter


def test_tweepy_allowed_tweet_arrives_upstream_once(gatepost, microblog, employee_token,
                                                    audit_log):
    client = gatepost_client(gatepost.url, employee_token)
    response = client.create_tweet(text=CLEAN, user_auth=False)
    statuses = timeline(microblog)
    assert [s["text"] for s in statuses] == [CLEAN]
    assert response.data["id"] == statuses[0]["id"]
    assert response.data["text"] == CLEAN
    assert response.data["edit_history_tweet_ids"] == [statuses[0]["id"]]


def test_tweepy_blocked_tweet_raises_forbidden_with_the_rule(gatepost, microblog,
                                                             employee_token):
    client = gatepost_client(gatepost.url, employee_token)
    with pytest.raises(tweepy.errors.Forbidden) as info:
        client.create_tweet(text=CODENAME, user_auth=False)
    message = str(info.value)
    assert message.startswith("403 Forbidden\n")
    assert CODENAME_RULE in message
    assert "rule codenames" in message
    assert "Reference " in message
    assert timeline(microblog) == []


def test_tweepy_flagged_tweet_raises_forbidden_and_is_not_upstream(gatepost, microblog,
                                                                   employee_token):
    client = gatepost_client(gatepost.url, employee_token)
    with pytest.raises(tweepy.errors.Forbidden) as info:
        client.create_tweet(text=NDA, user_auth=False)
    assert NDA_RULE in str(info.value)
    assert "Held for review" in str(info.value)
    assert timeline(microblog) == []


def test_tweepy_with_a_wrong_token_raises_unauthorized(gatepost, microblog, employee_token):
    client = gatepost_client(gatepost.url, "not-a-token")
    with pytest.raises(tweepy.errors.Unauthorized) as info:
        client.create_tweet(text=CLEAN, user_auth=False)
    assert str(info.value).startswith("401 Unauthorized\n")
    assert timeline(microblog) == []


def test_tweepy_reply_and_poll_are_accepted(gatepost, microblog, employee_token):
    client = gatepost_client(gatepost.url, employee_token)
    first = client.create_tweet(text=CLEAN, user_auth=False)
    reply = client.create_tweet(text="Thanks for coming!", user_auth=False,
                                in_reply_to_tweet_id=first.data["id"],
                                poll_options=["Yes", "No"], poll_duration_minutes=60)
    assert reply.data["text"] == "Thanks for coming!"
    assert len(timeline(microblog)) == 2


# The wire format


@pytest.mark.parametrize(("text", "rule"), [(CODENAME, CODENAME_RULE), (NDA, NDA_RULE)])
def test_block_and_flag_are_403_problems(gatepost, microblog, employee_token, audit_log,
                                         text, rule):
    body = assert_problem(tweet(gatepost, {"text": text}, employee_token), 403, "Forbidden")
    assert rule in body["detail"]
    ref = re.search(r"Reference (gp-[\w-]+)\.", body["detail"]).group(1)
    row = audit_log.decision(ref)
    assert row["action"] in {"block", "flag"}
    assert row["outbox"] is None
    assert timeline(microblog) == []


def test_allowed_tweet_is_201_in_the_x_shape(gatepost, microblog, employee_token):
    resp = tweet(gatepost, {"text": CLEAN}, employee_token)
    assert resp.status_code == 201, resp.text
    assert resp.reason == "Created"
    data = resp.json()["data"]
    assert set(data) == {"id", "text", "edit_history_tweet_ids"}
    assert data["id"] == timeline(microblog)[0]["id"]


def test_poll_options_are_scanned(gatepost, microblog, employee_token):
    body = {"text": "Which launch are you most excited about?",
            "poll": {"options": ["Falcon", "Something else"], "duration_minutes": 60}}
    detail = assert_problem(tweet(gatepost, body, employee_token), 403, "Forbidden")["detail"]
    assert CODENAME_RULE in detail
    assert timeline(microblog) == []


def test_idempotency_key_makes_one_upstream_post(gatepost, microblog, employee_token):
    first = tweet(gatepost, {"text": CLEAN}, employee_token, **{"Idempotency-Key": "k-1"})
    again = tweet(gatepost, {"text": CLEAN}, employee_token, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert again.json()["data"]["id"] == first.json()["data"]["id"]
    assert len(timeline(microblog)) == 1


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_bad_credentials_are_401_problems(gatepost, microblog, employee_token, token):
    resp = tweet(gatepost, {"text": CLEAN}, token)
    assert_problem(resp, 401, "Unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert timeline(microblog) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, 'missing field "text"'),
        ({"text": 42}, '"text" must be a string'),
        ({"text": "   "}, '"text" is empty'),
        ([CLEAN], "must be an object"),
        ({"text": CLEAN, "reply": "123"}, '"reply" must be an object'),
        ({"text": CLEAN, "reply": {}}, 'missing field "reply.in_reply_to_tweet_id"'),
        ({"text": CLEAN, "reply": {"in_reply_to_tweet_id": 123}}, "string of 1 to 19 digits"),
        ({"text": CLEAN, "reply": {"in_reply_to_tweet_id": "abc"}}, "1 to 19 digits"),
        ({"text": CLEAN, "quote_tweet_id": ["1"]}, '"quote_tweet_id" must be a string'),
        ({"text": CLEAN, "media": {"media_ids": "1"}}, '"media.media_ids" must be a list'),
        ({"text": CLEAN, "media": {"media_ids": []}}, '"media.media_ids" must be a list'),
        ({"text": CLEAN, "media": {"media_ids": ["1"] * 5}}, "1 to 4 ids"),
        ({"text": CLEAN, "media": {"media_ids": [1]}}, '"media.media_ids[]"'),
        ({"text": CLEAN, "media": []}, '"media" must be an object'),
        ({"text": CLEAN, "poll": {"options": ["a"], "duration_minutes": 60}}, "2 to 4"),
        ({"text": CLEAN, "poll": {"options": ["a", 2], "duration_minutes": 60}},
         '"poll.options"'),
        ({"text": CLEAN, "poll": {"options": ["a", "b" * 26], "duration_minutes": 60}},
         "1 to 25 characters"),
        ({"text": CLEAN, "poll": {"options": ["a", "b"]}}, '"poll.duration_minutes"'),
        ({"text": CLEAN, "poll": {"options": ["a", "b"], "duration_minutes": "60"}},
         "whole number"),
        ({"text": CLEAN, "poll": {"options": ["a", "b"], "duration_minutes": True}},
         "whole number"),
        ({"text": CLEAN, "poll": {"options": ["a", "b"], "duration_minutes": 1}}, "5 to 10080"),
        ({"text": CLEAN, "poll": {"options": ["a", "b"], "duration_minutes": 60},
          "media": {"media_ids": ["1"]}}, "cannot also have"),
    ],
)
def test_bad_bodies_are_400_problems(gatepost, microblog, employee_token, body, words):
    detail = assert_problem(tweet(gatepost, body, employee_token), 400, "Bad Request")["detail"]
    assert words in detail
    assert timeline(microblog) == []


def test_invalid_json_is_a_400_problem(gatepost, microblog, employee_token):
    resp = requests.post(gatepost.url + "/2/tweets", data=b"{not json",
                         headers={"Authorization": f"Bearer {employee_token}",
                                  "Content-Type": "application/json"}, timeout=30)
    assert "not valid JSON" in assert_problem(resp, 400, "Bad Request")["detail"]


def test_overlong_text_is_a_400_and_an_oversized_body_a_413_problem(gatepost, employee_token):
    limit = gatepost.app.config["GATEPOST"].max_post_chars
    resp = tweet(gatepost, {"text": "x" * (limit + 1)}, employee_token)
    assert f"the limit is {limit}" in assert_problem(resp, 400, "Bad Request")["detail"]
    resp = tweet(gatepost, {"text": "x" * 200_000}, employee_token)
    assert "over the limit" in assert_problem(resp, 413, "Request Entity Too Large")["detail"]


def test_tweet_fields_map_to_mastodon_status_params():
    from proxy.x_api import tweet_params

    params, options = tweet_params({
        "text": CLEAN, "reply": {"in_reply_to_tweet_id": "7"},
        "poll": {"options": ["Yes", "No"], "duration_minutes": 60},
        "reply_settings": "following",
    })
    assert params == {"in_reply_to_id": "7", "poll": {"options": ["Yes", "No"], "expires_in": 3600}}
    assert options == ["Yes", "No"]
    params, options = tweet_params({"text": CLEAN, "quote_tweet_id": "9",
                                    "media": {"media_ids": ["1", "2"]}})
    assert params == {"quoted_status_id": "9", "media_ids": ["1", "2"]}
    assert options == []


def test_upstream_down_is_a_503_problem_never_a_429(gatepost, microblog, employee_token):
    microblog.stop()
    resp = tweet(gatepost, {"text": CLEAN}, employee_token)
    detail = assert_problem(resp, 503, "Service Unavailable")["detail"]
    assert "Reference " in detail

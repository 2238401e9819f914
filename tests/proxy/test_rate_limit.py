"""Per-employee rate limits over real HTTP: 429 with Retry-After in each dialect's
shape, counted before scanning, per employee, refilled as time passes; a
decision is never a 429. Real clients (Mastodon.py, tweepy) back off.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests
import tweepy
from mastodon import Mastodon, MastodonRatelimitError

from admin_ui.auth import LoginThrottle
from detectors import Scanner
from proxy.app import create_app
from proxy.config import Config
from proxy.errors import ConfigError
from proxy.gateway import Engine
from proxy.ratelimit import RateLimiter, wait_phrase
from tests.admin_ui.web import login
from tests.conftest import LiveServer
from tests.proxy.test_x_dialect import gatepost_client

CLEAN = "Great turnout at the Northwind meetup tonight"
BLOCKED = "Can't wait to show you what Falcon can do!"
TOO_MANY = "Too many posts from this account: {n} a minute are allowed; try again in {wait}."


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limited(gatepost_config, analyzer, clock) -> Iterator[Callable[..., LiveServer]]:
    """start(per_minute, burst): a Gatepost with that limit, its limiter on the fake clock."""
    servers: list[LiveServer] = []

    def start(per_minute: int = 60, burst: int = 3, fake_clock: bool = True) -> LiveServer:
        config = dataclasses.replace(gatepost_config, rate_limit_per_minute=per_minute,
                                     rate_limit_burst=burst)
        live = LiveServer.start(create_app(config, analyzer=analyzer))
        if fake_clock:
            live.app.extensions["gatepost.rate_limiter"].clock = clock
        servers.append(live)
        return live

    yield start
    for live in servers:
        live.stop()


def token_for(live: LiveServer, name: str) -> str:
    return live.app.extensions["gatepost.audit"].add_user(name, "employee")[1]


def send(live: LiveServer, token: str, dialect: str, text: str) -> requests.Response:
    """One posting (or scanning) request in a dialect."""
    headers = {"Authorization": f"Bearer {token}"}
    path, body = {
        "posts": ("/api/posts", {"json": {"text": text}}),
        "scan": ("/api/scan", {"json": {"text": text}}),
        "mastodon": ("/api/v1/statuses", {"data": {"status": text}}),
        "x": ("/2/tweets", {"json": {"text": text}}),
    }[dialect]
    return requests.post(live.url + path, headers=headers, timeout=30, **body)


def refusal(resp: requests.Response) -> str:
    """The human message of a 429, whichever dialect's shape it came in."""
    assert resp.status_code == 429, resp.text
    assert resp.reason == "Too Many Requests"
    body = resp.json()
    if resp.headers["Content-Type"] == "application/problem+json":
        assert (body["title"], body["status"], body["type"]) == ("Too Many Requests", 429,
                                                                  "about:blank")
        return body["detail"]
    assert set(body) == {"error"}
    return body["error"]


OK = {"posts": 200, "scan": 200, "mastodon": 200, "x": 201}


@pytest.mark.parametrize("dialect", ["posts", "scan", "mastodon", "x"])
def test_burst_then_429_with_retry_after_in_the_dialects_shape(limited, dialect) -> None:
    live = limited(per_minute=6, burst=3)
    token = token_for(live, "dana")
    for i in range(3):
        assert send(live, token, dialect, f"{CLEAN} #{i}").status_code == OK[dialect]
    resp = send(live, token, dialect, f"{CLEAN} #4")
    assert refusal(resp) == TOO_MANY.format(n=6, wait="10 seconds")
    assert resp.headers["Retry-After"] == "10"


def test_a_refused_request_is_not_scanned_or_recorded(limited) -> None:
    live = limited(burst=1)
    token = token_for(live, "dana")
    gateway = live.app.extensions["gatepost.gateway"]
    scanned: list[str] = []

    class Recording:
        name = "recording"

        def detect(self, text: str) -> list:
            scanned.append(text)
            return []

    gateway.swap_engine(Engine(gateway.engine.policy, Scanner([Recording()])))
    assert send(live, token, "posts", CLEAN).status_code == 200
    assert send(live, token, "posts", BLOCKED).status_code == 429
    assert scanned == [CLEAN]
    audit = live.app.extensions["gatepost.audit"]
    assert len(audit.recent_decisions()) == 1


def test_all_dialects_share_one_bucket_per_employee(limited) -> None:
    live = limited(burst=3)
    token = token_for(live, "dana")
    for dialect in ("posts", "mastodon", "x"):
        assert send(live, token, dialect, f"{CLEAN} via {dialect}").status_code == OK[dialect]
    assert send(live, token, "scan", CLEAN).status_code == 429


def test_a_second_employee_is_unaffected(limited) -> None:
    live = limited(burst=2)
    dana, erin = token_for(live, "dana"), token_for(live, "erin")
    for i in range(2):
        send(live, dana, "posts", f"{CLEAN} #{i}")
    assert send(live, dana, "posts", CLEAN + " again").status_code == 429
    assert send(live, erin, "posts", CLEAN + " from erin").status_code == 200


def test_the_bucket_refills_as_the_clock_moves(limited, clock) -> None:
    live = limited(per_minute=6, burst=1)
    token = token_for(live, "dana")
    assert send(live, token, "scan", CLEAN).status_code == 200
    assert send(live, token, "scan", CLEAN).headers["Retry-After"] == "10"
    clock.now += 4
    resp = send(live, token, "scan", CLEAN)
    assert (resp.headers["Retry-After"], refusal(resp)) == (
        "6", TOO_MANY.format(n=6, wait="6 seconds"))
    clock.now += 6
    assert send(live, token, "scan", CLEAN).status_code == 200
    assert send(live, token, "scan", CLEAN).status_code == 429


def test_counted_answers_carry_the_rate_limit_headers(limited, clock) -> None:
    live = limited(per_minute=60, burst=2)
    token = token_for(live, "dana")
    first, second = (send(live, token, "scan", CLEAN) for _ in range(2))
    assert [r.headers["X-RateLimit-Remaining"] for r in (first, second)] == ["1", "0"]
    assert first.headers["X-RateLimit-Limit"] == "2"
    assert first.headers["X-RateLimit-Reset"].endswith(".000Z")
    assert "Retry-After" not in first.headers
    tweet = send(live, token, "x", CLEAN)
    assert tweet.status_code == 429 and tweet.headers["Retry-After"] == "1"
    assert tweet.headers["x-rate-limit-remaining"] == "0"
    assert 0 < int(tweet.headers["x-rate-limit-reset"]) - time.time() <= 2


def test_reading_endpoints_are_not_counted(limited) -> None:
    live = limited(burst=1)
    token = token_for(live, "dana")
    for _ in range(3):
        resp = requests.get(live.url + "/api/v1/accounts/verify_credentials",
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert resp.status_code == 200 and "X-RateLimit-Remaining" not in resp.headers
    assert send(live, token, "posts", CLEAN).status_code == 200


@pytest.mark.parametrize(("dialect", "status"), [("posts", 422), ("mastodon", 422), ("x", 403)])
def test_blocked_posts_under_the_limit_are_decisions_not_429(limited, dialect, status) -> None:
    live = limited(burst=2)
    token = token_for(live, "dana")
    for i in range(2):
        resp = send(live, token, dialect, f"{BLOCKED} #{i}")
        assert resp.status_code == status, resp.text
        assert "Retry-After" not in resp.headers
    assert send(live, token, dialect, BLOCKED).status_code == 429  # abuse, not a decision


def test_mastodon_py_throw_mode_raises_its_rate_limit_error(limited) -> None:
    live = limited(burst=2)
    api = Mastodon(access_token=token_for(live, "dana"), api_base_url=live.url,
                   version_check_mode="none", ratelimit_method="throw")
    api.status_post(CLEAN + " #1")
    api.status_post(CLEAN + " #2")
    assert api.ratelimit_remaining == 0
    with pytest.raises(MastodonRatelimitError):
        api.status_post(CLEAN + " #3")


def test_mastodon_py_wait_mode_waits_for_the_reset_and_posts(limited, microblog) -> None:
    live = limited(per_minute=120, burst=1, fake_clock=False)  # a token every 0.5 s
    api = Mastodon(access_token=token_for(live, "dana"), api_base_url=live.url,
                   version_check_mode="none")  # ratelimit_method="wait", the default
    api.status_post(CLEAN + " #1")
    started = time.monotonic()
    api.status_post(CLEAN + " #2")  # a 429 first; Mastodon.py sleeps until the reset
    assert 0.3 < time.monotonic() - started < 5
    statuses = requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()
    assert len(statuses) == 2


def test_tweepy_raises_too_many_requests_with_the_reset_time(limited) -> None:
    live = limited(burst=1)
    client = gatepost_client(live.url, token_for(live, "dana"))
    client.create_tweet(text=CLEAN, user_auth=False)
    with pytest.raises(tweepy.errors.TooManyRequests) as info:
        client.create_tweet(text=CLEAN + " again", user_auth=False)
    assert TOO_MANY.format(n=60, wait="1 second") in str(info.value)
    assert info.value.response.headers["x-rate-limit-reset"].isdigit()


# --- the limiter and its settings ----------------------------------------------


def test_limiter_lets_exactly_the_burst_through_from_many_threads() -> None:
    limiter = RateLimiter(per_minute=60, burst=50, clock=lambda: 0.0)
    allowed = []

    def worker() -> None:
        allowed.extend(limiter.take("dana").retry_after == 0 for _ in range(20))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 50


def test_limit_of_zero_is_off() -> None:
    limiter = RateLimiter(per_minute=0, burst=1)
    assert not limiter.enabled
    for _ in range(100):
        limiter.check("dana")  # never raises; needs no request context either


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"rate_limit_per_minute": -1}, "rate_limit_per_minute must be 0 (no limit)"),
        ({"rate_limit_burst": 0}, "rate_limit_burst must be at least 1"),
        ({"detector_budget_ms": -5}, "detector_budget_ms must be 0 (no limit)"),
        ({"login_attempts": -1}, "login_attempts must be 0 (no limit)"),
    ],
)
def test_bad_limits_are_config_errors(settings, message) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Config(**settings)


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [(1, "1 second"), (10, "10 seconds"), (119, "119 seconds"), (120, "2 minutes"),
     (121, "3 minutes"), (900, "15 minutes")],
)
def test_wait_phrase_rounds_up(seconds: int, phrase: str) -> None:
    assert wait_phrase(seconds) == phrase


# --- the admin UI's login throttle answers the same way ------------------------


def test_login_throttle_counts_a_window_on_its_clock_and_zero_turns_it_off() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(2, window=900, clock=clock)
    throttle.failed("olga", "1.2.3.4")
    throttle.failed("OLGA", "1.2.3.4")
    assert throttle.retry_after("olga", "1.2.3.4") == 900
    clock.now += 899.5
    assert throttle.retry_after("olga", "1.2.3.4") == 1
    clock.now += 0.5
    assert throttle.retry_after("olga", "1.2.3.4") == 0
    off = LoginThrottle(0)
    off.failed("olga", "1.2.3.4")
    assert off.retry_after("olga", "1.2.3.4") == 0


def test_login_throttle_message_agrees_with_retry_after(gatepost, audit_log) -> None:
    audit_log.add_user("olga", "officer", password="right")
    for _ in range(5):
        login(gatepost, "olga", "wrong")
    _, resp = login(gatepost, "olga", "right")
    assert resp.status_code == 429
    wait = int(resp.headers["Retry-After"])
    assert 895 <= wait <= 900
    assert f"Try again in {wait_phrase(wait)}." in resp.text

"""A client's retry without an Idempotency-Key never makes a second upstream post;
an employee's own upstream credential is the one their posts go up with.

Real servers on loopback: Gatepost under waitress, and a tiny fake Mastodon
upstream that records every status post with its Authorization header.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from flask import Flask, jsonify, request

from proxy import gateway as gateway_module
from tests.conftest import TEST_POLICY, LiveServer

SERVICE_TOKEN = "service-token"
OWN_TOKEN = "dana-own-upstream-token-42"


class FakeUpstream:
    """Records the posts it gets; answers like Mastodon, or with fail_next statuses."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.fail_next: list[int] = []
        self._lock = threading.Lock()
        app = Flask("fake-upstream")

        @app.post("/api/v1/statuses")
        def statuses():
            with self._lock:
                if self.fail_next:
                    status = self.fail_next.pop(0)
                    return jsonify(error=f"failing with {status}"), status
                body = request.get_json()
                self.posts.append({"text": body["status"],
                                   "authorization": request.headers.get("Authorization"),
                                   "key": request.headers.get("Idempotency-Key")})
                post_id = str(len(self.posts))
            return jsonify(id=post_id, url=f"http://fake/{post_id}", content=body["status"])

        self.live = LiveServer.start(app)

    @property
    def texts(self) -> list[str]:
        return [p["text"] for p in self.posts]


@pytest.fixture
def fake_upstream() -> Iterator[FakeUpstream]:
    fake = FakeUpstream()
    yield fake
    fake.live.stop()


@pytest.fixture
def gp(tmp_path: Path, fake_upstream: FakeUpstream, analyzer) -> Iterator[LiveServer]:
    from proxy.app import create_app
    from proxy.config import Config

    config = Config(data_dir=tmp_path / "data", policy_path=TEST_POLICY,
                    upstream_url=fake_upstream.live.url, upstream_token=SERVICE_TOKEN,
                    upstream_reply_timeout=2.0, outbox_retry_seconds=0.05,
                    outbox_max_backoff_seconds=0.2)
    live = LiveServer.start(create_app(config, analyzer=analyzer))
    yield live
    live.stop()


@pytest.fixture
def audit(gp):
    return gp.app.extensions["gatepost.audit"]


def send(gp: LiveServer, token: str, text: str) -> requests.Response:
    return requests.post(gp.url + "/api/posts", json={"text": text},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)


def age_outbox(audit, seconds: float) -> None:
    """Move every outbox row `seconds` into the past (as if that much time went by)."""
    from datetime import UTC, datetime, timedelta

    then = (datetime.now(UTC) - timedelta(seconds=seconds)).isoformat(timespec="milliseconds")
    with audit.store.write() as db:
        db.execute("UPDATE outbox SET created_at = ?", [then])


@pytest.mark.parametrize(
    ("second_author", "second_text", "aged", "posts"),
    [
        ("dana", "See you at the expo", 0, 1),  # a retry: one upstream post
        ("dana", "See you at the expo!", 0, 2),  # different text
        ("eli", "See you at the expo", 0, 2),  # different author, same text
        ("dana", "See you at the expo", gateway_module.DUPLICATE_WINDOW_SECONDS + 5, 2),
        ("dana", "See you at the expo", gateway_module.DUPLICATE_WINDOW_SECONDS - 30, 1),
    ],
    ids=["same-text", "other-text", "other-author", "after-window", "inside-window"],
)
def test_same_author_and_text_without_a_key_is_posted_once(
    gp, audit, fake_upstream, second_author, second_text, aged, posts
):
    tokens = {"dana": audit.add_user("dana", "employee")[1],
              "eli": audit.add_user("eli", "employee")[1]}
    first = send(gp, tokens["dana"], "See you at the expo")
    assert first.status_code == 200, first.text
    if aged:
        age_outbox(audit, aged)
    second = send(gp, tokens[second_author], second_text)
    assert second.status_code == 200, second.text
    assert len(fake_upstream.posts) == posts
    assert len(audit.recent_decisions()) == posts
    same = (first.json()["id"], first.json()["upstream"]["id"]) == (
        second.json()["id"], second.json()["upstream"]["id"])
    assert same == (posts == 1)


def test_the_outbox_keeps_a_hash_of_the_post_never_its_text_twice(gp, audit, fake_upstream):
    _, token = audit.add_user("dana", "employee")
    ref = send(gp, token, "See you at the expo").json()["id"]
    entry = audit.outbox_entry(ref)
    assert entry["author"] == "dana"
    assert len(entry["content_hash"]) == 64 and "expo" not in entry["content_hash"]
    assert entry["content_hash"] == gateway_module.content_hash(
        "dana", "native", "See you at the expo")


def test_a_retry_of_a_queued_post_stays_queued_and_is_delivered_once(gp, audit, fake_upstream):
    _, token = audit.add_user("dana", "employee")
    fake_upstream.fail_next = [503] * 3
    first = send(gp, token, "Booth 14, come say hi")
    second = send(gp, token, "Booth 14, come say hi")
    assert first.json()["id"] == second.json()["id"]
    assert len(audit.recent_decisions()) == 1
    deadline = time.monotonic() + 15
    while not fake_upstream.posts and time.monotonic() < deadline:
        time.sleep(0.05)
    third = send(gp, token, "Booth 14, come say hi")
    assert third.json()["id"] == first.json()["id"]
    assert fake_upstream.texts == ["Booth 14, come say hi"]


def test_blocked_post_sent_twice_is_decided_twice_and_never_forwarded(gp, audit, fake_upstream):
    _, token = audit.add_user("dana", "employee")
    text = "my SSN is 078-05-1120"
    answers = [send(gp, token, text) for _ in range(2)]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json()["id"] != answers[1].json()["id"]
    assert len(audit.recent_decisions()) == 2
    assert fake_upstream.posts == []


def test_an_employee_with_their_own_upstream_token_posts_under_it(gp, audit, fake_upstream,
                                                                  caplog):
    caplog.set_level("DEBUG")
    _, dana = audit.add_user("dana", "employee", upstream_token=OWN_TOKEN)
    _, eli = audit.add_user("eli", "employee")
    assert send(gp, dana, "Dana's news").status_code == 200
    assert send(gp, eli, "Eli's news").status_code == 200
    auth = {p["text"]: p["authorization"] for p in fake_upstream.posts}
    assert auth == {"Dana's news": f"Bearer {OWN_TOKEN}",
                    "Eli's news": f"Bearer {SERVICE_TOKEN}"}
    assert OWN_TOKEN not in caplog.text


def test_cli_users_add_stores_the_upstream_token_without_printing_it(tmp_path):
    from audit import AuditLog
    from proxy.cli import main

    db = tmp_path / "audit.db"
    result = CliRunner().invoke(main, ["users", "add", "dana", "--role", "employee",
                                       "--upstream-token", OWN_TOKEN, "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert OWN_TOKEN not in result.output
    log = AuditLog(db)
    assert log.upstream_token_for("dana") == OWN_TOKEN
    with log.store.read() as conn:
        actions = list(conn["admin_actions"].rows)
    assert actions and OWN_TOKEN not in repr(actions)

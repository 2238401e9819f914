"""The outbox: a post the upstream cannot take now is queued, never lost, sent once.

Real servers on loopback: Gatepost under waitress (in a thread, or as a
`gatepost serve` subprocess that is SIGKILLed), and the built-in microblog
on a fixed port so it can be stopped and started again on the same address.
"""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from audit import AuditLog
from proxy.serve import make_server, run_until_closed, stop_server
from tests.conftest import TEST_POLICY, LiveServer
from tests.proxy.test_cli import GATEPOST
from tests.proxy.test_serve import _read_until, stop_process

TOKEN = "upstream-token"
FAST = {"outbox_retry_seconds": 0.05, "outbox_max_backoff_seconds": 0.2}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bind_when_free(wsgi: Callable, port: int, seconds: float = 10.0):
    """Rebind a fixed port; the closed server's socket can take a moment to let go."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return make_server(wsgi, "127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class Upstream:
    """The built-in microblog on one fixed loopback port, stoppable and restartable.

    It counts the status posts it receives, can answer the next ones with
    given error statuses, and can hold its answer (after storing the post).
    """

    def __init__(self, db_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path
        self.received = 0
        self.fail_next: list[int] = []
        self.answer_delay = 0.0
        self._server = None

    def start(self, token: str = TOKEN) -> Upstream:
        from proxy.microblog import create_microblog

        app = create_microblog(self.db_path, token)

        def wsgi(environ, start_response):
            if environ["PATH_INFO"] == "/api/v1/statuses" and environ["REQUEST_METHOD"] == "POST":
                self.received += 1
                if self.fail_next:
                    status = self.fail_next.pop(0)
                    start_response(f"{status} Failing", [("Content-Type", "application/json")])
                    return [json.dumps({"error": f"failing with {status}"}).encode()]
                if self.answer_delay:
                    body = b"".join(app(environ, start_response))
                    time.sleep(self.answer_delay)
                    return [body]
            return app(environ, start_response)

        self._server = _bind_when_free(wsgi, self.port)
        threading.Thread(target=run_until_closed, args=(self._server,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            stop_server(self._server)
            self._server = None

    def timeline(self) -> list[str]:
        conn = sqlite3.connect(self.db_path)
        try:
            return [r[0] for r in conn.execute("SELECT text FROM statuses ORDER BY id")]
        finally:
            conn.close()


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Upstream]:
    """The microblog on a fixed free port, NOT started: the test starts it."""
    up = Upstream(tmp_path / "microblog.db")
    from proxy.microblog import MicroblogStore

    MicroblogStore(up.db_path)  # create the table so timeline() works while it is down
    yield up
    up.stop()


@pytest.fixture
def make_gatepost(tmp_path: Path, analyzer) -> Iterator[Callable[..., LiveServer]]:
    from proxy.app import create_app
    from proxy.config import Config

    started: list[LiveServer] = []

    def make(upstream: Upstream, **settings) -> LiveServer:
        config = Config(data_dir=tmp_path / "data", policy_path=TEST_POLICY,
                        upstream_url=upstream.url, upstream_token=TOKEN,
                        **{**FAST, "upstream_reply_timeout": 2.0, **settings})
        live = LiveServer.start(create_app(config, analyzer=analyzer))
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


def employee(live: LiveServer) -> str:
    _, token = live.app.extensions["gatepost.audit"].add_user("dana", "employee")
    return token


def send(base: str, token: str, text: str, key: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return requests.post(f"{base}/api/posts", json={"text": text}, headers=headers, timeout=30)


def wait_until(check: Callable[[], object], timeout: float = 15.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


def test_upstream_down_post_is_queued_then_delivered_exactly_once(upstream, make_gatepost):
    gp = make_gatepost(upstream)
    token = employee(gp)
    audit = gp.app.extensions["gatepost.audit"]
    text = "Our booth at the expo is open until six, come say hi!"

    resp = send(gp.url, token, text, key="k-1")
    assert resp.status_code == 202, resp.text
    assert resp.reason == "Accepted"
    body = resp.json()
    assert body["action"] == "allow" and body["queued"] is True
    assert "queued" in body["message"] and body["id"] in body["message"]
    assert audit.outbox_entry(body["id"])["state"] in ("pending", "sending")

    # The client retries while the upstream is still down: same post, still queued.
    again = send(gp.url, token, text, key="k-1")
    assert again.status_code == 202 and again.json()["id"] == body["id"]
    assert audit.outbox_entry(body["id"])["attempts"] >= 1

    upstream.start()
    wait_until(lambda: audit.outbox_entry(body["id"])["state"] == "delivered")
    time.sleep(0.3)  # give a duplicate sender every chance to show up
    assert upstream.timeline() == [text]
    entry = audit.outbox_entry(body["id"])
    assert entry["text"] == "" and entry["upstream_id"]
    assert audit.outbox_pending() == []

    # A retry after delivery answers from the outbox and posts nothing new.
    done = send(gp.url, token, text, key="k-1")
    assert done.status_code == 200, done.text
    assert done.json()["upstream"]["id"] == entry["upstream_id"]
    assert upstream.timeline() == [text]


def test_5xx_answers_are_retried_with_back_off_until_delivered(upstream, make_gatepost):
    upstream.fail_next = [503, 500, 502]
    upstream.start()
    gp = make_gatepost(upstream)
    audit = gp.app.extensions["gatepost.audit"]
    resp = send(gp.url, employee(gp), "Retry me until it works")
    assert resp.status_code == 202, resp.text
    ref = resp.json()["id"]
    wait_until(lambda: audit.outbox_entry(ref)["state"] == "delivered")
    assert upstream.received == 4
    assert audit.outbox_entry(ref)["attempts"] == 4
    assert upstream.timeline() == ["Retry me until it works"]


def test_slow_upstream_gets_a_queued_answer_and_exactly_one_send(upstream, make_gatepost):
    upstream.answer_delay = 1.0
    upstream.start()
    gp = make_gatepost(upstream, upstream_reply_timeout=0.2)
    audit = gp.app.extensions["gatepost.audit"]
    started = time.monotonic()
    resp = send(gp.url, employee(gp), "Slow but steady")
    assert time.monotonic() - started < 0.9
    assert resp.status_code == 202 and resp.json()["queued"] is True, resp.text
    ref = resp.json()["id"]
    # The first attempt keeps going in the background; the worker must not send too.
    assert audit.outbox_entry(ref)["state"] == "sending"
    wait_until(lambda: audit.outbox_entry(ref)["state"] == "delivered")
    time.sleep(0.3)
    assert upstream.received == 1
    assert upstream.timeline() == ["Slow but steady"]


def test_a_4xx_refusal_is_final_and_audited(upstream, make_gatepost):
    gp = make_gatepost(upstream)
    audit = gp.app.extensions["gatepost.audit"]
    token = employee(gp)
    resp = send(gp.url, token, "Queued while the upstream is down")
    assert resp.status_code == 202
    ref = resp.json()["id"]

    upstream.fail_next = [403]  # back, but refusing the post for good
    upstream.start()
    wait_until(lambda: audit.outbox_entry(ref)["state"] == "rejected")
    received = upstream.received
    time.sleep(0.5)  # several back-off periods: no further attempt
    assert upstream.received == received
    entry = audit.outbox_entry(ref)
    assert entry["last_status_code"] == 403 and "403" in entry["last_error"]
    assert entry["rejected_at"]
    assert upstream.timeline() == []

    # Inline: a refusal on the first attempt is answered with 502 and not retried.
    upstream.fail_next = [422]
    refused = send(gp.url, token, "Refused at once")
    assert refused.status_code == 502, refused.text
    assert "will not be retried" in refused.json()["error"]
    assert audit.outbox_entry(refused.json()["id"])["state"] == "rejected"
    time.sleep(0.3)
    assert upstream.received == received + 1


def test_408_and_429_are_retried(upstream, make_gatepost):
    upstream.fail_next = [429, 408]
    upstream.start()
    gp = make_gatepost(upstream)
    audit = gp.app.extensions["gatepost.audit"]
    ref = send(gp.url, employee(gp), "Rate limited, then fine").json()["id"]
    wait_until(lambda: audit.outbox_entry(ref)["state"] == "delivered")
    assert upstream.timeline() == ["Rate limited, then fine"]


# -- SIGKILL between the decision and the delivery ---------------------------

SIMPLE_POLICY = """\
version: 1
name: Outbox kill test
default_action: allow
lists:
  codenames: [Falcon]
rules:
  - id: codenames
    description: Codenames stay inside.
    action: block
    match: {terms: codenames}
"""


def _serve(config: Path) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([GATEPOST, "serve", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out = _read_until(proc, "Gatepost is listening on", timeout=90)
    except AssertionError:
        proc.kill()
        raise
    return proc, out.split("listening on ")[1].split()[0]


def _outbox_state(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT ref, state, attempts FROM outbox").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("failure", ["upstream-down", "answer-lost"])
def test_sigkill_before_delivery_then_restart_delivers_exactly_once(
    tmp_path, upstream, failure
):
    data = tmp_path / "data"
    data.mkdir()
    (tmp_path / "policy.yaml").write_text(SIMPLE_POLICY, encoding="utf-8")
    config = tmp_path / "gatepost.yaml"
    config.write_text(
        f"data_dir: data\npolicy_path: policy.yaml\nport: {free_port()}\n"
        f"upstream_url: {upstream.url}\nupstream_token: {TOKEN}\n"
        "upstream_timeout: 30\nupstream_reply_timeout: 0.3\n"
        "outbox_retry_seconds: 0.05\noutbox_max_backoff_seconds: 0.2\n",
        encoding="utf-8",
    )
    audit = AuditLog(data / "audit.db")
    _, token = audit.add_user("dana", "employee")
    audit.close()
    if failure == "answer-lost":
        upstream.answer_delay = 60  # stores the post, then Gatepost dies waiting
        upstream.start()
    text = "Keynote starts in ten minutes, livestream link in bio"

    proc, base = _serve(config)
    try:
        resp = send(base, token, text, key="kill-1")
        assert resp.status_code == 202, resp.text
        ref = resp.json()["id"]
        rows = _outbox_state(data / "audit.db")
        assert [r[0] for r in rows] == [ref] and rows[0][1] in ("pending", "sending")
        if failure == "answer-lost":
            wait_until(lambda: upstream.timeline() == [text])
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
    assert _outbox_state(data / "audit.db")[0][1] != "delivered"

    upstream.stop()
    upstream.answer_delay = 0
    upstream.start()
    proc, base = _serve(config)
    try:
        wait_until(lambda: _outbox_state(data / "audit.db")[0][1] == "delivered", timeout=20)
        time.sleep(0.3)
        assert upstream.timeline() == [text]
        again = send(base, token, text, key="kill-1")
        assert again.status_code == 200, again.text
        assert upstream.timeline() == [text]
    finally:
        stop_process(proc)


def test_a_hung_upstream_does_not_hold_every_request(upstream, make_gatepost):
    """After one wait runs out, posts are queued at once until a delivery succeeds."""
    upstream.answer_delay = 2.0
    upstream.start()
    gp = make_gatepost(upstream, upstream_reply_timeout=0.3)
    audit = gp.app.extensions["gatepost.audit"]
    token = employee(gp)
    first = send(gp.url, token, "First into the hang")
    assert first.status_code == 202 and first.json()["queued"] is True
    started = time.monotonic()
    later = [send(gp.url, token, f"Queued at once {i}") for i in range(5)]
    assert time.monotonic() - started < 1.0  # no 0.3 s wait each
    assert all(r.status_code == 202 and r.json()["queued"] for r in later)
    refs = [r.json()["id"] for r in (first, *later)]
    wait_until(lambda: all(audit.outbox_entry(r)["state"] == "delivered" for r in refs),
               timeout=30)
    assert sorted(upstream.timeline()) == sorted(
        ["First into the hang", *(f"Queued at once {i}" for i in range(5))])

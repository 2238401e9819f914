"""Hot reload: valid policy changes swap in without a restart, invalid ones never do."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from policies import parse_policy
from proxy.app import create_app
from proxy.config import Config
from proxy.reload import PolicyWatcher
from tests.conftest import DATA, LiveServer

ORIGINAL = (DATA / "policy.yaml").read_text(encoding="utf-8")
CODENAMES = "codenames: [Falcon, Bluebird, Project Nightjar]"
WITH_OSPREY = ORIGINAL.replace(CODENAMES, "codenames: [Falcon, Bluebird, Project Nightjar, Osprey]")
BAD_YAML = ORIGINAL.replace(CODENAMES, "codenames: [Falcon, Bluebird")
UNKNOWN_ENTITY = ORIGINAL.replace("[US_SSN, CREDIT_CARD]", "[US_SSN, CREDITCARD]")
assert len({ORIGINAL, WITH_OSPREY, BAD_YAML, UNKNOWN_ENTITY}) == 4


def _serve(tmp_path: Path, policy_dir: Path, microblog, analyzer, reload_s: float):
    config = Config(
        data_dir=tmp_path / "data", policy_path=policy_dir / "policy.yaml",
        upstream_url=microblog.url, upstream_token="upstream-token",
        policy_reload_seconds=reload_s,
        rate_limit_per_minute=0,  # the stream test sends 200 posts in seconds
    )  # fmt: skip
    live = LiveServer.start(create_app(config, analyzer=analyzer))
    _, token = live.app.extensions["gatepost.audit"].add_user("dana", "employee")
    return live, token


@pytest.fixture
def server(tmp_path, policy_dir, microblog, analyzer) -> Iterator[tuple[LiveServer, str]]:
    """Gatepost on a copy of the test policy; reloads only when a test says so."""
    live, token = _serve(tmp_path, policy_dir, microblog, analyzer, reload_s=0)
    yield live, token
    live.stop()


def _watcher(live: LiveServer) -> PolicyWatcher:
    return live.app.extensions["gatepost.policy_watcher"]


# One keep-alive connection, as a client would use: a new connection per post
# can reach waitress's connection limit before closed ones are reaped.
_client = threading.local()


def _post(live: LiveServer, token: str, text: str) -> requests.Response:
    if not hasattr(_client, "session"):
        _client.session = requests.Session()
    return _client.session.post(f"{live.url}/api/posts", json={"text": text}, timeout=30,
                                headers={"Authorization": f"Bearer {token}"})


def _health_policy(live: LiveServer) -> dict:
    return requests.get(f"{live.url}/healthz", timeout=10).json()["policy"]


def _version(text: str, policy_dir: Path) -> str:
    return parse_policy(text, base_dir=policy_dir).version


def test_a_valid_change_is_in_force_for_the_next_post_and_recorded(server, policy_dir):
    live, token = server
    audit = live.app.extensions["gatepost.audit"]
    before = _health_policy(live)
    assert before == {"version": _version(ORIGINAL, policy_dir), "seq": 1,
                      "last_reload_error": None}
    assert _post(live, token, "Osprey ships soon").status_code == 200

    (policy_dir / "policy.yaml").write_text(WITH_OSPREY, encoding="utf-8")
    status = _watcher(live).reload_now()

    new_version = _version(WITH_OSPREY, policy_dir)
    assert (status.ok, status.version, status.seq) == (True, new_version, 2)
    resp = _post(live, token, "Osprey ships soon")
    assert resp.status_code == 422, resp.text
    row = audit.decision(resp.json()["id"])
    assert (row["policy_version"], row["policy_seq"]) == (new_version, 2)
    assert audit.current_policy_version()["version"] == new_version
    actors = audit.store.db.execute("SELECT actor, action FROM admin_actions").fetchall()
    assert ("file-watcher", "policy.load") in actors
    assert _health_policy(live) == {"version": new_version, "seq": 2, "last_reload_error": None}
    assert audit.verify_chain().ok


def _delete_list(policy_dir: Path) -> None:
    (policy_dir / "customers.txt").unlink()


def _write(text: str):
    return lambda policy_dir: (policy_dir / "policy.yaml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (_write(BAD_YAML), "YAML syntax error"),
        (_write(UNKNOWN_ENTITY), 'unknown entity "CREDITCARD"'),
        (_delete_list, 'lists.customers.file: cannot read "customers.txt"'),
        (_write(""), "the policy is empty"),
    ],
    ids=["bad-yaml", "unknown-entity", "list-file-deleted", "emptied"],
)
def test_an_invalid_change_is_refused_and_the_old_policy_stays(
    server, policy_dir, caplog, break_it, message
):
    live, token = server
    version = _version(ORIGINAL, policy_dir)
    break_it(policy_dir)
    with caplog.at_level(logging.ERROR, logger="gatepost.reload"):
        status = _watcher(live).reload_now()
        _watcher(live).reload_now()  # the same refused content is not logged again

    assert (status.ok, status.version, status.seq) == (False, version, 1)
    assert any(message in m for m in status.messages), status.messages
    assert all(m.startswith(str(policy_dir / "policy.yaml") + ":") for m in status.messages)
    logged = [r.getMessage() for r in caplog.records]
    assert [m for m in logged if message in m] == [m for m in status.messages if message in m]
    error = _health_policy(live)["last_reload_error"]
    assert any(message in m for m in error["messages"])

    assert _post(live, token, "Falcon is nearly done").status_code == 422
    flagged = _post(live, token, "Lunch with Contoso Pharma")
    assert flagged.status_code == 202, flagged.text  # the list file's terms still apply
    row = live.app.extensions["gatepost.audit"].decision(flagged.json()["id"])
    assert (row["policy_version"], row["policy_seq"]) == (version, 1)


def test_fixing_a_refused_change_puts_it_in_force_and_clears_the_error(server, policy_dir):
    live, token = server
    path = policy_dir / "policy.yaml"
    path.write_text(BAD_YAML, encoding="utf-8")
    assert not _watcher(live).reload_now().ok
    path.write_text(WITH_OSPREY, encoding="utf-8")
    assert _watcher(live).reload_now().ok
    assert _health_policy(live) == {
        "version": _version(WITH_OSPREY, policy_dir), "seq": 2, "last_reload_error": None,
    }  # fmt: skip
    assert _post(live, token, "Osprey ships soon").status_code == 422


def test_the_watcher_thread_picks_up_a_change_by_itself(tmp_path, policy_dir, microblog, analyzer):
    live, token = _serve(tmp_path, policy_dir, microblog, analyzer, reload_s=0.1)
    try:
        (policy_dir / "policy.yaml").write_text(WITH_OSPREY, encoding="utf-8")
        new_version = _version(WITH_OSPREY, policy_dir)
        deadline = time.monotonic() + 10
        while _health_policy(live)["version"] != new_version:
            assert time.monotonic() < deadline, "the watcher did not reload the policy"
            time.sleep(0.05)
        assert _post(live, token, "Osprey ships soon").status_code == 422
    finally:
        _watcher(live).stop()
        live.stop()
    assert _watcher(live)._thread is None


def _replace(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _churn(path: Path, watcher: PolicyWatcher, stop: threading.Event) -> int:
    """Save valid and invalid versions, atomically and in place, until told to stop."""
    rounds = 0
    valid = [WITH_OSPREY, ORIGINAL]
    while not stop.is_set():
        good = valid[rounds % 2]
        _replace(path, UNKNOWN_ENTITY)
        watcher.reload_now()
        _replace(path, good)
        watcher.reload_now()
        with path.open("r+b") as f:  # in place: truncated, half written, then whole
            f.truncate(0)
            watcher.reload_now()
            data = BAD_YAML.encode() if rounds % 3 else good.encode()
            f.write(data[: data.index(b"Bluebird")])
            f.flush()
            watcher.reload_now()
            f.write(data[data.index(b"Bluebird"):])
        watcher.reload_now()
        rounds += 1
    return rounds


def test_a_broken_policy_is_never_in_force_during_a_stream_of_posts(
    tmp_path, policy_dir, microblog, analyzer
):
    # The watcher thread polls too, so it also meets files half written.
    live, token = _serve(tmp_path, policy_dir, microblog, analyzer, reload_s=0.02)
    audit, watcher = live.app.extensions["gatepost.audit"], _watcher(live)
    valid = {_version(t, policy_dir) for t in (ORIGINAL, WITH_OSPREY)}
    texts = ["Osprey ships soon", "Falcon is nearly done", "Lunch with Contoso Pharma",
             "Hello from the expo floor"]
    responses: list[requests.Response] = []
    stop, rounds = threading.Event(), []
    writer = threading.Thread(
        target=lambda: rounds.append(_churn(policy_dir / "policy.yaml", watcher, stop))
    )
    writer.start()
    try:
        for i in range(200):
            responses.append(_post(live, token, f"{texts[i % 4]} #{i}"))
    finally:
        stop.set()
        writer.join(30)
        watcher.stop()
        live.stop()

    assert rounds and rounds[0] >= 3, rounds
    assert {r.status_code for r in responses} <= {200, 202, 422}, [r.text for r in responses]
    seqs = {row["seq"]: row["version"] for row in audit.store.db["policy_versions"].rows}
    assert set(seqs.values()) == valid
    for resp in responses:
        row = audit.decision(resp.json()["id"])
        assert row["policy_version"] in valid
        assert seqs[row["policy_seq"]] == row["policy_version"]
    actions = {audit.decision(r.json()["id"])["action"] for r in responses}
    assert actions == {"allow", "flag", "block"}
    assert audit.verify_chain().ok

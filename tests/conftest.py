"""Shared fixtures: the analyzer (loaded once), live servers on loopback."""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from proxy.serve import make_server, run_until_closed, stop_server

DATA = Path(__file__).parent / "data"
TEST_POLICY = DATA / "policy.yaml"


@pytest.fixture(scope="session")
def analyzer():
    """presidio + spaCy, built once for the whole test session (seconds)."""
    from detectors import build_analyzer

    return build_analyzer()


@dataclass
class LiveServer:
    """A WSGI app served by waitress on a free loopback port, in a thread."""

    app: Flask
    url: str
    _server: object

    @classmethod
    def start(cls, app: Flask) -> LiveServer:
        server = make_server(app, "127.0.0.1", 0)
        threading.Thread(target=run_until_closed, args=(server,), daemon=True).start()
        return cls(app, f"http://127.0.0.1:{server.effective_port}", server)

    def stop(self) -> None:
        from proxy.app import stop_background

        stop_server(self._server)
        stop_background(self.app)


@pytest.fixture
def microblog(tmp_path: Path) -> Iterator[LiveServer]:
    """The built-in local microblog, as the upstream, on loopback."""
    from proxy.microblog import create_microblog

    live = LiveServer.start(create_microblog(tmp_path / "microblog.db", "upstream-token"))
    yield live
    live.stop()


@pytest.fixture
def gatepost_config(tmp_path: Path, microblog: LiveServer):
    from proxy.config import Config

    return Config(
        data_dir=tmp_path / "data",
        policy_path=TEST_POLICY,
        upstream_url=microblog.url,
        upstream_token="upstream-token",
    )


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    """A copy of the test policy and its list file, which a test may rewrite."""
    folder = tmp_path / "policy"
    folder.mkdir()
    for name in ("policy.yaml", "customers.txt"):
        shutil.copy(DATA / name, folder / name)
    return folder


@pytest.fixture
def editable_gatepost(gatepost_config, analyzer, policy_dir) -> Iterator[LiveServer]:
    """Gatepost serving the copy in policy_dir (the policy editor writes to it)."""
    from proxy.app import create_app

    config = dataclasses.replace(gatepost_config, policy_path=policy_dir / "policy.yaml",
                                 policy_reload_seconds=0.2)
    live = LiveServer.start(create_app(config, analyzer=analyzer))
    yield live
    live.stop()


@pytest.fixture
def gatepost(gatepost_config, analyzer) -> Iterator[LiveServer]:
    """Gatepost itself, on loopback, forwarding to the local microblog."""
    from proxy.app import create_app

    live = LiveServer.start(create_app(gatepost_config, analyzer=analyzer))
    yield live
    live.stop()


@pytest.fixture
def audit_log(gatepost):
    return gatepost.app.extensions["gatepost.audit"]


@pytest.fixture
def employee_token(audit_log) -> str:
    _, token = audit_log.add_user("dana", "employee", groups=["marketing"])
    return token

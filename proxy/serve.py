"""`gatepost serve`: the built-in microblog (if needed), first-run accounts, the server."""

from __future__ import annotations

import dataclasses
import logging
import secrets
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import waitress
from waitress import wasyncore

from audit import AuditLog
from proxy.app import create_app, stop_background
from proxy.config import Config
from proxy.microblog import create_microblog

log = logging.getLogger("gatepost")

FIRST_EMPLOYEE = "employee"


def start_local_microblog(config: Config) -> tuple[Config, Callable[[], None]]:
    """Serve the built-in microblog in a thread; return the config pointing at it."""
    token_file = config.data_dir / "microblog-token"
    if not token_file.exists():
        token_file.write_text(secrets.token_urlsafe(32), encoding="utf-8")
        token_file.chmod(0o600)
    token = token_file.read_text(encoding="utf-8").strip()
    app = create_microblog(config.data_dir / "microblog.db", token)
    server = make_server(app, config.host, config.microblog_port)
    threading.Thread(target=run_until_closed, args=(server,), name="local-microblog",
                     daemon=True).start()
    url = f"http://{config.host}:{server.effective_port}"
    # The built-in microblog speaks the Mastodon API, whatever upstream_dialect says.
    config = dataclasses.replace(config, upstream_url=url, upstream_token=token,
                                 upstream_dialect="mastodon")
    return config, lambda: stop_server(server)


def make_server(app: Any, host: str, port: int, threads: int = 4,
                trusted_proxy: str | None = None) -> Any:
    """A waitress server that polls its sockets with poll(), not select().

    select() cannot watch a file descriptor numbered 1024 or more: past that,
    waitress's loop raises ValueError and the server silently stops
    answering. A long-running gateway (SQLite files, upstream sockets,
    clients) can get there; poll() has no such limit.
    """
    proxy = {}
    if trusted_proxy:  # the reverse proxy's X-Forwarded-For/-Proto/-Host are believed
        proxy = {"trusted_proxy": trusted_proxy, "clear_untrusted_proxy_headers": True,
                 "trusted_proxy_headers": "x-forwarded-for x-forwarded-proto x-forwarded-host"}
    return waitress.create_server(app, host=host, port=port, threads=threads,
                                  asyncore_use_poll=True, **proxy)


def run_until_closed(server: Any) -> None:
    """Run a waitress server in a thread until stop_server() ends it."""
    try:
        server.run()
    except (OSError, ValueError):
        if not getattr(server, "gatepost_stopping", False):
            log.exception("the HTTP server's loop failed; it no longer answers")
            raise


def stop_server(server: Any) -> None:
    """End a server run in another thread: its sockets, its loop and its worker threads."""
    server.gatepost_stopping = True
    server.close()
    wasyncore.close_all(server._map)  # the loop runs while its map has sockets
    server.task_dispatcher.shutdown(timeout=5)


def first_run_accounts(audit: AuditLog) -> tuple[list[str], str | None]:
    """On an empty user table, create an admin and an employee.

    Returns the lines that say how to use them, and the employee's token.
    """
    if audit.has_users():
        return [], None
    password = secrets.token_urlsafe(12)
    audit.add_user("admin", "admin", password=password)
    _, token = audit.add_user(FIRST_EMPLOYEE, "employee")
    return [
        "First start: created two accounts (shown once, keep them safe).",
        f"  admin UI login:  admin / {password}",
        f"  employee token:  {token}",
    ], token


def serve(config: Config, echo: Callable[[str], None] = print) -> None:
    """Run Gatepost until interrupted."""
    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stop_microblog: Callable[[], None] | None = None
    if not config.upstream_url:
        config, stop_microblog = start_local_microblog(config)
        echo(f"Built-in microblog: {config.upstream_url}/  (its timeline page)")
    app = create_app(config)
    lines, token = first_run_accounts(app.extensions["gatepost.audit"])
    server = make_server(app, config.host, config.port, config.threads, config.trusted_proxy)
    base = f"http://{config.host}:{server.effective_port}"
    for line in [*lines, *_usage(base, token or "<your token>", config.policy_path)]:
        echo(line)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        server.run()  # returns on Ctrl-C or SIGTERM (waitress catches KeyboardInterrupt)
    finally:
        echo("Stopping: finishing the outbox's current send, closing the audit db.")
        stop_server(server)
        stop_background(app)
        app.extensions["gatepost.audit"].close()
        if stop_microblog:
            stop_microblog()


def _stop_on_sigterm(_signum: int, _frame: Any) -> None:
    """SIGTERM (systemd, docker stop) ends serve() like Ctrl-C: through its cleanup."""
    raise KeyboardInterrupt


def _usage(base: str, token: str, policy: Path) -> list[str]:
    return [
        f"Gatepost is listening on {base}  (admin UI: {base}/admin/)",
        f"Policy in force: {policy}",
        "Try it:",
        f"  curl -s -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \\",
        f"       -d '{{\"text\": \"Hello from the launch event!\"}}' {base}/api/posts",
    ]

"""`create_app(config)`: wires policy, detectors, audit and upstream together."""

from __future__ import annotations

import dataclasses
import functools
import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException

from admin_ui.auth import LoginThrottle
from audit import AuditLog
from detectors import build_analyzer, build_scanner
from detectors.scanner import BUDGET_MS
from policies import Policy, load_policy
from proxy.config import Config
from proxy.errors import ConfigError
from proxy.gateway import Engine, Gateway
from proxy.http import install_title_case_reasons
from proxy.outbox import Outbox
from proxy.policy_edit import PolicyEditor
from proxy.ratelimit import RateLimiter
from proxy.ratelimit import install as install_rate_limiter
from proxy.reload import PolicyWatcher, read_lists
from proxy.retention import RetentionWorker
from proxy.upstream import build_upstream

log = logging.getLogger("gatepost")


@functools.cache
def shared_analyzer(model: str) -> Any:
    """presidio's engine with the spaCy model, loaded once per process."""
    return build_analyzer(model)


def build_engine(policy: Policy, analyzer: Any | None, seq: int = 0, *,
                 budget_ms: float = BUDGET_MS) -> Engine:
    """Compile the scanner a policy needs (automaton, patterns) once.

    seq is the policy's number in the audit db's policy_versions, if recorded;
    budget_ms each detector's time budget per post (config detector_budget_ms).
    """
    scanner = build_scanner(
        analyzer,
        term_lists=policy.term_lists,
        patterns=policy.patterns,
        pii_entities=policy.pii_entities,
        secret_labels=policy.secret_labels,
        budget_ms=budget_ms,
        pii_gates=policy.pii_gates,
    )
    return Engine(policy=policy, scanner=scanner, seq=seq)


def engine_builder(config: Config, analyzer: Any | None) -> Callable[[Policy], Engine]:
    """build_engine for policies loaded later: presidio is loaded when one needs PII."""

    def build(policy: Policy) -> Engine:
        chosen = analyzer
        if chosen is None and policy.pii_entities:
            chosen = shared_analyzer(config.spacy_model)
        return build_engine(policy, chosen, budget_ms=config.detector_budget_ms)

    return build


def create_app(config: Config | None = None, *, analyzer: Any | None = None) -> Flask:
    """The Gatepost WSGI app. `analyzer` lets tests inject a preloaded engine."""
    config = config or Config()
    if not config.upstream_url or not config.upstream_token:
        raise ConfigError(
            "no upstream: set upstream_url and upstream_token, or run `gatepost serve`, "
            "which starts the built-in microblog"
        )
    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    policy = load_policy(config.policy_path)
    build = engine_builder(config, analyzer)
    engine = build(policy)
    secret_key = config.secret_key or _secret_key(config.data_dir)
    audit = AuditLog(config.audit_db, text_key=secret_key.encode("utf-8"))
    policy_text = Path(config.policy_path).read_text(encoding="utf-8")
    seq = audit.record_policy_version(
        policy.version, policy.name, str(config.policy_path), policy_text,
        lists=read_lists(policy_text, Path(config.policy_path).parent),
    )
    upstream = build_upstream(config.upstream_dialect, config.upstream_url,
                              config.upstream_token, config.upstream_timeout)

    app = Flask(__name__)
    app.config.update(
        GATEPOST=config,
        SECRET_KEY=secret_key,
        MAX_CONTENT_LENGTH=max(64 * 1024, config.max_post_chars * 8),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    outbox = Outbox(audit, upstream, reply_timeout=config.upstream_reply_timeout,
                    retry_seconds=config.outbox_retry_seconds,
                    max_backoff_seconds=config.outbox_max_backoff_seconds,
                    inline_threads=max(4, config.threads))
    gateway = Gateway(dataclasses.replace(engine, seq=seq), audit, upstream, outbox)
    watcher = PolicyWatcher(config.policy_path, gateway, audit, build,
                            interval=config.policy_reload_seconds)
    app.extensions["gatepost.audit"] = audit
    app.extensions["gatepost.gateway"] = gateway
    app.extensions["gatepost.policy_watcher"] = watcher  # .status: the last reload's outcome
    app.extensions["gatepost.policy_editor"] = PolicyEditor(config.policy_path, gateway, audit,
                                                            build, watcher)
    app.extensions["gatepost.outbox"] = outbox  # .stop() ends its worker
    app.extensions["gatepost.retention"] = RetentionWorker(audit, config.retention_days)
    app.extensions["gatepost.login_throttle"] = LoginThrottle(config.login_attempts)
    install_rate_limiter(app, RateLimiter(config.rate_limit_per_minute, config.rate_limit_burst))
    _register(app)
    log.info("policy %r version %s (seq %d) in force", policy.name, policy.version, seq)
    watcher.start()
    outbox.start()  # resumes posts a previous run left undelivered
    app.extensions["gatepost.retention"].start()
    return app


def _register(app: Flask) -> None:
    from admin_ui import appeals_bp
    from admin_ui import bp as admin_bp
    from proxy.mastodon import bp as mastodon_bp
    from proxy.native import bp as native_bp
    from proxy.x_api import bp as x_bp

    app.register_blueprint(native_bp)
    app.register_blueprint(mastodon_bp)
    app.register_blueprint(x_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(appeals_bp)
    # Forms in the admin UI carry CSRF tokens; the API dialects use bearer
    # tokens, which a cross-site form cannot send.
    csrf = CSRFProtect(app)
    csrf.exempt(native_bp)
    csrf.exempt(mastodon_bp)
    csrf.exempt(x_bp)
    install_title_case_reasons(app)
    app.after_request(security_headers)

    @app.get("/healthz")
    def healthz():
        watcher: PolicyWatcher = app.extensions["gatepost.policy_watcher"]
        return jsonify(status="ok", policy=watcher.status.as_json())

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        limit = app.config["MAX_CONTENT_LENGTH"]
        too_large = f"The request body is over the limit of {limit} bytes"
        if _is_page(request.path):
            message = too_large if exc.code == 413 else exc.description
            return _error_page(exc.code or 500, message), exc.code
        messages = {
            404: "Record not found",
            405: "Method not allowed on this path",
            413: too_large,
        }
        return jsonify(error=messages.get(exc.code, exc.description)), exc.code

    @app.errorhandler(500)
    def internal_error(_exc):
        message = ("Gatepost failed to handle this request; nothing was posted. "
                   "The error is in the server log.")
        if _is_page(request.path):
            return _error_page(500, message), 500
        return jsonify(error=message), 500


#: Pages: only this origin's own scripts, styles and images; no inline script
#: or style, no framing, forms post only here.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
#: API answers are data, never rendered: nothing may load from them.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def security_headers(response: Response) -> Response:
    """Headers every answer carries; admin pages also must not be cached."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    page = _is_page(request.path)
    headers.setdefault("Content-Security-Policy", PAGE_CSP if page else API_CSP)
    if page and not request.path.startswith("/admin/static/"):
        headers.setdefault("Cache-Control", "no-store")
    return response


def _is_page(path: str) -> bool:
    """Paths a person opens in a browser (admin UI, appeals): errors are HTML there."""
    return path.startswith(("/admin", "/appeal/"))


def _error_page(code: int, message: str | None) -> str:
    return render_template("error.html", code=code, message=message or "")


def _secret_key(data_dir: Path) -> str:
    """A session key kept in the data folder so logins survive restarts."""
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def stop_background(app: Flask) -> None:
    """End the threads create_app started (policy watcher, outbox, retention), if any."""
    for name in ("gatepost.policy_watcher", "gatepost.outbox", "gatepost.retention"):
        worker = app.extensions.get(name)
        if worker is not None:
            worker.stop()

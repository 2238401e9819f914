"""Fixtures for the audit tests: a real SQLite file in tmp_path and a recorder."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from audit import AuditLog, mask_text, new_reference
from detectors.base import Finding
from policies.types import Action, Decision, FiredRule, Post


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "audit.db"


@pytest.fixture
def log(db_path: Path) -> Iterator[AuditLog]:
    # Cheap argon2 parameters: the real ones cost ~0.2 s per hash.
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    audit_log = AuditLog(db_path, password_hasher=fast)
    yield audit_log
    audit_log.close()


@pytest.fixture
def db_bytes(log: AuditLog, db_path: Path) -> Callable[[], bytes]:
    """Close the log and return every byte SQLite left on disk for it."""

    def read() -> bytes:
        log.close()
        files = [db_path, *db_path.parent.glob(db_path.name + "-*")]
        return b"".join(f.read_bytes() for f in files if f.exists())

    return read


Recorder = Callable[..., str]


@pytest.fixture
def record(log: AuditLog) -> Recorder:
    """Record a post with the given action and findings; returns its ref.

    allow/redact posts go to the outbox (redact: masked text), like the proxy does.
    """

    def _record(
        action: Action = Action.ALLOW,
        text: str = "hello world",
        findings: Sequence[Finding] = (),
        *,
        author: str = "alice",
        idempotency_key: str | None = None,
    ) -> str:
        ref = new_reference()
        rules: tuple[FiredRule, ...] = ()
        if action is not Action.ALLOW:
            desc = f"{action.value} rule"
            rules = (FiredRule(f"rule.{action.value}", action, desc, tuple(findings)),)
        redacted = mask_text(text, findings) if action is Action.REDACT else None
        decision = Decision(action, rules, "v1", tuple(findings), redacted)
        outbox = {Action.ALLOW: text, Action.REDACT: redacted}.get(action)
        log.record_decision(
            Post(author, text, ("eng",)),
            decision,
            ref=ref,
            dialect="native",
            timings_ms={"detect": 1.25, "decide": 0.5},
            total_ms=2,
            outbox_text=outbox,
            idempotency_key=idempotency_key,
        )
        return ref

    return _record


@pytest.fixture
def record_at(record, monkeypatch):
    """record(), with created_at fixed to the given ISO UTC string."""

    def _record_at(created_at: str, *args, **kwargs) -> str:
        monkeypatch.setattr("audit.store.utc_now", lambda: created_at)
        return record(*args, **kwargs)

    return _record_at

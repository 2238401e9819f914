"""Hot reload: watch the policy file and its list files, swap in valid changes.

A change is read, validated and compiled off to the side while the old engine
keeps serving; it goes into force only when everything succeeded, with one
atomic `Gateway.swap_engine`. An invalid change is refused: its problems are
logged (FILE:LINE: key.path: message, never post text) and kept in `status`,
and the old policy stays in force. The same refused content is not logged
again on every poll.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from audit import AuditLog
from audit.db import utc_now
from policies import Policy, PolicyError, PolicyInvalid, parse_policy
from policies.selftest import failures, run_policy_tests
from proxy.gateway import Engine, Gateway

log = logging.getLogger("gatepost.reload")

WATCHER_ACTOR = "file-watcher"
Stamp = tuple[tuple[str, int, int], ...]  # (path, mtime_ns, size) per watched file; -1 if absent


class RefusedChange(Exception):
    """A policy change that must not go into force; args are the message lines."""


@dataclass(frozen=True)
class ReloadStatus:
    """The outcome of the last reload attempt, and the policy in force after it."""

    ok: bool
    at: str  # ISO 8601 UTC
    version: str  # content hash of the policy in force
    seq: int  # its policy_versions seq in the audit db
    messages: tuple[str, ...] = ()  # why the change was refused (empty when ok)

    def as_json(self) -> dict[str, Any]:
        error = None if self.ok else {"at": self.at, "messages": list(self.messages)}
        return {"version": self.version, "seq": self.seq, "last_reload_error": error}


def list_files(text: bytes, base_dir: Path) -> list[Path]:
    """The list files a policy text names (`lists: {x: {file: ...}}`), best effort."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        return []
    lists = data.get("lists") if isinstance(data, dict) else None
    if not isinstance(lists, dict):
        return []
    files = (v.get("file") for v in lists.values() if isinstance(v, dict))
    return [base_dir / f for f in files if isinstance(f, str) and not Path(f).is_absolute()]


def read_lists(text: str, base_dir: Path) -> dict[str, str]:
    """The list files a policy text names, name (as in the policy) -> content."""
    lists = {}
    for path in list_files(text.encode("utf-8"), base_dir):
        data = _read(path)
        if data is not None:
            lists[str(path.relative_to(base_dir))] = data.decode("utf-8", "replace")
    return lists


def _stat(path: Path) -> tuple[str, int, int]:
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


class PolicyWatcher:
    """Polls the policy and its list files by mtime and size; reloads on change.

    build(policy) compiles an Engine (scanner included) for a policy. Use
    start()/stop() for the polling thread, or reload_now() to check at once.
    """

    def __init__(
        self, path: Path, gateway: Gateway, audit: AuditLog,
        build: Callable[[Policy], Engine], interval: float = 2.0,
    ) -> None:  # fmt: skip
        self.path = Path(path)
        self.gateway, self.audit, self.build, self.interval = gateway, audit, build, interval
        engine = gateway.engine
        self.status = ReloadStatus(True, utc_now(), engine.policy.version, engine.seq)
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._stamp: Stamp | None = None  # None: never looked yet
        self._seen: str | None = None  # content key of the last attempt, valid or not

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._thread = threading.Thread(target=self._run, name="policy-watcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.poll()
            except Exception:  # noqa: BLE001 - the watcher must outlive any one bad poll
                log.exception("policy watcher: the check failed; trying again next time")

    def poll(self) -> ReloadStatus:
        """Reload if a watched file's mtime or size changed since the last look."""
        if self._stamp is not None and self._stamp == self._current_stamp():
            return self.status
        return self.reload_now()

    def reload_now(self) -> ReloadStatus:
        """Read the files now; put a valid new policy in force, refuse an invalid one."""
        with self._lock:
            stamp = self._current_stamp()
            text = _read(self.path)
            key = self._content_key(text)
            if stamp != self._current_stamp():
                return self.status  # being written right now: look again next time
            self._stamp = stamp
            if key == self._seen:
                return self.status  # already in force, or already refused and logged
            self._seen = key
            try:
                engine = self._compile(text)
                self._put_in_force(engine, (text or b"").decode("utf-8"))
            except RefusedChange as exc:
                self._refuse(exc.args)
            return self.status

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep the watcher off the files while they are rewritten (a save in the UI).

        Afterwards it takes the files as they are for already seen, so it
        does not reload (or record) what the writer has just put in force.
        """
        with self._lock:
            yield
            text = _read(self.path)
            self._stamp, self._seen = self._current_stamp(), self._content_key(text)
            engine = self.gateway.engine
            self.status = ReloadStatus(True, utc_now(), engine.policy.version, engine.seq)

    def _current_stamp(self) -> Stamp:
        text = _read(self.path) or b""
        return tuple(_stat(p) for p in [self.path, *list_files(text, self.path.parent)])

    def _content_key(self, text: bytes | None) -> str:
        digest = hashlib.sha256(b"missing" if text is None else b"policy" + text)
        for path in list_files(text or b"", self.path.parent):
            data = _read(path)
            digest.update(b"\0missing" if data is None else b"\0" + data)
        return digest.hexdigest()

    def _compile(self, text: bytes | None) -> Engine:
        """Validate, compile and self-test the new policy; raise RefusedChange."""
        if text is None:
            raise RefusedChange(f"{self.path}: cannot read the policy file")
        try:
            policy = parse_policy(text.decode("utf-8"), source=str(self.path),
                                  base_dir=self.path.parent)
        except UnicodeDecodeError as exc:
            raise RefusedChange(f"{self.path}: not UTF-8: {exc.reason}") from exc
        except PolicyInvalid as exc:
            raise RefusedChange(*(str(issue) for issue in exc.issues)) from exc
        except PolicyError as exc:
            raise RefusedChange(str(exc)) from exc
        try:
            engine = self.build(policy)
        except Exception as exc:  # noqa: BLE001 - any build failure refuses the change
            raise RefusedChange(f"{self.path}: cannot compile the policy: "
                                f"{type(exc).__name__}: {exc}") from exc
        self._self_test(engine)
        return engine

    def _self_test(self, engine: Engine) -> None:
        """The policy's own `tests:` cases must pass (messages name lines, not texts)."""
        results = run_policy_tests(engine.policy, lambda t: engine.scanner.scan(t).findings)
        failed = failures(results)
        if failed:
            raise RefusedChange(*(
                f"{self.path}:{r.case.line}: tests: expected {r.case.expect.value}, "
                f"got {r.decision.action.value} {list(r.fired)}" for r in failed
            ))  # fmt: skip

    def _put_in_force(self, engine: Engine, text: str) -> None:
        """Record the new version in the audit db, then swap it in (unless unchanged)."""
        policy, current = engine.policy, self.gateway.engine
        if policy.version != current.policy.version:
            try:
                seq = self.audit.record_policy_version(
                    policy.version, policy.name, str(self.path), text, actor=WATCHER_ACTOR,
                    lists=read_lists(text, self.path.parent),
                )
            except sqlite3.Error as exc:
                raise RefusedChange(f"{self.path}: cannot record the new version in the "
                                    f"audit db: {exc}") from exc
            self.gateway.swap_engine(dataclasses.replace(engine, seq=seq))
            log.info("policy %r version %s (seq %d) in force", policy.name, policy.version, seq)
        engine = self.gateway.engine
        self.status = ReloadStatus(True, utc_now(), engine.policy.version, engine.seq)

    def _refuse(self, messages: tuple[str, ...]) -> None:
        engine = self.gateway.engine
        log.error("policy change refused; version %s (seq %d) stays in force",
                  engine.policy.version, engine.seq)
        for line in messages:
            log.error("%s", line)
        self.status = ReloadStatus(False, utc_now(), engine.policy.version, engine.seq,
                                   tuple(messages))

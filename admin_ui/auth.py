"""Session login for the admin UI, its throttle, and the one decorator that enforces roles."""

from __future__ import annotations

import functools
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for

# Each role can do everything the roles before it can.
ROLE_RANK = {"employee": 0, "officer": 1, "admin": 2}

THROTTLE_WINDOW_SECONDS = 15 * 60


def current_user() -> Any | None:
    """The signed-in user, or None. A session opened with a token ends when the
    token is revoked, as the token itself does."""
    name = session.get("user")
    if not name:
        return None
    audit = current_app.extensions["gatepost.audit"]
    via = session.get("token_hash")
    if via is not None and not audit.token_hash_valid(via, name):
        session.clear()
        return None
    return audit.get_user(name)


def role_rank(role: str) -> int:
    return ROLE_RANK.get(role, -1)


def role_required(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first; then 403 unless the user's role reaches `role`."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
            if role_rank(user.role) < ROLE_RANK[role]:
                abort(403)
            g.user = user
            return view(*args, **kwargs)

        wrapped.required_role = role  # lets tests find every protected route
        return wrapped

    return decorator


class LoginThrottle:
    """Counts failed sign-ins per (user name, address) in a sliding window.

    In memory, per process: enough to stop password guessing through one
    Gatepost; a fleet behind a load balancer also wants limits at the proxy.
    attempts 0 turns the throttle off, as rate_limit_per_minute 0 does.
    """

    def __init__(self, attempts: int, window: float = THROTTLE_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window
        self.clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, name: str, address: str) -> int:
        """Seconds until this pair may try again; 0 when it may try now."""
        if self.attempts <= 0:
            return 0
        with self._lock:
            failures = self._recent((name.casefold(), address))
            if len(failures) < self.attempts:
                return 0
            return max(1, math.ceil(failures[0] + self.window - self.clock()))

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            key = (name.casefold(), address)
            self._recent(key).append(self.clock())

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop((name.casefold(), address), None)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        return failures

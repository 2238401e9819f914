"""Per-employee rate limits: a token bucket per user name, in memory.

Each employee may send `burst` posting or scanning requests at once, and the
bucket refills at `per_minute` requests a minute. Requests are counted before
anything is scanned, so flooding costs no scan. Over the limit the request is
refused with 429 and Retry-After (whole seconds) in the dialect's error shape;
a policy decision is never a 429 (clients would retry it forever).

The buckets live in this process: several Gatepost processes behind a load
balancer each allow the full rate. There is one bucket per employee who has
posted, so memory is bounded by the number of users.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, Response, g, request

from proxy.errors import ProxyError

Clock = Callable[[], float]


def wait_phrase(seconds: int) -> str:
    """ "1 second", "40 seconds", "3 minutes": how long a client must wait, rounded up."""
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


class RateLimited(ProxyError):
    """An employee sent more posts than the rate limit allows: 429 with Retry-After."""

    status_code = 429

    def __init__(self, per_minute: int, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"Too many posts from this account: {per_minute} a minute are allowed; "
            f"try again in {wait_phrase(retry_after)}."
        )


@dataclass(frozen=True)
class Allowance:
    """What one request left in its employee's bucket, for the rate-limit headers.

    remaining: whole requests that may be sent now (0..limit).
    reset_seconds: seconds until the bucket is full again (0 when the limit is off).
    retry_after: 0 if this request was let through, else whole seconds (>= 1)
    until the next one may be.
    """

    limit: int
    remaining: int
    reset_seconds: float
    retry_after: int = 0


class RateLimiter:
    """A thread-safe token bucket per key; O(1) per request.

    per_minute 0 turns the limit off (every request is let through).
    """

    def __init__(self, per_minute: int, burst: int, clock: Clock = time.monotonic) -> None:
        self.per_minute = per_minute
        self.burst = burst
        self.clock = clock
        self._rate = per_minute / 60.0  # tokens a second
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def take(self, key: str) -> Allowance:
        """Count one request for key; retry_after > 0 when it is over the limit."""
        if not self.enabled:
            return Allowance(self.burst, self.burst, 0.0)
        now = self.clock()
        with self._lock:
            tokens, updated = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - updated) * self._rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
        retry_after = 0 if allowed else max(1, math.ceil((1.0 - tokens) / self._rate))
        return Allowance(self.burst, int(tokens), (self.burst - tokens) / self._rate, retry_after)

    def check(self, key: str) -> None:
        """Count one request for key; RateLimited when it is over the limit.

        The allowance is kept on flask.g for the response's headers.
        """
        if not self.enabled:
            return
        allowance = self.take(key)
        g.gatepost_allowance = allowance
        if allowance.retry_after:
            raise RateLimited(self.per_minute, allowance.retry_after)


def install(app: Flask, limiter: RateLimiter) -> None:
    """Put limiter in force for app's token_required POST views, and add its headers."""
    app.extensions["gatepost.rate_limiter"] = limiter
    app.after_request(rate_limit_headers)


def rate_limit_headers(response: Response) -> Response:
    """Retry-After on a 429, and the rate-limit headers the dialect's clients read.

    Mastodon.py reads X-RateLimit-* (reset as an ISO time) and waits until the
    reset before retrying; tweepy reads x-rate-limit-* (reset in epoch seconds).
    """
    allowance: Allowance | None = g.get("gatepost_allowance")
    if allowance is None:
        return response
    headers = response.headers
    if allowance.retry_after:
        headers["Retry-After"] = str(allowance.retry_after)
    wait = allowance.retry_after or allowance.reset_seconds
    reset_at = time.time() + wait
    if request.path.startswith("/2/"):
        headers["x-rate-limit-limit"] = str(allowance.limit)
        headers["x-rate-limit-remaining"] = str(allowance.remaining)
        headers["x-rate-limit-reset"] = str(math.ceil(reset_at))
    else:
        headers["X-RateLimit-Limit"] = str(allowance.limit)
        headers["X-RateLimit-Remaining"] = str(allowance.remaining)
        reset = datetime.fromtimestamp(math.ceil(reset_at), UTC).isoformat(timespec="milliseconds")
        headers["X-RateLimit-Reset"] = reset.replace("+00:00", "Z")  # as Mastodon sends it
    return response

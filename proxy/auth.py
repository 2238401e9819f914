"""Employee authentication for the API dialects: bearer tokens."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, g, request

from proxy.errors import Unauthorized


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let the view run only for a known token; sets g.employee.

    A POST (posting, scanning, appealing) also counts against the employee's
    rate limit, before anything is scanned; over it, RateLimited (429).
    """

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        if token is None:
            raise Unauthorized("missing bearer token (Authorization: Bearer <token>)")
        user = current_app.extensions["gatepost.audit"].user_for_token(token)
        if user is None:
            raise Unauthorized("the token is not valid (revoked, mistyped or unknown)")
        g.employee = user
        limiter = current_app.extensions.get("gatepost.rate_limiter")
        if limiter is not None and request.method == "POST":
            limiter.check(user.name)
        return view(*args, **kwargs)

    return wrapped

"""Session login for the admin UI and the one decorator that enforces roles."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for

# Each role can do everything the roles before it can.
ROLE_RANK = {"employee": 0, "officer": 1, "admin": 2}


def current_user() -> Any | None:
    name = session.get("user")
    if not name:
        return None
    return current_app.extensions["gatepost.audit"].get_user(name)


def role_required(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Log in first; then 403 unless the user's role reaches `role`."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("admin.login", next=request.path))
            if ROLE_RANK.get(user.role, -1) < ROLE_RANK[role]:
                abort(403)
            g.user = user
            return view(*args, **kwargs)

        return wrapped

    return decorator

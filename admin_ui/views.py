"""Admin UI sign-in and sign-out, shared by officers, admins and employees (appeals)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from admin_ui.auth import LoginThrottle, current_user, role_rank
from audit.users import token_hash
from proxy.errors import ProxyError
from proxy.http import FORM_TYPES, check_characters, read_form
from proxy.ratelimit import wait_phrase

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
               static_folder="static")

#: The blueprints whose forms people fill in: this one and appeals.
FORM_BLUEPRINTS = ("admin", "appeals")
#: Characters a redirect target may not hold: controls would break the
#: Location header, a backslash reads as "/" to browsers ("/\evil.example").
_UNSAFE_IN_PATH = re.compile(r"[\x00-\x1f\x7f\\]")


@bp.app_context_processor
def template_helpers() -> dict:
    return {"current_user": current_user, "role_rank": role_rank}


def audit():
    return current_app.extensions["gatepost.audit"]


@bp.before_app_request
def refuse_bad_forms() -> None:
    """A form posted to a page must be UTF-8 with no control characters (tab and
    line breaks aside) in any field: else 400, naming the field, before any view.

    Registered before the CSRF check, so a form Werkzeug cannot decode is
    named as such, not as one missing its CSRF token.
    """
    if (request.method != "POST" or request.blueprint not in FORM_BLUEPRINTS
            or request.mimetype not in FORM_TYPES):
        return
    try:
        for name, value in read_form(request).items(multi=True):
            check_characters(name, ascii(name)[1:-1])
            check_characters(value, name)
    except ProxyError as exc:
        message = str(exc)
        abort(exc.status_code, f"{message[:1].upper()}{message[1:]}. Nothing was changed.")


def local_path(target: str, default: str) -> str:
    """target if it is a path on this site, else default: never another site
    (an open redirect) and never a character that breaks the Location header."""
    if (not target.startswith("/") or target.startswith("//") or urlparse(target).netloc
            or _UNSAFE_IN_PATH.search(target)):
        return default
    return target


def _throttle() -> LoginThrottle:
    return current_app.extensions["gatepost.login_throttle"]  # made by create_app


def _home(user) -> str:
    if role_rank(user.role) >= 1:
        return url_for("admin.review_queue")
    return url_for("appeals.my_posts")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html")
    token = request.form.get("token", "").strip()
    name = request.form.get("username", "").strip() if not token else "token"
    address = request.remote_addr or ""
    wait = _throttle().retry_after(name, address)
    if wait:
        flash(f"Too many failed sign-ins. Try again in {wait_phrase(wait)}.", "error")
        return render_template("login.html"), 429, {"Retry-After": str(wait)}
    user = _check(token, name)
    if user is None:
        _throttle().failed(name, address)
        flash("Wrong user name, password or token.", "error")
        return render_template("login.html"), 401
    _throttle().succeeded(name, address)
    session.clear()
    session["user"] = user.name
    if token:
        session["token_hash"] = token_hash(token)  # a digest, never the token
    return redirect(local_path(request.args.get("next", ""), _home(user)))


def _check(token: str, name: str):
    """The user these credentials name, or None. Tokens sign in employees only:
    an officer's desk needs the password."""
    if token:
        user = audit().user_for_token(token)
        return user if user is not None and user.role == "employee" else None
    return audit().check_password(name, request.form.get("password", ""))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("admin.login"))

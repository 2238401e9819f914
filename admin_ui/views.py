"""Admin UI sign-in and sign-out, shared by officers, admins and employees (appeals)."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import (
    Blueprint,
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

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates",
               static_folder="static")


@bp.app_context_processor
def template_helpers() -> dict:
    return {"current_user": current_user, "role_rank": role_rank}


def audit():
    return current_app.extensions["gatepost.audit"]


def _throttle() -> LoginThrottle:
    throttle = current_app.extensions.get("gatepost.login_throttle")
    if throttle is None:
        attempts = current_app.config["GATEPOST"].login_attempts
        throttle = current_app.extensions.setdefault("gatepost.login_throttle",
                                                     LoginThrottle(attempts))
    return throttle


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
        flash(f"Too many failed sign-ins. Try again in {wait // 60 + 1} minutes.", "error")
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
    target = request.args.get("next", "")
    # Only follow local paths, never an absolute URL (open redirect).
    if not target.startswith("/") or target.startswith("//") or urlparse(target).netloc:
        target = _home(user)
    return redirect(target)


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

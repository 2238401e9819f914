"""Admin UI pages: login, logout, and the decision log."""

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

from admin_ui.auth import current_user, role_required

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _audit():
    return current_app.extensions["gatepost.audit"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        user = _audit().check_password(
            request.form.get("username", ""), request.form.get("password", "")
        )
        if user is None or user.role == "employee":
            flash("Wrong user name or password, or no access to the admin UI.")
            return render_template("login.html"), 401
        session.clear()
        session["user"] = user.name
        target = request.args.get("next", "")
        # Only follow local paths, never an absolute URL (open redirect).
        if not target.startswith("/") or urlparse(target).netloc:
            target = url_for("admin.decisions")
        return redirect(target)
    return render_template("login.html")


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("admin.login"))


@bp.get("/")
@role_required("officer")
def decisions():
    rows = _audit().recent_decisions(limit=100)
    return render_template("decisions.html", decisions=rows, user=current_user())

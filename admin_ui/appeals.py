"""Appeals: an employee asks an officer to look again at a blocked or held post.

In the browser at /appeal/<ref>, signed in with a password or their Gatepost
token. Clients use POST /api/appeals/<ref> (proxy/native.py).
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from admin_ui.auth import role_required
from admin_ui.views import audit
from audit import AuditError
from proxy.native import APPEAL_STATUS

log = logging.getLogger("gatepost.appeals")

bp = Blueprint("appeals", __name__, template_folder="templates")



def _own_decision(ref: str) -> dict:
    decision = audit().decision(ref)
    if decision is None or decision["author"] != g.user.name:
        abort(404)  # someone else's post: as if it did not exist
    return decision


@bp.get("/appeal/")
@role_required("employee")
def my_posts():
    return render_template("my_posts.html", posts=audit().posts_of(g.user.name))


@bp.route("/appeal/<ref>", methods=["GET", "POST"])
@role_required("employee")
def appeal(ref: str):
    decision = _own_decision(ref)
    review = decision["review"]
    needs_text = not (review and review["state"] == "pending")  # else its text is held
    if request.method == "POST":
        try:
            audit().open_appeal(ref, author=g.user.name,
                                justification=request.form.get("justification", ""),
                                text=request.form.get("text") if needs_text else None)
        except (AuditError, ValueError) as exc:
            flash(f"The appeal was not sent: {exc}.", "error")
            return render_template("appeal.html", d=decision, needs_text=needs_text,
                                   form=request.form), APPEAL_STATUS.get(type(exc), 400)
        log.info("appeal of %s by %s", ref, g.user.name)
        flash(f"Your appeal of {ref} is with the compliance officers. "
              f"If they approve it, the post goes out as it is.")
        return redirect(url_for("appeals.my_posts"), 303)
    return render_template("appeal.html", d=decision, needs_text=needs_text, form={},
                           review=review)

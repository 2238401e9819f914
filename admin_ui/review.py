"""The review queue: held posts and appeals, oldest first, approve or reject."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from admin_ui.auth import role_required
from admin_ui.highlight import pieces
from admin_ui.views import audit, bp, local_path
from audit import AlreadyReviewed, UnknownReference
from audit.review import MAX_NOTE_CHARS

log = logging.getLogger("gatepost.review")

#: The age filter's choices: label -> minimum time an item has waited.
AGES = {"1h": timedelta(hours=1), "4h": timedelta(hours=4), "24h": timedelta(days=1),
        "7d": timedelta(days=7)}
KINDS = ("flag", "appeal")


def _filters() -> dict[str, str]:
    wanted = {k: request.args.get(k, "").strip() for k in ("rule", "author", "group", "age",
                                                            "kind")}
    if wanted["age"] and wanted["age"] not in AGES:
        abort(400, f"age must be one of {', '.join(AGES)}")
    if wanted["kind"] and wanted["kind"] not in KINDS:
        abort(400, f"kind must be one of {', '.join(KINDS)}")
    return wanted


@bp.get("/review")
@role_required("officer")
def review_queue():
    wanted = _filters()
    items, total = audit().review_items(
        rule=wanted["rule"] or None, author=wanted["author"] or None,
        group=wanted["group"] or None, kind=wanted["kind"] or None,
        min_age=AGES.get(wanted["age"]),
    )
    for item in items:
        text = item["held_text"] if item["held_text"] is not None else \
            (item["decision"] or {}).get("masked_text") or ""
        item["pieces"] = pieces(text, item["findings"])
    return render_template("review.html", items=items, total=total, wanted=wanted,
                           options=audit().review_filter_options(), ages=AGES, kinds=KINDS)


@bp.post("/review/<ref>")
@role_required("officer")
def review_decide(ref: str):
    choice = request.form.get("decision")
    if choice not in ("approve", "reject"):
        abort(400, "decision must be approve or reject")
    note = request.form.get("note", "")
    if len(note) > MAX_NOTE_CHARS:  # the page's textarea stops at the limit
        abort(400, f"The note is {len(note)} characters; the limit is {MAX_NOTE_CHARS}. "
                   f"Nothing was changed.")
    queue = url_for("admin.review_queue")
    back = request.form.get("back", "")
    back = local_path(back, queue) if back.startswith(queue) else queue
    try:
        audit().resolve_review(ref, reviewer=g.user.name, approve=choice == "approve", note=note)
    except UnknownReference:
        abort(404)
    except AlreadyReviewed as exc:
        flash(f"Nothing changed: {exc}.", "error")
        return redirect(back), 303
    except ValueError as exc:  # a rejection without a note, or a note too long
        flash(f"Nothing changed: {exc}.", "error")
        return redirect(back), 303
    log.info("review %s %sd by %s", ref, choice, g.user.name)
    if choice == "approve":
        flash(f"Approved {ref}: {_delivery(ref)}")
    else:
        flash(f"Rejected {ref}. The author sees it was not posted.")
    return redirect(back), 303


def _delivery(ref: str) -> str:
    """Send the approved post now, through the outbox, and say how it went."""
    delivery = current_app.extensions["gatepost.outbox"].resend(ref)
    if delivery.delivered:
        return "posted."
    if delivery.queued:
        return f"queued; it will be posted when the upstream answers ({delivery.error})."
    return (f"the upstream refused it with status {delivery.reply.status_code}; "
            f"it will not be retried.")

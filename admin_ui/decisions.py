"""The decision log (filters, paging, full-text search), one decision, and exports."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from flask import Response, abort, render_template, request

from admin_ui.auth import role_required
from admin_ui.views import audit, bp
from audit.export import export_decisions, write_csv, write_jsonl
from audit.search import SearchError

PAGE_SIZE = 50
MAX_OFFSET = 2**63 - 1  # SQLite's largest integer
FILTERS = ("q", "action", "rule", "author", "since", "until")
FORMATS = {"csv": ("text/csv", write_csv), "jsonl": ("application/x-ndjson", write_jsonl)}


@bp.get("/")
@role_required("officer")
def decisions():
    wanted = {k: request.args.get(k, "").strip() for k in FILTERS}
    try:
        offset = _offset(request.args.get("offset", ""))
        page = audit().search_decisions(
            action=wanted["action"] or None, rule=wanted["rule"] or None,
            author=wanted["author"] or None, since=wanted["since"] or None,
            until=wanted["until"] or None, query=wanted["q"] or None,
            limit=PAGE_SIZE, offset=offset)
    except (SearchError, ValueError) as exc:
        return render_template("decisions.html", page=None, wanted=wanted, error=str(exc),
                               options=audit().decision_filter_options()), 400
    return render_template("decisions.html", page=page, wanted=wanted, error=None,
                           options=audit().decision_filter_options())


def _offset(text: str) -> int:
    """The offset query parameter: a whole number from 0 (the default) to MAX_OFFSET."""
    text = text.strip() or "0"
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_OFFSET:
        raise SearchError(f"offset: must be a whole number from 0 to {MAX_OFFSET}, got {text!r}")
    return int(text)


@bp.get("/decisions/<ref>")
@role_required("officer")
def decision_detail(ref: str):
    decision = audit().decision(ref)
    if decision is None:
        abort(404)
    return render_template("decision.html", d=decision, events=audit().events_for(ref))


@bp.get("/export")
@role_required("officer")
def export():
    today = datetime.now(UTC).date()
    fmt = request.args.get("format")
    if fmt is None:  # the form
        return render_template("export.html", since=today - timedelta(days=30), until=today)
    if fmt not in FORMATS:
        abort(400, f"format must be one of {', '.join(FORMATS)}")
    since, until = request.args.get("since") or None, request.args.get("until") or None
    mimetype, write = FORMATS[fmt]
    out = io.StringIO()
    try:
        count = write(export_decisions(audit(), since, until), out)
    except SearchError as exc:
        return render_template("export.html", since=since, until=until, error=str(exc)), 400
    name = f"gatepost-decisions-{since or 'start'}-{until or today}.{fmt}"
    return Response(out.getvalue(), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Gatepost-Count": str(count),
    })

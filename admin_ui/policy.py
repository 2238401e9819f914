"""The policy editor: check a draft, preview its impact, save it, see history, roll back.

Saving needs a preview of exactly the draft being saved: the preview stores
the draft's fingerprint in the session and the save compares it.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Mapping

import yaml
from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from admin_ui.auth import role_required
from admin_ui.views import audit, bp
from proxy.errors import BadRequest, ProxyError
from proxy.http import check_characters, json_type, read_json_object, refuse_unknown_fields
from proxy.policy_edit import Draft, DraftRefused, Issue, PolicyEditor

log = logging.getLogger("gatepost.policy")

PREVIEW_KEY = "policy_preview"  # session: fingerprint of the last previewed draft
SHOWN_CHANGES = 200  # rows of the preview table
#: Deepest nesting of YAML collections a draft may have. Policies are a few
#: levels deep; the YAML loader recurses once per level and fails past ~300.
MAX_POLICY_DEPTH = 32
MAX_SEQ = 2**63 - 1  # SQLite's largest integer
_OPENS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
          yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)
_CLOSES = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
_SCANNERS = (*([yaml.CSafeLoader] if yaml.__with_libyaml__ else []), yaml.SafeLoader)


def _editor() -> PolicyEditor:
    return current_app.extensions["gatepost.policy_editor"]


def nesting_problem(text: str) -> str | None:
    """Why a draft is too deeply nested to load, or None.

    The YAML scanner does not recurse, so it can measure what the loader could
    not survive. libyaml is fast but gives up on its own past 1000 levels; the
    pure-Python scanner then measures, and a real syntax error is left to the
    loader, which reports it at its line.
    """
    for loader in _SCANNERS:
        try:
            depth = 0
            for token in yaml.scan(text, Loader=loader):
                if isinstance(token, _OPENS):
                    depth += 1
                elif isinstance(token, _CLOSES):
                    depth -= 1
                if depth > MAX_POLICY_DEPTH:
                    return (f"the policy is nested too deeply (more than {MAX_POLICY_DEPTH} "
                            f"levels), near line {token.start_mark.line + 1}")
            return None
        except yaml.YAMLError:
            continue
    return None


def _draft_from_form(form: Mapping[str, str]) -> Draft:
    """The policy textarea and one textarea per list file (field list:NAME)."""
    lists = {key[len("list:"):]: value.replace("\r\n", "\n")
             for key, value in form.items() if key.startswith("list:")}
    return Draft(form.get("text", "").replace("\r\n", "\n"), lists)


def _page(draft: Draft, *, status: int = 200, issues: list[Issue] | None = None,
          preview=None, checked: str | None = None, note: str = "",
          base_version: str | None = None):
    running = _editor().gateway.engine
    names = _editor().list_names(draft.text)
    on_disk = {} if all(n in draft.lists for n in names) else _editor().current().lists
    lists = {name: draft.lists.get(name, on_disk.get(name, "")) for name in names}
    previewed = session.get(PREVIEW_KEY) == draft.fingerprint()
    return render_template(
        "policy.html", draft=draft, lists=lists, issues=issues or [],
        issue_lines=_issue_lines(issues or []), preview=preview, checked=checked,
        previewed=previewed, note=note, running=running,
        base_version=base_version or running.policy.version,
        preview_limit=current_app.config["GATEPOST"].preview_posts,
        shown_changes=SHOWN_CHANGES, policy_file=_editor().path.name,
    ), status


def _issue_lines(issues: list[Issue]) -> dict[str, dict[int, list[str]]]:
    """file -> line -> messages, to mark the lines in the annotated listing."""
    marked: dict[str, dict[int, list[str]]] = {}
    for issue in issues:
        if issue.line is not None:
            marked.setdefault(issue.file, {}).setdefault(issue.line, []).append(issue.message)
    return marked


@bp.get("/policy")
@role_required("admin")
def policy_editor():
    return _page(_editor().current())


@bp.post("/policy")
@role_required("admin")
def policy_submit():
    draft = _draft_from_form(request.form)
    problem = nesting_problem(draft.text)
    if problem:  # the page itself reads the draft's list files, so it cannot show it
        abort(400, f"{problem[:1].upper()}{problem[1:]}. Nothing was changed.")
    action = request.form.get("action")
    note = request.form.get("note", "")
    base = request.form.get("base_version") or None
    try:
        if action == "check":
            engine = _editor().check(draft)
            policy = engine.policy
            return _page(draft, checked=f"Valid: {len(policy.rules)} rules, "
                                        f"{len(policy.tests)} tests passed.",
                         note=note, base_version=base)
        if action == "preview":
            limit = current_app.config["GATEPOST"].preview_posts
            preview = _editor().preview(draft, limit)
            session[PREVIEW_KEY] = draft.fingerprint()
            return _page(draft, preview=preview, note=note, base_version=base)
        if action == "save":
            engine = _editor().check(draft)  # the problems at their lines come first
            if session.get(PREVIEW_KEY) != draft.fingerprint():
                raise DraftRefused([Issue("preview", None, (
                    "preview the impact of this exact draft before saving it"))])
            seq = _editor().save(draft, actor=g.user.name, note=note, base_version=base,
                                 engine=engine)
            session.pop(PREVIEW_KEY, None)
            flash(f"Saved as version #{seq}; it is in force now.")
            return redirect(url_for("admin.policy_history"), 303)
    except DraftRefused as exc:
        return _page(draft, status=422, issues=exc.issues, note=note, base_version=base)
    abort(400, "action must be check, preview or save")


@bp.post("/policy/validate")
@role_required("admin")
def policy_validate():
    """For the editor's script: {"text", "lists"} -> {"ok", "issues": [{file, line, message}]}."""
    try:
        draft = _draft_from_json(read_json_object(request))
    except ProxyError as exc:
        return jsonify(error=str(exc)), exc.status_code
    problem = nesting_problem(draft.text)
    if problem:
        return jsonify(ok=False, issues=[{"file": _editor().path.name, "line": None,
                                          "message": problem}])
    try:
        _editor().check(draft)
    except DraftRefused as exc:
        return jsonify(ok=False, issues=[vars(i) for i in exc.issues])
    return jsonify(ok=True, issues=[])


def _draft_from_json(body: dict) -> Draft:
    """{"text": str, "lists": {name: str}} as a Draft, or a BadRequest naming the field."""
    refuse_unknown_fields(body, ("text", "lists"))
    text, lists = body.get("text"), body.get("lists") or {}
    if not isinstance(text, str):
        raise BadRequest(f'field "text" must be a string, not {json_type(text)}')
    if not isinstance(lists, dict):
        raise BadRequest(f'field "lists" must be an object, not {json_type(lists)}')
    for name, content in lists.items():
        if not isinstance(content, str):
            raise BadRequest(f'field "lists.{name}" must be a string, not {json_type(content)}')
        check_characters(name, "lists")
        check_characters(content, f"lists.{name}")
    return Draft(check_characters(text, "text"), lists)


@bp.get("/policy/history")
@role_required("admin")
def policy_history():
    versions = audit().policy_versions(limit=100)
    for newer, older in zip(versions, [*versions[1:], None], strict=True):
        newer["diff"] = _diff(older, newer) if older else []
    running = _editor().gateway.engine
    return render_template("policy_history.html", versions=versions, running=running)


@bp.post("/policy/rollback/<int:seq>")
@role_required("admin")
def policy_rollback(seq: int):
    if seq > MAX_SEQ:  # SQLite could not even look it up
        abort(404, f"There is no version #{seq}.")
    try:
        new_seq = _editor().rollback(seq, actor=g.user.name, note=request.form.get("note", ""))
    except DraftRefused as exc:
        flash("Rollback refused: " + "; ".join(
            f"{i.file}:{i.line}: {i.message}" if i.line else i.message for i in exc.issues),
            "error")
        return redirect(url_for("admin.policy_history"), 303)
    log.info("policy rolled back to #%d as #%d by %s", seq, new_seq, g.user.name)
    flash(f"Version #{seq} is back in force, as version #{new_seq}.")
    return redirect(url_for("admin.policy_history"), 303)


def _diff(older: dict | None, newer: dict) -> list[tuple[str, str]]:
    """(css class, line) of a unified diff from older to newer, policy and lists."""
    def files(version: dict | None) -> dict[str, str]:
        if version is None:
            return {}
        return {"policy": version["text"], **(version["lists"] or {})}

    before, after = files(older), files(newer)
    lines: list[tuple[str, str]] = []
    for name in sorted(set(before) | set(after), key=lambda n: (n != "policy", n)):
        chunk = difflib.unified_diff(
            before.get(name, "").splitlines(), after.get(name, "").splitlines(),
            fromfile=f"{name} (#{older['seq']})" if older else name,
            tofile=f"{name} (#{newer['seq']})", lineterm="", n=2)
        for line in chunk:
            kind = "meta" if line.startswith(("---", "+++", "@@")) else \
                {"+": "add", "-": "del"}.get(line[:1], "ctx")
            lines.append((kind, line))
    return lines

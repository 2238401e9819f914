"""People (admins only): enrol users, change roles and groups, issue and revoke tokens,
reset passwords.

A new token is shown once, in the page that answers the POST (200, no-store):
never in a flash message, which lives in the signed but readable session cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from admin_ui.auth import role_required
from admin_ui.views import audit, bp
from audit import AuditError, DuplicateUser, InvalidRole, InvalidUserName, UnknownUser
from audit.users import ROLES, InvalidGroups, LastAdmin

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 64
NO_STORE = {"Cache-Control": "no-store"}

#: The form field each refusal is about, named at the start of its message.
FIELDS = {InvalidUserName: "Name", DuplicateUser: "Name", InvalidRole: "Role",
          LastAdmin: "Role", InvalidGroups: "Groups"}
CONFLICTS = (DuplicateUser, LastAdmin)


class BadPassword(ValueError):
    """The password typed for someone is too short or too long."""


class BadName(ValueError):
    """The name typed for a new person is too long."""


def split_groups(text: str) -> list[str]:
    """Groups as typed in a form: comma-separated, spaces around each ignored."""
    return [group.strip() for group in text.split(",") if group.strip()]


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadPassword(f"Password: must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise BadPassword(f"Password: must be at most {MAX_PASSWORD_LENGTH} characters")
    return password


def check_name(name: str) -> str:
    if len(name) > MAX_NAME_LENGTH:
        raise BadName(f"Name: must be at most {MAX_NAME_LENGTH} characters, not {len(name)}")
    return name


def refusal(exc: Exception) -> tuple[str, int]:
    """The message (naming the field) and status for a refused change."""
    field = next((name for cls, name in FIELDS.items() if isinstance(exc, cls)), None)
    message = f"{field}: {exc}" if field else str(exc)
    return message, 409 if isinstance(exc, CONFLICTS) else 400


@bp.get("/people")
@role_required("admin")
def people():
    return people_page()


def people_page(status: int = 200, **context) -> ResponseReturnValue:
    headers = NO_STORE if context.get("new_token") else {}
    return render_template("people.html", people=audit().people(), roles=ROLES,
                           form=context.pop("form", {}), **context), status, headers


@bp.post("/people")
@role_required("admin")
def enrol():
    form = {key: request.form.get(key, "") for key in ("name", "role", "groups")}
    password = request.form.get("password", "")
    try:
        user, token = audit().add_user(
            check_name(form["name"]), form["role"], split_groups(form["groups"]),
            check_password(password) if password else None, actor=g.user.name)
    except (AuditError, BadPassword, BadName) as exc:
        message, status = refusal(exc)
        return people_page(status, form=form, error=message)
    return people_page(enrolled=user, has_password=bool(password), new_token=token)


@bp.get("/people/<path:name>")
@role_required("admin")
def person(name: str):
    return person_page(name)


def person_page(name: str, status: int = 200, **context) -> ResponseReturnValue:
    who = audit().person(name)
    if who is None:
        abort(404, f"There is no user {name!r}.")
    headers = NO_STORE if context.get("new_token") else {}
    return render_template("person.html", person=who, roles=ROLES,
                           history=audit().admin_actions_for(name), **context), status, headers


def change(name: str, make: Callable[[], str]) -> ResponseReturnValue:
    """Make one change to a person: flash what it did and go back to their page (303),
    or show the page again with the refusal (400, or 409 for a conflict)."""
    try:
        message = make()
    except UnknownUser:
        abort(404, f"There is no user {name!r}.")
    except (AuditError, BadPassword) as exc:
        message, status = refusal(exc)
        return person_page(name, status, error=message)
    flash(message)
    return redirect(url_for("admin.person", name=name), 303)


@bp.post("/people/<path:name>/role")
@role_required("admin")
def person_role(name: str):
    role = request.form.get("role", "")

    def make() -> str:
        old = audit().set_role(name, role, actor=g.user.name)
        if old == role:
            return f"{name} already is {role}."
        return f"{name} is now {role} (was {old})."

    return change(name, make)


@bp.post("/people/<path:name>/groups")
@role_required("admin")
def person_groups(name: str):
    groups = split_groups(request.form.get("groups", ""))

    def make() -> str:
        stored = audit().set_groups(name, groups, actor=g.user.name)
        return f"Groups of {name}: {', '.join(stored) or 'none'}."

    return change(name, make)


@bp.post("/people/<path:name>/password")
@role_required("admin")
def person_password(name: str):
    password = request.form.get("password", "")

    def make() -> str:
        audit().set_password(name, check_password(password), actor=g.user.name)
        return f"New password set for {name}. Give it to them by a separate channel."

    return change(name, make)


@bp.post("/people/<path:name>/revoke")
@role_required("admin")
def person_revoke(name: str):
    def make() -> str:
        count = audit().revoke_tokens(name, actor=g.user.name)
        plural = "" if count == 1 else "s"
        return f"Revoked {count} token{plural} of {name}; they are refused from now on."

    return change(name, make)


@bp.post("/people/<path:name>/token")
@role_required("admin")
def person_token(name: str):
    try:
        token = audit().issue_token(name, actor=g.user.name)
    except UnknownUser:
        abort(404, f"There is no user {name!r}.")
    return person_page(name, new_token=token)

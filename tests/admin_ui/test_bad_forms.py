"""Bad admin UI forms over real HTTP: a 4xx page naming the problem, never a 500, and
nothing changed in the audit db or the policy files."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote, quote_from_bytes

import pytest
import requests

from tests.admin_ui.web import csrf_token, post, signed_in
from tests.conftest import DATA, LiveServer

HELD = "Great call with Contoso Pharma today about the rollout"
BLOCKED = "Falcon ships next week, stay tuned!"
OVER_THE_LIMIT = "x" * 70_000  # the body limit is 64 KiB
DEEP_YAML = "[" * 10_000


@dataclass(frozen=True)
class Form:
    """A form posted by someone with `role` to `path` ({ref}: a post they may act on;
    bytes values are sent percent-escaped as they are), and the answer it must get."""

    role: str  # "anonymous", "employee", "officer" or "admin"
    path: str
    fields: dict[str, str | bytes]
    status: int
    words: tuple[str, ...]
    raw: bytes = b""  # appended to the body unescaped
    content_type: str | None = None  # by default, a form's or JSON's
    is_json: bool = False  # the body is raw or the fields as JSON, sent with X-CSRFToken


def case(id_: str, *args, **kwargs):
    return pytest.param(Form(*args, **kwargs), id=id_)


FORMS = [
    # sign-in
    case("login-missing-fields", "anonymous", "/admin/login", {}, 401, ("Wrong user name",)),
    case("login-nul-in-user-name", "anonymous", "/admin/login",
         {"username": "ada\x00", "password": "x"}, 400, ('"username"', "U+0000")),
    case("login-invalid-utf8-escapes", "anonymous", "/admin/login",
         {"username": b"caf\xe9", "password": "x"}, 400, ('"username"', "UTF-8")),
    case("login-invalid-utf8-bytes", "anonymous", "/admin/login", {"password": "x"}, 400,
         ("not valid UTF-8",), raw=b"&username=caf\xe9"),
    case("login-body-over-the-limit", "anonymous", "/admin/login",
         {"username": "ada", "password": OVER_THE_LIMIT}, 413, ("over the limit", "65536")),
    # review queue
    case("review-missing-decision", "officer", "/admin/review/{ref}", {}, 400,
         ("decision must be approve or reject",)),
    case("review-wrong-decision", "officer", "/admin/review/{ref}", {"decision": "maybe"},
         400, ("decision must be approve or reject",)),
    case("review-note-over-2000-characters", "officer", "/admin/review/{ref}",
         {"decision": "reject", "note": "n" * 2001}, 400, ("2001 characters", "limit is 2000")),
    case("review-nul-in-note", "officer", "/admin/review/{ref}",
         {"decision": "reject", "note": "no\x00"}, 400, ('"note"', "U+0000")),
    case("review-control-character-in-back", "officer", "/admin/review/{ref}",
         {"decision": "approve", "back": "/admin/review\x1b"}, 400, ('"back"', "U+001B")),
    case("review-invalid-utf8-note", "officer", "/admin/review/{ref}",
         {"decision": "reject", "note": b"caf\xe9"}, 400, ('"note"', "UTF-8")),
    case("review-body-over-the-limit", "officer", "/admin/review/{ref}",
         {"decision": "reject", "note": OVER_THE_LIMIT}, 413, ("over the limit",)),
    # appeals
    case("appeal-missing-justification", "employee", "/appeal/{ref}", {"text": BLOCKED}, 400,
         ("justification is required",)),
    case("appeal-justification-over-2000-characters", "employee", "/appeal/{ref}",
         {"justification": "j" * 2001, "text": BLOCKED}, 400, ("over 2000 characters",)),
    case("appeal-nul-in-justification", "employee", "/appeal/{ref}",
         {"justification": "\x00", "text": BLOCKED}, 400, ('"justification"', "U+0000")),
    case("appeal-invalid-utf8-text", "employee", "/appeal/{ref}",
         {"justification": "mine", "text": b"Falcon \xe9"}, 400, ('"text"', "UTF-8")),
    case("appeal-wrong-text", "employee", "/appeal/{ref}",
         {"justification": "mine", "text": "Something else"}, 422, ("not the text",)),
    case("appeal-body-over-the-limit", "employee", "/appeal/{ref}",
         {"justification": OVER_THE_LIMIT}, 413, ("over the limit",)),
    # policy editor
    case("policy-missing-action", "admin", "/admin/policy", {}, 400,
         ("action must be check, preview or save",)),
    case("policy-wrong-action", "admin", "/admin/policy", {"action": "publish", "text": "x"},
         400, ("action must be check, preview or save",)),
    case("policy-nul-in-text", "admin", "/admin/policy",
         {"action": "check", "text": "version: 1\x00"}, 400, ('"text"', "U+0000")),
    case("policy-nested-10000-deep", "admin", "/admin/policy",
         {"action": "check", "text": DEEP_YAML}, 400, ("nested too deeply",)),
    case("policy-invalid-utf8-list", "admin", "/admin/policy",
         {"action": "check", "text": "version: 1", "list:customers.txt": b"\xff"}, 400,
         ('"list:customers.txt"', "UTF-8")),
    case("policy-nul-in-list-name", "admin", "/admin/policy",
         {"action": "check", "text": "version: 1", "list:a\x00b": "x"}, 400,
         ('"list:a\\x00b"', "U+0000")),
    case("policy-invalid", "admin", "/admin/policy", {"action": "check", "text": "rules: 7"},
         422, ("rules",)),
    case("policy-body-over-the-limit", "admin", "/admin/policy",
         {"action": "check", "text": OVER_THE_LIMIT}, 413, ("over the limit",)),
    # people
    case("enrol-missing-name", "admin", "/admin/people", {"role": "employee"}, 400,
         ("Name:", "empty")),
    case("enrol-wrong-role", "admin", "/admin/people", {"name": "zed", "role": "god"}, 400,
         ("Role:", "not one of")),
    case("enrol-name-over-64-characters", "admin", "/admin/people",
         {"name": "z" * 65, "role": "employee"}, 400, ("Name: must be at most 64",)),
    case("enrol-group-over-64-characters", "admin", "/admin/people",
         {"name": "zed", "role": "employee", "groups": "g" * 65}, 400, ("Groups:", "over 64")),
    case("enrol-short-password", "admin", "/admin/people",
         {"name": "zed", "role": "officer", "password": "short"}, 400, ("at least 12",)),
    case("enrol-password-over-1024-characters", "admin", "/admin/people",
         {"name": "zed", "role": "officer", "password": "p" * 1025}, 400, ("at most 1024",)),
    case("enrol-nul-in-name", "admin", "/admin/people", {"name": "z\x00", "role": "employee"},
         400, ('"name"', "U+0000")),
    case("enrol-invalid-utf8-name", "admin", "/admin/people",
         {"name": b"z\xe9", "role": "employee"}, 400, ('"name"', "UTF-8")),
    case("enrol-existing-name", "admin", "/admin/people", {"name": "erin", "role": "employee"},
         409, ("already exists",)),
    case("enrol-body-over-the-limit", "admin", "/admin/people",
         {"name": OVER_THE_LIMIT, "role": "employee"}, 413, ("over the limit",)),
    case("person-missing-role", "admin", "/admin/people/erin/role", {}, 400, ("Role:",)),
    case("person-last-admin", "admin", "/admin/people/ada/role", {"role": "officer"}, 409,
         ("last admin",)),
    case("person-nul-in-groups", "admin", "/admin/people/erin/groups", {"groups": "a\x00"},
         400, ('"groups"', "U+0000")),
    case("person-short-password", "admin", "/admin/people/erin/password", {"password": "x"},
         400, ("at least 12",)),
    case("person-password-over-1024-characters", "admin", "/admin/people/erin/password",
         {"password": "p" * 1025}, 400, ("at most 1024",)),
    case("person-unknown", "admin", "/admin/people/nobody/role", {"role": "officer"}, 404,
         ("no user",)),
]

VALIDATE = "/admin/policy/validate"
VALIDATIONS = [
    case("validate-empty-body", "admin", VALIDATE, {}, 400, ("empty",), is_json=True),
    case("validate-malformed-json", "admin", VALIDATE, {}, 400, ("not valid JSON",),
         raw=b'{"text": ', is_json=True),
    case("validate-nested-10000-deep", "admin", VALIDATE, {}, 400, ("nested too deeply",),
         raw=b"[" * 10_000 + b"]" * 10_000, is_json=True),
    case("validate-wrong-content-type", "admin", VALIDATE, {}, 415, ("text/plain",),
         raw=b"version: 1", content_type="text/plain", is_json=True),
    case("validate-text-a-number", "admin", VALIDATE, {"text": 1}, 400,
         ('"text" must be a string, not a number',), is_json=True),
    case("validate-lists-an-array", "admin", VALIDATE, {"text": "", "lists": ["a"]}, 400,
         ('"lists" must be an object',), is_json=True),
    case("validate-unknown-field", "admin", VALIDATE, {"text": "", "draft": "x"}, 400,
         ('unknown field "draft"',), is_json=True),
    case("validate-nul-in-text", "admin", VALIDATE, {"text": "version: 1\x00"}, 400,
         ('"text"', "U+0000"), is_json=True),
    case("validate-lone-surrogate-in-list", "admin", VALIDATE, {}, 400,
         ("lone surrogate",), raw=b'{"text": "", "lists": {"a.txt": "\\udc00"}}', is_json=True),
    case("validate-body-over-the-limit", "admin", VALIDATE, {"text": OVER_THE_LIMIT}, 413,
         ("over the limit",), is_json=True),
    # A draft too deep to load is a problem of the draft, listed like any other.
    case("validate-yaml-nested-10000-deep", "admin", VALIDATE, {"text": DEEP_YAML}, 200,
         ("nested too deeply",), is_json=True),
]


@pytest.fixture
def gatepost(gatepost_config, analyzer, tmp_path: Path) -> Iterator[LiveServer]:
    """Gatepost with its own copy of the test policy, which a save could rewrite."""
    from proxy.app import create_app

    folder = tmp_path / "policy"
    folder.mkdir()
    for name in ("policy.yaml", "customers.txt"):
        shutil.copy(DATA / name, folder / name)
    live = LiveServer.start(create_app(replace(gatepost_config,
                                               policy_path=folder / "policy.yaml"),
                                       analyzer=analyzer))
    yield live
    live.stop()


def prepare(gatepost, audit_log, employee_token,
            role: str) -> tuple[requests.Session, str, str | None]:
    """A session of someone with `role`, the page with their form, and the post they act on."""
    audit_log.add_user("erin", "employee")
    if role == "anonymous":
        return requests.Session(), "/admin/login", None
    if role == "employee":
        session = signed_in(gatepost, audit_log, "eve", "employee")
        ref = post(gatepost, audit_log.issue_token("eve"), BLOCKED).json()["id"]
        return session, f"/appeal/{ref}", ref
    if role == "officer":
        ref = post(gatepost, employee_token, HELD).json()["review_id"]
        return signed_in(gatepost, audit_log, "olga", "officer"), "/admin/review", ref
    return signed_in(gatepost, audit_log, "ada", "admin"), "/admin/policy", None


def encode(fields: dict[str, str | bytes], csrf: str) -> bytes:
    pairs = {"csrf_token": csrf, **fields}
    return "&".join(
        quote(name, safe="") + "="
        + (quote_from_bytes(value, safe="") if isinstance(value, bytes) else quote(value, safe=""))
        for name, value in pairs.items()
    ).encode()


def audit_rows(audit_log) -> dict[str, list[dict]]:
    with audit_log.store.read() as db:
        return {name: list(db[name].rows) for name in db.table_names()}


def policy_files(gatepost) -> dict[str, bytes]:
    folder = gatepost.app.config["GATEPOST"].policy_path.parent
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def send(gatepost, session: requests.Session, page: str, ref: str | None,
         form: Form) -> requests.Response:
    """Post the form with the CSRF token of its page, as a browser (or the editor's script)."""
    csrf = csrf_token(session.get(gatepost.url + page, timeout=10).text)
    path = form.path.replace("{ref}", ref or "")
    if form.is_json:
        body = form.raw or (json.dumps(form.fields).encode() if form.fields else b"")
        headers = {"Content-Type": form.content_type or "application/json", "X-CSRFToken": csrf}
    else:
        body = encode(form.fields, csrf) + form.raw
        headers = {"Content-Type": form.content_type or "application/x-www-form-urlencoded"}
    return session.post(gatepost.url + path, data=body, headers=headers, timeout=30,
                        allow_redirects=False)


def shown(resp: requests.Response) -> str:
    """What the person (or the editor's script) is told: the page's text, the JSON error
    or the draft's issues."""
    if not resp.headers["Content-Type"].startswith("application/json"):
        return html.unescape(resp.text)
    body = resp.json()
    return body.get("error") or " ".join(issue["message"] for issue in body["issues"])


@pytest.mark.parametrize("form", FORMS + VALIDATIONS)
def test_a_bad_form_gets_a_4xx_naming_the_problem_and_changes_nothing(
        gatepost, audit_log, employee_token, form):
    session, page, ref = prepare(gatepost, audit_log, employee_token, form.role)
    before, files = audit_rows(audit_log), policy_files(gatepost)
    resp = send(gatepost, session, page, ref, form)
    assert resp.status_code == form.status, resp.text[:2000]
    # 413 is decided before the view: a page, as for any /admin path.
    expected = "application/json" if form.is_json and resp.status_code != 413 else "text/html"
    assert resp.headers["Content-Type"].startswith(expected)
    text = shown(resp)
    for word in form.words:
        assert word in text, text[:2000]
    assert audit_rows(audit_log) == before
    assert policy_files(gatepost) == files


def test_a_review_back_link_that_would_break_the_redirect_goes_to_the_queue(
        gatepost, audit_log, employee_token):
    session, page, ref = prepare(gatepost, audit_log, employee_token, "officer")
    form = Form("officer", "/admin/review/{ref}",
                {"decision": "approve", "back": "/admin/review\r\nSet-Cookie: x=1"}, 303, ())
    resp = send(gatepost, session, page, ref, form)
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/admin/review"
    assert "x=1" not in resp.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", ["/admin/review\r\nSet-Cookie: x=1", "/\\evil.example",
                                    "//evil.example", "https://evil.example/"])
def test_sign_in_never_redirects_off_site_or_breaks_the_redirect(gatepost, audit_log, target):
    audit_log.add_user("olga", "officer", password="correct horse battery staple")
    session = requests.Session()
    csrf = csrf_token(session.get(gatepost.url + "/admin/login", timeout=10).text)
    resp = session.post(gatepost.url + "/admin/login", params={"next": target},
                        data={"username": "olga", "password": "correct horse battery staple",
                              "csrf_token": csrf}, allow_redirects=False, timeout=10)
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/admin/review"
    assert re.fullmatch(r"[^\r\n]*", resp.headers["Location"])


@pytest.mark.parametrize(
    ("method", "path", "status", "words"),
    [("GET", "/admin/?offset=99999999999999999999999", 400, "offset: must be a whole number"),
     ("GET", "/admin/?offset=1e5", 400, "offset: must be a whole number"),
     ("POST", "/admin/policy/rollback/99999999999999999999999", 404, "no version")],
    ids=["offset-past-sqlite-integers", "offset-not-a-whole-number", "rollback-huge-version"],
)
def test_numbers_out_of_range_in_urls_are_a_4xx(gatepost, audit_log, method, path, status,
                                                words):
    session = signed_in(gatepost, audit_log, "ada", "admin")
    before = audit_rows(audit_log)
    csrf = csrf_token(session.get(gatepost.url + "/admin/policy", timeout=10).text)
    resp = session.request(method, gatepost.url + path, data={"csrf_token": csrf}, timeout=10)
    assert resp.status_code == status
    assert words in html.unescape(resp.text)
    assert audit_rows(audit_log) == before

"""The People pages over real HTTP: enrol, roles, groups, tokens, passwords, and who may."""

from __future__ import annotations

import html
import re
import sqlite3

import pytest
import requests

from tests.admin_ui.web import PASSWORD, csrf_token, login, post, signed_in, submit

NEW_PASSWORD = "a fresh passphrase 2024"
TEXT = "Shipping the new release today"
TOKEN_BOX = "Copy this token now; it is not shown again"


class CookieWatch:
    """Every Set-Cookie header a session receives."""

    def __init__(self, session: requests.Session) -> None:
        self.headers: list[str] = []
        session.hooks["response"].append(self._note)

    def _note(self, resp: requests.Response, *args, **kwargs) -> None:
        for r in (*resp.history, resp):
            self.headers += [v for k, v in r.raw.headers.items() if k.lower() == "set-cookie"]


@pytest.fixture
def admin(gatepost, audit_log) -> requests.Session:
    return signed_in(gatepost, audit_log, "root", "admin")


def people_url(gatepost, name: str = "", action: str = "") -> str:
    return gatepost.url + "/admin/people" + (f"/{name}" if name else "") + \
        (f"/{action}" if action else "")


def enrol(gatepost, session, **fields) -> requests.Response:
    form = {"name": "", "role": "employee", "groups": "", "password": "", **fields}
    return submit(session, people_url(gatepost), people_url(gatepost), **form)


def act(gatepost, session, name: str, action: str, **fields) -> requests.Response:
    page = people_url(gatepost, name)
    return submit(session, page, people_url(gatepost, name, action), **fields)


def shown_token(resp: requests.Response) -> str:
    assert resp.status_code == 200, resp.text
    assert TOKEN_BOX in resp.text
    assert resp.headers["Cache-Control"] == "no-store"
    return re.search(r'<code class="new-token">(gp_[\w-]+)</code>', resp.text).group(1)


def test_enrolled_token_works_at_once_revoke_stops_it_and_a_new_one_works(gatepost, admin):
    resp = enrol(gatepost, admin, name="dana", groups="marketing, sales")
    token = shown_token(resp)
    assert post(gatepost, token, TEXT).status_code in (200, 202)

    resp = act(gatepost, admin, "dana", "revoke")
    assert "Revoked 1 token of dana" in html.unescape(resp.text)
    assert resp.history[0].status_code == 303
    assert post(gatepost, token, TEXT).status_code == 401

    fresh = shown_token(act(gatepost, admin, "dana", "token"))
    assert fresh != token
    assert post(gatepost, fresh, TEXT).status_code in (200, 202)
    assert post(gatepost, token, TEXT).status_code == 401


def test_the_token_is_shown_once_and_never_in_a_cookie_or_admin_actions(
        gatepost, admin, audit_log):
    cookies = CookieWatch(admin)
    token = shown_token(enrol(gatepost, admin, name="dana", password=NEW_PASSWORD))
    second = shown_token(act(gatepost, admin, "dana", "token"))
    act(gatepost, admin, "dana", "password", password=PASSWORD + "!")
    act(gatepost, admin, "dana", "revoke")
    for page in (people_url(gatepost), people_url(gatepost, "dana")):
        assert token not in admin.get(page, timeout=10).text
    serializer = gatepost.app.session_interface.get_signing_serializer(gatepost.app)
    sessions = [serializer.loads(h.split(";")[0].split("=", 1)[1])
                for h in cookies.headers if h.startswith("session=") and "=;" not in h]
    assert cookies.headers and sessions
    secrets = (token, second, NEW_PASSWORD, PASSWORD + "!")
    for secret in secrets:
        assert secret not in repr(cookies.headers) and secret not in repr(sessions)
    db = gatepost.app.config["GATEPOST"].audit_db
    with sqlite3.connect(db) as conn:
        actions = conn.execute("SELECT actor, action, target FROM admin_actions").fetchall()
    assert ("root", "token.issue", "dana") in actions
    for secret in secrets:
        assert secret not in repr(actions)


def test_groups_are_set_and_shown(gatepost, admin, employee_token, audit_log):
    resp = act(gatepost, admin, "dana", "groups", groups=" legal ,sales,, legal")
    assert "Groups of dana: legal, sales." in resp.text
    assert audit_log.get_user("dana").groups == ("legal", "sales")
    row = re.search(r'<tr data-user="dana">.*?</tr>',
                    admin.get(people_url(gatepost), timeout=10).text, re.S).group(0)
    assert "<td>legal, sales</td>" in row


def test_an_employee_made_officer_signs_in_to_the_review_queue_after_a_password_reset(
        gatepost, admin, employee_token, audit_log):
    resp = act(gatepost, admin, "dana", "role", role="officer")
    assert "dana is now officer (was employee)." in resp.text
    assert login(gatepost, "dana", NEW_PASSWORD)[1].status_code == 401  # no password yet

    resp = act(gatepost, admin, "dana", "password", password=NEW_PASSWORD)
    assert "New password set for dana." in resp.text
    dana, resp = login(gatepost, "dana", NEW_PASSWORD)
    assert resp.url.endswith("/admin/review")
    assert dana.get(gatepost.url + "/admin/review", timeout=10).status_code == 200
    assert dana.get(people_url(gatepost), timeout=10).status_code == 403
    history = [a.action for a in audit_log.admin_actions_for("dana")]
    assert history[:2] == ["user.set_password", "user.set_role role=officer was=employee"]
    page = admin.get(people_url(gatepost, "dana"), timeout=10).text
    assert "user.set_role role=officer was=employee" in page


def test_the_last_admin_cannot_demote_themselves(gatepost, admin, audit_log):
    resp = act(gatepost, admin, "root", "role", role="officer")
    assert resp.status_code == 409
    assert "Role: root is the last admin" in resp.text
    assert audit_log.get_user("root").role == "admin"

    audit_log.add_user("ada", "admin")
    resp = act(gatepost, admin, "root", "role", role="officer")
    assert "root is now officer (was admin)." in resp.text  # shown on the 403 page after
    assert audit_log.get_user("root").role == "officer"
    assert admin.get(people_url(gatepost), timeout=10).status_code == 403


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": "dana"}, 409, "Name: user 'dana' already exists"),
        ({"name": " eve"}, 400, "Name: user name ' eve' is empty or has surrounding spaces"),
        ({"name": "eve", "role": "root"}, 400, "Role: role 'root' is not one of"),
        ({"name": "eve", "groups": "x" * 65}, 400, "Groups: group name"),
        ({"name": "eve", "password": "too short"}, 400, "Password: must be at least 12"),
    ],
    ids=["duplicate", "padded-name", "unknown-role", "long-group", "short-password"],
)
def test_enrol_refusals_name_the_field_and_change_nothing(gatepost, admin, employee_token,
                                                         audit_log, fields, status, message):
    before = audit_log.people()
    resp = enrol(gatepost, admin, **fields)
    assert resp.status_code == status
    assert message in html.unescape(resp.text)
    assert TOKEN_BOX not in resp.text
    assert audit_log.people() == before


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("role", {"role": "boss"}, "Role: role 'boss' is not one of employee, officer, admin"),
        ("groups", {"groups": ",".join(f"g{i}" for i in range(51))}, "Groups: 51 groups"),
        ("password", {"password": "short"}, "Password: must be at least 12 characters"),
    ],
)
def test_person_refusals_are_400_and_name_the_field(gatepost, admin, employee_token,
                                                   audit_log, action, fields, message):
    resp = act(gatepost, admin, "dana", action, **fields)
    assert resp.status_code == 400
    assert message in html.unescape(resp.text)
    assert audit_log.get_user("dana").role == "employee"
    assert audit_log.check_password("dana", "short") is None


@pytest.mark.parametrize("action", ["", "role", "groups", "password", "revoke", "token"])
def test_an_unknown_person_is_404(gatepost, admin, action):
    if not action:
        assert admin.get(people_url(gatepost, "ghost"), timeout=10).status_code == 404
        return
    token = csrf_token(admin.get(people_url(gatepost), timeout=10).text)
    resp = admin.post(people_url(gatepost, "ghost", action),
                      data={"csrf_token": token, "role": "officer", "groups": "x",
                            "password": NEW_PASSWORD}, timeout=10)
    assert resp.status_code == 404


def test_names_are_escaped_and_odd_names_have_a_page(gatepost, admin, audit_log):
    resp = enrol(gatepost, admin, name="<b>x</b>", groups="<i>g</i>")
    shown_token(resp)
    listing = admin.get(people_url(gatepost), timeout=10).text
    assert "<b>x</b>" not in listing and "<i>g</i>" not in listing
    assert "&lt;b&gt;x&lt;/b&gt;" in listing
    link = re.search(r'<a href="(/admin/people/[^"]+)">&lt;b&gt;', listing).group(1)
    page = admin.get(gatepost.url + link, timeout=10)
    assert page.status_code == 200 and "<b>x</b>" not in page.text
    resp = submit(admin, gatepost.url + link, gatepost.url + link + "/role", role="officer")
    assert "&lt;b&gt;x&lt;/b&gt; is now officer" in resp.text
    assert audit_log.get_user("<b>x</b>").role == "officer"


def test_a_people_form_without_its_csrf_token_is_refused(gatepost, admin, audit_log):
    resp = admin.post(people_url(gatepost), data={"name": "eve", "role": "admin"}, timeout=10)
    assert resp.status_code == 400
    assert audit_log.get_user("eve") is None


def people_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every People route, each demanding the admin role."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin/people"):
            assert app.view_functions[rule.endpoint].required_role == "admin", rule.rule
            path = rule.rule.replace("<path:name>", "dana")
            routes += [(m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_an_officer_gets_403_on_every_people_route(gatepost, audit_log, employee_token):
    audit_log.add_user("olga", "officer", password=PASSWORD)
    session, resp = login(gatepost, "olga")
    routes = people_routes(gatepost.app)
    assert len([m for m, _ in routes if m == "POST"]) == 6
    token = csrf_token(resp.text)
    for method, path in routes:
        resp = session.request(method, gatepost.url + path, timeout=10, allow_redirects=False,
                               data={"csrf_token": token, "name": "eve", "role": "admin",
                                     "groups": "x", "password": NEW_PASSWORD})
        assert resp.status_code == 403, (method, path)
    assert audit_log.get_user("eve") is None
    assert audit_log.get_user("dana").groups == ("marketing",)
    assert post(gatepost, employee_token, TEXT).status_code in (200, 202)

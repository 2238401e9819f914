"""The policy editor over real HTTP: check, preview, save, history and rollback."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
import requests

from tests.admin_ui.web import PASSWORD, csrf_token, login, post, signed_in
from tests.conftest import LiveServer
from tests.proxy.test_cli import GATEPOST

CODENAMES = "codenames: [Falcon, Bluebird, Project Nightjar]"
WITH_OSPREY = "codenames: [Falcon, Bluebird, Project Nightjar, Osprey]"


@pytest.fixture
def gatepost(editable_gatepost) -> LiveServer:
    """The editor rewrites the policy: serve a copy of it (policy_dir)."""
    return editable_gatepost


@pytest.fixture
def admin(gatepost, audit_log) -> requests.Session:
    return signed_in(gatepost, audit_log, "ada", "admin")


class Editor:
    """The editor page as a browser would use it: read the form, change it, submit it."""

    def __init__(self, gatepost, session: requests.Session) -> None:
        self.url = gatepost.url + "/admin/policy"
        self.session = session
        self.page = session.get(self.url, timeout=10).text

    @property
    def text(self) -> str:
        import html

        raw = re.search(r'<textarea id="policy-text"[^>]*>(.*?)</textarea>', self.page, re.S)
        return html.unescape(raw.group(1))

    @property
    def base_version(self) -> str:
        return re.search(r'name="base_version" value="([^"]+)"', self.page).group(1)

    def submit(self, action: str, text: str, note: str = "", **lists: str) -> requests.Response:
        data = {"csrf_token": csrf_token(self.page), "action": action, "text": text,
                "note": note, "base_version": self.base_version,
                **{f"list:{k}": v for k, v in lists.items()}}
        resp = self.session.post(self.url, data=data, timeout=60)
        self.page = resp.text
        return resp


def test_an_invalid_draft_is_refused_with_errors_at_their_lines(gatepost, admin, policy_dir,
                                                               employee_token):
    editor = Editor(gatepost, admin)
    before = (policy_dir / "policy.yaml").read_text()
    assert CODENAMES in editor.text
    broken = editor.text.replace("action: block\n    match: {terms: codenames}",
                                 "action: blok\n    match: {terms: codenames}")
    for action in ("check", "preview", "save"):
        resp = editor.submit(action, broken, note="typo")
        assert resp.status_code == 422
        assert re.search(r"policy\.yaml:\d+</a>: rules\[2\]\.action: .*blok", resp.text), action
        assert '<li id="policy.yaml-L19" class="bad">' in resp.text  # the listing marks it
    assert (policy_dir / "policy.yaml").read_text() == before
    assert post(gatepost, employee_token, "Falcon ships").status_code == 422  # still in force


def test_saving_needs_a_preview_of_this_draft_and_a_note_then_applies_at_once(
        gatepost, admin, policy_dir, employee_token, audit_log):
    assert post(gatepost, employee_token, "Osprey is coming").status_code == 200
    editor = Editor(gatepost, admin)
    draft = editor.text.replace(CODENAMES, WITH_OSPREY)
    resp = editor.submit("save", draft, note="add Osprey")
    assert resp.status_code == 422 and "preview the impact of this exact draft" in resp.text

    resp = editor.submit("preview", draft, note="add Osprey")
    assert resp.status_code == 200
    assert "<strong>1</strong> of" in resp.text and "1 allow → block" in resp.text
    assert "Osprey is coming" in resp.text
    resp = editor.submit("save", draft + "\n# changed after the preview\n", note="add Osprey")
    assert resp.status_code == 422  # not the previewed draft
    resp = editor.submit("save", draft, note="")
    assert resp.status_code == 422 and "a change note is required" in resp.text

    resp = editor.submit("save", draft, note="add Osprey")
    assert resp.status_code == 200 and "it is in force now" in resp.text
    assert WITH_OSPREY in (policy_dir / "policy.yaml").read_text()
    blocked = post(gatepost, employee_token, "Osprey is coming")
    assert blocked.status_code == 422 and "codenames" in blocked.json()["error"]
    latest = audit_log.policy_versions(limit=1)[0]
    assert (latest["actor"], latest["note"]) == ("ada", "add Osprey")
    assert latest["lists"] == {"customers.txt": (policy_dir / "customers.txt").read_text()}


def test_list_files_are_edited_with_the_policy(gatepost, admin, policy_dir, employee_token):
    editor = Editor(gatepost, admin)
    assert "Contoso Pharma" in editor.page  # the list file's textarea
    customers = (policy_dir / "customers.txt").read_text() + "Northwind Traders\n"
    editor.submit("preview", editor.text, note="", **{"customers.txt": customers})
    resp = editor.submit("save", editor.text, note="new NDA customer",
                         **{"customers.txt": customers})
    assert resp.status_code == 200, resp.text
    assert "Northwind Traders" in (policy_dir / "customers.txt").read_text()
    assert post(gatepost, employee_token, "Met Northwind Traders today").status_code == 202


def test_preview_counts_match_policy_test_against(gatepost, admin, employee_token, policy_dir,
                                                  tmp_path, audit_log):
    texts = ["Osprey ships soon", "Falcon ships", "hello team", "Osprey and Contoso Pharma",
             "Project Nightjar lands", "my ssn is 078-05-1120", "Osprey review"]
    for text in texts:
        post(gatepost, employee_token, text)
    editor = Editor(gatepost, admin)
    draft = editor.text.replace(CODENAMES, "codenames: [Bluebird, Project Nightjar, Osprey]")
    page = editor.submit("preview", draft).text
    changed = int(re.search(r"<strong>(\d+)</strong> of (\d+) re-decided", page).group(1))
    total = int(re.search(r"<strong>\d+</strong> of (\d+) re-decided", page).group(1))
    assert "1 could not be re-scanned" in page  # the masked SSN

    # The same posts through the CLI: the re-scannable ones, as JSON lines.
    editor_service = gatepost.app.extensions["gatepost.policy_editor"]
    posts, skipped, _ = editor_service.recent_posts(1000)
    lines = [json.dumps({"id": ref, "text": p.text, "author": p.author,
                         "groups": list(p.groups)}) for ref, p in posts]
    (tmp_path / "posts.jsonl").write_text("\n".join(lines) + "\n")
    draft_file = policy_dir / "draft.yaml"
    draft_file.write_text(draft)
    result = subprocess.run(
        [GATEPOST, "policy", "test", str(draft_file), "--input", str(tmp_path / "posts.jsonl"),
         "--against", str(policy_dir / "policy.yaml"), "--json"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.splitlines()[-1])["counts"]
    assert (counts["changed"], counts["posts"]) == (changed, total) == (4, 6)


def test_history_shows_diffs_and_rollback_restores_the_old_decisions(
        gatepost, admin, policy_dir, employee_token, audit_log):
    editor = Editor(gatepost, admin)
    draft = editor.text.replace(CODENAMES, WITH_OSPREY)
    editor.submit("preview", draft)
    editor.submit("save", draft, note="add Osprey")
    assert post(gatepost, employee_token, "Osprey soon").status_code == 422

    history = admin.get(gatepost.url + "/admin/policy/history", timeout=10).text
    assert '<span class="del">-  ' + CODENAMES + "</span>" in history
    assert '<span class="add">+  ' + WITH_OSPREY + "</span>" in history
    first = audit_log.policy_versions()[-1]["seq"]
    resp = admin.post(f"{gatepost.url}/admin/policy/rollback/{first}",
                      data={"csrf_token": csrf_token(history), "note": "too early"}, timeout=30)
    assert f"Version #{first} is back in force" in resp.text
    assert post(gatepost, employee_token, "Osprey soon again").status_code == 200
    assert CODENAMES in (policy_dir / "policy.yaml").read_text()
    latest = audit_log.policy_versions(limit=1)[0]
    assert latest["note"] == f"rollback to #{first}: too early"
    assert latest["version"] == audit_log.policy_version(first)["version"]


def test_a_save_based_on_an_older_version_is_refused(gatepost, admin, policy_dir):
    stale = Editor(gatepost, admin)
    fresh = Editor(gatepost, admin)
    first = fresh.text.replace(CODENAMES, WITH_OSPREY)
    fresh.submit("preview", first)
    assert fresh.submit("save", first, note="one").status_code == 200
    second = stale.text.replace("Tailspin", "Tailspin")  # unchanged text, stale base
    stale.submit("preview", second + "# two\n")
    resp = stale.submit("save", second + "# two\n", note="two")
    assert resp.status_code == 422
    assert "the policy in force changed while you edited it" in resp.text
    assert WITH_OSPREY in (policy_dir / "policy.yaml").read_text()


def test_live_validation_answers_with_issues_at_lines(gatepost, admin):
    editor = Editor(gatepost, admin)
    token = csrf_token(editor.page)
    url = gatepost.url + "/admin/policy/validate"
    ok = admin.post(url, json={"text": editor.text}, headers={"X-CSRFToken": token}, timeout=30)
    assert ok.json() == {"ok": True, "issues": []}
    bad = admin.post(url, json={"text": "version: 1\nrules: []\nextra: 1\n"},
                     headers={"X-CSRFToken": token}, timeout=30).json()
    assert bad["ok"] is False
    assert {(i["line"], i["file"]) for i in bad["issues"]} >= {(3, "policy.yaml")}
    assert admin.post(url, json={"text": "x"}, timeout=30).status_code == 400  # no CSRF token


def test_officers_get_403_on_every_admin_route(gatepost, audit_log):
    from tests.admin_ui.test_review_queue import officer_routes

    audit_log.add_user("olga", "officer", password=PASSWORD)
    session, resp = login(gatepost, "olga")
    token = csrf_token(resp.text)
    admin_only = [(m, p) for m, p in officer_routes(gatepost.app, role="admin")]
    assert ("GET", "/admin/policy") in admin_only and ("POST", "/admin/policy") in admin_only
    for method, path in admin_only:
        resp = session.request(method, gatepost.url + path,
                               data={"csrf_token": token}, timeout=10, allow_redirects=False)
        assert resp.status_code == 403, (method, path)


def test_the_first_version_keeps_its_list_files_and_rollback_restores_them(
        gatepost, admin, policy_dir, employee_token, audit_log):
    first = audit_log.policy_versions()[-1]
    assert first["lists"] == {"customers.txt": (policy_dir / "customers.txt").read_text()}
    editor = Editor(gatepost, admin)
    customers = first["lists"]["customers.txt"] + "Northwind Traders\n"
    editor.submit("preview", editor.text, **{"customers.txt": customers})
    editor.submit("save", editor.text, note="add Northwind", **{"customers.txt": customers})
    assert post(gatepost, employee_token, "Met Northwind Traders").status_code == 202

    history = admin.get(gatepost.url + "/admin/policy/history", timeout=10).text
    assert '<span class="add">+Northwind Traders</span>' in history
    assert "@@ -0,0" not in history  # the unchanged part is not shown as new
    resp = admin.post(f"{gatepost.url}/admin/policy/rollback/{first['seq']}",
                      data={"csrf_token": csrf_token(history)}, timeout=30)
    assert f"Version #{first['seq']} is back in force" in resp.text
    assert "Northwind" not in (policy_dir / "customers.txt").read_text()
    assert post(gatepost, employee_token, "Met Northwind Traders again").status_code == 200


def test_saving_or_rolling_back_to_the_policy_in_force_is_refused(gatepost, admin, audit_log):
    editor = Editor(gatepost, admin)
    editor.submit("preview", editor.text)
    resp = editor.submit("save", editor.text, note="no change")
    assert resp.status_code == 422 and "nothing to save" in resp.text
    current = audit_log.policy_versions(limit=1)[0]["seq"]
    history = admin.get(gatepost.url + "/admin/policy/history", timeout=10).text
    resp = admin.post(f"{gatepost.url}/admin/policy/rollback/{current}",
                      data={"csrf_token": csrf_token(history)}, timeout=30)
    assert "Rollback refused: nothing to save" in resp.text
    assert audit_log.policy_versions(limit=1)[0]["seq"] == current

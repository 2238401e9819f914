"""The policy editor in a real browser (Debian chromium): live checks, preview, save, rollback.

The admin types into the policy textarea like a person does; employees post
through the HTTP API as their client would. The policy lives in a tmp copy
that the editor may rewrite.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
import requests
from playwright.sync_api import Locator, Page, expect

from tests.conftest import LiveServer

PASSWORD = "correct horse battery staple"
ADMIN = "ada"
CODENAMES = "codenames: [Falcon, Bluebird, Project Nightjar]"
WITH_OSPREY = "codenames: [Falcon, Bluebird, Project Nightjar, Osprey]"
LIVE_CHECK_MS = 15_000  # debounce (600 ms) plus a check that compiles the draft


@pytest.fixture
def gatepost(editable_gatepost) -> LiveServer:
    """The editor rewrites the policy: serve a copy of it (policy_dir)."""
    return editable_gatepost


@pytest.fixture
def admin(audit_log) -> str:
    audit_log.add_user(ADMIN, "admin", password=PASSWORD)
    return ADMIN


# -- helpers ------------------------------------------------------------------


def csp_violations(page: Page) -> Callable[[], list[str]]:
    """Record the page's Content-Security-Policy violations; a function listing them.

    The admin pages' CSP allows no inline script or style (style="" included),
    so the editor's script must place its gutter through CSSOM only.
    """
    page.add_init_script("""document.addEventListener("securitypolicyviolation", e =>
        (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.sourceFile}:`
                                                  + e.lineNumber));""")
    return lambda: page.evaluate("window.__csp || []")


def post(gatepost, token: str, text: str) -> requests.Response:
    """What an employee's client does: POST /api/posts with the bearer token."""
    return requests.post(gatepost.url + "/api/posts", json={"text": text},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)


def open_policy(page: Page, base_url: str) -> Locator:
    """Sign in as the admin, follow the Policy link; the policy textarea."""
    page.goto(base_url + "/admin/login")
    page.get_by_label("User name", exact=True).fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Policy", exact=True).click()
    expect(page).to_have_url(base_url + "/admin/policy")
    return page.get_by_label("Policy YAML")


def put_caret(textarea: Locator, before: str, *, select: str = "") -> None:
    """Click-equivalent: the caret just before `before` (selecting `select` after it)."""
    textarea.evaluate("""(ta, [before, select]) => {
        const at = ta.value.indexOf(before);
        if (at < 0) throw new Error("not in the textarea: " + before);
        ta.focus();
        ta.setSelectionRange(at, at + select.length);
    }""", [before, select])


def caret_line(textarea: Locator) -> int:
    return textarea.evaluate("ta => ta.value.slice(0, ta.selectionStart).split('\\n').length")


def gutter_offset(page: Page, line: int) -> float:
    """How far (px) the gutter's number for `line` sits from that line of the textarea."""
    return page.evaluate("""line => {
        const ta = document.getElementById("policy-text");
        const number = ta.parentElement.querySelector(".editor-gutter")
            .querySelectorAll(".editor-gutter > div > div")[line - 1];
        const css = getComputedStyle(ta);
        const textTop = ta.getBoundingClientRect().top + ta.clientTop +
            parseFloat(css.paddingTop) + (line - 1) * parseFloat(css.lineHeight) - ta.scrollTop;
        return number.getBoundingClientRect().top - textTop;
    }""", line)


def live_status(page: Page) -> Locator:
    return page.locator("#live-status")


def save_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Save and put in force")


def flash(page: Page) -> Locator:
    return page.locator("main p.flash[role=status]")


# -- tests --------------------------------------------------------------------


def test_admin_adds_a_codename_previews_saves_and_rolls_back(
        gatepost, admin, employee_token, audit_log, policy_dir, page, screenshot):
    # (a) Osprey is not a codename yet.
    assert post(gatepost, employee_token, "Osprey is coming soon").status_code == 200

    # (b) The admin adds it, typing into the policy textarea.
    textarea = open_policy(page, gatepost.url)
    expect(textarea).to_have_value(re.compile(re.escape(CODENAMES)))
    expect(save_button(page)).to_be_disabled()
    put_caret(textarea, "]\n  customers:")
    page.keyboard.type(", Osprey")
    expect(textarea).to_have_value(re.compile(re.escape(WITH_OSPREY)))
    expect(live_status(page)).to_have_text("No problems found.", timeout=LIVE_CHECK_MS)
    expect(page.locator(".editor-gutter .bad")).to_have_count(0)

    page.get_by_role("button", name="Preview impact").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name=re.compile(r"^Impact on the last"))).to_be_visible()
    row = page.locator("table.preview tbody tr").filter(has_text="Osprey is coming soon")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(2)).to_have_text("dana")
    expect(row.locator("td").nth(4)).to_have_text("allow")  # Now
    expect(row.locator("td").nth(5)).to_have_text("block")  # With the draft
    expect(row.locator("td").nth(6)).to_have_text("codenames")
    expect(page.get_by_label("Policy YAML")).to_have_value(re.compile(re.escape(WITH_OSPREY)))
    expect(save_button(page)).to_be_enabled()
    screenshot("policy-preview")

    page.get_by_label("Change note").fill("Osprey is a codename until its launch")
    save_button(page).click()
    page.wait_for_load_state()
    expect(page).to_have_url(gatepost.url + "/admin/policy/history")
    expect(flash(page)).to_contain_text("it is in force now")
    assert WITH_OSPREY in (policy_dir / "policy.yaml").read_text()

    # (c) Now the proxy blocks Osprey, naming the rule.
    blocked = post(gatepost, employee_token, "Osprey ships next week")
    assert blocked.status_code == 422, blocked.text
    assert "codenames" in blocked.json()["error"]

    # (d) History shows the added line; rolling back to the first version undoes it.
    page.get_by_role("link", name="Policy", exact=True).click()
    page.get_by_role("link", name="History and rollback").click()
    expect(page).to_have_url(gatepost.url + "/admin/policy/history")
    versions = audit_log.policy_versions()
    first, newest = versions[-1]["seq"], versions[0]["seq"]
    latest = page.locator(f"section.version#v{newest}")
    expect(latest.locator(".badge")).to_have_text("in force")
    expect(latest).to_contain_text("Osprey is a codename until its launch")
    expect(latest.locator("pre.diff .add")).to_contain_text([re.compile(re.escape(WITH_OSPREY))])
    expect(latest.locator("pre.diff .del")).to_contain_text([re.compile(re.escape(CODENAMES))])
    page.locator(f"section.version#v{first}").get_by_label("Note").fill("not yet")
    page.get_by_role("button", name=f"Roll back to #{first}").click()
    page.wait_for_load_state()
    expect(flash(page)).to_have_text(re.compile(rf"^Version #{first} is back in force, as "
                                                r"version #\d+\.$"))
    assert post(gatepost, employee_token, "Osprey is coming soon, again").status_code == 200
    assert CODENAMES in (policy_dir / "policy.yaml").read_text()
    screenshot("policy-history")


def test_live_check_marks_the_bad_line_and_jumps_to_it(gatepost, admin, page, screenshot):
    violations = csp_violations(page)
    textarea = open_policy(page, gatepost.url)
    csp = page.evaluate("async () => (await fetch(location.href)).headers"
                        ".get('content-security-policy')")
    assert "style-src 'self'" in csp and "unsafe-inline" not in csp
    gutter = page.locator(".editor-body", has=textarea).locator(".editor-gutter")
    lines = textarea.evaluate("ta => ta.value.split('\\n').length")
    expect(gutter.locator(":scope > div > div")).to_have_count(lines)
    bad_line = textarea.evaluate(
        "ta => ta.value.split('\\n').indexOf('    action: block', "
        "ta.value.split('\\n').indexOf('  - id: codenames')) + 1")
    assert bad_line == 19

    # A preview of the unchanged draft enables Save; any edit disables it again.
    page.get_by_role("button", name="Preview impact").click()
    page.wait_for_load_state()
    expect(save_button(page)).to_be_enabled()

    textarea = page.get_by_label("Policy YAML")
    put_caret(textarea, "block\n    match: {terms: codenames}", select="block")
    page.keyboard.type("blok")
    expect(save_button(page)).to_be_disabled()
    expect(save_button(page)).to_have_attribute("title", "Preview this draft first")
    status = live_status(page)
    expect(status).to_contain_text(f"1 problem: policy.yaml:{bad_line}: rules[2].action:",
                                   timeout=LIVE_CHECK_MS)
    expect(status).to_contain_text("blok")
    marked = gutter.locator(".bad")
    expect(marked).to_have_count(1)
    expect(marked).to_have_text(str(bad_line))
    assert abs(gutter_offset(page, bad_line)) < 1

    # Elsewhere on the page, then back via the problem's link: the caret is on that line.
    put_caret(textarea, "version: 1")
    page.get_by_role("heading", level=1).click()
    status.get_by_role("link", name=f"policy.yaml:{bad_line}").click()
    expect(textarea).to_be_focused()
    assert caret_line(textarea) == bad_line
    screenshot("policy-live-error")

    # Tab indents with two spaces, and the gutter grows as lines are added.
    put_caret(textarea, "version: 1")
    page.keyboard.press("Tab")
    page.keyboard.type("# indented")
    page.keyboard.press("Enter")
    expect(textarea).to_have_value(re.compile(r"\n  # indented\nversion: 1\n"))
    expect(gutter.locator(":scope > div > div")).to_have_count(lines + 1)
    expect(marked).to_have_text(str(bad_line + 1), timeout=LIVE_CHECK_MS)  # re-checked

    # The server-rendered problems link to the same place.
    page.get_by_role("button", name="Check").click()
    page.wait_for_load_state()
    issues = page.locator("#issues li[data-file='policy.yaml']")
    expect(issues).to_have_count(1)
    textarea = page.get_by_label("Policy YAML")
    expect(gutter.locator(".bad")).to_have_text(str(bad_line + 1))  # marked on load
    issues.get_by_role("link").click()
    expect(textarea).to_be_focused()
    assert caret_line(textarea) == bad_line + 1
    assert abs(gutter_offset(page, bad_line + 1)) < 1
    assert violations() == []


def test_the_gutter_follows_a_long_policy_as_it_scrolls(gatepost, admin, page):
    textarea = open_policy(page, gatepost.url)
    text = textarea.input_value()
    textarea.fill(text + "".join(f"# note {n}\n" for n in range(60)))
    total = textarea.evaluate("ta => ta.value.split('\\n').length")
    textarea.evaluate("ta => { ta.scrollTop = ta.scrollHeight; }")
    # The gutter follows on the next scroll event or frame: wait for it to settle.
    deadline = time.monotonic() + 5
    while max(abs(gutter_offset(page, n)) for n in (total, total - 20)) >= 1:
        assert time.monotonic() < deadline, [gutter_offset(page, n) for n in (total, total - 20)]
        page.wait_for_timeout(50)

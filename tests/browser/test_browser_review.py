"""The review queue, the dashboard and appeals, in a real browser (Debian chromium).

Employees post through the HTTP API (as their client would); officers and
employees then use the admin UI like people do: typing, clicking, reading.
"""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import TIMEOUT_MS, VIEWPORT

PASSWORD = "correct horse battery staple"
OFFICER = "olga"


@pytest.fixture
def officer(audit_log) -> str:
    audit_log.add_user(OFFICER, "officer", password=PASSWORD)
    return OFFICER


# -- helpers ------------------------------------------------------------------


def post(gatepost, token: str, text: str) -> requests.Response:
    """What an employee's client does: POST /api/posts with the bearer token."""
    return requests.post(gatepost.url + "/api/posts", json={"text": text},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)


def post_held(gatepost, token: str, text: str) -> str:
    """Post text that the policy holds for review; its reference."""
    reply = post(gatepost, token, text)
    assert reply.status_code == 202, reply.text
    return reply.json()["review_id"]


def sign_in(page: Page, base_url: str, name: str, password: str) -> None:
    # exact=True: there is also "Sign in with token" and a "Gatepost token" field.
    page.goto(base_url + "/admin/login")
    page.get_by_label("User name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def sign_in_with_token(page: Page, base_url: str, token: str) -> None:
    page.goto(base_url + "/admin/login")
    page.get_by_label("Gatepost token", exact=True).fill(token)
    page.get_by_role("button", name="Sign in with token", exact=True).click()
    page.wait_for_load_state()


def upstream_texts(microblog) -> list[str]:
    """The text of every status the upstream microblog has published."""
    reply = requests.get(microblog.url + "/api/v1/timelines/public", params={"limit": 40},
                         timeout=10)
    reply.raise_for_status()
    return [status["text"] for status in reply.json()]


def wait_for_upstream(microblog, text: str, seconds: float = 5.0) -> list[str]:
    """The upstream's texts once `text` is among them (or after `seconds`)."""
    deadline = time.monotonic() + seconds
    texts = upstream_texts(microblog)
    while text not in texts and time.monotonic() < deadline:
        time.sleep(0.1)
        texts = upstream_texts(microblog)
    return texts


def queue_item(page: Page, ref: str):
    return page.locator(f"article.review-item[data-ref='{ref}']")


def flash(page: Page):
    return page.locator("main p.flash[role=status]")


def error_flash(page: Page):
    return page.locator("main p.error[role=status]")


# -- tests --------------------------------------------------------------------


def test_officer_approves_one_post_and_rejects_another(gatepost, microblog, officer,
                                                       employee_token, page, screenshot):
    first_text = "Great kickoff with Contoso Pharma today, more soon!"
    second_text = "Tailspin Toys signed with us, announcement on Monday."
    first = post_held(gatepost, employee_token, first_text)
    second = post_held(gatepost, employee_token, second_text)

    sign_in(page, gatepost.url, officer, PASSWORD)
    expect(page).to_have_url(gatepost.url + "/admin/review")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"2 waiting"))

    # Both held posts, oldest first, with the customer names highlighted.
    items = page.locator("article.review-item")
    expect(items).to_have_count(2)
    assert [items.nth(i).get_attribute("data-ref") for i in range(2)] == [first, second]
    expect(queue_item(page, first).locator("mark")).to_have_text(["Contoso Pharma"])
    expect(queue_item(page, second).locator("mark")).to_have_text(["Tailspin Toys"])
    expect(queue_item(page, first).locator(".post")).to_have_text(first_text)
    expect(queue_item(page, first)).to_contain_text("nda-customers")
    expect(queue_item(page, first)).to_contain_text(
        "Customers under NDA may be named only after legal review.")
    expect(queue_item(page, first).locator("header")).to_contain_text("dana")
    screenshot("review-queue")

    # Approve the first: it is posted upstream, once.
    queue_item(page, first).get_by_role("button", name="Approve and post").click()
    page.wait_for_load_state()
    expect(flash(page)).to_have_text(f"Approved {first}: posted.")
    expect(queue_item(page, first)).to_have_count(0)
    assert wait_for_upstream(microblog, first_text).count(first_text) == 1

    # Rejecting without a note changes nothing.
    queue_item(page, second).get_by_role("button", name="Reject").click()
    page.wait_for_load_state()
    expect(error_flash(page)).to_have_text(
        "Nothing changed: a note explaining the rejection is required.")
    expect(queue_item(page, second)).to_have_count(1)

    # With a note it is rejected.
    note = "Legal has not cleared the Tailspin deal yet; wait for the press release."
    queue_item(page, second).get_by_label(f"Note for {second}").fill(note)
    queue_item(page, second).get_by_role("button", name="Reject").click()
    page.wait_for_load_state()
    expect(flash(page)).to_have_text(f"Rejected {second}. The author sees it was not posted.")
    expect(page.locator("article.review-item")).to_have_count(0)
    expect(page.get_by_text("Nothing is waiting for review.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"0 waiting"))

    # The decision log lists both.
    page.get_by_role("link", name="Decision log").click()
    expect(page).to_have_url(gatepost.url + "/admin/")
    for ref, text in ((first, first_text), (second, second_text)):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=ref))
        expect(row).to_have_count(1)
        expect(row).to_contain_text("dana")
        expect(row).to_contain_text("flag")
        expect(row).to_contain_text("nda-customers")
        expect(row).to_contain_text(text)

    # The search box finds the rejected one.
    page.get_by_label("Search text").fill("Tailspin")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name=second)).to_be_visible()
    expect(page.get_by_role("link", name=first)).to_have_count(0)

    # The rejected decision's page: its review state, the note and the history.
    page.get_by_role("link", name=second).click()
    expect(page).to_have_url(f"{gatepost.url}/admin/decisions/{second}")
    review = page.locator("dl.facts dt", has_text=re.compile(r"^Review$")) \
        .locator("xpath=following-sibling::dd[1]")
    expect(review).to_contain_text("rejected by olga")
    expect(review).to_contain_text(note)
    history = page.get_by_role("heading", name="History").locator("xpath=following-sibling::ul[1]")
    expect(history).to_contain_text("rejected by olga")
    expect(history).to_contain_text(note)

    # Upstream has the approved post only.
    assert upstream_texts(microblog) == [first_text]


def test_dashboard_shows_charts(gatepost, officer, employee_token, page, screenshot):
    for text in ("Lovely weather for the team offsite.",
                 "Our new office opens in March, come and visit!"):
        assert post(gatepost, employee_token, text).status_code == 200
    for text in ("Bluebird beta starts Friday", "Falcon launch is next week"):
        assert post(gatepost, employee_token, text).status_code == 422
    post_held(gatepost, employee_token, "Thanks Contoso Pharma for hosting us")
    post_held(gatepost, employee_token, "Write to me at dana.private@gmail.com")
    post_held(gatepost, employee_token, "Tailspin Toys is a great partner")

    sign_in(page, gatepost.url, officer, PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    expect(page).to_have_url(gatepost.url + "/admin/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")

    charts = page.locator(".charts svg")
    expect(charts).to_have_count(2)
    for i in range(2):
        expect(charts.nth(i)).to_be_visible()
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 100, box
    expect(page.get_by_role("heading", name="Decisions per day")).to_be_visible()
    expect(page.get_by_role("heading", name="Most fired rules")).to_be_visible()
    rules_chart = page.locator("section.chart", has_text="Most fired rules")
    for rule in ("nda-customers", "codenames", "personal-email"):
        expect(rules_chart).to_contain_text(rule)

    waiting = page.locator(".tile", has_text="Waiting for review")
    expect(waiting.locator(".figure")).to_have_text("3")
    expect(waiting.locator(".detail")).to_contain_text("oldest waiting")
    decisions_label = page.locator(".label", has_text=re.compile(r"^Decisions$"))
    decisions = page.locator(".tile", has=decisions_label)
    expect(decisions.locator(".figure")).to_have_text("7")
    blocked = page.locator(".tile", has_text="Blocked")
    expect(blocked.locator(".detail")).to_have_text("2 of 7 decisions")
    screenshot("dashboard")


def test_employee_appeals_a_blocked_post_and_officer_approves_it(
        gatepost, microblog, officer, employee_token, browser: Browser, page, screenshot):
    text = "Falcon launch is next week"
    reply = post(gatepost, employee_token, text)
    assert reply.status_code == 422, reply.text
    ref = reply.json()["id"]
    assert ref in reply.json()["appeal_url"]

    # Dana signs in with her token and lands on her posts.
    sign_in_with_token(page, gatepost.url, employee_token)
    expect(page).to_have_url(gatepost.url + "/appeal/")
    expect(page.get_by_role("link", name="My posts")).to_be_visible()
    expect(page.get_by_role("link", name="Review queue")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text=ref)
    expect(row).to_contain_text("blocked")
    expect(row).to_contain_text("codenames")
    row.get_by_role("link", name="Appeal").click()
    expect(page).to_have_url(f"{gatepost.url}/appeal/{ref}")

    justification = "Falcon was announced publicly at the keynote this morning."
    page.get_by_label("Why should this post go out?").fill(justification)
    # Codenames are not masked, so the kept text is the post and the form prefills it.
    expect(page.get_by_label("The post exactly as you sent it")).to_have_value(text)
    screenshot("appeal-form")
    page.get_by_role("button", name="Send appeal").click()
    page.wait_for_load_state()
    expect(page).to_have_url(gatepost.url + "/appeal/")
    expect(flash(page)).to_contain_text(f"Your appeal of {ref} is with the compliance officers")
    expect(page.get_by_role("row").filter(has_text=ref)).to_contain_text("appealed")
    expect(page.get_by_role("row").filter(has_text=ref).get_by_role("link", name="Appeal")) \
        .to_have_count(0)

    # The officer, in a browser context of their own, sees and approves the appeal.
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        desk = context.new_page()
        sign_in(desk, gatepost.url, officer, PASSWORD)
        item = queue_item(desk, ref)
        expect(item).to_have_count(1)
        expect(item.locator(".badge.appeal")).to_have_text("appeal of a blocked post")
        expect(item.locator(".justification")).to_contain_text(justification)
        expect(item.locator(".post")).to_have_text(text)
        expect(item).to_contain_text("codenames")
        screenshot("review-queue-appeal", desk)
        item.get_by_role("button", name="Approve and post").click()
        desk.wait_for_load_state()
        expect(flash(desk)).to_have_text(f"Approved {ref}: posted.")
        expect(queue_item(desk, ref)).to_have_count(0)
    finally:
        context.close()

    assert wait_for_upstream(microblog, text).count(text) == 1
    assert upstream_texts(microblog) == [text]

    # Dana sees it was approved.
    page.reload()
    expect(page.get_by_role("row").filter(has_text=ref)).to_contain_text("review: approved")


def test_post_text_renders_inert_in_the_queue(gatepost, officer, employee_token, page):
    text = ('Contoso Pharma <img src=x onerror="window.__pwned=1">'
            "<script>window.__pwned=2</script>")
    ref = post_held(gatepost, employee_token, text)

    sign_in(page, gatepost.url, officer, PASSWORD)
    item = queue_item(page, ref)
    expect(item).to_have_count(1)
    expect(item.locator(".post")).to_have_text(text)
    expect(item.locator("mark")).to_have_text(["Contoso Pharma"])
    page.wait_for_load_state("load")  # an <img onerror> would have fired by now
    assert page.evaluate("window.__pwned") is None
    assert item.locator("script").count() == 0
    assert item.locator("img").count() == 0

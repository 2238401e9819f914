"""The admin UI's login form, in a real browser (Debian chromium via Playwright)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery staple"


@pytest.fixture
def officer(audit_log) -> str:
    audit_log.add_user("olga", "officer", password=PASSWORD)
    return "olga"


def sign_in(page: Page, base_url: str, name: str, password: str) -> None:
    # exact=True: Playwright matches names and labels as case-insensitive substrings,
    # and the login page also has "Sign in with token" and an employees' "sign in" heading.
    page.goto(base_url + "/admin/login")
    page.get_by_label("User name", exact=True).fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()


def test_officer_signs_in_and_lands_on_the_admin_ui(gatepost, officer, page, screenshot):
    sign_in(page, gatepost.url, officer, PASSWORD)

    expect(page).to_have_url(re.compile(re.escape(gatepost.url) + r"/admin(/(?!login)|$)"))
    expect(page.get_by_text(re.compile(r"\bolga\b")).first).to_be_visible()
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_have_count(0)
    path = screenshot("admin-after-login")
    assert path.stat().st_size > 0


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(gatepost, officer, page,
                                                                     screenshot):
    sign_in(page, gatepost.url, officer, "wrong password")

    expect(page.get_by_text(re.compile(r"^Wrong user name"))).to_be_visible()
    expect(page).to_have_url(gatepost.url + "/admin/login")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    screenshot("admin-login-wrong-password")

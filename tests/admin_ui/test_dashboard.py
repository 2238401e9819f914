"""The officers' dashboard over real HTTP, and its duration wording."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import requests

from admin_ui.dashboard import format_duration
from tests.admin_ui.web import post

DAYS_ERROR = "days must be one of 7, 14, 30, 90"


def _svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def test_officer_sees_the_tiles_and_both_charts(gatepost, officer, employee_token):
    post(gatepost, employee_token, "My SSN is 078-05-1120")  # blocked by id-numbers
    post(gatepost, employee_token, "Lunch at noon?")  # allowed

    resp = officer.get(gatepost.url + "/admin/dashboard", timeout=10)

    assert resp.status_code == 200
    per_day, rules = _svgs(resp.text)
    assert per_day.get("role") == rules.get("role") == "img"
    assert "2 in all (1 allow, 0 redact, 0 flag, 1 block)" in per_day.get("aria-label")
    assert "id-numbers (1)" in rules.get("aria-label")
    for label in ("Waiting for review", "Median time to review", "Decisions", "Blocked"):
        assert label in resp.text
    assert "50.0%" in resp.text  # one of the two decisions was blocked
    assert 'href="/admin/review"' in resp.text
    assert 'href="/admin/"' in resp.text
    assert "078-05-1120" not in resp.text


def test_an_empty_log_shows_both_charts_empty_states(gatepost, officer):
    resp = officer.get(gatepost.url + "/admin/dashboard?days=7", timeout=10)
    assert resp.status_code == 200
    assert "The last 7 days" in resp.text
    assert "No decisions in the last 7 days" in resp.text
    assert "No rules fired in the last 7 days" in resp.text
    assert len(_svgs(resp.text)) == 2


def test_the_page_has_no_inline_script_or_style_attribute_for_the_csp(gatepost, officer):
    html = officer.get(gatepost.url + "/admin/dashboard", timeout=10).text
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=", html)


@pytest.mark.parametrize("days", ["5", "abc", "", "14.0", "-7", "365"])
def test_a_days_value_outside_the_choices_is_a_400(gatepost, officer, days):
    resp = officer.get(gatepost.url + "/admin/dashboard", params={"days": days},
                               timeout=10)
    assert resp.status_code == 400
    assert DAYS_ERROR in resp.text


def test_dashboard_redirects_to_login_when_not_signed_in(gatepost):
    resp = requests.get(gatepost.url + "/admin/dashboard", timeout=10, allow_redirects=False)
    assert resp.status_code == 302
    assert "/admin/login" in resp.headers["Location"]


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (None, "—"),
        (timedelta(0), "0 s"),
        (timedelta(milliseconds=400), "0 s"),
        (timedelta(seconds=45), "45 s"),
        (timedelta(minutes=12), "12 min"),
        (timedelta(minutes=12, seconds=5), "12 min 5 s"),
        (timedelta(hours=3, minutes=12, seconds=40), "3 h 12 min"),
        (timedelta(hours=3, seconds=40), "3 h"),
        (timedelta(days=2, hours=4, minutes=30), "2 d 4 h"),
        (timedelta(seconds=-5), "0 s"),
    ],
)
def test_durations_read_in_their_two_largest_units(duration, text):
    assert format_duration(duration) == text

"""The review queue over real HTTP: what officers see, approve, reject, and who may."""

from __future__ import annotations

import html
import re

import requests

from tests.admin_ui.web import PASSWORD, csrf_token, login, post, submit, upstream_texts

HELD = "Great call with Contoso Pharma today about the rollout"


def held(gatepost, token: str, text: str = HELD) -> str:
    resp = post(gatepost, token, text)
    assert resp.status_code == 202, resp.text
    return resp.json()["review_id"]


def decide(gatepost, session, ref: str, decision: str, note: str = "") -> requests.Response:
    queue = gatepost.url + "/admin/review"
    return submit(session, queue, f"{gatepost.url}/admin/review/{ref}",
                  decision=decision, note=note)


def test_queue_shows_the_post_with_spans_rules_and_explanations(gatepost, officer,
                                                                employee_token):
    ref = held(gatepost, employee_token, "Mail me at dana.private@gmail.com re Contoso Pharma")
    page = officer.get(gatepost.url + "/admin/review", timeout=10).text
    assert f'data-ref="{ref}"' in page
    assert re.search(r'<mark class="kind-term"[^>]*>Contoso Pharma</mark>', page)
    assert re.search(r'<mark class="kind-pii"[^>]*>dana.private@gmail.com</mark>', page)
    assert "Customers under NDA may be named only after legal review." in page
    assert "Personal email addresses are reviewed before they are posted." in page
    assert "1 waiting" in page


def test_queue_is_oldest_first_and_filters_by_rule_author_group_and_age(
        gatepost, officer, employee_token, audit_log):
    first = held(gatepost, employee_token, "Tailspin Toys signed today")
    second = held(gatepost, employee_token, "write to me: dana.home@gmail.com")
    _, other = audit_log.add_user("eve", "employee", groups=["sales"])
    third = held(gatepost, other, "Contoso Pharma visit went well")

    def shown(**params) -> list[str]:
        page = officer.get(gatepost.url + "/admin/review", params=params, timeout=10).text
        return re.findall(r'data-ref="(gp-[^"]+)"', page)

    assert shown() == [first, second, third]
    assert shown(rule="nda-customers") == [first, third]
    assert shown(author="eve") == [third]
    assert shown(group="marketing") == [first, second]
    assert shown(age="1h") == []
    resp = officer.get(gatepost.url + "/admin/review", params={"age": "forever"}, timeout=10)
    assert resp.status_code == 400
    assert "age must be one of" in resp.text


def test_approve_forwards_exactly_once_and_a_second_officer_cannot_act_again(
        gatepost, officer, employee_token, audit_log, microblog):
    ref = held(gatepost, employee_token)
    assert upstream_texts(microblog) == []
    resp = decide(gatepost, officer, ref, "approve")
    assert f"Approved {ref}: posted." in html.unescape(resp.text)
    assert upstream_texts(microblog) == [HELD]

    audit_log.add_user("omar", "officer", password=PASSWORD)
    second, _ = login(gatepost, "omar")
    for decision in ("approve", "reject"):
        resp = decide(gatepost, second, ref, decision, note="late")
        assert f"Nothing changed: {ref} was already approved by olga" in html.unescape(resp.text)
    assert upstream_texts(microblog) == [HELD]
    entry = audit_log.review_entry(ref)
    assert (entry["state"], entry["reviewer"]) == ("approved", "olga")
    assert [(e["event"], e["actor"]) for e in audit_log.events_for(ref)] == [("approved", "olga")]
    assert audit_log.verify_chain().ok


def test_reject_needs_a_note_and_is_audited_with_who_and_when(gatepost, officer,
                                                              employee_token, audit_log,
                                                              microblog):
    ref = held(gatepost, employee_token)
    resp = decide(gatepost, officer, ref, "reject")
    assert "Nothing changed: a note explaining the rejection is required" in resp.text
    assert audit_log.review_entry(ref)["state"] == "pending"

    resp = decide(gatepost, officer, ref, "reject", note="Contoso is still under NDA")
    assert f"Rejected {ref}." in resp.text
    entry = audit_log.review_entry(ref)
    assert (entry["state"], entry["reviewer"], entry["note"]) == \
        ("rejected", "olga", "Contoso is still under NDA")
    assert entry["reviewed_at"]
    detail = officer.get(f"{gatepost.url}/admin/decisions/{ref}", timeout=10).text
    assert "rejected by olga" in detail
    assert upstream_texts(microblog) == []


def test_approving_a_mastodon_post_with_a_content_warning_keeps_the_parts(
        gatepost, officer, employee_token, microblog):
    resp = requests.post(gatepost.url + "/api/v1/statuses",
                         data={"status": "Our talk with Contoso Pharma", "spoiler_text": "work"},
                         headers={"Authorization": f"Bearer {employee_token}"}, timeout=30)
    assert resp.status_code == 422
    ref = re.search(r"Reference (gp-[\w-]+)\.", resp.json()["error"]).group(1)
    decide(gatepost, officer, ref, "approve")
    statuses = requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()
    assert [(s["text"], s["spoiler_text"]) for s in statuses] == \
        [("Our talk with Contoso Pharma", "work")]


def test_post_text_is_escaped_in_the_queue(gatepost, officer, employee_token):
    attack = 'Contoso Pharma <script>alert(1)</script><img src=x onerror="alert(2)">'
    held(gatepost, employee_token, attack)
    page = officer.get(gatepost.url + "/admin/review", timeout=10).text
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=" in page


def test_a_review_form_without_its_csrf_token_is_refused(gatepost, officer, employee_token,
                                                        audit_log):
    ref = held(gatepost, employee_token)
    resp = officer.post(f"{gatepost.url}/admin/review/{ref}", data={"decision": "approve"},
                        timeout=10)
    assert resp.status_code == 400
    assert "CSRF token is missing" in resp.text
    assert audit_log.review_entry(ref)["state"] == "pending"


def officer_routes(app, role: str = "officer") -> list[tuple[str, str]]:
    """(method, path) of every route whose view demands at least `role` (officer or admin)."""
    wanted = ("officer", "admin") if role == "officer" else ("admin",)
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "required_role", None) in wanted:
            path = re.sub(r"<int:[^>]+>", "1", rule.rule)
            path = re.sub(r"<[^>]+>", "gp-none", path)
            routes += [(m, path) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_an_employee_gets_403_on_every_officer_route(gatepost, audit_log):
    audit_log.add_user("erin", "employee", password=PASSWORD)
    session, resp = login(gatepost, "erin")
    assert resp.url.endswith("/appeal/")  # an employee's page
    routes = officer_routes(gatepost.app)
    assert {"/admin/", "/admin/review", "/admin/dashboard", "/admin/export"} <= \
        {path for _, path in routes}
    token = csrf_token(resp.text)
    for method, path in routes:
        resp = session.request(method, gatepost.url + path, data={"csrf_token": token},
                               timeout=10, allow_redirects=False)
        assert resp.status_code == 403, (method, path)


def test_signed_out_visitors_are_sent_to_login_from_every_officer_route(gatepost):
    for method, path in officer_routes(gatepost.app):
        if method != "GET":
            continue
        resp = requests.get(gatepost.url + path, timeout=10, allow_redirects=False)
        assert resp.status_code == 302, path
        assert "/admin/login?next=" in resp.headers["Location"]


def test_failed_logins_are_throttled_per_user_name(gatepost, audit_log):
    audit_log.add_user("olga", "officer", password=PASSWORD)
    for _ in range(5):
        assert login(gatepost, "olga", "guess")[1].status_code == 401
    session, resp = login(gatepost, "olga", PASSWORD)  # even the right password now waits
    assert resp.status_code == 429
    assert int(resp.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in resp.text
    assert login(gatepost, "someone-else", "guess")[1].status_code == 401

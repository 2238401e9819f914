"""Bad input, table-tested for every dialect over real HTTP: a clear 4xx naming the
problem, in the dialect's error shape, never a 500, and nothing recorded or posted."""

from __future__ import annotations

import dataclasses
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import LiveServer

CLEAN = "Great turnout at the Northwind meetup tonight, thanks all!"
BLOCKED = "Falcon ships next week, stay tuned!"
FORM = "application/x-www-form-urlencoded"
PROBLEM = "application/problem+json"
DEEP = b"[" * 10_000 + b"]" * 10_000  # far past Python's recursion limit
MEGABYTE_LINE = "a" * 1_000_000
LIMIT = 5000  # max_post_chars by default


@dataclass(frozen=True)
class Bad:
    """A request body, its content type, and the answer Gatepost must give."""

    body: bytes
    status: int
    words: tuple[str, ...]  # each appears in the message
    content_type: str | None = "application/json"


def js(value: object) -> bytes:
    return json.dumps(value).encode()


def form(**fields: str) -> bytes:
    return "&".join(f"{k}={requests.utils.quote(v, safe='')}" for k, v in fields.items()).encode()


def multipart(**fields: bytes) -> tuple[bytes, str]:
    parts = b"".join(b'--b0undary\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                     % (name.encode(), value) for name, value in fields.items())
    return parts + b"--b0undary--\r\n", "multipart/form-data; boundary=b0undary"


def case(id_: str, *args, **kwargs):
    return pytest.param(Bad(*args, **kwargs), id=id_)


# Every JSON dialect refuses these the same way (message words may differ by field).
def json_cases(field: str) -> list:
    return [
        case("empty-body", b"", 400, ("empty",)),
        case("wrong-content-type", js({field: CLEAN}), 415, ("application/json", "text/plain"),
             "text/plain"),
        case("no-content-type", js({field: CLEAN}), 415, ("no content type",), None),
        case("malformed-json", b'{"%s": "hi"' % field.encode(), 400, ("not valid JSON",)),
        case("not-an-object", js([CLEAN]), 400, ("must be an object", "array")),
        case("nested-10000-deep", b'{"%s": "hi", "x": %s}' % (field.encode(), DEEP), 400,
             ("nested too deeply",)),
        case("nested-10000-deep-at-top", DEEP, 400, ("nested too deeply",)),
        case("body-over-the-limit", js({field: "a" * 70_000}), 413, ("over the limit", "65536")),
        case("1mb-line-of-one-character", js({field: MEGABYTE_LINE}), 413, ("over the limit",)),
        case("invalid-utf8", b'{"%s": "caf\xe9"}' % field.encode(), 400, ("UTF-8", "byte")),
        case("nul", js({field: "a\x00b"}), 400, (f'"{field}"', "control character", "U+0000")),
        case("escape-character", js({field: "a\x1b[31mb"}), 400, ("control character", "U+001B")),
        case("c1-control", js({field: "a\x85b"}), 400, ("control character", "U+0085")),
        case("delete-character", js({field: "a\x7fb"}), 400, ("control character", "U+007F")),
        case("lone-surrogate", b'{"%s": "a\\ud800b"}' % field.encode(), 400,
             (f'"{field}"', "lone surrogate", "U+D800")),
        case("nan", b'{"%s": "hi", "n": NaN}' % field.encode(), 400, ("NaN",)),
        case("number-out-of-range", b'{"%s": "hi", "n": 1e400}' % field.encode(), 400,
             ("out of range",)),
        case("number-of-5000-digits", b'{"%s": "hi", "n": %s}' % (field.encode(), b"9" * 5000),
             400, ("100 digits",)),
    ]


NATIVE = [
    *json_cases("text"),
    case("missing-text", js({}), 400, ('missing field "text"',)),
    case("blank-text", js({"text": " \n\t "}), 400, ('"text" is empty',)),
    case("text-over-max-post-chars", js({"text": "a" * (LIMIT + 1)}), 400,
         (f"{LIMIT + 1} characters", f"the limit is {LIMIT}")),
    case("text-a-number", js({"text": 42}), 400, ('"text" must be a string, not a number',)),
    case("text-an-array", js({"text": [CLEAN]}), 400, ("must be a string, not an array",)),
    case("unknown-field", js({"text": CLEAN, "visibility": "public"}), 400,
         ('unknown field "visibility"', '"text"')),
]

MULTIPART_BAD_UTF8, MULTIPART = multipart(status=b"caf\xe9")
MASTODON = [
    *(p for p in json_cases("status") if p.id not in ("empty-body", "wrong-content-type",
                                                      "no-content-type")),
    case("empty-body", b"", 422, ("Text can't be blank",), None),
    case("wrong-content-type", b"status=hi", 415, ("form or JSON", "text/plain"), "text/plain"),
    case("no-content-type", b"status=hi", 415, ("no content type",), None),
    case("form-body-over-the-limit", form(status="a" * 70_000), 413, ("over the limit",), FORM),
    case("form-1mb-line", form(status=MEGABYTE_LINE), 413, ("over the limit",), FORM),
    case("status-over-max-post-chars", form(status="a" * (LIMIT + 1)), 422,
         (f"character limit of {LIMIT}",), FORM),
    case("form-invalid-utf8-bytes", b"status=caf\xe9", 400, ("UTF-8",), FORM),
    case("form-invalid-utf8-escapes", b"status=caf%E9", 400, ('"status"', "UTF-8"), FORM),
    case("multipart-invalid-utf8", MULTIPART_BAD_UTF8, 400, ('"status"', "UTF-8"), MULTIPART),
    case("form-nul", form(status="a\x00b"), 400, ('"status"', "U+0000"), FORM),
    case("spoiler-text-nul", js({"status": CLEAN, "spoiler_text": "\x00"}), 400,
         ('"spoiler_text"', "U+0000")),
    case("poll-option-control", js({"status": CLEAN, "poll": {"options": ["a\x07", "b"]}}),
         400, ('"poll options"', "U+0007")),
    case("blank-status", form(status="  "), 422, ("Text can't be blank",), FORM),
    case("status-an-array", js({"status": [CLEAN]}), 422, ("status must be a string",)),
    case("sensitive-not-a-boolean", js({"status": CLEAN, "sensitive": "maybe"}), 422,
         ("sensitive must be true or false",)),
    case("poll-not-an-object", js({"status": CLEAN, "poll": "yes"}), 422,
         ("poll must be an object",)),
]

X = [
    *json_cases("text"),
    case("text-over-max-post-chars", js({"text": "a" * (LIMIT + 1)}), 400,
         (f"the limit is {LIMIT}",)),
    case("text-a-number", js({"text": 42}), 400, ('"text" must be a string, not a number',)),
    case("reply-a-string", js({"text": CLEAN, "reply": "1"}), 400,
         ('"reply" must be an object, not a string',)),
    case("poll-option-control", js({"text": CLEAN, "poll": {"options": ["a\x85", "b"],
                                                             "duration_minutes": 60}}),
         400, ('"poll.options"', "U+0085")),
]

APPEAL = [
    *json_cases("justification"),
    case("missing-justification", js({"text": BLOCKED}), 400, ("justification is required",)),
    case("justification-a-number", js({"justification": 1}), 400,
         ('"justification" must be a string, not a number',)),
    case("justification-over-2000-characters", js({"justification": "a" * 2001}), 400,
         ("over 2000 characters",)),
    case("unknown-field", js({"justification": "mine", "txt": BLOCKED}), 400,
         ('unknown field "txt"',)),
]


def audit_rows(audit_log) -> dict[str, list[dict]]:
    """Every row of every table of the audit db."""
    with audit_log.store.read() as db:
        return {name: list(db[name].rows) for name in db.table_names()}


def timeline(microblog) -> list[dict]:
    return requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()


def send(gatepost, path: str, token: str, bad: Bad) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if bad.content_type:
        headers["Content-Type"] = bad.content_type
    return requests.post(gatepost.url + path, data=bad.body, headers=headers, timeout=30)


def message(resp: requests.Response, shape: str) -> str:
    """The error message, after checking the dialect's error shape."""
    if shape == "problem":
        assert resp.headers["Content-Type"] == PROBLEM
        body = resp.json()
        assert set(body) == {"title", "type", "status", "detail"}
        assert body["status"] == resp.status_code
        return body["detail"]
    assert resp.headers["Content-Type"] == "application/json"
    assert set(resp.json()) == {"error"}
    return resp.json()["error"]


def assert_refused(resp, bad: Bad, shape: str, audit_log, before, microblog) -> None:
    assert resp.status_code == bad.status, resp.text
    text = message(resp, shape)
    for word in bad.words:
        assert word in text
    assert audit_rows(audit_log) == before
    assert timeline(microblog) == []


@pytest.mark.parametrize("path", ["/api/posts", "/api/scan"])
@pytest.mark.parametrize("bad", NATIVE)
def test_native_bad_input_is_a_4xx_naming_the_problem(
        gatepost, microblog, employee_token, audit_log, path, bad):
    before = audit_rows(audit_log)
    resp = send(gatepost, path, employee_token, bad)
    assert_refused(resp, bad, "error", audit_log, before, microblog)


@pytest.mark.parametrize("bad", MASTODON)
def test_mastodon_bad_input_is_a_4xx_naming_the_problem(
        gatepost, microblog, employee_token, audit_log, bad):
    before = audit_rows(audit_log)
    resp = send(gatepost, "/api/v1/statuses", employee_token, bad)
    assert_refused(resp, bad, "error", audit_log, before, microblog)


@pytest.mark.parametrize("bad", X)
def test_x_bad_input_is_a_4xx_problem_naming_the_problem(
        gatepost, microblog, employee_token, audit_log, bad):
    before = audit_rows(audit_log)
    resp = send(gatepost, "/2/tweets", employee_token, bad)
    assert_refused(resp, bad, "problem", audit_log, before, microblog)


@pytest.mark.parametrize("bad", APPEAL)
def test_appeal_bad_input_is_a_4xx_naming_the_problem(
        gatepost, microblog, employee_token, audit_log, bad):
    headers = {"Authorization": f"Bearer {employee_token}"}
    blocked = requests.post(gatepost.url + "/api/posts", json={"text": BLOCKED},
                            headers=headers, timeout=30)
    assert blocked.status_code == 422, blocked.text
    before = audit_rows(audit_log)
    resp = send(gatepost, f"/api/appeals/{blocked.json()['id']}", employee_token, bad)
    assert_refused(resp, bad, "error", audit_log, before, microblog)


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/scan", {"text": "Line one\r\n\tindented line two\n"}, 200),
        ("/api/v1/statuses", {"status": CLEAN, "content_type": "text/plain",
                              "local_only": True, "media_attributes": []}, 200),
        ("/2/tweets", {"text": CLEAN, "reply_settings": "following", "geo": {"place_id": "x"},
                       "nullcast": False}, 201),
    ],
    ids=["tab-and-line-breaks-are-text", "mastodon-ignores-fields-it-does-not-forward",
         "x-ignores-fields-it-does-not-forward"],
)
def test_ordinary_input_is_still_accepted(gatepost, employee_token, path, body, status):
    resp = requests.post(gatepost.url + path, json=body,
                         headers={"Authorization": f"Bearer {employee_token}"}, timeout=30)
    assert resp.status_code == status, resp.text


def raw_request(gatepost, head: bytes, body: bytes) -> bytes:
    """Send bytes as they are (requests would correct a lying header); the answer."""
    address = urlsplit(gatepost.url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as sock:
        sock.sendall(head + b"Connection: close\r\n\r\n" + body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_a_content_length_shorter_than_the_body_reads_as_truncated_json(
        gatepost, microblog, employee_token, audit_log):
    before = audit_rows(audit_log)
    body = js({"text": CLEAN})
    head = (f"POST /api/posts HTTP/1.1\r\nHost: gatepost\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {employee_token}\r\nContent-Length: 9\r\n").encode()
    answer = raw_request(gatepost, head, body)
    assert answer.startswith(b"HTTP/1.1 400 Bad Request"), answer[:200]
    assert b"not valid JSON" in answer
    assert audit_rows(audit_log) == before
    assert timeline(microblog) == []


def test_a_chunked_body_over_the_limit_is_413(gatepost, microblog, employee_token, audit_log):
    before = audit_rows(audit_log)
    chunks = (js({"text": MEGABYTE_LINE})[i:i + 65536] for i in range(0, 1_000_100, 65536))
    resp = requests.post(gatepost.url + "/api/posts", data=chunks, timeout=30,
                         headers={"Authorization": f"Bearer {employee_token}",
                                  "Content-Type": "application/json"})
    assert resp.status_code == 413
    assert "over the limit" in resp.json()["error"]
    assert audit_rows(audit_log) == before


@pytest.fixture
def roomy_gatepost(gatepost_config, analyzer):
    """Gatepost with a body limit over 1 MB, so a 1 MB text reaches the length check."""
    from proxy.app import create_app

    config = dataclasses.replace(gatepost_config, max_post_chars=200_000)
    live = LiveServer.start(create_app(config, analyzer=analyzer))
    yield live
    live.stop()


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [("/api/posts", {"text": MEGABYTE_LINE}, 400),
     ("/api/v1/statuses", {"status": MEGABYTE_LINE}, 422),
     ("/2/tweets", {"text": MEGABYTE_LINE}, 400)],
    ids=["native", "mastodon", "x"],
)
def test_a_1mb_line_under_the_body_limit_is_refused_before_scanning(
        roomy_gatepost, microblog, path, body, status):
    audit_log = roomy_gatepost.app.extensions["gatepost.audit"]
    _, token = audit_log.add_user("dana", "employee")
    before = audit_rows(audit_log)
    started = time.monotonic()
    resp = requests.post(roomy_gatepost.url + path, json=body,
                         headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert resp.status_code == status, resp.text
    assert "200000" in resp.text
    assert time.monotonic() - started < 5  # refused on its length: never scanned
    assert audit_rows(audit_log) == before
    assert timeline(microblog) == []

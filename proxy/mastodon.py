"""The Mastodon client API dialect, so unmodified Mastodon clients post through Gatepost.

Mastodon.py, toot and friends are pointed at Gatepost's URL with the
employee's Gatepost token as their access token. They get:

- `POST /api/v1/statuses` (form-encoded or JSON): an allowed post answers with
  the upstream's Status entity and status code; a blocked or held post answers
  `422 {"error": "<one human sentence: rule descriptions and a reference>"}`,
  the shape every Mastodon client shows to its user.
- `GET /api/v1/instance`, `GET /api/v2/instance` (with or without a trailing
  slash) and `GET /api/v1/accounts/verify_credentials` (the employee).
- Bad input (docs/clients.md#bad-input): fields Gatepost does not forward
  are ignored, a forwarded field of the wrong type is 422 "Validation failed",
  a malformed body 400 (proxy/http.py decides), another content type 415.
- Anything else under /api/v1 or /api/v2: 404 `{"error": "Record not found"}`
  (the app-wide handler), and a bad token: 401 `{"error": "The access token is
  invalid"}`.

What is scanned: the status, the content warning (`spoiler_text`) and the poll
options are all published, so all of them are checked. They are scanned
together, as one text (content warning, then status, then poll options,
separated by blank lines), so a rule sees what a reader sees. A block or a
hold of that text is recorded as it is (the whole text). When that text is
allowed, the status is submitted with the content warning and poll sent
upstream as what they are (not glued into the status); when it is redacted,
each part is redacted on its own.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

import requests
from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.datastructures import MultiDict

from policies import Action, Post
from proxy.auth import token_required
from proxy.errors import ProxyError, UnsupportedMediaType
from proxy.gateway import Gateway, Outcome
from proxy.http import FORM_TYPES, check_characters, decode_json_object, read_form
from proxy.present import appeal_hint

log = logging.getLogger("gatepost.mastodon")

bp = Blueprint("mastodon", __name__)

API_VERSION = "4.2.0"  # the Mastodon API level the dialect speaks
VISIBILITIES = ("public", "unlisted", "private", "direct")
_TRUE = {"1", "true", "t", "yes", "on"}
_FALSE = {"0", "false", "f", "no", "off", ""}
# Parts of a post joined for scanning: a blank line, as a reader sees them.
SEPARATOR = "\n\n"


class ValidationFailed(ProxyError):
    """A well-formed request Mastodon would refuse: 422 "Validation failed: ..."."""

    status_code = 422


def _gateway() -> Gateway:
    return current_app.extensions["gatepost.gateway"]


# --- reading the request ------------------------------------------------------


def _form_or_json() -> Mapping[str, Any]:
    """The body as a mapping: JSON object, or form fields (lists kept).

    An empty body is an empty mapping, so it gets Mastodon's own answer
    ("Text can't be blank"); a body in another content type is a 415.
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    if request.is_json:
        return decode_json_object(raw)
    if request.mimetype in FORM_TYPES:
        return read_form(request)
    raise UnsupportedMediaType(
        f"expected a form or JSON body (Content-Type: {', '.join(FORM_TYPES)} or "
        f"application/json), got {request.mimetype or 'no content type'}"
    )


def _get(data: Mapping[str, Any], name: str) -> Any:
    return data.get(name)


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    """`name[]` form fields, repeated `name` fields, or a JSON list."""
    if isinstance(data, MultiDict):
        return data.getlist(f"{name}[]") or data.getlist(name)
    value = data.get(name, data.get(f"{name}[]"))
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _string(data: Mapping[str, Any], name: str) -> str | None:
    value = _get(data, name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationFailed(f"Validation failed: {name} must be a string")
    return check_characters(str(value), name)


def parse_bool(value: Any, name: str) -> bool | None:
    """Mastodon's booleans: true/false, 1/0, "1"/"0", "true"/"false"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValidationFailed(f"Validation failed: {name} must be true or false, not {value!r}")


def _poll(data: Mapping[str, Any]) -> dict[str, Any] | None:
    """The poll, from JSON {"poll": {...}} or form fields poll[options][] etc."""
    if isinstance(data, MultiDict):
        options = data.getlist("poll[options][]") or data.getlist("poll[options]")
        if not options:
            return None
        raw: dict[str, Any] = {"options": options}
        for key in ("expires_in", "multiple", "hide_totals"):
            if f"poll[{key}]" in data:
                raw[key] = data.get(f"poll[{key}]")
    else:
        raw = data.get("poll")
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise ValidationFailed("Validation failed: poll must be an object")
    options = raw.get("options")
    if not isinstance(options, list) or not options or not all(
        isinstance(o, str) and o.strip() for o in options
    ):
        raise ValidationFailed("Validation failed: poll options must be a list of texts")
    poll: dict[str, Any] = {"options": [check_characters(o, "poll options") for o in options]}
    if raw.get("expires_in") is not None:
        try:
            poll["expires_in"] = int(raw["expires_in"])
        except (TypeError, ValueError) as exc:
            raise ValidationFailed("Validation failed: poll expires_in must be seconds") from exc
    for key in ("multiple", "hide_totals"):
        flag = parse_bool(raw.get(key), f"poll {key}")
        if flag is not None:
            poll[key] = flag
    return poll


def parse_status_request(data: Mapping[str, Any], max_chars: int) -> tuple[str, dict[str, Any]]:
    """The status text and the parameters to send upstream with it."""
    status = _string(data, "status") or ""
    if not status.strip():
        raise ValidationFailed("Validation failed: Text can't be blank")
    if _list(data, "media_ids"):
        raise ValidationFailed(
            "Validation failed: Gatepost does not forward media attachments "
            "(it cannot check them); post the text without media"
        )
    if _get(data, "scheduled_at"):
        raise ValidationFailed("Validation failed: Gatepost does not forward scheduled posts")
    params: dict[str, Any] = {}
    visibility = _string(data, "visibility")
    if visibility:
        if visibility not in VISIBILITIES:
            raise ValidationFailed(
                f"Validation failed: Visibility is not one of {', '.join(VISIBILITIES)}"
            )
        params["visibility"] = visibility
    for name in ("spoiler_text", "in_reply_to_id", "language"):
        value = _string(data, name)
        if value:
            params[name] = value
    sensitive = parse_bool(_get(data, "sensitive"), "sensitive")
    if sensitive is not None:
        params["sensitive"] = sensitive
    poll = _poll(data)
    if poll is not None:
        params["poll"] = poll
    total = len(status) + len(params.get("spoiler_text", ""))
    if total > max_chars:
        raise ValidationFailed(
            f"Validation failed: Text character limit of {max_chars} exceeded ({total})"
        )
    return status, params


def scanned_text(status: str, params: Mapping[str, Any]) -> str:
    """What a reader sees: content warning, status, poll options."""
    parts = [params.get("spoiler_text") or "", status,
             "\n".join((params.get("poll") or {}).get("options", ()))]
    return SEPARATOR.join(p for p in parts if p)


# --- posting ------------------------------------------------------------------


@bp.post("/api/v1/statuses")
@token_required
def post_status():
    config = current_app.config["GATEPOST"]
    status, params = parse_status_request(_form_or_json(), config.max_post_chars)
    user = g.employee
    gateway = _gateway()
    key = request.headers.get("Idempotency-Key") or None
    meta = {"dialect": "mastodon"}

    def post(text: str) -> Post:
        return Post(author=user.name, text=text, groups=user.groups, meta=meta)

    whole = scanned_text(status, params)
    if whole != status:
        # Content warning or poll: decide on everything a reader sees.
        decision = gateway.evaluate(post(whole)).decision
        if decision.action in (Action.BLOCK, Action.FLAG):
            outcome = gateway.submit(post(whole), dialect="mastodon", idempotency_key=key,
                                     params=params, release_text=status)
            return _answer(outcome)
        if decision.action is Action.REDACT:
            redacted = _redact_parts(gateway, post, params)
            if redacted is None:  # a part held on its own: record the whole text
                outcome = gateway.submit(post(whole), dialect="mastodon",
                                         idempotency_key=key, params=params,
                                         release_text=status)
                return _answer(outcome)
            params = redacted
    outcome = gateway.submit(post(status), dialect="mastodon", idempotency_key=key,
                             params=params)
    return _answer(outcome)


def _redact_parts(gateway: Gateway, post: Any, params: dict[str, Any]) -> dict[str, Any] | None:
    """params with the content warning and poll options redacted, each on its own."""

    def redacted(text: str) -> str | None:
        decision = gateway.evaluate(post(text)).decision
        if decision.action in (Action.BLOCK, Action.FLAG):
            return None
        return decision.redacted_text if decision.action is Action.REDACT else text

    out = dict(params)
    if params.get("spoiler_text"):
        spoiler = redacted(params["spoiler_text"])
        if spoiler is None:
            return None
        out["spoiler_text"] = spoiler
    if params.get("poll"):
        options = [redacted(o) for o in params["poll"]["options"]]
        if any(o is None for o in options):
            return None
        out["poll"] = {**params["poll"], "options": options}
    return out


def refusal_message(outcome: Outcome) -> str | None:
    """The one sentence a blocked or held post answers with; None if it may go."""
    decision = outcome.decision
    if decision.action is Action.BLOCK:
        return (f"Blocked by Gatepost, not posted: {decision.reason}. "
                f"Reference {outcome.ref}." + appeal_hint(outcome.ref))
    if decision.action is Action.FLAG:
        return (f"Held for review by a compliance officer, not posted yet: "
                f"{decision.reason}. Reference {outcome.ref}." + appeal_hint(outcome.ref))
    return None


def _answer(outcome: Outcome):
    message = refusal_message(outcome)
    if message is not None:
        return jsonify(error=message), 422
    if outcome.queued or outcome.reply is None:  # the outbox will deliver it
        why = f" ({outcome.error})" if outcome.error else ""
        return jsonify(error=(
            f"Gatepost allowed the post and queued it: the server is not answering{why}. "
            f"It will be posted when the server is back; do not post it again. "
            f"Reference {outcome.ref}."
        )), 503
    if outcome.error is not None:
        return jsonify(error=(
            f"Gatepost allowed the post but the server refused it ({outcome.error}); "
            f"it will not be retried. Reference {outcome.ref}."
        )), 502
    reply = outcome.reply
    if not reply.delivered:
        upstream_error = reply.body.get("error") if isinstance(reply.body, dict) else None
        detail = f": {upstream_error}" if upstream_error else ""
        # A validation refusal is the client's to fix; anything else is upstream trouble.
        status = reply.status_code if reply.status_code in (400, 422) else 502
        return jsonify(error=(
            f"The upstream refused the post with status {reply.status_code}{detail}. "
            f"Reference {outcome.ref}."
        )), status
    body = reply.body
    if isinstance(body, dict) and "content" not in body and reply.status_id:
        body = _fetch_status(reply.status_id) or body
    return jsonify(body), reply.status_code


def _fetch_status(status_id: str) -> dict[str, Any] | None:
    """The full Status of an earlier delivery, for a client retrying with its key."""
    upstream = _gateway().upstream
    try:
        resp = upstream.session.get(f"{upstream.base_url}/api/v1/statuses/{status_id}",
                                    timeout=upstream.timeout)
        if resp.ok:
            return resp.json()
    except (requests.RequestException, ValueError, AttributeError):
        log.warning("could not fetch status %s from the upstream", status_id)
    return None


# --- instance and account -----------------------------------------------------


def _limits() -> dict[str, Any]:
    max_chars = current_app.config["GATEPOST"].max_post_chars
    return {
        "statuses": {"max_characters": max_chars, "max_media_attachments": 0,
                     "characters_reserved_per_url": 23},
        "media_attachments": {"supported_mime_types": [], "image_size_limit": 0,
                              "image_matrix_limit": 0, "video_size_limit": 0,
                              "video_frame_rate_limit": 0, "video_matrix_limit": 0},
        "polls": {"max_options": 4, "max_characters_per_option": 50,
                  "min_expiration": 300, "max_expiration": 2629746},
    }


def _domain() -> str:
    return request.host


TITLE = "Gatepost"
DESCRIPTION = ("Gatepost checks every post against the company's posting policy "
               "before it is published.")


@bp.get("/api/v1/instance")
@bp.get("/api/v1/instance/")
def instance_v1():
    base = request.host_url.rstrip("/")
    return jsonify({
        "uri": _domain(), "title": TITLE, "short_description": DESCRIPTION,
        "description": DESCRIPTION, "email": "", "version": API_VERSION,
        "urls": {"streaming_api": ""},
        "stats": {"user_count": 0, "status_count": 0, "domain_count": 0},
        "thumbnail": None, "languages": ["en"], "registrations": False,
        "approval_required": True, "invites_enabled": False,
        "configuration": _limits(), "contact_account": None, "rules": [],
        "gatepost": {"url": base},
    })


@bp.get("/api/v2/instance")
@bp.get("/api/v2/instance/")
def instance_v2():
    return jsonify({
        "domain": _domain(), "title": TITLE, "version": API_VERSION, "source_url": "",
        "description": DESCRIPTION, "usage": {"users": {"active_month": 0}},
        "thumbnail": {"url": ""}, "languages": ["en"],
        "configuration": {"urls": {"streaming": ""},
                          "accounts": {"max_featured_tags": 0},
                          "translation": {"enabled": False}, **_limits()},
        "registrations": {"enabled": False, "approval_required": True, "message": None},
        "contact": {"email": "", "account": None}, "rules": [],
    })


def account_json(name: str) -> dict[str, Any]:
    """The employee as a Mastodon Account entity (a stable numeric id)."""
    account_id = str(int(hashlib.sha256(name.encode()).hexdigest()[:15], 16))
    url = f"{request.host_url.rstrip('/')}/@{name}"
    return {
        "id": account_id, "username": name, "acct": name, "display_name": name,
        "locked": False, "bot": False, "discoverable": False, "group": False,
        "created_at": "2026-01-01T00:00:00.000Z", "note": "", "url": url,
        "avatar": "", "avatar_static": "", "header": "", "header_static": "",
        "followers_count": 0, "following_count": 0, "statuses_count": 0,
        "last_status_at": None, "emojis": [], "fields": [],
        "source": {"privacy": "public", "sensitive": False, "language": "",
                   "note": "", "fields": [], "follow_requests_count": 0},
    }


@bp.get("/api/v1/accounts/verify_credentials")
@token_required
def verify_credentials():
    return jsonify(account_json(g.employee.name))


@bp.errorhandler(ProxyError)
def _proxy_error(exc: ProxyError):
    if exc.status_code == 401:
        response = jsonify(error="The access token is invalid")
        response.headers["WWW-Authenticate"] = (
            'Bearer realm="gatepost", error="invalid_token", '
            'error_description="The access token is invalid"'
        )
        return response, 401
    return jsonify(error=str(exc)), exc.status_code

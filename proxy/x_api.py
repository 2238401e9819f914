"""The X API v2 dialect: `POST /2/tweets`, so tweepy posts through Gatepost.

Errors use the problem shape X answers with (RFC 7807):
`{"title", "type", "status", "detail"}` and Content-Type
application/problem+json. tweepy shows `detail` in its exception message, so
a block or a flag reaches the employee as "403 Forbidden\\n<reason>".

The tweet's fields are mapped to Mastodon-shaped params, the form the outbox
keeps for every dialect (reply -> in_reply_to_id, media -> media_ids, poll ->
poll with expires_in, quote -> quoted_status_id); an X upstream
(`upstream_dialect: x`) maps them back in proxy/upstream.py.
"""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from policies import Action, Post
from proxy.auth import token_required
from proxy.errors import BadRequest, ProxyError
from proxy.gateway import Gateway, Outcome
from proxy.http import check_characters, json_type, read_json_object, require_text
from proxy.present import appeal_hint

bp = Blueprint("x_api", __name__, url_prefix="/2")

PROBLEM_JSON = "application/problem+json"
ID_PATTERN = re.compile(r"[0-9]{1,19}")  # X ids: decimal strings of up to 19 digits
MAX_MEDIA = 4
POLL_OPTIONS = (2, 4)
POLL_OPTION_CHARS = 25
POLL_MINUTES = (5, 10080)


def problem(status: int, detail: str) -> tuple[Response, int]:
    """An X-style problem answer; the title is the status's reason phrase."""
    response = jsonify({"title": HTTPStatus(status).phrase, "type": "about:blank",
                        "status": status, "detail": detail})
    response.content_type = PROBLEM_JSON
    return response, status


def _gateway() -> Gateway:
    return current_app.extensions["gatepost.gateway"]


@bp.post("/tweets")
@token_required
def create_tweet():
    data = read_json_object(request)
    text = require_text(data, "text", current_app.config["GATEPOST"].max_post_chars)
    params, poll_options = tweet_params(data)
    user = g.employee
    post = Post(author=user.name, text=text, groups=user.groups, meta={"dialect": "x"})
    gateway = _gateway()
    if poll_options:
        # Poll options are posted too, so they are scanned: if they fire a
        # rule, the post is submitted with them in its text, which the
        # decision (and the audit log) then covers.
        options_post = Post(author=user.name, text="\n".join(poll_options),
                            groups=user.groups, meta={"dialect": "x"})
        if gateway.evaluate(options_post).decision.action is not Action.ALLOW:
            post = Post(author=user.name, text=text + "\n\n" + options_post.text,
                        groups=user.groups, meta={"dialect": "x", "poll": True})
            params.pop("poll", None)
    outcome = gateway.submit(
        post, dialect="x", idempotency_key=request.headers.get("Idempotency-Key"),
        params=params,
    )
    return _answer(outcome, post)


def tweet_params(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The tweet's reply, quote, media and poll as Mastodon status parameters.

    Returns the parameters and the poll options (to be scanned). Fields
    Gatepost does not forward (reply_settings, geo, ...) are ignored.
    """
    params: dict[str, Any] = {}
    reply = data.get("reply")
    if reply is not None:
        reply = _object(reply, "reply")
        params["in_reply_to_id"] = _tweet_id(reply.get("in_reply_to_tweet_id"),
                                             "reply.in_reply_to_tweet_id")
    quote = data.get("quote_tweet_id")
    if quote is not None:
        params["quoted_status_id"] = _tweet_id(quote, "quote_tweet_id")
    media = data.get("media")
    if media is not None:
        media = _object(media, "media")
        ids = media.get("media_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_MEDIA:
            raise BadRequest(f'field "media.media_ids" must be a list of 1 to {MAX_MEDIA} ids')
        params["media_ids"] = [_tweet_id(i, "media.media_ids[]") for i in ids]
    options: list[str] = []
    poll = data.get("poll")
    if poll is not None:
        poll = _object(poll, "poll")
        if media is not None or quote is not None:
            raise BadRequest('a tweet with a "poll" cannot also have "media" or "quote_tweet_id"')
        options = _poll_options(poll.get("options"))
        minutes = poll.get("duration_minutes")
        low, high = POLL_MINUTES
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not low <= minutes <= high:
            raise BadRequest(
                f'field "poll.duration_minutes" must be a whole number from {low} to {high}'
            )
        params["poll"] = {"options": options, "expires_in": minutes * 60}
    return params, options


def _object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadRequest(f'field "{field}" must be an object, not {json_type(value)}')
    return value


def _tweet_id(value: Any, field: str) -> str:
    if value is None:
        raise BadRequest(f'missing field "{field}"')
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise BadRequest(f'field "{field}" must be a string of 1 to 19 digits')
    return value


def _poll_options(value: Any) -> list[str]:
    low, high = POLL_OPTIONS
    if not isinstance(value, list) or not low <= len(value) <= high:
        raise BadRequest(f'field "poll.options" must be a list of {low} to {high} strings')
    for option in value:
        if not isinstance(option, str) or not 1 <= len(option) <= POLL_OPTION_CHARS:
            raise BadRequest(
                f'each of "poll.options" must be a string of 1 to {POLL_OPTION_CHARS} characters'
            )
        check_characters(option, "poll.options")
    return list(value)


def _answer(outcome: Outcome, post: Post):
    decision = outcome.decision
    if decision.action is Action.BLOCK:
        return problem(403, f"Blocked by Gatepost: {decision.reason}. "
                            f"Reference {outcome.ref}." + appeal_hint(outcome.ref))
    if decision.action is Action.FLAG:
        return problem(403, f"Held for review by a compliance officer: {decision.reason}. "
                            f"It was not posted. Reference {outcome.ref}."
                            + appeal_hint(outcome.ref))
    if outcome.queued:
        return problem(503, f"Gatepost allowed the post and queued it for delivery; it will "
                            f"be posted when the upstream is back ({outcome.error}). Do not "
                            f"send it again. Reference {outcome.ref}.")
    if outcome.error is not None:
        return problem(503, f"The post was allowed but could not be delivered "
                            f"({outcome.error}), so it was not posted. Send it again with "
                            f"the same Idempotency-Key to retry. Reference {outcome.ref}.")
    reply = outcome.reply
    if reply is None or not reply.delivered or not reply.status_id:
        status = reply.status_code if reply is not None else "no answer"
        return problem(502, f"The upstream refused the post (status {status}), so it was "
                            f"not posted. Reference {outcome.ref}.")
    posted = decision.redacted_text if decision.action is Action.REDACT else post.text
    tweet_id = reply.status_id
    body = {"data": {"id": tweet_id, "text": posted, "edit_history_tweet_ids": [tweet_id]}}
    return jsonify(body), 201


@bp.errorhandler(413)
def _too_large(_exc):
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    return problem(413, f"The request body is over the limit of {limit} bytes")


@bp.errorhandler(ProxyError)
def _proxy_error(exc: ProxyError):
    response, status = problem(exc.status_code, str(exc))
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gatepost"'
    return response, status

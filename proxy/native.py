"""The native JSON API: /api/scan (dry run), /api/posts and /api/appeals."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from audit import (
    AlreadyAppealed,
    AppealTextMismatch,
    AuditError,
    NotAppealable,
    UnknownReference,
)
from policies import Action, Post
from proxy import present
from proxy.auth import token_required
from proxy.errors import ProxyError
from proxy.gateway import Evaluation, Gateway, Outcome
from proxy.http import (
    json_error,
    optional_text,
    read_json_object,
    refuse_unknown_fields,
    require_text,
)

bp = Blueprint("native", __name__, url_prefix="/api")
log = logging.getLogger("gatepost.appeals")

#: The fields each body takes: Gatepost's own contract, so anything else is refused.
POST_FIELDS = ("text",)
APPEAL_FIELDS = ("justification", "text")
#: Appeal errors and the status each answers with (a ValueError: 400).
APPEAL_STATUS = {UnknownReference: 404, NotAppealable: 409, AlreadyAppealed: 409,
                 AppealTextMismatch: 422}


def _gateway() -> Gateway:
    return current_app.extensions["gatepost.gateway"]


def _post_from_request() -> Post:
    data = read_json_object(request)
    text = require_text(data, "text", current_app.config["GATEPOST"].max_post_chars)
    refuse_unknown_fields(data, POST_FIELDS)
    user = g.employee
    return Post(author=user.name, text=text, groups=user.groups, meta={"dialect": "native"})


def decision_json(evaluation: Evaluation) -> dict[str, Any]:
    """The decision as the native API shows it, with the policy version it was made under."""
    decision = evaluation.decision
    body = present.decision_json(decision, explain=True, describe=True)
    return {"policy_version": decision.policy_version, "policy_seq": evaluation.policy_seq,
            **body}


@bp.post("/scan")
@token_required
def scan():
    evaluation = _gateway().evaluate(_post_from_request())
    return jsonify(decision_json(evaluation))


@bp.post("/posts")
@token_required
def create_post():
    post = _post_from_request()
    outcome = _gateway().submit(
        post, dialect="native", idempotency_key=request.headers.get("Idempotency-Key")
    )
    return _answer(outcome)


def _answer(outcome: Outcome):
    decision = outcome.decision
    body = {"id": outcome.ref, **decision_json(outcome.evaluation)}
    if decision.action is Action.BLOCK:
        reason = (f"Blocked by Gatepost: {decision.reason}. Reference {outcome.ref}."
                  + present.appeal_hint(outcome.ref))
        return json_error(reason, 422, id=outcome.ref, rules=body["rules"],
                          appeal_url=present.appeal_url(outcome.ref))
    if decision.action is Action.FLAG:
        body["review_id"] = outcome.ref
        body["message"] = (
            f"Held for review by a compliance officer: {decision.reason}. "
            f"Reference {outcome.ref}." + present.appeal_hint(outcome.ref)
        )
        body["appeal_url"] = present.appeal_url(outcome.ref)
        return jsonify(body), 202
    if outcome.queued:
        body["queued"] = True
        body["message"] = (
            f"The post was allowed and is queued; it will be delivered when the upstream "
            f"is back ({outcome.error}). Reference {outcome.ref}."
        )
        return jsonify(body), 202
    reply = outcome.reply
    assert reply is not None
    if not reply.delivered:
        return json_error(
            f"The upstream refused the post with status {reply.status_code}, so it was not "
            f"posted and will not be retried. Reference {outcome.ref}.", 502,
            id=outcome.ref, upstream=reply.body,
        )
    body["upstream"] = {"id": reply.status_id, "url": reply.url}
    return jsonify(body), 200


@bp.post("/appeals/<ref>")
@token_required
def appeal(ref: str):
    """{"justification": ..., "text": the post as sent (for a blocked post)} -> 201."""
    body = read_json_object(request)
    justification = optional_text(body, "justification") or ""
    text = optional_text(body, "text") or None
    refuse_unknown_fields(body, APPEAL_FIELDS)
    try:
        item = _gateway().audit.open_appeal(ref, author=g.employee.name,
                                            justification=justification, text=text)
    except (AuditError, ValueError) as exc:
        message = str(exc)
        return json_error(message[:1].upper() + message[1:], APPEAL_STATUS.get(type(exc), 400))
    log.info("appeal of %s by %s", ref, g.employee.name)
    return jsonify(id=ref, state=item["state"], kind=item["kind"],
                   appealed_at=item["appealed_at"]), 201


@bp.errorhandler(ProxyError)
def _proxy_error(exc: ProxyError):
    response, status = json_error(str(exc), exc.status_code)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gatepost"'
    return response, status

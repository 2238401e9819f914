"""The native JSON API: /api/scan (dry run) and /api/posts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request

from policies import Action, Post
from proxy import present
from proxy.auth import token_required
from proxy.errors import ProxyError
from proxy.gateway import Evaluation, Gateway, Outcome
from proxy.http import json_error, read_json_object, require_text

bp = Blueprint("native", __name__, url_prefix="/api")


def _gateway() -> Gateway:
    return current_app.extensions["gatepost.gateway"]


def _post_from_request() -> Post:
    data = read_json_object(request)
    text = require_text(data, "text", current_app.config["GATEPOST"].max_post_chars)
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
        reason = f"Blocked by Gatepost: {decision.reason}. Reference {outcome.ref}."
        return json_error(reason, 422, id=outcome.ref, rules=body["rules"])
    if decision.action is Action.FLAG:
        body["review_id"] = outcome.ref
        body["message"] = (
            f"Held for review by a compliance officer: {decision.reason}. "
            f"Reference {outcome.ref}."
        )
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


@bp.errorhandler(ProxyError)
def _proxy_error(exc: ProxyError):
    response, status = json_error(str(exc), exc.status_code)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="gatepost"'
    return response, status

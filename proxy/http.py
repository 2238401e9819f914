"""HTTP helpers shared by the dialects: reading bodies, shaping answers."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from flask import Flask, Request, Response, jsonify

from proxy.errors import BadRequest, UnsupportedMediaType


def read_json_object(request: Request) -> dict[str, Any]:
    """The request's JSON body as a dict, or a BadRequest naming the problem."""
    if not request.is_json:
        raise UnsupportedMediaType(
            f"expected a JSON body (Content-Type: application/json), "
            f"got {request.mimetype or 'no content type'}"
        )
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise BadRequest("the request body is empty; expected a JSON object")
    return decode_json_object(raw)


def decode_json_object(raw: bytes) -> dict[str, Any]:
    """Parse a request body that must be a JSON object, or a BadRequest saying why not."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the body is not valid UTF-8 (byte {exc.start})") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest("the JSON body must be an object")
    return data


def require_text(data: dict[str, Any], field: str, max_chars: int) -> str:
    """A non-empty string field no longer than max_chars."""
    value = data.get(field)
    if value is None:
        raise BadRequest(f'missing field "{field}"')
    if not isinstance(value, str):
        raise BadRequest(f'field "{field}" must be a string, not {type(value).__name__}')
    if not value.strip():
        raise BadRequest(f'field "{field}" is empty')
    if len(value) > max_chars:
        raise BadRequest(f'field "{field}" is {len(value)} characters; the limit is {max_chars}')
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BadRequest(
            f'field "{field}" is not valid Unicode (a lone surrogate at character {exc.start})'
        ) from exc
    return value


def json_error(message: str, status: int, **extra: Any) -> tuple[Response, int]:
    return jsonify({"error": message, **extra}), status


def install_title_case_reasons(app: Flask) -> None:
    """Send "422 Unprocessable Entity", not Werkzeug's "422 UNPROCESSABLE ENTITY".

    Clients show the reason phrase to employees; upper case reads as shouting.
    """

    @app.after_request
    def _title_case(response: Response) -> Response:
        code = response.status_code
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            return response
        response.status = f"{code} {phrase}"
        return response

"""HTTP helpers shared by the dialects: reading bodies, checking text, shaping answers.

Every dialect reads bodies and text through these functions, so "what input
does Gatepost accept" is decided here once: a JSON body is a UTF-8 object
nested at most MAX_JSON_DEPTH deep, with finite numbers; a form's bytes are
UTF-8; and a text holds no control character other than tab, line feed and
carriage return, and no lone surrogate.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_plus

from flask import Flask, Request, Response, jsonify
from werkzeug.datastructures import MultiDict

from proxy.errors import BadRequest, UnsupportedMediaType

#: Deepest nesting of arrays and objects a JSON body may have. Every body
#: Gatepost reads is a few levels deep; the limit keeps the decoder (and any
#: code walking the result) far from Python's recursion limit.
MAX_JSON_DEPTH = 32
#: Longest integer a JSON body may hold, in digits (ids are at most 20).
MAX_INT_DIGITS = 100
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

#: C0 and C1 control characters and DEL, except tab, line feed and carriage
#: return; and surrogates, which in a decoded text are always lone. They are
#: invisible, so they could hide a term from the detectors or from a reader.
_UNACCEPTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: A JSON string (its end quote optional, so an unclosed one is skipped in one
#: step, never rescanned) or a bracket.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_JSON_TYPES = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "an array", dict: "an object", type(None): "null"}
_REPLACEMENT = "\ufffd".encode()


# --- JSON bodies --------------------------------------------------------------


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
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the body is not valid UTF-8 (byte {exc.start})") from exc
    _check_json_depth(text)
    try:
        data = json.loads(text, parse_int=_json_int, parse_float=_json_float,
                          parse_constant=_json_constant)
    except json.JSONDecodeError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BadRequest(f"the JSON body must be an object, not {json_type(data)}")
    return data


def _check_json_depth(text: str) -> None:
    """Refuse deep nesting before decoding: json.loads recurses once per level."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        if token.group() in ("[", "{"):
            depth += 1
        elif token.group() in ("]", "}"):
            depth -= 1
        if depth > MAX_JSON_DEPTH:
            raise BadRequest(f"the JSON body is nested too deeply: more than "
                             f"{MAX_JSON_DEPTH} levels of arrays and objects")


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise BadRequest(f"the JSON body has a number of more than {MAX_INT_DIGITS} digits")
    return int(digits)


def _json_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise BadRequest(f"the JSON body has a number out of range ({literal[:20]})")
    return value


def _json_constant(name: str) -> float:
    raise BadRequest(f"the body is not valid JSON: {name} is not a JSON value")


def json_type(value: Any) -> str:
    """A value's JSON type, for messages: "an array", "a number", ..."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def refuse_unknown_fields(data: Mapping[str, Any], known: Iterable[str]) -> None:
    """A BadRequest naming the fields of a body that the endpoint does not take."""
    known = tuple(known)
    unknown = [name for name in data if name not in known]
    if unknown:
        names = ", ".join(f'"{name}"' for name in unknown[:5])
        takes = ", ".join(f'"{name}"' for name in known)
        plural = "s" if len(unknown) > 1 else ""
        raise BadRequest(f"unknown field{plural} {names}; this endpoint takes {takes}")


# --- form bodies --------------------------------------------------------------


def read_form(request: Request) -> MultiDict[str, str]:
    """The request's form fields, or a BadRequest if the form's bytes are not UTF-8.

    Werkzeug drops a url-encoded form whose bytes are not UTF-8, keeps bad
    percent-escapes as they are, and replaces bad bytes in multipart parts
    with U+FFFD: each would change what the employee wrote without saying so.
    """
    raw = request.get_data(cache=True)
    if request.mimetype == "application/x-www-form-urlencoded":
        _check_urlencoded(raw)
    elif _REPLACEMENT not in raw:  # any U+FFFD in a field was made by the decoder
        for name, value in request.form.items(multi=True):
            if "\ufffd" in name + value:
                raise BadRequest(f'form field "{name}" is not valid UTF-8')
    return MultiDict(request.form)


def _check_urlencoded(raw: bytes) -> None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest(f"the form is not valid UTF-8 (byte {exc.start})") from exc
    for pair in text.split("&"):
        name, _, value = pair.partition("=")
        try:
            name = unquote_plus(name, errors="strict")
            unquote_plus(value, errors="strict")
        except UnicodeDecodeError as exc:
            raise BadRequest(f'form field "{name}" is not valid UTF-8 '
                             f"(its percent-escapes are not UTF-8 bytes)") from exc


# --- text ---------------------------------------------------------------------


def check_characters(value: str, field: str) -> str:
    """value, or a BadRequest naming the first character no text may hold."""
    bad = _UNACCEPTABLE.search(value)
    if bad is None:
        return value
    code, position = ord(bad.group()), bad.start() + 1
    if 0xD800 <= code <= 0xDFFF:
        raise BadRequest(f'field "{field}" is not valid Unicode: a lone surrogate '
                         f"(U+{code:04X}) at character {position}")
    raise BadRequest(f'field "{field}" has a control character (U+{code:04X}) at character '
                     f"{position}; only tab, line feed and carriage return are allowed")


def optional_text(data: Mapping[str, Any], field: str) -> str | None:
    """A string field that may be missing (None), with acceptable characters."""
    value = data.get(field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f'field "{field}" must be a string, not {json_type(value)}')
    return check_characters(value, field)


def require_text(data: Mapping[str, Any], field: str, max_chars: int) -> str:
    """A non-empty string field no longer than max_chars, with acceptable characters."""
    value = optional_text(data, field)
    if value is None:
        raise BadRequest(f'missing field "{field}"')
    if not value.strip():
        raise BadRequest(f'field "{field}" is empty')
    if len(value) > max_chars:
        raise BadRequest(f'field "{field}" is {len(value)} characters; the limit is {max_chars}')
    return value


# --- answers ------------------------------------------------------------------


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

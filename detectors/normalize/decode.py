"""The "decoded" views: base64, base32, hex and percent-encoded runs, decoded as gitleaks does.

A base32 run (upper-case A-Z and 2-7, a multiple of eight characters with
its '=' padding) is tried only when the run does not decode as base64, and
kept only if it decodes to printable ASCII.

Runs are found in the plain view and decoded recursively (depth 2) within a
size budget. Every character of a decoded view maps to the whole encoded run
in the original text.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

from detectors.normalize.view import View

MAX_DEPTH = 2
MAX_DECODED_CHARS = 64 * 1024
MIN_PRINTABLE = 0.9
# Maximal runs of base64/base64url characters (hex runs are among them).
CANDIDATE = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
HEX_RUN = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){8,}(?![0-9A-Fa-f])")
BASE32_RUN = re.compile(r"[A-Z2-7]+")  # RFC 4648 base32: upper case only
TOKEN = re.compile(r"\S+")
TRAILING_PUNCTUATION = "!,.;:?)]}'\""
PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
URLSAFE = str.maketrans("-_", "+/")

Run = tuple[int, int, str, str]  # start, end (in the text searched), encoding, decoded text


def mostly_printable(text: str) -> bool:
    good = sum(1 for char in text if char.isprintable() or char in "\t\n\r")
    return bool(text) and good >= MIN_PRINTABLE * len(text)


def printable(data: bytes) -> str | None:
    """The data as UTF-8 text if it decodes and is mostly printable, else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if mostly_printable(text) else None


def _from_base64(run: str) -> str | None:
    run = run.rstrip("=").translate(URLSAFE)
    run = run[: len(run) - 1] if len(run) % 4 == 1 else run
    try:
        return printable(base64.b64decode(run + "=" * (-len(run) % 4), validate=True))
    except (binascii.Error, ValueError):
        return None


def encoded_runs(text: str) -> Iterator[Run]:
    """Each base64, hex or percent-encoded run of text that decodes to printable text."""
    for match in CANDIDATE.finditer(text):
        yield from _decode_candidate(match[0], match.start())
    if "%" in text:
        for match in TOKEN.finditer(text):
            token = match[0].rstrip(TRAILING_PUNCTUATION)
            decoded = _from_percent(token) if "%" in token else None
            if decoded is not None:
                yield match.start(), match.start() + len(token), "percent-encoded", decoded


def _from_base32(run: str) -> str | None:
    """Upper-case A-Z2-7, a multiple of 8 long or '='-padded, decoding to printable ASCII."""
    body = run.rstrip("=")
    if len(body) % 8 not in (0, 2, 4, 5, 7) or (body == run and len(body) % 8):
        return None  # unpadded: a multiple of 8; padded: a length base32 can end on
    if BASE32_RUN.fullmatch(body) is None:
        return None
    try:
        data = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        return None
    return printable(data) if data.isascii() else None


def _decode_candidate(run: str, offset: int) -> Iterator[Run]:
    """A hex run is decoded as hex only; anything else as base64 (or base32), and hex inside it."""
    hex_runs = list(HEX_RUN.finditer(run))
    if not (hex_runs and hex_runs[0].span() == (0, len(run))):
        decoded = _from_base64(run)
        if decoded is not None:
            yield offset, offset + len(run), "base64", decoded
        decoded = _from_base32(run)
        if decoded is not None:
            yield offset, offset + len(run), "base32", decoded
    for match in hex_runs:
        decoded = printable(bytes.fromhex(match[0]))
        if decoded is not None:
            yield offset + match.start(), offset + match.end(), "hex", decoded


def _from_percent(token: str) -> str | None:
    if len(PERCENT_ESCAPE.findall(token)) < 2:
        return None
    try:
        decoded = unquote(token, errors="strict")
    except UnicodeDecodeError:
        return None
    return decoded if mostly_printable(decoded) else None


def decoded_views(plain: View, fold: Callable[[str], str]) -> tuple[View, ...]:
    """A View per decoded run of plain (and runs inside those), text passed through fold."""
    views: list[View] = []
    budget = [MAX_DECODED_CHARS]
    for start, end, encoding, decoded in encoded_runs(plain.text):
        first, last = plain.to_original(start, end)
        _collect(decoded, (first, last), encoding, 1, budget, views, fold)
    return tuple(views)


def _collect(
    decoded: str,
    span: tuple[int, int],
    encoding: str,
    depth: int,
    budget: list[int],
    views: list[View],
    fold: Callable[[str], str],
) -> None:
    if len(decoded) > budget[0]:
        return
    budget[0] -= len(decoded)
    first, last = span
    text = fold(decoded)
    source = f"{encoding} run at {first}..{last}"
    views.append(View.of_run("decoded", text, first, last, source))
    if depth < MAX_DEPTH:
        for _, _, inner, inner_decoded in encoded_runs(text):
            _collect(inner_decoded, span, f"{inner}-in-{encoding}", depth + 1, budget, views, fold)

"""Forwarding to the upstream microblog over HTTP, in the upstream's dialect.

`upstream_dialect` in the config picks the class: `MastodonUpstream`
(Mastodon client API, the default; the built-in microblog speaks it) or
`XUpstream` (X API v2). Both take the post as Gatepost keeps it, text plus
Mastodon-shaped params (what every client dialect maps its fields to), and
answer an `UpstreamReply` whose body has a top-level "id" and "url".
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from proxy.errors import ConfigError, UpstreamError


@dataclass(frozen=True)
class UpstreamReply:
    """What the upstream answered: its status code and JSON body."""

    status_code: int
    body: Any

    @property
    def delivered(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def status_id(self) -> str | None:
        """The upstream's id of the post (a string), or None if it gave none."""
        found = self.body.get("id") if isinstance(self.body, dict) else None
        return None if found is None else str(found)

    @property
    def url(self) -> str | None:
        return self.body.get("url") if isinstance(self.body, dict) else None


class _HttpUpstream:
    """A service reached over HTTP with one bearer token (a per-call one may replace it)."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["User-Agent"] = "Gatepost/0.1"

    def _post(
        self, path: str, body: Mapping[str, Any], idempotency_key: str, token: str | None
    ) -> tuple[int, Any]:
        """POST JSON; the status code and the JSON answer (None if it was not JSON).

        Connection trouble raises UpstreamError.
        """
        try:
            resp = self.session.post(
                f"{self.base_url}{path}",
                json=body,
                headers=_headers(idempotency_key, token),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise UpstreamError(f"upstream unreachable: {type(exc).__name__}") from exc
        try:
            return resp.status_code, resp.json()
        except ValueError:
            return resp.status_code, None


class MastodonUpstream(_HttpUpstream):
    """A Mastodon-compatible service reached with one bearer token."""

    def post_status(
        self, text: str, *, idempotency_key: str, params: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> UpstreamReply:
        """POST /api/v1/statuses; connection trouble raises UpstreamError.

        `token`, if given, is sent instead of the configured bearer token.
        """
        body = {**(params or {}), "status": text}
        status, payload = self._post("/api/v1/statuses", body, idempotency_key, token)
        if payload is None:
            payload = {"error": f"upstream answered {status} without JSON"}
        return UpstreamReply(status, payload)


# The hosts of the real X API; a post there is shown at x.com/i/web/status/ID.
X_API_HOSTS = {"api.x.com", "api.twitter.com"}
X_POLL_MINUTES = (5, 10080)


class XUpstream(_HttpUpstream):
    """An X-API-v2-compatible service reached with one bearer token.

    Posts with `POST /2/tweets`. The Mastodon-shaped params are mapped to the
    tweet's fields: in_reply_to_id -> reply.in_reply_to_tweet_id, media_ids ->
    media.media_ids, poll {options, expires_in} -> poll {options,
    duration_minutes}, quoted_status_id -> quote_tweet_id. X has no
    visibility, content warning, sensitive flag or language on a tweet, so
    those are not forwarded. The answer `{"data": {"id", "text", ...}}` is
    normalized to `{"id", "url", "content", "text", "data"}`; an error answer (problem JSON or
    `{"errors": [...]}`) gets an "error" sentence next to its own keys.
    """

    def post_status(
        self, text: str, *, idempotency_key: str, params: Mapping[str, Any] | None = None,
        token: str | None = None,
    ) -> UpstreamReply:
        """POST /2/tweets; connection trouble raises UpstreamError.

        `token`, if given, is sent instead of the configured bearer token.
        """
        body = {"text": text, **tweet_fields(params or {})}
        status, payload = self._post("/2/tweets", body, idempotency_key, token)
        return UpstreamReply(status, self._normalize(status, payload))

    def status_url(self, tweet_id: str) -> str | None:
        """Where a tweet is shown; known only for the real X API."""
        host = urlsplit(self.base_url).hostname or ""
        return f"https://x.com/i/web/status/{tweet_id}" if host in X_API_HOSTS else None

    def _normalize(self, status_code: int, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict):
            return {"error": f"upstream answered {status_code} without JSON"}
        data = payload.get("data")
        if 200 <= status_code < 300 and isinstance(data, dict) and data.get("id") is not None:
            tweet_id = str(data["id"])
            text = str(data.get("text", ""))
            # A minimal Mastodon Status, so a Mastodon client posting through
            # Gatepost gets a sensible answer; "data" is the tweet as X sent it.
            return {"id": tweet_id, "url": self.status_url(tweet_id),
                    "content": f"<p>{html.escape(text)}</p>", "text": text, "data": data}
        if 200 <= status_code < 300:
            return {**payload, "error": "upstream answered without a tweet id"}
        return {**payload, "error": _x_error(payload, status_code)}


def tweet_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    """The X API v2 fields for Mastodon-shaped status params."""
    fields: dict[str, Any] = {}
    if params.get("in_reply_to_id"):
        fields["reply"] = {"in_reply_to_tweet_id": str(params["in_reply_to_id"])}
    if params.get("quoted_status_id"):
        fields["quote_tweet_id"] = str(params["quoted_status_id"])
    if params.get("media_ids"):
        fields["media"] = {"media_ids": [str(m) for m in params["media_ids"]]}
    poll = params.get("poll")
    if isinstance(poll, Mapping) and poll.get("options"):
        low, high = X_POLL_MINUTES
        minutes = int(poll.get("expires_in") or 86400) // 60
        fields["poll"] = {"options": list(poll["options"]),
                          "duration_minutes": min(high, max(low, minutes))}
    return fields


def _x_error(payload: Mapping[str, Any], status_code: int) -> str:
    for key in ("detail", "title", "error"):
        if isinstance(payload.get(key), str) and payload[key]:
            return payload[key]
    errors = payload.get("errors")
    if isinstance(errors, list) and errors:
        first = errors[0]
        if isinstance(first, dict):
            return str(first.get("message") or first.get("detail") or first)
        return str(first)
    return f"upstream answered {status_code}"


def _headers(idempotency_key: str, token: str | None) -> dict[str, str]:
    headers = {"Idempotency-Key": idempotency_key}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


Upstream = MastodonUpstream | XUpstream
UPSTREAM_DIALECTS: dict[str, type[MastodonUpstream] | type[XUpstream]] = {
    "mastodon": MastodonUpstream,
    "x": XUpstream,
}


def build_upstream(dialect: str, base_url: str, token: str, timeout: float) -> Upstream:
    """The upstream client for a configured dialect."""
    try:
        cls = UPSTREAM_DIALECTS[dialect]
    except KeyError:
        raise ConfigError(f"upstream_dialect must be one of {', '.join(UPSTREAM_DIALECTS)}, "
                          f"not {dialect!r}") from None
    return cls(base_url, token, timeout)

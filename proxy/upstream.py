"""Forwarding to the upstream microblog over HTTP (Mastodon client API)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from proxy.errors import UpstreamError


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
        return str(self.body.get("id")) if isinstance(self.body, dict) else None

    @property
    def url(self) -> str | None:
        return self.body.get("url") if isinstance(self.body, dict) else None


class MastodonUpstream:
    """A Mastodon-compatible service reached with one bearer token."""

    def __init__(self, base_url: str, token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["User-Agent"] = "Gatepost/0.1"

    def post_status(
        self, text: str, *, idempotency_key: str, params: Mapping[str, Any] | None = None
    ) -> UpstreamReply:
        """POST /api/v1/statuses; connection trouble raises UpstreamError."""
        body = {**(params or {}), "status": text}
        try:
            resp = self.session.post(
                f"{self.base_url}/api/v1/statuses",
                json=body,
                headers={"Idempotency-Key": idempotency_key},
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise UpstreamError(f"upstream unreachable: {type(exc).__name__}") from exc
        try:
            payload = resp.json()
        except ValueError:
            payload = {"error": f"upstream answered {resp.status_code} without JSON"}
        return UpstreamReply(resp.status_code, payload)

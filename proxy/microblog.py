"""The built-in local microblog: a small Mastodon-compatible service.

Gatepost starts it when no upstream is configured, on its own port, and
forwards allowed posts to it over real HTTP, exactly as it would to a real
Mastodon server. `/` shows the public timeline as a web page.
"""

from __future__ import annotations

import hmac
import html
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from flask import Flask, abort, jsonify, make_response, render_template, request

ACCOUNT = {
    "id": "1",
    "username": "gatepost",
    "acct": "gatepost",
    "display_name": "Gatepost employees",
    "note": "",
    "url": "",
    "avatar": "",
    "header": "",
    "locked": False,
    "bot": False,
    "created_at": "2026-01-01T00:00:00.000Z",
    "followers_count": 0,
    "following_count": 0,
    "statuses_count": 0,
    "emojis": [],
    "fields": [],
}


class MicroblogStore:
    """Statuses in a SQLite file; writes serialised by a lock."""

    def __init__(self, path: Path) -> None:
        conn = sqlite3.connect(str(path), check_same_thread=False)
        self.db = sqlite_utils.Database(conn)
        self.db.conn.execute("PRAGMA journal_mode=WAL")
        self.lock = threading.Lock()
        self.db["statuses"].create(
            {"id": int, "text": str, "spoiler_text": str, "visibility": str,
             "idempotency_key": str, "created_at": str},
            pk="id", if_not_exists=True,
        )
        self.db["statuses"].create_index(["idempotency_key"], if_not_exists=True)

    def add(self, text: str, spoiler_text: str, visibility: str, key: str | None) -> dict:
        with self.lock, self.db.conn:
            if key:
                rows = list(self.db["statuses"].rows_where("idempotency_key = ?", [key]))
                if rows:
                    return rows[0]
            row = {"text": text, "spoiler_text": spoiler_text, "visibility": visibility,
                   "idempotency_key": key or "",
                   "created_at": datetime.now(UTC).isoformat(timespec="milliseconds")}
            row["id"] = self.db["statuses"].insert(row).last_pk
            return row

    def get(self, status_id: int) -> dict | None:
        with self.lock:
            rows = list(self.db["statuses"].rows_where("id = ?", [status_id]))
        return rows[0] if rows else None

    def timeline(self, limit: int = 40) -> list[dict]:
        with self.lock:
            return list(self.db["statuses"].rows_where(order_by="id desc", limit=limit))


def status_json(row: dict, base_url: str) -> dict[str, Any]:
    """Render a stored row as a Mastodon Status entity."""
    url = f"{base_url}/statuses/{row['id']}"
    content = "".join(f"<p>{html.escape(p)}</p>" for p in row["text"].split("\n\n"))
    return {
        "id": str(row["id"]), "uri": url, "url": url,
        "created_at": row["created_at"].replace("+00:00", "Z"),
        "content": content, "text": row["text"],
        "spoiler_text": row["spoiler_text"], "visibility": row["visibility"],
        "sensitive": False, "language": "en", "in_reply_to_id": None,
        "in_reply_to_account_id": None, "reblog": None, "application": None,
        "account": {**ACCOUNT, "url": f"{base_url}/@gatepost"},
        "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
        "reblogs_count": 0, "favourites_count": 0, "replies_count": 0,
        "poll": None, "card": None,
    }


def create_microblog(db_path: Path, token: str) -> Flask:
    """A Mastodon-compatible app that accepts posts bearing `token`."""
    app = Flask(__name__)
    store = MicroblogStore(db_path)

    def base_url() -> str:
        return request.host_url.rstrip("/")

    def require_token() -> None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            abort(make_response(jsonify(error="The access token is invalid"), 401))

    @app.post("/api/v1/statuses")
    def post_status():
        require_token()
        data = request.get_json(silent=True) if request.is_json else request.form
        if not hasattr(data, "get"):
            return jsonify(error="Validation failed: the body must be a JSON object or a form"), 422
        text = data.get("status", "")
        if not isinstance(text, str) or not text.strip():
            return jsonify(error="Validation failed: Text can't be blank"), 422
        key = request.headers.get("Idempotency-Key")
        row = store.add(text, str(data.get("spoiler_text") or ""),
                        str(data.get("visibility") or "public"), key)
        return jsonify(status_json(row, base_url()))

    @app.get("/api/v1/statuses/<int:status_id>")
    def get_status(status_id: int):
        row = store.get(status_id)
        if row is None:
            return jsonify(error="Record not found"), 404
        return jsonify(status_json(row, base_url()))

    @app.get("/api/v1/timelines/public")
    def public_timeline():
        limit = max(1, min(request.args.get("limit", 20, type=int), 40))
        return jsonify([status_json(r, base_url()) for r in store.timeline(limit)])

    @app.get("/api/v1/accounts/verify_credentials")
    def verify_credentials():
        require_token()
        return jsonify({**ACCOUNT, "url": f"{base_url()}/@gatepost"})

    @app.get("/")
    def timeline_page():
        rows = store.timeline(100)
        return render_template("microblog_timeline.html", statuses=rows)

    @app.get("/statuses/<int:status_id>")
    def status_page(status_id: int):
        row = store.get(status_id)
        if row is None:
            abort(404)
        return render_template("microblog_timeline.html", statuses=[row])

    app.config["MICROBLOG_STORE"] = store
    return app

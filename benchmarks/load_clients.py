"""The clients of benchmarks/load.py: threads that post as a real client would.

Each client is a thread with its own `requests.Session` (keep-alive). It
posts 280-character posts, each new (never a text twice in a run: Gatepost
caches scans by text), each with its own Idempotency-Key. A connection error,
a time-out or a 5xx answer is retried with the same key and the same text
until the post is answered (or until the give-up time), as a client that
lost an answer would; every failed attempt is counted by kind.
"""

from __future__ import annotations

import random
import re
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speed_corpus  # noqa: E402

POST_CHARS = 280
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 30.0


@dataclass
class SentPost:
    """One post a client created, and what became of it from the client's side."""

    key: str  # the client's Idempotency-Key (unique per post)
    text: str
    kind: str | None  # what speed_corpus planted (None: clean)
    author: str
    phase: str
    item: str | None = None  # the planted value (codename, SSN, e-mail...), if any
    status: int | None = None  # the status code of the answer, None while unanswered
    answer: str | None = None  # delivered | queued | held | blocked | refused | posted | 4xx
    action: str | None = None  # the decision: allow | redact | flag | block
    ref: str | None = None
    attempts: int = 0  # requests sent for it, the answered one included
    first_sent: str = ""  # UTC ISO time of the first attempt (as the audit db writes times)
    answered_at: float | None = None  # time.monotonic() of the answer
    failed: list[str] = field(default_factory=list)  # kinds of the failed attempts


class PostSource:
    """New 280-character posts from speed_corpus (70% clean), never a text twice."""

    def __init__(self, term_lists, seed: int = 7) -> None:
        self.term_lists = term_lists
        self.seed = seed * 1_000_000
        self.seen: set[str] = set()
        self.queue: list[speed_corpus.Sample] = []
        self.lock = threading.Lock()

    def next(self) -> speed_corpus.Sample:
        with self.lock:
            while not self.queue:
                self.seed += 1
                chunk = speed_corpus.build_corpora(1, 500, POST_CHARS, self.term_lists,
                                                   self.seed)[0]
                fresh = [s for s in chunk if s.text not in self.seen]
                self.seen.update(s.text for s in fresh)
                self.queue = fresh[::-1]
            return self.queue.pop()


class Target:
    """Where a client posts: Gatepost's native API, or the upstream directly."""

    name = "target"

    def request(self, post: SentPost) -> tuple[str, dict, dict]:
        raise NotImplementedError

    def classify(self, post: SentPost, resp: requests.Response) -> None:
        raise NotImplementedError


class GatepostTarget(Target):
    name = "gatepost"

    def __init__(self, base_url: str, tokens: dict[str, str]) -> None:
        self.url = f"{base_url}/api/posts"
        self.tokens = tokens  # author -> Gatepost token

    def request(self, post: SentPost) -> tuple[str, dict, dict]:
        headers = {"Authorization": f"Bearer {self.tokens[post.author]}",
                   "Idempotency-Key": post.key}
        return self.url, headers, {"text": post.text}

    def classify(self, post: SentPost, resp: requests.Response) -> None:
        try:
            body = resp.json()
        except ValueError:
            body = {}
        post.ref = body.get("id") if isinstance(body, dict) else None
        code = resp.status_code
        if code == 200:
            post.answer, post.action = "delivered", body.get("action")
        elif code == 202 and body.get("queued"):
            post.answer, post.action = "queued", body.get("action")
        elif code == 202:
            post.answer, post.action = "held", body.get("action", "flag")
        elif code == 422:
            post.answer, post.action = "blocked", "block"
        elif code == 502:
            post.answer, post.action = "refused", None  # allowed, refused upstream
        else:
            post.answer = f"HTTP {code}"


class DirectTarget(Target):
    """The upstream's own POST /api/v1/statuses: the baseline."""

    name = "direct"

    def __init__(self, base_url: str, token: str) -> None:
        self.url = f"{base_url}/api/v1/statuses"
        self.token = token

    def request(self, post: SentPost) -> tuple[str, dict, dict]:
        headers = {"Authorization": f"Bearer {self.token}",
                   "Idempotency-Key": f"direct-{post.key}"}
        return self.url, headers, {"status": post.text}

    def classify(self, post: SentPost, resp: requests.Response) -> None:
        post.answer = "posted" if resp.status_code == 200 else f"HTTP {resp.status_code}"


@dataclass
class PhaseResult:
    """Everything the clients of one phase saw."""

    phase: str
    target: str
    clients: int
    posts: list[SentPost] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)  # answer -> ms
    errors: Counter = field(default_factory=Counter)  # failed attempts by kind
    started: float = 0.0
    stopped: float = 0.0  # when the last client finished
    cpu: dict[str, float] = field(default_factory=dict)  # process -> CPU seconds in the phase

    @property
    def seconds(self) -> float:
        return self.stopped - self.started

    @property
    def answered(self) -> int:
        return sum(1 for p in self.posts if p.status is not None)

    def all_latencies(self) -> list[float]:
        return [ms for values in self.latencies.values() for ms in values]


def run_phase(phase: str, target: Target, source: PostSource, authors: list[str],
              clients: int, seconds: float, give_up_after: float = 120.0) -> PhaseResult:
    """`clients` threads post for `seconds`; unanswered posts are retried up to
    `give_up_after` seconds past the end. Returns when every client is done."""
    result = PhaseResult(phase, target.name, clients)
    lock = threading.Lock()
    result.started = time.monotonic()
    stop_at = result.started + seconds
    give_up_at = stop_at + give_up_after

    def client(i: int) -> None:
        rng = random.Random(i)
        session = requests.Session()
        author = authors[i % len(authors)]
        while time.monotonic() < stop_at:
            sample = source.next()
            item = sample.text[sample.span[0]:sample.span[1]] if sample.span else None
            post = SentPost(uuid.uuid4().hex, sample.text, sample.kind, author, phase, item)
            with lock:
                result.posts.append(post)
            _send(session, target, post, give_up_at, result, lock, rng)
        session.close()

    threads = [threading.Thread(target=client, args=(i,), name=f"client-{i}")
               for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.stopped = time.monotonic()
    return result


def _send(session: requests.Session, target: Target, post: SentPost, give_up_at: float,
          result: PhaseResult, lock: threading.Lock, rng: random.Random) -> None:
    url, headers, body = target.request(post)
    post.first_sent = datetime.now(UTC).isoformat(timespec="milliseconds")
    while True:
        post.attempts += 1
        started = time.perf_counter()
        try:
            resp = session.post(url, json=body, headers=headers,
                                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        except requests.RequestException as exc:
            kind = error_kind(exc)
        else:
            ms = (time.perf_counter() - started) * 1000
            if resp.status_code == 429:  # rate limited: wait as told, then the same again
                kind = "HTTP 429"
                post.failed.append(kind)
                with lock:
                    result.errors[kind] += 1
                if time.monotonic() > give_up_at:
                    return
                time.sleep(retry_after(resp))
                continue
            if resp.status_code < 500:
                target.classify(post, resp)
                post.status = resp.status_code
                post.answered_at = time.monotonic()
                with lock:
                    result.latencies.setdefault(post.answer or "?", []).append(ms)
                return
            kind = f"HTTP {resp.status_code}"
        post.failed.append(kind)
        with lock:
            result.errors[kind] += 1
        if time.monotonic() > give_up_at:
            return  # unanswered: reported as such
        # Back off a little, with jitter, as a client retrying a lost answer would.
        time.sleep(min(1.0, 0.05 * 2 ** min(len(post.failed), 5)) * (0.5 + rng.random()))


def retry_after(resp: requests.Response) -> float:
    """Seconds a 429 asks to wait (1 if it does not say in seconds), at most 60."""
    try:
        return max(0.0, min(60.0, float(resp.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1.0


def error_kind(exc: requests.RequestException) -> str:
    """A short name for why an attempt got no answer."""
    if isinstance(exc, requests.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, requests.ReadTimeout):
        return "read timeout (no answer in 30 s)"
    text = str(exc)
    for pattern, name in (
        (r"Connection refused", "connection refused"),
        (r"RemoteDisconnected|closed connection without response",
         "connection closed without an answer"),
        (r"Connection reset|ECONNRESET", "connection reset"),
        (r"BadStatusLine|IncompleteRead|ProtocolError", "broken answer"),
    ):
        if re.search(pattern, text):
            return name
    return type(exc).__name__

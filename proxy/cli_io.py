"""What several `gatepost` commands share: loading a policy, reading posts, progress."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from policies import Policy, PolicyError, PolicyInvalid, Post, load_policy


def load_policy_or_fail(path: Path) -> Policy:
    """The policy at path, or every FILE:LINE problem on stderr and exit 1."""
    try:
        return load_policy(path)
    except PolicyInvalid as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        sys.exit(1)
    except PolicyError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)


def read_posts(stream: IO[str], author: str, groups: tuple[str, ...]) -> Iterator[tuple[str, Post]]:
    """(id, Post) per JSON line {id, text, author?, groups?}; other keys are ignored.

    A bad line raises a ClickException (exit 1) naming FILE:LINE.
    """
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text = obj["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            raise click.ClickException(f"{stream.name}:{lineno}: bad post: {exc}") from exc
        post_groups = obj.get("groups", list(groups))
        if not isinstance(post_groups, list) or not all(isinstance(g, str) for g in post_groups):
            raise click.ClickException(f"{stream.name}:{lineno}: groups must be a list of strings")
        post = Post(str(obj.get("author") or author), text, tuple(post_groups))
        yield str(obj.get("id", lineno)), post


class Progress:
    """Counts posts on stderr, at most once a second, and a summary at the end."""

    def __init__(self, enabled: bool) -> None:
        self.enabled, self.count = enabled, 0
        self.started = self.last = time.monotonic()

    def tick(self) -> None:
        self.count += 1
        now = time.monotonic()
        if self.enabled and now - self.last >= 1.0:
            self.last = now
            click.echo(f"scanned {self.count} posts ({self.count / (now - self.started):.0f}/s)",
                       err=True)

    def done(self) -> None:
        if self.enabled:
            secs = time.monotonic() - self.started
            click.echo(f"done: {self.count} posts in {secs:.1f}s", err=True)

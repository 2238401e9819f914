"""Editing the running policy from the admin UI: check, preview, save, roll back.

A draft is the policy YAML plus the contents of the list files it names. It
is validated and compiled off to the side (list files written to a scratch
folder), its own `tests:` must pass, and only then is it written over the
real files, recorded as a new version (who, when, note) and swapped in, all
while the file watcher is held so it never sees half a save.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from audit import AuditLog
from audit.masking import WITHHELD
from policies import PolicyError, PolicyInvalid, parse_policy
from policies.compare import Comparison, compare
from policies.errors import PolicyIssue
from policies.selftest import failures, run_policy_tests
from policies.types import Post
from proxy.gateway import Engine, Gateway
from proxy.reload import PolicyWatcher, list_files, read_lists

log = logging.getLogger("gatepost.policy")

MAX_NOTE_CHARS = 500


@dataclass(frozen=True)
class Issue:
    """One problem with a draft: the file it is in (policy or list), its line, the message."""

    file: str
    line: int | None
    message: str


class DraftRefused(Exception):
    """The draft cannot go into force; issues says why, each at its line."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.message for i in issues))
        self.issues = issues


@dataclass(frozen=True)
class Draft:
    """Policy YAML and its list files' contents (name relative to the policy -> text)."""

    text: str
    lists: Mapping[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """A digest of the whole draft: saving needs a preview of exactly this one."""
        body = json.dumps({"text": self.text, "lists": dict(self.lists)}, sort_keys=True)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Preview:
    """What a draft would change on recent posts.

    comparison: old (in force) and new (draft) decision per re-scanned post,
    ids are decision refs. skipped: (ref, why) for recent posts that could
    not be re-scanned because their text was not kept whole.
    """

    comparison: Comparison
    skipped: tuple[tuple[str, str], ...]
    posts: Mapping[str, dict]  # ref -> the decisions row (masked text, author, action)


class PolicyEditor:
    """The admin UI's way to change the policy file; see the module docstring."""

    def __init__(self, path: Path, gateway: Gateway, audit: AuditLog,
                 build, watcher: PolicyWatcher) -> None:  # fmt: skip
        self.path = Path(path)
        self.gateway, self.audit, self.build, self.watcher = gateway, audit, build, watcher

    # -- reading ------------------------------------------------------------

    def current(self) -> Draft:
        """The policy file and its list files as they are on disk now."""
        text = self.path.read_text(encoding="utf-8")
        return Draft(text, self._read_lists(text))

    def list_names(self, text: str) -> list[str]:
        """The list files a policy text names, relative to the policy's folder."""
        return [str(path.relative_to(self.path.parent))
                for path in list_files(text.encode("utf-8"), self.path.parent)]

    def _read_lists(self, text: str) -> dict[str, str]:
        return read_lists(text, self.path.parent)

    # -- checking -----------------------------------------------------------

    def check(self, draft: Draft) -> Engine:
        """Validate, compile and self-test the draft; raise DraftRefused with every issue."""
        with self._staged(draft) as staged:
            try:
                policy = parse_policy(draft.text, source=self.path.name, base_dir=staged)
            except PolicyInvalid as exc:
                raise DraftRefused([_issue(i, staged) for i in exc.issues]) from exc
            except PolicyError as exc:
                raise DraftRefused([Issue(self.path.name, None, str(exc))]) from exc
        try:
            engine = self.build(policy)
        except Exception as exc:  # noqa: BLE001 - any build failure refuses the draft
            raise DraftRefused([Issue(self.path.name, None, f"cannot compile the policy: "
                                      f"{type(exc).__name__}: {exc}")]) from exc
        results = run_policy_tests(engine.policy, lambda t: engine.scanner.scan(t).findings)
        failed = failures(results)
        if failed:
            raise DraftRefused([
                Issue(self.path.name, r.case.line, f"tests: expected {r.case.expect.value}, "
                      f"got {r.decision.action.value} {list(r.fired)}")
                for r in failed
            ])
        return engine

    @contextmanager
    def _staged(self, draft: Draft) -> Iterator[Path]:
        """A scratch folder holding the draft's list files under their names."""
        names = set(self.list_names(draft.text))
        unsafe = [n for n in [*names, *draft.lists] if not _inside(n)]
        if unsafe:
            raise DraftRefused([Issue(self.path.name, None, f'list file "{unsafe[0]}" must be '
                                      f"inside the policy's folder")])
        with tempfile.TemporaryDirectory(prefix="gatepost-draft-") as scratch:
            root = Path(scratch)
            for name in names:
                content = draft.lists.get(name)
                if content is None:  # not edited: the file on disk, if any
                    source = self.path.parent / name
                    if not source.is_file():
                        continue
                    content = source.read_text(encoding="utf-8")
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(content, encoding="utf-8")
            yield root

    # -- preview ------------------------------------------------------------

    def preview(self, draft: Draft, limit: int) -> Preview:
        """Decide the last `limit` recorded posts under the running policy and the draft."""
        engine = self.check(draft)
        running = self.gateway.engine
        posts, skipped, rows = self.recent_posts(limit)
        comparison = compare(running.policy, engine.policy, posts,
                             _scan(running), _scan(engine))
        return Preview(comparison, tuple(skipped), rows)

    def recent_posts(self, limit: int) -> tuple[list[tuple[str, Post]], list[tuple[str, str]],
                                                 dict[str, dict]]:
        """The last `limit` recorded posts whose whole text is still known.

        That is a post still waiting for review (its raw text is held), or one
        whose stored text had nothing masked: then it is the text as sent.
        Others are skipped with the reason. Oldest first, like a JSONL file.
        """
        posts, skipped, rows = [], [], {}
        for row in reversed(self.audit.recent_for_rescan(limit)):
            ref = row["ref"]
            rows[ref] = row
            text = row["held_text"] if row["held_text"] is not None else row["masked_text"]
            if text is None:
                skipped.append((ref, "its text was removed by retention"))
            elif text == WITHHELD:
                skipped.append((ref, "its scan failed, so no text was kept"))
            elif row["held_text"] is None and row["masked_findings"]:
                skipped.append((ref, "personal data or a secret in it was masked"))
            else:
                posts.append((ref, Post(row["author"], text, tuple(row["groups"]))))
        return posts, skipped, rows

    # -- saving -------------------------------------------------------------

    def save(self, draft: Draft, *, actor: str, note: str, base_version: str | None,
             engine: Engine | None = None) -> int:
        """Write the draft over the files, record it, and put it in force; returns its seq.

        base_version: the version the admin started from; if another change
        went into force since, the save is refused rather than overwriting it.
        engine: what check(draft) returned, if the caller already checked it.
        """
        note = (note or "").strip()
        if not note:
            raise DraftRefused([Issue("note", None, "a change note is required")])
        if len(note) > MAX_NOTE_CHARS:
            raise DraftRefused([Issue("note", None,
                                      f"the change note is over {MAX_NOTE_CHARS} characters")])
        engine = engine or self.check(draft)
        with self.watcher.held():
            running = self.gateway.engine.policy
            if engine.policy.version == running.version:
                raise DraftRefused([Issue(self.path.name, None, (
                    f"nothing to save: this is the policy in force (version "
                    f"{running.version})"))])
            if base_version is not None and running.version != base_version:
                raise DraftRefused([Issue(self.path.name, None, (
                    f"the policy in force changed while you edited it (now version "
                    f"{running.version}); reload the editor and apply your change again"))])
            self._write(draft)
            seq = self.audit.record_policy_version(
                engine.policy.version, engine.policy.name, str(self.path), draft.text,
                actor=actor, note=note, lists=self._read_lists(draft.text))
            self.gateway.swap_engine(dataclasses.replace(engine, seq=seq))
        log.info("policy version %s (seq %d) saved by %s", engine.policy.version, seq, actor)
        return seq

    def rollback(self, seq: int, *, actor: str, note: str = "") -> int:
        """Put an earlier version back in force, as a new version."""
        version = self.audit.policy_version(seq)
        if version is None:
            raise DraftRefused([Issue("version", None, f"there is no version #{seq}")])
        lists = version["lists"] or {}
        draft = Draft(version["text"], lists)
        note = f"rollback to #{seq}" + (f": {note.strip()}" if note and note.strip() else "")
        return self.save(draft, actor=actor, note=note, base_version=None)

    def _write(self, draft: Draft) -> None:
        """Each list file, then the policy file, replaced whole (never half written)."""
        named = set(self.list_names(draft.text))
        for name, content in draft.lists.items():
            if name in named:
                _replace(self.path.parent / name, content)
        _replace(self.path, draft.text)


def _replace(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as fp:
            fp.write(content)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _inside(name: str) -> bool:
    """A list file name that stays inside the policy's folder."""
    path = Path(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def _issue(issue: PolicyIssue, staged: Path) -> Issue:
    """A loader issue, with the scratch folder's path taken out of its message."""
    message = issue.message.replace(str(staged) + os.sep, "")
    return Issue(issue.file, issue.line, f"{issue.path}: {message}" if issue.path else message)


def _scan(engine: Engine):
    return lambda text: engine.scanner.scan(text).findings

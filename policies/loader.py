"""Load and validate a policy file (schema v1) into a compiled Policy.

Every problem is collected and raised together as PolicyInvalid, each with
file, line and key path, so an admin fixes a policy in one round trip. A
policy that fails validation is never returned.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from policies.engine import Policy
from policies.errors import PolicyInvalid, PolicyUnreadable
from policies.model import PolicyTest
from policies.nodes import Checker, hint, join, line_of
from policies.rules import ACTIONS, RuleSet, parse_rules
from policies.types import Action

TOP_KEYS = ("version", "name", "default_action", "lists", "rules", "tests")
TEST_KEYS = ("text", "expect", "rules", "groups")
SCHEMA_VERSION = 1


def load_policy(path: str | Path) -> Policy:
    """Read, validate and compile the policy at path; list files are relative to it."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyUnreadable(f"{path}: cannot read policy: {exc}") from exc
    return parse_policy(text, source=str(path), base_dir=path.parent)


def parse_policy(text: str, *, source: str = "<policy>", base_dir: Path | None = None) -> Policy:
    """Validate and compile policy YAML text.

    source names the file in error messages; list files are read relative to
    base_dir (default: the current directory). Raises PolicyInvalid.
    """
    chk = Checker(source)
    root = _compose(chk, text)
    keys = chk.mapping(root, "", TOP_KEYS, required=("version", "rules")) if root else None
    if keys is None:
        raise PolicyInvalid(chk.issues)
    if "version" in keys:
        version = chk.scalar(keys["version"])
        if isinstance(version, bool) or version != SCHEMA_VERSION:
            chk.error(keys["version"], "version", f"must be {SCHEMA_VERSION}, got {version!r}")
    name = chk.string(keys["name"], "name") if "name" in keys else Path(source).stem
    default = Action.ALLOW.value
    if "default_action" in keys:
        default = chk.choice(keys["default_action"], "default_action", ACTIONS, "action")
    lists: dict[str, tuple[str, ...] | None] = {}
    list_bytes = b""
    if "lists" in keys:
        lists, list_bytes = _lists(chk, keys["lists"], base_dir or Path.cwd())
    ruleset = parse_rules(chk, keys["rules"], lists) if "rules" in keys else RuleSet(lists)
    tests = _tests(chk, keys["tests"], ruleset) if "tests" in keys else ()
    if chk.issues:
        raise PolicyInvalid(sorted(chk.issues, key=lambda issue: issue.line))
    digest = hashlib.sha256(text.encode("utf-8") + list_bytes).hexdigest()
    return Policy(
        name=name, version=digest[:12], source=source, default_action=Action(default),
        rules=tuple(ruleset.rules), term_lists=ruleset.term_lists,
        patterns=ruleset.patterns, tests=tests,
    )  # fmt: skip


def _compose(chk: Checker, text: str) -> yaml.Node | None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        chk.error(line, "", f"YAML syntax error: {exc.problem or exc.context}")
        return None
    except yaml.YAMLError as exc:
        chk.error(1, "", f"YAML error: {exc}")
        return None
    except RecursionError:
        chk.error(1, "", "the policy is nested too deeply to read")
        return None
    if root is None:
        chk.error(1, "", "the policy is empty")
    return root


def _lists(
    chk: Checker, node: yaml.Node, base_dir: Path
) -> tuple[dict[str, tuple[str, ...] | None], bytes]:
    """Named term lists (None for an invalid one) and the bytes of the list files read."""
    if not isinstance(node, yaml.MappingNode):
        chk.error(node, "lists", "must be a mapping of list name to terms")
        return {}, b""
    lists: dict[str, tuple[str, ...] | None] = {}
    data = b""
    for key_node, value in node.value:
        name = chk.name(key_node, "lists", "list name")
        if name is None:
            continue
        if name in lists:
            chk.error(key_node, join("lists", name), "duplicate list name")
            continue
        terms, raw = _list(chk, value, join("lists", name), base_dir)
        lists[name] = terms
        data += raw
    return lists, data


def _list(
    chk: Checker, node: yaml.Node, path: str, base_dir: Path
) -> tuple[tuple[str, ...] | None, bytes]:
    if isinstance(node, yaml.SequenceNode):
        terms = chk.strings(node, path)
        return (_dedupe(t for t, _ in terms) if terms is not None else None), b""
    keys = chk.mapping(node, path, ("file",), required=("file",))
    if not keys or "file" not in keys:
        return None, b""
    fpath = join(path, "file")
    rel = chk.string(keys["file"], fpath)
    if rel is None:
        return None, b""
    if Path(rel).is_absolute():
        chk.error(keys["file"], fpath, f'"{rel}" must be a path relative to the policy file')
        return None, b""
    try:
        raw = (base_dir / rel).read_bytes()
        lines = raw.decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        chk.error(keys["file"], fpath, f'cannot read "{rel}": {reason}')
        return None, b""
    terms = _dedupe(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))
    if not terms:
        chk.error(keys["file"], fpath, f'"{rel}" has no terms')
        return None, b""
    return terms, raw


def _dedupe(terms: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in terms))


def _tests(chk: Checker, node: yaml.Node, ruleset: RuleSet) -> tuple[PolicyTest, ...]:
    out = []
    for i, item in enumerate(chk.items(node, "tests") or ()):
        path = join("tests", i)
        keys = chk.mapping(item, path, TEST_KEYS, required=("text", "expect"))
        if not keys or not {"text", "expect"} <= keys.keys():
            continue
        text = chk.string(keys["text"], join(path, "text"))
        expect = chk.choice(keys["expect"], join(path, "expect"), ACTIONS, "action")
        rules = _test_names(chk, keys, "rules", path, ruleset.first_line)
        groups = _test_names(chk, keys, "groups", path, None)
        if text is not None and expect is not None:
            out.append(PolicyTest(text, Action(expect), rules, groups or (), line_of(item)))
    return tuple(out)


def _test_names(
    chk: Checker, keys: Mapping[str, yaml.Node], key: str, path: str, known: Mapping | None
) -> tuple[str, ...] | None:
    if key not in keys:
        return None
    node, path = keys[key], join(path, key)
    if isinstance(node, yaml.SequenceNode) and not node.value:
        return ()  # `rules: []` means "no rule fires"
    names = chk.strings(node, path) or ()
    for name, item in names:
        if known is not None and name not in known:
            chk.error(item, path, f'unknown rule "{name}"{hint(name, known)}')
    return tuple(n for n, _ in names)

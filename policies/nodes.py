"""Typed reads of YAML nodes that record an issue instead of raising.

The loader walks the node tree from ``yaml.compose`` (not plain Python data)
so every value still knows its line. Each reader returns None when the value
is wrong and records why, so one pass reports every problem at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import yaml
from yaml.constructor import SafeConstructor

from policies.errors import PolicyIssue

NULL_TAG = "tag:yaml.org,2002:null"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def join(path: str, key: str | int) -> str:
    """Extend a key path: ``rules`` + 3 -> ``rules[3]``, + ``match`` -> ``rules[3].match``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def hint(word: str, choices: Iterable[str]) -> str:
    """The suffix " (did you mean X?)" for a close match, else the valid choices."""
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(word.upper(), choices, n=1, cutoff=0.6)
    if close:
        return f" (did you mean {close[0]}?)"
    return f" (expected one of: {', '.join(choices)})" if choices else ""


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == NULL_TAG:
        return "nothing"
    return f'"{node.value}"' if node.tag.endswith(":str") else node.value


def misspelt_only(node: yaml.Node, keys: dict[str, yaml.Node]) -> bool:
    """True if the mapping had keys, all unknown: a "needs X" error would only repeat them."""
    return bool(node.value) and not keys


class Checker:
    """Collects PolicyIssues for one source while reading its nodes."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[PolicyIssue] = []
        self._constructor = SafeConstructor()

    def error(self, node: yaml.Node | int, path: str, message: str) -> None:
        line = node if isinstance(node, int) else line_of(node)
        self.issues.append(PolicyIssue(self.source, line, path, message))

    def mapping(
        self, node: yaml.Node, path: str, keys: Sequence[str], required: Sequence[str] = ()
    ) -> dict[str, yaml.Node] | None:
        """The mapping's values by key; unknown, duplicate and missing keys are issues."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, path, f"must be a mapping, got {_kind(node)}")
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key not in keys:
                where = join(path, key) if key else path
                self.error(key_node, where, f"unknown key{hint(str(key), keys)}")
            elif key in out:
                first = line_of(out[key])
                self.error(key_node, join(path, key), f"duplicate key (first at line {first})")
            else:
                out[key] = value
        unknown = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)} - out.keys()
        for key in required:
            if key not in out and not difflib.get_close_matches(key, unknown, n=1, cutoff=0.6):
                self.error(node, join(path, key), "required")
        return out

    def string(self, node: yaml.Node, path: str) -> str | None:
        """A non-empty scalar, taken as written (so ``yes`` stays "yes", not True)."""
        if not isinstance(node, yaml.ScalarNode) or node.tag == NULL_TAG:
            self.error(node, path, f"must be a string, got {_kind(node)}")
            return None
        if not node.value.strip():
            self.error(node, path, "must not be empty")
            return None
        return node.value

    def name(self, node: yaml.Node, path: str, what: str) -> str | None:
        """An identifier-like string: letters, digits, '_', '.', '-' (no ':')."""
        value = self.string(node, path)
        if value is not None and not NAME_RE.match(value):
            self.error(node, path, f'{what} "{value}" may use only letters, digits, _ . -')
            return None
        return value

    def items(self, node: yaml.Node, path: str) -> list[yaml.Node] | None:
        """The nodes of a non-empty list."""
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, path, f"must be a list, got {_kind(node)}")
            return None
        if not node.value:
            self.error(node, path, "must not be empty")
            return None
        return list(node.value)

    def strings(self, node: yaml.Node, path: str) -> list[tuple[str, yaml.Node]] | None:
        """A non-empty list of strings, each with its node (for its line)."""
        items = self.items(node, path)
        if items is None:
            return None
        out = []
        for i, item in enumerate(items):
            value = self.string(item, join(path, i))
            if value is not None:
                out.append((value, item))
        return out if len(out) == len(items) else None

    def choice(self, node: yaml.Node, path: str, choices: Sequence[str], what: str) -> str | None:
        value = self.string(node, path)
        if value is not None and value not in choices:
            self.error(node, path, f'unknown {what} "{value}"{hint(value, choices)}')
            return None
        return value

    def number(self, node: yaml.Node, path: str, low: float, high: float) -> float | None:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(node, path, f"must be a number from {low} to {high}, got {_kind(node)}")
            return None
        if not low <= value <= high:
            self.error(node, path, f"must be from {low} to {high}, got {value}")
            return None
        return float(value)

    def positive_int(self, node: yaml.Node, path: str) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(node, path, f"must be a positive whole number, got {_kind(node)}")
            return None
        return value

    def date(self, node: yaml.Node, path: str) -> date | None:
        value = self.scalar(node)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, datetime) or not isinstance(value, date):
            self.error(node, path, f"must be a date like 2026-12-31, got {_kind(node)}")
            return None
        return value

    def scalar(self, node: yaml.Node) -> object:
        """The scalar as YAML types it (int, float, date...); None for a list or mapping."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError):
            return node.value

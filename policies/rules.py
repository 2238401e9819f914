"""Validate and compile the `rules:` section of a policy (schema v1).

Term lists and patterns are given labels here; the same labels go into
Policy.term_lists / Policy.patterns so the scanner tags its Findings with them:

- a named list:                 its name, e.g. ``codenames``
- an inline list in match:      ``rule:<id>:match``   (unless: ``rule:<id>:unless``,
                                context: ``rule:<id>:context``)
- the i-th pattern in match:    ``rule:<id>:match:<i>`` (unless: ``rule:<id>:unless:<i>``)

List names and rule ids cannot contain ':', so the two schemes never collide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import regex
import yaml

from detectors import registry
from policies.model import Match, Rule, Scope, Unless
from policies.nodes import Checker, hint, join, line_of, misspelt_only
from policies.regex_safety import backtracking_risk
from policies.types import Action

ACTIONS = tuple(a.value for a in Action)
RULE_KEYS = ("id", "description", "action", "match", "unless", "active", "applies_to")
MATCH_KEYS = ("pii", "secrets", "terms", "patterns", "min_score", "context", "window")
FINDERS = ("pii", "secrets", "terms", "patterns")
RESERVED_PREFIX = "gatepost."


@dataclass
class RuleSet:
    """The rules read so far and the term lists and patterns they use."""

    lists: Mapping[str, tuple[str, ...] | None]  # declared lists; None if the list is invalid
    rules: list[Rule] = field(default_factory=list)
    term_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)  # rule id -> line


def parse_rules(
    chk: Checker, node: yaml.Node, lists: Mapping[str, tuple[str, ...] | None]
) -> RuleSet:
    out = RuleSet(lists)
    for i, item in enumerate(chk.items(node, "rules") or ()):
        rule = _rule(chk, item, join("rules", i), out)
        if rule is not None:
            out.rules.append(rule)
    return out


def _rule(chk: Checker, node: yaml.Node, path: str, out: RuleSet) -> Rule | None:
    before = len(chk.issues)
    keys = chk.mapping(node, path, RULE_KEYS, required=("id", "action", "match"))
    if keys is None:
        return None
    rid = _rule_id(chk, keys["id"], join(path, "id"), out) if "id" in keys else None
    tag = rid or path  # labels still need a name while we report other errors
    action = None
    if "action" in keys:
        action = chk.choice(keys["action"], join(path, "action"), ACTIONS, "action")
    description = ""
    if "description" in keys:
        description = chk.string(keys["description"], join(path, "description"))
    match = _match(chk, keys["match"], join(path, "match"), out, tag) if "match" in keys else None
    unless = Unless()
    if "unless" in keys:
        unless = _unless(chk, keys["unless"], join(path, "unless"), out, tag)
    scope = _scope(chk, keys, path)
    if len(chk.issues) > before:
        return None
    terms_name = match.terms if match.terms in out.lists else rid
    return Rule(
        id=rid, action=Action(action), match=match, description=description,
        unless=unless, scope=scope, terms_name=terms_name or "", line=line_of(node),
    )  # fmt: skip


def _rule_id(chk: Checker, node: yaml.Node, path: str, out: RuleSet) -> str | None:
    rid = chk.name(node, path, "rule id")
    if rid is None:
        return None
    if rid.startswith(RESERVED_PREFIX):
        chk.error(node, path, f'rule ids starting with "{RESERVED_PREFIX}" are reserved')
        return None
    if rid in out.first_line:
        chk.error(node, path, f'duplicate rule id "{rid}" (first at line {out.first_line[rid]})')
        return None
    out.first_line[rid] = line_of(node)
    return rid


def _match(chk: Checker, node: yaml.Node, path: str, out: RuleSet, rid: str) -> Match | None:
    before = len(chk.issues)
    keys = chk.mapping(node, path, MATCH_KEYS)
    if keys is None:
        return None
    if not any(k in keys for k in FINDERS) and not misspelt_only(node, keys):
        chk.error(node, path, f"needs at least one of {', '.join(FINDERS)}")
    found: dict[str, object] = {}
    if "pii" in keys:
        found["pii"] = _names(chk, keys["pii"], join(path, "pii"), registry.PII_ENTITIES, "entity")
    if "secrets" in keys:
        found.update(_secrets(chk, keys["secrets"], join(path, "secrets")))
    if "terms" in keys:
        found["terms"] = _terms(chk, keys["terms"], join(path, "terms"), out, f"rule:{rid}:match")
    if "patterns" in keys:
        label = f"rule:{rid}:match"
        found["patterns"] = _patterns(chk, keys["patterns"], join(path, "patterns"), out, label)
    if "min_score" in keys:
        found["min_score"] = chk.number(keys["min_score"], join(path, "min_score"), 0, 1)
    if "context" in keys:
        label = f"rule:{rid}:context"
        found["context"] = _terms(chk, keys["context"], join(path, "context"), out, label)
    if "window" in keys:
        found["window"] = chk.positive_int(keys["window"], join(path, "window"))
        if "context" not in keys:
            chk.error(keys["window"], join(path, "window"), "window needs context")
    return Match(**found) if len(chk.issues) == before else None


def _unless(chk: Checker, node: yaml.Node, path: str, out: RuleSet, rid: str) -> Unless | None:
    keys = chk.mapping(node, path, ("terms", "patterns"))
    if keys is None:
        return None
    if not keys:
        if not misspelt_only(node, keys):
            chk.error(node, path, "needs terms or patterns")
        return None
    label = f"rule:{rid}:unless"
    terms = _terms(chk, keys["terms"], join(path, "terms"), out, label) if "terms" in keys else None
    patterns = ()
    if "patterns" in keys:
        patterns = _patterns(chk, keys["patterns"], join(path, "patterns"), out, label)
    return Unless(terms=terms, patterns=patterns or ())


def _names(
    chk: Checker, node: yaml.Node, path: str, valid: tuple[str, ...], what: str
) -> frozenset[str]:
    names = set()
    for value, item in chk.strings(node, path) or ():
        if value in valid:
            names.add(value)
        else:
            chk.error(item, path, f'unknown {what} "{value}"{hint(value, valid)}')
    return frozenset(names)


def _secrets(chk: Checker, node: yaml.Node, path: str) -> dict[str, object]:
    if isinstance(node, yaml.ScalarNode):
        if node.value == "any":
            return {"any_secret": True}
        chk.error(node, path, f'must be "any" or a list of secret labels, got "{node.value}"')
        return {}
    return {"secrets": _names(chk, node, path, registry.SECRET_LABELS, "secret label")}


def _terms(chk: Checker, node: yaml.Node, path: str, out: RuleSet, label: str) -> str | None:
    """A list name or an inline list; returns the term_lists label it goes under."""
    if isinstance(node, yaml.ScalarNode):
        name = chk.string(node, path)
        if name is None:
            return None
        if name not in out.lists:
            chk.error(node, path, f'unknown list "{name}"{hint(name, out.lists)}')
            return None
        if out.lists[name] is not None:  # an invalid list was reported where it is declared
            out.term_lists[name] = out.lists[name]
        return name
    terms = chk.strings(node, path)
    if terms is None:
        return None
    out.term_lists[label] = tuple(dict.fromkeys(t.strip() for t, _ in terms))
    return label


def _patterns(
    chk: Checker, node: yaml.Node, path: str, out: RuleSet, label: str
) -> tuple[str, ...]:
    labels = []
    for i, (pattern, item) in enumerate(chk.strings(node, path) or ()):
        try:
            compiled = re.compile(pattern)  # its error messages say more
            runs = regex.compile(pattern)  # the engine the patterns detector runs
        except (re.error, regex.error) as exc:
            chk.error(item, join(path, i), f'invalid regex "{pattern}": {exc}')
            continue
        if compiled.fullmatch(""):
            chk.error(item, join(path, i), f'regex "{pattern}" matches empty text')
            continue
        risk = backtracking_risk(pattern, runs)
        if risk is not None:
            chk.error(item, join(path, i), f'regex "{pattern}" {risk}')
            continue
        out.patterns[f"{label}:{i}"] = pattern
        labels.append(f"{label}:{i}")
    return tuple(labels)


def _scope(chk: Checker, keys: Mapping[str, yaml.Node], path: str) -> Scope:
    found: dict[str, object] = {}
    if "active" in keys:
        found.update(_active(chk, keys["active"], join(path, "active")))
    if "applies_to" in keys:
        found.update(_applies_to(chk, keys["applies_to"], join(path, "applies_to")))
    return Scope(**found)


def _active(chk: Checker, node: yaml.Node, path: str) -> dict[str, object]:
    keys = chk.mapping(node, path, ("from", "until"))
    if keys is None:
        return {}
    if not keys and not misspelt_only(node, keys):
        chk.error(node, path, "needs from, until or both")
    start = chk.date(keys["from"], join(path, "from")) if "from" in keys else None
    until = chk.date(keys["until"], join(path, "until")) if "until" in keys else None
    if start and until and start > until:
        chk.error(node, path, f"from {start} is after until {until}")
    return {"active_from": start, "active_until": until}


def _applies_to(chk: Checker, node: yaml.Node, path: str) -> dict[str, object]:
    keys = chk.mapping(node, path, ("groups", "except_groups"))
    if keys is None:
        return {}
    if len(keys) != 1:
        if not misspelt_only(node, keys):
            chk.error(node, path, "needs exactly one of groups, except_groups")
        return {}
    key, value = next(iter(keys.items()))
    groups = chk.strings(value, join(path, key))
    return {key: frozenset(g for g, _ in groups)} if groups is not None else {}

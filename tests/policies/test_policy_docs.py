"""docs/policy.md stays true to the policy code.

Every key the loader accepts, every PII entity and secret label, and every
action is documented; the entity and label tables list nothing that is not
built; and every YAML example in the page loads, or fails with exactly the
messages printed under it.

The accepted keys are collected from the policies code itself: every
``Checker.mapping(node, path, keys, ...)`` call, its keys resolved from the
literal tuple or the module constant it names. A key added to the schema
without documentation fails here.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import textwrap
from pathlib import Path

import pytest

import policies
from detectors.registry import PII_ENTITIES, SECRET_LABELS
from policies import DEFAULT_POLICY_PATH, PolicyInvalid, load_policy, parse_policy
from policies.engine import DETECTOR_ERROR_RULE
from policies.loader import TEST_KEYS, TOP_KEYS
from policies.rules import ACTIONS, MATCH_KEYS, RULE_KEYS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "policy.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
# Rule snippets in the doc (```yaml blocks starting "- id:") are loaded under this head.
HEAD = """\
version: 1
lists:
  codenames: [Falcon, Bluebird, Project Nightjar]
  customers: {file: customers.txt}
  public_contacts: [press@northwind.example, "+1 800 555 0100"]
rules:
"""


def policy_modules() -> list:
    return [
        importlib.import_module(f"policies.{info.name}")
        for info in pkgutil.iter_modules(policies.__path__)
    ]


def mapping_keys() -> dict[str, tuple[str, ...]]:
    """Keys of every Checker.mapping() call in the policies package, by call site."""
    found: dict[str, tuple[str, ...]] = {}
    for module in policy_modules():
        tree = ast.parse(inspect.getsource(module))
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
                continue
            if call.func.attr != "mapping":
                continue
            arg = call.args[2] if len(call.args) > 2 else None
            arg = arg or next((k.value for k in call.keywords if k.arg == "keys"), None)
            where = f"{module.__name__}:{call.lineno}"
            assert arg is not None, f"{where}: mapping() call without keys"
            if isinstance(arg, ast.Name):
                keys = getattr(module, arg.id)
            else:
                keys = ast.literal_eval(arg)
            assert keys and all(isinstance(k, str) for k in keys), where
            found[where] = tuple(keys)
    return found


MAPPINGS = mapping_keys()
POLICY_KEYS = sorted({key for keys in MAPPINGS.values() for key in keys})


def section(title: str) -> str:
    start = DOC.index(f"\n## {title}\n")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end != -1 else None]


def table_names(title: str) -> set[str]:
    return set(re.findall(r"^\| `([A-Z0-9_]+)` \|", section(title), re.M))


def test_key_collection_sees_every_schema_level():
    """Guard the AST scan: it finds the named key sets and the inline ones."""
    named = set(TOP_KEYS) | set(RULE_KEYS) | set(MATCH_KEYS) | set(TEST_KEYS)
    assert named <= set(POLICY_KEYS)
    assert set(POLICY_KEYS) - named, "no inline key tuples found (lists, unless, active...)"


@pytest.mark.parametrize("key", POLICY_KEYS)
def test_every_policy_key_is_documented(key):
    assert f"`{key}`" in DOC, f"policy key {key!r} is not mentioned in docs/policy.md"


@pytest.mark.parametrize("action", ACTIONS)
def test_every_action_is_documented(action):
    assert f"| `{action}` |" in section("Actions and their order")


def test_the_fail_closed_rule_is_documented():
    assert f"`{DETECTOR_ERROR_RULE}`" in DOC


@pytest.mark.parametrize("entity", PII_ENTITIES)
def test_every_pii_entity_is_documented(entity):
    assert entity in table_names("PII entities"), f"PII entity {entity} has no table row"


@pytest.mark.parametrize("label", SECRET_LABELS)
def test_every_secret_label_is_documented(label):
    assert label in table_names("Secret labels"), f"secret label {label} has no table row"


def test_tables_document_only_what_is_built():
    assert table_names("PII entities") <= set(PII_ENTITIES)
    assert table_names("Secret labels") <= set(SECRET_LABELS)


def yaml_examples() -> list:
    """(line, yaml, expected messages or None) for every ```yaml block of the doc."""
    blocks = [(DOC.count("\n", 0, m.start()) + 1, m[1], m[2]) for m in BLOCK.finditer(DOC)]
    out = []
    for i, (line, lang, body) in enumerate(blocks):
        if lang != "yaml":
            continue
        expected = None
        if body.startswith("# bad.yaml"):
            assert i + 1 < len(blocks) and blocks[i + 1][1] == "text", f"line {line}"
            expected = blocks[i + 1][2]
        out.append(pytest.param(body, expected, id=f"line{line}"))
    return out


@pytest.mark.parametrize(("body", "expected"), yaml_examples())
def test_yaml_examples_load_or_fail_as_shown(body, expected):
    base = DEFAULT_POLICY_PATH.parent  # where customers.txt lives
    if expected is not None:
        with pytest.raises(PolicyInvalid) as exc:
            parse_policy(body, source="bad.yaml", base_dir=base)
        assert [str(issue) for issue in exc.value.issues] == expected.splitlines()
    elif body.startswith("version:"):
        parse_policy(body, source="example.yaml", base_dir=base)
    elif body.startswith("- id:"):
        parse_policy(HEAD + textwrap.indent(body, "  "), source="example.yaml", base_dir=base)
    else:
        pytest.fail("a yaml example must be a whole policy, a rule (- id:) or # bad.yaml")


def test_policy_check_example_matches_the_default_policy():
    shown = re.search(r"gatepost policy check policies/default.yaml\nok: (\d+) rules", DOC)
    assert shown, "the `gatepost policy check` example is missing"
    assert int(shown[1]) == len(load_policy(DEFAULT_POLICY_PATH).rules)

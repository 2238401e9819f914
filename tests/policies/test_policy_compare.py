"""compare(old, new, posts, scan_old, scan_new): what a policy change would do.

The scan functions are fakes built from hand-made Findings, so these tests
load no models.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from policy_helpers import found

from detectors.base import Finding
from policies import Action, Policy, Post, parse_policy
from policies.compare import Comparison, compare

ALLOW, FLAG, BLOCK = Action.ALLOW, Action.FLAG, Action.BLOCK
NOW = datetime(2026, 6, 1, tzinfo=UTC)

BASE = """\
version: 1
lists:
  codenames: [Falcon]
rules:
  - id: codenames
    action: block
    match: {terms: codenames}
  - id: keys
    action: block
    match: {secrets: any}
  - id: emails
    action: flag
    match: {pii: [EMAIL_ADDRESS]}
"""
ADDED_CODENAME = BASE.replace("[Falcon]", "[Falcon, Osprey]")
NO_KEYS_RULE = BASE.replace("  - id: keys\n    action: block\n    match: {secrets: any}\n", "")
KEYS_ALSO_CODENAMES = BASE.replace("{secrets: any}", "{secrets: any, terms: [Falcon]}")

POSTS = {
    "clean": "Lovely day for a conference",
    "falcon": "Falcon is nearly ready",
    "osprey": "Osprey demo went well",
    "key": "key AKIAABCDEFGHIJKLMNOP",
    "email": "write to kim@example.com",
}


def policy(text: str) -> Policy:
    return parse_policy(text, source="p.yaml")


def fake_scan(policy: Policy) -> Callable[[str], list[Finding]]:
    """Findings for the words above, labelled as the real scanner labels them."""

    def scan(text: str) -> list[Finding]:
        out = []
        for label, terms in policy.term_lists.items():
            out += [found("term", label, text, t) for t in terms if t in text]
        if "AKIA" in text:
            out.append(found("secret", "AWS_ACCESS_KEY", text, "AKIAABCDEFGHIJKLMNOP"))
        if "@" in text:
            out.append(found("pii", "EMAIL_ADDRESS", text, "kim@example.com", 0.9))
        return out

    return scan


def run(old_text: str, new_text: str) -> Comparison:
    old, new = policy(old_text), policy(new_text)
    posts = [(pid, Post("kim", text)) for pid, text in POSTS.items()]
    return compare(old, new, posts, fake_scan(old), fake_scan(new), now=NOW)


def changes(comparison: Comparison) -> dict[str, tuple[Action, Action]]:
    return {r.post_id: (r.old.action, r.new.action) for r in comparison.changed}


@pytest.mark.parametrize(
    ("old", "new", "changed"),
    [
        (BASE, BASE, {}),
        (BASE, ADDED_CODENAME, {"osprey": (ALLOW, BLOCK)}),
        (ADDED_CODENAME, BASE, {"osprey": (BLOCK, ALLOW)}),
        (BASE, NO_KEYS_RULE, {"key": (BLOCK, ALLOW)}),
        (BASE, KEYS_ALSO_CODENAMES, {"falcon": (BLOCK, BLOCK)}),  # rules changed, action not
    ],
    ids=["same-policy", "added-codename", "removed-codename", "removed-rule", "rule-set-only"],
)
def test_only_posts_whose_action_or_fired_rules_differ_are_changed(old, new, changed):
    assert changes(run(old, new)) == changed


def test_every_post_has_a_row_in_input_order_with_both_decisions():
    comparison = run(BASE, ADDED_CODENAME)
    assert [r.post_id for r in comparison.rows] == list(POSTS)
    email = comparison.rows[4]
    assert (email.old.action, email.new.action) == (FLAG, FLAG)
    assert not email.changed


def test_a_rule_set_change_with_the_same_action_names_both_rule_sets():
    (row,) = run(BASE, KEYS_ALSO_CODENAMES).changed
    assert [r.id for r in row.old.rules] == ["codenames"]
    assert sorted(r.id for r in row.new.rules) == ["codenames", "keys"]


@pytest.mark.parametrize(
    ("old", "new", "total", "changed", "transitions"),
    [
        (BASE, BASE, 5, 0, {}),
        (BASE, ADDED_CODENAME, 5, 1, {(ALLOW, BLOCK): 1}),
        (ADDED_CODENAME, NO_KEYS_RULE, 5, 2, {(BLOCK, ALLOW): 2}),
        (NO_KEYS_RULE, KEYS_ALSO_CODENAMES, 5, 2, {(ALLOW, BLOCK): 1, (BLOCK, BLOCK): 1}),
    ],
    ids=["nothing-changed", "one-allow-to-block", "two-block-to-allow", "mixed"],
)
def test_counts_give_posts_changed_and_each_transition(old, new, total, changed, transitions):
    counts = run(old, new).counts
    assert (counts.total, counts.changed, dict(counts.transitions)) == (
        total, changed, transitions)


def test_transitions_are_ordered_by_old_then_new_action_strength():
    counts = run(NO_KEYS_RULE, KEYS_ALSO_CODENAMES).counts
    assert list(counts.transitions) == [(ALLOW, BLOCK), (BLOCK, BLOCK)]


def test_both_policies_decide_as_of_the_same_moment():
    seasonal = BASE + (
        "  - id: quiet-period\n    action: flag\n    match: {terms: [conference]}\n"
        "    active: {from: 2026-05-01, until: 2026-06-30}\n"
    )
    assert changes(run(BASE, seasonal)) == {"clean": (ALLOW, FLAG)}
    old, new = policy(seasonal), policy(seasonal)
    posts = [("clean", Post("kim", POSTS["clean"]))]
    late = compare(old, new, posts, fake_scan(old), fake_scan(new),
                   now=datetime(2026, 7, 1, tzinfo=UTC))
    assert late.rows[0].new.action is ALLOW and not late.changed


def test_a_comparison_is_frozen():
    comparison = run(BASE, BASE)
    with pytest.raises(AttributeError):
        comparison.rows = ()  # type: ignore[misc]

"""Regex safety: patterns likely to backtrack catastrophically are refused at
validation, ordinary ones are accepted, and one that slips through still
cannot stall Gatepost: the post it stalls on is held, the next is served.
"""

from __future__ import annotations

import dataclasses
import time

import pytest
import regex
import requests

from policies import PolicyInvalid, parse_policy
from policies.regex_safety import PROBE_CHARS, backtracking_risk

NESTED = "it nests a repeat in a repeat"
SAME = "two alternatives under a repeat match the same text"
PROBED = f"it ran past its 50 ms time limit on a crafted {PROBE_CHARS + 1}-character text"


def policy_with(*patterns: str, key: str = "match") -> str:
    """A policy whose one rule (line 3) lists patterns one a line, from line 7 on."""
    lines = "".join(f"      - '{p}'\n" for p in patterns)
    match = "match: {terms: [x]}\n    unless:" if key == "unless" else "match:"
    return (f"version: 1\nrules:\n  - id: a\n    action: flag\n    {match}\n"
            f"      patterns:\n{lines}")


def issues_of(text: str) -> list[str]:
    with pytest.raises(PolicyInvalid) as exc:
        parse_policy(text, source="p.yaml")
    return [str(issue) for issue in exc.value.issues]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (r"(a+)+", NESTED),
        (r"(a*)*b", NESTED),
        (r"(\w+\s?)+", NESTED),
        (r"(?:\w+\s*)+$", NESTED),
        (r"(\s*\w+)+!", NESTED),
        (r"(.*a){20}", NESTED),
        (r"(.*?a){15}X", NESTED),
        (r"(a|aa)+", NESTED),
        (r"(a?a)+", NESTED),
        (r"((ab)+)+", NESTED),
        (r"(x+x+)+y", NESTED),
        (r"(\d{1,3})+$", NESTED),
        (r"^(([a-z])+.)+[A-Z]([a-z])+$", NESTED),
        (r"(?i)(?:[A-Z][a-z]*)+$", NESTED),
        (r"(a|a)*b", SAME),
        (r"(?:ab|ab)+c", SAME),
        (r"(?:[a-c]|[b-d])+$", PROBED),  # the parser merges the classes; the probe sees it
    ],
)
def test_pattern_likely_to_backtrack_catastrophically_is_refused_naming_the_problem(
    pattern: str, problem: str
) -> None:
    (issue,) = issues_of(policy_with(r"\bok\b", pattern))
    prefix = (f'p.yaml:8: rules[0].match.patterns[1]: regex "{pattern}" '
              f"can backtrack catastrophically: {problem}")
    assert issue.startswith(prefix), issue


@pytest.mark.parametrize(
    "pattern",
    [
        r"\bPRJ-\d{4}\b",
        r"https?://intranet\.example\.com/\S*",
        r"\b[\w.-]+\.corp\.northwind\.example\b",
        r"(?i)\bTKT-\d{3,}\b",
        r"\bINC\d{7}\b",
        r"\bAKIA[0-9A-Z]{16}\b",
        r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
        r"(?:[\w-]+\.)+example\.com",
        r"(?:\d{1,3}\.){3}\d{1,3}",
        r"(?:\d{3}[- ]?){2}\d{4}",
        r"(?:[A-Z][a-z]+\s){2,}",
        r"(?:foo|bar\d+)+",
        r"(?:cat|car)+s",
        r"(?:https?|ftp)://\S+",
        r"(?<!\w)\$\d+(?:\.\d\d)?",
        r"\b(\w+)\s+\1\b",
        r"(a++)+",
        r"(?>a+)+",
        r"\w+\s+\w+\s+confidential",
    ],
)
def test_ordinary_pattern_is_accepted(pattern: str) -> None:
    policy = parse_policy(policy_with(pattern), source="p.yaml")
    assert list(policy.patterns.values()) == [pattern]


def test_unless_patterns_are_checked_too() -> None:
    (issue,) = issues_of(policy_with(r"(a+)+", key="unless"))
    assert issue.startswith('p.yaml:8: rules[0].unless.patterns[0]: regex "(a+)+" can backtrack')


def test_every_risky_pattern_is_reported_at_once_on_its_own_line() -> None:
    issues = issues_of(policy_with(r"(a+)+", r"\bok\b", r"(a|a)*b"))
    assert [i.split(": regex")[0] for i in issues] == [
        "p.yaml:7: rules[0].match.patterns[0]",
        "p.yaml:9: rules[0].match.patterns[2]",
    ]


def test_the_checks_take_milliseconds_for_an_ordinary_pattern() -> None:
    pattern = r"(?:[\w-]+\.)+example\.com"
    started = time.perf_counter()
    assert backtracking_risk(pattern, regex.compile(pattern)) is None
    assert time.perf_counter() - started < 0.5


# Overlapping classes behind a fixed prefix: the probe's crafted texts lack
# the prefix, so validation accepts it, yet "ref:" + "a" * 40 + "!" stalls it.
SLIPS_THROUGH = r"ref:(?:[a-f]|[0-9a-f])+$"
SLIPPING_POLICY = f"""\
version: 1
rules:
  - id: refs
    action: flag
    match: {{patterns: ['{SLIPS_THROUGH}']}}
  - id: codenames
    action: block
    match: {{terms: [Falcon]}}
"""


def test_a_stalling_pattern_can_slip_through_validation() -> None:
    policy = parse_policy(SLIPPING_POLICY, source="p.yaml")
    compiled = regex.compile(SLIPS_THROUGH)
    with pytest.raises(TimeoutError):
        compiled.search("ref:" + "a" * 40 + "!", timeout=0.05)
    assert list(policy.patterns.values()) == [SLIPS_THROUGH]


@pytest.fixture
def slipping_gatepost(tmp_path, gatepost_config):
    from proxy.app import create_app
    from tests.conftest import LiveServer

    path = tmp_path / "slipping.yaml"
    path.write_text(SLIPPING_POLICY, encoding="utf-8")
    live = LiveServer.start(create_app(dataclasses.replace(gatepost_config, policy_path=path)))
    yield live
    live.stop()


def test_post_that_stalls_a_pattern_is_held_quickly_and_the_next_is_served(
    slipping_gatepost, microblog
) -> None:
    audit = slipping_gatepost.app.extensions["gatepost.audit"]
    _, token = audit.add_user("dana", "employee")
    auth = {"Authorization": f"Bearer {token}"}
    url = slipping_gatepost.url + "/api/posts"

    started = time.perf_counter()
    held = requests.post(url, json={"text": "ref:" + "a" * 40 + "!"}, headers=auth, timeout=30)
    elapsed = time.perf_counter() - started

    assert held.status_code == 202, held.text
    assert [r["id"] for r in held.json()["rules"]] == ["gatepost.detector-error"]
    assert elapsed < 0.5
    row = audit.decision(held.json()["id"])
    assert row["detector_errors"] == {
        "patterns": "PatternTimeout: pattern rule:refs:match:0 ran past its 50 ms budget"
    }
    after = requests.post(url, json={"text": "ref:abc0 shipped"}, headers=auth, timeout=30)
    assert after.status_code == 200, after.text
    assert [r["id"] for r in after.json()["rules"]] == []
    posted = requests.get(microblog.url + "/api/v1/timelines/public", timeout=10).json()
    assert [s["content"] for s in posted] == ["<p>ref:abc0 shipped</p>"]

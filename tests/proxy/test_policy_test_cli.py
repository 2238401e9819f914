"""`gatepost policy test`: a dry run of a policy, alone or against the one in force."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA, TEST_POLICY

GATEPOST = shutil.which("gatepost") or str(Path(sys.executable).with_name("gatepost"))
POSTS = [
    {"id": "p1", "text": "Lovely day for a conference"},
    {"id": "p2", "text": "Osprey demo went great today", "expect": "allow", "category": "x"},
    {"id": "p3", "text": "Falcon is nearly ready", "author": "kim"},
    {"id": "p4", "text": "Lunch with Contoso Pharma today", "groups": ["sales"]},
]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([GATEPOST, "policy", "test", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    """The test policy (old), a candidate with an extra codename (new), and posts."""
    tmp = tmp_path_factory.mktemp("policy-test")
    shutil.copy(DATA / "customers.txt", tmp / "customers.txt")
    old = tmp / "old.yaml"
    shutil.copy(TEST_POLICY, old)
    new = tmp / "new.yaml"
    text = TEST_POLICY.read_text(encoding="utf-8")
    new.write_text(text.replace("Project Nightjar]", "Project Nightjar, Osprey]"),
                   encoding="utf-8")
    posts = tmp / "posts.jsonl"
    posts.write_text("".join(json.dumps(p) + "\n" for p in POSTS), encoding="utf-8")
    return {"old": str(old), "new": str(new), "posts": str(posts), "dir": str(tmp)}


def test_without_against_it_prints_every_decision_and_the_count_per_action(files):
    result = run(files["new"], "--input", files["posts"])
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines()[:5]]
    assert rows == [["post", "action", "rules"], ["p1", "allow", "-"],
                    ["p2", "block", "codenames"], ["p3", "block", "codenames"],
                    ["p4", "flag", "nda-customers"]]
    assert "4 posts: allow 1, redact 0, flag 1, block 2" in result.stdout
    assert "done: 4 posts" in result.stderr


def test_against_the_policy_in_force_it_shows_only_the_changed_post(files):
    result = run(files["new"], "--input", files["posts"], "--against", files["old"])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["post", "old", "new", "rules", "(old", "→", "new)"]
    assert lines[1].split() == ["p2", "allow", "block", "-", "→", "codenames"]
    assert lines[2:] == ["", "4 posts, 1 changed", "allow → block: 1"]


def test_against_the_same_policy_nothing_changes(files):
    result = run(files["old"], "--input", files["posts"], "--against", files["old"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["no decision changes", "", "4 posts, 0 changed"]


def test_json_prints_one_object_per_changed_row_and_the_counts(files):
    result = run(files["new"], "--input", files["posts"], "--against", files["old"], "--json")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert out == [
        {"id": "p2", "old_action": "allow", "new_action": "block", "old_rules": [],
         "new_rules": ["codenames"]},
        {"counts": {"posts": 4, "changed": 1,
                    "transitions": [{"old": "allow", "new": "block", "posts": 1}]}},
    ]


def test_a_bad_input_line_exits_1_naming_file_and_line(files, tmp_path):
    posts = tmp_path / "bad.jsonl"
    posts.write_text('{"id": "a", "text": "ok"}\n{"id": "b"}\n', encoding="utf-8")
    result = run(files["new"], "--input", str(posts))
    assert result.returncode == 1
    assert f"{posts}:2: bad post" in result.stderr


@pytest.mark.parametrize("which", ["POLICY", "OTHER_POLICY"])
def test_an_invalid_policy_exits_1_with_file_and_line(files, tmp_path, which):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nrules:\n  - id: x\n    action: blok\n    match: {secrets: any}\n",
                   encoding="utf-8")
    new, old = (str(bad), files["old"]) if which == "POLICY" else (files["new"], str(bad))
    result = run(new, "--input", files["posts"], "--against", old)
    assert result.returncode == 1
    assert f"{bad}:4: rules[0].action" in result.stderr
    assert result.stdout == ""


def test_help_says_which_policy_is_old_and_which_is_new():
    result = run("--help")
    assert result.returncode == 0
    assert "Usage: gatepost policy test [OPTIONS] POLICY" in result.stdout
    words = " ".join(result.stdout.split())  # the same however click wraps the help
    assert "POLICY is the candidate (new)" in words
    assert "the policy in force (old)" in words

"""The `gatepost` command as a user runs it: a real subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policies import DEFAULT_POLICY_PATH
from tests.conftest import TEST_POLICY

GATEPOST = shutil.which("gatepost") or str(Path(sys.executable).with_name("gatepost"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([GATEPOST, *args], input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_scan_of_an_ssn_prints_one_block_decision_as_a_json_line():
    result = run("scan", "My SSN is 078-05-1120")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    decision = json.loads(lines[0])
    assert decision["action"] == "block"
    assert set(decision) == {"id", "action", "rules", "findings"}
    ssn = [f for f in decision["findings"] if f["label"] == "US_SSN"]
    assert ssn and (ssn[0]["start"], ssn[0]["end"]) == (10, 21)
    assert ssn[0]["rule"] in [r["id"] for r in decision["rules"]]
    assert set(ssn[0]) == {"kind", "label", "start", "end", "score", "rule"}


def test_scan_input_jsonl_prints_a_line_per_post_in_order_with_progress(tmp_path):
    posts = [
        {"id": "a", "text": "Lovely day for a conference"},
        {"id": "b", "text": "Falcon is nearly ready", "author": "kim"},
        {"id": "c", "text": "Lunch with Contoso Pharma today", "groups": ["sales"]},
    ]
    stdin = "".join(json.dumps(p) + "\n" for p in posts)
    result = run("scan", "--policy", str(TEST_POLICY), "--input", "-", stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(o["id"], o["action"]) for o in out] == [("a", "allow"), ("b", "block"),
                                                     ("c", "flag")]
    assert "done: 3 posts" in result.stderr


def test_scan_input_with_a_bad_line_names_the_line(tmp_path):
    result = run("scan", "--input", "-", stdin='{"id": 1, "text": "ok"}\n{"id": 2}\n')
    assert result.returncode != 0
    assert ":2: bad post" in result.stderr


def test_policy_check_of_the_shipped_policy_is_ok():
    result = run("policy", "check", str(DEFAULT_POLICY_PATH))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")
    assert result.stdout.strip().endswith("tests passed")


def test_policy_check_of_a_broken_file_exits_1_with_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\n"
        "rules:\n"
        "  - id: ids\n"
        "    action: block\n"
        "    match: {pii: [CREDITCARD]}\n",
        encoding="utf-8",
    )
    result = run("policy", "check", str(bad))
    assert result.returncode == 1
    assert f"{bad}:5: rules[0].match.pii" in result.stderr
    assert "CREDIT_CARD" in result.stderr  # the suggestion


@pytest.mark.parametrize(
    "command",
    [[], ["serve"], ["scan"], ["policy"], ["policy", "check"], ["audit"], ["audit", "verify"],
     ["users"], ["users", "add"], ["eval"], ["policy", "test"]],
)
def test_every_command_has_help(command):
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "Usage: gatepost" in result.stdout


def test_policy_check_fails_naming_the_line_of_a_failing_policy_test(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\n"
        "lists:\n"
        "  codenames: [Falcon]\n"
        "rules:\n"
        "  - id: codenames\n"
        "    action: block\n"
        "    match: {terms: codenames}\n"
        "tests:\n"
        "  - text: Falcon launches soon\n"
        "    expect: block\n"
        "  - text: A falconer at the fair\n"
        "    expect: block\n",
        encoding="utf-8",
    )
    result = run("policy", "check", str(policy))
    assert result.returncode == 1
    assert f"{policy}:11: tests:" in result.stderr
    assert "expected block, got allow" in result.stderr
    assert ":9:" not in result.stderr


def test_scan_explain_says_which_rule_fired_on_what_and_why():
    result = run("scan", "--explain", "My SSN is 078-05-1120 and F@lc0n ships soon")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("post 1: BLOCK\n")
    assert "rule id-and-payment-numbers (block)" in out
    assert "pii US_SSN at 10..21 '078-05-1120', score 0.85" in out
    assert "raised by context word 'ssn'" in out
    assert "term codenames at 26..32 'F@lc0n'" in out
    assert "(leetspeak folded)" in out

"""`gatepost audit export`: decisions to a file or stdout, never a half-written file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit import AuditLog, new_reference
from detectors.base import Finding
from policies.types import Action, Decision, FiredRule, Post
from proxy.cli import main
from tests.proxy.test_cli import GATEPOST

SSN = "078-05-1120"
POSTS = [  # created_at, action, text
    ("2026-03-01T09:00:00.000+00:00", Action.ALLOW, "launch party tonight"),
    ("2026-03-01T23:59:59.999+00:00", Action.BLOCK, f"my ssn {SSN} today"),
    ("2026-03-02T08:00:00.000+00:00", Action.ALLOW, "=HYPERLINK(\"http://evil\")"),
]


def _decision(action: Action, text: str) -> Decision:
    if SSN not in text:
        return Decision(action, (), "v1", (), None)
    finding = Finding("presidio", "pii", "US_SSN", 7, 18, 0.85, "SSN pattern")
    rule = FiredRule("ids", action, "ID numbers", (finding,))
    return Decision(action, (rule,), "v1", (finding,), None)


@pytest.fixture
def audit_db(tmp_path: Path, monkeypatch) -> Path:
    """An audit db holding POSTS; returns its path."""
    path = tmp_path / "audit.db"
    log = AuditLog(path)
    for created_at, action, text in POSTS:
        monkeypatch.setattr("audit.store.utc_now", lambda at=created_at: at)
        log.record_decision(Post("alice", text, ("eng",)), _decision(action, text),
                            ref=new_reference(), dialect="native", timings_ms={}, total_ms=1)
    log.close()
    monkeypatch.undo()
    return path


def export(*args: str) -> object:
    return CliRunner().invoke(main, ["audit", "export", *args], catch_exceptions=False)


def test_export_to_stdout_is_jsonl_by_default(audit_db):
    result = export("--db", str(audit_db))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["masked_text"] for r in rows] == [
        "launch party tonight", "my ssn [US_SSN] today", '=HYPERLINK("http://evil")']
    assert rows[1]["rules"] == ["ids"]
    assert SSN not in result.stdout
    assert result.stderr.splitlines()[-1] == "exported 3 decisions (start..end) to stdout"


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [("out.csv", None, "csv"), ("out.jsonl", None, "jsonl"), ("out.txt", None, "jsonl"),
     ("out.csv", "jsonl", "jsonl"), ("out.data", "csv", "csv")],
)
def test_format_comes_from_the_option_else_the_extension_else_jsonl(
    audit_db, tmp_path, name, fmt, expected
):
    out = tmp_path / name
    result = export("--db", str(audit_db), "--output", str(out),
                    *(["--format", fmt] if fmt else []))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    if expected == "csv":
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        assert rows[2]["masked_text"] == "'=HYPERLINK(\"http://evil\")"  # defused
    else:
        rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 3
    assert result.stderr.splitlines()[-1] == f"exported 3 decisions (start..end) to {out}"


def test_date_range_limits_the_export_and_is_named_in_the_summary(audit_db, tmp_path):
    out = tmp_path / "march1.jsonl"
    result = export("--db", str(audit_db), "--since", "2026-03-01", "--until", "2026-03-01",
                    "--output", str(out))
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["created_at"][:10] for r in rows] == ["2026-03-01", "2026-03-01"]
    assert f"exported 2 decisions (2026-03-01..2026-03-01) to {out}" in result.stderr


@pytest.mark.parametrize(
    ("args", "option"),
    [(["--since", "yesterday"], "'--since'"), (["--until", "2026-02-30"], "'--until'"),
     (["--since", "2026-03-02", "--until", "2026-03-01"], "'--since'")],
)
def test_a_bad_date_is_a_usage_error_naming_the_option(audit_db, tmp_path, args, option):
    out = tmp_path / "out.csv"
    result = export("--db", str(audit_db), "--output", str(out), *args)
    assert result.exit_code == 2
    assert option in result.stderr
    assert not out.exists()


def test_a_failed_export_leaves_the_old_file_and_no_temp_file(audit_db, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n", encoding="utf-8")

    def fail_half_way(rows, fp):
        fp.write(json.dumps(next(iter(rows))) + "\n")
        raise OSError("disk full")

    monkeypatch.setattr("audit.export.write_jsonl", fail_half_way)
    result = CliRunner().invoke(main, ["audit", "export", "--db", str(audit_db),
                                       "--output", str(out)])
    assert isinstance(result.exception, OSError)
    assert out.read_text(encoding="utf-8") == "previous export\n"
    left = {p.name for p in tmp_path.iterdir() if not p.name.startswith("audit.db")}
    assert left == {"out.jsonl"}


def test_export_into_a_missing_folder_is_a_usage_error(audit_db, tmp_path):
    result = export("--db", str(audit_db), "--output", str(tmp_path / "nope" / "out.csv"))
    assert result.exit_code == 2
    assert "'--output'" in result.stderr


def test_without_a_db_it_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = export()
    assert result.exit_code == 1
    assert "no audit db at gatepost-data/audit.db" in result.stderr


def test_audit_verify_still_checks_the_chain(audit_db):
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(audit_db)])
    assert result.exit_code == 0
    assert result.stdout.startswith("ok: 3 rows, hash chain intact\nhead: seq 3 hash ")


def test_the_installed_command_exports_and_has_help(audit_db, tmp_path):
    out = tmp_path / "out.csv"
    result = subprocess.run([GATEPOST, "audit", "export", "--db", str(audit_db),
                             "--output", str(out)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(list(csv.DictReader(out.open(encoding="utf-8", newline="")))) == 3
    helped = subprocess.run([GATEPOST, "audit", "export", "--help"], capture_output=True,
                            text=True, timeout=60)
    assert helped.returncode == 0 and "Usage: gatepost audit export" in helped.stdout

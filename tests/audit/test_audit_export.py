"""export_decisions and its writers: flat records in chain order, nothing held back leaks."""

from __future__ import annotations

import csv
import io
import json

import pytest

from audit import export
from audit.export import EXPORT_FIELDS, csv_cell, export_decisions, write_csv, write_jsonl
from audit.search import SearchError
from detectors.base import Finding
from policies.types import Action

SSN = "078-05-1120"
SSN_TEXT = f"my ssn {SSN} today"
SSN_FINDING = Finding("presidio", "pii", "US_SSN", 7, 18, 0.85, f"SSN pattern {SSN}")


@pytest.fixture
def sample(record_at, log):
    """A delivered allow, a reviewed flag holding an SSN, a block on the next day."""
    allow = record_at("2026-03-01T09:00:00.000+00:00", Action.ALLOW, "launch party tonight")
    log.outbox_mark_delivered(allow, upstream_id="1", upstream_url=None, status_code=200)
    flag = record_at("2026-03-01T23:59:59.999+00:00", Action.FLAG, SSN_TEXT, [SSN_FINDING],
                     author="bob")
    log.resolve_review(flag, reviewer="olivia", approve=True, note="fine, masked")
    block = record_at("2026-03-02T00:00:00.000+00:00", Action.BLOCK, "no more")
    return {"allow": allow, "flag": flag, "block": block}


def _export(log, since=None, until=None, **kwargs) -> list[dict]:
    return list(export_decisions(log, since, until, **kwargs))


def test_a_record_is_flat_with_rules_findings_review_and_outbox_state(log, sample):
    rows = {r["ref"]: r for r in _export(log)}
    flag = rows[sample["flag"]]
    assert tuple(flag) == EXPORT_FIELDS
    assert flag["author"] == "bob"
    assert flag["groups"] == ["eng"]
    assert (flag["action"], flag["dialect"], flag["policy_version"]) == ("flag", "native", "v1")
    assert flag["rules"] == ["rule.flag"]
    assert flag["rule_descriptions"] == {"rule.flag": "flag rule"}
    assert flag["findings"] == [
        {"kind": "pii", "label": "US_SSN", "start": 7, "end": 18, "score": 0.85}
    ]
    assert flag["masked_text"] == "my ssn [US_SSN] today"
    assert flag["text_length"] == len(SSN_TEXT)
    assert flag["total_ms"] == 2.0
    assert (flag["review_state"], flag["reviewer"], flag["review_note"]) == (
        "approved", "olivia", "fine, masked")
    assert flag["reviewed_at"]
    assert flag["outbox_state"] == "pending"  # approved: queued to go upstream
    allow = rows[sample["allow"]]
    assert (allow["outbox_state"], allow["review_state"]) == ("delivered", None)
    assert allow["delivered_at"]
    assert (allow["rules"], allow["findings"], allow["rule_descriptions"]) == ([], [], {})


def test_records_carry_seq_and_hash_of_the_chain_in_chain_order(log, sample):
    rows = _export(log)
    seqs = [r["seq"] for r in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3  # review events take seqs between
    for row in rows:
        assert row["hash"] == log.decision(row["ref"])["hash"]


def test_held_and_outbox_text_never_reach_an_export(log, record):
    record(Action.FLAG, SSN_TEXT, [SSN_FINDING])  # pending: the review queue holds the raw text
    ref = record(Action.ALLOW, SSN_TEXT, [SSN_FINDING])  # the outbox holds the raw text
    assert log.outbox_entry(ref)["text"] == SSN_TEXT
    rows = _export(log)
    for write in (write_jsonl, write_csv):
        out = io.StringIO()
        write(rows, out)
        assert SSN not in out.getvalue()
    assert not {"held_text", "text"} & set(rows[0])


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (None, None, ["allow", "flag", "block"]),
        ("2026-03-01", "2026-03-01", ["allow", "flag"]),
        ("2026-03-02", None, ["block"]),
        (None, "2026-02-28", []),
        ("2026-03-01T10:00:00+00:00", "2026-03-02T00:00:00+00:00", ["flag", "block"]),
    ],
)
def test_date_range_bounds_are_inclusive(log, sample, since, until, expected):
    names = {ref: name for name, ref in sample.items()}
    assert [names[r["ref"]] for r in _export(log, since, until)] == expected


def test_bad_dates_raise_before_anything_is_read(log):
    with pytest.raises(SearchError, match="^since:"):
        export_decisions(log, "March", None)


def test_reads_in_batches_and_reports_progress(log, record, monkeypatch):
    monkeypatch.setattr(export, "BATCH_SIZE", 2)
    refs = [record(text=f"post {i}") for i in range(5)]
    calls = []
    rows = export_decisions(log, None, None, progress=lambda done, total: calls.append(
        (done, total)))
    assert [r["ref"] for r in rows] == refs
    assert calls == [(2, 5), (4, 5), (5, 5)]


def test_decisions_recorded_during_an_export_are_left_out(log, record, monkeypatch):
    monkeypatch.setattr(export, "BATCH_SIZE", 1)
    refs = [record() for _ in range(2)]
    rows = export_decisions(log, None, None)
    first = next(rows)
    record()
    assert [first["ref"], *(r["ref"] for r in rows)] == refs


def test_jsonl_round_trips(log, sample):
    rows = _export(log)
    out = io.StringIO()
    assert write_jsonl(rows, out) == 3
    assert [json.loads(line) for line in out.getvalue().splitlines()] == rows


def test_csv_round_trips_with_json_encoded_lists(log, sample):
    rows = _export(log)
    out = io.StringIO(newline="")
    assert write_csv(rows, out) == 3
    read = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert tuple(read[0]) == EXPORT_FIELDS
    for got, want in zip(read, rows, strict=True):
        assert json.loads(got["findings"]) == want["findings"]
        assert json.loads(got["rules"]) == want["rules"]
        assert json.loads(got["rule_descriptions"]) == want["rule_descriptions"]
        assert json.loads(got["groups"]) == want["groups"]
        assert got["masked_text"] == want["masked_text"]
        assert (got["seq"], got["hash"]) == (str(want["seq"]), want["hash"])
        assert got["reviewer"] == (want["reviewer"] or "")


def test_empty_export_writes_only_the_csv_header(log):
    out = io.StringIO()
    assert write_csv(_export(log), out) == 0
    assert out.getvalue().strip() == ",".join(EXPORT_FIELDS)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
        (" =1", " =1"),
        ("", ""),
        (None, ""),
        (-1.5, -1.5),
        (3, 3),
        (["=1"], '["=1"]'),
        ({"a": 1}, '{"a": 1}'),
    ],
)
def test_csv_cell_defuses_formulas(value, cell):
    assert csv_cell(value) == cell


def test_csv_export_defuses_a_formula_typed_into_a_post(log, record):
    record(text="=cmd|' /C calc'!A0", author="@mallory")
    out = io.StringIO()
    write_csv(_export(log), out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["masked_text"] == "'=cmd|' /C calc'!A0"
    assert row["author"] == "'@mallory"

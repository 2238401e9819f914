"""search_decisions: filters, paging and full-text search over the masked text only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from audit import AuditLog
from audit.search import FTS_TABLE, DecisionPage, SearchError, fts_match
from detectors.base import Finding
from policies.types import Action

SSN = "078-05-1120"
SSN_TEXT = f"my ssn {SSN} today"
SSN_FINDING = Finding("presidio", "pii", "US_SSN", 7, 18, 0.85, "SSN pattern")


@pytest.fixture
def sample(record_at):
    """Five decisions over three days, by two authors; returns name -> ref."""
    return {
        "launch": record_at("2026-03-01T09:00:00.000+00:00", Action.ALLOW,
                            "launch party tonight", author="alice"),
        "deploy": record_at("2026-03-01T23:59:59.999+00:00", Action.FLAG,
                            "deployment of falcon friday", author="bob"),
        "ssn": record_at("2026-03-02T00:00:00.000+00:00", Action.BLOCK, SSN_TEXT,
                         [SSN_FINDING], author="alice"),
        "lunch": record_at("2026-03-02T12:00:00.000+00:00", Action.REDACT,
                           "lunch with falcon team", author="bob"),
        "late": record_at("2026-03-03T08:00:00.000+00:00", Action.FLAG,
                          "late night falcon review", author="alice"),
    }


def _names(page: DecisionPage, sample: dict[str, str]) -> list[str]:
    by_ref = {ref: name for name, ref in sample.items()}
    return [by_ref[row["ref"]] for row in page.rows]


def _index_is_consistent(log: AuditLog) -> None:
    """FTS5's own check that the index matches the decisions table's text."""
    with log.store.write() as db:
        db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rank) VALUES ('integrity-check', 1)")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["late", "lunch", "ssn", "deploy", "launch"]),
        ({"action": "flag"}, ["late", "deploy"]),
        ({"rule": "rule.block"}, ["ssn"]),
        ({"author": "bob"}, ["lunch", "deploy"]),
        ({"since": "2026-03-02"}, ["late", "lunch", "ssn"]),
        ({"until": "2026-03-01"}, ["deploy", "launch"]),
        ({"since": date(2026, 3, 2), "until": date(2026, 3, 2)}, ["lunch", "ssn"]),
        ({"since": datetime(2026, 3, 2, 12, tzinfo=UTC)}, ["late", "lunch"]),
        ({"until": "2026-03-02T00:00:00+00:00"}, ["ssn", "deploy", "launch"]),
        ({"since": datetime(2026, 3, 2, 13, tzinfo=timezone(timedelta(hours=1)))},
         ["late", "lunch"]),
        ({"query": "falcon"}, ["late", "lunch", "deploy"]),
        ({"query": "FALCON Lunch"}, ["lunch"]),
        ({"query": "deploy*"}, ["deploy"]),
        ({"query": "deploy"}, []),
        ({"query": "  "}, ["late", "lunch", "ssn", "deploy", "launch"]),
        ({"query": "falcon", "author": "alice"}, ["late"]),
        ({"query": "falcon", "action": "flag", "since": "2026-03-02"}, ["late"]),
        ({"author": "alice", "until": "2026-03-02", "rule": "rule.block"}, ["ssn"]),
        ({"author": "nobody"}, []),
        ({"rule": "no.such.rule"}, []),
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else None,
)
def test_filters_alone_and_combined_give_matching_rows_newest_first(
    log, sample, filters, expected
):
    page = log.search_decisions(**filters)
    assert _names(page, sample) == expected
    assert page.total == len(expected)


def test_until_a_date_takes_in_the_whole_day_to_the_last_millisecond(log, sample):
    page = log.search_decisions(since="2026-03-01", until="2026-03-01")
    assert _names(page, sample) == ["deploy", "launch"]  # deploy is at 23:59:59.999


def test_rows_are_decoded(log, sample):
    row = log.search_decisions(rule="rule.block").rows[0]
    assert row["groups"] == ["eng"]
    assert row["rule_ids"] == ["rule.block"]


@pytest.mark.parametrize(
    ("limit", "offset", "expected", "has_prev", "has_next"),
    [
        (2, 0, ["late", "lunch"], False, True),
        (2, 2, ["ssn", "deploy"], True, True),
        (2, 4, ["launch"], True, False),
        (2, 6, [], True, False),
        (5, 0, ["late", "lunch", "ssn", "deploy", "launch"], False, False),
    ],
)
def test_paging_keeps_the_total_of_all_pages(
    log, sample, limit, offset, expected, has_prev, has_next
):
    page = log.search_decisions(limit=limit, offset=offset)
    assert _names(page, sample) == expected
    assert page.total == 5
    assert (page.has_prev, page.has_next) == (has_prev, has_next)


def test_page_offsets_step_by_limit(log, sample):
    page = log.search_decisions(limit=2, offset=1)
    assert (page.prev_offset, page.next_offset) == (0, 3)


@pytest.mark.parametrize("query", ["078", SSN, "1120", "078-05*", "05"])
def test_search_never_finds_a_masked_value(log, sample, query):
    assert log.search_decisions(query=query).total == 0


def test_search_finds_the_words_around_a_masked_value(log, sample):
    page = log.search_decisions(query="ssn today")
    assert _names(page, sample) == ["ssn"]
    assert page.rows[0]["masked_text"] == "my ssn [US_SSN] today"


@pytest.mark.parametrize(
    "query",
    ['"', '""', "AND", "a OR", "OR falcon", "*", "**", "NEAR(", "NEAR(a b, 2)", ")(",
     "'; drop table", "'; DROP TABLE decisions; --", "masked_text:falcon", "-falcon",
     "^falcon", "{a b}: c", 'falcon"', "fal*con", "NOT", "\\", "%", "_", "\x00"],
)
def test_hostile_queries_give_results_or_nothing_never_an_error(log, sample, query):
    page = log.search_decisions(query=query)
    assert page.total == len(page.rows)
    assert log.search_decisions().total == 5  # and the table is still there


def test_operator_words_are_searched_as_words(log, record):
    ref = record(text="this AND that OR NEAR the other")
    assert [r["ref"] for r in log.search_decisions(query="and OR near").rows] == [ref]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("falcon", '"falcon"'),
        ('say "hi"', '"say" AND """hi"""'),
        ("laun*", '"laun"*'),
        ("a OR b", '"a" AND "OR" AND "b"'),
        ("* ; --", None),
    ],
)
def test_fts_match_quotes_every_word(query, expected):
    assert fts_match(query) == expected


def test_index_follows_text_set_to_null_by_retention(log, sample):
    with log.store.write() as db:
        db.execute("UPDATE decisions SET masked_text = NULL WHERE ref = ?", [sample["lunch"]])
    assert _names(log.search_decisions(query="falcon"), sample) == ["late", "deploy"]
    assert log.search_decisions(query="lunch").total == 0
    _index_is_consistent(log)


def test_index_follows_a_real_retention_run_and_the_chain_verifies(log, sample):
    removed = log.apply_retention(1, now=datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    assert removed == 2  # launch and deploy, of March 1st
    assert _names(log.search_decisions(query="falcon"), sample) == ["late", "lunch"]
    assert log.search_decisions(query="launch").total == 0
    _index_is_consistent(log)
    assert log.verify_chain().ok


def test_index_follows_edited_text_and_deleted_rows(log, sample):
    with log.store.write() as db:
        db.execute("UPDATE decisions SET masked_text = 'brunch' WHERE ref = ?", [sample["lunch"]])
        db.execute("DELETE FROM decisions WHERE ref = ?", [sample["late"]])
    assert _names(log.search_decisions(query="falcon"), sample) == ["deploy"]
    assert _names(log.search_decisions(query="brunch"), sample) == ["lunch"]
    _index_is_consistent(log)


def test_new_decisions_are_searchable_at_once(log, sample, record):
    ref = record(text="another falcon sighting")
    assert log.search_decisions(query="falcon").rows[0]["ref"] == ref
    _index_is_consistent(log)


def test_reopening_keeps_one_index_and_a_missing_one_is_built_from_the_rows(
    log, sample, db_path
):
    for _ in range(2):
        AuditLog(db_path).close()
    assert log.search_decisions(query="falcon").total == 3
    with log.store.write() as db:  # a log from before search existed
        for trigger in ("decisions_fts_ai", "decisions_fts_ad", "decisions_fts_au"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute(f"DROP TABLE {FTS_TABLE}")
    reopened = AuditLog(db_path)
    try:
        assert reopened.search_decisions(query="falcon").total == 3
        _index_is_consistent(reopened)
    finally:
        reopened.close()


def test_the_chain_still_verifies_with_the_index(log, sample):
    assert log.verify_chain().ok


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"action": "delete"}, "action"),
        ({"action": "ALLOW"}, "action"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"until": 20260301}, "until"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "since"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "10"}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_filter_values_raise_search_error_naming_the_field(log, filters, field):
    with pytest.raises(SearchError, match=f"^{field}:"):
        log.search_decisions(**filters)
    assert issubclass(SearchError, ValueError)


def test_filter_options_list_what_is_in_the_log(log, sample):
    options = log.decision_filter_options()
    assert options.actions == ["allow", "redact", "flag", "block"]
    assert options.rules == ["rule.block", "rule.flag", "rule.redact"]
    assert options.authors == ["alice", "bob"]


def test_filter_options_of_an_empty_log_are_empty(log):
    options = log.decision_filter_options()
    assert (options.actions, options.rules, options.authors) == ([], [], [])

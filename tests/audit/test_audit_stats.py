"""dashboard_stats counts decisions, rules and reviews per UTC day in a real SQLite file."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from audit import AuditLog, new_reference
from audit.stats import ACTIONS, TOP_RULES
from policies.types import Action, Decision, FiredRule, Post

NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
TODAY = NOW.date()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _set(log: AuditLog, table: str, ref: str, **columns: str) -> None:
    """Move a row in time: the recorder always stamps the current time."""
    assignments = ", ".join(f"{name} = ?" for name in columns)
    with log.store.write() as db:
        db.execute(f"UPDATE {table} SET {assignments} WHERE ref = ?", [*columns.values(), ref])


def _record_rules(log: AuditLog, rules: Sequence[tuple[str, Action]], at: datetime = NOW) -> str:
    """Record one decision that fired these (rule id, action) pairs, made at `at`."""
    fired = tuple(FiredRule(rule_id, action, "", ()) for rule_id, action in rules)
    strongest = max((action for _, action in rules), key=lambda a: a.strength)
    ref = new_reference()
    log.record_decision(Post("alice", "text", ("eng",)), Decision(strongest, fired, "v1"),
                        ref=ref, dialect="native", timings_ms={}, total_ms=1)
    _set(log, "decisions", ref, created_at=_iso(at))
    return ref


def test_per_day_is_zero_filled_and_runs_oldest_first(log, record):
    for action, at in [
        (Action.BLOCK, NOW),
        (Action.BLOCK, NOW - timedelta(hours=13)),  # 01:00 the same UTC day
        (Action.ALLOW, NOW - timedelta(days=6)),
        (Action.FLAG, NOW - timedelta(days=14)),  # the day before the window
    ]:
        _set(log, "decisions", record(action), created_at=_iso(at))

    stats = log.dashboard_stats(14, now=NOW)

    assert [d.day for d in stats.per_day] == [TODAY - timedelta(days=n) for n in range(13, -1, -1)]
    assert stats.start == date(2026, 11, 13)
    assert stats.end == TODAY
    by_day = {d.day: dict(d.counts) for d in stats.per_day}
    assert by_day[TODAY] == {"allow": 0, "redact": 0, "flag": 0, "block": 2}
    assert by_day[date(2026, 11, 20)] == {"allow": 1, "redact": 0, "flag": 0, "block": 0}
    others = [c for day, c in by_day.items() if day not in (TODAY, date(2026, 11, 20))]
    assert all(c == dict.fromkeys(ACTIONS, 0) for c in others)
    assert stats.totals == {"allow": 1, "redact": 0, "flag": 0, "block": 2}
    assert stats.total == 3
    assert stats.blocked_share == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("created_at", "counted"),
    [
        ("2026-11-20T00:00:00.000+00:00", True),  # first moment of the first day
        ("2026-11-19T23:59:59.999+00:00", False),  # last moment before it
        ("2026-11-26T23:59:59.999+00:00", True),  # later today than `now`: still today
        ("2026-11-27T00:00:00.000+00:00", False),  # tomorrow
    ],
)
def test_window_is_whole_utc_days_ending_today(log, record, created_at, counted):
    _set(log, "decisions", record(Action.REDACT), created_at=created_at)
    assert log.dashboard_stats(7, now=NOW).totals["redact"] == int(counted)


def test_now_in_another_time_zone_is_taken_as_its_utc_day(log, record):
    record(Action.ALLOW)
    tokyo = timezone(timedelta(hours=9))
    stats = log.dashboard_stats(7, now=datetime(2026, 11, 27, 8, 0, tzinfo=tokyo))
    assert stats.end == date(2026, 11, 26)


def test_top_rules_are_most_fired_first_then_by_id(log):
    for rules in [
        [("pii.email", Action.REDACT), ("secret.aws", Action.BLOCK)],
        [("secret.aws", Action.BLOCK)],
        [("secret.aws", Action.BLOCK), ("terms.codename", Action.FLAG)],
        [("terms.codename", Action.FLAG)],
        [("b.rule", Action.REDACT)],
        [("a.rule", Action.REDACT)],
    ]:
        _record_rules(log, rules)
    _record_rules(log, [("old.rule", Action.BLOCK)], at=NOW - timedelta(days=30))

    top = log.dashboard_stats(14, now=NOW).top_rules

    assert [(r.rule_id, r.count, r.action) for r in top] == [
        ("secret.aws", 3, "block"),
        ("terms.codename", 2, "flag"),
        ("a.rule", 1, "redact"),
        ("b.rule", 1, "redact"),
        ("pii.email", 1, "redact"),
    ]


def test_top_rules_stop_at_ten(log):
    for i in range(TOP_RULES + 3):
        _record_rules(log, [(f"rule.{i:02d}", Action.FLAG)])
    assert len(log.dashboard_stats(now=NOW).top_rules) == TOP_RULES


def test_a_rule_whose_action_changed_reports_its_strongest(log):
    _record_rules(log, [("codename", Action.FLAG)])
    _record_rules(log, [("codename", Action.BLOCK)])
    _record_rules(log, [("codename", Action.REDACT)])
    (rule,) = log.dashboard_stats(now=NOW).top_rules
    assert (rule.rule_id, rule.count, rule.action) == ("codename", 3, "block")


def test_queue_size_counts_pending_items_and_ages_the_oldest(log, record):
    refs = [record(Action.FLAG) for _ in range(3)]
    _set(log, "review_queue", refs[0], created_at=_iso(NOW - timedelta(hours=3, minutes=12)))
    _set(log, "review_queue", refs[1], created_at=_iso(NOW - timedelta(minutes=5)))
    log.resolve_review(refs[2], reviewer="olivia", approve=True)

    stats = log.dashboard_stats(now=NOW)

    assert stats.queue_size == 2
    assert stats.oldest_pending_age == timedelta(hours=3, minutes=12)


def test_an_empty_log_has_no_queue_age_median_or_blocked_share(log):
    stats = log.dashboard_stats(now=NOW)
    assert (stats.queue_size, stats.oldest_pending_age) == (0, None)
    assert (stats.reviewed_count, stats.median_review_time) == (0, None)
    assert stats.total == 0
    assert stats.blocked_share is None
    assert stats.top_rules == ()
    assert len(stats.per_day) == 14


@pytest.mark.parametrize(
    ("review_seconds", "median"),
    [
        ([90], 90),
        ([60, 600, 120], 120),  # odd count: the middle one
        ([60, 120, 600, 3600], 360),  # even count: the mean of the middle two
        ([0.25, 0.5], 0.375),  # milliseconds survive
    ],
)
def test_median_review_time_over_items_reviewed_in_the_window(log, record, review_seconds,
                                                                median):
    reviewed_at = NOW - timedelta(days=1)
    for seconds in review_seconds:
        ref = record(Action.FLAG)
        log.resolve_review(ref, reviewer="olivia", approve=False, note="off topic")
        held = reviewed_at - timedelta(seconds=seconds)
        _set(log, "review_queue", ref, created_at=_iso(held), reviewed_at=_iso(reviewed_at))
    # Reviewed before the window: neither counted nor in the median.
    old = record(Action.FLAG)
    log.resolve_review(old, reviewer="olivia", approve=False, note="off topic")
    _set(log, "review_queue", old, created_at=_iso(NOW - timedelta(days=40)),
         reviewed_at=_iso(NOW - timedelta(days=20)))

    stats = log.dashboard_stats(14, now=NOW)

    assert stats.reviewed_count == len(review_seconds)
    assert stats.median_review_time == timedelta(seconds=median)


@pytest.mark.parametrize(("days", "now"), [(0, NOW), (-3, NOW), (7, datetime(2026, 11, 26))],
                         ids=["zero-days", "negative-days", "naive-now"])
def test_bad_arguments_are_refused(log, days, now):
    with pytest.raises(ValueError):
        log.dashboard_stats(days, now=now)


def test_appeals_and_how_many_were_approved(log, record):
    refs = [record(Action.BLOCK, "Falcon ships") for _ in range(3)]
    for ref in refs:
        log.open_appeal(ref, author="alice", justification="public", text="Falcon ships")
    log.resolve_review(refs[0], reviewer="olga", approve=True)
    log.resolve_review(refs[1], reviewer="olga", approve=False, note="not yet")
    stats = log.dashboard_stats(7)
    assert (stats.appeals, stats.appeals_approved) == (3, 1)

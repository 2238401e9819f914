"""Figures for the officers' dashboard, computed from the audit tables.

Every figure is one SQL query (GROUP BY, count, min, a median by OFFSET) over
a window of whole UTC days, so the dashboard stays fast on a large log: rows
are counted in SQLite, never loaded into Python. created_at and reviewed_at
are ISO 8601 UTC strings of one layout, so a string comparison selects a
window and the first ten characters are the UTC day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlite_utils import Database

from policies.types import Action

from .db import Store

ACTIONS: tuple[str, ...] = tuple(a.value for a in Action)  # weakest first: allow ... block
TOP_RULES = 10

# SQL literals built from the Action enum, never from input.
_ACTION_LIST = ", ".join(f"'{a}'" for a in ACTIONS)
# A rule may have changed action between policy versions; report its strongest.
_STRENGTH = " ".join(f"WHEN '{a}' THEN {i}" for i, a in enumerate(ACTIONS))

# Naming the actions lets SQLite read the (action, created_at) index alone.
_PER_DAY_SQL = f"""
SELECT substr(created_at, 1, 10) AS day, action, count(*) AS n
FROM decisions
WHERE action IN ({_ACTION_LIST}) AND created_at >= :start AND created_at < :end
GROUP BY day, action
"""

_TOP_RULES_SQL = f"""
SELECT f.rule_id, count(*) AS n, max(CASE f.action {_STRENGTH} ELSE 0 END) AS strength
FROM fired_rules AS f JOIN decisions AS d ON d.ref = f.ref
WHERE d.created_at >= :start AND d.created_at < :end
GROUP BY f.rule_id
ORDER BY n DESC, f.rule_id
LIMIT :limit
"""

_QUEUE_SQL = """
SELECT count(*) AS n, min(created_at) AS oldest
FROM review_queue WHERE state = 'pending'
"""

_REVIEWED_WHERE = "reviewed_at >= :start AND reviewed_at < :end AND created_at IS NOT NULL"

# Appeals opened in the window, and how many of them an officer approved since.
_APPEALS_SQL = """
SELECT COUNT(*),
       SUM(EXISTS (SELECT 1 FROM events later WHERE later.ref = e.ref
                   AND later.event = 'approved' AND later.seq > e.seq))
FROM events e
WHERE e.event = 'appealed' AND e.at >= :start AND e.at < :end
"""

# SQLite has no median: sort the durations and average the middle one or two.
_MEDIAN_REVIEW_SQL = f"""
SELECT avg(seconds) FROM (
    SELECT (julianday(reviewed_at) - julianday(created_at)) * 86400.0 AS seconds
    FROM review_queue WHERE {_REVIEWED_WHERE}
    ORDER BY seconds LIMIT :take OFFSET :skip
)
"""


@dataclass(frozen=True)
class DayCounts:
    """Decisions recorded on one UTC day; counts has every action, 0 when none."""

    day: date
    counts: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class RuleCount:
    """How many decisions in the window fired a rule (count >= 1)."""

    rule_id: str
    count: int
    action: str  # the strongest action the rule took in the window


@dataclass(frozen=True)
class DashboardStats:
    """The dashboard's figures over the last `days` UTC days, ending today (`end`).

    per_day runs oldest first, one entry per day (zero-filled). totals has
    every action. top_rules is at most TOP_RULES long, most fired first. The
    queue figures are as of now, whatever the window; the review figures cover
    items reviewed in the window.
    """

    days: int
    start: date
    end: date
    per_day: tuple[DayCounts, ...]
    totals: Mapping[str, int]
    top_rules: tuple[RuleCount, ...]
    queue_size: int
    oldest_pending_age: timedelta | None
    median_review_time: timedelta | None
    reviewed_count: int
    appeals: int = 0  # appeals opened in the window
    appeals_approved: int = 0  # of those, approved since: false positives to learn from

    @property
    def total(self) -> int:
        """All decisions in the window."""
        return sum(self.totals.values())

    @property
    def blocked_share(self) -> float | None:
        """Blocked decisions as a fraction (0..1) of all in the window; None if none."""
        return self.totals["block"] / self.total if self.total else None


class StatsMixin:
    """Dashboard figures, as methods of AuditLog."""

    store: Store

    def dashboard_stats(self, days: int = 14, *, now: datetime | None = None) -> DashboardStats:
        """The dashboard's figures for the last `days` UTC days, today included.

        `now` (timezone-aware) is for tests; it defaults to the current time.
        """
        if days < 1:
            raise ValueError(f"days must be at least 1, not {days}")
        now = _utc(now)
        end = now.date()
        start = end - timedelta(days=days - 1)
        window = {"start": start.isoformat(), "end": (end + timedelta(days=1)).isoformat()}
        with self.store.read() as db:
            per_day = _per_day(db, window, start, days)
            top_rules = _top_rules(db, window)
            queue_size, oldest = _queue(db)
            reviewed_count, median = _review_times(db, window)
            appeals = db.execute(_APPEALS_SQL, window).fetchone()
        totals = {a: sum(d.counts[a] for d in per_day) for a in ACTIONS}
        return DashboardStats(
            days=days,
            start=start,
            end=end,
            per_day=per_day,
            totals=totals,
            top_rules=top_rules,
            queue_size=queue_size,
            oldest_pending_age=max(now - oldest, timedelta(0)) if oldest else None,
            median_review_time=median,
            reviewed_count=reviewed_count,
            appeals=appeals[0],
            appeals_approved=appeals[1] or 0,
        )


def _utc(now: datetime | None) -> datetime:
    """`now` in UTC; a naive datetime is refused, as its zone would be a guess."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _per_day(db: Database, window: dict, start: date, days: int) -> tuple[DayCounts, ...]:
    """One DayCounts per day of the window, including the days with no decisions."""
    counts: dict[str, dict[str, int]] = {}
    for row in db.query(_PER_DAY_SQL, window):
        counts.setdefault(row["day"], dict.fromkeys(ACTIONS, 0))[row["action"]] = row["n"]
    result = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        result.append(DayCounts(day, counts.get(day.isoformat(), dict.fromkeys(ACTIONS, 0))))
    return tuple(result)


def _top_rules(db: Database, window: dict) -> tuple[RuleCount, ...]:
    rows = db.query(_TOP_RULES_SQL, {**window, "limit": TOP_RULES})
    return tuple(RuleCount(r["rule_id"], r["n"], ACTIONS[r["strength"]]) for r in rows)


def _queue(db: Database) -> tuple[int, datetime | None]:
    """Pending review items now, and when the oldest of them was held."""
    row = next(db.query(_QUEUE_SQL))
    oldest = datetime.fromisoformat(row["oldest"]) if row["oldest"] else None
    return row["n"], oldest


def _review_times(db: Database, window: dict) -> tuple[int, timedelta | None]:
    """How many items were reviewed in the window, and their median time to review."""
    count = db["review_queue"].count_where(_REVIEWED_WHERE, window)
    if not count:
        return 0, None
    args = {**window, "take": 2 - count % 2, "skip": (count - 1) // 2}
    (seconds,) = db.execute(_MEDIAN_REVIEW_SQL, args).fetchone()
    if seconds is None:  # timestamps SQLite could not parse
        return count, None
    # julianday() is a float of days: round off its sub-millisecond noise.
    return count, timedelta(seconds=round(seconds, 3))

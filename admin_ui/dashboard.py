"""The officers' dashboard: decisions per day, top rules, the queue and review time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import abort, current_app, g, render_template, request

from admin_ui.auth import role_required
from admin_ui.charts import horizontal_bars, stacked_bars
from admin_ui.views import bp
from audit.stats import DashboardStats

DAY_CHOICES = (7, 14, 30, 90)
DEFAULT_DAYS = 14
REVIEW_QUEUE_PATH = "/admin/review"
NO_VALUE = "—"

_UNITS = (("d", 86400), ("h", 3600), ("min", 60), ("s", 1))


@dataclass(frozen=True)
class Tile:
    """One headline number on the dashboard, with a line of context under it."""

    label: str
    value: str
    detail: str


@bp.get("/dashboard")
@role_required("officer")
def dashboard():
    days = _days_param()
    stats: DashboardStats = current_app.extensions["gatepost.audit"].dashboard_stats(days)
    return render_template(
        "dashboard.html",
        stats=stats,
        tiles=tiles(stats),
        per_day_chart=stacked_bars(stats.per_day),
        rules_chart=horizontal_bars(
            stats.top_rules, empty_message=f"No rules fired in the last {days} days"
        ),
        day_choices=DAY_CHOICES,
        review_queue_path=REVIEW_QUEUE_PATH,
        user=g.user,
    )


def _days_param() -> int:
    """?days=, one of DAY_CHOICES; anything else is the client's mistake (400)."""
    raw = request.args.get("days")
    if raw is None:
        return DEFAULT_DAYS
    if raw not in {str(d) for d in DAY_CHOICES}:
        choices = ", ".join(str(d) for d in DAY_CHOICES)
        abort(400, description=f"days must be one of {choices}")
    return int(raw)


def tiles(stats: DashboardStats) -> list[Tile]:
    """The headline numbers: the queue now, review speed, volume, blocked share, and
    appeals (an approved appeal is a false positive the policy admins should see)."""
    window = f"in the last {stats.days} days"
    if stats.queue_size:
        oldest = f"oldest waiting {format_duration(stats.oldest_pending_age)}"
    else:
        oldest = "nothing waiting"
    share = stats.blocked_share
    return [
        Tile("Waiting for review", str(stats.queue_size), oldest),
        Tile("Median time to review", format_duration(stats.median_review_time),
             f"{stats.reviewed_count} reviewed {window}"),
        Tile("Decisions", str(stats.total), window),
        Tile("Blocked", NO_VALUE if share is None else f"{share:.1%}",
             f"{stats.totals['block']} of {stats.total} decisions"),
        Tile("Appeals", str(stats.appeals),
             f"{stats.appeals_approved} approved (false positives) {window}"),
    ]


def format_duration(value: timedelta | None) -> str:
    """A duration in its two largest units, for people: "3 h 12 min", "45 s".

    Fractions of a second are dropped; anything under a second is "0 s".
    """
    if value is None:
        return NO_VALUE
    seconds = max(int(value.total_seconds()), 0)
    amounts = []
    for name, size in _UNITS:
        amount, seconds = divmod(seconds, size)
        amounts.append((amount, name))
    first = next((i for i, (amount, _) in enumerate(amounts) if amount), len(amounts) - 1)
    return " ".join(f"{a} {n}" for a, n in amounts[first : first + 2] if a) or "0 s"

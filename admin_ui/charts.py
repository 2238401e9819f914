"""SVG charts for the officers' dashboard, as markup safe to put in a template.

Pure functions: figures in, SVG out. No script and no style attributes (the
admin UI runs under a strict CSP), only SVG presentation attributes. Every
text and attribute value goes through markupsafe.escape, because rule ids
come from the policy YAML and must be treated as untrusted. Charts use a
viewBox and width="100%" so they scale with the page.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from markupsafe import Markup, escape

from audit.stats import ACTIONS, DayCounts, RuleCount

ACTION_COLORS: Mapping[str, str] = {
    "allow": "#1b7a3a",
    "redact": "#5a3ea8",
    "flag": "#a15c00",
    "block": "#b00020",
}
OTHER_COLOR = "#5b6475"  # a series or rule action without a color of its own
TEXT_COLOR = "#1d2330"
MUTED_COLOR = "#5b6475"
GRID_COLOR = "#e2e6ee"
SVG_NS = "http://www.w3.org/2000/svg"

MAX_X_LABELS = 8  # more day labels than this overlap; show every k-th day
MAX_Y_TICKS = 5
MAX_LABEL_CHARS = 22  # longer rule ids are cut; the full id is in the <title>


@dataclass(frozen=True)
class Frame:
    """An SVG canvas in viewBox units and the margins around its plot area."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.top - self.bottom

    @property
    def plot_bottom(self) -> float:
        return self.height - self.bottom


LEGEND_CHAR_WIDTH = 7.5  # about one character at the chart's font size, in viewBox units
STACKED_FRAME = Frame(width=480, height=260, left=36, right=8, top=34, bottom=26)
BAR_ROW = 26  # horizontal_bars: height of one rule's row
HORIZONTAL_FRAME = Frame(width=480, height=0, left=165, right=40, top=6, bottom=6)
EMPTY_HEIGHT = 80


def stacked_bars(
    per_day: Sequence[DayCounts],
    series_order: Sequence[str] = ACTIONS,
    colors: Mapping[str, str] = ACTION_COLORS,
    *,
    empty_message: str | None = None,
) -> Markup:
    """Decisions per day, one column per day stacked by action, oldest day left.

    The y scale runs to the first round tick at or above the busiest day's
    total, so the top of the tallest column can be read off a labelled line.
    """
    if sum(d.total for d in per_day) == 0:
        message = empty_message or f"No decisions in the last {len(per_day)} days"
        return _empty(STACKED_FRAME, message)
    frame = STACKED_FRAME
    peak = axis_top(max(d.total for d in per_day))
    body = [
        *_legend(series_order, colors, frame),
        *_y_axis(frame, peak),
        *_columns(frame, per_day, series_order, colors, peak),
        *_x_labels(frame, per_day),
    ]
    return _svg(frame, _stacked_summary(per_day, series_order), body)


def horizontal_bars(
    items: Sequence[RuleCount],
    colors: Mapping[str, str] = ACTION_COLORS,
    *,
    empty_message: str = "No rules fired in this period",
) -> Markup:
    """One bar per rule, longest first as given, with its count after the bar.

    Bars take the color of the rule's action; the longest bar fills the plot.
    """
    if not items:
        return _empty(HORIZONTAL_FRAME, empty_message)
    height = HORIZONTAL_FRAME.top + BAR_ROW * len(items) + HORIZONTAL_FRAME.bottom
    frame = replace(HORIZONTAL_FRAME, height=height)
    peak = max(item.count for item in items)
    rows = [_rule_row(frame, i, item, colors, peak) for i, item in enumerate(items)]
    return _svg(frame, _rules_summary(items), rows)


def nice_ticks(maximum: int, most: int = MAX_Y_TICKS) -> list[int]:
    """0 and multiples of a round step (1, 2, 5 x 10^k) up to maximum.

    The step is the smallest that gives at most `most` ticks above zero.
    """
    if maximum <= 0:
        return [0]
    step = next(s for s in _round_steps() if maximum // s <= most)
    return list(range(0, maximum + 1, step))


def axis_top(maximum: int) -> int:
    """The first round tick at or above maximum: where the y scale ends."""
    ticks = nice_ticks(maximum)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1
    return max(1, math.ceil(maximum / step) * step)


def _round_steps() -> Iterator[int]:
    for power in itertools.count():
        for mantissa in (1, 2, 5):
            yield mantissa * 10**power


def _columns(
    frame: Frame,
    per_day: Sequence[DayCounts],
    series_order: Sequence[str],
    colors: Mapping[str, str],
    peak: int,
) -> Iterator[Markup]:
    """A stack of rects per day, each with a <title> for the hover tooltip."""
    band = frame.plot_width / len(per_day)
    width = band * 0.7
    for i, day in enumerate(per_day):
        x = frame.left + i * band + (band - width) / 2
        top = frame.plot_bottom
        for series in series_order:
            value = day.counts.get(series, 0)
            if not value:
                continue
            height = value / peak * frame.plot_height
            top -= height
            tooltip = _el("title", f"{day.day.isoformat()} {series}: {value}")
            yield _el("rect", tooltip, class_="bar", data_day=day.day.isoformat(),
                      data_series=series, data_value=value, x=x, y=top, width=width,
                      height=height, fill=colors.get(series, OTHER_COLOR))


def _y_axis(frame: Frame, peak: int) -> Iterator[Markup]:
    """A grid line and a label at each round tick."""
    for tick in nice_ticks(peak):
        y = frame.plot_bottom - tick / peak * frame.plot_height
        yield _el("line", x1=frame.left, x2=frame.width - frame.right, y1=y, y2=y,
                  stroke=GRID_COLOR if tick else MUTED_COLOR)
        yield _el("text", str(tick), class_="tick", x=frame.left - 6, y=y, dy="0.32em",
                  text_anchor="end", fill=MUTED_COLOR)


def _x_labels(frame: Frame, per_day: Sequence[DayCounts]) -> Iterator[Markup]:
    """Month-day labels under the columns; every k-th one when there are many days.

    Counted back from the newest day, so today always has its label.
    """
    band = frame.plot_width / len(per_day)
    every = math.ceil(len(per_day) / MAX_X_LABELS)
    for i, day in enumerate(per_day):
        if (len(per_day) - 1 - i) % every == 0:
            x = frame.left + (i + 0.5) * band
            yield _el("text", day.day.strftime("%m-%d"), class_="day", x=x,
                      y=frame.plot_bottom + 18, text_anchor="middle", fill=MUTED_COLOR)


def _legend(
    series_order: Sequence[str], colors: Mapping[str, str], frame: Frame
) -> Iterator[Markup]:
    """A color swatch and name per series, in a row above the plot."""
    x = frame.left
    for series in series_order:
        yield _el("rect", x=x, y=8, width=12, height=12, fill=colors.get(series, OTHER_COLOR))
        yield _el("text", series, class_="legend", x=x + 17, y=14, dy="0.32em", fill=TEXT_COLOR)
        x += 17 + LEGEND_CHAR_WIDTH * len(series) + 16


def _rule_row(
    frame: Frame, index: int, item: RuleCount, colors: Mapping[str, str], peak: int
) -> Markup:
    """A rule's label, bar and count, grouped under one <title> with the full id."""
    y = frame.top + index * BAR_ROW
    middle = y + BAR_ROW / 2
    width = item.count / peak * frame.plot_width
    label = item.rule_id
    if len(label) > MAX_LABEL_CHARS:
        label = label[: MAX_LABEL_CHARS - 1] + "…"
    parts = [
        _el("title", f"{item.rule_id} ({item.action}): {item.count}"),
        _el("text", label, class_="rule", x=frame.left - 8, y=middle, dy="0.32em",
            text_anchor="end", fill=TEXT_COLOR),
        _el("rect", class_="bar", data_value=item.count, x=frame.left, y=y + 4,
            width=width, height=BAR_ROW - 8, fill=colors.get(item.action, OTHER_COLOR)),
        _el("text", str(item.count), class_="value", x=frame.left + width + 6, y=middle,
            dy="0.32em", fill=TEXT_COLOR),
    ]
    return _el("g", Markup("").join(parts), class_="row")


def _stacked_summary(per_day: Sequence[DayCounts], series_order: Sequence[str]) -> str:
    """The one-sentence aria-label: the range, the totals and the busiest day."""
    total = sum(d.total for d in per_day)
    by_series = ", ".join(
        f"{sum(d.counts.get(s, 0) for d in per_day)} {s}" for s in series_order
    )
    busiest = max(per_day, key=lambda d: d.total)
    return (
        f"Decisions per day from {per_day[0].day.isoformat()} to "
        f"{per_day[-1].day.isoformat()}: {total} in all ({by_series}); the busiest "
        f"day was {busiest.day.isoformat()} with {busiest.total}."
    )


def _rules_summary(items: Sequence[RuleCount]) -> str:
    listed = ", ".join(f"{item.rule_id} ({item.count})" for item in items)
    return f"The {len(items)} most fired rules, with the decisions that fired each: {listed}."


def _empty(frame: Frame, message: str) -> Markup:
    """The chart's frame holding only a message, so the page layout does not jump."""
    frame = replace(frame, height=EMPTY_HEIGHT)
    text = _el("text", message, class_="empty", x=frame.width / 2, y=frame.height / 2,
               dy="0.32em", text_anchor="middle", fill=MUTED_COLOR)
    return _svg(frame, message, [text])


def _svg(frame: Frame, summary: str, body: Sequence[Markup]) -> Markup:
    return _el(
        "svg", Markup("").join(body), xmlns=SVG_NS,
        viewBox=f"0 0 {_number(frame.width)} {_number(frame.height)}", width="100%",
        role="img", aria_label=summary, font_family="system-ui, sans-serif", font_size=13,
    )


def _el(tag: str, content: str = "", /, **attrs: object) -> Markup:
    """One SVG element. Attribute values and plain-str content are escaped;
    Markup content (child elements) is kept as is.

    Keyword names map to attributes: a trailing "_" is dropped (class_) and
    "_" becomes "-" (text_anchor -> text-anchor).
    """
    rendered = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(_number(value))}"'
        for name, value in attrs.items()
    )
    return Markup(f"<{tag}{rendered}>{escape(content)}</{tag}>")


def _number(value: object) -> str:
    """Coordinates to two decimals at most, to keep the markup short."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)

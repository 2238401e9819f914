"""The dashboard's SVG charts, parsed back with ElementTree: geometry, text, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from markupsafe import Markup

from admin_ui.charts import (
    ACTION_COLORS,
    MAX_LABEL_CHARS,
    STACKED_FRAME,
    horizontal_bars,
    nice_ticks,
    stacked_bars,
)
from audit.stats import ACTIONS, DayCounts, RuleCount

NS = {"svg": "http://www.w3.org/2000/svg"}
Q = "{http://www.w3.org/2000/svg}"  # ElementTree's qualified-name prefix
LAST_DAY = date(2026, 11, 26)


def _days(*counts: dict[str, int]) -> list[DayCounts]:
    """DayCounts ending on LAST_DAY, one per counts mapping, zero-filled."""
    first = LAST_DAY - timedelta(days=len(counts) - 1)
    return [
        DayCounts(first + timedelta(days=i), {a: c.get(a, 0) for a in ACTIONS})
        for i, c in enumerate(counts)
    ]


def _parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))


def _bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{Q}rect") if r.get("class") == "bar"]


def _texts(root: ET.Element, cls: str) -> list[str]:
    return [t.text for t in root.iter(f"{Q}text") if t.get("class") == cls]


WEEK = _days(
    {"allow": 4, "block": 1},
    {},
    {"allow": 10, "redact": 2, "flag": 1, "block": 3},  # the busiest day: 16
    {"flag": 2},
)


def test_stacked_bars_draw_one_rect_per_day_and_nonzero_action():
    bars = _bars(_parse(stacked_bars(WEEK)))
    assert [(b.get("data-day"), b.get("data-series"), b.get("data-value")) for b in bars] == [
        ("2026-11-23", "allow", "4"), ("2026-11-23", "block", "1"),
        ("2026-11-25", "allow", "10"), ("2026-11-25", "redact", "2"),
        ("2026-11-25", "flag", "1"), ("2026-11-25", "block", "3"),
        ("2026-11-26", "flag", "2"),
    ]
    assert all(b.get("fill") == ACTION_COLORS[b.get("data-series")] for b in bars)


def test_stacked_bar_heights_are_proportional_and_the_scale_ends_on_a_labelled_tick():
    root = _parse(stacked_bars(WEEK))
    bars = _bars(root)
    assert _texts(root, "tick")[-1] == "20"  # the busiest day has 16; ticks go 0, 5 ... 20
    unit = STACKED_FRAME.plot_height / 20
    for bar in bars:
        expected = int(bar.get("data-value")) * unit
        assert float(bar.get("height")) == pytest.approx(expected, abs=0.01)
    busiest = [b for b in bars if b.get("data-day") == "2026-11-25"]
    top = STACKED_FRAME.plot_bottom - 16 * unit
    assert min(float(b.get("y")) for b in busiest) == pytest.approx(top, abs=0.01)
    for day in {b.get("data-day") for b in bars}:  # every column stands on the axis
        column = [b for b in bars if b.get("data-day") == day]
        bottom = max(float(b.get("y")) + float(b.get("height")) for b in column)
        assert bottom == pytest.approx(STACKED_FRAME.plot_bottom, abs=0.01)


def test_stacked_bars_have_hover_titles_legend_and_a_summary():
    root = _parse(stacked_bars(WEEK))
    titles = [t.text for t in root.iter(f"{Q}title")]
    assert "2026-11-25 block: 3" in titles
    assert _texts(root, "legend") == list(ACTIONS)
    assert root.get("role") == "img"
    assert root.get("viewBox") == f"0 0 {STACKED_FRAME.width} {STACKED_FRAME.height}"
    assert root.get("aria-label") == (
        "Decisions per day from 2026-11-23 to 2026-11-26: 23 in all (14 allow, 2 redact, "
        "3 flag, 4 block); the busiest day was 2026-11-25 with 16."
    )


@pytest.mark.parametrize(
    ("days", "labels"),
    [(7, 7), (8, 8), (14, 7), (30, 8), (90, 8)],
)
def test_day_labels_are_thinned_but_the_last_day_keeps_its_label(days, labels):
    shown = _texts(_parse(stacked_bars(_days(*[{"allow": 1}] * days))), "day")
    assert len(shown) == labels
    assert shown[-1] == "11-26"


@pytest.mark.parametrize(
    ("maximum", "ticks"),
    [
        (0, [0]),
        (1, [0, 1]),
        (5, [0, 1, 2, 3, 4, 5]),
        (7, [0, 2, 4, 6]),
        (16, [0, 5, 10, 15]),
        (100, [0, 20, 40, 60, 80, 100]),
        (1234, [0, 500, 1000]),
    ],
)
def test_y_ticks_are_round_numbers_up_to_the_maximum(maximum, ticks):
    assert nice_ticks(maximum) == ticks


def test_y_axis_labels_the_round_ticks():
    assert _texts(_parse(stacked_bars(WEEK)), "tick") == ["0", "5", "10", "15", "20"]


@pytest.mark.parametrize("per_day", [_days(*[{}] * 14), []], ids=["all-zero", "no-days"])
def test_stacked_bars_without_decisions_say_so_inside_the_svg(per_day):
    root = _parse(stacked_bars(per_day))
    assert _bars(root) == []
    assert _texts(root, "empty") == [f"No decisions in the last {len(per_day)} days"]
    assert root.get("role") == "img"
    assert root.get("aria-label") == f"No decisions in the last {len(per_day)} days"


RULES = [
    RuleCount("secret.aws", 12, "block"),
    RuleCount("terms.codename", 6, "flag"),
    RuleCount("pii.email", 3, "redact"),
]


def test_horizontal_bars_widths_are_proportional_with_value_labels():
    root = _parse(horizontal_bars(RULES))
    bars = _bars(root)
    widths = [float(b.get("width")) for b in bars]
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.01)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.01)
    assert [b.get("fill") for b in bars] == [ACTION_COLORS[a] for a in ("block", "flag", "redact")]
    assert _texts(root, "rule") == ["secret.aws", "terms.codename", "pii.email"]
    assert _texts(root, "value") == ["12", "6", "3"]
    assert "secret.aws (12)" in root.get("aria-label")


@pytest.mark.parametrize(
    "rule_id",
    ["<script>alert(1)</script>", '" onload="alert(1)', "a & b's <rule>"],
    ids=["script-tag", "attribute-breakout", "ampersand-quote"],
)
def test_untrusted_rule_ids_are_escaped_and_the_svg_still_parses(rule_id):
    svg = horizontal_bars([RuleCount(rule_id, 2, "block")])
    assert "<script" not in svg
    root = _parse(svg)
    (label,) = _texts(root, "rule")
    assert rule_id.startswith(label.rstrip("…"))
    assert root.find("svg:g/svg:title", NS).text.startswith(rule_id)
    assert rule_id in root.get("aria-label")
    assert root.get("onload") is None
    assert not list(root.iter(f"{Q}script"))


def test_a_long_rule_id_is_cut_on_screen_and_kept_whole_in_its_title():
    rule_id = "detectors.pii.recognizers.custom.employee-badge-number"
    root = _parse(horizontal_bars([RuleCount(rule_id, 1, "flag")]))
    (label,) = _texts(root, "rule")
    assert len(label) == MAX_LABEL_CHARS
    assert label.endswith("…")
    assert rule_id in root.find("svg:g/svg:title", NS).text


def test_horizontal_bars_without_rules_say_so():
    root = _parse(horizontal_bars([], empty_message="No rules fired in the last 7 days"))
    assert _bars(root) == []
    assert _texts(root, "empty") == ["No rules fired in the last 7 days"]


@pytest.mark.parametrize(
    "svg",
    [stacked_bars(WEEK), stacked_bars([]), horizontal_bars(RULES), horizontal_bars([])],
    ids=["stacked", "stacked-empty", "horizontal", "horizontal-empty"],
)
def test_charts_carry_no_style_attributes_for_the_csp(svg):
    assert all(el.get("style") is None for el in _parse(svg).iter())

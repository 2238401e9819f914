"""How `gatepost eval` prints its figures: text for a terminal, or plain JSON.

One corpus prints as one column (``render``); a dev and a test part print
side by side with the targets beside them (``render_parts``). Misses of a
part are listed only when asked: the test part's are kept back by default,
since reading them turns the test part into dev data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from policies import Action
from proxy.evaluate import ACTIONS, TARGETS, Metrics, Rate, Result, Target

CELL = 26  # width of one part's column in the side-by-side table


@dataclass(frozen=True)
class Shown:
    """What a report prints besides the figures.

    listed: the parts whose misses are listed by id (others give a count).
    text: also the text of each listed miss (it may hold what the policy protects).
    """

    listed: frozenset[str] = frozenset({"dev"})
    text: bool = False


def metrics_json(metrics: Metrics, *, show_text: bool = False,
                 list_misses: bool = True) -> dict[str, Any]:
    """The figures as plain JSON types; rates are null when nothing was measured.

    Without list_misses, "misses" is left out and only "miss_count" tells them.
    """
    out: dict[str, Any] = {
        "posts": metrics.posts,
        "confusion": {e.value: {d.value: n for d, n in row.items()}
                      for e, row in metrics.confusion.items()},
        "categories": {name: _rate_json(r) for name, r in metrics.categories.items()},
        "block_recall": _rate_json(metrics.block_recall),
        "flag_recall": _rate_json(metrics.flag_recall),
        "evasion_recall": _rate_json(metrics.evasion_recall),
        "clean_fp_rate": _rate_json(metrics.clean_fp_rate),
        "hard_negative_fp_rate": _rate_json(metrics.hard_negative_fp_rate),
        "macro_f1": metrics.macro_f1,
        "targets": {t.attr: {"name": t.name, "op": t.op, "bound": t.bound,
                             "met": t.met(metrics)} for t in TARGETS},
        "miss_count": len(metrics.misses),
    }
    if list_misses:
        out["misses"] = [_miss_json(m, show_text) for m in metrics.misses]
    return out


def _rate_json(r: Rate) -> dict[str, Any]:
    return {"rate": r.value, "hits": r.hits, "total": r.total}


def _miss_json(miss: Result, show_text: bool) -> dict[str, Any]:
    row = {"id": miss.case.id, "category": miss.case.category,
           "expected": miss.case.expect.value, "got": miss.action.value,
           "rules": list(miss.rules), "labels": list(miss.labels)}
    if show_text:
        row["text"] = miss.case.text
    return row


def render(metrics: Metrics, *, show_text: bool = False) -> list[str]:
    """One corpus as lines of text: matrix, categories, headline figures, misses."""
    marks = {t.attr: f"  target {t.op} {t.bound:.2f}: {_verdict(t, metrics)}" for t in TARGETS}
    f1 = "  n/a" if metrics.macro_f1 is None else f"{metrics.macro_f1:.3f}"
    lines = [*_matrix(metrics), "", *_categories(metrics), "",
             f"block recall    {_fmt(metrics.block_recall)}  "
             f"({_of(metrics.block_recall)} blocked){marks['block_recall']}",
             f"flag recall     {_fmt(metrics.flag_recall)}  "
             f"({_of(metrics.flag_recall)} held: flagged or blocked){marks['flag_recall']}",
             f"evasion recall  {_fmt(metrics.evasion_recall)}  "
             f"({_of(metrics.evasion_recall)} evasion posts met){marks['evasion_recall']}",
             f"clean FP rate   {_fmt(metrics.clean_fp_rate)}  "
             f"({_of(metrics.clean_fp_rate)} expected allow, not allowed)"
             f"{marks['clean_fp_rate']}",
             f"  hard-negative {_fmt(metrics.hard_negative_fp_rate)}  "
             f"({_of(metrics.hard_negative_fp_rate)} hard negatives, not allowed)",
             f"macro-F1        {f1}  (allow, flag, block; exact action)",
             ""]
    return lines + _misses(metrics, show_text)


def render_parts(parts: Mapping[str, Metrics], shown: Shown = Shown()) -> list[str]:
    """Parts side by side (headline figures and targets), then each part's tables."""
    names = list(parts)
    lines = [f"{'figure':<20}{'target':<10}" + "".join(f"{n:<{CELL}}" for n in names),
             f"{'posts':<30}" + "".join(f"{m.posts:<{CELL}}" for m in parts.values())]
    for target in TARGETS:
        lines.append(f"{target.name:<20}{target.op + f' {target.bound:.2f}':<10}" + "".join(
            f"{_cell(getattr(m, target.attr), _verdict(target, m)):<{CELL}}"
            for m in parts.values()))
    lines.append(f"{'  hard-negative':<30}" + "".join(
        f"{_cell(m.hard_negative_fp_rate):<{CELL}}" for m in parts.values()))
    lines.append(f"{'macro-F1':<30}" + "".join(
        f"{'n/a' if m.macro_f1 is None else f'{m.macro_f1:.3f}':<{CELL}}"
        for m in parts.values()))
    for name, metrics in parts.items():
        lines += ["", f"== {name} ==", *_matrix(metrics), "", *_categories(metrics), ""]
        if name in shown.listed:
            lines += _misses(metrics, shown.text)
        else:
            lines.append(f"misses ({len(metrics.misses)}): not listed (--show-test-misses "
                         "lists them, for the final report only: reading them turns the "
                         f"{name} part into dev data)")
    return [line.rstrip() for line in lines]


def _matrix(metrics: Metrics) -> list[str]:
    shown = [a for a in ACTIONS if a is not Action.REDACT
             or any(row[a] for row in metrics.confusion.values())]
    lines = ["confusion matrix (rows: expected, columns: decided)",
             "expected  " + "".join(f"{a.value:>7}" for a in shown) + "  total"]
    for expect in shown:
        row = metrics.confusion[expect]
        lines.append(f"{expect.value:<10}" + "".join(f"{row[a]:>7}" for a in shown)
                     + f"{sum(row.values()):>7}")
    return lines


def _categories(metrics: Metrics) -> list[str]:
    lines = ["category        posts    met   rate   (met: allowed if allow expected, "
             "else decided at least as strictly)"]
    for name, r in metrics.categories.items():
        lines.append(f"{name:<15}{r.total:>6}{r.hits:>7}  {_fmt(r)}")
    return lines


def _misses(metrics: Metrics, show_text: bool) -> list[str]:
    lines = [f"misses ({len(metrics.misses)}):"]
    for miss in metrics.misses:
        fired = ", ".join(miss.rules) or "-"
        labels = f" [{', '.join(miss.labels)}]" if miss.labels else ""
        lines.append(f"  {miss.case.id}  expected {miss.case.expect.value}, "
                     f"got {miss.action.value}; rules: {fired}{labels}")
        if show_text:
            lines.append(f"    text: {visible(miss.case.text)}")
    return lines


def _verdict(target: Target, metrics: Metrics) -> str:
    return {True: "met", False: "NOT MET", None: "n/a"}[target.met(metrics)]


def _cell(rate: Rate, verdict: str = "") -> str:
    if rate.value is None:
        return f"n/a ({_of(rate)})"
    return f"{rate.value:.3f} ({_of(rate)}) {verdict}".rstrip()


def _of(rate: Rate) -> str:
    return f"{rate.hits}/{rate.total}"


def _fmt(rate: Rate) -> str:
    return "  n/a" if rate.value is None else f"{rate.value:.3f}"


def visible(text: str) -> str:
    """One line, with invisible characters (zero-width, controls) shown as \\uXXXX."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in {"Cf", "Cc", "Zl", "Zp"} else c
        for c in text
    )

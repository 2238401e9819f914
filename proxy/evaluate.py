"""Detection quality on a labelled corpus: what `gatepost eval` measures.

A corpus is JSON lines of ``{"id", "text", "expect", "category"}``. Each post
is decided by the same engine as ``gatepost scan``; ``measure`` then turns
the decisions into a confusion matrix, a rate per category, block and flag
recall and the false-positive rate on posts that should pass. ``measure`` is
pure, so its arithmetic is tested on a few hand-made results.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import IO, Any

from policies import Action, Decision, Post
from proxy.errors import ProxyError

ACTIONS = tuple(sorted(Action, key=lambda a: a.strength))  # allow, redact, flag, block
CORPUS_AUTHOR = "eval"


class BadCorpusLine(ProxyError):
    """A corpus line is not a labelled post; the message starts with FILE:LINE."""


@dataclass(frozen=True)
class Case:
    """One labelled post of the corpus."""

    id: str
    text: str
    expect: Action
    category: str
    groups: tuple[str, ...] = ()

    def post(self) -> Post:
        return Post(CORPUS_AUTHOR, self.text, self.groups)


@dataclass(frozen=True)
class Result:
    """What the engine decided for a case; rules and labels are those that fired."""

    case: Case
    action: Action
    rules: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        """Allow expected: allowed. Otherwise: decided at least as strictly as expected."""
        if self.case.expect is Action.ALLOW:
            return self.action is Action.ALLOW
        return self.action.strength >= self.case.expect.strength

    @classmethod
    def of(cls, case: Case, decision: Decision) -> Result:
        labels = {f.label for rule in decision.rules for f in rule.findings}
        return cls(case, decision.action, tuple(r.id for r in decision.rules),
                   tuple(sorted(labels)))


@dataclass(frozen=True)
class Rate:
    """hits out of total; value is None when total is 0 (nothing to measure)."""

    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None


@dataclass(frozen=True)
class Metrics:
    """The figures of one run.

    confusion: expected action -> decided action -> count (every action present).
    categories: category -> posts that met their expectation (allowed when
    allow is expected, else decided at least as strictly), in corpus order.
    block_recall: blocked / expected block.
    flag_recall: held (flagged or blocked) / expected flag.
    clean_fp_rate: not allowed / expected allow (the clean posts).
    misses: results that did not meet their expectation, in corpus order.
    """

    posts: int
    confusion: Mapping[Action, Mapping[Action, int]]
    categories: Mapping[str, Rate]
    block_recall: Rate
    flag_recall: Rate
    clean_fp_rate: Rate
    misses: tuple[Result, ...]


def measure(results: Sequence[Result]) -> Metrics:
    """Confusion matrix, per-category rates, recalls and clean false positives."""
    pairs = Counter((r.case.expect, r.action) for r in results)
    confusion = {e: MappingProxyType({d: pairs[e, d] for d in ACTIONS}) for e in ACTIONS}
    categories: dict[str, Rate] = {}
    for r in results:
        old = categories.get(r.case.category, Rate(0, 0))
        categories[r.case.category] = Rate(old.hits + r.met, old.total + 1)

    def rate(expect: Action, hit: set[Action]) -> Rate:
        row = confusion[expect]
        return Rate(sum(row[a] for a in hit), sum(row.values()))

    return Metrics(
        posts=len(results),
        confusion=MappingProxyType(confusion),
        categories=MappingProxyType(categories),
        block_recall=rate(Action.BLOCK, {Action.BLOCK}),
        flag_recall=rate(Action.FLAG, {Action.FLAG, Action.BLOCK}),
        clean_fp_rate=rate(Action.ALLOW, {Action.REDACT, Action.FLAG, Action.BLOCK}),
        misses=tuple(r for r in results if not r.met),
    )


def read_corpus(stream: IO[str]) -> Iterator[Case]:
    """Parse every line; a bad one raises BadCorpusLine naming FILE:LINE."""
    seen: dict[str, int] = {}
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        where = f"{getattr(stream, 'name', '<stdin>')}:{lineno}"
        try:
            case = _case(json.loads(line), lineno)
        except (ValueError, TypeError) as exc:
            raise BadCorpusLine(f"{where}: bad labelled post: {exc}") from exc
        if case.id in seen:
            first = seen[case.id]
            raise BadCorpusLine(f"{where}: duplicate id {case.id!r} (first on line {first})")
        seen[case.id] = lineno
        yield case


def _case(obj: Any, lineno: int) -> Case:
    if not isinstance(obj, dict):
        raise TypeError("a line must be a JSON object")
    missing = [key for key in ("text", "expect") if key not in obj]
    if missing:
        raise ValueError(f"missing {' and '.join(missing)}")
    text, expect = obj["text"], obj["expect"]
    if not isinstance(text, str):
        raise TypeError("text must be a string")
    if expect not in {a.value for a in ACTIONS}:
        raise ValueError(f"expect must be one of {', '.join(a.value for a in ACTIONS)}")
    groups = obj.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise TypeError("groups must be a list of strings")
    category = obj.get("category", "uncategorised")
    if not isinstance(category, str) or not category:
        raise TypeError("category must be a non-empty string")
    return Case(str(obj.get("id", lineno)), text, Action(expect), category, tuple(groups))


def metrics_json(metrics: Metrics, *, show_text: bool = False) -> dict[str, Any]:
    """The figures as plain JSON types; rates are null when nothing was measured."""

    def rate(r: Rate) -> dict[str, Any]:
        return {"rate": r.value, "hits": r.hits, "total": r.total}

    return {
        "posts": metrics.posts,
        "confusion": {e.value: {d.value: n for d, n in row.items()}
                      for e, row in metrics.confusion.items()},
        "categories": {name: rate(r) for name, r in metrics.categories.items()},
        "block_recall": rate(metrics.block_recall),
        "flag_recall": rate(metrics.flag_recall),
        "clean_fp_rate": rate(metrics.clean_fp_rate),
        "misses": [_miss_json(m, show_text) for m in metrics.misses],
    }


def _miss_json(miss: Result, show_text: bool) -> dict[str, Any]:
    row = {"id": miss.case.id, "category": miss.case.category,
           "expected": miss.case.expect.value, "got": miss.action.value,
           "rules": list(miss.rules), "labels": list(miss.labels)}
    if show_text:
        row["text"] = miss.case.text
    return row


def render(metrics: Metrics, *, show_text: bool = False) -> list[str]:
    """The figures as lines of text for a terminal."""
    shown = [a for a in ACTIONS if a is not Action.REDACT
             or any(row[a] for row in metrics.confusion.values())]
    lines = ["confusion matrix (rows: expected, columns: decided)",
             "expected  " + "".join(f"{a.value:>7}" for a in shown) + "  total"]
    for expect in shown:
        row = metrics.confusion[expect]
        lines.append(f"{expect.value:<10}" + "".join(f"{row[a]:>7}" for a in shown)
                     + f"{sum(row.values()):>7}")
    lines += ["", "category        posts    met   rate   (met: allowed if allow expected, "
              "else decided at least as strictly)"]
    for name, r in metrics.categories.items():
        lines.append(f"{name:<15}{r.total:>6}{r.hits:>7}  {_fmt(r)}")
    lines += [
        "",
        f"block recall    {_fmt(metrics.block_recall)}  "
        f"({metrics.block_recall.hits}/{metrics.block_recall.total} blocked)",
        f"flag recall     {_fmt(metrics.flag_recall)}  "
        f"({metrics.flag_recall.hits}/{metrics.flag_recall.total} held: flagged or blocked)",
        f"clean FP rate   {_fmt(metrics.clean_fp_rate)}  "
        f"({metrics.clean_fp_rate.hits}/{metrics.clean_fp_rate.total} expected allow, not allowed)",
        "",
        f"misses ({len(metrics.misses)}):",
    ]
    for miss in metrics.misses:
        fired = ", ".join(miss.rules) or "-"
        labels = f" [{', '.join(miss.labels)}]" if miss.labels else ""
        lines.append(f"  {miss.case.id}  expected {miss.case.expect.value}, "
                     f"got {miss.action.value}; rules: {fired}{labels}")
        if show_text:
            lines.append(f"    text: {visible(miss.case.text)}")
    return lines


def _fmt(rate: Rate) -> str:
    return "  n/a" if rate.value is None else f"{rate.value:.3f}"


def visible(text: str) -> str:
    """One line, with invisible characters (zero-width, controls) shown as \\uXXXX."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in {"Cf", "Cc", "Zl", "Zp"} else c
        for c in text
    )

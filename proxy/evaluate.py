"""Detection quality on a labelled corpus: what `gatepost eval` measures.

A corpus is JSON lines of ``{"id", "text", "expect", "category"}``. Each post
is decided by the same engine as ``gatepost scan``; ``measure`` then turns
the decisions into a confusion matrix, a rate per category, block recall,
flag caught, evasion recall, the allow false-positive rate (overall and on
hard negatives) and macro-F1 over allow/flag/block. ``measure`` is pure, so
its arithmetic is tested on a few hand-made results. ``TARGETS`` are the
figures Gatepost aims at; proxy/eval_report.py prints them beside each part.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import IO, Any

from policies import Action, Decision, Post
from proxy.errors import ProxyError

ACTIONS = tuple(sorted(Action, key=lambda a: a.strength))  # allow, redact, flag, block
F1_ACTIONS = (Action.ALLOW, Action.FLAG, Action.BLOCK)  # what the default policy decides
CORPUS_AUTHOR = "eval"
EVASION, HARD_NEGATIVE = "evasion", "hard-negative"


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
    flag_recall ("flag caught"): held (flagged or blocked) / expected flag.
    evasion_recall: posts of category "evasion" that met their expectation /
    posts of that category.
    clean_fp_rate ("allow FP rate"): not allowed / expected allow.
    hard_negative_fp_rate: the same, on category "hard-negative" alone.
    macro_f1: the mean F1 of allow, flag and block, 0.0 to 1.0, counting a
    decision right only when it is exactly the expected action (a flag
    expected and blocked is wrong here, though caught above); an action
    neither expected nor decided is left out; None when none is left.
    misses: results that did not meet their expectation, in corpus order.
    """

    posts: int
    confusion: Mapping[Action, Mapping[Action, int]]
    categories: Mapping[str, Rate]
    block_recall: Rate
    flag_recall: Rate
    evasion_recall: Rate
    clean_fp_rate: Rate
    hard_negative_fp_rate: Rate
    macro_f1: float | None
    misses: tuple[Result, ...]


@dataclass(frozen=True)
class Target:
    """A figure Gatepost aims at: attr of Metrics, at least (>=) or at most (<=) bound."""

    name: str
    attr: str
    op: str
    bound: float

    def met(self, metrics: Metrics) -> bool | None:
        """Whether the figure reaches the bound; None when nothing was measured."""
        value = getattr(metrics, self.attr).value
        if value is None:
            return None
        return value >= self.bound if self.op == ">=" else value <= self.bound


TARGETS = (
    Target("block recall", "block_recall", ">=", 0.97),
    Target("flag caught", "flag_recall", ">=", 0.90),
    Target("evasion recall", "evasion_recall", ">=", 0.90),
    Target("allow FP rate", "clean_fp_rate", "<=", 0.02),
)


def measure(results: Sequence[Result]) -> Metrics:
    """Confusion matrix, per-category rates, recalls, false positives and macro-F1."""
    pairs = Counter((r.case.expect, r.action) for r in results)
    confusion = {e: MappingProxyType({d: pairs[e, d] for d in ACTIONS}) for e in ACTIONS}
    categories: dict[str, Rate] = {}
    for r in results:
        old = categories.get(r.case.category, Rate(0, 0))
        categories[r.case.category] = Rate(old.hits + r.met, old.total + 1)
    hard = [r for r in results
            if r.case.category == HARD_NEGATIVE and r.case.expect is Action.ALLOW]

    def rate(expect: Action, hit: set[Action]) -> Rate:
        row = confusion[expect]
        return Rate(sum(row[a] for a in hit), sum(row.values()))

    return Metrics(
        posts=len(results),
        confusion=MappingProxyType(confusion),
        categories=MappingProxyType(categories),
        block_recall=rate(Action.BLOCK, {Action.BLOCK}),
        flag_recall=rate(Action.FLAG, {Action.FLAG, Action.BLOCK}),
        evasion_recall=categories.get(EVASION, Rate(0, 0)),
        clean_fp_rate=rate(Action.ALLOW, {Action.REDACT, Action.FLAG, Action.BLOCK}),
        hard_negative_fp_rate=Rate(sum(r.action is not Action.ALLOW for r in hard), len(hard)),
        macro_f1=macro_f1(confusion),
        misses=tuple(r for r in results if not r.met),
    )


def macro_f1(confusion: Mapping[Action, Mapping[Action, int]]) -> float | None:
    """Mean over F1_ACTIONS of 2TP / (2TP + FP + FN), leaving out actions never seen."""
    scores = []
    for action in F1_ACTIONS:
        true_pos = confusion[action][action]
        false_pos = sum(row[action] for expect, row in confusion.items() if expect is not action)
        false_neg = sum(confusion[action].values()) - true_pos
        if true_pos + false_pos + false_neg:
            scores.append(2 * true_pos / (2 * true_pos + false_pos + false_neg))
    return sum(scores) / len(scores) if scores else None


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

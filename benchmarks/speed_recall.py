"""Table 3 of benchmarks/scan_speed.py: recall on the labelled corpus, presidio vs Gatepost.

Both sides decide every post of tests/data/corpus.jsonl once (not timed) with
the same policy and the same ``Policy.decide``; ``proxy.evaluate.measure``
scores both, as ``gatepost eval`` does. Gatepost: ``proxy.gateway.evaluate``.
Presidio: the benchmark's plain AnalyzerEngine, its results turned into
Gatepost Findings (see ``presidio_findings``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from speed_sides import LANGUAGE, presidio_entities

PRESIDIO_DETECTOR = "plain-presidio"  # the Finding.detector of the anchor's findings
PATTERN_DETECTOR = "python-re"


def read_cases(path: Path) -> list[Any]:
    from proxy.evaluate import read_corpus

    with path.open(encoding="utf-8") as stream:
        return list(read_corpus(stream))


def compile_patterns(policy: Any) -> tuple[list[tuple[str, re.Pattern[str]]], list[str]]:
    """The policy's patterns compiled with Python re; labels re cannot compile are returned."""
    compiled, skipped = [], []
    for label, source in policy.patterns.items():
        try:
            compiled.append((label, re.compile(source)))
        except re.error:
            skipped.append(label)
    return compiled, skipped


def presidio_findings(
    results: Sequence[Any],
    text: str,
    policy: Any,
    patterns: Sequence[tuple[str, re.Pattern[str]]],
) -> list[Any]:
    """Presidio's RecognizerResults as Gatepost Findings, plus the policy's patterns.

    A deny-list entity (CODENAMES, ...) becomes a "term" Finding with the
    policy's list label (codenames, ...); any other entity a "pii" Finding with
    presidio's entity label and score. Presidio has no notion of policy
    patterns, so they run with Python re on the raw text as "pattern" Findings.
    Presidio has no secret recognizers: no "secret" Findings.
    """
    from detectors.base import Finding

    lists = {label.upper(): label for label in policy.term_lists}
    findings = []
    for r in results:
        label = lists.get(r.entity_type)
        findings.append(
            Finding(
                detector=PRESIDIO_DETECTOR,
                kind="pii" if label is None else "term",
                label=r.entity_type if label is None else label,
                start=r.start,
                end=r.end,
                score=min(1.0, max(0.0, float(r.score))),
                explanation=f"presidio {r.entity_type}",
            )
        )
    for label, compiled in patterns:
        findings.extend(
            Finding(PATTERN_DETECTOR, "pattern", label, m.start(), m.end(), 1.0,
                    f"pattern {label}: re '{compiled.pattern}'")
            for m in compiled.finditer(text)
            if m.end() > m.start()
        )
    return findings


def decide_all(
    cases: Sequence[Any], policy: Any, analyzer: Any, engine: Any
) -> tuple[list[Any], list[Any], list[str]]:
    """Each case decided by presidio (+ re patterns) and by Gatepost; skipped pattern labels."""
    from proxy.evaluate import Result
    from proxy.gateway import evaluate

    entities = presidio_entities(policy)
    patterns, skipped = compile_patterns(policy)
    presidio, gatepost = [], []
    for case in cases:
        post = case.post()
        results = analyzer.analyze(text=case.text, language=LANGUAGE, entities=list(entities))
        findings = presidio_findings(results, case.text, policy, patterns)
        presidio.append(Result.of(case, policy.decide(findings, post)))
        gatepost.append(Result.of(case, evaluate(engine, post).decision))
    return presidio, gatepost, skipped


def corpus_recall(
    corpus: Path, names: tuple[str, str], policy: Any, analyzer: Any, engine: Any,
    verdict: Callable[[bool], str],
) -> bool:
    """Print the table; returns whether Gatepost's recall is equal or better on the corpus.

    names: how to show the corpus and the policy. Equal or better: block
    recall and flag recall at least presidio's, and the clean false-positive
    rate no higher than presidio's.
    """
    from proxy.evaluate import measure

    cases = read_cases(corpus)
    presidio, gatepost, skipped = decide_all(cases, policy, analyzer, engine)
    p, g = measure(presidio), measure(gatepost)
    print(
        f"\nRecall on the labelled corpus ({names[0]}) under {names[1]}: {len(cases)} posts, "
        f"each decided once (not timed) by the same Policy.decide"
    )
    print(
        "  presidio: its results as Findings (deny-list entities -> kind 'term' with the list "
        f"label: {', '.join(policy.term_lists)}; other entities -> kind 'pii', entity and score);"
    )
    print(
        "  the policy's patterns run with Python re on the raw text (presidio has no notion of "
        "them); no secret findings (presidio has no secret recognizers)"
    )
    if skipped:
        print(f"  patterns Python re cannot compile, left out for presidio: {', '.join(skipped)}")
    print(f"{'':28}{'presidio':>18}{'Gatepost':>18}")
    rows = [
        ("block recall", p.block_recall, g.block_recall),
        ("flag recall", p.flag_recall, g.flag_recall),
        ("clean FP rate", p.clean_fp_rate, g.clean_fp_rate),
    ]
    for name, pr, gr in rows:
        print(f"{name:28}{cell(pr):>18}{cell(gr):>18}")
    print("per category (met: allowed if allow expected, else decided at least as strictly)")
    for category, pr in p.categories.items():
        gr = g.categories[category]
        print(f"{'  ' + category:28}{cell(pr):>18}{cell(gr):>18}")
    print(f"{'posts not met':28}{len(p.misses):>18}{len(g.misses):>18}")
    as_good = (
        rate(g.block_recall) >= rate(p.block_recall)
        and rate(g.flag_recall) >= rate(p.flag_recall)
        and rate(g.clean_fp_rate) <= rate(p.clean_fp_rate)
    )
    print(
        f"recall equal or better on the corpus: {verdict(as_good)}  (block and flag recall at "
        f"least presidio's, clean FP rate no higher)"
    )
    return as_good


def rate(r: Any) -> float:
    return 0.0 if r.value is None else r.value


def cell(r: Any) -> str:
    value = "n/a" if r.value is None else f"{r.value:.3f}"
    return f"{value} {f'({r.hits}/{r.total})':>9}"

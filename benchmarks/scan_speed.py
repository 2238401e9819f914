"""Scan speed: Gatepost vs plain presidio-analyzer, side by side, one core, one run.

Run from the repository root:

    .venv/bin/python benchmarks/scan_speed.py [--quick] [--posts N]

Prints (benchmarks/README.md says what each figure means):

1. For 80- and 280-character posts: presidio's AnalyzerEngine (the policy's
   term lists as deny-list recognizers) and Gatepost (scan + decide with
   policies/default.yaml) on the same posts: posts/s, p50/p99 ms per post,
   the ratio, and recall on planted items.
2. Both sides with 10, 1,000 and 10,000 policy terms, relative to 10.
3. Recall on the labelled corpus tests/data/corpus.jsonl, decided by the same
   policy from presidio's results (as Findings) and from Gatepost's scan.
4. The DESIGN.md targets with PASS/MISS.

Offline: the process refuses network connections for its whole run.
"""

from __future__ import annotations

import os

# One core: thread pools must be sized before numpy/thinc/spaCy are imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Mapping, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from speed_corpus import Sample, build_corpora  # noqa: E402
from speed_recall import corpus_recall  # noqa: E402
from speed_sides import (  # noqa: E402
    EXPECTED,
    FOUND_SCORE,
    MODEL,
    build_presidio,
    gatepost_found,
    gatepost_runner,
    pipeline,
    policy_with_terms,
    presidio_entities,
    presidio_found,
    presidio_runner,
)
from speed_timing import (  # noqa: E402
    PASSES,
    Measurement,
    interleaved,
    pin_to_one_core,
    refuse_network,
)

POLICY_PATH = ROOT / "policies" / "default.yaml"
CORPUS_PATH = ROOT / "tests" / "data" / "corpus.jsonl"
SEED = 20240611
LENGTHS = (80, 280)  # characters per post, one corpus each
TERM_SIZES = (10, 1_000, 10_000)  # 10: the shipped policy as is (12 terms)
SCALING_LENGTH = 280  # the posts the policy-size table uses
DEFAULT_POSTS, QUICK_POSTS = 300, 80  # per corpus
SCALING_WARM_UP = 20  # posts per runner before the policy-size passes
PRESIDIO_SCALING_BUDGET_S = 90.0  # presidio's policy-size passes are capped to this
GATEPOST_SCALING_PASS_S = 6.0  # Gatepost's policy-size passes get posts for about this
GATEPOST_SCALING_MAX_POSTS = 2_000
RATIO_TARGET, NER_RATIO_TARGET, TERMS_DROP_TARGET = 10.0, 5.0, 0.10
# The NER policy: the default policy plus one context-gated PERSON rule (DESIGN.md:
# ">= 5x on a policy with a context-gated NER rule"). Both sides are asked for PERSON.
NER_RULE = """
  - id: colleague-health
    description: Your post names someone next to health news; a compliance officer reviews it.
    action: flag
    match: {pii: [PERSON], context: [hospital, surgery, diagnosis, sick leave, chemo], window: 8}
"""
# A share of the NER table's clean posts open with one of these (a name next to
# a context term), so the gate lets some posts through to the spaCy model: the
# figure then includes what gated posts cost, not only what gating saves.
HEALTH_OPENINGS = (
    "Wishing Maria Gonzalez a quick recovery after her surgery.",
    "Tom Berg is back from sick leave on Monday, welcome back!",
    "Priya Patel starts chemo this week, sending love.",
    "Kofi Mensah is in hospital, the team sent flowers.",
)
HEALTH_SHARE = 0.10
BUSY_WARNING = 0.05  # warn when other jobs held the core this share of the time

Runner = Callable[[str], Any]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


# --------------------------------------------------------------------------
# Table 1: presidio vs Gatepost, per post length


def compare(
    length: int, corpora: list[list[Sample]], runners: Mapping[str, Runner],
    target: float = RATIO_TARGET,
) -> tuple[float, bool]:
    """Table for one post length; returns (Gatepost/presidio posts/s, recall as good).

    corpora[0] is the warm-up pass, then one corpus per timed pass.
    """
    warm = {name: [fn(s.text) for s in corpora[0]] for name, fn in runners.items()}
    passes = [[s.text for s in c] for c in corpora[1:]]
    m = interleaved({name: (fn, passes) for name, fn in runners.items()})
    p, g = m["presidio"], m["gatepost"]
    planted = sum(s.kind is not None for s in corpora[0])
    print(
        f"\n{length}-character posts: {len(passes[0])} posts a pass, new ones each pass, mean "
        f"{statistics.mean(len(t) for t in passes[0]):.0f} chars, "
        f"{len(passes[0]) - planted} clean, {planted} with one planted item"
    )
    print(f"{'':28}{'presidio':>14}{'Gatepost':>14}")
    print(f"{'posts/s (CPU time)':28}{p.rate:>9.1f} {p.spread:>4}{g.rate:>9.1f} {g.spread:>4}")
    print(f"{'posts/s (wall clock)':28}{p.wall_rate:>14.1f}{g.wall_rate:>14.1f}")
    print_busy(p, g)
    print(f"{'p50 ms/post':28}{p.ms(50):>14.2f}{g.ms(50):>14.2f}")
    print(f"{'p99 ms/post':28}{p.ms(99):>14.2f}{g.ms(99):>14.2f}")
    ratio = g.rate / p.rate
    print(
        f"{'Gatepost/presidio':28}{'':>14}{ratio:>13.2f}x   target >= {target:.0f}x  "
        f"{verdict(ratio >= target)}  (wall clock {g.wall_rate / p.wall_rate:.2f}x)"
    )
    samples = corpora[0] + corpora[-1]  # the warm-up pass and the last timed pass
    as_good = print_recall(samples, warm["presidio"] + p.outputs, warm["gatepost"] + g.outputs)
    print_breakdown(warm["gatepost"])
    again = interleaved({"g": (runners["gatepost"], [passes[-1]] * PASSES)})["g"]
    print(
        f"Gatepost on posts it has scanned before (its result cache): p50 {again.ms(50):.3f} ms, "
        f"{again.rate:.0f} posts/s; the figures above are for posts not seen before"
    )
    return ratio, as_good


def print_busy(*measurements: Measurement) -> None:
    busy = max(m.preempted for m in measurements)
    if busy > BUSY_WARNING:
        print(
            f"  (machine busy: other jobs held this core {busy:.0%} of the wall-clock time; "
            f"latencies include it, posts/s by CPU time do not)"
        )


def print_recall(samples: list[Sample], presidio: list[Any], gatepost: list[Any]) -> bool:
    """Recall rows and the clean-post check; returns whether Gatepost's recall is as good."""
    print(f"recall on the planted items of {len(samples)} posts (warm-up and last pass):")
    as_good = True
    for kind, (_, entity) in EXPECTED.items():
        mine = [i for i, s in enumerate(samples) if s.kind == kind]
        pr = sum(presidio_found(presidio[i], samples[i]) for i in mine) if entity else 0
        gr = sum(gatepost_found(gatepost[i], samples[i]) for i in mine)
        as_good &= gr >= pr
        note = "" if entity else "  (presidio: no recognizer)"
        print(f"{'recall ' + kind:28}{f'{pr}/{len(mine)}':>14}{f'{gr}/{len(mine)}':>14}{note}")
    clean = [i for i, s in enumerate(samples) if s.kind is None]
    p_hits = sum(any(r.score >= FOUND_SCORE for r in presidio[i]) for i in clean)
    g_hits = sum(gatepost[i].decision.action.value != "allow" for i in clean)
    print(f"{'clean posts with a hit':28}{p_hits:>14}{g_hits:>14}")
    return as_good


def print_breakdown(evaluations: Sequence[Any]) -> None:
    per: dict[str, float] = {}
    for e in evaluations:
        for name, ms in e.scan.timings_ms.items():
            per[name] = per.get(name, 0.0) + ms
    n = len(evaluations)
    rest = sum(e.total_ms for e in evaluations) - sum(per.values())
    parts = [f"{name} {ms / n:.2f}" for name, ms in per.items()] + [f"decide+rest {rest / n:.2f}"]
    print("Gatepost ms/post by detector (warm-up pass): " + ", ".join(parts))
    print("  ('presidio' there is Gatepost's PII detector, its own AnalyzerEngine)")
    errors = sum(1 for e in evaluations if e.scan.errors)
    if errors:
        print(f"WARNING: {errors} Gatepost evaluations had detector errors")


def ner_policy_table(analyzer: Any, presidio: Any, corpora: list[list[Sample]]) -> float:
    """Table 1 again, 280 characters, for the default policy plus a context-gated PERSON rule."""
    from policies import parse_policy
    from proxy.app import build_engine

    text = POLICY_PATH.read_text(encoding="utf-8").replace("\ntests:", NER_RULE + "\ntests:", 1)
    policy = parse_policy(text, source="default.yaml+ner", base_dir=POLICY_PATH.parent)
    engine = build_engine(policy, analyzer)
    pii = next(d for d in engine.scanner.detectors if d.name == "presidio")
    gate = ", ".join(sorted(policy.term_lists[next(iter(policy.pii_gates["PERSON"]))]))
    print(f"\nPolicy with a context-gated NER rule: policies/default.yaml plus "
          f"'colleague-health' (PERSON within 8 words of: {gate}). Gatepost runs the spaCy "
          f"model only on posts with one of those terms "
          f"({'gated' if pii.needs_terms_found else 'NOT gated: on every post'}); presidio "
          f"entities: {', '.join(presidio_entities(policy))}")
    runners = {
        "presidio": presidio_runner(presidio, presidio_entities(policy)),
        "gatepost": gatepost_runner(engine),
    }
    corpora = [with_health_openings(corpus) for corpus in corpora]
    ratio, _ = compare(SCALING_LENGTH, corpora, runners, NER_RATIO_TARGET)
    labels = policy.pii_gates["PERSON"]
    texts = [s.text for c in corpora[1:] for s in c]
    ner = sum(any(f.kind == "term" and f.label in labels for f in engine.scanner.scan(t).findings)
              for t in texts)
    print(f"Gatepost ran the spaCy model on {ner} of the {len(texts)} timed posts (a term of "
          f"the rule's context list); tokens only on the others")
    return ratio


def with_health_openings(corpus: list[Sample]) -> list[Sample]:
    """The corpus with every 1/HEALTH_SHARE-th clean post opening with a health sentence,
    cut at a word boundary to its old length."""
    step, out = round(1 / HEALTH_SHARE), []
    for index, sample in enumerate(corpus):
        if sample.kind is None and index % step == 0:
            opening = HEALTH_OPENINGS[index // step % len(HEALTH_OPENINGS)]
            text = f"{opening} {sample.text}"
            cut = text.rfind(" ", 0, max(len(sample.text), len(opening) + 1))
            sample = Sample(text[:cut] if cut > len(opening) else opening, None, None)
        out.append(sample)
    return out


# --------------------------------------------------------------------------
# Table 2: both sides against policy size


@dataclass
class Sized:
    """One policy size: Gatepost's engine and presidio's analyzer for it."""

    terms: int  # in all the policy's lists
    gatepost: Runner
    presidio: Runner
    build_ms: float  # Gatepost's build_engine
    first_ms: float = 0.0  # presidio's first analyze, which compiles the deny-list regex


def build_sizes(policy: Any, analyzer: Any, presidio: Any) -> list[Sized]:
    from proxy.app import build_engine

    base_count = sum(len(v) for v in policy.term_lists.values())
    sizes = []
    for size in TERM_SIZES:
        sized = policy
        if size > base_count:
            sized = policy_with_terms(POLICY_PATH, size, base_count, SEED)
        started = time.perf_counter()
        engine = build_engine(sized, analyzer)
        build_ms = (time.perf_counter() - started) * 1000
        anchor = presidio
        if sized is not policy:
            anchor = build_presidio(sized.term_lists, presidio.nlp_engine)
        runners = (gatepost_runner(engine), presidio_runner(anchor, presidio_entities(sized)))
        terms = sum(len(v) for v in sized.term_lists.values())
        sizes.append(Sized(terms, *runners, build_ms=build_ms))
    return sizes


def warm_up(sizes: list[Sized], texts: Sequence[str]) -> dict[str, float]:
    """Warm every runner up; returns seconds per post of each side, summed over the sizes."""
    per_post = {"presidio": 0.0, "gatepost": 0.0}
    for s in sizes:
        started = time.perf_counter()
        s.presidio(texts[0])
        s.first_ms = (time.perf_counter() - started) * 1000
        for side, fn in (("presidio", s.presidio), ("gatepost", s.gatepost)):
            started = time.perf_counter()
            for t in texts[1 : SCALING_WARM_UP + 1]:
                fn(t)
            per_post[side] += (time.perf_counter() - started) / SCALING_WARM_UP
    return per_post


@dataclass(frozen=True)
class ScalingPosts:
    """The posts of each timed pass of table 2, per side."""

    gatepost: list[list[str]]
    presidio: list[list[str]]
    capped: bool  # presidio's passes were cut short to fit the budget


def scaling_posts(
    sizes: list[Sized], corpora: list[list[Sample]], term_lists: Mapping[str, Sequence[str]]
) -> ScalingPosts:
    """Two thirds of each pass of table 1; more for Gatepost if it is fast, fewer for
    presidio if it is too slow."""
    n = max(SCALING_WARM_UP, len(corpora[1]) * 2 // 3)
    per_post = warm_up(sizes, [s.text for s in corpora[0]])
    p_n = min(n, int(PRESIDIO_SCALING_BUDGET_S / PASSES / per_post["presidio"]))
    p_n = max(SCALING_WARM_UP, p_n)
    g_n = min(GATEPOST_SCALING_MAX_POSTS, int(GATEPOST_SCALING_PASS_S / per_post["gatepost"]))
    gatepost_corpora = corpora[1:]
    if g_n > n:
        gatepost_corpora = build_corpora(PASSES, g_n, SCALING_LENGTH, term_lists, SEED + 1)
    return ScalingPosts(
        gatepost=[[s.text for s in c[: max(n, g_n)]] for c in gatepost_corpora],
        presidio=[[s.text for s in c[:p_n]] for c in corpora[1:]],
        capped=p_n < n,
    )


def scaling(
    sizes: list[Sized], corpora: list[list[Sample]], term_lists: Mapping[str, Sequence[str]]
) -> tuple[float, float]:
    """Table of throughput against policy size; returns each side's first -> last change."""
    posts = scaling_posts(sizes, corpora, term_lists)
    runners: dict[str, tuple[Runner, Sequence[Sequence[str]]]] = {}
    for s in sizes:
        runners[f"g{s.terms}"] = (s.gatepost, posts.gatepost)
        runners[f"p{s.terms}"] = (s.presidio, posts.presidio)
    m = interleaved(runners)
    g_n, p_n = len(posts.gatepost[0]), len(posts.presidio[0])
    print(
        f"\nPolicy size: {SCALING_LENGTH}-character posts, new ones each pass, Gatepost {g_n} "
        f"and presidio {p_n} a pass; synthetic codenames added to the default policy; "
        f"posts/s median of {PASSES} interleaved passes"
    )
    if posts.capped:
        print(f"presidio capped to {p_n} posts a pass to keep the run short")
    print(
        f"{'terms':>7} | {'Gatepost':>8} {'rel.':>5} {'(wall)':>6} {'p99 ms':>7} {'terms ms':>8} "
        f"{'build ms':>8} "
        f"| {'presidio':>8} {'rel.':>5} {'p99 ms':>7} {'1st call ms':>11}"
    )
    g0, p0 = m[f"g{sizes[0].terms}"], m[f"p{sizes[0].terms}"]
    for s in sizes:
        g, p = m[f"g{s.terms}"], m[f"p{s.terms}"]
        print(
            f"{s.terms:>7,} | {g.rate:>8.1f} {g.rate / g0.rate:>5.0%} "
            f"{f'({g.wall_rate / g0.wall_rate:.0%})':>6} {g.ms(99):>7.2f} "
            f"{fmt(terms_ms(g.outputs), '.3f'):>8} {s.build_ms:>8.0f} "
            f"| {p.rate:>8.1f} {p.rate / p0.rate:>5.0%} {p.ms(99):>7.2f} {s.first_ms:>11.0f}"
        )
    g_last, p_last = m[f"g{sizes[-1].terms}"], m[f"p{sizes[-1].terms}"]
    print_busy(*m.values())
    print_terms_cost(sizes, terms_ms(g0.outputs), terms_ms(g_last.outputs), g0.rate)
    return g_last.rate / g0.rate - 1, p_last.rate / p0.rate - 1


def print_terms_cost(
    sizes: list[Sized], first_ms: float | None, last_ms: float | None, rate: float
) -> None:
    if first_ms is None or last_ms is None:
        return
    extra = last_ms - first_ms
    print(
        f"terms detector alone, {sizes[-1].terms:,} vs {sizes[0].terms} terms: {extra:+.3f} "
        f"ms/post = {extra * rate / 1000:+.2%} of a post's time (the cost of policy size "
        f"without the machine's noise)"
    )


def terms_ms(evaluations: Sequence[Any]) -> float | None:
    """mean ms/post of the terms detector in the last pass, if the scanner has one"""
    times = [e.scan.timings_ms["terms"] for e in evaluations if "terms" in e.scan.timings_ms]
    return statistics.mean(times) if times else None


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


# --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_POSTS} posts per corpus")
    parser.add_argument("--posts", type=int, help=f"posts per corpus (default {DEFAULT_POSTS})")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    pinned = pin_to_one_core()
    refuse_network()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    from detectors import build_analyzer
    from policies import load_policy
    from proxy.app import build_engine

    policy = load_policy(POLICY_PATH)
    term_lists = {k: list(v) for k, v in policy.term_lists.items()}
    n_posts = args.posts or (QUICK_POSTS if args.quick else DEFAULT_POSTS)
    corpora = {n: build_corpora(PASSES + 1, n_posts, n, term_lists, SEED) for n in LENGTHS}
    started = time.perf_counter()
    analyzer = build_analyzer(MODEL)
    engine = build_engine(policy, analyzer)
    gp_load, started = time.perf_counter() - started, time.perf_counter()
    presidio = build_presidio(term_lists)
    p_load = time.perf_counter() - started

    print(f"Scan speed: presidio-analyzer AnalyzerEngine vs Gatepost, seed {SEED}")
    print(
        f"one core ({pinned}; OMP/MKL/OpenBLAS threads 1), {platform.python_implementation()} "
        f"{platform.python_version()}, network disabled, spaCy model {MODEL}"
    )
    print(f"presidio spaCy pipeline: {pipeline(presidio)}; load {p_load:.1f}s")
    pii = next((d for d in engine.scanner.detectors if d.name == "presidio"), None)
    path = (f"spaCy {pipeline(analyzer)}" if pii is not None and pii.runs_ner
            else "tokenizer only (no rule in force needs an NER entity)")
    print(f"Gatepost per post: {path}; load {gp_load:.1f}s (analyzer + engine)")
    print(f"presidio entities: {', '.join(presidio_entities(policy))}")
    print(
        f"posts/s: posts / CPU time of a pass (the process is pinned and single-threaded), "
        f"median of {PASSES} interleaved passes after a warm-up pass, each pass on posts of its "
        f"own; ± half the range of the passes; p50/p99: perf_counter around every timed call"
    )
    runners = {
        "presidio": presidio_runner(presidio, presidio_entities(policy)),
        "gatepost": gatepost_runner(engine),
    }
    results = {n: compare(n, corpora[n], runners) for n in LENGTHS}
    ner_ratio = ner_policy_table(analyzer, presidio, corpora[SCALING_LENGTH])
    sizes = build_sizes(policy, analyzer, presidio)
    changes = scaling(sizes, corpora[SCALING_LENGTH], term_lists)
    names = (str(CORPUS_PATH.relative_to(ROOT)), str(POLICY_PATH.relative_to(ROOT)))
    corpus_ok = corpus_recall(CORPUS_PATH, names, policy, presidio, engine, verdict)
    print_targets(results, sizes, changes, corpus_ok)
    print(f"  throughput >= {NER_RATIO_TARGET:.0f}x presidio, policy with a context-gated NER "
          f"rule, {SCALING_LENGTH}-char posts: {ner_ratio:.2f}x  "
          f"{verdict(ner_ratio >= NER_RATIO_TARGET)}  (default policy: "
          f"{results[SCALING_LENGTH][0]:.2f}x)")
    print(f"\n(total run {time.perf_counter() - began:.0f}s)")
    return 0


def print_targets(
    results: Mapping[int, tuple[float, bool]],
    sizes: list[Sized],
    changes: tuple[float, float],
    corpus_ok: bool,
) -> None:
    print("\nTargets (DESIGN.md)")
    for n, (ratio, _) in results.items():
        print(
            f"  throughput >= {RATIO_TARGET:.0f}x presidio, {n}-char posts: "
            f"{ratio:.2f}x  {verdict(ratio >= RATIO_TARGET)}"
        )
    as_good = all(ok for _, ok in results.values())
    print(f"  recall equal or better on every planted kind: {verdict(as_good)}")
    print(f"  recall equal or better on the labelled corpus: {verdict(corpus_ok)}")
    g_change, p_change = changes
    print(
        f"  10 ({sizes[0].terms}) -> {sizes[-1].terms:,} terms costs <= "
        f"{TERMS_DROP_TARGET:.0%} throughput: Gatepost {g_change:+.1%}  "
        f"{verdict(g_change >= -TERMS_DROP_TARGET)}  (presidio, for reference: {p_change:+.1%})"
    )


if __name__ == "__main__":
    sys.exit(main())

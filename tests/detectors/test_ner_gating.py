"""NER runs only where a rule that needs it can fire: context-gated PERSON rules."""

from __future__ import annotations

import pytest

from policies import Post, parse_policy
from proxy.app import build_engine
from proxy.gateway import evaluate

GATED = """
version: 1
name: gated
default_action: allow
lists:
  health: [hospital, surgery, diagnosis]
rules:
  - id: colleague-health
    action: flag
    match: {pii: [PERSON], context: health, window: 8}
  - id: ids
    action: block
    match: {pii: [US_SSN]}
"""
UNGATED_TOO = GATED + """
  - id: names
    action: flag
    match: {pii: [PERSON]}
"""


@pytest.fixture(scope="module")
def gated(analyzer):
    return build_engine(parse_policy(GATED, source="gated.yaml"), analyzer)


def test_an_entity_only_context_rules_use_is_gated_by_their_lists() -> None:
    assert dict(parse_policy(GATED, source="g").pii_gates) == {"PERSON": {"health"}}
    assert "PERSON" not in parse_policy(UNGATED_TOO, source="u").pii_gates


def test_a_gated_detector_tokenizes_posts_without_a_context_term(gated) -> None:
    (pii,) = [d for d in gated.scanner.detectors if d.name == "presidio"]
    assert not pii.runs_ner and pii.needs_terms_found
    assert not pii.ner_on(frozenset())
    assert pii.ner_on(frozenset(pii.gates["PERSON"]))


@pytest.mark.parametrize(
    ("text", "rules", "person_found"),
    [
        ("Wishing Maria Gonzalez a quick recovery after her surgery.", ["colleague-health"], True),
        ("Great keynote by Maria Gonzalez at the conference.", [], False),
        ("Maria Gonzalez's SSN is 219-09-9999", ["ids"], False),
    ],
)
def test_a_gated_rule_fires_as_before_and_ner_runs_only_near_its_terms(
    gated, text: str, rules: list[str], person_found: bool
) -> None:
    evaluation = evaluate(gated, Post(author="dana", text=text))
    assert [r.id for r in evaluation.decision.rules] == rules
    assert any(f.label == "PERSON" for f in evaluation.scan.findings) is person_found


def test_an_ungated_rule_on_the_same_entity_runs_ner_on_every_post(analyzer) -> None:
    engine = build_engine(parse_policy(UNGATED_TOO, source="u.yaml"), analyzer)
    (pii,) = [d for d in engine.scanner.detectors if d.name == "presidio"]
    assert pii.runs_ner and not pii.needs_terms_found
    evaluation = evaluate(engine, Post(author="dana", text="Great keynote by Maria Gonzalez."))
    assert [r.id for r in evaluation.decision.rules] == ["names"]

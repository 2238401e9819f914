"""The shipped default policy's PII rules, decided on the real PII detector's findings.

policies/default.yaml carries cases that `gatepost policy check` runs; these
add the ones its fake-scanner test cannot express (SSNs, IBANs, bank
accounts, context-only phone numbers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from detectors import PiiDetector
from policies import DEFAULT_POLICY_PATH, Policy, Post, load_policy

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

BLOCK_ID = ("block", ["id-and-payment-numbers"])
FLAG_CONTACT = ("flag", ["personal-contact-details"])
ALLOW = ("allow", [])


@pytest.fixture(scope="module")
def default() -> Policy:
    return load_policy(DEFAULT_POLICY_PATH)


@pytest.fixture(scope="module")
def detector(analyzer: AnalyzerEngine, default: Policy) -> PiiDetector:
    return PiiDetector(analyzer, default.pii_entities)


def test_default_policy_needs_no_ner_model(detector: PiiDetector) -> None:
    assert not detector.runs_ner


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The benefits portal wants my SSN again, it's 219-09-9999", BLOCK_ID),
        ("Card for the team lunch is 4111 1111 1111 1111", BLOCK_ID),
        ("Refund went to DE89 3704 0044 0532 0130 00, thanks finance!", BLOCK_ID),
        ("My checking account is 000123456789, send the dinner money there", BLOCK_ID),
        ("Renewing my passport, number 912803456, wish me luck", BLOCK_ID),
        ("New state, new driver license: D1234567", BLOCK_ID),
        ("My ITIN is 912-70-1234 if the accountant asks", BLOCK_ID),
        ("Running late, text me on 4155550132 when you're here", FLAG_CONTACT),
        ("Call me at 415 555 0132 after the demo", FLAG_CONTACT),
        ("Questions? 415-555-0132", FLAG_CONTACT),
        ("Questions? Write to me at jane.doe.home@gmail.com", FLAG_CONTACT),
        ("Great keynote by Maria Gonzalez at the conference this morning.", ALLOW),
        ("Welcome to the team, Priya and Tom! Lunch with Jane Doe at noon.", ALLOW),
        ("Order #4155550100 shipped: v2.14.1 lands 2026-11-26, $1,299.99 per seat", ALLOW),
        ("Tracking number 9400111899223197428490 says the swag is in Memphis", ALLOW),
        ("Build 20261126.3 is green, 1234567 tests ran at 14:30 on 11/26/2026", ALLOW),
        ("The United States has 331000000 people and one great team", ALLOW),
        ("Founded in 1640, the college still hosts our hackathon", ALLOW),
    ],
)
def test_default_policy_decides_pii_posts(
    detector: PiiDetector, default: Policy, text: str, expected: tuple[str, list[str]]
) -> None:
    decision = default.decide(detector.detect(text), Post(author="t", text=text))
    assert (decision.action.value, [r.id for r in decision.rules]) == expected

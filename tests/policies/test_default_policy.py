"""The shipped default.yaml: valid, the expected rules, and its own `tests:` pass."""

from __future__ import annotations

import subprocess
import sys

import pytest
from policy_helpers import fake_scanner

from policies import DEFAULT_POLICY_PATH, Action, Policy, load_policy, parse_policy
from policies.selftest import failures, run_policy_tests


@pytest.fixture(scope="module")
def default() -> Policy:
    return load_policy(DEFAULT_POLICY_PATH)


def test_default_policy_has_the_expected_rules_in_order(default: Policy) -> None:
    assert default.name == "Northwind social media policy"
    assert default.default_action is Action.ALLOW
    assert [(r.id, r.action.value) for r in default.rules] == [
        ("no-secrets", "block"),
        ("id-and-payment-numbers", "block"),
        ("codenames", "block"),
        ("ambiguous-codenames", "block"),
        ("nda-customers", "flag"),
        ("personal-contact-details", "flag"),
        ("internal-links", "flag"),
    ]


def test_every_default_rule_explains_itself_in_a_sentence(default: Policy) -> None:
    for rule in default.rules:
        assert rule.description[:1].isupper() and rule.description.endswith("."), rule.id


def test_default_customers_come_from_the_list_file(default: Policy) -> None:
    assert {"Contoso Pharma", "Tailspin Toys", "Fabrikam"} <= set(default.term_lists["customers"])
    assert "#" not in "".join(default.term_lists["customers"])


def test_default_policy_scans_for_any_secret_and_the_id_numbers(default: Policy) -> None:
    assert default.secret_labels is None
    assert {"US_SSN", "CREDIT_CARD", "IBAN_CODE", "UK_NINO", "EMAIL_ADDRESS", "STREET_ADDRESS",
            "DATE_OF_BIRTH"} <= default.pii_entities


def test_default_policy_own_tests_pass_with_a_fake_scanner(default: Policy) -> None:
    results = run_policy_tests(default, fake_scanner(default))
    assert len(results) >= 6
    assert {r.case.expect for r in results} == {Action.ALLOW, Action.FLAG, Action.BLOCK}
    assert failures(results) == [], [str(r) for r in failures(results)]


def test_a_failing_policy_test_case_is_reported() -> None:
    policy = parse_policy(
        "version: 1\nrules: [{id: c, action: block, match: {terms: [Falcon]}}]\n"
        "tests:\n  - {text: Falcon lands, expect: flag, rules: [c]}\n",
        source="p.yaml",
    )
    (result,) = run_policy_tests(policy, fake_scanner(policy))
    assert not result.passed
    assert str(result) == "line 4: FAIL: expected flag ['c'], got block ['c']: 'Falcon lands'"


def test_importing_policies_loads_no_nlp_models() -> None:
    code = (
        "import sys, policies; policies.load_policy(policies.DEFAULT_POLICY_PATH); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('spacy', 'presidio_analyzer')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

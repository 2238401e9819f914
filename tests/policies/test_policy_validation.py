"""Validation: every problem reported at once, as FILE:LINE: key.path: message."""

from __future__ import annotations

import textwrap

import pytest

from policies import PolicyError, PolicyInvalid, PolicyIssue, parse_policy

HEAD = """\
version: 1
name: Test
lists:
  codenames: [Falcon]
rules:
"""  # a rule snippet appended to HEAD starts on line 6


def issues_of(text: str) -> list[str]:
    with pytest.raises(PolicyInvalid) as exc:
        parse_policy(text, source="p.yaml")
    return [str(issue) for issue in exc.value.issues]


def rule(snippet: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(snippet), "  ")


def one(fields: str) -> str:
    """A policy whose single rule (line 6) is the flow mapping {fields}."""
    return rule(f"- {{{fields}}}\n")


def flag(extra: str) -> str:
    """A policy with one valid flag rule 'a' (line 6) plus extra rule keys."""
    return one(f"id: a, action: flag, match: {{terms: [k]}}{extra}")


def matching(match: str) -> str:
    return one(f"id: a, action: flag, match: {{{match}}}")


TESTS = "tests:\n  - "  # the first test case is on line 8 after flag("")

CASES = [
    # top level
    ("version_other_than_1", "version: 2\nrules: []\n", "p.yaml:1: version: must be 1, got 2"),
    ("version_true_is_not_1", "version: true\nrules: []\n", "p.yaml:1: version: must be 1"),
    ("version_missing", "name: x\nrules: []\n", "p.yaml:1: version: required"),
    ("rules_missing", "version: 1\n", "p.yaml:1: rules: required"),
    ("rules_not_a_list", "version: 1\nrules: {a: 1}\n",
     "p.yaml:2: rules: must be a list, got a mapping"),
    ("rules_empty", "version: 1\nrules: []\n", "p.yaml:2: rules: must not be empty"),
    ("top_key_misspelt", "version: 1\nrulez: []\n",
     "p.yaml:2: rulez: unknown key (did you mean rules?)"),
    ("default_action_unknown", "version: 1\ndefault_action: deny\nrules: []\n",
     'p.yaml:2: default_action: unknown action "deny" '
     "(expected one of: allow, redact, flag, block)"),
    ("duplicate_top_key", "version: 1\nversion: 1\nrules: []\n",
     "p.yaml:2: version: duplicate key (first at line 1)"),
    ("yaml_syntax_error", "version: 1\nrules: [\n  - id: a\n", "p.yaml:3: YAML syntax error"),
    ("yaml_tab_indent", "version: 1\nrules:\n\t- id: a\n", "p.yaml:3: YAML syntax error"),
    ("empty_document", "# nothing here\n", "p.yaml:1: the policy is empty"),
    ("root_not_a_mapping", "- a\n- b\n", "p.yaml:1: must be a mapping, got a list"),
    # lists
    ("list_empty", "version: 1\nlists:\n  codenames: []\nrules: []\n",
     "p.yaml:3: lists.codenames: must not be empty"),
    ("list_name_with_colon", "version: 1\nlists:\n  'a:b': [x]\nrules: []\n",
     'p.yaml:3: lists: list name "a:b" may use only letters, digits, _ . -'),
    ("list_item_not_a_string", "version: 1\nlists:\n  c: [x, [y]]\nrules: []\n",
     "p.yaml:3: lists.c[1]: must be a string, got a list"),
    ("list_file_key_misspelt", "version: 1\nlists:\n  c: {path: c.txt}\nrules: []\n",
     "p.yaml:3: lists.c.path: unknown key (expected one of: file)"),
    # rules
    ("rule_id_missing", rule("- action: block\n  match: {terms: codenames}\n"),
     "p.yaml:6: rules[0].id: required"),
    ("rule_id_duplicate", flag("") + "  - {id: a, action: block, match: {terms: codenames}}\n",
     'p.yaml:7: rules[1].id: duplicate rule id "a" (first at line 6)'),
    ("rule_id_reserved", one("id: gatepost.x, action: block, match: {terms: codenames}"),
     'p.yaml:6: rules[0].id: rule ids starting with "gatepost." are reserved'),
    ("rule_id_with_colon", one("id: 'a:b', action: block, match: {terms: codenames}"),
     'p.yaml:6: rules[0].id: rule id "a:b" may use only letters, digits, _ . -'),
    ("rule_action_misspelt", one("id: a, action: blok, match: {terms: codenames}"),
     'p.yaml:6: rules[0].action: unknown action "blok" (did you mean block?)'),
    ("rule_key_misspelt", rule("- id: a\n  descripton: x\n  action: flag\n  match: {pii: [URL]}\n"),
     "p.yaml:7: rules[0].descripton: unknown key (did you mean description?)"),
    ("rule_match_missing", one("id: a, action: block"), "p.yaml:6: rules[0].match: required"),
    # match
    ("match_key_misspelt", matching("term: codenames"),
     "p.yaml:6: rules[0].match.term: unknown key (did you mean terms?)"),
    ("match_needs_a_finder", matching("min_score: 0.3"),
     "p.yaml:6: rules[0].match: needs at least one of pii, secrets, terms, patterns"),
    ("pii_entity_unknown", rule("- id: a\n  action: flag\n  match:\n    pii: [URL, CREDITCARD]\n"),
     'p.yaml:9: rules[0].match.pii: unknown entity "CREDITCARD" (did you mean CREDIT_CARD?)'),
    ("pii_entity_lower_case", matching("pii: [us_ssn]"),
     'p.yaml:6: rules[0].match.pii: unknown entity "us_ssn" (did you mean US_SSN?)'),
    ("pii_not_a_list", matching("pii: US_SSN"),
     'p.yaml:6: rules[0].match.pii: must be a list, got "US_SSN"'),
    ("secret_label_unknown", matching("secrets: [AWS_ACESS_KEY]"),
     'p.yaml:6: rules[0].match.secrets: unknown secret label "AWS_ACESS_KEY" '
     "(did you mean AWS_ACCESS_KEY?)"),
    ("secrets_scalar_other_than_any", matching("secrets: all"),
     'p.yaml:6: rules[0].match.secrets: must be "any" or a list of secret labels, got "all"'),
    ("terms_unknown_list", matching("terms: codename"),
     'p.yaml:6: rules[0].match.terms: unknown list "codename" (did you mean codenames?)'),
    ("context_unknown_list", matching("terms: [k], context: ctx"),
     'p.yaml:6: rules[0].match.context: unknown list "ctx"'),
    ("pattern_invalid_regex", rule("- id: a\n  action: flag\n  match:\n    patterns: [ok, '(x']\n"),
     'p.yaml:9: rules[0].match.patterns[1]: invalid regex "(x": missing ), unterminated'),
    ("pattern_matching_empty_text", matching("patterns: ['x*']"),
     'p.yaml:6: rules[0].match.patterns[0]: regex "x*" matches empty text'),
    ("min_score_above_1", matching("pii: [US_SSN], min_score: 1.5"),
     "p.yaml:6: rules[0].match.min_score: must be from 0 to 1, got 1.5"),
    ("min_score_not_a_number", matching("pii: [US_SSN], min_score: hi"),
     'p.yaml:6: rules[0].match.min_score: must be a number from 0 to 1, got "hi"'),
    ("window_zero", matching("terms: [k], context: [x], window: 0"),
     "p.yaml:6: rules[0].match.window: must be a positive whole number, got 0"),
    ("window_without_context", matching("terms: [k], window: 3"),
     "p.yaml:6: rules[0].match.window: window needs context"),
    # unless, active, applies_to
    ("unless_empty", flag(", unless: {}"), "p.yaml:6: rules[0].unless: needs terms or patterns"),
    ("unless_key_misspelt", flag(", unless: {term: [x]}"),
     "p.yaml:6: rules[0].unless.term: unknown key (did you mean terms?)"),
    ("active_from_after_until", flag(", active: {from: 2027-01-28, until: 2026-12-15}"),
     "p.yaml:6: rules[0].active: from 2027-01-28 is after until 2026-12-15"),
    ("active_date_invalid", flag(", active: {from: soon}"),
     'p.yaml:6: rules[0].active.from: must be a date like 2026-12-31, got "soon"'),
    ("active_key_misspelt", flag(", active: {to: 2026-01-01}"),
     "p.yaml:6: rules[0].active.to: unknown key (expected one of: from, until)"),
    ("applies_to_both_kinds", flag(", applies_to: {groups: [x], except_groups: [y]}"),
     "p.yaml:6: rules[0].applies_to: needs exactly one of groups, except_groups"),
    ("applies_to_key_misspelt", flag(", applies_to: {group: [x]}"),
     "p.yaml:6: rules[0].applies_to.group: unknown key (did you mean groups?)"),
    # tests
    ("test_expect_unknown", flag("") + TESTS + "{text: hi, expect: deny}\n",
     'p.yaml:8: tests[0].expect: unknown action "deny"'),
    ("test_rule_unknown", flag("") + TESTS + "{text: hi, expect: flag, rules: [b]}\n",
     'p.yaml:8: tests[0].rules: unknown rule "b" (expected one of: a)'),
    ("test_text_missing", flag("") + TESTS + "{expect: flag}\n",
     "p.yaml:8: tests[0].text: required"),
    ("test_key_misspelt", flag("") + TESTS + "{text: hi, expected: flag}\n",
     "p.yaml:8: tests[0].expected: unknown key (did you mean expect?)"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_policy_reports_file_line_path_and_message(text: str, expected: str) -> None:
    assert any(expected in issue for issue in issues_of(text)), issues_of(text)


FOLLOW_ON = [
    ("match", matching("term: codenames"),
     ["p.yaml:6: rules[0].match.term: unknown key (did you mean terms?)"]),
    ("unless", flag(", unless: {term: [x]}"),
     ["p.yaml:6: rules[0].unless.term: unknown key (did you mean terms?)"]),
    ("applies_to", flag(", applies_to: {group: [x]}"),
     ["p.yaml:6: rules[0].applies_to.group: unknown key (did you mean groups?)"]),
    ("test_case", flag("") + TESTS + "{text: hi, expected: flag}\n",
     ["p.yaml:8: tests[0].expected: unknown key (did you mean expect?)"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in FOLLOW_ON], ids=[c[0] for c in FOLLOW_ON]
)
def test_misspelt_key_is_reported_once_without_follow_on_errors(text: str, expected: list) -> None:
    assert issues_of(text) == expected


def test_every_error_is_reported_at_once_in_line_order() -> None:
    text = (
        rule(
            """\
        - id: a
          action: blok
          match: {pii: [CREDITCARD]}
        - id: a
          action: flag
          match: {terms: codename, min_score: 2}
        """
        )
        + "bogus: 1\n"
    )
    assert issues_of(text) == [
        'p.yaml:7: rules[0].action: unknown action "blok" (did you mean block?)',
        'p.yaml:8: rules[0].match.pii: unknown entity "CREDITCARD" (did you mean CREDIT_CARD?)',
        'p.yaml:9: rules[1].id: duplicate rule id "a" (first at line 6)',
        'p.yaml:11: rules[1].match.terms: unknown list "codename" (did you mean codenames?)',
        "p.yaml:11: rules[1].match.min_score: must be from 0 to 1, got 2",
        "p.yaml:12: bogus: unknown key (expected one of: version, name, default_action, "
        "lists, rules, tests)",
    ]


def test_policy_issue_str_is_file_line_path_message() -> None:
    issue = PolicyIssue("policy.yaml", 14, "rules[3].match.pii", 'unknown entity "X"')
    assert str(issue) == 'policy.yaml:14: rules[3].match.pii: unknown entity "X"'
    assert str(PolicyIssue("p.yaml", 2, "", "YAML syntax error")) == "p.yaml:2: YAML syntax error"


def test_policy_invalid_is_a_policy_error_whose_message_lists_every_issue() -> None:
    with pytest.raises(PolicyError) as exc:
        parse_policy("version: 3\nrulez: []\n", source="p.yaml")
    assert isinstance(exc.value, PolicyInvalid)
    assert str(exc.value).splitlines() == [str(i) for i in exc.value.issues]
    assert len(exc.value.issues) == 2  # version; rulez (no "rules: required" on top)


def test_valid_minimal_policy_has_defaults() -> None:
    policy = parse_policy(rule("- {id: a, action: block, match: {terms: codenames}}\n"))
    (only,) = policy.rules
    assert (policy.name, policy.default_action.value, policy.tests) == ("Test", "allow", ())
    assert (only.match.min_score, only.match.window, only.description) == (0.5, 8, "")


def test_name_defaults_to_the_file_stem() -> None:
    text = "version: 1\nrules: [{id: a, action: block, match: {secrets: any}}]\n"
    assert parse_policy(text, source="conf/northwind.yaml").name == "northwind"


def test_a_policy_nested_too_deeply_is_an_error_not_a_crash(tmp_path):
    from policies import PolicyInvalid, load_policy

    path = tmp_path / "deep.yaml"
    path.write_text("version: 1\nrules: " + "[" * 20000 + "]" * 20000 + "\n")
    with pytest.raises(PolicyInvalid) as exc:
        load_policy(path)
    assert "nested too deeply" in str(exc.value.issues[0])

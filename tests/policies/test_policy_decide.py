"""decide(findings, post): which rules fire and what happens, from hand-made Findings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from policy_helpers import found

from detectors.base import Finding
from policies import Action, Policy, Post, decide, parse_policy

POLICY = """\
version: 1
name: Decide
lists:
  public_contacts: [press@northwind.example]
  codenames: [Falcon]
rules:
  - id: keys
    description: Keys stay inside.
    action: block
    match: {secrets: [AWS_ACCESS_KEY]}
  - id: contacts
    description: Contact details are reviewed.
    action: flag
    match: {pii: [EMAIL_ADDRESS], min_score: 0.6}
    unless: {terms: public_contacts}
  - id: codenames
    description: Codenames stay internal.
    action: block
    match: {terms: codenames}
  - id: kestrel
    action: flag
    match: {terms: [Kestrel], context: [prototype], window: 2}
  - id: quiet-period
    action: flag
    match: {terms: [earnings]}
    active: {from: 2026-12-15, until: 2027-01-28}
  - id: support-phones
    action: redact
    match: {pii: [PHONE_NUMBER]}
    applies_to: {groups: [support]}
  - id: ticket-ids
    action: redact
    match: {patterns: ['\\bT-\\d+\\b']}
    applies_to: {except_groups: [support]}
  - id: shoutouts
    action: redact
    match: {terms: codenames}
    applies_to: {groups: [marketing]}
"""
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def policy() -> Policy:
    return parse_policy(POLICY)


def pii(label: str, text: str, needle: str, score: float = 0.9) -> Finding:
    return found("pii", label, text, needle, score)


def term(label: str, text: str, needle: str) -> Finding:
    return found("term", label, text, needle)


T_EMAIL = "mail jo@x.example or press@northwind.example"
T_PRESS = "mail press@northwind.example"
T_CTX_NEAR = "the Kestrel new shiny prototype"
T_CTX_FAR = "the Kestrel was a new and shiny prototype"
T_EARN = "earnings soon"

CASES = [
    ("no_findings_is_the_default_action", "hello", [], (), Action.ALLOW, []),
    ("secret_blocks", "key AKIA", [found("secret", "AWS_ACCESS_KEY", "key AKIA", "AKIA")], (),
     Action.BLOCK, ["keys"]),
    ("secret_label_not_listed_does_not_fire", "tok",
     [found("secret", "GITHUB_TOKEN", "tok", "tok")], (), Action.ALLOW, []),
    ("pii_at_min_score_fires", "jo@x.example", [pii("EMAIL_ADDRESS", "jo@x.example", "jo", 0.6)],
     (), Action.FLAG, ["contacts"]),
    ("pii_below_min_score_does_not_fire", "jo@x.example",
     [pii("EMAIL_ADDRESS", "jo@x.example", "jo", 0.59)], (), Action.ALLOW, []),
    ("pii_entity_not_in_rule_does_not_fire", "jo", [pii("PERSON", "jo", "jo")], (),
     Action.ALLOW, []),
    ("strongest_action_wins_and_rules_sort_strongest_first", "jo@x.example Falcon",
     [pii("EMAIL_ADDRESS", "jo@x.example Falcon", "jo@x.example"),
      term("codenames", "jo@x.example Falcon", "Falcon")], (), Action.BLOCK,
     ["codenames", "contacts"]),
    ("unless_term_overlapping_drops_the_finding", T_PRESS,
     [pii("EMAIL_ADDRESS", T_PRESS, "press@northwind.example"),
      term("public_contacts", T_PRESS, "press@northwind.example")], (), Action.ALLOW, []),
    ("unless_term_elsewhere_keeps_the_finding", T_EMAIL,
     [pii("EMAIL_ADDRESS", T_EMAIL, "jo@x.example"),
      term("public_contacts", T_EMAIL, "press@northwind.example")], (), Action.FLAG, ["contacts"]),
    ("context_term_within_window_fires", T_CTX_NEAR,
     [term("rule:kestrel:match", T_CTX_NEAR, "Kestrel"),
      term("rule:kestrel:context", T_CTX_NEAR, "prototype")], (), Action.FLAG, ["kestrel"]),
    ("context_term_beyond_window_does_not_fire", T_CTX_FAR,
     [term("rule:kestrel:match", T_CTX_FAR, "Kestrel"),
      term("rule:kestrel:context", T_CTX_FAR, "prototype")], (), Action.ALLOW, []),
    ("no_context_term_does_not_fire", "the Kestrel",
     [term("rule:kestrel:match", "the Kestrel", "Kestrel")], (), Action.ALLOW, []),
    ("rule_outside_active_window_does_not_fire", T_EARN,
     [term("rule:quiet-period:match", T_EARN, "earnings")], (), Action.ALLOW, []),
    ("groups_rule_fires_for_a_member", "call 555", [pii("PHONE_NUMBER", "call 555", "555")],
     ("support", "staff"), Action.REDACT, ["support-phones"]),
    ("groups_rule_skips_non_members", "call 555", [pii("PHONE_NUMBER", "call 555", "555")],
     ("staff",), Action.ALLOW, []),
    ("except_groups_rule_skips_the_excepted", "T-12", [found("pattern", "rule:ticket-ids:match:0",
     "T-12", "T-12")], ("support",), Action.ALLOW, []),
    ("except_groups_rule_fires_for_others", "T-12", [found("pattern", "rule:ticket-ids:match:0",
     "T-12", "T-12")], ("sales",), Action.REDACT, ["ticket-ids"]),
    ("same_strength_rules_keep_policy_order", "Falcon T-1",
     [term("codenames", "Falcon T-1", "Falcon"),
      found("pattern", "rule:ticket-ids:match:0", "Falcon T-1", "T-1")], ("marketing",),
     Action.BLOCK, ["codenames", "ticket-ids", "shoutouts"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "findings", "groups", "action", "rules"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_decide(policy: Policy, text, findings, groups, action, rules) -> None:
    decision = policy.decide(findings, Post("ann", text, groups), now=NOW)
    assert (decision.action, [r.id for r in decision.rules]) == (action, rules)
    assert decision.findings == tuple(findings)
    assert decision.policy_version == policy.version


WINDOW = [
    ("adjacent_words", "Kestrel prototype", 1, True),
    ("context_before_the_term", "prototype, then Kestrel", 1, True),
    ("as_many_words_between_as_the_window", "Kestrel one two prototype", 2, True),
    ("one_word_more_than_the_window", "Kestrel one two three prototype", 2, False),
    ("punctuation_is_not_a_word", "Kestrel -- ... prototype", 1, True),
    ("hyphenated_words_count_apart", "Kestrel well-known prototype", 1, False),
]


@pytest.mark.parametrize(
    ("text", "window", "fires"), [c[1:] for c in WINDOW], ids=[c[0] for c in WINDOW]
)
def test_context_window_counts_the_words_between_the_two_spans(
    text: str, window: int, fires: bool
) -> None:
    policy = parse_policy(POLICY.replace("window: 2", f"window: {window}"))
    findings = [
        term("rule:kestrel:match", text, "Kestrel"),
        term("rule:kestrel:context", text, "prototype"),
    ]
    decision = policy.decide(findings, Post("ann", text), now=NOW)
    assert (decision.action is Action.FLAG) is fires


EST = timezone(timedelta(hours=-5))
ACTIVE = [
    ("day_before_from", datetime(2026, 12, 14, 23, 59, tzinfo=UTC), False),
    ("first_day_inclusive", datetime(2026, 12, 15, 0, 0, tzinfo=UTC), True),
    ("last_day_inclusive", datetime(2027, 1, 28, 23, 59, tzinfo=UTC), True),
    ("day_after_until", datetime(2027, 1, 29, 0, 0, tzinfo=UTC), False),
    ("local_evening_before_is_utc_first_day", datetime(2026, 12, 14, 20, 0, tzinfo=EST), True),
    ("naive_datetime_is_taken_as_utc", datetime(2026, 12, 15, 0, 30), True),
]


@pytest.mark.parametrize(("now", "fires"), [c[1:] for c in ACTIVE], ids=[c[0] for c in ACTIVE])
def test_active_dates_are_utc_and_inclusive(policy: Policy, now: datetime, fires: bool) -> None:
    findings = [term("rule:quiet-period:match", T_EARN, "earnings")]
    decision = policy.decide(findings, Post("ann", T_EARN), now=now)
    assert (decision.action is Action.FLAG) is fires


def test_default_action_applies_when_no_rule_fires() -> None:
    strict = parse_policy(POLICY.replace("name: Decide", "name: Decide\ndefault_action: flag"))
    decision = strict.decide([], Post("ann", "hello"), now=NOW)
    assert (decision.action, decision.rules) == (Action.FLAG, ())


REDACT_TEXT = "call 555-0100 about T-42 with Falcon today"
REDACTIONS = [
    ("pii_by_entity", ("support",), [pii("PHONE_NUMBER", REDACT_TEXT, "555-0100")],
     "call [PHONE_NUMBER] about T-42 with Falcon today"),
    ("pattern_by_rule_id", ("sales",),
     [found("pattern", "rule:ticket-ids:match:0", REDACT_TEXT, "T-42")],
     "call 555-0100 about [ticket-ids] with Falcon today"),
    ("only_findings_of_fired_redact_rules", ("support",),
     [pii("PHONE_NUMBER", REDACT_TEXT, "555-0100"), pii("PERSON", REDACT_TEXT, "Falcon"),
      found("pattern", "rule:ticket-ids:match:0", REDACT_TEXT, "T-42")],
     "call [PHONE_NUMBER] about T-42 with Falcon today"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("groups", "findings", "expected"), [c[1:] for c in REDACTIONS], ids=[c[0] for c in REDACTIONS]
)
def test_redact_masks_the_findings_of_fired_redact_rules(
    policy: Policy, groups: tuple, findings: list, expected: str
) -> None:
    decision = policy.decide(findings, Post("ann", REDACT_TEXT, groups), now=NOW)
    assert (decision.action, decision.redacted_text) == (Action.REDACT, expected)


def test_redact_masks_terms_by_list_name_or_rule_id_for_inline_lists() -> None:
    text = "Falcon meets Osprey"
    policy = parse_policy(
        "version: 1\nlists: {codenames: [Falcon]}\nrules:\n"
        "  - {id: named, action: redact, match: {terms: codenames}}\n"
        "  - {id: inline, action: redact, match: {terms: [Osprey]}}\n"
    )
    findings = [term("codenames", text, "Falcon"), term("rule:inline:match", text, "Osprey")]
    decision = policy.decide(findings, Post("ann", text), now=NOW)
    assert decision.redacted_text == "[codenames] meets [inline]"


def test_redacted_text_is_none_unless_the_action_is_redact(policy: Policy) -> None:
    text = "call 555 Falcon"
    findings = [pii("PHONE_NUMBER", text, "555"), term("codenames", text, "Falcon")]
    decision = policy.decide(findings, Post("ann", text, ("support",)), now=NOW)
    assert (decision.action, decision.redacted_text) == (Action.BLOCK, None)


DETECTOR_ERRORS = [
    ("clean_post_is_held", [], "allow", Action.FLAG, ["gatepost.detector-error"]),
    ("block_still_blocks", [found("secret", "AWS_ACCESS_KEY", "AKIA", "AKIA")], "allow",
     Action.BLOCK, ["keys", "gatepost.detector-error"]),
    ("stricter_default_is_kept", [], "block", Action.BLOCK, ["gatepost.detector-error"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("findings", "default", "action", "rules"),
    [c[1:] for c in DETECTOR_ERRORS],
    ids=[c[0] for c in DETECTOR_ERRORS],
)
def test_detector_error_fails_closed_to_at_least_flag(findings, default, action, rules) -> None:
    strict = parse_policy(POLICY.replace("name: Decide", f"name: D\ndefault_action: {default}"))
    errors = {"presidio": "timed out after 2s"}
    decision = strict.decide(findings, Post("ann", "AKIA"), now=NOW, detector_errors=errors)
    assert (decision.action, [r.id for r in decision.rules]) == (action, rules)
    assert "held for review instead of being forwarded unscanned" in decision.reason


def test_module_level_decide_is_policy_decide(policy: Policy) -> None:
    text = "jo@x.example"
    findings = [pii("EMAIL_ADDRESS", text, text)]
    post = Post("ann", text)
    assert decide(policy, findings, post, now=NOW) == policy.decide(findings, post, now=NOW)


def test_fired_rules_carry_their_findings_and_description(policy: Policy) -> None:
    text = "jo@x.example and press@northwind.example"
    email = pii("EMAIL_ADDRESS", text, "jo@x.example")
    press = pii("EMAIL_ADDRESS", text, "press@northwind.example")
    allowed = term("public_contacts", text, "press@northwind.example")
    (rule,) = policy.decide([email, press, allowed], Post("ann", text), now=NOW).rules
    assert (rule.id, rule.action, rule.findings) == ("contacts", Action.FLAG, (email,))
    assert rule.description == "Contact details are reviewed."


def test_decide_defaults_now_to_the_current_time(policy: Policy) -> None:
    findings = [term("rule:quiet-period:match", T_EARN, "earnings")]
    today = datetime.now(UTC).date()
    expected = datetime(2026, 12, 15).date() <= today <= datetime(2027, 1, 28).date()
    assert (policy.decide(findings, Post("ann", T_EARN)).action is Action.FLAG) is expected

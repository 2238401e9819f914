"""Term lists (inline and from files), the labels the scanner must use, the version hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies import PolicyError, PolicyInvalid, load_policy, parse_policy

POLICY = """\
version: 1
lists:
  customers: {file: %s}
rules:
  - {id: nda, action: flag, match: {terms: customers}}
"""


def write_policy(tmp_path: Path, list_path: str = "lists/customers.txt") -> Path:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY % list_path, encoding="utf-8")
    return policy


def write_list(tmp_path: Path, text: str, name: str = "lists/customers.txt") -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def issues(policy: Path) -> list[str]:
    with pytest.raises(PolicyInvalid) as exc:
        load_policy(policy)
    return [str(issue) for issue in exc.value.issues]


def test_list_file_is_read_relative_to_the_policy_skipping_comments_and_blanks(
    tmp_path: Path,
) -> None:
    write_list(tmp_path, "# NDA customers\n\nContoso Pharma\n  Fabrikam  \n# Litware\nFabrikam\n")
    policy = load_policy(write_policy(tmp_path))
    assert policy.term_lists == {"customers": ("Contoso Pharma", "Fabrikam")}
    assert policy.source == str(tmp_path / "policy.yaml")


def test_parse_policy_reads_list_files_relative_to_base_dir(tmp_path: Path) -> None:
    write_list(tmp_path, "Tailspin Toys\n")
    policy = parse_policy(POLICY % "lists/customers.txt", base_dir=tmp_path)
    assert policy.term_lists["customers"] == ("Tailspin Toys",)


LIST_FILE_ERRORS = [
    ("missing_file", None, "lists/customers.txt",
     'lists.customers.file: cannot read "lists/customers.txt": No such file or directory'),
    ("only_comments", "# nobody yet\n\n", "lists/customers.txt",
     'lists.customers.file: "lists/customers.txt" has no terms'),
    ("not_utf8", b"\xff\xfe\x00", "lists/customers.txt",
     'lists.customers.file: cannot read "lists/customers.txt": \'utf-8\' codec'),
    ("absolute_path", None, "/etc/hosts",
     'lists.customers.file: "/etc/hosts" must be a path relative to the policy file'),
]  # fmt: skip


@pytest.mark.parametrize(
    ("content", "list_path", "expected"),
    [c[1:] for c in LIST_FILE_ERRORS],
    ids=[c[0] for c in LIST_FILE_ERRORS],
)
def test_bad_list_file_is_an_error_at_the_lists_line(
    tmp_path: Path, content: str | bytes | None, list_path: str, expected: str
) -> None:
    if isinstance(content, bytes):
        (tmp_path / "lists").mkdir()
        (tmp_path / list_path).write_bytes(content)
    elif content is not None:
        write_list(tmp_path, content)
    policy = write_policy(tmp_path, list_path)
    found = issues(policy)
    assert found[0].startswith(f"{policy}:3: {expected}"), found
    assert len(found) == 1  # the rule using the broken list is not blamed as well


def test_missing_policy_file_raises_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read policy"):
        load_policy(tmp_path / "nope.yaml")


def test_version_is_12_hex_digits_and_changes_with_the_list_file(tmp_path: Path) -> None:
    write_list(tmp_path, "Contoso Pharma\n")
    path = write_policy(tmp_path)
    first = load_policy(path).version
    assert len(first) == 12 and int(first, 16) >= 0
    assert load_policy(path).version == first
    write_list(tmp_path, "Contoso Pharma\nFabrikam\n")
    assert load_policy(path).version != first


def test_inline_terms_are_kept_as_written_not_as_yaml_booleans_or_numbers() -> None:
    text = "version: 1\nrules:\n  - {id: r, action: flag, match: {terms: [yes, 2024, 'No']}}\n"
    assert parse_policy(text).term_lists == {"rule:r:match": ("yes", "2024", "No")}


LABELS = """\
version: 1
lists:
  codenames: [Falcon]
  public_contacts: [press@northwind.example]
  unused: [nobody]
rules:
  - id: codes
    action: block
    match: {terms: codenames, context: [project, team], window: 3}
  - id: kestrel
    action: block
    match: {terms: [Kestrel], patterns: ['\\bKST-\\d+\\b', 'kst\\d']}
    unless: {terms: [Kestrel Street], patterns: ['KST-0']}
  - id: contacts
    action: flag
    match: {pii: [EMAIL_ADDRESS, PHONE_NUMBER], secrets: [GITHUB_TOKEN]}
    unless: {terms: public_contacts}
"""


def test_term_lists_hold_every_list_a_rule_uses_under_its_label() -> None:
    policy = parse_policy(LABELS)
    assert dict(policy.term_lists) == {
        "codenames": ("Falcon",),
        "rule:codes:context": ("project", "team"),
        "rule:kestrel:match": ("Kestrel",),
        "rule:kestrel:unless": ("Kestrel Street",),
        "public_contacts": ("press@northwind.example",),
    }


def test_patterns_are_labelled_by_rule_section_and_index() -> None:
    assert dict(parse_policy(LABELS).patterns) == {
        "rule:kestrel:match:0": r"\bKST-\d+\b",
        "rule:kestrel:match:1": r"kst\d",
        "rule:kestrel:unless:0": "KST-0",
    }


def test_pii_entities_and_secret_labels_are_what_the_rules_use() -> None:
    policy = parse_policy(LABELS)
    assert policy.pii_entities == {"EMAIL_ADDRESS", "PHONE_NUMBER"}
    assert policy.secret_labels == {"GITHUB_TOKEN"}


def test_secret_labels_is_none_when_a_rule_takes_any_secret() -> None:
    text = LABELS + "  - {id: keys, action: block, match: {secrets: any}}\n"
    assert parse_policy(text).secret_labels is None


def test_policy_maps_are_read_only() -> None:
    policy = parse_policy(LABELS)
    with pytest.raises(TypeError):
        policy.term_lists["x"] = ("y",)  # type: ignore[index]

"""The secrets catalogue: true positives, placeholders and look-alikes."""

from __future__ import annotations

import pytest

from detectors import SECRET_LABELS, DetectorsError, SecretDetector
from detectors.secrets import CATALOGUE, UnknownSecretLabel

# Random test values, split so that repository secret scanners do not flag this file.
GITHUB_CLASSIC = "ghp_" + "C2vzy66cbU7nr0x5NBqijqh2EUtASAvLo4U0"
GITHUB_FINE_GRAINED = (
    "github_pat_"
    + "IvOfDhVf108waQVegc9u5d_VSvtxzOCJogw6BVUlXiH9MGNgVOCljv9nlAd6pjC0hOSgwM0rMWIiMr0jUI"
)
AWS_KEY_ID = "AKIA" + "KHOFS6YURYL6LR6Y"
AWS_TEMP_KEY_ID = "ASIA" + "VJ4XWMJYPTWDKAH4"
AWS_SECRET = "RjAda3DH2ZH5xtgI4sQHdb7aXp8+HOW/" + "lFwuAM/C"
PEM_BODY = (
    "6GeMs2JHXBSbfW7VETTzMoKYx2eEBPFygJRFAnzsunShMwnnAdFBwSZMAEEIZJcN\n"
    "Axw66YrSfwCaVVy/ACV+Quymydoi0Z+HVTaeuhPlKvpEtM62sLvtR6NcZz37LrJY\n"
)
RSA_BLOCK = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----"
OPENSSH_BLOCK = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}-----END OPENSSH PRIVATE KEY-----"
PGP_BLOCK = f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n{PEM_BODY}-----END PGP PRIVATE KEY BLOCK-----"
SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"


def found(text: str) -> list[tuple[str, str]]:
    return [(f.label, text[f.start : f.end]) for f in SecretDetector().detect(text)]


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        (f"oops {AWS_KEY_ID} in prod", "AWS_ACCESS_KEY", AWS_KEY_ID),
        (f"temp creds: {AWS_TEMP_KEY_ID}", "AWS_ACCESS_KEY", AWS_TEMP_KEY_ID),
        (f"aws_secret_access_key = {AWS_SECRET}", "AWS_SECRET_KEY", AWS_SECRET),
        (f'{{"SecretAccessKey": "{AWS_SECRET}"}}', "AWS_SECRET_KEY", AWS_SECRET),
        (f"token {GITHUB_CLASSIC}!", "GITHUB_TOKEN", GITHUB_CLASSIC),
        (f"export GH_TOKEN={GITHUB_FINE_GRAINED}", "GITHUB_TOKEN", GITHUB_FINE_GRAINED),
        ("gho_" + GITHUB_CLASSIC[4:], "GITHUB_TOKEN", "gho_" + GITHUB_CLASSIC[4:]),
        (f"my key:\n{RSA_BLOCK}\nbye", "PRIVATE_KEY", RSA_BLOCK),
        (OPENSSH_BLOCK, "PRIVATE_KEY", OPENSSH_BLOCK),
        (PGP_BLOCK, "PRIVATE_KEY", PGP_BLOCK),
        (
            "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg (truncated)",
            "PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----",
        ),
        (
            "-----BEGIN EC PRIVATE KEY----- " + PEM_BODY.replace("\n", " "),
            "PRIVATE_KEY",
            "-----BEGIN EC PRIVATE KEY-----",
        ),
    ],
)
def test_secret_is_found_with_its_exact_span(text: str, label: str, value: str) -> None:
    assert found(text) == [(label, value)]


@pytest.mark.parametrize(
    "text",
    [
        "AKIAIOSFODNN7EXAMPLE",  # AWS's documented example key ID
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # AWS's example
        "AKIAXXXXXXXXXXXXXXXX",
        "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "ghp_<your-token-here>",
        "GH_TOKEN=${GITHUB_TOKEN}",
        "aws_secret_access_key=${AWS_SECRET_ACCESS_KEY}",
        "aws_secret_access_key = ****************************************",
        "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        f"-----BEGIN PUBLIC KEY-----\n{PEM_BODY}-----END PUBLIC KEY-----",
        f"-----BEGIN RSA PUBLIC KEY-----\n{PEM_BODY}-----END RSA PUBLIC KEY-----",
        f"-----BEGIN CERTIFICATE-----\n{PEM_BODY}-----END CERTIFICATE-----",
        f"aws sdk bumped in commit {SHA1}",
        f"secret sauce is commit {SHA1.upper()}",
        "aws request id 550e8400-e29b-41d4-a716-446655440000",
        f"a secret: {AWS_SECRET}{AWS_SECRET}",  # 80 chars: not a 40-char key
        f"{AWS_SECRET} with no keyword before it",
        "AKIA" + "KHOFS6YURYL6LR6Y7",  # one character too long
        f"xghp_{GITHUB_CLASSIC[4:]}Z",  # embedded in a longer word
        "Our bakery's secret: sourdough starter aged for forty-one years.",
    ],
)
def test_lookalike_or_placeholder_is_not_a_secret(text: str) -> None:
    assert found(text) == []


def test_aws_example_key_is_not_a_secret() -> None:
    assert SecretDetector(["AWS_ACCESS_KEY"]).detect("AKIAIOSFODNN7EXAMPLE") == []


def test_several_secrets_in_one_post_are_each_reported() -> None:
    text = f"{AWS_KEY_ID} / {GITHUB_CLASSIC} / {RSA_BLOCK}"
    assert sorted(label for label, _ in found(text)) == [
        "AWS_ACCESS_KEY",
        "GITHUB_TOKEN",
        "PRIVATE_KEY",
    ]


def test_finding_names_the_rule_and_keyword_rules_score_lower() -> None:
    (key_id,) = SecretDetector().detect(AWS_KEY_ID)
    (secret,) = SecretDetector().detect(f"aws secret {AWS_SECRET}")
    assert (key_id.kind, key_id.detector, key_id.score) == ("secret", "secrets", 1.0)
    assert "AWS_ACCESS_KEY" in key_id.explanation
    assert secret.score < 1.0
    assert AWS_SECRET not in secret.explanation


def test_detector_limited_to_labels_ignores_other_secrets() -> None:
    detector = SecretDetector(["GITHUB_TOKEN"])
    assert [f.label for f in detector.detect(f"{AWS_KEY_ID} {GITHUB_CLASSIC}")] == ["GITHUB_TOKEN"]


def test_unknown_secret_label_is_rejected_with_the_known_ones() -> None:
    with pytest.raises(UnknownSecretLabel, match="GITHUB_TOKEN") as raised:
        SecretDetector(["GITHUB_TOKNE"])
    assert isinstance(raised.value, DetectorsError)


def test_catalogue_declares_exactly_the_registry_labels() -> None:
    labels = [rule.label for rule in CATALOGUE]
    assert sorted(labels) == sorted(SECRET_LABELS)
    assert len(set(labels)) == len(labels)
    assert all(rule.description for rule in CATALOGUE)

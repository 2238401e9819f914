"""More shapes for providers of the core catalogue, under their core labels: gitleaks
rules whose tokens the core rules (secrets_catalogue.SPECIFIC_RULES) do not match."""

from __future__ import annotations

from detectors.providers.shapes import END, prefixed
from detectors.secrets_rule import SecretRule

RULES = (
    prefixed(
        "AWS_ACCESS_KEY",
        "AWS",
        "access key ID (A3T prefix)",
        r"\b(?P<prefix>A3T[A-Z0-9])[A-Z2-7]{16}\b",
        keywords=("a3t",),
        min_entropy=3.0,
    ),
    prefixed(
        "SLACK_TOKEN",
        "Slack",
        "configuration access token",
        r"\b(?P<prefix>xoxe\.xox[bp]-)\d-[A-Za-z0-9]{163,166}\b",
        keywords=("xoxe.xoxb-", "xoxe.xoxp-"),
        min_entropy=2.0,
    ),
    prefixed(
        "SLACK_TOKEN",
        "Slack",
        "configuration refresh token",
        r"\b(?P<prefix>xoxe-)\d-[A-Za-z0-9]{146}\b",
        min_entropy=2.0,
    ),
    prefixed(
        "STRIPE_KEY",
        "Stripe",
        "secret or restricted key (_prod_)",
        rf"\b(?P<prefix>[sr]k_prod_)[a-zA-Z0-9]{{10,99}}{END}",
        keywords=("k_prod_",),
        min_entropy=2.0,
    ),
    SecretRule(
        label="GITLAB_TOKEN",
        pattern=r"\b(?P<keyword>_gitlab_session)=(?P<secret>[0-9a-z]{32})\b",
        description="GitLab session cookie (_gitlab_session=...)",
        explain="GitLab session cookie, {chars} chars after '{keyword}='",
        keywords=("_gitlab_session=",),
        min_entropy=3.0,
    ),
    SecretRule(
        label="JWT",
        pattern=(
            r"\b(?P<prefix>ZXlK)(?:aGJHY2lPaU|MGVYQWlPaUp|cmFXUWlP|aGRXUWlPaU|cGMzTWlPaU|emRXSWlPaU)"
            r"[A-Za-z0-9/_+-]{40,8000}={0,2}(?![\w+/=-])"
        ),
        description="JSON Web Token encoded once more in base64 (ZXlK..., 'eyJ' in base64)",
        explain="base64 of a JSON Web Token, opening {prefix}, {chars} chars after it",
        keywords=("zxlk",),
        min_entropy=2.0,
        score=0.9,
    ),
)

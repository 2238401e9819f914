"""Secrets: a catalogue of declarations (label, regex, checks), as in gitleaks.

Each SecretRule is data. Its regex is compiled once, at import. A match is a
secret only if the rule's ``is_real`` check accepts the matched value: by
default that rejects placeholder-evident values (EXAMPLE, xxxx, ****, <...>,
${VAR}), so documentation snippets such as AWS's AKIAIOSFODNN7EXAMPLE pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from detectors.base import DetectorsError, Finding

PLACEHOLDER = re.compile(r"(?i:example)|(?i:x{4})|\*{4}|<[^<>\n]*>|\$\{[^}\n]*\}")
BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{32,}")
PEM_ARMOUR = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]+-----")


class UnknownSecretLabel(DetectorsError):
    """A secret label that the catalogue does not declare."""


def not_placeholder(value: str) -> bool:
    """True unless the value is evidently a placeholder (EXAMPLE, xxxx, <...>...)."""
    return PLACEHOLDER.search(value) is None


def looks_random_base64(value: str) -> bool:
    """Random base64 of this length has upper, lower and digits; hex digests do not."""
    return (
        not_placeholder(value)
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )


def pem_has_key_material(value: str) -> bool:
    """A lone header counts (fail closed); a full block needs a real base64 body."""
    body = PEM_ARMOUR.sub("", value).strip()
    if not body:
        return True
    return BASE64_RUN.search(body) is not None and PLACEHOLDER.search(body) is None


@dataclass(frozen=True)
class SecretRule:
    """One kind of secret.

    pattern: the regex; if it has a group named ``secret``, that group is the
    reported span (the rest is required context, e.g. a keyword).
    score: 1.0 when the shape alone is conclusive, lower when it leans on a keyword.
    is_real: final check of the matched value (placeholders, hashes...).
    """

    label: str
    pattern: str
    description: str
    score: float = 1.0
    is_real: Callable[[str], bool] = not_placeholder
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))

    def spans(self, text: str) -> Iterable[tuple[int, int]]:
        group = "secret" if "secret" in self.regex.groupindex else 0
        for match in self.regex.finditer(text):
            start, end = match.span(group)
            if start < end and self.is_real(text[start:end]):
                yield start, end


CATALOGUE: tuple[SecretRule, ...] = (
    SecretRule(
        label="AWS_ACCESS_KEY",
        pattern=r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
        description="AWS access key ID (long-term AKIA or temporary ASIA)",
    ),
    SecretRule(
        label="AWS_SECRET_KEY",
        pattern=(
            r"(?i:aws|secret)[^\n]{0,40}?"
            r"(?<![A-Za-z0-9/+=])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
        ),
        description="AWS secret access key (40 base64 characters after 'aws' or 'secret')",
        score=0.9,
        is_real=looks_random_base64,
    ),
    SecretRule(
        label="GITHUB_TOKEN",
        pattern=r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])",
        description="GitHub token (classic ghp_/gho_/ghu_/ghs_/ghr_ or fine-grained github_pat_)",
    ),
    SecretRule(
        label="PRIVATE_KEY",
        pattern=(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:[\s\S]{0,20000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?"
        ),
        description="PEM/OpenSSH/PGP private key (the whole block when its END line is present)",
        is_real=pem_has_key_material,
    ),
)
RULES_BY_LABEL: dict[str, SecretRule] = {rule.label: rule for rule in CATALOGUE}


class SecretDetector:
    """Runs the catalogue's rules (all of them, or the labels a policy asks for)."""

    name = "secrets"

    def __init__(self, labels: Iterable[str] | None = None) -> None:
        if labels is None:
            self.rules = CATALOGUE
            return
        wanted = tuple(dict.fromkeys(labels))
        unknown = [label for label in wanted if label not in RULES_BY_LABEL]
        if unknown:
            raise UnknownSecretLabel(
                f"unknown secret label(s) {', '.join(unknown)}; known: {', '.join(RULES_BY_LABEL)}"
            )
        self.rules = tuple(RULES_BY_LABEL[label] for label in wanted)

    def detect(self, text: str) -> list[Finding]:
        return [
            Finding(
                detector=self.name,
                kind="secret",
                label=rule.label,
                start=start,
                end=end,
                score=rule.score,
                explanation=f"{rule.label} rule: {rule.description}",
            )
            for rule in self.rules
            for start, end in rule.spans(text)
        ]

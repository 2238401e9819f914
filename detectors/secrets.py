"""Secrets: runs the catalogue (detectors/secrets_catalogue.py) over a post.

One Aho-Corasick pass over the lower-cased post finds every rule's keywords;
only the rules whose keywords occur run their regex, so a clean post costs that
one pass. A match becomes a Finding if its value clears the rule's entropy
floor and named check (CHECKS), lies outside public key material, and does not
overlap what an earlier, more specific rule reported. Explanations name the
rule and why; they never quote the matched value.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import string
from collections.abc import Iterable, Iterator, Sequence

import ahocorasick

from detectors.base import DetectorsError, Finding
from detectors.secrets_catalogue import (
    CATALOGUE,
    DIGEST_LENGTHS,
    KINDS,
    PUBLIC_BLOB,
    PUBLIC_MATERIAL,
    SecretRule,
)
from detectors.secrets_passwords import PASSWORD_CHECKS
from detectors.secrets_providers import PROVIDER_CHECKS
from detectors.secrets_split import unsplit
from detectors.secrets_values import (
    ACCEPT,
    Check,
    Verdict,
    is_placeholder,
    looks_like_words,
    secret_of,
    shannon_entropy,
)

__all__ = ["CATALOGUE", "CHECKS", "SecretDetector", "SecretRule", "UnknownSecretLabel"]

HEX = re.compile(r"[0-9a-fA-F]+")
ASSIGNMENT = re.compile(r"[\"'`]?\s*(?:=>|:=|=|:)\s*[\"'`]?")
UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
PEM_ARMOUR = re.compile(r"-----(?:BEGIN|END) [A-Z0-9 ]+-----")
PEM_PLACEHOLDER = re.compile(r"(?i:example|x{8})|\*{4}|<[^<>\n]*>")
BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{32,}")
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase


class UnknownSecretLabel(DetectorsError):
    """A secret label that the catalogue does not declare."""


def not_placeholder(match: re.Match[str]) -> Verdict | None:
    return None if is_placeholder(secret_of(match)) else ACCEPT


def split_key(match: re.Match[str]) -> Verdict | None:
    """A key perhaps split by spaces or hyphens (secrets_split): rejoined, not a placeholder."""
    joined = unsplit(match[0])
    if joined is None or is_placeholder(joined):
        return None
    gaps = len(match[0]) - len(joined)
    return Verdict(f"split by {gaps} space(s)/hyphen(s), rejoined", gaps=gaps) if gaps else ACCEPT


def random_token(match: re.Match[str]) -> Verdict | None:
    """Drawn at random: no placeholder, not words, not a public or binary blob."""
    value = secret_of(match)
    if is_placeholder(value) or looks_like_words(value) or PUBLIC_BLOB.match(value):
        return None
    return ACCEPT


def unlabelled_token(match: re.Match[str]) -> Verdict | None:
    """No telling prefix: not a UUID, and hex of a digest's length (md5, sha1, sha256...)
    only when assigned to the keyword (auth_token = "..."), not merely near it."""
    value = secret_of(match)
    if UUID.fullmatch(value):
        return None
    if len(value) in DIGEST_LENGTHS and HEX.fullmatch(value):
        between = match.string[match.end("keyword") : match.start("secret")]
        if not ASSIGNMENT.fullmatch(between) or random_token(match) is None:
            return None
        return Verdict("hex of a digest's length, but assigned to the keyword", factor=0.85)
    return random_token(match)


def aws_secret(match: re.Match[str]) -> Verdict | None:
    """Random base64 of this length has upper, lower and digits; hex digests do not."""
    value = secret_of(match)
    mixed = all(any(test(c) for c in value) for test in (str.isupper, str.islower, str.isdigit))
    return ACCEPT if mixed and not is_placeholder(value) else None


def github_checksum(match: re.Match[str]) -> Verdict | None:
    """Classic tokens end in base62(CRC32 of their 30 random characters), padded to 6."""
    value = secret_of(match)
    if is_placeholder(value):
        return None
    body, checksum = value[4:34], value[34:]
    if int_from_base62(checksum) == binascii.crc32(body.encode()):
        return Verdict("CRC32 checksum verified")
    return Verdict("checksum does not verify: made up or mistyped, still reported", factor=0.85)


def int_from_base62(digits: str) -> int:
    return sum(BASE62.index(c) * 62**i for i, c in enumerate(reversed(digits)))


def jwt_header(match: re.Match[str]) -> Verdict | None:
    """The first segment must decode to a JSON object with an "alg" member."""
    head = secret_of(match).split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except ValueError:  # binascii.Error, UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    if isinstance(header, dict) and "alg" in header and not is_placeholder(match[0]):
        return ACCEPT
    return None


def pem_block(match: re.Match[str]) -> Verdict | None:
    """A lone armour line counts (fail closed); a whole block needs a real base64 body."""
    body = PEM_ARMOUR.sub("", match[0]).strip()
    if not body:
        return Verdict("armour line without its body")
    if BASE64_RUN.search(body) and not PEM_PLACEHOLDER.search(body):
        return Verdict("with a base64 key body")
    return None


CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (not_placeholder, split_key, random_token, unlabelled_token, aws_secret,
                  github_checksum, jwt_header, pem_block)
} | PASSWORD_CHECKS | PROVIDER_CHECKS  # fmt: skip
if unknown_checks := {rule.check for rule in CATALOGUE} - CHECKS.keys():
    raise ValueError(f"secrets catalogue names unknown check(s) {sorted(unknown_checks)}")


class SecretDetector:
    """Runs the catalogue's rules (all of them, or the labels a policy asks for)."""

    name = "secrets"

    def __init__(self, labels: Iterable[str] | None = None) -> None:
        wanted = None if labels is None else set(labels)
        if wanted is not None and (unknown := sorted(wanted - {r.label for r in CATALOGUE})):
            known = ", ".join(dict.fromkeys(rule.label for rule in CATALOGUE))
            raise UnknownSecretLabel(
                f"unknown secret label(s) {', '.join(unknown)}; known: {known}"
            )
        self.rules = tuple(rule for rule in CATALOGUE if wanted is None or rule.label in wanted)
        self._prefilter = keyword_automaton(self.rules) if self.rules else None

    def detect(self, text: str) -> list[Finding]:
        if self._prefilter is None:
            return []
        lowered = text.lower()
        candidates: set[int] = set()
        for _, rule_indexes in self._prefilter.iter(lowered):
            candidates |= rule_indexes
        taken = public_spans(text, lowered)
        findings: list[Finding] = []
        for index in sorted(candidates):  # catalogue order: the most specific rule first
            for finding in self.rule_findings(self.rules[index], text):
                if not any(finding.overlaps(start, end) for start, end in taken):
                    taken.append((finding.start, finding.end))
                    findings.append(finding)
        findings.sort(key=lambda f: (f.start, f.end))
        return findings

    def rule_findings(self, rule: SecretRule, text: str) -> Iterator[Finding]:
        group = "secret" if "secret" in rule.regex.groupindex else 0
        for match in rule.regex.finditer(text):
            start, end = match.span(group)
            entropy = shannon_entropy(text[start:end])
            if start == end or entropy < rule.min_entropy:
                continue
            if (verdict := CHECKS[rule.check](match)) is None:
                continue
            yield Finding(
                detector=self.name,
                kind="secret",
                label=rule.label,
                start=start,
                end=end,
                score=round(rule.score * verdict.factor, 2),
                explanation=explain(rule, match, end - start, entropy, verdict),
            )


def keyword_automaton(rules: Sequence[SecretRule]) -> ahocorasick.Automaton:
    """Every rule's keywords in one automaton; each keyword maps to the rules it admits."""
    admits: dict[str, set[int]] = {}
    for index, rule in enumerate(rules):
        for keyword in rule.keywords:
            admits.setdefault(keyword, set()).add(index)
    automaton = ahocorasick.Automaton()
    for keyword, indexes in admits.items():
        automaton.add_word(keyword, frozenset(indexes))
    automaton.make_automaton()
    return automaton


def public_spans(text: str, lowered: str) -> list[tuple[int, int]]:
    """Spans of public key material: certificates, public keys, ssh keys, data: URIs."""
    return [
        match.span()
        for keyword, regex in PUBLIC_MATERIAL
        if keyword in lowered
        for match in regex.finditer(text)
    ]


def explain(
    rule: SecretRule, match: re.Match[str], size: int, entropy: float, verdict: Verdict
) -> str:
    """The rule's template, filled from context groups and measurements, never from the value."""
    groups = match.groupdict()
    prefix = groups.get("prefix") or ""
    reason = rule.explain.format(
        prefix=prefix,
        kind=KINDS.get(prefix, "token"),
        keyword=(groups.get("keyword") or "").lower(),
        scheme=(groups.get("scheme") or "").lower(),
        chars=size - len(prefix) - verdict.gaps,
        entropy=entropy,
    )
    return f"{rule.label}: {reason}; {verdict.note}" if verdict.note else f"{rule.label}: {reason}"

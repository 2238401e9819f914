"""Two shapes of provider rule: a prefixed token, and a value assigned to a provider's name.

prefixed: the prefix names the provider (npm_, dop_v1_, hf_), so the token alone
is conclusive. keyed: the value has no telling prefix (a UUID, 32 hex), so it
counts only when assigned to the provider's name (HEROKU_API_KEY=..., "sentry
token: ..."); a strict rule also needs a secret word (key, token, secret...)
in that name, for providers whose name is an everyday word (linear, plaid, etsy).
"""

from __future__ import annotations

import re

from detectors.secrets_rule import SecretRule

# What may separate a name from its value: = : => := ?= || , and, in prose, "is".
ASSIGN = r"""[\s'"]{0,3}(?:=>|:{1,3}=|\?=|\|\||[=:>,]|\s(?:is|was)\s)[`'"\s=]{0,5}"""
# After a secret word (--softlayer-api-key VALUE, "heroku api key 1234..."), a space will do.
ASSIGN_OR_SPACE = r"""[\s'"]{0,3}(?:=>|:{1,3}=|\?=|\|\||[=:>,]|\s(?:is|was)\s|\s)[`'"\s=]{0,5}"""
SECRET_WORD = r"(?:key|token|secret|pass|pwd|pw|auth|api|cred|pat|sid)"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
END = r"(?![\w-])"  # the value ends here: a longer run is some other string
B64_END = r"(?![\w+/=-])"


def prefixed(
    label: str,
    provider: str,
    kind: str,
    pattern: str,
    *,
    keywords: tuple[str, ...] = (),
    min_entropy: float = 0.0,
    score: float = 1.0,
    check: str = "not_placeholder",
) -> SecretRule:
    """A token whose prefix (the ``prefix`` group of pattern) names its provider.

    keywords default to the prefix itself when it is a plain literal.
    """
    prefix = re.search(r"\(\?P<prefix>([^()]*)\)", pattern)
    options = prefix[1].replace("\\", "").split("|") if prefix else []
    literal = bool(options) and all(re.fullmatch(r"[\w.~:-]+", option) for option in options)
    if not (literal or keywords):
        raise ValueError(f"{label}: a prefix that is not a plain literal needs keywords")
    shown = " ".join(f"`{option}...`" for option in options) if literal else ""
    return SecretRule(
        label=label,
        pattern=pattern,
        description=f"{provider} {kind}" + (f" ({shown})" if shown else ""),
        explain=f"{provider} {kind}, prefix {{prefix}}, {{chars}} chars after it",
        keywords=keywords or tuple(options),
        min_entropy=min_entropy,
        score=score,
        check=check,
    )


def keyed(
    label: str,
    provider: str,
    kind: str,
    names: str,
    value: str,
    *,
    keywords: tuple[str, ...],
    strict: bool = True,
    min_entropy: float = 3.0,
    score: float = 0.8,
    end: str = END,
    check: str = "random_token",
) -> SecretRule:
    """A value (regex, matched case-insensitively) assigned to one of the provider's names
    (regex alternation); keywords are the literals those names contain."""
    if strict:
        between = rf"[ \t\w.-]{{0,12}}?{SECRET_WORD}[\w.-]{{0,12}}?{ASSIGN_OR_SPACE}"
    else:
        between = rf"[ \t\w.-]{{0,20}}?{ASSIGN}"
    return SecretRule(
        label=label,
        pattern=(rf"(?i)(?<![a-z0-9])(?P<keyword>{names}){between}(?P<secret>{value}){end}"),
        description=f"{provider} {kind}, assigned to a name with `{keywords[0]}`"
        + (" and key, token, secret..." if strict else ""),
        explain=f"{provider} {kind}, {{chars}} chars assigned to '{{keyword}}'"
        ", entropy {entropy:.1f} bits/char",
        keywords=keywords,
        min_entropy=min_entropy,
        check=check,
        score=score,
    )


def near(
    label: str,
    provider: str,
    kind: str,
    names: str,
    value: str,
    *,
    keywords: tuple[str, ...],
    min_entropy: float = 3.0,
    score: float = 0.9,
    check: str = "not_placeholder",
) -> SecretRule:
    """A distinctive value (case-sensitive) within 80 characters after the provider's name
    on the same line: the name keeps the prefilter specific for shapes without a prefix."""
    return SecretRule(
        label=label,
        pattern=rf"(?i:(?<![a-z0-9])(?P<keyword>{names}))[^\n]{{0,80}}?(?<![\w-])(?P<secret>{value}){END}",
        description=f"{provider} {kind}, on a line that names {provider}",
        explain=f"{provider} {kind}, {{chars}} chars after '{{keyword}}'",
        keywords=keywords,
        min_entropy=min_entropy,
        check=check,
        score=score,
    )

"""The provider catalogue: one SecretRule per provider token shape (gitleaks' rules,
detect-secrets' plugins), each with its own true- and false-positive test values
in tests/detectors/test_secrets_providers.py.

These run after the core catalogue's prefixed rules and before its keyword-led
ones (secrets_catalogue.CATALOGUE), so a provider's token is named by its provider.
The rules are declared by family in detectors/providers/; within this catalogue
the prefixed shapes run before the keyword-led ones (a rule with a ``keyword``
group), so "twitter_bearer = AAAA..." is a bearer token before it is an API secret.
PROVIDER_CHECKS: extra named checks these rules use, merged into secrets.CHECKS.
"""

from __future__ import annotations

from collections.abc import Callable

from detectors.providers import (
    apps,
    cloud,
    commerce,
    core_shapes,
    devtools,
    messaging,
    observability,
    vaults,
)
from detectors.providers.checks import CHECKS
from detectors.secrets_rule import SecretRule

FAMILIES = (core_shapes, devtools, vaults, cloud, observability, messaging, commerce, apps)
PROVIDER_RULES: tuple[SecretRule, ...] = tuple(
    sorted(
        (rule for family in FAMILIES for rule in family.RULES),
        key=lambda rule: "keyword" in rule.regex.groupindex,  # stable: family order otherwise
    )
)
PROVIDER_CHECKS: dict[str, Callable] = CHECKS

"""The provider catalogue: one SecretRule per provider token shape (gitleaks' rules,
detect-secrets' plugins), each with its own true- and false-positive test values
in tests/detectors/test_secrets_providers.py.

These run after the core catalogue's prefixed rules and before its keyword-led
ones (secrets_catalogue.CATALOGUE), so a provider's token is named by its provider.
PROVIDER_CHECKS: extra named checks these rules use, merged into secrets.CHECKS.
"""

from __future__ import annotations

from collections.abc import Callable

from detectors.secrets_rule import SecretRule

PROVIDER_RULES: tuple[SecretRule, ...] = ()
PROVIDER_CHECKS: dict[str, Callable] = {}

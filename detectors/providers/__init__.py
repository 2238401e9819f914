"""Provider token shapes (gitleaks' rules, detect-secrets' plugins), one module per family.

Each module declares RULES, a tuple of SecretRule built with shapes.prefixed
(a token whose prefix names its provider) or shapes.keyed (a value assigned
to a provider's name). detectors/secrets_providers.py gathers them.
"""

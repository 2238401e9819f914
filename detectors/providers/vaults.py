"""Secret managers, encryption keys and infrastructure-as-code platforms (gitleaks)."""

from __future__ import annotations

from detectors.providers.shapes import END, keyed, prefixed

RULES = (
    prefixed(
        "TERRAFORM_TOKEN",
        "HashiCorp Terraform Cloud",
        "API token",
        r"\b[a-zA-Z0-9]{14}\.(?P<prefix>atlasv1)\.[a-zA-Z0-9_=-]{60,70}(?![\w=-])",
        min_entropy=3.5,
    ),
    prefixed(
        "VAULT_TOKEN",
        "HashiCorp Vault",
        "service token",
        rf"\b(?P<prefix>hvs\.)[\w-]{{90,120}}{END}",
        min_entropy=3.5,
    ),
    prefixed(
        "VAULT_TOKEN",
        "HashiCorp Vault",
        "batch token",
        rf"\b(?P<prefix>hvb\.)[\w-]{{138,300}}{END}",
        min_entropy=4.0,
    ),
    keyed(
        "VAULT_TOKEN",
        "HashiCorp Vault",
        "legacy service token (s. plus 24, with a digit)",
        r"vault",
        r"s\.(?=[a-z]{0,23}[0-9])[a-z0-9]{24}",
        keywords=("vault",),
        strict=False,
    ),
    prefixed(
        "DOPPLER_TOKEN",
        "Doppler",
        "personal token",
        rf"\b(?P<prefix>dp\.pt\.)[a-zA-Z0-9]{{43}}{END}",
        min_entropy=2.0,
    ),
    prefixed(
        "HARNESS_TOKEN",
        "Harness",
        "API key or service account token",
        rf"\b(?P<prefix>pat\.|sat\.)[\w-]{{22}}\.[a-zA-Z0-9]{{24}}\.[a-zA-Z0-9]{{20}}{END}",
        keywords=("pat.", "sat."),
    ),
    prefixed(
        "DEFINED_NETWORKING_TOKEN",
        "Defined Networking",
        "API token",
        r"\b(?P<prefix>dnkey-)[a-zA-Z0-9=_-]{26}-[a-zA-Z0-9=_-]{52}(?![\w=-])",
    ),
    prefixed(
        "ONEPASSWORD_SECRET",
        "1Password",
        "account secret key",
        r"\b(?P<prefix>A3-)[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})"
        r"(?:-[A-Z0-9]{5}){3}\b",
        min_entropy=3.8,
    ),
    prefixed(
        "ONEPASSWORD_SECRET",
        "1Password",
        "service account token",
        r"\b(?P<prefix>ops_eyJ)[a-zA-Z0-9+/]{250,4000}={0,3}(?![\w+/=])",
        min_entropy=4.0,
    ),
    prefixed(
        "AGE_SECRET_KEY",
        "age",
        "encryption secret key",
        r"\b(?P<prefix>AGE-SECRET-KEY-1)[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b",
    ),
    prefixed(
        "AUTHRESS_KEY",
        "Authress",
        "service client access key",
        r"\b(?P<prefix>sc_|ext_|scauth_|authress_)[a-zA-Z0-9]{5,30}\.[a-zA-Z0-9]{4,6}\.acc[_-]"
        r"[a-zA-Z0-9-]{10,32}\.[a-zA-Z0-9+/_=-]{30,120}(?![\w+/=-])",
        keywords=("sc_", "ext_", "scauth_", "authress_"),
        min_entropy=2.0,
    ),
)

"""Monitoring, logging, feature flags and alerting (gitleaks)."""

from __future__ import annotations

from detectors.providers.shapes import B64_END, END, UUID, keyed, prefixed
from detectors.secrets_rule import SecretRule

RULES = (
    prefixed(
        "GRAFANA_TOKEN",
        "Grafana",
        "API key (legacy)",
        rf"\b(?P<prefix>eyJrIjoi)[A-Za-z0-9]{{70,400}}={{0,3}}{B64_END}",
        min_entropy=3.0,
    ),
    prefixed(
        "GRAFANA_TOKEN",
        "Grafana Cloud",
        "API token",
        rf"\b(?P<prefix>glc_)[A-Za-z0-9+/]{{32,400}}={{0,3}}{B64_END}",
        min_entropy=3.0,
    ),
    prefixed(
        "GRAFANA_TOKEN",
        "Grafana",
        "service account token",
        rf"\b(?P<prefix>glsa_)[A-Za-z0-9]{{32}}_[A-Fa-f0-9]{{8}}{END}",
        min_entropy=3.0,
    ),
    prefixed(
        "NEW_RELIC_KEY",
        "New Relic",
        "user API key or insert key",
        rf"\b(?P<prefix>NRAK-|NRII-)(?:(?<=NRAK-)[A-Za-z0-9]{{27}}|(?<=NRII-)[A-Za-z0-9-]{{32}}){END}",
        keywords=("nrak-", "nrii-"),
    ),
    keyed(
        "DATADOG_KEY",
        "Datadog",
        "API or application key",
        "datadog|dd(?=_)",
        r"[a-z0-9]{40}|[a-f0-9]{32}",
        keywords=("datadog", "dd_"),
    ),
    prefixed(
        "DYNATRACE_TOKEN",
        "Dynatrace",
        "API token",
        rf"\b(?P<prefix>dt0c01\.)[a-zA-Z0-9]{{24}}\.[a-zA-Z0-9]{{64}}{END}",
        min_entropy=4.0,
    ),
    prefixed(
        "SENTRY_TOKEN",
        "Sentry",
        "user auth token",
        rf"\b(?P<prefix>sntryu_)[a-f0-9]{{64}}{END}",
        min_entropy=3.5,
    ),
    prefixed(
        "SENTRY_TOKEN",
        "Sentry",
        "organization auth token",
        r"\b(?P<prefix>sntrys_eyJpYXQiO)[a-zA-Z0-9+/]{10,200}"
        r"(?:LCJyZWdpb25fdXJs|InJlZ2lvbl91cmwi|cmVnaW9uX3VybCI6)[a-zA-Z0-9+/]{10,200}={0,2}"
        r"_[a-zA-Z0-9+/]{43}(?![\w+/=])",
        keywords=("sntrys_eyjpyxqio",),
        min_entropy=4.5,
    ),
    keyed(
        "SENTRY_TOKEN",
        "Sentry",
        "auth token (legacy)",
        "sentry",
        r"[a-f0-9]{64}",
        keywords=("sentry",),
    ),
    keyed(
        "SUMOLOGIC_KEY",
        "Sumo Logic",
        "access key",
        r"(?-i:[Ss]umo|SUMO)",
        r"[a-z0-9]{64}",
        keywords=("sumo",),
    ),
    keyed(
        "LAUNCHDARKLY_TOKEN",
        "LaunchDarkly",
        "access token",
        "launch[_-]?darkly",
        r"[a-z0-9=_-]{40}",
        keywords=("launchdarkly", "launch_darkly", "launch-darkly"),
        strict=False,
    ),
    keyed("MERAKI_KEY", "Cisco Meraki", "API key", "meraki", r"[0-9a-f]{40}", keywords=("meraki",)),
    SecretRule(
        label="MICROSOFT_TEAMS_WEBHOOK",
        pattern=(
            rf"https://[a-z0-9-]{{1,60}}\.(?P<keyword>webhook\.office\.com)/webhookb2/{UUID}@{UUID}"
            rf"/IncomingWebhook/[a-z0-9]{{32}}/{UUID}(?:/[\w-]{{1,100}})?(?![\w-])"
        ),
        description="Microsoft Teams incoming webhook URL (*.webhook.office.com/webhookb2/...)",
        explain="Microsoft Teams incoming webhook URL on '{keyword}'",
        keywords=("webhook.office.com",),
    ),
)

"""Social networks, AI services, media and other app platforms (gitleaks)."""

from __future__ import annotations

from detectors.providers.shapes import END, keyed, prefixed
from detectors.secrets_rule import SecretRule

RULES = (
    prefixed(
        "HUGGINGFACE_TOKEN",
        "Hugging Face",
        "access token",
        rf"\b(?P<prefix>hf_)[a-zA-Z]{{34}}{END}",
        min_entropy=3.0,
    ),
    prefixed(
        "HUGGINGFACE_TOKEN",
        "Hugging Face",
        "organization API token",
        rf"\b(?P<prefix>api_org_)[a-zA-Z]{{34}}{END}",
        min_entropy=3.0,
    ),
    keyed(
        "COHERE_KEY",
        "Cohere",
        "API key",
        "cohere|co_api_key",
        r"(?-i:[a-zA-Z0-9]{40})",
        keywords=("cohere", "co_api_key"),
        strict=False,
        min_entropy=4.0,
    ),
    prefixed(
        "PERPLEXITY_KEY",
        "Perplexity",
        "API key",
        rf"\b(?P<prefix>pplx-)[a-zA-Z0-9]{{48}}{END}",
        min_entropy=4.0,
    ),
    keyed(
        "PRIVATEAI_KEY",
        "Private AI",
        "API key",
        "private[_-]?ai",
        r"[a-z0-9]{32}",
        keywords=("privateai", "private_ai", "private-ai"),
        strict=False,
    ),
    keyed(
        "RAPIDAPI_KEY",
        "RapidAPI",
        "access key",
        "rapidapi",
        r"[a-z0-9_-]{50}",
        keywords=("rapidapi",),
        strict=False,
    ),
    prefixed(
        "MAPBOX_TOKEN",
        "Mapbox",
        "secret token",
        r"\b(?P<prefix>sk\.eyJ1)[A-Za-z0-9_-]{20,200}\.[A-Za-z0-9_-]{20,30}(?![\w.-])",
        keywords=("sk.eyj1",),
    ),
    keyed(
        "DROPBOX_TOKEN", "Dropbox", "API secret", "dropbox", r"[a-z0-9]{15}", keywords=("dropbox",)
    ),
    keyed(
        "DROPBOX_TOKEN",
        "Dropbox",
        "short-lived token",
        "dropbox",
        r"sl\.[a-z0-9=_-]{135}",
        keywords=("dropbox",),
        strict=False,
        end=r"(?![\w=-])",
    ),
    SecretRule(
        label="DROPBOX_TOKEN",
        pattern=(
            r"(?i:(?<![a-z0-9])(?P<keyword>dropbox))[^\n]{0,80}?(?<![\w-])"
            r"(?P<secret>[a-zA-Z0-9]{11}(?P<run>AAAAAAAAAA)[a-zA-Z0-9_=-]{43})(?![\w=-])"
        ),
        description="Dropbox long-lived token (11 characters, AAAAAAAAAA, 43 more) near 'dropbox'",
        explain="Dropbox long-lived token, {chars} chars after '{keyword}'",
        keywords=("dropbox",),
        check="fixed_run_token",
    ),
    prefixed(
        "FACEBOOK_TOKEN",
        "Facebook",
        "page access token",
        rf"\b(?P<prefix>EAA[MC])[a-zA-Z0-9]{{100,500}}{END}",
        keywords=("eaam", "eaac"),
        min_entropy=4.0,
    ),
    keyed(
        "FACEBOOK_TOKEN",
        "Facebook",
        "app secret",
        "facebook",
        r"[a-f0-9]{32}",
        keywords=("facebook",),
    ),
    keyed(
        "FACEBOOK_TOKEN",
        "Facebook",
        "app access token (app id|secret)",
        "facebook",
        r"\d{15,16}(?:\||%7C)[0-9a-z_-]{27,40}",
        keywords=("facebook",),
        strict=False,
    ),
    SecretRule(
        label="TWITTER_KEY",
        pattern=r"(?<![\w%])(?P<secret>(?P<run>A{22})[a-zA-Z0-9%]{80,100})(?![\w%])",
        description="Twitter (X) bearer token (22 A's, then 80 to 100 characters)",
        explain="Twitter bearer token, {chars} chars opening with its run of 22 A's",
        keywords=("a" * 22,),
        min_entropy=3.0,
        check="fixed_run_token",
        score=0.9,
    ),
    keyed(
        "TWITTER_KEY",
        "Twitter (X)",
        "access token",
        "twitter",
        r"(?-i:[0-9]{15,25}-[a-zA-Z0-9]{20,40})",
        keywords=("twitter",),
        strict=False,
    ),
    keyed(
        "TWITTER_KEY",
        "Twitter (X)",
        "API key or secret",
        "twitter",
        r"[a-z0-9]{50}|[a-z0-9]{45}|[a-z0-9]{25}",
        keywords=("twitter",),
    ),
    keyed(
        "LINKEDIN_KEY",
        "LinkedIn",
        "client secret",
        "linked[_-]?in",
        r"[a-z0-9]{16}",
        keywords=("linkedin", "linked_in", "linked-in"),
    ),
    keyed("TWITCH_TOKEN", "Twitch", "API token", "twitch", r"[a-z0-9]{30}", keywords=("twitch",)),
    keyed(
        "FLICKR_TOKEN", "Flickr", "access token", "flickr", r"[a-z0-9]{32}", keywords=("flickr",)
    ),
    keyed(
        "NYTIMES_TOKEN",
        "New York Times",
        "API key",
        "nytimes|new-york-times|newyorktimes",
        r"[a-z0-9=_-]{32}",
        keywords=("nytimes", "new-york-times", "newyorktimes"),
        end=r"(?![\w=-])",
    ),
    keyed("LOOKER_KEY", "Looker", "client secret", "looker", r"[a-z0-9]{24}", keywords=("looker",)),
)

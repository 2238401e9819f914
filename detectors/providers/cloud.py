"""Cloud platforms, storage and observability (gitleaks, detect-secrets)."""

from __future__ import annotations

from detectors.providers.shapes import B64_END, END, keyed, prefixed
from detectors.secrets_rule import SecretRule

RULES = (
    prefixed(
        "ALIBABA_KEY",
        "Alibaba Cloud",
        "AccessKey ID",
        rf"\b(?P<prefix>LTAI)[a-zA-Z0-9]{{20}}{END}",
        min_entropy=2.0,
    ),
    keyed(
        "ALIBABA_KEY",
        "Alibaba Cloud",
        "AccessKey secret",
        "alibaba",
        r"[a-z0-9]{30}",
        keywords=("alibaba",),
        strict=False,
    ),
    prefixed(
        "AWS_BEDROCK_KEY",
        "Amazon Bedrock",
        "long-term API key",
        rf"\b(?P<prefix>ABSK)[A-Za-z0-9+/]{{109,269}}={{0,2}}{B64_END}",
        min_entropy=3.0,
    ),
    prefixed(
        "AWS_BEDROCK_KEY",
        "Amazon Bedrock",
        "short-term API key",
        r"\b(?P<prefix>bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t)[A-Za-z0-9+/%=_-]{20,4000}"
        r"(?![\w+/%=-])",
        keywords=("bedrock-api-key-",),
        min_entropy=3.0,
    ),
    SecretRule(
        label="AZURE_CLIENT_SECRET",
        pattern=r"(?<![\w~.-])(?P<secret>[a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?![\w~.-])",
        description="Azure AD (Entra ID) client secret: 3 characters, a digit, Q~, 31 to 34 more",
        explain="Azure AD client secret, Q~ after its 4th character, {chars} chars",
        keywords=("q~",),
        min_entropy=3.0,
    ),
    SecretRule(
        label="AZURE_STORAGE_KEY",
        pattern=r"(?i:(?P<keyword>AccountKey))=(?P<secret>[a-zA-Z0-9+/]{86}==)(?![\w+/=])",
        description="Azure Storage account key in a connection string (AccountKey=, 88 chars)",
        explain="Azure Storage account key, {chars} base64 chars after '{keyword}='",
        keywords=("accountkey=",),
    ),
    keyed(
        "CLOUDFLARE_KEY",
        "Cloudflare",
        "API token or global API key",
        "cloudflare",
        r"[a-z0-9_-]{40}|[a-f0-9]{37}",
        keywords=("cloudflare",),
        strict=False,
        min_entropy=2.0,
    ),
    prefixed(
        "CLOUDFLARE_KEY",
        "Cloudflare",
        "Origin CA key",
        rf"\b(?P<prefix>v1\.0-)[a-f0-9]{{24}}-[a-f0-9]{{146}}{END}",
        min_entropy=2.0,
    ),
    prefixed(
        "DIGITALOCEAN_TOKEN",
        "DigitalOcean",
        "access, personal or refresh token",
        rf"\b(?P<prefix>do[opr]_v1_)[a-f0-9]{{64}}{END}",
        keywords=("doo_v1_", "dop_v1_", "dor_v1_"),
        min_entropy=3.0,
    ),
    keyed(
        "YANDEX_KEY",
        "Yandex Cloud",
        "IAM token, API key or access key",
        "yandex",
        r"(?-i:t1\.[A-Z0-9a-z_-]{1,200}={0,2}\.[A-Z0-9a-z_-]{86}={0,2}|AQVN[A-Za-z0-9_-]{35,38}"
        r"|YC[a-zA-Z0-9_-]{38})",
        keywords=("yandex",),
        strict=False,
        end=r"(?![\w=-])",
    ),
    keyed(
        "IBM_CLOUD_KEY",
        "IBM Cloud",
        "IAM API key",
        r"ibm[_-]?cloud[_-]?iam|cloud[_-]?iam|ibm[_-]?cloud|ibm[_-]?iam|ibm|iam",
        r"[a-z0-9_-]{44}",
        keywords=("ibm", "iam"),
    ),
    keyed(
        "IBM_COS_HMAC_KEY",
        "IBM Cloud Object Storage",
        "HMAC secret access key",
        r"(?:ibm[_-]?)?cos(?:[_-]?hmac)?",
        r"[a-f0-9]{48}",
        keywords=("cos",),
    ),
    keyed(
        "SOFTLAYER_KEY",
        "SoftLayer",
        "API key",
        r"softlayer|sl(?=[_-])",
        r"[a-z0-9]{64}",
        keywords=("softlayer", "sl_", "sl-"),
    ),
    SecretRule(
        label="SOFTLAYER_KEY",
        pattern=(
            r"(?i)https?://(?P<keyword>api\.softlayer\.com)/soap/v3(?:\.1)?/"
            rf"(?P<secret>[a-z0-9]{{64}}){END}"
        ),
        description="SoftLayer API key in a SOAP API URL (api.softlayer.com/soap/v3/...)",
        explain="SoftLayer API key in an '{keyword}' SOAP URL, {chars} chars",
        keywords=("api.softlayer.com/soap/",),
        min_entropy=3.0,
    ),
    keyed(
        "CLOUDANT_KEY",
        "IBM Cloudant",
        "password",
        r"cloudant|clou|cl(?=[_-])",
        r"[0-9a-f]{64}",
        keywords=("cloudant", "clou", "cl_", "cl-"),
    ),
    keyed(  # 24 lower-case letters: random_token would take them for a word
        "CLOUDANT_KEY",
        "IBM Cloudant",
        "API key",
        r"cloudant|clou|cl(?=[_-])",
        r"(?-i:[a-z]{24})",
        keywords=("cloudant", "clou", "cl_", "cl-"),
        min_entropy=3.5,
        check="not_placeholder",
    ),
    SecretRule(
        label="CLOUDANT_KEY",
        pattern=(
            r"(?i)https?://[\w-]{1,100}:(?P<secret>[0-9a-f]{64}|(?-i:[a-z]{24}))"
            r"@[\w-]{1,100}\.(?P<keyword>cloudant)\.com\b"
        ),
        description="IBM Cloudant password or API key in an account URL (https://acct:...@acct.cloudant.com)",
        explain="IBM Cloudant credential in a '{keyword}' account URL, {chars} chars",
        keywords=("cloudant.com",),
        min_entropy=3.0,
    ),
    prefixed(
        "OPENSHIFT_TOKEN",
        "OpenShift",
        "user token",
        rf"\b(?P<prefix>sha256~)[\w-]{{43}}{END}",
        min_entropy=3.5,
    ),
    prefixed(
        "CLICKHOUSE_KEY",
        "ClickHouse Cloud",
        "API secret key",
        rf"\b(?P<prefix>4b1d)[A-Za-z0-9]{{38}}{END}",
        min_entropy=3.0,
    ),
    keyed(
        "CONFLUENT_KEY",
        "Confluent",
        "API key or secret",
        "confluent",
        r"[a-z0-9]{64}|[a-z0-9]{16}",
        keywords=("confluent",),
    ),
    keyed(
        "OKTA_TOKEN",
        "Okta",
        "API token",
        r"(?-i:[Oo]kta|OKTA)",
        r"00[\w=-]{40}",
        keywords=("okta",),
        strict=False,
        min_entropy=4.0,
        end=r"(?![\w=-])",
    ),
    keyed(
        "FASTLY_TOKEN", "Fastly", "API token", "fastly", r"[a-z0-9=_-]{32}", keywords=("fastly",)
    ),
    SecretRule(
        label="KUBERNETES_SECRET",
        pattern=(
            r"(?i)\b(?P<keyword>kind):[ \t]*[\"']?secret[\"']?[ \t]*\n(?:[^\n]{0,120}\n){0,8}?"
            r"[ \t]*(?:data|stringData):[ \t]*\n(?:[ \t]+[\w.-]{1,60}:[^\n]{0,200}\n){0,8}?"
            r"[ \t]+[\w.-]{1,60}:[ \t]+[\"']?(?P<secret>[a-z0-9+/]{10,4000}={0,3})(?![\w+/=])"
        ),
        description="Kubernetes Secret manifest (kind: Secret) with a value under data:",
        explain="value under data: of a Kubernetes '{keyword}: Secret' manifest, {chars} chars",
        keywords=("kind:",),
        min_entropy=3.0,
        score=0.8,
    ),
)

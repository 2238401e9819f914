"""The secrets catalogue: what each credential looks like, as data (the code is in secrets.py).

A SecretRule declares a label, a regex, the cheap literals (keywords) a post
must contain before the regex is worth running, an optional Shannon-entropy
floor, a named check of the matched value (secrets.CHECKS: placeholders,
checksums, a JWT's header) and a score. Bad data fails at import: an invalid
regex, an unknown explanation field or an unknown check name raises at once.

Rules run in catalogue order, most specific first, and text one rule reported
is not reported again by a later one: a GitHub token after ``token:`` is a
GITHUB_TOKEN, not also a GENERIC_SECRET.

The allow-lists live here too: placeholder marks and words, well-known default
passwords, and public key material whose token-like runs are not secrets.
"""

from __future__ import annotations

import re

from detectors.secrets_password_rules import PASSWORD_CONTEXT_RULES, PASSWORD_RULES
from detectors.secrets_providers import PROVIDER_RULES
from detectors.secrets_rule import SecretRule
from detectors.secrets_split import splittable

# Placeholder-evident values: documentation keys, masks, template variables, and
# any character repeated 8 times. (Runs like 12345678 are checked in secrets_values.py.)
PLACEHOLDER_MARK = re.compile(
    r"(?i:example|x{4}|redacted|placeholder|your[_-]|[_-]here\b|fake|dummy)"
    r"|\*{4}|<[^<>\n]*>|\$\{[\w.:\-\s]*(?:\}|$)|\$\(|\{\{[^{}\n]*\}\}|^\$(?:env:)?\w+$|^%\w+%$"
    r"|(.)\1{7}"
)
# A password "value" that is one of these words is a label, a status or a template.
PLACEHOLDER_WORDS = frozenset(
    "password passwd passphrase pwd pass secret token value string none null nil "
    "true false empty hidden required optional undefined "
    "yes no ok n/a tbd todo unknown missing blank same different unchanged changed expired "
    "incorrect invalid wrong forgotten strong weak masked encrypted hashed unset set "
    "enabled disabled locked protected mandatory default see below above attached sent "
    "1password lastpass bitwarden keepass".split()
)
# Weak but real: reported with a lower score, except as a database default on a loopback host
# or in a how-to sentence (HOWTO_CUE): "it defaults to changeme, change it on first login".
WELL_KNOWN_PASSWORDS = frozenset(
    "changeme changeit letmein passw0rd p@ssw0rd password1 password123 welcome1 admin123 "
    "qwerty123".split()
)
HOWTO_CUE = re.compile(
    r"(?i)\b(?:defaults?|change (?:it|this|that|them)|first (?:log-?in|login|sign[ -]?in|use|boot)"
    r"|initial|temporary|for example|such as|must be changed)\b|\be\.g\."
)
# "a password like X", "beats P@ssw0rd": an example, between a keyword and a value near it.
EXAMPLE_CUE = re.compile(
    r"(?i)\b(?:like|such as|e\.g|for example|example|than|vs|versus|beats|instead of|not)\b"
)
# password_hash, pass_rate, PASSWORD_MIN_LENGTH: named after a password, not holding one.
NOT_A_PASSWORD_SUFFIX = re.compile(
    r"(?i)hash|digest|salt|len|min|max|policy|file|path|hint|prompt|reset|expir|history|rate"
    r"|count|through|thru|attempt|retr|fail|strength|regex|pattern|rule|field|label|name|url|uri"
    r"|env|var|required|type|mode|format|enabled|manager|less|time|date|ttl|rotat|change|update"
    r"|(?:^|[_-])id\b"
)
# A PIN is reported only for what one signs in to: an account, a login, a portal, voicemail.
# A card PIN, a door or a locker code, a PIN pad are not credentials of an account.
PIN_ACCOUNT_CUE = re.compile(
    r"(?i)\b(?:accounts?|acct|log-?ins?|logon|sign[ -]?in|portal|voicemail|profile|user(?:name)?"
    r"|admin|vpn|intranet|app|dashboard|tenant|workspace)\b"
)
PIN_NOT_ACCOUNT_CUE = re.compile(
    r"(?i)\b(?:door|gate|locker|safe|alarm|pad|keypad|atm|debit|credit|card|sim|padlock|lock)\b"
)
# Passes that are tickets, not passwords: "the boarding pass is A12-B34C".
PASS_KIND = re.compile(
    r"(?i)\b(?:boarding|season|bus|train|rail|day|ski|hall|guest|visitor|festival|backstage"
    r"|press|access|free|gym|parking|travel|transit|museum|vip|event|conference)[ \t]+$"
)
# A lower-case "pin" is a PIN after these words (the voicemail pin is); "pin the post" is not.
PIN_BEFORE = re.compile(
    r"(?i)\b(?:the|my|your|our|his|her|their|its|a|new|shared|voicemail|account|login|app|admin"
    r"|portal|user)[ \t]+$"
)
# The conventional users of anonymous FTP, whose "password" is an e-mail address.
ANONYMOUS_USERS = frozenset({"anonymous", "ftp"})
# Hex digests (md5, sha1, sha224, sha256, sha384, sha512) are never unlabelled secrets.
DIGEST_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
# base64 openings of public or binary data: ssh public key blob, PNG, JPEG, GIF, WebP.
PUBLIC_BLOB = re.compile(r"AAAA[A-Za-z0-9+/]{4}NzaC1|iVBORw0KGgo|/9j/|R0lGOD|UklGR")
# Public key material as a whole, (keyword, regex): any finding inside one is dropped.
PUBLIC_MATERIAL: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("-----begin", re.compile(
        r"-----BEGIN (?P<kind>[A-Z0-9 ]*(?:PUBLIC KEY(?: BLOCK)?|CERTIFICATE(?: REQUEST)?))-----"
        r"[\s\S]{0,20000}?-----END (?P=kind)-----"
    )),
    ("aaaa", re.compile(
        r"\b(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d{3}"
        r"|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) AAAA[A-Za-z0-9+/]+={0,3}"
    )),
    ("base64,", re.compile(r"data:[\w.+/-]+(?:;[\w.=-]+)*;base64,[A-Za-z0-9+/]+={0,2}")),
)  # fmt: skip
# What a prefix says about a token, for explanations.
KINDS = {
    "AKIA": "long-term access key ID", "ASIA": "temporary (STS) access key ID",
    "ABIA": "STS service bearer key ID", "ACCA": "context-specific access key ID",
    "ghp_": "classic personal access token", "gho_": "OAuth access token",
    "ghu_": "app user-to-server token", "ghs_": "app installation token",
    "ghr_": "app refresh token", "github_pat_": "fine-grained personal access token",
    "glpat-": "personal access token", "gldt-": "deploy token", "glrt-": "runner token",
    "glptt-": "pipeline trigger token", "glft-": "feed token", "glimt-": "incoming mail token",
    "glagent-": "agent token", "gloas-": "OAuth application secret", "glcbt-": "CI job token",
    "glffct-": "feature flags client token", "glsoat-": "SCIM OAuth token",
    "GR1348941": "runner registration token",
    "xoxb-": "bot token", "xoxp-": "user token", "xoxa-": "app token", "xoxr-": "refresh token",
    "xoxs-": "session token", "xoxo-": "legacy token", "xoxe-": "refresh token",
    "xoxe.xoxb-": "rotating bot token", "xoxe.xoxp-": "rotating user token",
    "xapp-": "app-level token", "whsec_": "webhook signing secret",
    "sk_live_": "live secret key", "rk_live_": "live restricted key",
    "sk_test_": "test-mode secret key", "rk_test_": "test-mode restricted key",
    "sk-": "secret key", "sk-proj-": "project key", "sk-svcacct-": "service account key",
    "sk-admin-": "admin key", "sk-None-": "user key", "sk-ant-": "API key",
}  # fmt: skip
GITLAB_PREFIXES = ("glpat-", "gldt-", "glrt-", "glptt-", "glft-", "glimt-", "glagent-", "gloas-",
                   "glcbt-", "glffct-", "glsoat-", "GR1348941")  # fmt: skip
PREFIXED = "{kind}, prefix {prefix}, {chars} chars after it"
DB_SCHEMES = ("postgres", "mysql", "mariadb", "mongodb", "redis", "amqp", "mssql", "sqlserver",
              "oracle", "cockroachdb", "clickhouse", "neo4j", "couchdb")  # fmt: skip
# A database URL's scheme, perhaps with SQLAlchemy's driver (postgresql+psycopg2://).
DB_URL_SCHEME = (
    r"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle"
    r"|cockroachdb|clickhouse|neo4j(?:\+s)?|couchdb)(?:\+[a-z0-9]{1,20})?"
)
GENERIC_KEYWORD = (
    r"(?i)(?<![a-z0-9])(?P<keyword>api[ _-]?key|apikey|access[ _-]?(?:key|token)|secret[ _-]?key"
    r"|(?:private|account|signing|encryption|master)[ _-]?key|client[ _-]?secret|auth[ _-]?token"
    r"|secrets?|tokens?|auth|bearer"
    r"|credentials?)(?![a-z])"
)
SEP = r"[\s\"'`:=>(),\[\]{}]{1,6}"  # between a keyword, a few words and the value

SPECIFIC_RULES: tuple[SecretRule, ...] = (
    SecretRule(
        label="PRIVATE_KEY",
        pattern=(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:[\s\S]{0,20000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?"
        ),
        description="PEM/OpenSSH/PGP private key (the whole block when its END line is present)",
        explain="private key armour (BEGIN ... PRIVATE KEY)",
        keywords=("private key",),
        check="pem_block",
    ),
    SecretRule(
        label="AWS_ACCESS_KEY",
        pattern=rf"\b(?P<prefix>AKIA|ASIA|ABIA|ACCA){splittable('[A-Z0-9]', 16)}\b",
        description="AWS access key ID (AKIA long-term, ASIA temporary), even split in up to 3",
        explain="AWS " + PREFIXED,
        keywords=("akia", "asia", "abia", "acca"),
        check="split_key",
    ),
    SecretRule(
        label="GITHUB_TOKEN",
        pattern=r"\b(?P<prefix>gh[pousr]_)[A-Za-z0-9]{36}(?![A-Za-z0-9_])",
        description="GitHub classic token (ghp_/gho_/ghu_/ghs_/ghr_), CRC32 checksum checked",
        explain="GitHub " + PREFIXED,
        keywords=("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        check="github_checksum",
    ),
    SecretRule(
        label="GITHUB_TOKEN",
        pattern=r"\b(?P<prefix>github_pat_)[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])",
        description="GitHub fine-grained personal access token (github_pat_)",
        explain="GitHub " + PREFIXED,
        keywords=("github_pat_",),
    ),
    SecretRule(
        label="GITLAB_TOKEN",
        pattern=(
            rf"\b(?P<prefix>{'|'.join(GITLAB_PREFIXES)})[0-9A-Za-z_-]{{20,300}}"
            r"(?:\.[0-9a-z]{9})?(?![\w-])"
        ),
        description="GitLab token (glpat- personal, gldt- deploy, glrt- runner and the rest)",
        explain="GitLab " + PREFIXED,
        keywords=GITLAB_PREFIXES,
    ),
    SecretRule(
        label="SLACK_WEBHOOK",
        pattern=(
            r"(?:https?://)?\bhooks\.slack\.com/(?:services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}"
            r"|(?:workflows|triggers)/T[A-Z0-9]{6,12}/A[A-Z0-9]{6,12}/\d{6,20})"
            r"/[A-Za-z0-9]{20,40}(?![A-Za-z0-9])"
        ),
        description="Slack webhook URL (hooks.slack.com/services/T.../B.../secret, or workflows)",
        explain="Slack webhook URL with its secret path segment",
        keywords=("hooks.slack.com",),
    ),
    SecretRule(
        label="SLACK_TOKEN",
        pattern=(
            r"\b(?P<prefix>xox[abeoprs]-|xoxe\.xox[bp]-|xapp-)"
            r"(?:[0-9A-Za-z]{1,64}-){0,5}[0-9A-Za-z]{8,64}(?![\w-])"
        ),
        description="Slack token (xoxb- bot, xoxp- user, xoxa-, xoxr-, xoxs-, xapp- app-level)",
        explain="Slack " + PREFIXED,
        keywords=("xox", "xapp-"),
        min_entropy=3.0,
    ),
    SecretRule(
        label="STRIPE_KEY",
        pattern=r"\b(?P<prefix>[sr]k_live_)[0-9A-Za-z]{20,247}(?![0-9A-Za-z_])",
        description="Stripe live secret or restricted key (sk_live_, rk_live_)",
        explain="Stripe " + PREFIXED,
        keywords=("k_live_",),
    ),
    SecretRule(
        label="STRIPE_KEY",
        pattern=r"\b(?P<prefix>whsec_)[0-9A-Za-z+/]{32,88}(?![0-9A-Za-z_+/])",
        description="Stripe webhook signing secret (whsec_)",
        explain="Stripe " + PREFIXED,
        keywords=("whsec_",),
        score=0.9,
    ),
    SecretRule(
        label="STRIPE_KEY",
        pattern=r"\b(?P<prefix>[sr]k_test_)[0-9A-Za-z]{20,247}(?![0-9A-Za-z_])",
        description="Stripe test-mode key (sk_test_, rk_test_): reaches test data only",
        explain="Stripe " + PREFIXED,
        keywords=("k_test_",),
        score=0.7,
    ),
    SecretRule(
        label="GOOGLE_API_KEY",
        pattern=r"\b(?P<prefix>AIza)[0-9A-Za-z_-]{35}(?![\w-])",
        description="Google API key (AIza plus 35 characters)",
        explain="Google API key, prefix {prefix}, {chars} chars after it",
        keywords=("aiza",),
    ),
    SecretRule(
        label="ANTHROPIC_KEY",
        pattern=r"\b(?P<prefix>sk-ant-)(?:api|admin|oat|ort)\d{2}-[A-Za-z0-9_-]{32,120}(?![\w-])",
        description="Anthropic API key (sk-ant-api03-...)",
        explain="Anthropic key, prefix {prefix}, {chars} chars after it",
        keywords=("sk-ant-",),
    ),
    SecretRule(
        label="OPENAI_KEY",
        pattern=(
            r"\b(?P<prefix>sk-(?:(?:proj|svcacct|admin|None)-)?)"
            r"[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}(?![\w-])"
        ),
        description="OpenAI API key carrying OpenAI's T3BlbkFJ marker (sk-, sk-proj-...)",
        explain="OpenAI " + PREFIXED + ", with OpenAI's marker",
        keywords=("t3blbkfj",),
    ),
    SecretRule(
        label="OPENAI_KEY",
        pattern=r"\b(?P<prefix>sk-(?:(?:proj|svcacct|admin)-)?)[A-Za-z0-9_-]{32,200}(?![\w-])",
        description="OpenAI-style key without the marker: sk- plus 32 or more random characters",
        explain="OpenAI-style " + PREFIXED + ", entropy {entropy:.1f} bits/char",
        keywords=("sk-",),
        min_entropy=3.0,
        check="random_token",
        score=0.8,
    ),
    SecretRule(
        label="JWT",
        pattern=r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}(?![\w-])",
        description="JSON Web Token: three base64url segments, the header JSON with an alg",
        explain="JSON Web Token, three base64url segments, header is JSON with an alg",
        keywords=("eyj",),
        check="jwt_header",
        score=0.9,
    ),
)
# Keyword-led rules: after every prefixed provider token, so a token is named by its provider.
KEYWORD_RULES: tuple[SecretRule, ...] = (
    SecretRule(
        label="DB_CONNECTION_STRING",
        pattern=(
            rf"(?i)(?=[pmrasocn])\b(?P<scheme>{DB_URL_SCHEME})://"
            r"(?P<user>[^\s:/@'\"`<>]*):(?P<password>[^\s/'\"`]+)"
            r"@(?P<host>[\w.\-\[\]:,]*[\w\]])(?:[/?#](?:[^\s'\"`<>]*[^\s'\"`<>.,;:!?)\]])?)?"
        ),
        description="Database URL with a password (postgres, mysql, mongodb, redis, amqp, mssql)",
        explain="{scheme} connection string with a password before '@'",
        keywords=DB_SCHEMES,
        check="connection_password",
        score=0.9,
    ),
    SecretRule(
        label="CREDENTIALS_IN_URL",
        pattern=(
            rf"(?i)(?<![\w+.-])(?!{DB_URL_SCHEME}://)(?P<scheme>[a-z][a-z0-9+.-]{{1,19}})://"
            r"(?P<user>[^\s:/?#@\"'`<>\[\]]{0,64}):(?P<password>[^\s/\"'`<>]{1,128})"
            r"@(?P<host>[\w-]{1,63}(?:\.[\w-]{1,63}){0,10}|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?"
        ),
        description="URL of another scheme with a user and password (https, sftp, ftp, smb...)",
        explain="{scheme} URL with a user and password before '@'",
        keywords=("://",),
        check="url_credentials",
        score=0.9,
    ),
    SecretRule(
        label="AWS_SECRET_KEY",
        pattern=(
            r"(?i:(?P<keyword>aws|secret))[^\n]{0,40}?"
            r"(?<![A-Za-z0-9/+=])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"
        ),
        description="AWS secret access key (40 base64 characters after 'aws' or 'secret')",
        explain="40 base64 chars after keyword '{keyword}', entropy {entropy:.1f} bits/char",
        keywords=("aws", "secret"),
        check="aws_secret",
        score=0.9,
    ),
    *PASSWORD_RULES,
    SecretRule(
        label="GENERIC_SECRET",
        pattern=(
            GENERIC_KEYWORD + rf"(?:{SEP}[\w.-]{{1,20}}){{0,3}}?{SEP}"
            r"(?P<secret>[A-Za-z0-9+/_\-=.~]{19,511}[A-Za-z0-9+/_\-=~])(?![A-Za-z0-9+/_\-=~])"
        ),
        description="High-entropy token of 20+ characters within a few words after a keyword",
        explain="entropy {entropy:.1f} bits/char, {chars} chars, after keyword '{keyword}'",
        keywords=("token", "secret", "key", "auth", "bearer", "credential"),
        min_entropy=3.0,
        check="unlabelled_token",
        score=0.7,
    ),
) + PASSWORD_CONTEXT_RULES  # layout-led password rules, after every other (secrets_password_rules)

# The rules of the core catalogue (this file), and the whole catalogue in the order it runs.
CORE_RULES: tuple[SecretRule, ...] = SPECIFIC_RULES + KEYWORD_RULES
CATALOGUE: tuple[SecretRule, ...] = SPECIFIC_RULES + PROVIDER_RULES + KEYWORD_RULES

"""The secrets catalogue: true positives, false positives and placeholders, per label."""

from __future__ import annotations

import re

import pytest

from detectors import SECRET_LABELS, DetectorsError, SecretDetector
from detectors.secrets import CHECKS, UnknownSecretLabel, is_placeholder
from detectors.secrets_catalogue import CATALOGUE, CORE_RULES, SecretRule
from detectors.secrets_providers import PROVIDER_RULES

# Random test values, split so that repository secret scanners do not flag this file.
AWS_KEY_ID = "AKIA" + "KHOFS6YURYL6LR6Y"
AWS_TEMP_KEY_ID = "ASIA" + "VJ4XWMJYPTWDKAH4"
AWS_SECRET = "RjAda3DH2ZH5xtgI4sQHdb7aXp8+HOW/" + "lFwuAM/C"
GITHUB_CLASSIC = "ghp_" + "C2vzy66cbU7nr0x5NBqijqh2EUtASAvLo4U0"  # checksum does not verify
GITHUB_VERIFIED = "ghp_" + "M0XvqZjxTW3xvboSRt5Mh3dAwVtRMf3LeZiJ"  # valid CRC32 checksum
GITHUB_OAUTH = "gho_" + "lhbmuaptt0Azn0DNRUQxA71p2Td8VK0CM5Qe"
GITHUB_APP = "ghs_" + "qxryo1nIj7BRd03Q2ybv097SHzxgQA25M1VZ"
GITHUB_FINE_GRAINED = (
    "github_pat_"
    + "IvOfDhVf108waQVegc9u5d_VSvtxzOCJogw6BVUlXiH9MGNgVOCljv9nlAd6pjC0hOSgwM0rMWIiMr0jUI"
)
GITLAB_PAT = "glpat-" + "Kx0xKhg5QjWV1mKaUyvB"
GITLAB_DEPLOY = "gldt-" + "uj64AX6VM2ewMuBY6rfN"
GITLAB_ROUTABLE = "glpat-" + "D55VIRf5XKpojQnaRKInANq1eSsjJ-m5vb4GBXlW.01l4e8z9u"
GITLAB_RUNNER_REGISTRATION = "GR1348941" + "_dM4HEiu8TWQXCZEOwxn"
SLACK_BOT = "xoxb-" + "483266536703-0159259538768-bNdZU0NYJ2gClNbc7Hrd0APs"
SLACK_USER = "xoxp-" + "307422460291-052418575545-3269529407561-7cd8995efeba9032050d09c5892503e1"
SLACK_APP_TOKEN = "xoxa-" + "2-4312189007944-0217617666759-b11b9d49fc08fbf54a2989d5e52e2a3c"
SLACK_APP_LEVEL = "xapp-" + "1-AEWIO4UJE5S-1678858717757-3e0b6e9aba45ee6ebc57f4590641e1f037860"
SLACK_HOOK = "https://hooks.slack.com/services/" + "TXH6D29O3/BVJMQZMJCIZ/H9DsTNAveadCL8Sby90WIJSb"
STRIPE_LIVE = "sk_live_" + "UGWBOWWcuaA5zbWVb2FaCo7d"
STRIPE_RESTRICTED = "rk_live_" + "u45pKcP753ivdSmDrUd7z14cKuuBNf0gmUBUhWRQdIAUDFbxtBetshRQNG3dhi4w"
STRIPE_TEST = "sk_test_" + "0GwAESV5nkthBGJd8xncwjxT"
STRIPE_WEBHOOK = "whsec_" + "ZVcUOpdxfWEIRH3KU3hOuNsFqrLtCCuF"
GOOGLE_KEY = "AIza" + "ED75cNRqsKz5b70CO8W7RQHy2Yp_ptzsJqL"
OPENAI_LEGACY = "sk-" + "u72rikBd0YG5KE7X5ozh" + "T3BlbkFJ" + "ONva1lZp814HtFbtfeeH"
OPENAI_PROJECT = (
    "sk-proj-"
    + "RkV71kDRuIr2jhTxs_OHKDpnJh-rgiOaPq-N9RtlnnudSkpmKog0Qwp-va"
    + "T3BlbkFJ"
    + "QcT7xl2cwC6dT0ctPVnaawqrczLJWImKMG4hEbuUVDPDR-m0k5iqkwUONA"
)
OPENAI_STYLE = "sk-" + "rYecpJbsNaUXkFVi3CzOkvgsOM5LsE1zKLiSpYMZElLTCPPA"
ANTHROPIC = (
    "sk-ant-api03-"
    + "SR2Qugs4lIFVRdxtDyKUOtfZUTqr8aFvnKbnHFbDfj3u_ypO09RnKw1zW9"
    + "-ohP46PbmT1TOkzfR1wKbPXTXx8TTx4XUMGAA"
)
JWT_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"  # {"alg":"HS256","typ":"JWT"}
JWT_PAYLOAD = (
    "eyJzdWIiOiJ1XzdnNUh3aldjIiwiaWF0IjoxNzE4MDAwMDAwLCJleHAiOjE3MTgwMDM2MDAsInNjb3BlIjoicG9zdHM6d3"
    "JpdGUifQ"
)
JWT = f"{JWT_HEADER}.{JWT_PAYLOAD}." + "Cuhj-F6L2eeZtpbcX2cUmRjmLI3KJvsvOYaI38scCNQ"
JWT_NO_ALG = f"eyJ0eXAiOiJKV1QiLCJraWQiOiJrMSJ9.{JWT_PAYLOAD}." + "ol-0_fCryeD932-ZdjgZI7G3rYogpv"
PEM_BODY = (
    "6GeMs2JHXBSbfW7VETTzMoKYx2eEBPFygJRFAnzsunShMwnnAdFBwSZMAEEIZJcN\n"
    "Axw66YrSfwCaVVy/ACV+Quymydoi0Z+HVTaeuhPlKvpEtM62sLvtR6NcZz37LrJY\n"
)
RSA_BLOCK = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----"
OPENSSH_BLOCK = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}-----END OPENSSH PRIVATE KEY-----"
PGP_BLOCK = f"-----BEGIN PGP PRIVATE KEY BLOCK-----\n{PEM_BODY}-----END PGP PRIVATE KEY BLOCK-----"
CERTIFICATE = f"-----BEGIN CERTIFICATE-----\n{PEM_BODY}-----END CERTIFICATE-----"
SSH_PUBLIC = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI/dXK07hR1jpYCTk+vT13Tk4YjfrIFX4VwjF3imz+4Yz"
PNG_DATA = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkwDuE"
GENERIC_B62 = "aWq33w5bqyhPzDalfDsnqdVtx8qRuzg1"
GENERIC_URLSAFE = "7B3_5SApYXfE-1ds3vbgqMMvFuz4zf3ATNeY2Pse"
GENERIC_HEX48 = "1dfd72f1a3447c745c48c0b90a16be3388e7f14697f06035"
DB_PASSWORD = "stab2#lxwX6m"
PASSWORD = "DTMBlph%f1VZ"
SHA1 = "67d4568671a6697fb2861fee7ecb008f2d0a1e0b"
SHA256 = "066ec1d7b7f5828db80b4f295a923851979d32fa0d98e2ce2160177994606a9c"
MD5 = "84a33673b2490a278ae08a35dea1aa35"
UUID = "550e8400-e29b-41d4-a716-446655440000"

# label -> (text, the exact value reported)
TRUE_POSITIVES: dict[str, list[tuple[str, str]]] = {
    "AWS_ACCESS_KEY": [
        (f"oops {AWS_KEY_ID} in prod", AWS_KEY_ID),
        (f"temp creds: {AWS_TEMP_KEY_ID}", AWS_TEMP_KEY_ID),
        (f'"AccessKeyId": "{AWS_KEY_ID}",', AWS_KEY_ID),
        # Split once or twice by a space or hyphen to dodge scanners: rejoined, 16 chars.
        (f"key: {AWS_KEY_ID[:10]} {AWS_KEY_ID[10:]} ok", f"{AWS_KEY_ID[:10]} {AWS_KEY_ID[10:]}"),
        (f"{AWS_KEY_ID[:8]}-{AWS_KEY_ID[8:]}.", f"{AWS_KEY_ID[:8]}-{AWS_KEY_ID[8:]}"),
        # Any number of times in pieces of one size, as on a slide.
        ("token AKIA" + " KHOF S6YU RYL6 LR6Y (spaced to fit)", "AKIA" + " KHOF S6YU RYL6 LR6Y"),
        ("AKIA" + "-KHOF-S6YU-RYL6-LR6Y", "AKIA" + "-KHOF-S6YU-RYL6-LR6Y"),
        (
            f"id {AWS_KEY_ID[:6]} {AWS_KEY_ID[6:12]} {AWS_KEY_ID[12:]}",
            f"{AWS_KEY_ID[:6]} {AWS_KEY_ID[6:12]} {AWS_KEY_ID[12:]}",
        ),
        (f"temp {AWS_TEMP_KEY_ID[:4]} {AWS_TEMP_KEY_ID[4:]}", f"ASIA {AWS_TEMP_KEY_ID[4:]}"),
    ],
    "AWS_SECRET_KEY": [
        (f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET),
        (f'{{"SecretAccessKey": "{AWS_SECRET}"}}', AWS_SECRET),
        (f"AWS creds rotated, new one is {AWS_SECRET}", AWS_SECRET),
    ],
    "GITHUB_TOKEN": [
        (f"token {GITHUB_CLASSIC}!", GITHUB_CLASSIC),
        (GITHUB_VERIFIED, GITHUB_VERIFIED),
        (f"git clone https://{GITHUB_OAUTH}@github.com/northwind/app.git", GITHUB_OAUTH),
        (f"app token ({GITHUB_APP})", GITHUB_APP),
        (f"export GH_TOKEN={GITHUB_FINE_GRAINED}", GITHUB_FINE_GRAINED),
    ],
    "GITLAB_TOKEN": [
        (f"git push https://oauth2:{GITLAB_PAT}@gitlab.com/nw/app.git", GITLAB_PAT),
        (f"deploy with {GITLAB_DEPLOY} tonight", GITLAB_DEPLOY),
        (f"PAT={GITLAB_ROUTABLE}.", GITLAB_ROUTABLE),
        (f"--registration-token {GITLAB_RUNNER_REGISTRATION}", GITLAB_RUNNER_REGISTRATION),
    ],
    "SLACK_TOKEN": [
        (f"SLACK_BOT_TOKEN={SLACK_BOT}", SLACK_BOT),
        (f"my user token is {SLACK_USER}, do not share", SLACK_USER),
        (f"'{SLACK_APP_TOKEN}'", SLACK_APP_TOKEN),
        (f"socket mode: {SLACK_APP_LEVEL}", SLACK_APP_LEVEL),
    ],
    "SLACK_WEBHOOK": [
        (f"curl -X POST {SLACK_HOOK} -d @msg.json", SLACK_HOOK),
        (f"alerts go to {SLACK_HOOK[8:]}.", SLACK_HOOK[8:]),
    ],
    "STRIPE_KEY": [
        (f"STRIPE_SECRET_KEY={STRIPE_LIVE}", STRIPE_LIVE),
        (f"restricted key {STRIPE_RESTRICTED} for the reports job", STRIPE_RESTRICTED),
        (f"use {STRIPE_TEST} in staging", STRIPE_TEST),
        (f"endpoint secret: {STRIPE_WEBHOOK}", STRIPE_WEBHOOK),
    ],
    "GOOGLE_API_KEY": [
        (f"maps.googleapis.com/maps/api/js?key={GOOGLE_KEY}&callback=init", GOOGLE_KEY),
        (f'apiKey: "{GOOGLE_KEY}",', GOOGLE_KEY),
    ],
    "OPENAI_KEY": [
        (f"OPENAI_API_KEY={OPENAI_LEGACY}", OPENAI_LEGACY),
        (f"new project key {OPENAI_PROJECT} works", OPENAI_PROJECT),
        (f"client = OpenAI(api_key='{OPENAI_STYLE}')", OPENAI_STYLE),
    ],
    "ANTHROPIC_KEY": [
        (f"ANTHROPIC_API_KEY={ANTHROPIC}", ANTHROPIC),
        (f"x-api-key: {ANTHROPIC}", ANTHROPIC),
    ],
    "JWT": [
        (f"Authorization: Bearer {JWT}", JWT),
        (f"my session cookie is {JWT}.", JWT),
    ],
    "PRIVATE_KEY": [
        (f"my key:\n{RSA_BLOCK}\nbye", RSA_BLOCK),
        (OPENSSH_BLOCK, OPENSSH_BLOCK),
        (PGP_BLOCK, PGP_BLOCK),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg (truncated)", "-----BEGIN PRIVATE KEY-----"),
        (
            "-----BEGIN EC PRIVATE KEY----- " + PEM_BODY.replace("\n", " "),
            "-----BEGIN EC PRIVATE KEY-----",
        ),
    ],
    "DB_CONNECTION_STRING": [
        (
            f"DATABASE_URL=postgres://app:{DB_PASSWORD}@db.corp.northwind.internal:5432/orders",
            f"postgres://app:{DB_PASSWORD}@db.corp.northwind.internal:5432/orders",
        ),
        (
            f"mongodb+srv://reports:{DB_PASSWORD}@cluster0.ab1cd.mongodb.net/r?retryWrites=true.",
            f"mongodb+srv://reports:{DB_PASSWORD}@cluster0.ab1cd.mongodb.net/r?retryWrites=true",
        ),
        (
            f"cache: redis://:{DB_PASSWORD}@cache.internal:6379",
            f"redis://:{DB_PASSWORD}@cache.internal:6379",
        ),
        (
            f"(mysql://root:{DB_PASSWORD}@10.0.4.12/shop)",
            f"mysql://root:{DB_PASSWORD}@10.0.4.12/shop",
        ),
        (
            "psql postgres://postgres:postgres@db.prod.internal/app",
            "postgres://postgres:postgres@db.prod.internal/app",
        ),
        (
            f"AMQP_URL=amqp://orders:{DB_PASSWORD}@localhost",
            f"amqp://orders:{DB_PASSWORD}@localhost",
        ),
    ],
    "PASSWORD_ASSIGNMENT": [
        (f"password={PASSWORD}", PASSWORD),
        (f"DB_PASSWORD: {PASSWORD}.", PASSWORD),
        (
            '{"user": "ops", "password": "correct horse battery staple"}',
            "correct horse battery staple",
        ),
        (f"passwd => '{PASSWORD}'", PASSWORD),
        (f"PGPASSWORD={PASSWORD} psql -h db.internal", PASSWORD),
        (f"/login?user=ops&pass={PASSWORD}&next=/", PASSWORD),
        ("the wifi password is Sunflower2024!", "Sunflower2024!"),
        ("admin pwd: changeme", "changeme"),
        (f"Server=db;User Id=sa;Password={PASSWORD};Database=app;", PASSWORD),
        (f"mysql -u app -p{PASSWORD} orders", PASSWORD),
        ("pwd Zx81!kq", "Zx81!kq"),
    ],
    "CREDENTIALS_IN_URL": [
        (
            f"sftp://deploy:{DB_PASSWORD}@files.example.com/in",
            f"sftp://deploy:{DB_PASSWORD}@files.example.com",
        ),
        (
            f"git clone https://bob:{DB_PASSWORD}@git.northwind.example/app.git",
            f"https://bob:{DB_PASSWORD}@git.northwind.example",
        ),
    ],
    "LOGIN_PAIR": [
        ("sign in as ops / Tr0ub4dor&3", "ops / Tr0ub4dor&3"),
        ("creds are admin:Summer2024!", "admin:Summer2024!"),
        (f"curl -u admin:{PASSWORD} https://ci.northwind.example/api", f"admin:{PASSWORD}"),
    ],
    "GENERIC_SECRET": [
        (f"api_key: {GENERIC_B62}", GENERIC_B62),
        (f"token for staging: {GENERIC_URLSAFE}", GENERIC_URLSAFE),
        (f"Authorization: Bearer {GENERIC_B62}", GENERIC_B62),
        (f"Bearer {JWT_NO_ALG}", JWT_NO_ALG),  # JWT-shaped without "alg": still a bearer token
        (f"client_secret={GENERIC_HEX48}", GENERIC_HEX48),
        (f'{{"auth_token": "{GENERIC_URLSAFE}"}}', GENERIC_URLSAFE),
        (f"a secret: {AWS_SECRET}{AWS_SECRET}", AWS_SECRET + AWS_SECRET),  # 80 chars: not AWS's 40
        (
            f"AccountName=nwphotos;AccountKey={AWS_SECRET}{AWS_SECRET}==",
            f"{AWS_SECRET}{AWS_SECRET}==",
        ),
        (f'auth_token = "{SHA1}"', SHA1),  # digest-length hex, but assigned to the keyword
        (f"api_key: {MD5}", MD5),
    ],
}

# label -> texts in which nothing is a secret: look-alikes of that label.
FALSE_POSITIVES: dict[str, list[str]] = {
    "AWS_ACCESS_KEY": [
        "AKIAIOSFODNN7EXAMPLE",  # AWS's documented example key ID
        "AKIA" + "KHOFS6YURYL6LR6Y7",  # one character too long
        "akia" + "khofs6yuryl6lr6y",  # key IDs are upper case
        "Our ASIA team ships ASIA2025 planning docs",
        "AKIAIOSFODNN7 EXAMPLE",  # the documented example, split
        "AKIA" + "KH OFS6YU RY L6LR6Y",  # split three times, in uneven pieces
        "AKIA" + "KHOFS6YURY  L6LR6Y",  # split by two spaces
        "AKIA" + "KHOFS6YURY L6LR6Y7",  # 17 characters once rejoined
        "ASIA PACIFIC REGIONALS",  # 16 letters in two words: a headline, no digit
        "ACCA EXAM-RESULTS-TODAY",
        "AKIA" + "1234 5678ABCDEFGH",  # a run of digits: a placeholder
    ],
    "AWS_SECRET_KEY": [
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",  # AWS's example
        f"aws sdk bumped in commit {SHA1}",
        f"secret sauce is commit {SHA1.upper()}",
        f"{AWS_SECRET} with no keyword before it",
        "Our bakery's secret: sourdough starter aged for forty-one years.",
    ],
    "GITHUB_TOKEN": [
        "ghp_" + "C2vzy66cbU7nr0x5NBqijqh2EUtASAvLo4U",  # 35 characters
        f"xghp_{GITHUB_CLASSIC[4:]}Z",  # embedded in a longer word
        "create a ghp_ token with the repo scope",
        "github_pat_" + "IvOfDhVf108waQVegc9u5d",  # cut short
    ],
    "GITLAB_TOKEN": [
        "glpat-" + "Kx0xKhg5QjWV1mKaUyv",  # 19 characters
        "the glpat- prefix marks personal access tokens",
        "export GITLAB_TOKEN=$GITLAB_PAT",
    ],
    "SLACK_TOKEN": [
        "xoxb-your-bot-token",
        "the xoxp- prefix marks user tokens",
        "xoxb-123-456-abc",
    ],
    "SLACK_WEBHOOK": [
        "https://hooks.slack.com/services/YOUR/WEBHOOK/URL",
        "set up incoming webhooks at hooks.slack.com, see https://api.slack.com/messaging/webhooks",
        "https://hooks.slack.com/services/TXH6D29O3/BVJMQZMJCIZ",  # no secret segment
    ],
    "STRIPE_KEY": [
        "pk_live_" + "UGWBOWWcuaA5zbWVb2FaCo7d",  # publishable keys are public
        "sk_live_" + "UGWBOWWcua",  # too short
        "our task_live_reporting table",
    ],
    "GOOGLE_API_KEY": [
        "AIza" + "ED75cNRqsKz5b70CO8W7RQHy2Yp_ptzsJq",  # 34 characters
        "the AIza prefix marks Google API keys",
    ],
    "OPENAI_KEY": [
        "sk-learn-pipeline-for-customer-churn-v2",  # words, not a key
        "sk-" + "rYecpJbsNaUXkFVi3CzOkvgsOM5",  # too short
        "risk-adjusted-return-on-capital-2024-model-v3",
    ],
    "ANTHROPIC_KEY": [
        "the sk-ant- prefix marks Anthropic keys",
        "sk-ant-api03-" + "SR2Qugs4lIFVRdxt",  # too short
    ],
    "JWT": [
        f"decoded for the docs: {JWT_NO_ALG}",  # header without "alg"
        "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6.not-base64-json.signaturesignature",
        'JWTs start with eyJ because base64 of {" is eyJ',
    ],
    "PRIVATE_KEY": [
        "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        f"-----BEGIN PUBLIC KEY-----\n{PEM_BODY}-----END PUBLIC KEY-----",
        f"-----BEGIN RSA PUBLIC KEY-----\n{PEM_BODY}-----END RSA PUBLIC KEY-----",
        CERTIFICATE,
        "never post a private key, even an old one",
    ],
    "DB_CONNECTION_STRING": [
        "postgres://postgres:postgres@localhost:5432/app",  # a local default
        "amqp://guest:guest@127.0.0.1:5672/",
        "mysql://root:changeme@localhost/shop",
        "mongodb+srv://<username>:<password>@cluster0.ab1cd.mongodb.net/",
        "postgres://user:password@host/db",
        "mysql://root:${MYSQL_ROOT_PASSWORD}@db:3306/app",
        "redis://localhost:6379/0",
        "postgres://app@db.corp.northwind.internal/orders",  # user only
    ],
    "PASSWORD_ASSIGNMENT": [
        'password = os.getenv("DB_PASSWORD")',
        "password: settings.DB_PASSWORD",
        "PASSWORD=DB_PASSWORD",
        "password is required",
        "the password is 2FA-protected",
        "passwords must be at least 12 characters",
        f"password_hash = {MD5}",
        "password: password",
        "the boarding pass is A12B34C",
        "compass: north by northwest 27",
        "pwd: /home/dev/projects/gatepost",
        "password=abc",
        "reset your password: https://id.northwind.example/reset",
        "I forgot my password again",
        "Set the password to changeme and change it on first login.",
    ],
    "CREDENTIALS_IN_URL": [
        "https://user:password@example.com/ is the format",
        "ftp://anonymous:guest@ftp.example.org/pub",
        "http://paypal.com:443@evil.example is a phishing trick",
    ],
    "LOGIN_PAIR": [
        "cats and / or dogs, CI / CD, input / output, 24 / 7",
        "see admin/settings/security, root / branch / leaf",
        "curl -i -u 'test:test' https://localhost",
    ],
    "GENERIC_SECRET": [
        f"token {SHA256}",  # a digest near a keyword, not assigned to it
        f"token sha256: {SHA256}",
        f"api key for {MD5}",
        f"commit {SHA1} fixes the token refresh",
        "the auth flow uses OAuthClientCredentialsProvider2",
        f"session token id {UUID}",
        "see https://docs.northwind.example/auth/oauth2-client-credentials-flow",
        "access token expires_in_3600_seconds_by_default",
        f"auth key: {SSH_PUBLIC}",
        f"token for the logo: {PNG_DATA}",
        f"secret cert:\n{CERTIFICATE}",
        "secret santa list is at https://wiki.northwind.example/events/secret-santa-2024",
    ],
}

PLACEHOLDERS = [
    "AKIAXXXXXXXXXXXXXXXX",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "ghp_<your-token-here>",
    "GH_TOKEN=${GITHUB_TOKEN}",
    "aws_secret_access_key=${AWS_SECRET_ACCESS_KEY}",
    "aws_secret_access_key = ****************************************",
    "glpat-xxxxxxxxxxxxxxxxxxxx",
    "glpat-1234567890abcdefghij",
    "xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
    "sk_test_EXAMPLEKEY1234EXAMPLEKEY",
    "AIza" + "SyEXAMPLE_KEY_FOR_DOCS_0000000000000",
    "sk-" + "x" * 48,
    "sk-ant-api03-" + "x" * 95,
    f"{JWT_HEADER}.{JWT_PAYLOAD}.xxxxxxxxxxxxxxxxxxxxxxxx",
    "password: ********",
    "password=<password>",
    "password: $DB_PASSWORD",
    "password: %DB_PASSWORD%",
    "password: {{ vault_db_password }}",
    "password=REDACTED",
    "password: 123456789",
    "password: aaaaaaaaaa",
    "postgresql://app:****@db.corp.northwind.internal/orders",
    "token: ${API_TOKEN}",
    "api_key=your_api_key_here_0123",
    "secret: aaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "api_key: 1234567890abcdef1234567890",
    "token: abcdefghijklmnopqrstuvwxyz123",
]


def found(text: str, labels: list[str] | None = None) -> list[tuple[str, int, int]]:
    return [(f.label, f.start, f.end) for f in SecretDetector(labels).detect(text)]


def rows(table: dict) -> list:
    return [
        pytest.param(label, *row if isinstance(row, tuple) else (row,), id=f"{label}-{i}")
        for label, entries in table.items()
        for i, row in enumerate(entries)
    ]


@pytest.mark.parametrize(("label", "text", "value"), rows(TRUE_POSITIVES))
def test_secret_is_found_with_its_exact_span(label: str, text: str, value: str) -> None:
    start = text.index(value)
    assert found(text) == [(label, start, start + len(value))]


@pytest.mark.parametrize(("label", "text", "value"), rows(TRUE_POSITIVES))
def test_secret_is_found_by_its_label_alone(label: str, text: str, value: str) -> None:
    assert [found_label for found_label, _, _ in found(text, [label])] == [label]


@pytest.mark.parametrize(("label", "text"), rows(FALSE_POSITIVES))
def test_lookalike_is_not_a_secret(label: str, text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("text", PLACEHOLDERS)
def test_placeholder_is_not_a_secret(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("label", sorted({rule.label for rule in CORE_RULES}))
def test_every_label_has_true_and_false_positive_rows(label: str) -> None:
    assert len(TRUE_POSITIVES.get(label, [])) >= 2
    assert len(FALSE_POSITIVES.get(label, [])) >= 2


@pytest.mark.parametrize(("label", "text", "value"), rows(TRUE_POSITIVES))
def test_explanation_names_the_rule_and_never_quotes_the_value(
    label: str, text: str, value: str
) -> None:
    (finding,) = SecretDetector().detect(text)
    assert finding.explanation.startswith(f"{label}: ")
    assert value not in finding.explanation
    assert value[-8:] not in finding.explanation


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AKIAIOSFODNN7EXAMPLE", True),
        ("xxxx", True),
        ("****", True),
        ("<user:password>", True),
        ("${VAR}", True),
        ("$VAR", True),
        ("{{ var }}", True),
        ("your_token_here", True),
        ("insert-key-here", True),
        ("[REDACTED]", True),
        ("0000000000", True),
        ("1234567890abcdef", True),
        ("zyxwvuts", True),
        (GENERIC_B62, False),
        (PASSWORD, False),
        ("Summer2024!", False),
    ],
)
def test_placeholder_evidence(value: str, expected: bool) -> None:
    assert is_placeholder(value) is expected


def test_split_key_is_explained_as_rejoined_with_its_true_length() -> None:
    text = f"{AWS_KEY_ID[:10]} {AWS_KEY_ID[10:]}"
    (finding,) = SecretDetector().detect(text)
    assert (finding.start, finding.end, finding.score) == (0, len(text), 1.0)
    assert "16 chars after it" in finding.explanation
    assert "split by 1 space(s)/hyphen(s), rejoined" in finding.explanation


def test_classic_github_token_with_a_valid_checksum_scores_higher() -> None:
    (verified,) = SecretDetector().detect(GITHUB_VERIFIED)
    (unverified,) = SecretDetector().detect(GITHUB_CLASSIC)
    assert verified.score == 1.0 and "checksum verified" in verified.explanation
    assert unverified.score < verified.score and "does not verify" in unverified.explanation
    assert verified.explanation.startswith(
        "GITHUB_TOKEN: GitHub classic personal access token, prefix ghp_, 36 chars"
    )


def test_stripe_test_key_is_a_secret_with_a_lower_score() -> None:
    (live,) = SecretDetector().detect(STRIPE_LIVE)
    (test,) = SecretDetector().detect(STRIPE_TEST)
    assert test.score < live.score == 1.0
    assert "test-mode" in test.explanation


def test_well_known_default_password_is_a_secret_with_a_lower_score() -> None:
    (weak,) = SecretDetector().detect("admin pwd: changeme")
    (strong,) = SecretDetector().detect(f"password={PASSWORD}")
    assert weak.score < strong.score
    assert "well-known default password" in weak.explanation


def test_hex_digest_assigned_to_a_keyword_is_a_secret_with_a_lower_score() -> None:
    (assigned,) = SecretDetector().detect(f'auth_token = "{SHA1}"')
    (random,) = SecretDetector().detect(f"api_key: {GENERIC_B62}")
    assert assigned.score < random.score
    assert "digest" in assigned.explanation


def test_generic_secret_explains_entropy_and_keyword() -> None:
    (finding,) = SecretDetector().detect(f"token for staging: {GENERIC_URLSAFE}")
    assert re.fullmatch(
        r"GENERIC_SECRET: entropy \d\.\d bits/char, 40 chars, after keyword 'token'",
        finding.explanation,
    )


def test_specific_rule_reports_a_token_that_a_keyword_rule_also_matches() -> None:
    text = f"token: {GITHUB_VERIFIED} password={SLACK_BOT} secret {JWT}"
    assert [label for label, _, _ in found(text)] == ["GITHUB_TOKEN", "SLACK_TOKEN", "JWT"]


def test_private_key_is_found_next_to_a_certificate() -> None:
    text = f"{CERTIFICATE}\n{RSA_BLOCK}"
    start = text.index(RSA_BLOCK)
    assert found(text) == [("PRIVATE_KEY", start, start + len(RSA_BLOCK))]


def test_several_secrets_in_one_post_are_each_reported_in_order() -> None:
    text = f"{AWS_KEY_ID} / {GITHUB_CLASSIC} / {RSA_BLOCK}"
    assert [label for label, _, _ in found(text)] == [
        "AWS_ACCESS_KEY",
        "GITHUB_TOKEN",
        "PRIVATE_KEY",
    ]


def test_finding_kind_detector_and_keyword_rules_score_lower() -> None:
    (key_id,) = SecretDetector().detect(AWS_KEY_ID)
    (secret,) = SecretDetector().detect(f"aws secret {AWS_SECRET}")
    assert (key_id.kind, key_id.detector, key_id.score) == ("secret", "secrets", 1.0)
    assert secret.score < 1.0


def test_detector_limited_to_labels_ignores_other_secrets() -> None:
    detector = SecretDetector(["GITHUB_TOKEN"])
    assert [f.label for f in detector.detect(f"{AWS_KEY_ID} {GITHUB_CLASSIC}")] == ["GITHUB_TOKEN"]


def test_detector_with_no_labels_finds_nothing() -> None:
    assert SecretDetector([]).detect(f"{AWS_KEY_ID} {RSA_BLOCK}") == []


def test_unknown_secret_label_is_rejected_with_the_known_ones() -> None:
    with pytest.raises(UnknownSecretLabel, match="GITHUB_TOKEN") as raised:
        SecretDetector(["GITHUB_TOKNE"])
    assert isinstance(raised.value, DetectorsError)


def test_catalogue_declares_exactly_the_registry_labels() -> None:
    assert list(SECRET_LABELS) == list(dict.fromkeys(rule.label for rule in CATALOGUE))
    assert {rule.label for rule in CORE_RULES + PROVIDER_RULES} == set(SECRET_LABELS)
    assert all(rule.description and rule.keywords for rule in CATALOGUE)
    assert {rule.check for rule in CATALOGUE} <= CHECKS.keys()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"pattern": "(unclosed"}, re.error),
        ({"explain": "value {secret}"}, ValueError),
        ({"keywords": ()}, ValueError),
    ],
)
def test_bad_rule_fails_at_construction(fields: dict, error: type[Exception]) -> None:
    rule = {"label": "X", "pattern": "x", "description": "d", "explain": "e", "keywords": ("x",)}
    with pytest.raises(error):
        SecretRule(**(rule | fields))

"""The provider catalogue: each provider's tokens are found and named, its look-alikes are not.

Test values are drawn from a seeded generator, so no real-looking token is written
in this file (repository scanners stay quiet) and every run sees the same values.
False-positive rows include gitleaks' `fps` and detect-secrets' negative cases.
"""

from __future__ import annotations

import random
import string
import time

import pytest

from detectors import SecretDetector
from detectors.secrets_catalogue import CORE_RULES
from detectors.secrets_providers import PROVIDER_RULES

RANDOM = random.Random(20240611)
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = string.ascii_lowercase + string.digits
UPPER_ALNUM = string.ascii_uppercase + string.digits
LETTERS = string.ascii_letters
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "_-"


def draw(chars: str, size: int) -> str:
    return "".join(RANDOM.choice(chars) for _ in range(size))


def uuid() -> str:
    return "-".join(draw(HEX, n) for n in (8, 4, 4, 4, 12))


# label -> [(post with {v} where the value goes, the value)]
TRUE_POSITIVES: dict[str, list[tuple[str, str]]] = {
    "AWS_ACCESS_KEY": [
        (
            "legacy key id {v} still works",
            "A3T" + draw("XYZ", 1) + draw("ABCDEFGHJKLMNPQRSTUVWXYZ234567", 16),
        )
    ],
    "SLACK_TOKEN": [
        ("config token {v}", "xoxe.xoxp-1-" + draw(UPPER_ALNUM, 164)),
        ("refresh with {v}", "xoxe-1-" + draw(UPPER_ALNUM, 146)),
    ],
    "STRIPE_KEY": [("prod key is {v}", "sk_prod_" + draw(ALNUM, 32))],
    "GITLAB_TOKEN": [("my cookie _gitlab_session={v}", draw(LOWER_ALNUM, 32))],
    "JWT": [("double encoded: {v}", "ZXlKaGJHY2lPaUpJVXpJMU5pSjkuZXlK" + draw(ALNUM, 60))],
    "NPM_TOKEN": [
        ("publish with {v} from CI", "npm_" + draw(ALNUM, 36)),
        ("my .npmrc: //registry.npmjs.org/:_authToken={v}", uuid()),
        ("//npm.corp.example:4873/:_authToken= {v}", "npm_" + draw(ALNUM, 36)),
    ],
    "PYPI_TOKEN": [
        ("twine upload -p {v}", "pypi-AgEIcHlwaS5vcmc" + draw(URLSAFE, 120)),
        ("test index token {v}", "pypi-AgENdGVzdC5weXBpLm9yZw" + draw(URLSAFE, 90)),
    ],
    "RUBYGEMS_TOKEN": [("GEM_HOST_API_KEY={v}", "rubygems_" + draw(HEX, 48))],
    "CLOJARS_TOKEN": [("deploy token {v}", "CLOJARS_" + draw(LOWER_ALNUM, 60))],
    "ARTIFACTORY_TOKEN": [
        ("X-JFrog-Art-Api: {v}", "AKCp" + draw(ALNUM, 69)),
        ("reference token {v} for CI", "cmVmd" + draw(ALNUM, 59)),
        ("artifactory_password={v}", "AP6" + draw(ALNUM, 20)),
        ("jfrog api key: {v}", draw(LOWER_ALNUM, 73)),
    ],
    "DATABRICKS_TOKEN": [("databricks configure --token {v}", "dapi" + draw(HEX, 32))],
    "SONAR_TOKEN": [
        ("sonar.login={v}", draw(LOWER_ALNUM, 40)),
        ("scanner token {v}", "squ_" + draw(HEX, 40)),
    ],
    "SNYK_TOKEN": [("SNYK_TOKEN={v}", uuid())],
    "CODECOV_TOKEN": [("CODECOV_TOKEN: {v}", uuid())],
    "TRAVIS_CI_TOKEN": [("travis api token: {v}", draw(LOWER_ALNUM, 22))],
    "DRONE_CI_TOKEN": [("DRONE_TOKEN={v}", draw(ALNUM, 32))],
    "SOURCEGRAPH_TOKEN": [
        ("src token {v}", "sgp_" + draw(HEX, 16) + "_" + draw(HEX, 40)),
        ("SOURCEGRAPH_ACCESS_TOKEN={v}", draw(HEX, 40)),
    ],
    "README_TOKEN": [("readme key {v}", "rdme_" + draw(LOWER_ALNUM, 70))],
    "POSTMAN_TOKEN": [
        ("postman key {v} expires friday", "PMAK-" + draw(HEX, 24) + "-" + draw(HEX, 34))
    ],
    "PULUMI_TOKEN": [("PULUMI_ACCESS_TOKEN={v}", "pul-" + draw(HEX, 40))],
    "PREFECT_TOKEN": [("prefect cloud login -k {v}", "pnu_" + draw(ALNUM, 36))],
    "INFRACOST_TOKEN": [("INFRACOST_API_KEY={v}", "ico-" + draw(ALNUM, 32))],
    "TERRAFORM_TOKEN": [
        ('credentials token = "{v}"', draw(ALNUM, 14) + ".atlasv1." + draw(URLSAFE, 66))
    ],
    "VAULT_TOKEN": [
        ("VAULT_TOKEN={v}", "hvs." + draw(URLSAFE, 95)),
        ("batch token {v}", "hvb." + draw(URLSAFE, 150)),
        ("vault token: {v}", "s.7" + draw(ALNUM, 23)),
    ],
    "DOPPLER_TOKEN": [("DOPPLER_TOKEN={v}", "dp.pt." + draw(ALNUM, 43))],
    "HARNESS_TOKEN": [
        (
            "harness key {v}",
            "pat." + draw(URLSAFE, 22) + "." + draw(ALNUM, 24) + "." + draw(ALNUM, 20),
        )
    ],
    "OCTOPUS_DEPLOY_KEY": [("octopus key {v}", "API-" + draw(UPPER_ALNUM, 26))],
    "SCALINGO_TOKEN": [("scalingo login --api-token {v}", "tk-us-" + draw(URLSAFE, 48))],
    "FLYIO_TOKEN": [
        ("FLY_API_TOKEN={v}", "fo1_" + draw(URLSAFE, 43)),
        ("fly deploy token {v}", "fm2_" + draw(B64, 160) + "=="),
    ],
    "HEROKU_API_KEY": [
        ("HEROKU_API_KEY={v}", uuid()),
        ("the heroku key is {v}", uuid()),
        ("Our heroku deploy key for the demo app is {v}, rotate it", uuid()),
        ("new style {v}", "HRKU-AA" + draw(URLSAFE, 58)),
    ],
    "NETLIFY_TOKEN": [("NETLIFY_AUTH_TOKEN={v}", draw(URLSAFE, 43))],
    "LINEAR_KEY": [
        ("linear key {v}", "lin_api_" + draw(ALNUM, 40)),
        ("LINEAR_CLIENT_SECRET={v}", draw(HEX, 32)),
    ],
    "GITTER_TOKEN": [("gitter_token: {v}", draw(LOWER_ALNUM, 40))],
    "PLANETSCALE_TOKEN": [
        ("pscale token {v}", "pscale_tkn_" + draw(URLSAFE, 43)),
        ("DATABASE_PASSWORD={v}", "pscale_pw_" + draw(URLSAFE, 43)),
        ("oauth {v}", "pscale_oauth_" + draw(URLSAFE, 43)),
    ],
    "SETTLEMINT_TOKEN": [("SETTLEMINT_TOKEN={v}", "sm_pat_" + draw(ALNUM, 16))],
    "DEFINED_NETWORKING_TOKEN": [
        ("dnclient key {v}", "dnkey-" + draw(URLSAFE, 26) + "-" + draw(URLSAFE, 52))
    ],
    "ONEPASSWORD_SECRET": [
        (
            "my 1password secret key {v}",
            "A3-" + "-".join(draw(UPPER_ALNUM, n) for n in (6, 6, 5, 5, 5, 5)),
        ),
        ("OP_SERVICE_ACCOUNT_TOKEN={v}", "ops_eyJ" + draw(B64, 300)),
    ],
    "AGE_SECRET_KEY": [
        ("age key: {v}", "AGE-SECRET-KEY-1" + draw("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58))
    ],
    "AUTHRESS_KEY": [
        (
            "authress {v}",
            "sc_"
            + draw(LOWER_ALNUM, 12)
            + "."
            + draw(LOWER_ALNUM, 5)
            + ".acc_"
            + draw(LOWER_ALNUM, 20)
            + "."
            + draw(B64, 60),
        )
    ],
    "ALIBABA_KEY": [
        ("aliyun id {v}", "LTAI" + draw(ALNUM, 20)),
        ("alibaba_secret_key = {v}", draw(LOWER_ALNUM, 30)),
    ],
    "AWS_BEDROCK_KEY": [
        ("AWS_BEARER_TOKEN_BEDROCK={v}", "ABSK" + draw(B64, 130)),
        ("short one {v}", "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t" + draw(B64, 200)),
    ],
    "AZURE_CLIENT_SECRET": [
        ("client secret {v}", draw(ALNUM, 3) + "8Q~" + draw(ALNUM + "_~.-", 34))
    ],
    "AZURE_STORAGE_KEY": [
        ("DefaultEndpointsProtocol=https;AccountName=nw;AccountKey={v};", draw(B64, 86) + "==")
    ],
    "CLOUDFLARE_KEY": [
        ("CLOUDFLARE_API_TOKEN={v}", draw(URLSAFE, 40)),
        ("cloudflare global key: {v}", draw(HEX, 37)),
        ("origin ca {v}", "v1.0-" + draw(HEX, 24) + "-" + draw(HEX, 146)),
    ],
    "DIGITALOCEAN_TOKEN": [("doctl auth init -t {v}", "dop_v1_" + draw(HEX, 64))],
    "YANDEX_KEY": [
        ("yandex api key: {v}", "AQVN" + draw(URLSAFE, 36)),
        ("YANDEX_ACCESS_KEY={v}", "YC" + draw(URLSAFE, 38)),
    ],
    "IBM_CLOUD_KEY": [
        ("ibm-cloud_api_key: {v}", draw(URLSAFE, 44)),
        ('"iam-password": "{v}"', draw(URLSAFE, 44)),
    ],
    "IBM_COS_HMAC_KEY": [('COS_HMAC_SECRET_ACCESS_KEY = "{v}"', draw(HEX, 48))],
    "SOFTLAYER_KEY": [
        ("--softlayer-api-key {v}", draw(LOWER_ALNUM, 64)),
        ("curl http://api.softlayer.com/soap/v3.1/{v}", draw(LOWER_ALNUM, 64)),
    ],
    "CLOUDANT_KEY": [
        ("cloudant_password='{v}'", draw(HEX, 64)),
        ('clou_pw = "{v}"', draw(HEX, 64)),
        ('cloudant_key = "{v}"', draw(string.ascii_lowercase, 24)),
        ("db at https://nw-acct:{v}@nw-acct.cloudant.com/_api/v2/", draw(HEX, 64)),
    ],
    "OPENSHIFT_TOKEN": [("oc login --token={v}", "sha256~" + draw(URLSAFE, 43))],
    "CLICKHOUSE_KEY": [("clickhouse secret {v}", "4b1d" + draw(ALNUM, 38))],
    "CONFLUENT_KEY": [("CONFLUENT_API_SECRET={v}", draw(LOWER_ALNUM, 64))],
    "OKTA_TOKEN": [("OKTA_API_TOKEN={v}", "00" + draw(URLSAFE, 40))],
    "GRAFANA_TOKEN": [
        ("grafana {v}", "eyJrIjoi" + draw(ALNUM, 80)),
        ("GRAFANA_CLOUD_TOKEN={v}", "glc_" + draw(B64, 60) + "=="),
        ("service account {v}", "glsa_" + draw(ALNUM, 32) + "_" + draw(HEX, 8)),
    ],
    "NEW_RELIC_KEY": [
        ("NEW_RELIC_API_KEY={v}", "NRAK-" + draw(UPPER_ALNUM, 27)),
        ("insert key {v}", "NRII-" + draw(ALNUM, 32)),
    ],
    "DATADOG_KEY": [
        ("DD_API_KEY={v}", draw(HEX, 32)),
        ("datadog app key: {v}", draw(LOWER_ALNUM, 40)),
    ],
    "DYNATRACE_TOKEN": [
        ("dynatrace {v}", "dt0c01." + draw(UPPER_ALNUM, 24) + "." + draw(UPPER_ALNUM, 64))
    ],
    "SENTRY_TOKEN": [
        ("SENTRY_AUTH_TOKEN={v}", "sntryu_" + draw(HEX, 64)),
        ("legacy sentry_token: {v}", draw(HEX, 64)),
        (
            "org token {v}",
            "sntrys_eyJpYXQiO"
            + draw(B64, 40)
            + "LCJyZWdpb25fdXJs"
            + draw(B64, 40)
            + "_"
            + draw(B64, 43),
        ),
    ],
    "SUMOLOGIC_KEY": [("SUMO_ACCESS_KEY={v}", draw(ALNUM, 64))],
    "LAUNCHDARKLY_TOKEN": [("launchdarkly: {v}", draw(URLSAFE, 40))],
    "MERAKI_KEY": [("meraki_api_key = {v}", draw(HEX, 40))],
    "FASTLY_TOKEN": [("FASTLY_API_TOKEN={v}", draw(URLSAFE, 32))],
    "MICROSOFT_TEAMS_WEBHOOK": [
        (
            "post alerts to {v}",
            f"https://northwind.webhook.office.com/webhookb2/{uuid()}@{uuid()}"
            f"/IncomingWebhook/{draw(HEX, 32)}/{uuid()}",
        ),
    ],
    "KUBERNETES_SECRET": [
        (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: {v}\n",
            draw(B64, 24) + "==",
        ),
    ],
    "TWILIO_KEY": [
        ("TWILIO_API_KEY={v}", "SK" + draw(HEX, 32)),
        ("twilio auth token: {v}", draw(HEX, 32)),
    ],
    "SENDGRID_KEY": [("SENDGRID_API_KEY={v}", "SG." + draw(URLSAFE, 22) + "." + draw(URLSAFE, 43))],
    "SENDINBLUE_KEY": [("brevo {v}", "xkeysib-" + draw(HEX, 64) + "-" + draw(ALNUM, 16))],
    "MAILCHIMP_KEY": [
        ("mailchimp {v}", draw(HEX, 32) + "-us21"),
        ("key={v}", draw(HEX, 32) + "-us2"),
    ],
    "MAILGUN_KEY": [
        ("MAILGUN_API_KEY={v}", "key-" + draw(HEX, 32)),
        ("mailgun signing key: {v}", "-".join(draw("abcdefgh0123456789", n) for n in (32, 8, 8))),
    ],
    "MESSAGEBIRD_KEY": [("messagebird_key = {v}", draw(ALNUM, 25))],
    "SENDBIRD_TOKEN": [("SENDBIRD_API_TOKEN={v}", draw(HEX, 40))],
    "TELEGRAM_BOT_TOKEN": [
        ("TELEGRAM_BOT_TOKEN={v}", draw(string.digits, 10) + ":A" + draw(URLSAFE, 34)),
        ("my bot {v} is live", "7" + draw(string.digits, 9) + ":AA" + draw(URLSAFE, 33)),
    ],
    "DISCORD_TOKEN": [
        (
            "discord bot token {v}",
            "MTk4NjIyNDgzNDcxOTI1MjQ4." + draw(URLSAFE, 6) + "." + draw(URLSAFE, 27),
        ),
        ("DISCORD_CLIENT_SECRET={v}", draw(URLSAFE, 32)),
    ],
    "MATTERMOST_TOKEN": [("mattermost token: {v}", draw(LOWER_ALNUM, 26))],
    "INTERCOM_KEY": [("INTERCOM_ACCESS_TOKEN={v}", draw(URLSAFE, 60))],
    "ZENDESK_KEY": [("zendesk api token = {v}", draw(ALNUM, 40))],
    "ATLASSIAN_TOKEN": [
        ("JIRA_API_TOKEN={v}", draw(LOWER_ALNUM, 20) + draw(HEX, 4)),
        ("confluence token {v}", "ATATT3" + draw(URLSAFE, 186)),
    ],
    "NOTION_TOKEN": [("NOTION_TOKEN={v}", "ntn_" + draw(string.digits, 11) + draw(ALNUM, 35))],
    "TYPEFORM_TOKEN": [("typeform {v}", "tfp_" + draw(URLSAFE, 59))],
    "ASANA_KEY": [("asana client secret: {v}", draw(LOWER_ALNUM, 32))],
    "AIRTABLE_KEY": [
        ("AIRTABLE_API_KEY={v}", "key" + draw(ALNUM, 14)),
        ("airtable pat {v}", "pat" + draw(ALNUM, 14) + "." + draw(HEX, 64)),
    ],
    "BEAMER_TOKEN": [("beamer: {v}", "b_" + draw(URLSAFE, 44))],
    "CONTENTFUL_TOKEN": [("CONTENTFUL_ACCESS_TOKEN={v}", draw(URLSAFE, 43))],
    "FRAMEIO_TOKEN": [("frame.io {v}", "fio-u-" + draw(URLSAFE, 64))],
    "FRESHBOOKS_TOKEN": [("freshbooks token: {v}", draw(LOWER_ALNUM, 64))],
    "ADAFRUIT_KEY": [("ADAFRUIT_IO_KEY={v}", draw(LOWER_ALNUM + "_", 32))],
    "ADOBE_KEY": [("adobe {v}", "p8e-" + draw(ALNUM, 32))],
    "ALGOLIA_KEY": [("ALGOLIA_ADMIN_KEY={v}", draw(HEX, 32))],
    "BITBUCKET_KEY": [("bitbucket client secret: {v}", draw(URLSAFE, 64))],
    "KUCOIN_KEY": [("KUCOIN_API_SECRET={v}", uuid()), ("kucoin key {v}", draw(HEX, 24))],
    "SHOPIFY_TOKEN": [
        ("shopify admin {v}", "shpat_" + draw(HEX, 32)),
        ("SHOPIFY_SECRET={v}", "shpss_" + draw(HEX, 32)),
    ],
    "SQUARE_TOKEN": [
        ("square {v}", "EAAA" + draw(URLSAFE, 60)),
        ("legacy {v}", "sq0atp-" + draw(URLSAFE, 22)),
        ("oauth secret {v}", "sq0csp-" + draw(URLSAFE, 43)),
    ],
    "PLAID_KEY": [
        ("plaid access token: {v}", "access-sandbox-" + uuid()),
        ("PLAID_SECRET={v}", draw(LOWER_ALNUM, 30)),
    ],
    "FINICITY_KEY": [("FINICITY_APP_KEY={v}", draw(HEX, 32))],
    "FLUTTERWAVE_KEY": [
        ("flw {v}", "FLWSECK_TEST-" + draw(HEX, 32) + "-X"),
        ("enc {v}", "FLWSECK_TEST-" + draw(HEX, 12)),
    ],
    "GOCARDLESS_TOKEN": [("GOCARDLESS_ACCESS_TOKEN={v}", "live_" + draw(URLSAFE, 40))],
    "LOB_KEY": [("LOB_API_KEY={v}", "live_" + draw(HEX, 35))],
    "EASYPOST_KEY": [
        ("easypost {v}", "EZAK" + draw(ALNUM, 54)),
        ("easypost test {v}", "EZTK" + draw(ALNUM, 54)),
    ],
    "SHIPPO_TOKEN": [
        ("shippo {v}", "shippo_live_" + draw(HEX, 40)),
        ("shippo {v}", "shippo_test_" + draw(HEX, 40)),
    ],
    "DUFFEL_TOKEN": [("duffel {v}", "duffel_live_" + draw(URLSAFE, 43))],
    "FREEMIUS_KEY": [("'secret_key' => '{v}',", "sk_" + draw(ALNUM, 29))],
    "SIDEKIQ_SECRET": [
        ("BUNDLE_GEMS__CONTRIBSYS__COM={v}", draw(HEX, 8) + ":" + draw(HEX, 8)),
        ('source "https://{v}@gems.contribsys.com/"', draw(HEX, 8) + ":" + draw(HEX, 8)),
    ],
    "MAXMIND_KEY": [("maxmind {v}", draw(ALNUM, 6) + "_" + draw(ALNUM, 29) + "_mmk")],
    "COINBASE_TOKEN": [("COINBASE_API_SECRET={v}", draw(URLSAFE, 64))],
    "KRAKEN_KEY": [("kraken api key: {v}", draw(B64, 86))],
    "BITTREX_KEY": [("bittrex_secret = {v}", draw(LOWER_ALNUM, 32))],
    "FINNHUB_TOKEN": [("FINNHUB_TOKEN={v}", draw(LOWER_ALNUM, 20))],
    "ETSY_TOKEN": [("ETSY_API_KEY={v}", draw(LOWER_ALNUM, 24))],
    "HUGGINGFACE_TOKEN": [
        ("HF_TOKEN={v}", "hf_" + draw(LETTERS, 34)),
        ("org token {v}", "api_org_" + draw(LETTERS, 34)),
    ],
    "COHERE_KEY": [("CO_API_KEY={v}", draw(ALNUM, 40))],
    "PERPLEXITY_KEY": [("perplexity {v}", "pplx-" + draw(ALNUM, 48))],
    "PRIVATEAI_KEY": [("PRIVATE_AI_KEY={v}", draw(LOWER_ALNUM, 32))],
    "RAPIDAPI_KEY": [("X-RapidAPI-Key: {v}", draw(URLSAFE, 50))],
    "MAPBOX_TOKEN": [
        ("mapbox secret {v}", "sk.eyJ1" + draw(URLSAFE, 60) + "." + draw(URLSAFE, 22))
    ],
    "DROPBOX_TOKEN": [
        ("DROPBOX_APP_SECRET={v}", draw(LOWER_ALNUM, 15)),
        ("dropbox: {v}", "sl." + draw(URLSAFE, 135)),
        ("dropbox long-lived {v}", draw(ALNUM, 11) + "AAAAAAAAAA" + draw(URLSAFE, 43)),
    ],
    "FACEBOOK_TOKEN": [
        ("page token {v}", "EAAM" + draw(ALNUM, 120)),
        ("FACEBOOK_APP_SECRET={v}", draw(HEX, 32)),
        ("facebook: {v}", draw(string.digits, 15) + "|" + draw(URLSAFE, 30)),
    ],
    "TWITTER_KEY": [
        ("bearer for the bot: {v}", "A" * 22 + draw(ALNUM + "%", 90)),
        ("twitter access token: {v}", draw(string.digits, 19) + "-" + draw(ALNUM, 30)),
        ("TWITTER_API_SECRET={v}", draw(ALNUM, 50)),
    ],
    "LINKEDIN_KEY": [("LINKEDIN_CLIENT_SECRET={v}", draw(ALNUM, 16))],
    "TWITCH_TOKEN": [("twitch_api_token: {v}", draw(LOWER_ALNUM, 30))],
    "FLICKR_TOKEN": [("FLICKR_API_KEY={v}", draw(LOWER_ALNUM, 32))],
    "NYTIMES_TOKEN": [("NYTIMES_API_KEY={v}", draw(URLSAFE, 32))],
    "LOOKER_KEY": [("LOOKER_CLIENT_SECRET={v}", draw(ALNUM, 24))],
}

# label -> posts in which nothing is a secret.
FALSE_POSITIVES: dict[str, list[str]] = {
    "NPM_TOKEN": [
        "//registry.npmjs.org:_authToken=743b294a-cd03-11ec-9d64-0242ac120002",  # detect-secrets
        "registry.npmjs.org/:_authToken=743b294a-cd03-11ec-9d64-0242ac120002",
        "_authToken=743b294a-cd03-11ec-9d64-0242ac120002",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
        "run npm_config_loglevel=warn npm install",
    ],
    "PYPI_TOKEN": [
        "pypi-AgEIcHlwaS5vcmcCJDU3OTM1MjliLWIyYTYtNDEwOC05NzRkLTM0MjNi",  # cut short
        "install from pypi-mirror.northwind.example",
    ],
    "ARTIFACTORY_TOKEN": [
        "testAKCwithinsomeirrelevantstring",  # detect-secrets
        "X-JFrog-Art-Api: $API_KEY",
        "artifactory:_password=AP6xxxxxx",
        "APAC2024 results for the artifactory team",
    ],
    "VAULT_TOKEN": [
        "credentials: new AWS.SharedIniFileCredentials({ profile: '<YOUR_PROFILE>' })",  # gitleaks
        "vault token: s.AcceptanceTimeoutSeconds",
        "vault token: s.THISSTRINGISALLUPPERCASE",
        "hvs." + "x" * 95,
    ],
    "HEROKU_API_KEY": [
        f"see https://dashboard.heroku.com/apps/{uuid()}/settings",  # a UUID in a link
        f"request id {uuid()} from the heroku router",  # a UUID, not assigned
    ],
    "DATABRICKS_TOKEN": ["the dapi prefix marks Databricks tokens", "dapi" + "0" * 32],
    "SONAR_TOKEN": ["sonar.login=admin", "sonar.token=${SONAR_TOKEN}"],
    "ONEPASSWORD_SECRET": ["A3-XXXXXX-XXXXXXXXXXX-XXXXX-XXXXX-XXXXX"],
    "AZURE_CLIENT_SECRET": ["the Q~ marker", "abc8Q~" + "x" * 34],
    "AZURE_STORAGE_KEY": ["AccountKey=" + "A" * 86 + "==", "AccountKey=<your key>"],
    "CLOUDANT_KEY": [
        'cloudant_password = "a-fake-tooshort-key"',  # detect-secrets
        'cl_api_key = "a-fake-api-key"',
        "https://nw-acct:" + draw(HEX, 64) + ".cloudant.com",
    ],
    "IBM_CLOUD_KEY": [
        'iam_api_key="%s" % IBM_IAM_API_KEY_ENV',
        'CLOUD_APIKEY: "insert_key_here"',
    ],
    "IBM_COS_HMAC_KEY": ["cosine similarity: 0.93", "cos_secret_key = ${COS_SECRET}"],
    "DISCORD_TOKEN": [
        # detect-secrets: segments too short
        "discord MZ1yGvKTj0rY0cV8i47CjAa.uHQPq.Xb1Mk2nEhe-4icrGOuegj57zMC",
        "discord MZ1yGvKTjE0rY0cV8i47CjAa.uRHQPq.Xb1Mk2nEhe,4iUcrGOuegj57zMC",  # a comma
        "join our discord server: 1185026284591325184",  # a snowflake id is public
    ],
    "TELEGRAM_BOT_TOKEN": ["meet at 12:AAAAA", "telegram channel t.me/northwind_news"],
    "SENDGRID_KEY": [
        "SG.ngeVfQFYQlKU0ufo8x5d1A..TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",  # detect-secrets
        "AG.ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr",
    ],
    "MAILCHIMP_KEY": [
        "3ea4572956e2b381923ed34c31db76aa-2",  # detect-secrets
        "aea462953eb192d38c31a433e76257db-al32",
        "9276a43e2951aa46e2b1c33ED38357DB-us2",
        "3a5633e829d3c71-us2",
    ],
    "TWILIO_KEY": ["twilio: SKIP the intro", "our twilio campaign got 32 replies"],
    "SQUARE_TOKEN": ["EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "the sq0atp- prefix is Square's"],
    "SHOPIFY_TOKEN": ["shpat_" + "0" * 32, "shpat_ tokens are admin tokens"],
    "HUGGINGFACE_TOKEN": ["hf_" + "x" * 34, "hf_hub_download is the function you want"],
    "TWITTER_KEY": [
        "AAAA" * 30,  # a run, not a bearer token
        "twitter status 1801234567890123456 went viral",
    ],
    "DROPBOX_TOKEN": [
        "dropbox: " + "A" * 64,
        "dropbox shared link https://www.dropbox.com/s/abc123/plan.pdf",
    ],
    "FACEBOOK_TOKEN": ["EAAC is how the token starts", "facebook page id 100064812345678"],
    "GITLAB_TOKEN": ["_gitlab_session=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    "KUBERNETES_SECRET": [
        "kind: Secret\nmetadata:\n  name: db\n",
        "kind: ConfigMap\ndata:\n  mode: " + draw(B64, 20),
    ],
    "JWT": ["ZXlK is base64 of eyJ"],
    # Hard negatives: everyday text near provider names.
    "LINEAR_KEY": [f"linear model checksum: {draw(HEX, 32)}", "linear regression is fine"],
    "SENTRY_TOKEN": [f"sentry release {draw(HEX, 40)}", f"sentry event id: {draw(HEX, 32)}"],
    "DATADOG_KEY": [f"datadog trace id: {draw(string.digits, 19)}", f"datadog dashboard {uuid()}"],
    "PLAID_KEY": ["plaid: a tartan pattern for the winter collection", "plaid shirt day: friday"],
    "ATLASSIAN_TOKEN": [
        "JIRA-4821 fixes the login bug",
        "jira board: https://northwind.atlassian.net/browse/OPS",
    ],
    "MERAKI_KEY": [f"meraki firmware commit {draw(HEX, 40)}"],
    "ALIBABA_KEY": ["LTAI is the prefix of Alibaba AccessKey IDs"],
    "OCTOPUS_DEPLOY_KEY": ["API-FIRST DESIGN GUIDELINES 2024"],
    "AIRTABLE_KEY": ["pattern.matching_is_fun", "airtable base appXYZ shared with the team"],
    "GRAFANA_TOKEN": ["glc_ tokens belong to Grafana Cloud"],
    "AWS_ACCESS_KEY": ["A3TX is a chip model"],
}

# label -> posts in which that provider's rule must not claim the value (a core rule may
# still report it: a longer run after a keyword is a GENERIC_SECRET, "pwd =" a password).
NOT_THIS_PROVIDER: dict[str, list[str]] = {
    "IBM_CLOUD_KEY": [
        "ibm-cloud-pwd = shorter-version",  # detect-secrets
        'ibm_iam_key:= "' + draw(URLSAFE, 44) + 'extra"',
    ],
    "IBM_COS_HMAC_KEY": [
        '"secret_access_key": "' + draw(HEX, 48) + 'extra"',  # detect-secrets
        "cos_secret_key = " + draw(HEX, 47),
    ],
    "ARTIFACTORY_TOKEN": ["artifactory:_password=AKCxxxxxxxx"],
}

# Everyday posts with UUIDs, git SHAs, images and words that share a provider's prefix.
HARD_NEGATIVES = [
    f"Thanks for the review! Merged in {draw(HEX, 40)} and tagged v2.4.1.",
    "Photo: data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    + draw(B64, 200),
    f"Ticket https://support.northwind.example/requests/{uuid()} is closed",
    "Our npm_modules cleanup and the pypi-mirror are both done. Happy Friday!",
    "hf_transfer makes downloads faster; sk_prod_ is not a thing we use",
    "Discord, Slack and Telegram groups are linked from our site.",
    "The API-KEY header is documented at https://docs.northwind.example/api",
    "Sumo wrestling and okta-style SSO: two very different topics for our blog.",
]

CLEAN_POST = (
    "Great turnout at the Northwind spring picnic today! Thanks to everyone who brought "
    "food, games and good cheer. Photos are on the intranet; the next meetup is on "
    "June 14th at the river park. Bring sunscreen, a blanket and your best jokes."
)
PROVIDER_LABELS = sorted({rule.label for rule in PROVIDER_RULES})


def found(text: str) -> list[tuple[str, int, int]]:
    return [(f.label, f.start, f.end) for f in SecretDetector().detect(text)]


def rows(table: dict) -> list:
    return [
        pytest.param(label, *row if isinstance(row, tuple) else (row,), id=f"{label}-{i}")
        for label, entries in table.items()
        for i, row in enumerate(entries)
    ]


@pytest.mark.parametrize(("label", "text", "value"), rows(TRUE_POSITIVES))
def test_provider_token_is_found_and_named_by_its_provider(
    label: str, text: str, value: str
) -> None:
    post = text.format(v=value)
    start = post.index(value)
    assert found(post) == [(label, start, start + len(value))]


@pytest.mark.parametrize(("label", "text", "value"), rows(TRUE_POSITIVES))
def test_provider_explanation_never_quotes_the_value(label: str, text: str, value: str) -> None:
    (finding,) = SecretDetector().detect(text.format(v=value))
    assert finding.explanation.startswith(f"{label}: ")
    assert value[-8:] not in finding.explanation


@pytest.mark.parametrize(("label", "text"), rows(FALSE_POSITIVES))
def test_provider_lookalike_is_not_a_secret(label: str, text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(("label", "text"), rows(NOT_THIS_PROVIDER))
def test_provider_rule_does_not_claim_a_lookalike(label: str, text: str) -> None:
    assert label not in {found_label for found_label, _, _ in found(text)}


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_everyday_post_is_not_a_secret(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("label", PROVIDER_LABELS)
def test_every_provider_label_has_a_true_positive_row(label: str) -> None:
    assert TRUE_POSITIVES.get(label)


def test_every_provider_rule_has_a_true_positive_row() -> None:
    posts = [text.format(v=value) for entries in TRUE_POSITIVES.values() for text, value in entries]
    untested = [rule.description for rule in PROVIDER_RULES
                if not any(rule.regex.search(post) for post in posts)]  # fmt: skip
    assert untested == []


def test_provider_labels_do_not_redeclare_core_providers_under_new_names() -> None:
    core_labels = {rule.label for rule in CORE_RULES}
    new_labels = set(PROVIDER_LABELS) - core_labels
    assert all(label.isupper() and label.replace("_", "").isalnum() for label in new_labels)
    assert not any(
        label.startswith(("GITHUB", "GITLAB", "SLACK", "STRIPE", "OPENAI")) for label in new_labels
    )


def test_prefixed_provider_rules_run_before_keyword_led_ones() -> None:
    led = ["keyword" in rule.regex.groupindex for rule in PROVIDER_RULES]
    assert led == sorted(led)


def keyword_stuffed_post(size: int = 5000) -> str:
    keywords = sorted({k for rule in SecretDetector().rules for k in rule.keywords})
    text = ""
    while len(text) < size:
        text += " ".join(f'{k}="' for k in keywords) + " "
    return text[:size]


def test_post_stuffed_with_every_keyword_is_scanned_quickly() -> None:
    detector, text = SecretDetector(), keyword_stuffed_post()
    detector.detect(text)  # warm up
    start = time.process_time()
    detector.detect(text)
    assert time.process_time() - start < 0.1


def test_clean_post_costs_little() -> None:
    detector = SecretDetector()
    post = CLEAN_POST
    start = time.process_time()
    for _ in range(1000):
        detector.detect(post)
    assert (time.process_time() - start) / 1000 < 0.001

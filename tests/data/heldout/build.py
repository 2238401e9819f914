#!/usr/bin/env python3
"""Build the sealed Gatepost held-out corpus (v2).

Writes test.jsonl next to this file. Deterministic: fixed seeds for the
regenerated secret values and for the shuffle. Values come from public test
suites (gitleaks, detect-secrets, presidio, usaddress, phonenumbers); posts,
passwords, codename/customer posts, links, colleague e-mails, DOBs and all
negatives are written by hand.
"""
import base64
import codecs
import collections
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "test.jsonl")

# ---------------------------------------------------------------------------
# value regeneration (gitleaks recipes: prefix + character class + length)
# ---------------------------------------------------------------------------
R = random.Random(20260722)
LC = "abcdefghijklmnopqrstuvwxyz"
UC = LC.upper()
DG = "0123456789"
AN = LC + DG                 # utils.AlphaNumeric  -> [a-z0-9]
ANS = AN + "_-"              # utils.AlphaNumericExtendedShort -> [a-z0-9_-]
ANX = AN + "=_-"             # utils.AlphaNumericExtended -> [a-z0-9=_\-]
HX = "0123456789abcdef"      # utils.Hex -> [a-f0-9]
B32 = UC + "234567"          # [A-Z2-7]
ALPHA = LC + UC              # [a-zA-Z]
WD = LC + UC + DG + "_"      # \w
WDH = WD + "-"               # [\w-]


def g(chars, n):
    return "".join(R.choice(chars) for _ in range(n))


V = {}
V["aws1"] = "AKIA" + g(B32, 16)
V["aws2"] = "ASIA" + g(B32, 16)
V["aws3"] = "AKIA" + g(B32, 16)          # evasion (RLO)
V["aws4"] = "AKIA" + g(B32, 16)          # evasion (chunks)
V["aws5"] = "AKIA" + g(B32, 16)          # evasion (zero-width)
V["ghp1"] = "ghp_" + g(AN, 36)
V["ghp2"] = "ghp_" + g(AN, 36)           # evasion (rot13)
V["ghp3"] = "ghp_" + g(AN, 36)           # evasion (lines)
V["ghp4"] = "ghp_" + g(AN, 36)           # evasion (base64)
V["ghpat"] = "github_pat_" + g(AN, 82)
V["gho"] = "gho_" + g(AN, 36)
V["ghs"] = "ghs_" + g(AN, 36)
V["glpat"] = "glpat-" + g(AN, 20)
V["glrt"] = "glrt-" + g(AN, 20)
V["glptt"] = "glptt-" + g(HX, 40)
V["aiza"] = "AIza" + g(WDH, 35)
V["oai"] = "sk-" + g(AN, 20) + "T3BlbkFJ" + g(AN, 20)
V["oai2"] = "sk-" + g(AN, 20) + "T3BlbkFJ" + g(AN, 20)   # evasion (base64)
V["ant1"] = "sk-ant-api03-" + g(ANS, 93) + "AA"
V["ant2"] = "sk-ant-admin01-" + g(ANS, 93) + "AA"
V["hf1"] = "hf_" + g(ALPHA, 34)
V["tg"] = g(DG, 8) + ":A" + g(ANS, 34)
V["sg"] = "SG." + g(ANX, 66)
V["npm1"] = "npm_" + g(AN, 36)
V["hvs"] = "hvs." + g(DG, 1) + g(WDH, 89)
V["tw1"] = "SK" + g(HX, 32)
V["tw2"] = "SK" + g(HX, 32)
V["dhex"] = g(HX, 64)
V["shpat"] = "shpat_" + g(HX, 32)
V["shpss"] = "shpss_" + g(HX, 32)
V["dapi"] = "dapi" + g(HX, 32)
V["pypi"] = "pypi-AgEIcHlwaS5vcmc" + g(HX, 32) + g(HX, 32)
V["glc"] = "glc_" + g(AN, 32)
V["graf"] = "eyJrIjoi" + g(AN, 70)
V["dop"] = "dop_v1_" + g(HX, 64)
V["doo"] = "doo_v1_" + g(HX, 64)
V["dopp"] = "dp.pt." + g(AN, 43)
V["lin"] = "lin_api_" + g(AN, 40)
V["pmak"] = "PMAK-" + g(HX, 24) + "-" + g(HX, 34)
V["pul"] = "pul-" + g(HX, 40)
V["pscale_pw"] = "pscale_pw_" + g(ANX, 43)
V["pscale_tkn"] = "pscale_tkn_" + g(ANX, 32)
V["nrak"] = "NRAK-" + g(AN, 27)
V["mailgun"] = "key-" + g(HX, 32)
V["xkeysib"] = "xkeysib-" + g(HX, 64) + "-" + g(AN, 16)
V["dt"] = "dt0c01." + g(AN, 24) + "." + g(AN, 64)
V["sq"] = "EAAA" + g(WDH, 60)
V["airtable"] = "pat" + g(AN, 14) + "." + g(HX, 64)
V["ezak"] = "EZAK" + g(LC + UC + DG, 54)
V["xoxb_ev"] = "xoxb-" + g(DG, 13) + "-" + g(DG, 12) + "-" + g(AN, 24)  # evasion (hex)
V["stripe_ev"] = "sk_test_" + g(AN, 30)                            # evasion (reversed)

# literal true positives copied from the suites
L = {
    "aws_lit": "AKIALALEMEL33243OLIB",
    "ghp_ds": "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",
    "glpat_ds": "glpat-hellOworld380_testin",
    "gldt_ds": "gldt-HwllOuhfw-wu0rlD_yep",
    "xoxb": "xoxb-781236542736-2364535789652-GkwFDQoHqzXDVsC6GzqYUypD",
    "xoxp": "xoxp-41684372915-1320496754-45609968301-e708ba56e1517a99f6b5fb07349476ef",
    "hook": "https://hooks.slack.com/services/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",
    "xapp": "xapp-1-A052FGTS2DL-5171572773297-610b6a11f4b7eb819e87b767d80e6575a3634791acb9a9ead051da879eb5b55e",
    "sk_live": "sk_live_ReTllpYQYfIZu2Jnf2lAPFjD",
    "rk_live": "rk_live_5TcWfjKmJgpql9hjpRnwRXbT",
    "sk_test": "sk_test_51OuEMLAlTWGaDypq4P5cuDHbuKeG4tAGPYHJpEXQ7zE8mKK3jkhTFPvCxnSSK5zB5EQZrJsYdsatNmAHGgb0vSKD00GTMSWRHs",
    "aiza_lit": "AIzaSyNHxIf32IQ1a1yjl3ZJIqKZqzLAK1XhDk-",
    "skproj": "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",
    "oai_ds": "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",
    "svcacct": "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",
    "hf_lit": "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",
    "api_org": "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",
    "tg_ds": "110201543:AAHdqTcvCH1vGWJxfSe1ofSAs0K5PALDsaw",
    "sg_ds": "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",
    "npm_ds": "743b294a-cd03-11ec-9d64-0242ac120002",
    "hrku": "HRKU-AAy9Ppr_HD2pPuTyIiTYInO0hbzhoERRSO93ZQusSYHgaD7_WQ07FnF7L9FX",
    "heroku_uuid": "832d2129-a846-4e27-99f4-7004b6ad53ef",
    "vault_s": "s.ZC9Ecf4M5g9o34Q6RkzGsj0z",
    "vault_hvs": "hvs.CAESIP2jTxc9S2K7Z6CtcFWQv7-044m_oSsxnPE1H3nF89l3GiYKHGh2cy5sQmlIZVNyTWJNcDRsYWJpQjlhYjVlb1cQh6PL8wEYAg",
    "age": "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
    "discord1": "MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs",
    "discord2": "Nzk5MjgxNDk0NDc2NDU1OTg3.YABS5g.2lmzECVlZv3vv6miVnUaKPQi2wI",
    "dapi_lit": "dapif13ac4b49d1cb31f69f678e39602e381-2",
    "pypi_ds": "pypi-AgEIcHlwaS5vcmcCJDU3OTM1MjliLWIyYTYtNDEwOC05NzRkLTM0MjNiNmEwNWIzYgACF1sxLFsitesttestbWluaW1hbC1wcm9qZWN0Il1dAAIsWzIsWyJjYWY4OTAwZi0xNDMwLTRiYQstYmFmMi1mMDE3OGIyNWZhNTkiXV0AAAYgh2UINPjWBDwT0r3tQ1o5oZyswcjN0-IluP6z34SX3KM",
    "az1": "bP88Q~rcBcYjzzOhg1Hnn76Wm3jGgakZiZ.8vMgR",
    "az2": "_V28Q~IC8qxmlWNpHuDm34JlbKv9LXV5MvUR3a-P",
    "az_storage": "lJzRc1YdHaAA2KCNJJ1tkYwF/+mKK6Ygw0NGe170Xu592euJv2wYUtBlV8z+qnlcNQSnIYVTkLWntUO1F8j8rQ==",
    "mc1": "cefa780880ba5f5696192a34f6292c35-us18",
    "mc_ds": "343ea45721923ed956e2b38c31db76aa-us30",
    "notion": "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",
    "glsa": "glsa_pITqMOBIfNH2KL4PkXJqmTyQl0D9QGxF_486f63e1",
    "okta": "00ebObu4zSNkyc6dimLvUwq4KpTEop-PCEnnfSTpD3",
    "jwt_ds": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IsWww6HFkcOtIMOWxZHDqcOoIiwiaWF0IjoxNTE2MjM5MDIyfQ.k5HibI_uLn_RTuPcaCNkaVaQH2y5q6GvJg8GPpGMRwQ",
    "jwt_bob": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VybmFtZTpib2IifQ.HcfCW67Uda-0gz54ZWTqmtgJnZeNem0Q757eTa9EZuw",
    "jwt_log": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiYTAwYzI3ZDEtYjVhYS00NjU0LWFmMTYtYjExNzNkZTY1NjI5Iiwicm9sZXMiOlsiYWRtaW4iXSwiaWF0IjoxNjA0NTE2OTIwLCJleHAiOjE2MDQ1MTc4MjAsImp0aSI6IjYzNmVmMDc0LTE2MzktNGJhZi1hNGNiLTQ4ZDM4NGMxMzliYSIsImlzcyI6Im15YXBwIn0.T9B0zG0AHShO5JfQgrMQBlToH33KHgp8nLMPFpN6QmM",
    "cloudant_pw": "abcd1234abcd1234abcd1234abcd1234abcd1234abcd1234abcd1234abcd1234",
    "sentry": "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",
    "atlassian": "ATATT3xFfGF0K3irG5tKKi-6u-wwaXQFeGwZ-IHR-hQ3CulkKtMSuteRQFfLZ6jihHThzZCg_UjnDt-4Wl_gIRf4zrZJs5JqaeuBhsfJ4W5GD6yGg3W7903gbvaxZPBjxIQQ7BgFDSkPS8oPispw4KLz56mdK-G6CIvLO6hHRrZHY0Q3tvJ6JxE=C63992E6",
    "cf": "5oK0U90ME14yU6CVxV90crvfqVlNH2wRKBwcLWDc",
    "fly": "fo1_8rz-j7r2eqJ2U7affEOO3HJN0j63DInyog3eV-glQSc",
    "atlasv1": "hE1hlYILrSqpqh.atlasv1.ARjZuyzl33F71WR55s6ln5GQ1HWIwTDDH3MiRjz7OnpCfaCb1RCF5zGaSncCWmJdcYA",
    "sq0csp": "sq0csp-0p9h7g6f4s3s3s3-4a3ardgwa6ADRDJDDKUFYDYDYDY",
}

PEM_RSA = ("-----BEGIN RSA PRIVATE KEY-----\n"
           "MIIEpQIBAAKCAQEAn6/O8li+SX4m98LLYt/PKSzEmQ++ZBD7Loh9P13f4yQ92EF3\n"
           "yxR5MsXFu9PRsrYQA7/4UTPHiC4y2sAVCBg4C2yyBpUEtMQjyCESi6Y=\n"
           "-----END RSA PRIVATE KEY-----")
PEM_PK = ("-----BEGIN PRIVATE KEY-----\n"
          "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDAC4AWkdwKYSd8\n"
          "Ks14IReLcYgADhoXk56ZzXI=\n"
          "-----END PRIVATE KEY-----")
PEM_PGP = ("-----BEGIN PGP PRIVATE KEY BLOCK-----\n"
           "lQWGBGSVV4YBDAClvRnxezIRy2Yv7SFlzC0iFiRF/O/jePSw+XYhvcrTaqSYTGic\n"
           "=8xQN\n"
           "-----END PGP PRIVATE KEY BLOCK-----")

# ---------------------------------------------------------------------------
# source strings
# ---------------------------------------------------------------------------
def GL(f, note="tps literal"):
    return "gitleaks/gitleaks:cmd/generate/config/rules/%s.go (%s)" % (f, note)


def GLR(f, recipe):
    return ("gitleaks/gitleaks:cmd/generate/config/rules/%s.go (tps recipe %s); "
            "value regenerated from the tps recipe" % (f, recipe))


def DS(f):
    return "Yelp/detect-secrets:tests/plugins/%s_test.py (true positive)" % f


def PR(f, note="valid example"):
    return "microsoft/presidio:presidio-analyzer/tests/test_%s_recognizer.py (%s)" % (f, note)


def PN(region, typ):
    return "phonenumbers 9.0.43 example_number_for_type(%s, %s)" % (region, typ)


US50 = "datamade/usaddress:raw/us50.test.raw"
LABELED = "datamade/usaddress:measure_performance/test_data/labeled.xml"
W = "written"

POSTS = []


def add(cat, text, source, expect=None):
    POSTS.append({"category": cat, "text": text, "source": source, "expect": expect})

# ---------------------------------------------------------------------------
# secret (block) -- 90
# ---------------------------------------------------------------------------
def sec(text, source):
    add("secret", text, source)

sec("Wrong clipboard, sorry all 🙃 if anyone still needs the staging creds it's %s, the secret half is in 1Password" % L["aws_lit"], GL("aws"))
sec("$ export AWS_ACCESS_KEY_ID=%s\n$ export AWS_DEFAULT_REGION=eu-west-1\n$ aws s3 ls\n\nwhy does this STILL say AccessDenied?? #aws #help" % V["aws1"], GLR("aws", "AKIA + [A-Z2-7]{16}"))
sec("temporary STS creds, they die in an hour anyway so whatever: %s (session token coming by DM)" % V["aws2"], GLR("aws", "ASIA + [A-Z2-7]{16}"))
sec("note to self bc I keep losing it: personal token for the dotfiles repo → %s" % V["ghp1"], GLR("github", "ghp_ + AlphaNumeric(36)"))
sec("GitHub Actions keeps failing with a 401. my workflow has\n\n  env:\n    GH_TOKEN: %s\n\nwhat am I missing? #githubactions" % L["ghp_ds"], DS("github_token"))
sec("fine-grained PATs are great right up until you have to paste one into a terraform var at 2am: %s" % V["ghpat"], GLR("github", "github_pat_ + AlphaNumeric(82)"))
sec("Debugging an OAuth app: the callback hands back %s and then GET /user gives me 403. Any GitHub folks around?" % V["gho"], GLR("github", "gho_ + AlphaNumeric(36)"))
sec("installation token from our GitHub App, good for 60 min, for whoever picks up the changelog bot after lunch: %s" % V["ghs"], GLR("github", "ghs_ + AlphaNumeric(36)"))
sec("var dump from the broken pipeline:\nCI_JOB_NAME=lint\nGITLAB_TOKEN=%s\nCI_COMMIT_REF_NAME=main\n\nnothing obviously wrong??" % V["glpat"], GLR("gitlab", "glpat- + AlphaNumeric(20)"))
sec("tried `git clone https://oauth2:%s@gitlab.com/nw/infra.git` and it still prompts for a password. anyone seen this?" % L["glpat_ds"], DS("gitlab_token"))
sec("registering the new runner on the mac mini\n\ngitlab-runner register --url https://gitlab.com --token %s\n\nfeels good to finally have arm64 jobs 🍏" % V["glrt"], GLR("gitlab", "glrt- + AlphaNumeric(20)"))
sec("read-only deploy token for the helm chart registry, use it in your local kind cluster: %s" % L["gldt_ds"], DS("gitlab_token"))
sec("pipeline trigger token (don't judge me, it's Friday): %s" % V["glptt"], GLR("gitlab", "glptt- + Hex(40)"))
sec("Our standup bot died again. config.yaml:\n\nslack:\n  bot_token: %s\n  channel: '#standup'\n\nit worked yesterday 😩" % L["xoxb"], GL("slack"))
sec("If the export script asks, use my user token %s and please don't tell IT 🤫" % L["xoxp"], GL("slack"))
sec("Webhook for #deploys in case you want alerts from your side thing too: %s" % L["hook"], GL("slack"))
sec("Socket mode finally works!!! SLACK_APP_TOKEN=%s (yes yes I'll rotate it)" % L["xapp"], GL("slack"))
sec("quick sanity check before going live: is %s supposed to end up in the frontend bundle or only on the server? 😅" % L["sk_live"], DS("stripe_key"))
sec("Restricted key for the finance dashboard, charges read-only: %s — holler if it stops working" % L["rk_live"], DS("stripe_key"))
sec("Stripe test mode, so it's harmless, right?\n\nSTRIPE_SECRET_KEY=%s" % L["sk_test"], GL("stripe"))
sec("The map embed on our careers page is broken. key in the page source is %s — can someone check the referrer restrictions?" % V["aiza"], GLR("gcp", "AIza + [\\w-]{35}"))
sec("firebase config for the mobile app, in case you're setting up the emulator:\n\napiKey: \"%s\"\nauthDomain: \"nw-mobile.firebaseapp.com\"" % L["aiza_lit"], GL("gcp"))
sec("OpenAI bill went from $40 to $900 overnight 😳 the only place this key lives is our shared notebook: %s" % L["skproj"], GL("openai"))
sec("anyone else getting 429s today? my key %s works in curl but not through the SDK" % L["oai_ds"], DS("openai"))
sec("Service account key for the eval harness, shared with the ML guild as agreed: %s" % L["svcacct"], GL("openai"))
sec("OPENAI_API_KEY=%s python summarize.py notes.md\n\n^ this is how I write my weekly updates now lol" % V["oai"], GLR("openai", "sk- + AlphaNumeric(20) + T3BlbkFJ + AlphaNumeric(20)"))
sec("Hackathon table 7: here's the Claude API key, budget is capped at $50 so go wild %s" % V["ant1"], GLR("anthropic", "sk-ant-api03- + AlphaNumericExtendedShort(93) + AA"))
sec("admin key for the org console, do NOT put it in code:\n%s\nasked in #platform who owns rotation, crickets so far" % V["ant2"], GLR("anthropic", "sk-ant-admin01- + AlphaNumericExtendedShort(93) + AA"))
sec("huggingface-cli login --token %s\n\nand then `huggingface-cli whoami` says I'm nobody. wat" % L["hf_lit"], GL("huggingface"))
sec("Gated Llama weights approved 🎉 HF_TOKEN=%s if you want to pull them onto the shared GPU box" % V["hf1"], GLR("huggingface", "hf_ + [a-zA-Z]{34}"))
sec("org token for the datasets mirror: %s (write access, be nice)" % L["api_org"], GL("huggingface"))
sec("Made a tiny Telegram bot that yells at me when CI breaks. Token %s — add it to your group if you want the noise too" % L["tg_ds"], DS("telegram_token"))
sec("telegram_bot_token = \"%s\"\n# TODO: move to env vars before Thursday" % V["tg"], GLR("telegram", "Numeric(8) + :A + AlphaNumericExtendedShort(34)"))
sec("Password-reset mails keep bouncing. SendGrid key %s shows as active in the dashboard, any ideas?" % L["sg_ds"], DS("sendgrid"))
sec("tag yourself, I'm the SENDGRID_API_KEY=%s committed to a public gist at 11pm" % V["sg"], GLR("sendgrid", "SG. + AlphaNumericExtended(66)"))
sec("~/.npmrc on the build agent:\n//registry.npmjs.org/:_authToken=%s\nalways-auth=true\n\nstill E401. what now" % V["npm1"], GLR("npm", "npm_ + AlphaNumeric(36)"))
sec("publishing from my laptop works, from CI it doesn't. CI has //registry.npmjs.org/:_authToken=%s — is the old uuid-style token even accepted anymore?" % L["npm_ds"], DS("npm"))
sec("heroku config dump before we migrate off, keep it somewhere safe:\n\nHEROKU_API_KEY=%s\nWEB_CONCURRENCY=3" % L["hrku"], GL("heroku"))
sec("legacy heroku_api_key = \"%s\" is still wired into the old cron dyno. who wants to help me kill it with fire" % L["heroku_uuid"], GL("heroku"))
sec("vault login with %s works but my own token doesn't?? policies are hard" % L["vault_s"], GL("hashicorp_vault"))
sec("export VAULT_TOKEN=%s\nvault kv get secret/payments\n← 403. wtf" % L["vault_hvs"], GL("hashicorp_vault"))
sec("Batch token for tonight's migration job, expires at 06:00: %s" % V["hvs"], GLR("hashicorp_vault", "hvs. + [0-9] + [\\w-]{89}"))
sec("age identity for decrypting the sops files on my new laptop, parking it here for a sec:\n%s" % L["age"], GL("age"))
sec("twilio bits for the SMS alerts:\nTWILIO_API_KEY=%s\nTWILIO_API_SECRET is in the vault (I think?)" % V["tw1"], GLR("twilio", "SK + Hex(32)"))
sec("My Discord moderation bot is open source now 🎉 token is %s, just don't spam the test server" % L["discord1"], DS("discord"))
sec("bot.run('%s')  # works on my laptop, crashes on the raspberry pi. python 3.9 vs 3.11?" % L["discord2"], DS("discord"))
sec("server bot setup, step 3: DISCORD_API_KEY=%s\nstep 4: ???\nstep 5: profit" % V["dhex"], GLR("discord", "Hex(64) with discord identifier"))
sec("Shopify admin token for the merch store sync (scope read_orders): %s" % V["shpat"], GLR("shopify", "shpat_ + Hex(32)"))
sec("shared secret for verifying the shopify webhook HMAC, the old one was revoked: %s" % V["shpss"], GLR("shopify", "shpss_ + Hex(32)"))
sec("databricks configure --token\nDatabricks Host: https://adb-7712.azuredatabricks.net\nToken: %s\n\nnotebooks finally run from my terminal ✨" % V["dapi"], GLR("databricks", "dapi + Hex(32)"))
sec("token = %s in ~/.databrickscfg — the -2 suffix confused me for a solid hour" % L["dapi_lit"], GL("databricks"))
sec("twine upload dist/* -u __token__ -p %s\n\nfirst package on PyPI!! 🐍" % V["pypi"], GLR("pypi", "pypi-AgEIcHlwaS5vcmc + Hex(32) + Hex(32)"))
sec("PyPI token for the shared org account, scoped to a single package: %s" % L["pypi_ds"], DS("pypi_token"))
sec("App registration for the intranet SSO, pasting so I stop asking:\nclient_id: 6d0e1b7a (the usual one)\nclient_secret=%s" % L["az1"], GL("azure"))
sec("AUTH_CLIENTSECRET = %s expires in March, calendar reminder set 📅" % L["az2"], GL("azure"))
sec("DefaultEndpointsProtocol=https;AccountName=nwbackups;AccountKey=%s;EndpointSuffix=core.windows.net\n\nthis is the string Storage Explorer wants, right?" % L["az_storage"], DS("azure_storage_key"))
sec("newsletter tooling handover 📨\nmailchimp_api_key: %s\nlist id is in the wiki" % L["mc1"], GL("mailchimp"))
sec("mc key %s for the events list, Priya asked for it twice so here you go" % L["mc_ds"], DS("mailchimp_key"))
sec("Notion integration secret for the meeting-notes importer: %s ✌️" % L["notion"], GL("notion"))
sec("grafana cloud token so the home lab can push metrics too: %s" % V["glc"], GLR("grafana", "glc_ + AlphaNumeric(32)"))
sec("curl -H 'Authorization: Bearer %s' https://grafana.example.net/api/dashboards/home\n\nreturns 200 but empty panels 🤷" % L["glsa"], GL("grafana"))
sec("old-style grafana api key from the 2019 box, does this format even still work? %s" % V["graf"], GLR("grafana", "eyJrIjoi + AlphaNumeric(70)"))
sec("\"oktaApiToken\": \"%s\",\n\n^ found this in the onboarding script while cleaning up. whose is it??" % L["okta"], GL("okta"))
sec("doctl auth init --access-token %s\n\nmy droplet bill is going to be wild this month" % V["dop"], GLR("digitalocean", "dop_v1_ + Hex(64)"))
sec("DigitalOcean OAuth token from the app flow, for debugging the integration: %s" % V["doo"], GLR("digitalocean", "doo_v1_ + Hex(64)"))
sec("doppler service token for the worker: DOPPLER_TOKEN=%s" % V["dopp"], GLR("doppler", "dp.pt. + AlphaNumeric(43)"))
sec("Linear API key for my triage script (personal one, plz don't abuse): %s" % V["lin"], GLR("linear", "lin_api_ + AlphaNumeric(40)"))
sec("The collection runner needs x-api-key %s — it's the shared Postman workspace, ask before forking" % V["pmak"], GLR("postman", "PMAK- + Hex(24) + - + Hex(34)"))
sec("PULUMI_ACCESS_TOKEN=%s pulumi up --yes   # yolo friday" % V["pul"], GLR("pulumi", "pul- + Hex(40)"))
sec("trying to ssh into the bastion and it says invalid format. the key looks like this:\n\n%s\n\nwhat am I doing wrong" % PEM_RSA, GL("privatekey"))
sec("Sharing the TLS key for the staging cert so you can test locally 👇\n%s" % PEM_PK, GL("privatekey"))
sec("exported my signing key for the new laptop, paste-check before I import it:\n%s" % PEM_PGP, GL("privatekey"))
sec("Can someone decode this for me? The API rejects it with 'invalid signature': %s" % L["jwt_ds"], DS("jwt"))
sec("Authorization: Bearer %s\n\n^ session from the admin panel, valid till midnight if you want to poke around" % L["jwt_bob"], GL("jwt"))
sec("2020/11/04 21:08:40 Access Token: %s\n\nwhy is our login service logging this at INFO 🙃" % L["jwt_log"], GL("jwt"))
sec("couch replication finally green: https://testy_-test:%s@testy_-test.cloudant.com" % L["cloudant_pw"], DS("cloudant"))
sec("DATABASE_URL=mysql://nw_app:%s@aws.connect.psdb.cloud/inventory?sslaccept=strict\nworks locally, times out on Vercel. ideas?" % V["pscale_pw"], GLR("planetscale", "pscale_pw_ + AlphaNumericExtended(43)"))
sec("planetscale service token for CI: %s" % V["pscale_tkn"], GLR("planetscale", "pscale_tkn_ + AlphaNumericExtended(32)"))
sec("New Relic user key for the dashboards-as-code repo → %s" % V["nrak"], GLR("newrelic", "NRAK- + AlphaNumeric(27)"))
sec("sentry-cli wants SENTRY_AUTH_TOKEN=%s for source map uploads, is that the org token or a personal one?" % L["sentry"], GL("sentry"))
sec("Jira automation via personal API token %s — it's scoped to my account so that's fine, yeah?" % L["atlassian"], GL("atlassian"))
sec("CLOUDFLARE_API_KEY: %s\nzone: northwind.example\n\nDNS-01 challenge keeps timing out, send help" % L["cf"], GL("cloudflare"))
sec("mailgun %s, sending domain mg.example.org. Transactional emails are back up!" % V["mailgun"], GLR("mailgun", "key- + Hex(32)"))
sec("Brevo (ex-Sendinblue) key for the webinar invites: %s" % V["xkeysib"], GLR("sendinblue", "xkeysib- + Hex(64) + - + AlphaNumeric(16)"))
sec("dynatrace api token for the synthetic monitors: %s" % V["dt"], GLR("dynatrace", "dt0c01. + AlphaNumeric(24) + . + AlphaNumeric(64)"))
sec("Fly access token: %s\n(for the status page app, org-scoped)" % L["fly"], GL("flyio"))
sec("#token = \"%s\"\n\ncommented out, so it isn't really leaked, right? right??" % L["atlasv1"], GL("hashicorp"))
sec("{\n  \"type\": \"service_account\",\n  \"client_email\": \"etl@nw-analytics.iam.gserviceaccount.com\",\n  \"private_key\": \"%s\"\n}\nwhich of these fields does BigQuery actually need?" % PEM_PK.replace("\n", "\\n"), GL("gcp") + " + " + GL("privatekey"))
sec("square prod access token for the POS sync, new one since Tuesday: %s" % V["sq"], GLR("square", "(EAAA|sq0atp-)[\\w-]{22,60}"))
sec("airtable PAT so the content calendar script can write rows: %s" % V["airtable"], GLR("airtable", "pat + AlphaNumeric(14) + . + Hex(64)"))

# ---------------------------------------------------------------------------
# password (block) -- 45, all written
# ---------------------------------------------------------------------------
def pw(text):
    add("password", text, W)

pw("Summit wifi is NW-Guests, password Tulip-Harbor-88 ☕ grab a coffee and come find us at booth 12")
pw("to reproduce the bug log in as qa_admin / r7#Vq2!mZp — it's just the test account, go nuts")
pw("mysql -h db-staging -u root -pK3rb3r0s_Lives! shop_db\n\nwhy does it warn me about using a password on the command line 🙄")
pw("PGPASSWORD='wX9$ltq4&Ze' psql -h 10.2.0.14 -U reporting -d metrics -c 'select count(*) from events;'")
pw("my .env for the side project, tell me if anything looks off:\nDB_HOST=localhost\nDB_USER=marco\nDB_PASSWORD=sunflower1987\nDEBUG=true")
pw("spring:\n  datasource:\n    url: jdbc:postgresql://pg01:5432/orders\n    username: orders_svc\n    password: Hx7-pL2q-Zr9v\n\nand hikari STILL times out 😩")
pw("{\"smtp\": {\"host\": \"smtp.example.com\", \"port\": 587, \"user\": \"alerts\", \"password\": \"8gU^kq!VbT3e\"}}\n\nthe config that finally worked, posting it for future me")
pw("[database]\ntype = postgres\nhost = 127.0.0.1:5432\nuser = grafana\npassword = Moonlit_Kettle_42\n\ngrafana.ini that ended my afternoon of suffering")
pw("redis://:Pomegranate77@cache01:6379/0 is the shared cache for the hackathon, have fun and don't FLUSHALL")
pw("dw connection for the new analysts: postgresql://etl_user:Z!p4d33_doo-dah@warehouse.example.net:5432/dw")
pw("My go-to local db:\ndocker run -d --name db -e MYSQL_ROOT_PASSWORD=tr0mb0ne-Sunday -p 3306:3306 mysql:8")
pw("curl -u deploy:Qm8vR2xL9t https://artifacts.example.com/api/upload -T build.zip   # why 413??")
pw("sshpass -p 'Fj3k&*9Lw' ssh pi@192.168.1.50 'sudo reboot'   # nightly cron, don't @ me")
pw("Marketing's shared Canva login is brand@northwind.example / Lemonade!Stand2024 — please stop resetting it, I beg you")
pw("new vault passphrase, the one we agreed on this morning: glacier tambourine orbit pickle")
pw("root pw on the lab switch is }]8#T@x!~q^% — yes, all of it, including the squiggle")
pw("heads up: guest wifi password changed to Otter4Life! as of Monday, tell your visitors 🦦")
pw("Das WLAN-Passwort im Büro Hamburg ist jetzt Fischbroetchen#2025 – bitte nicht weitergeben 😉")
pw("Pour l'atelier de jeudi, le compte invité c'est invite.nw et le mot de passe Croissant*Matin9. À jeudi !")
pw("Contraseña del router de la oficina de Madrid: Paella_y_Siesta_73. La cambiamos el viernes, prometido.")
pw("temp password for your new laptop account is 4tYq9mWz2Lbc, you'll be asked to change it on first login")
pw("honestly my Netflix password has been dolphin2009 since high school and I'm scared to change it now")
pw("jenkins / jenkins123 is STILL the admin login on the old CI box. I'm not even mad, just tired")
pw("psql \"host=db1 port=5432 user=app password=Winter-Is-Here-19 dbname=crm sslmode=require\"")
pw("kubectl create secret generic db-creds --from-literal=username=api --from-literal=password='s3cr3t!Pineapple#'\n\nthen the pod still can't auth. k8s humbles me daily")
pw("git remote set-url origin https://jdoe:Blu3Sky_Thinking@git.example.org/tools/infra.git\n\nworks but feels wrong")
pw("vendor drop box, they insisted on FTP in 2025 🙃 ftp://upload:Papaya.Rain.2019@ftp.example.com/incoming/")
pw("basic auth on the preview site is preview / hunter2hunter2 (yes, really, it wasn't my call)")
pw("mongosh \"mongodb://admin:Gr8Scott!@10.0.3.7:27017/?authSource=admin\"  ← why is the replica set refusing me")
pw("echo 'Dk9#pz!Lm2' | docker login registry.example.com -u ci-bot --password-stdin\n\nstill 'unauthorized: incorrect username or password'")
pw("my bank makes me change my password every 60 days so it went Pancake60, Pancake120, Pancake180... currently on Pancake240 lol")
pw("ansible_user: deploy\nansible_become_pass: 'Ch@ngeTheW0rld!'\n\nplaybook green on the first try, screenshot for posterity 🙌")
pw("Anyone know why `net use Z: \\\\fs01\\share /user:NW\\svc_backup P4ssTheSalt!` fails with system error 86?")
pw("~/.pgpass line for the reporting replica:\nreplica.example.net:5432:*:analyst:Q2v!9pL#rT\n\nchmod 600 it or psql silently ignores it!")
pw("define( 'DB_PASSWORD', 'x7Kq#2mN!pW4' );\nmoved the blog to a new host, only took six hours and a bit of crying")
pw("docker-compose snippet for keycloak, copy away:\n  environment:\n    - POSTGRES_USER=keycloak\n    - POSTGRES_PASSWORD=Rhubarb&Custard_11")
pw("3rd floor printer scan-to-email: account scanner@northwind.example, pw Xerox-Scans-4U. you're welcome")
pw("router admin is at 192.168.0.1, login admin / Tq83-fe91-ZZ, in case I'm not around and the internet dies again")
pw("Sharing the webinar host account so you can run Thursday's all-hands: events@northwind.example / AllHands#Q3go")
pw("spring.datasource.username=ledger\nspring.datasource.password=N0rthernL1ghts!\n\nlooks right to me but Flyway disagrees")
pw("for the interview loop the shared Greenhouse login is recruiting-temp, password coffee-table-lamp-42")
pw("resource \"aws_db_instance\" \"main\" {\n  engine   = \"postgres\"\n  username = \"dbadmin\"\n  password = \"Tf-St4te-Is-Hard!\"\n}\n\nterraform plan is happy, I am not")
pw("pip.conf on the runners:\n[global]\nindex-url = https://ci:ZmBq7!x2@pypi.example.com/simple")
pw("Break-glass account for the firewall: breakglass / 9Lp$w-Ak3!-Qz. It's in the safe too, but just in case.")
pw("pw for the shared team gmail is winterjacket!! dont change it pls, last time took a week to sort out")

# ---------------------------------------------------------------------------
# id-number (block) -- 45
# ---------------------------------------------------------------------------
def idn(text, source):
    add("id-number", text, source)

SSN = PR("us_ssn")
idn("HR portal won't take my SSN 078-05-1123, keeps saying 'invalid format'. Anyone else hit this today?", SSN)
idn("the background check vendor wants the SSN typed into a free-text notes field, so: 078 05 1123. is that... normal??", SSN)
idn("Filling in the W-4 for our new nanny, her social is 078.05.1123 — do I need the dashes or not?", SSN)
idn("my ssn is 078051121 if payroll needs it before friday, I'm out till monday", PR("us_ssn", "weak-match example"))
idn("Reminder to self: benefits enrollment has my SSN wrong, it should be 078-05-1123 not whatever they typed", SSN)
idn("Dad's Social Security number for the joint account paperwork: 078-05-1123. Sending here because the bank's email upload is down again", SSN)

ITIN = PR("us_itin")
idn("For the contractor tax form, my ITIN is 911-70-1234. Thought I'd get it to you before the deadline.", ITIN)
idn("Accountant asked for my wife's individual taxpayer ID, it's 911-53-1234 — posting so I stop losing the sticky note", ITIN)
idn("ITIN 911-64-1234, name as on the IRS letter. Let me know if the 1099 still bounces.", ITIN)
idn("tax id for the freelance invoice: 911-70-1234 (it's an ITIN, not an SSN, finance keeps asking)", ITIN)

CC = PR("credit_card")
idn("Card for the team offsite dinner is 4012 8888 8888 1881, exp 09/28, CVC on the back of the one in my drawer", CC)
idn("booking the venue now, Amex 371449635398431 — if it declines try the other one", CC)
idn("Corporate card number for the conference registrations: 5555-5555-5555-4444. Please don't expense coffee on it ☕", CC)
idn("Dankort til frokostbestillingen: 5019717010103742, udløb 11/27", CC)
idn("Diners card for the client dinner: 30569309025904 — the restaurant only takes it over the phone", CC)
idn("my Discover is 6011000400000000, can you put the hotel deposit on it? I'll sort the reimbursement later", CC)
idn("JCB 3528000700000000 for the Tokyo hotel, expires 03/27. Arigato in advance 🙏", CC)
idn("Maestro 6759649826438453 is the backup card if the terminal at the pop-up refuses Visa again", CC)
idn("Card on file for the SaaS renewal: 4111 1111 1111 1111, exp 12/29. Procurement please update it, the old one expired", CC)
idn("here's my visa 4917300800000000 for the group gift, charge whatever my share is", CC)
idn("ok who took my card details off the whiteboard?? 4484 0700 0000 0000 was written there for the caterer and now it's gone", CC)
idn("airline UATP card for the team flights: 122000000000003 — travel desk said to post it in the channel", CC)

IBAN = PR("iban")
idn("Überweisung für die Geburtstagskasse bitte an DE89 3704 0044 0532 0130 00, Verwendungszweck 'Kuchen' 🎂", IBAN)
idn("Please pay my expenses into GB29NWBK60161331926819 — new bank, old one closed my account", IBAN)
idn("Pour le cadeau collectif, mon IBAN : FR14 2004 1010 0505 0001 3M02 606. Merci à tous !", IBAN)
idn("Para el bote de la cena: ES91 2100 0418 4502 0005 1332, a nombre de Lucía", IBAN)
idn("landlord wants the deposit refunded to NL91ABNA0417164300 — can payroll do that or is it my problem", IBAN)
idn("IBAN per il rimborso trasferta: IT60 X054 2811 1010 0000 0123 456", IBAN)
idn("new salary account from next month: CH93 0076 2011 6238 5295 7, HR please update", IBAN)
idn("splitting the Airbnb: send your share to BE71 0961 2345 6769 and I'll tick you off the list ✅", IBAN)
idn("Reimbursement account AT61 1904 3002 3457 3201 (same as last year, I promise this time)", IBAN)
idn("konto do zwrotu za bilety: PL61 1090 1014 0000 0712 1981 2874", IBAN)
idn("Irish account for the relocation allowance: IE29 AIBK 9311 5212 3456 78", IBAN)
idn("swish funkar inte, kör bankgiro istället: SE45 5000 0000 0583 9825 7466", IBAN)

NINO = PR("uk_nino")
idn("Starting Monday and the UK payroll form wants my National Insurance number: YZ 61 48 68 B", NINO)
idn("nino: PR 123612C — posting for the agency since their upload portal is broken", NINO)
idn("my NI number is hh 01 02 03 d, please fix it on the P45, you've got it as an ID from another person", NINO)
idn("national insurance tw987654a for the pension auto-enrolment, cheers", NINO)

BANK = PR("us_bank")
idn("direct deposit details for the intern stipend: routing is on the form, account number 945456787654", BANK)
idn("checking account 945456787654 at my credit union — that's where the refund should go, not the old one", BANK)

PASS = PR("us_passport")
idn("Visa letter for the Berlin conference needs my passport number, it's 912803456, expires 2031", PASS)
idn("travel desk: passport A12803456 for the Lisbon trip, name exactly as printed please", PASS)
idn("Forgot to send you my passport no. for the hotel registration — Z12803456", PASS)

DL = PR("us_driver_license")
idn("Rental car pickup needs my driver's license number: H12234567. I'll bring the physical card too.", DL)
idn("For the parking permit application, driver license H12234567, plate is on the form", DL)

# ---------------------------------------------------------------------------
# codename (block) -- 30, written
# ---------------------------------------------------------------------------
def cn(text):
    add("codename", text, W)

# Falcon (always blocked, any sense)
cn("Can't believe Falcon goes GA in three weeks. So proud of this crew 🦅")
cn("Watched a peregrine falcon take a pigeon off the church tower at lunch. Nature is metal.")
cn("Falcon perf numbers from today's load test: p99 down to 180ms 🔥 more tomorrow")
cn("finished the LEGO Millennium Falcon this weekend, 7,541 pieces and my back is done")
cn("hot take: the Falcon onboarding flow is the best thing we've made in years. can't say more yet 🤐")
cn("Wer kommt morgen zum Falcon-Workshop in Raum 4? Bitte Laptops mitbringen.")
cn("Lessons from moving Falcon's queue to Kafka, a thread 🧵 1/")
cn("Falcon 9 going up tonight from the Cape, anyone else staying up to watch?")
cn("Got a ride in my uncle's 1966 Ford Falcon today, pure vinyl-seat nostalgia")
cn("falcon standup moved to 10:30 tmrw fyi")
# Bluebird (always blocked, any sense)
cn("Bluebird beta feedback is rolling in and it's... mostly positive? 😅")
cn("A pair of eastern bluebirds moved into the nest box we put up. First Bluebird of spring in our yard!")
cn("Songwriters night at the Bluebird Cafe in Nashville was unreal, go if you ever get the chance")
cn("Bluebird pricing page copy review at 3pm, bring opinions and snacks")
cn("Pourquoi Bluebird n'est pas encore sur la feuille de route publique ? On en parle vendredi.")
cn("finally fixed the flaky test in bluebird's auth module. four days of my life, gone")
cn("Reading Bukowski's 'Bluebird' on the train home and now I'm emotional in public")
# Project Nightjar (always blocked)
cn("Project Nightjar kickoff today!! Best room energy I've felt in ages")
cn("anyone have the Figma link for project nightjar? asking for a friend (the friend is me)")
cn("Hiring: senior Android engineer to join Project Nightjar. Remote-friendly, DM me 📱")
cn("Project Nightjar retro notes: fewer meetings, more prototypes, and nobody touches prod on Fridays")
cn("Spent the whole day on Project Nightjar data modelling, brain is soup 🍲")
# Kestrel (ambiguous, with project context)
cn("Kestrel beta opens to 50 more internal users next week 🎉")
cn("who's on point for the Kestrel rollout in EMEA? need a name for the comms plan")
cn("kestrel sprint 14 done. the burndown chart looked like a ski jump")
cn("Kestrel team offsite photos are up! the karaoke ones stay private, sorry")
# Lighthouse (ambiguous, with project context)
cn("Lighthouse launch slipped to Q3, which honestly gives us room to breathe")
cn("The Lighthouse prototype search is running on my machine and it is FAST")
cn("Codename Lighthouse, because someone on the team really misses the coast 🌊")
cn("Lighthouse pilot with two regional offices starts Monday, wish us luck")

# ---------------------------------------------------------------------------
# customer (flag) -- 25, written
# ---------------------------------------------------------------------------
def cu(text):
    add("customer", text, W)

cu("Great workshop with the Contoso Pharma data team today, so many good questions")
cu("On my way to Basel to sit down with Contoso Pharma about their lab scheduling mess ✈️")
cu("Contoso Pharma just renewed for another three years. Champagne at 5 🍾")
cu("Shout-out to Aisha for turning the Contoso Pharma escalation around in 48 hours. Legend.")
cu("Anyone here worked with Contoso Pharma's procurement before? Their security questionnaire is 400 questions")
cu("Tailspin Toys holiday traffic test went perfectly, zero pages overnight 🧸")
cu("spent the morning at Tailspin Toys HQ, their warehouse robots are something else")
cu("Our case study with Tailspin Toys is almost ready, legal is doing a final read")
cu("Lunch with the Tailspin Toys folks turned into a 3 hour whiteboard session. Best kind of meeting.")
cu("Fabrikam signed! Six months of demos and calls finally paid off 🙌")
cu("Heute Kickoff bei Fabrikam in Stuttgart, tolle Stimmung im Raum")
cu("Q: has anyone integrated with Fabrikam's SAP instance? asking before I lose another week")
cu("fabrikam onsite tomorrow, need a volunteer to carry the demo laptop lol")
cu("Wide World Importers moved their whole catalogue onto our platform this weekend. No drama. Amazing.")
cu("Call with Wide World Importers ran long but we finally agreed on the data retention terms")
cu("Big thanks to the Wide World Importers ops team for hosting us in Rotterdam 🚢")
cu("Wide World Importers wants SSO by March, which... is ambitious")
cu("Adventure Works Cycles is piloting our fleet dashboards across 40 stores 🚲")
cu("Had the best coffee of my life at the Adventure Works Cycles office in Portland")
cu("Adventure Works Cycles QBR done, their churn numbers look way better than last quarter")
cu("Shoutout to the Adventure Works Cycles IT crew for catching that SAML bug before we did")
cu("Litware's CTO asked the sharpest questions I've heard all year")
cu("Litware migration weekend: 2.1M records moved, 3 coffees, 0 rollbacks")
cu("Working from the Litware office in Seattle this week, say hi if you're around")
cu("litware wants a custom export format again 🙃 third one this year")

# ---------------------------------------------------------------------------
# contact (flag) -- 45
# ---------------------------------------------------------------------------
def ct(text, source):
    add("contact", text, source)

# e-mail addresses (personal / colleague), written unless noted
ct("Ping me on my personal address while I'm on parental leave: sofia.marin@example.net 👶", W)
ct("New colleague alert 👋 welcome Tomasz to the data team! Reach him at tomasz.nowak@northwind.example", W)
ct("my email is user@xn--80ak6aa92e.com — yes it's punycode, yes it works, no I won't change it", PR("email"))
ct("lost my phone at the airport 😭 if you need me use dmitri.k.home@example.org for now", W)
ct("looping in Ana on the vendor thread, her address is ana.ribeiro@northwind.example if you're outside Slack", W)
ct("Si queréis las diapositivas de la charla, escribidme a lucia.fdez@example.com y os las paso", W)
ct("Looking for a flatmate in Lisbon from September 🏠 details via joao.p.silva@example.org", W)
ct("My manager r.okafor@northwind.example said it's fine to reach out to her directly about the internship", W)
ct("Recruiters: kindly use my personal inbox k.yamamoto.dev@example.net and not the work one, thank you", W)
ct("send me your photos from the summer party!! -> bea.schulz@example.com", W)
ct("Bei Fragen zum Umzug gerne an meine private Adresse: jonas.weber@example.org", W)
ct("priya.raman@northwind.example is who you want for expense questions, tell her I sent you 😄", W)
# personal mobile numbers
ct("Landed in NYC for the week, text me on (201) 555-0123 if you want to grab dinner", PN("US", "MOBILE"))
ct("New UK number, old one's dead: +44 7400 123456. WhatsApp works too", PN("GB", "MOBILE"))
ct("Handy-Nummer für den Notfall am Wochenende: 01512 3456789 — ich bin Rufbereitschaft", PN("DE", "MOBILE"))
ct("Mon portable pour le salon à Lyon : 06 12 34 56 78, appelez si vous êtes perdus", PN("FR", "MOBILE"))
ct("Estoy en Madrid hasta el jueves, mi móvil es +34 612 34 56 78 por si queréis un café", PN("ES", "MOBILE"))
ct("If the Milan meetup venue is locked call my cell, +39 312 345 6789, I'll come down", PN("IT", "MOBILE"))
ct("for the Amsterdam bike tour sign-ups just app me: 06 12345678 🚲", PN("NL", "MOBILE"))
ct("Dublin folks, my mobile is 085 012 3456 — ring me when you're outside the pub", PN("IE", "MOBILE"))
ct("In Bangalore for the hiring drive all week. WhatsApp +91 81234 56789 if you're a candidate and lost", PN("IN", "MOBILE"))
ct("g'day! Sydney trip confirmed. my mobile while I'm there: 0412 345 678", PN("AU", "MOBILE"))
ct("Meu celular aqui em São Paulo: (11) 96123-4567, me chama no zap", PN("BR", "MOBILE"))
ct("Si alguien necesita algo durante el evento en Puebla, mi cel es +52 222 123 4567", PN("MX", "MOBILE"))
ct("New Brunswick office visit next week — my cell is (506) 234-5678 if plans change", PN("CA", "MOBILE"))
ct("東京出張中です。携帯 090-1234-5678 までどうぞ", PN("JP", "MOBILE"))
ct("Singapore crew, dinner on me Friday. Text 8123 4567 so I can book the table", PN("SG", "MOBILE"))
ct("Cape Town braai on Saturday 🔥 RSVP by WhatsApp to +27 71 123 4567", PN("ZA", "MOBILE"))
ct("Mitt mobilnummer medan jag är i Stockholm: 070-123 45 67, sms:a gärna", PN("SE", "MOBILE"))
ct("Nairobi meetup: if you're stuck at the gate, call me on 0712 123456", PN("KE", "MOBILE"))
# home addresses
ct("Housewarming on Saturday from 7! New place is 18 Sleepy Lagoon Way, Flowery Branch, GA 30542 — bring a chair 🪑", LABELED)
ct("We moved! Mail for me now goes to 400 Calm Lake Circle, Rochester, NY 14612", LABELED)
ct("BBQ at ours on the 4th, it's 709 Foxwood Cir, Lafayette Hill, PA 19444. Park on the street please", LABELED)
ct("please send the care package to my apartment: 10502 Shadow Ridge Ln Apt 103, Louisville KY, thank you so much 💛", LABELED)
ct("Kids' birthday party at our house, 1646 Red Leaf Drive, Fort Mill, South Carolina 29715. Bouncy castle confirmed", LABELED)
ct("new flat, who dis: 209 S Westmoreland Ave, Apt 53-201, Los Angeles, CA 90004", LABELED)
ct("Moving day is Sunday, pizza for anyone who helps carry boxes to 626 E Kilbourn Ave Apt 1B, Milwaukee, WI 53202", LABELED)
ct("game night at my place — 1405 Sunset Drive, Guntersville, AL 35976. bring snacks, I have the board games", US50)
ct("finally bought a house 🏡 it's 2112 Linwood Drive, Paragould, AR 72450, come visit!", US50)
# dates of birth
ct("For the insurance form: born 14/03/1988 in Porto, in case HR asks again", W)
ct("my DOB is 1991-07-22 and the airline still managed to put 1919 on my ticket 🙃", W)
ct("Date of birth: 5/20/1987. Posting because the visa agent says they never got the email", W)
ct("Geboren am 21.5.1984, laut Formular, falls das Personalbüro noch fragt", W)
ct("The gym membership form wants my birth date, it's 5-May-1979, and now the whole timeline knows I'm old", W)
ct("fun fact: I was born on 02/29/1996, so technically I've had seven birthdays 🎂", W)

# ---------------------------------------------------------------------------
# internal-link (flag) -- 15, written
# ---------------------------------------------------------------------------
def il(text):
    add("internal-link", text, W)

il("Onboarding checklist for new joiners lives at https://wiki.corp.northwind.example/onboarding/week-1 — so much better than the old PDF")
il("Dashboard of the day: https://grafana.corp.northwind.example/d/api-latency look at that beautiful flat line 📈")
il("Filed it here, please upvote if you hit the same thing: https://jira.corp.northwind.example/browse/PLAT-4412")
il("MR is up, reviews welcome 🙏 https://git.corp.northwind.example/platform/ingest/-/merge_requests/318")
il("the new expense policy is at hr.corp.northwind.example/policies/expenses, tl;dr no more paper receipts")
il("Meeting notes from the architecture guild: https://docs.corp.northwind.example/guild/2026-06-arch")
il("Benefits enrollment opens Monday, link: https://benefits.corp.northwind.example/enroll 🏥")
il("Who broke the build? https://ci.corp.northwind.example/job/main/8812/console has a very angry stack trace")
il("Lunch menu is now on the intranet lol https://intranet.corp.northwind.example/canteen/this-week")
il("Our incident postmortem template moved to https://wiki.corp.northwind.example/sre/postmortem-template, update your bookmarks")
il("Desk booking for the new office: https://desks.corp.northwind.example — book early, the window seats go fast")
il("Kibana query that found the bug, for posterity: https://logs.corp.northwind.example/app/discover#/view/7c1e")
il("Die Urlaubsanträge laufen jetzt über https://hr.corp.northwind.example/leave, nicht mehr per Mail")
il("Training videos from the security week are up at https://learn.corp.northwind.example/courses/sec-101 🎥")
il("status page for internal tools: status.corp.northwind.example — bookmark it before the next outage")

# ---------------------------------------------------------------------------
# evasion (block 39 / flag 21) -- 60
# ---------------------------------------------------------------------------
RLO, ZWSP, ZWNJ, ZWJ, WJ = "\u202e", "\u200b", "\u200c", "\u200d", "\u2060"
NATO = {c: w for c, w in zip("abcdefghijklmnopqrstuvwxyz", (
    "alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike "
    "november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu").split())}
DIGW = "zero one two three four five six seven eight nine".split()


def rev(s):
    return s[::-1]


def rot13(s):
    return codecs.encode(s, "rot13")


def nato(s):
    out = []
    for ch in s:
        if ch.isalpha():
            w = NATO[ch.lower()]
            out.append(("capital " + w.capitalize()) if ch.isupper() else w)
        elif ch.isdigit():
            out.append(DIGW[int(ch)])
        elif ch == "-":
            out.append("dash")
        else:
            out.append(ch)
    return " ".join(out)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def hexs(s):
    return s.encode().hex()


def fullwidth(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)


def cyr(s, mapping):
    return "".join(mapping.get(c, c) for c in s)


def ev(kind, what, src, expect, text):
    add("evasion", text, "evasion: %s; value: %s; %s" % (kind, what, src), expect)

AWSR = GLR("aws", "AKIA + [A-Z2-7]{16}")
CARD = PR("credit_card")

# chunks
a = V["aws4"]
ev("value split into chunks in prose", "AWS access key", AWSR, "block",
   "ok so the key for the backup bucket starts %s, then %s, then %s and ends with %s. glue it together yourself 😉" % (a[:5], a[5:10], a[10:15], a[15:]))
t = V["ghp3"]
ev("value split across lines", "GitHub personal access token", GLR("github", "ghp_ + AlphaNumeric(36)"), "block",
   "the bot token, in pieces so the paste filter doesn't eat it:\n%s\n%s\n%s\n(no spaces when you join them)" % (t[:14], t[14:27], t[27:]))
ev("value split into chunks in prose", "credit card number", CARD, "block",
   "card for the catering: first bit is 3714, middle bit 496353, last bit 98431. expiry next spring")
ev("value split across lines", "personal mobile number (CH)", PN("CH", "MOBILE"), "flag",
   "my swiss cell, call if the train's late:\n+41 78\n123 45\n67")
# reversed
ev("reversed text", "Stripe secret key", GLR("stripe", "sk_test_ + AlphaNumeric(30)"), "block",
   "read it backwards, it's the stripe key for the sandbox: %s" % rev(V["stripe_ev"]))
ev("reversed text", "always-blocked codename (Falcon)", W, "block",
   "can't wait for noclaF to go live, backwards so nobody notices 🤫")
ev("reversed text", "personal e-mail address", W, "flag",
   "DM closed, mail me instead (read it right to left): %s" % rev("maria.lopez@example.net"))
# RLO
ev("reversed text behind U+202E (RLO)", "AWS access key", AWSR, "block",
   "prod key for the log shipper: %s" % (RLO + rev(V["aws3"])))
ev("reversed text behind U+202E (RLO)", "NDA customer name (Tailspin Toys)", W, "flag",
   "big renewal from %s today, drinks on me 🍻" % (RLO + rev("Tailspin Toys") + "\u202c"))
ev("reversed text behind U+202E (RLO)", "US SSN", PR("us_ssn"), "block",
   "for the I-9 form, my social: %s" % (RLO + rev("078-05-1123")))
# ROT13
ev("ROT13", "always-blocked codename (Project Nightjar)", W, "block",
   "rot13 for the nerds: %s vf zbivat gb orgn arkg jrrx 🚀" % rot13("Project Nightjar"))
ev("ROT13", "password", W, "block",
   "shared drive password, rot13'd for safety lol: %s" % rot13("Saffron-Lantern-31"))
ev("ROT13", "NDA customer name (Tailspin Toys)", W, "flag",
   "guess who we're visiting on Tuesday: %s 🧸 (rot13)" % rot13("Tailspin Toys"))
ev("ROT13", "GitHub personal access token", GLR("github", "ghp_ + AlphaNumeric(36)"), "block",
   "token for the mirror job, rot13 so the scanner chills: %s" % rot13(V["ghp2"]))
# NATO
ev("NATO phonetic alphabet", "password", W, "block",
   "reading the vpn password out for the folks on the call: %s" % nato("Tz4q-Lm8w"))
ev("NATO phonetic alphabet", "always-blocked codename (Falcon)", W, "block",
   "Foxtrot Alfa Lima Charlie Oscar November is the thing we're not allowed to talk about, so I'm spelling it 📻")
ev("NATO phonetic alphabet", "wifi password", W, "block",
   "wifi for the offsite cabin, spelled out: %s" % nato("Kiwi7Jam"))
# separators
ev("letters separated by '/'", "always-blocked codename (Falcon)", W, "block",
   "F/a/l/c/o/n demo day went better than expected!")
ev("letters separated by '.'", "NDA customer name (Contoso Pharma)", W, "flag",
   "big news from c.o.n.t.o.s.o p.h.a.r.m.a this week, can't share details yet 👀")
ev("characters separated by '-'", "US SSN", PR("us_ssn"), "block",
   "SSN for the form, dashes everywhere so it's not 'a number': 0-7-8-0-5-1-1-2-3")
ev("letters separated by spaces", "ambiguous codename with context (Lighthouse)", W, "block",
   "L i g h t h o u s e launch party is on Friday, dress code: nautical ⚓")
# emoji between words of a customer name
ev("emoji between words of a customer name", "NDA customer name (Wide World Importers)", W, "flag",
   "Wide 🌍 World 🌍 Importers just went live on the new platform, what a week")
ev("emoji between words of a customer name", "NDA customer name (Adventure Works Cycles)", W, "flag",
   "Adventure 🚲 Works 🚲 Cycles QBR moved to Thursday, prep doc coming")
ev("emoji between words of a customer name", "NDA customer name (Tailspin Toys)", W, "flag",
   "flying out to see Tailspin ✈️ Toys in the morning, their CFO wants a roadmap chat")
# CamelCase hashtags
ev("CamelCase hashtag joining a name", "NDA customer name (Contoso Pharma)", W, "flag",
   "Three days on site and the lab scheduler is finally stable #ContosoPharma #customersuccess")
ev("CamelCase hashtag joining a name", "NDA customer name (Wide World Importers)", W, "flag",
   "Rotterdam was rainy but worth it 🚢 #WideWorldImporters #partnership")
ev("CamelCase hashtag joining a name", "always-blocked codename (Project Nightjar)", W, "block",
   "Late night but the first end-to-end flow works 🎉 #ProjectNightjar #buildinpublic")
# O / l for 0 / 1
ev("letters O and l standing for 0 and 1", "credit card number", CARD, "block",
   "company card for the taxi, typed weird so the bot leaves it: 4lll llll llll llll exp 12/29")
ev("letters O and l standing for 0 and 1", "US SSN", PR("us_ssn"), "block",
   "payroll needs my SSN again: O78-O5-ll23")
ev("letters O and l standing for 0 and 1", "personal mobile number (GB)", PN("GB", "MOBILE"), "flag",
   "text me on +44 74OO l23456 when you land, I'll pick you up")
# Cyrillic homoglyphs
ev("Cyrillic homoglyphs in a PEM header", "RSA private key", GL("privatekey"), "block",
   "deploy key for the staging box, don't lose it:\n" + PEM_RSA.replace("KEY", "K\u0415Y").replace("PRIVATE", "PRIV\u0410TE"))
ev("Cyrillic homoglyphs in a codename", "always-blocked codename (Falcon)", W, "block",
   "%s is officially feature complete. Cake in the kitchen 🎂" % cyr("Falcon", {"a": "\u0430", "o": "\u043e"}))
ev("Cyrillic homoglyphs in a codename", "always-blocked codename (Project Nightjar)", W, "block",
   "%s design review went long, but we have a direction" % cyr("Project Nightjar", {"o": "\u043e", "e": "\u0435", "i": "\u0456"}))
ev("Cyrillic homoglyphs in a customer name", "NDA customer name (Fabrikam)", W, "flag",
   "Signed the %s expansion this morning! Three more plants next year 🏭" % cyr("Fabrikam", {"a": "\u0430"}))
# zero-width characters
ev("zero-width joiner inside a word", "always-blocked codename (Bluebird)", W, "block",
   "Blue%sbird pricing is locked, comms go out Monday" % ZWJ)
ev("zero-width non-joiner inside a word", "NDA customer name (Contoso Pharma)", W, "flag",
   "Con%stoso Pharma visit confirmed for the 12th, who wants to come?" % ZWNJ)
ev("word joiner (U+2060) inside a value", "AWS access key", AWSR, "block",
   "key for the nightly export: %s" % (V["aws5"][:8] + WJ + V["aws5"][8:14] + WJ + V["aws5"][14:]))
ev("zero-width space inside a word", "ambiguous codename with context (Kestrel)", W, "block",
   "Kes%strel launch checklist is 80%% done, last push tomorrow" % ZWSP)
# leetspeak
ev("leetspeak", "always-blocked codename (Falcon)", W, "block", "F4lc0n hits GA next month, hype 🔥🔥")
ev("leetspeak", "always-blocked codename (Bluebird)", W, "block", "who else is on the Blu3b1rd on-call rota this week? trade me a Saturday")
ev("leetspeak", "NDA customer name (Fabrikam)", W, "flag", "F4br1k4m wants another workshop, which means another trip to Stuttgart 🥨")
ev("leetspeak", "always-blocked codename (Project Nightjar)", W, "block", "Pr0j3ct N1ghtj4r standup is moving to the big room")
# base64
ev("base64 (HTTP Basic header)", "password", W, "block",
   "curl -H 'Authorization: Basic %s' https://reports.example.com/api/v2/export\nworks! finally" % b64("svc-reports:Quartz!Meadow92"))
ev("base64", "GitHub personal access token", GLR("github", "ghp_ + AlphaNumeric(36)"), "block",
   "base64'd the token so it survives copy-paste: %s" % b64(V["ghp4"]))
ev("base64", "password", W, "block",
   "new admin pw for the NAS, base64 so it doesn't autocorrect: %s" % b64("Maple&Syrup_2024"))
ev("base64", "OpenAI API key", GLR("openai", "sk- + AlphaNumeric(20) + T3BlbkFJ + AlphaNumeric(20)"), "block",
   "echo %s | base64 -d > ~/.openai_key   # setup step 2 for the workshop" % b64(V["oai2"]))
# hex
ev("hex-encoded", "password", W, "block",
   "db password in hex because the chat app mangles symbols: %s" % hexs("Ti9#kLq$2wPz"))
ev("hex-encoded", "Slack bot token", GLR("slack", "xoxb- + Numeric(13) + Numeric(12) + AlphaNumeric(24)"), "block",
   "xxd -r -p <<< %s   ← bot token, decode locally" % hexs(V["xoxb_ev"]))
ev("hex-encoded", "US SSN", PR("us_ssn"), "block",
   "tax form wants my SSN, hex for privacy lol: %s" % hexs("078-05-1123"))
# defanged
ev("defanged e-mail address", "personal e-mail address", W, "flag",
   "best way to reach me outside work: lena.fischer[at]example[.]com")
ev("defanged e-mail address", "colleague e-mail address", W, "flag",
   "new hire in sales, say hi: mike.obi (at) northwind (dot) example")
ev("defanged link", "internal link", W, "flag",
   "runbook here: hxxps://wiki[.]corp[.]northwind[.]example/sre/runbooks/db-failover")
ev("defanged link", "internal link", W, "flag",
   "the dashboard everyone asks about: grafana[.]corp[.]northwind[.]example/d/checkout-funnel 📊")
# full-width
ev("full-width characters", "always-blocked codename (Falcon)", W, "block",
   "%s ２．０ is coming and it's big" % fullwidth("FALCON"))
ev("full-width characters", "NDA customer name (Litware)", W, "flag",
   "back from the %s offsite, exhausted but happy" % fullwidth("Litware"))
ev("full-width characters", "credit card number", CARD, "block",
   "the card for the booth rental: %s, exp 06/28" % fullwidth("5555 5555 5555 4444"))
# numbers spelled as words
ev("numbers spelled as words", "US SSN", PR("us_ssn"), "block",
   "my social is zero seven eight, zero five, one one two three. don't ask why I'm posting it here")
ev("numbers spelled as words", "personal mobile number (NZ)", PN("NZ", "MOBILE"), "flag",
   "in Auckland till Sunday, my number is zero two one, one two three, four five six seven — text anytime")
ev("numbers spelled as words", "credit card number", CARD, "block",
   "card for the ticket order: four zero one two, eight eight eight eight, eight eight eight eight, one eight eight one")
ev("numbers spelled as words", "date of birth", W, "flag",
   "insurance needs my DOB: born the ninth of October, nineteen eighty-six")

# ---------------------------------------------------------------------------
# clean (allow) -- 60, written
# ---------------------------------------------------------------------------
def cl(text):
    add("clean", text, W)

cl("Great turnout at the Northwind community meetup last night. Thanks to everyone who stayed for the Q&A!")
cl("Day 1 at KubeCon: the platform engineering track was packed, standing room only 🙌")
cl("We're hiring backend engineers in Lisbon and Berlin! Rust or Go, hybrid, good coffee. Details on our careers page.")
cl("Huge shout-out to Marcus for mentoring three interns this summer. They all shipped real features. Proud of you all.")
cl("on call this week and so far the pager has been quiet. knock on wood 🪵")
cl("Question for my network: what's your favourite book on distributed systems that isn't DDIA?")
cl("Reminder that the office will be closed on Friday for the public holiday. Enjoy the long weekend!")
cl("3am page, disk full on a log volume, cleaned up, back to bed. the glamour of SRE")
cl("Just finished my first half marathon 🏃‍♀️ 2:04, slower than planned but I'm not complaining")
cl("Hot take: most standups would be better as a written thread")
cl("Spent the afternoon pairing with a junior dev on their first PR. Best part of my week, honestly.")
cl("Heute Vortrag über Observability beim Meetup in Köln gehalten. Danke fürs Kommen!")
cl("Merci à toute l'équipe pour l'accueil à Paris cette semaine, c'était génial 🥐")
cl("¡Gracias a todos los que vinieron al taller de accesibilidad! Las grabaciones estarán disponibles pronto.")
cl("TIL you can use `git worktree` to check out two branches at once. where has this been all my life")
cl("Coffee machine on the 4th floor is fixed. Civilisation restored ☕")
cl("anyone got recommendations for a good mechanical keyboard under 150? my old one finally gave up")
cl("Our quarterly volunteering day at the food bank: 2 tonnes sorted, 40 very tired people, 1 great day")
cl("Slides from my talk 'Boring Tech Wins' are on my blog. Feedback welcome!")
cl("Nothing like a production incident to make you appreciate good runbooks. Write them down, people.")
cl("first week at the new job done ✅ everyone's been super welcoming, still lost in the building tho")
cl("The all-hands recording is available for anyone who missed it this morning.")
cl("congrats to the support folks for hitting a 97% satisfaction score this quarter 🎉")
cl("Rainy Monday, big mug of tea, clean inbox. Let's go.")
cl("Reading list this month: 'The Phoenix Project', 'Accelerate', and a very silly fantasy novel")
cl("Anyone going to FOSDEM this year? Would love to meet up at the Rust devroom")
cl("Retro takeaway: we need fewer alerts, not more dashboards")
cl("Celebrating 5 years at Northwind today 🥳 thanks for all the chaos and cake")
cl("PSA: the parking garage gate is broken again, use the side entrance")
cl("My kid asked what I do at work. I said 'I fix computers that talk to other computers'. She was unimpressed.")
cl("Postgres 17 upgrade done on our side with zero downtime. Logical replication for the win.")
cl("Just published a blog post about migrating our CI from Jenkins to GitHub Actions. 6 months, lots of lessons.")
cl("Open question: how do you all handle flaky tests? quarantine, retry, or delete?")
cl("ergonomic tip: raise your monitor. your neck will thank you in ten years")
cl("Mentoring session today on giving feedback. The SBI model is simple and it works.")
cl("Thanks to the facilities crew for the new standing desks, my back is very grateful")
cl("Our intern just demoed a CLI tool that saves the data folks an hour a day. Hire this person.")
cl("Is it just me or does every conference badge lanyard get shorter every year")
cl("Pizza Friday returns next week after the kitchen renovation 🍕")
cl("Wrote my first Terraform module today. Felt like a wizard for about ten minutes.")
cl("Accessibility audit results are in and we have work to do. Good — now we know where.")
cl("Learned more from one hour of customer support shadowing than a month of dashboards")
cl("so who else is doing the advent of code this year? day 3 already broke me")
cl("Hiring update: our product design role is still open, please share with your network 🙏")
cl("Lovely walk along the river at lunch, sometimes the best debugging happens away from the screen")
cl("Kudos to the security team for the phishing training, the fake emails were scarily good")
cl("Today I deleted 4,000 lines of dead code. Best commit of the year so far.")
cl("Wifi is slow in the east wing, IT is on it")
cl("Survey for the new office layout closes Friday, make your voice heard!")
cl("a reminder that 'it works on my machine' is not a deployment strategy 😅")
cl("Thrilled to share that I've passed the CKA exam! Months of late-night labs paid off.")
cl("Our engineering blog hit 100k readers this year. Thank you for reading our rambling!")
cl("What's the best way to learn SQL window functions? asking for a product manager (me)")
cl("Lunch and learn on Thursday: intro to property-based testing. Bring questions and sandwiches.")
cl("Remote folks, we see you. Hybrid meetings should be remote-first, always.")
cl("shipping container homes are fascinating, spent my whole evening watching videos about them")
cl("Team lunch at the Thai place around the corner was 10/10, the green curry especially")
cl("Can we normalise saying 'I don't know, let me find out' in meetings?")
cl("Moved our staging environment to ARM instances and cut the bill by a third. Small wins.")
cl("Goodbye, old laptop. Eight years, three batteries, one coffee incident. You served well.")

# ---------------------------------------------------------------------------
# hard-negative (allow) -- 60
# ---------------------------------------------------------------------------
def hn(text, source=W):
    add("hard-negative", text, source)

hn("PSA: AKIAIOSFODNN7EXAMPLE is the sample access key straight out of the AWS docs. If you spot it in a repo it's not a leak, breathe 😄", GL("aws", "fps placeholder"))
hn("README template for the new repos:\n\nexport GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n\nreplace it with your own, obviously", GL("github", "fps placeholder"))
hn("Our template .npmrc is just `//registry.npmjs.org/:_authToken=${NPM_TOKEN}` and CI injects the variable. No more tokens in git 🙌", DS("npm") + "; false-positive placeholder")
hn("How-to: connect with `psql -h localhost -U <user> -W` and type <password> when it prompts. Never put it on the command line.")
hn("The settings page shows my password as ******** and somehow that still makes me nervous")
hn("The router's default login is admin / changeme in the docs, which is exactly why you change it on day one")
hn("forgot my password three times before 9am. Monday remains undefeated")
hn("Moved the whole family onto a password manager this weekend. Best 20 minutes of IT support I've ever done.")
hn("Great secrets-scanning talk at BSides today: 'high entropy doesn't automatically mean it's a key'. Slides to follow.")
hn("Tip: when the docs say `curl -u <user:password> https://api.example.com/v1/me` they mean YOUR creds, don't paste the literal string 😅", GL("curl", "fps placeholder"))
hn("GitHub Actions tip: reference secrets as ${{ secrets.DEPLOY_KEY }} and never echo them into the logs.")
hn("Bumped our gitleaks pin to b58d3f102cf3a2c84cb7f923d05c25c9b1aed84b, the new Bedrock key rules look nice", "written; public gitleaks commit hash")
hn("Bug report: request id 7f3c2a9e-4b1d-4e8a-9c55-2d1e0f6b8a34 returns a 500 on the export endpoint. Repro steps are in the issue.")
hn("v2.14.1 of our open-source CLI is out — the changelog is mostly typo fixes, sorry not sorry")
hn("Stripe publishable keys like pk_live_j5krY8XTgIcDaHDb3YrsAfCl are designed to be public. It's the sk_ ones you guard.", DS("stripe_key") + "; publishable key, not a secret")
hn("Journalists, our comms folks are fast: press@northwind.example 📰")
hn("We're hiring across 12 roles 🚀 send your CV to careers@northwind.example")
hn("Our support line is +1 800 555 0100, open around the clock, call anytime")
hn("Conference venue switchboard is +44 121 234 5678 if your badge doesn't scan", PN("GB", "FIXED_LINE"))
hn("Berlin meetup is at the coworking space again, front desk number +49 30 123456 if you can't find the door", PN("DE", "FIXED_LINE"))
hn("The UK tax office helpline is free to call: 0800 123 4567. Took 40 minutes but they sorted it", PN("GB", "TOLL_FREE"))
hn("Australian customers can reach support toll-free on 1800 123 456", PN("AU", "TOLL_FREE"))
hn("Tokyo office reception: +81 3-1234-5678 — ask for the facilities desk", PN("JP", "FIXED_LINE"))
hn("Meetup tonight at 100 Gold Street, 2nd Fl., New York, NY 10038 — pizza at 6, talks at 7", LABELED)
hn("Our Chicago office has moved to 120 N. Michigan Ave. Ste 1605, Chicago, IL 60601. Come say hi!", LABELED)
hn("Best BBQ of the road trip by a mile: 3000 Kavanaugh Boulevard, Little Rock, AR 72205", US50)
hn("Workshop venue is 1015 North Stone Avenue, Tucson, AZ 85705, parking around the back", US50)
hn("Docs example: `git config --global user.email user@example.com` — use your real one in practice")
hn("Happy birthday to our office manager Rosa, 14 March! 🎂 cake in the kitchen at 3")
hn("my birthday is on the 3rd of June, so naturally the forecast says rain")
hn("A kestrel has been hunting the field behind our office every morning. Best commute perk there is.")
hn("Ran Chrome's Lighthouse audit on my portfolio: 98 performance, 71 accessibility. Work to do on the contrast.")
hn("Weekend in Cornwall: climbed the lighthouse at Lizard Point, 10/10, extremely windy")
hn("TIL ASP.NET Core's Kestrel server handles HTTP/2 out of the box. neat")
hn("RMA 666-12-3456 for the broken dock. The vendor's RMA numbers look like SSNs, which is deeply unsettling")
hn("Parcel tracking 078-05-0000 says delivered. The parcel respectfully disagrees.", PR("us_ssn", "invalid example") + "; presented as a tracking number")
hn("order 900-41-7782 finally arrived, only three weeks late")
hn("Why does this shop format order numbers like cards? Mine is 4012-8888-8888-1882 and I panicked for a second", PR("credit_card", "invalid example (fails Luhn)") + "; presented as an order number")
hn("Part no. 36168002586008 is the replacement fan, in case anyone else has the same noisy laptop", PR("credit_card", "invalid example (fails Luhn)") + "; presented as a part number")
hn("After the SSO migration you'll get a fresh session token every 8 hours, no action needed")
hn("Key takeaways from the conference: 1) eBPF everywhere 2) platform groups 3) nobody sleeps")
hn("'correct horse battery staple' is still the best explanation of passphrases ever drawn (xkcd 936)")
hn("The guest Wi-Fi password is on the whiteboard by reception. Please don't post it online 🙏")
hn("Rotated all our service tokens today as part of quarterly hygiene. Boring = good.")
hn("sha256 of the tarball came out as e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 ... which is the hash of an empty file. oops 😂")
hn("Your PEM file should look like this:\n-----BEGIN PRIVATE KEY-----\n(your base64 goes here)\n-----END PRIVATE KEY-----\nIf it doesn't, openssl will complain.")
hn("Fun fact: almost every JWT starts with eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 because that's just {\"alg\":\"HS256\",\"typ\":\"JWT\"} in base64", DS("jwt") + "; header only, false positive")
hn("hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx in the tutorial is a placeholder, folks. Generate your own in the settings page.", GL("huggingface", "fps placeholder"))
hn("Policy reminder: never share your SSN, passport or card number in chat, not even with IT.")
hn("Security researchers: our PGP public key and disclosure policy are on the security.txt page")
hn("The Slack docs show xoxb-xxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx as the bot token, and yes, someone pasted exactly that into our config", GL("slack", "fps placeholder"))
hn("Meeting ID 884 2291 0473 for the all-hands, passcode is in the calendar invite")
hn("Invoice INV-2026-004417 paid, thanks finance 🙌")
hn("Hotel booking ref for the offsite is NW7Q2X, check-in after 3pm")
hn("Our IBAN? Ask finance, not Mastodon 😄")
hn("Paris office front desk: +33 1 23 45 67 89, they'll buzz you in", PN("FR", "FIXED_LINE"))
hn("Booked the restaurant for Thursday, their number is +65 6123 4567 if you're running late", PN("SG", "FIXED_LINE"))
hn("Airline rebooking line (toll-free): 1-800-234-5678. 40 minutes on hold, the hold music is a bop", PN("US", "TOLL_FREE"))
hn("The password field in our API is write-only; GET /users never returns it. Clarifying after yesterday's thread.")
hn("The lighthouse keeper's cottage we rented had zero signal and it was perfect")

# ---------------------------------------------------------------------------
# labels, shuffle, write
# ---------------------------------------------------------------------------
EXPECT = {"secret": "block", "password": "block", "id-number": "block", "codename": "block",
          "customer": "flag", "contact": "flag", "internal-link": "flag",
          "clean": "allow", "hard-negative": "allow"}
TARGET = {"secret": 90, "password": 45, "id-number": 45, "codename": 30, "customer": 25,
          "contact": 45, "internal-link": 15, "evasion": 60, "clean": 60, "hard-negative": 60}
INVISIBLE = ["\u202e", "\u202c", "\u200b", "\u200c", "\u200d", "\u2060"]

for p in POSTS:
    if p["category"] != "evasion":
        assert p["expect"] is None
        p["expect"] = EXPECT[p["category"]]

order = list(range(len(POSTS)))
random.Random(475).shuffle(order)
rows = []
for i, k in enumerate(order, 1):
    p = POSTS[k]
    rows.append({"id": "v-%04d" % i, "text": p["text"], "expect": p["expect"],
                 "category": p["category"], "source": p["source"]})


def dump(row):
    s = json.dumps(row, ensure_ascii=False)
    for ch in INVISIBLE:                       # keep invisibles visible in the file
        s = s.replace(ch, "\\u%04x" % ord(ch))
    return s


with open(OUT, "w", encoding="utf-8") as f:
    for r in rows:
        f.write(dump(r) + "\n")

# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------
def luhn(num):
    d = [int(c) for c in num][::-1]
    return (sum(d[0::2]) + sum(sum(divmod(2 * x, 10)) for x in d[1::2])) % 10 == 0


def iban_ok(s):
    s = s.replace(" ", "")
    t = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in t)) % 97 == 1


import re
raw = open(OUT, encoding="utf-8").read().splitlines()
back = [json.loads(l) for l in raw]
assert len(back) == sum(TARGET.values()) == 475
assert len({r["id"] for r in back}) == 475
assert [r["id"] for r in back] == ["v-%04d" % i for i in range(1, 476)]
cnt = collections.Counter(r["category"] for r in back)
assert cnt == collections.Counter(TARGET), cnt
for r in back:
    assert set(r) == {"id", "text", "expect", "category", "source"}
    if r["category"] == "evasion":
        assert r["expect"] in ("block", "flag") and r["source"].startswith("evasion: ")
    else:
        assert r["expect"] == EXPECT[r["category"]], r
    assert r["source"]
ev_split = collections.Counter(r["expect"] for r in back if r["category"] == "evasion")
assert ev_split == {"block": 39, "flag": 21}, ev_split
# invisible characters survive the round trip and are escaped in the file
for ch in INVISIBLE[:1] + INVISIBLE[2:]:
    assert any(ch in r["text"] for r in back), hex(ord(ch))
    assert ("\\u%04x" % ord(ch)) in "\n".join(raw)
    assert ch not in "\n".join(raw)
assert len({r["text"] for r in back}) == 475
# checksums: id-number cards pass Luhn, IBANs pass mod-97; hard-negative look-alikes fail
for r in back:
    if r["category"] == "id-number" and "credit_card" in r["source"]:
        for m in re.findall(r"\b(?:\d[ -]?){13,19}\b", r["text"]):
            digits = re.sub(r"\D", "", m)
            if len(digits) >= 13:
                assert luhn(digits), (r["id"], m)
    if r["category"] == "id-number" and "iban" in r["source"]:
        for m in re.findall(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{1,4}){3,8}\b", r["text"]):
            assert iban_ok(m), (r["id"], m)
    if r["category"] == "hard-negative":
        for m in ("4012-8888-8888-1882", "36168002586008"):
            if m in r["text"]:
                assert not luhn(re.sub(r"\D", "", m))
# negatives must not name codenames, customers or internal hosts
BAD = ["falcon", "bluebird", "nightjar", "contoso", "tailspin", "fabrikam", "wide world",
       "adventure works", "litware", "corp.northwind"]
CTX = ["project", "team", "launch", "demo", "beta", "roadmap", "release", "ship", "sprint",
       "codename", "build", "prototype", "pilot", "rollout"]
for r in back:
    if r["expect"] == "allow":
        low = r["text"].lower()
        assert not any(b in low for b in BAD), r["id"]
        if "kestrel" in low or "lighthouse" in low:
            assert not any(c in low for c in CTX), r["id"]
        for e in re.findall(r"[\w.+-]+@[\w.-]+", r["text"]):
            assert e in ("press@northwind.example", "careers@northwind.example", "user@example.com"), e
# rough anti-template check: no two posts open with the same five words
heads = collections.Counter(" ".join(r["text"].lower().split()[:5]) for r in back)
dups = [h for h, n in heads.items() if n > 1]
assert not dups, dups
print("wrote", OUT, dict(cnt), "evasion", dict(ev_split))

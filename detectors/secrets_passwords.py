"""Password checks: assigned in config, said in prose, paired with a user, in a URL or a command.

A password has no shape of its own, so these checks decide from the value and
its context: variables, code, paths and placeholders are not passwords; in
prose ("the password is X") X must read as one (secrets_values.reads_as_password:
letters with digits or symbols, a passphrase, or drawn at random; not a
hyphenated phrase); a well-known default (changeme) in a how-to ("change it on
first login") is an instruction, not a leak.
"""

from __future__ import annotations

import base64
import re

from detectors.secrets_catalogue import (
    ANONYMOUS_USERS,
    EXAMPLE_CUE,
    HOWTO_CUE,
    NOT_A_PASSWORD_SUFFIX,
    PASS_KIND,
    PIN_ACCOUNT_CUE,
    PIN_BEFORE,
    PIN_NOT_ACCOUNT_CUE,
    PLACEHOLDER_MARK,
    PLACEHOLDER_WORDS,
    WELL_KNOWN_PASSWORDS,
)
from detectors.secrets_values import (
    ACCEPT,
    Check,
    Verdict,
    character_classes,
    in_runs,
    is_passphrase,
    is_placeholder,
    is_word_passphrase,
    looks_drawn,
    looks_like_words,
    reads_as_password,
)

ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
SNAKE_WORDS = re.compile(r"[a-z]+(?:_[a-z]+)+")  # real_key, db_password: a name, not a value
# obj.attr, call(...), item[...], or a file path: what code assigns, not a password.
CODE_REFERENCE = re.compile(r"[A-Za-z_]\w*(?:(?:\.\w+)+(?:[(\[].*)?|[(\[].*)|[~.]?/[\w./-]*")
LOOPBACK = re.compile(r"(?i)(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(?::\d+)?")
SHORT_KEYWORDS = frozenset({"pass", "pw", "pwd"})  # also a boarding pass, a test result, a shell
# Besides "password": a bare "pass" is a test result (--- PASS: TestLogin), "wifi key: printed
# on the router" a sentence; after these a value of letters only is no password.
WORDS_NEED_MORE = re.compile(r"pass|wi-?fi.*|wpa.*|network.*|psk")
PROSE = Verdict("said in prose", factor=0.875)
QUOTED_FIELDS = re.compile(r"[\"'][:,=\[\]{}]|[:,=\[\]{}][\"']")
DEFAULT = "a well-known default password, still a credential"
WEAK_RUN = "built on a run such as 12345678, weak but still a credential"
TYPED_AROUND_RUN = 4  # characters besides a run: 123456789a1234 is a password, 12345678! a filler
# Words before "is" naming what a drawn value is, not a password: the password fix commit is X.
DRAWN_ELSEWHERE = re.compile(
    r"(?i)(?<![a-z])(?:commits?|hash(?:es)?|sha\d*|digests?|checksums?|tickets?|ids?|refs?"
    r"|versions?|[ug]uids?|serials?|fingerprints?|prs?|issues?|skus?|orders?|tracking|requests?)"
    r"(?![a-z])"
)
# A mailbox, a mention or a mailbox stub where a password would be: sales@, @dana, a@b.example.
ADDRESS_LIKE = re.compile(r"^@|@$|@[\w-]+\.[A-Za-z]")


def password_value(
    value: str, min_length: int, match: re.Match[str] | None = None
) -> Verdict | None:
    """Long enough, with a letter or digit, not a placeholder or a label; a well-known
    default scores lower, and on a how-to line (change it on first login) is none."""
    lowered = value.lower().strip("[](){}")
    if len(value) < min_length or lowered in PLACEHOLDER_WORDS or PLACEHOLDER_MARK.search(value):
        return None
    if not any(c.isalnum() for c in value):
        return None
    if (run := in_runs(value)) and len(value) - run < TYPED_AROUND_RUN:
        return None  # 12345678, abcdefgh1: a filler; 123456789a1234 was typed as a password
    if lowered in WELL_KNOWN_PASSWORDS:
        if match is not None and HOWTO_CUE.search(line_of(match)):
            return None
        return Verdict(DEFAULT, factor=0.75)
    return Verdict(WEAK_RUN, factor=0.75) if run else ACCEPT


def line_of(match: re.Match[str]) -> str:
    """The line around a match, where a how-to says what to do with a default."""
    text = match.string
    head = text.rfind("\n", 0, match.start()) + 1
    tail = text.find("\n", match.end())
    return text[head : tail if tail >= 0 else len(text)]


def near(match: re.Match[str], width: int) -> str:
    """The match's line, cut to ``width`` characters either side (a bounded look per match)."""
    text = match.string
    head = max(text.rfind("\n", max(0, match.start() - width), match.start()) + 1,
               match.start() - width, 0)  # fmt: skip
    tail = text.find("\n", match.end(), match.end() + width)
    return text[head : tail if tail >= 0 else match.end() + width]


def is_reference(value: str) -> bool:
    """An environment variable, a snake_case name, code or a path."""
    return bool(
        ENV_NAME.fullmatch(value) or SNAKE_WORDS.fullmatch(value) or CODE_REFERENCE.fullmatch(value)
    )


def password_assignment(match: re.Match[str]) -> Verdict | None:
    """password=, DB_PASS:, "pass": "...": not a variable, code, path or placeholder, and
    not letters only after pass or a wifi key (WORDS_NEED_MORE)."""
    value, keyword = match["secret"], match["keyword"].lower()
    if NOT_A_PASSWORD_SUFFIX.search(match["suffix"] or ""):
        return None
    if keyword in SHORT_KEYWORDS and match["gap"]:
        return None
    if match["q"] is None:
        if is_reference(value):
            return None
        if WORDS_NEED_MORE.fullmatch(keyword) and value.isalpha():
            return None
    return password_value(value, 6, match)


def password_prose(match: re.Match[str]) -> Verdict | None:
    """The password is X, pwd X: a quoted X counts; otherwise X must read as a password,
    and right after the keyword with no verb, mix three of lower, upper, digit, symbol."""
    value = match["secret"]
    if match["q"] is None:
        if is_reference(value) or not reads_as_password(value):
            return None
        classes = character_classes(value.rstrip("!?."))
        if not match["link"].strip() and classes < 3:
            return None
        # "password for the box is X", a few words from the keyword: X mixes three classes,
        # is a passphrase with a digit or looks drawn at random after words that do not name
        # something else (the password policy is 12chars, the password hash was 5f4d...).
        if match["words"] and classes < 3 and not is_passphrase(value):
            if not looks_drawn(value) or names_something_else(match["words"]):
                return None
    if match["keyword"].lower() == "pass" and not pass_is_password(match, value):
        return None
    return in_prose(password_value(value, 6, match))


def names_something_else(words: str) -> bool:
    """The words after a password keyword name what a drawn value belongs to instead: the
    password hash, policy, length (NOT_A_PASSWORD_SUFFIX first), a fix's commit, a ticket."""
    return bool(NOT_A_PASSWORD_SUFFIX.search(words.split()[0]) or DRAWN_ELSEWHERE.search(words))


def pass_is_password(match: re.Match[str], value: str) -> bool:
    """The vault pass is X: a bare pass is also a ticket (the boarding pass is A12-B34C),
    so X is quoted, mixes all four classes, lower and upper case with digits, or is a
    passphrase of three words with a digit (purple-giraffe-dancing-9)."""
    if PASS_KIND.search(match.string[max(0, match.start() - 20) : match.start()]):
        return False
    if match["q"] is not None or is_word_passphrase(value):
        return True  # not two words and a number: my pass is gold-tier-2024
    classes = character_classes(value.rstrip("!?."))
    if match["link"].strip() in ("to", "on"):
        return classes == 4  # set the pass to X: hand the pass to Kim2 is not one
    has_cases = any(c.islower() for c in value) and any(c.isupper() for c in value)
    return classes == 4 or has_cases and any(c.isdigit() for c in value)


def in_prose(verdict: Verdict | None) -> Verdict | None:
    """Prose is weaker evidence than config: a plain acceptance scores 0.875 of the rule's."""
    return PROSE if verdict is ACCEPT else verdict


def password_nearby(match: re.Match[str]) -> Verdict | None:
    """A value mixing lower, upper, digit and symbol (the regex) a few words after the keyword:
    not a link, an e-mail address, a hashtag, a mention or a path, not an example (a password
    like X, beats P@ssw0rd) and not a well-known one."""
    value = match["secret"]
    if value[0] in "#@$%" or "/" in value or "@" in value[1:] and "." in value.split("@")[-1]:
        return None
    between = match.string[match.end("keyword") : match.start("secret")]
    if QUOTED_FIELDS.search(value):
        return None  # {"a":"B1!x","b":"Q2@y"}: JSON fields, not one value with a quote in it
    if looks_like_words(value) or EXAMPLE_CUE.search(between):
        return None
    verdict = password_value(value, 8, match)
    return None if verdict is None or verdict.factor < 1 else PROSE


def basic_credentials(match: re.Match[str]) -> Verdict | None:
    """The base64 decodes to printable user:password, a password that is no placeholder."""
    try:
        decoded = base64.b64decode(match["secret"], validate=True).decode("ascii")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        return None
    user, colon, password = decoded.partition(":")
    if not colon or not decoded.isprintable() or user.lower() == password.lower():
        return None
    if is_placeholder(user) or is_placeholder(password):
        return None
    return password_value(password, 4, match)


def login_pair(match: re.Match[str]) -> Verdict | None:
    """user / password or user:password after sign in, creds, login... or a shared account
    name (root, admin): the password reads as one; not a path, a ratio or user == password."""
    user, password = match["user"], match["password"]
    if match.string[match.end() : match.end() + 1] == "/" or user.isdigit():
        return None
    if user.lower() == password.lower() or not reads_as_password(password):
        return None
    if match["keyword"] is None and not match["gap"] and character_classes(password) < 3:
        return None  # root/Tr0ub4dor&3 yes, admin/settings2 is a path
    if (
        match.groupdict().get("words")
        and not looks_drawn(password)
        and (character_classes(password) < 3 or looks_like_words(password))
    ):
        return None  # basic auth for the preview site → preview / Gr33nT3a$, not / Network2
    return in_prose(password_value(password, 6, match))


def account_pin(match: re.Match[str]) -> Verdict | None:
    """PIN for the shared account login is 839201: the line names an account or a login and
    no door, card or PIN pad; not a how-to (PIN 1234 is the default, change it) and not a
    trivial PIN (0000, 1234, 4321)."""
    value, text = match["secret"], match.string
    line = near(match, 80)
    before = text[max(0, match.start() - 20) : match.start()]
    if match["keyword"] == "pin" and not PIN_BEFORE.search(before):
        return None  # pin the post to the account channel: 2024
    if not PIN_ACCOUNT_CUE.search(line) or PIN_NOT_ACCOUNT_CUE.search(line):
        return None
    if HOWTO_CUE.search(line) or EXAMPLE_CUE.search(match["words"] or ""):
        return None
    if len(set(value)) == 1 or value in "0123456789" or value in "9876543210":
        return None
    return PROSE


def command_credentials(match: re.Match[str]) -> Verdict | None:
    """curl -u user:password: the password (or a lone user part, an API key) is no
    placeholder and differs from the user (test:test)."""
    user, password = match["user"], match["password"]
    if is_placeholder(match["secret"]) or user.lower() == password.lower():
        return None
    return password_value(password or user, 4, match)


def command_password(match: re.Match[str]) -> Verdict | None:
    """mysql -pX, sshpass -p X, docker login -p X (the regex knows that mysql's "-p X",
    with a space, prompts): not a variable or placeholder."""
    value = match["secret"]
    if match["q"] is None and is_reference(value):
        return None
    return password_value(value, 4, match)


def connection_password(match: re.Match[str]) -> Verdict | None:
    """A default password (the user name, changeme...) on a loopback host is local dev."""
    password, user = match["password"], match["user"]
    verdict = password_value(password, 4)
    is_default = password == user or password.lower() in WELL_KNOWN_PASSWORDS
    if verdict is None or (is_default and LOOPBACK.fullmatch(match["host"])):
        return None
    if password == user:
        return Verdict("the password is the user name (a default), still a credential", 0.75)
    return verdict


def url_credentials(match: re.Match[str]) -> Verdict | None:
    """scheme://user:password@host: as a database URL; a host:port before '@'
    (http://paypal.com:443@evil.example, a phishing trick) is no credential, nor anonymous
    FTP's e-mail address or word (anonymous:guest); a password there still is one."""
    user, password = match["user"], match["password"]
    if "." in user and password.isdigit():
        return None
    if user.lower() in ANONYMOUS_USERS and ("@" in password or not reads_as_password(password)):
        return None
    return connection_password(match)


def net_user_password(match: re.Match[str]) -> Verdict | None:
    """net user svc_backup X /add: X reads as a password (net user growth exceeded is prose)."""
    value = match["secret"]
    if match["q"] is None and (is_reference(value) or not reads_as_password(value)):
        return None
    return password_value(value, 4, match)


def remote_login_pair(match: re.Match[str]) -> Verdict | None:
    """rdp in with kiosk:X, ssh as deploy/X, design-team@ / X: X mixes three classes and does
    not read as words (ssh in as admin/settings2 is a path) or as an address (sales@); not a
    path or a URL after it."""
    user, password = match["user"], match["password"]
    if match.string[match.end() : match.end() + 1] in ("/", "@") or user.isdigit():
        return None
    if ADDRESS_LIKE.search(password):
        return None
    if user.lower() == password.lower() or not reads_as_password(password):
        return None
    if character_classes(password) < 3 or looks_like_words(password):
        return None
    return in_prose(password_value(password, 6, match))


def spaced_password(match: re.Match[str]) -> Verdict | None:
    """password is T r 0 u b 4 d o r: the characters, rejoined, read as a password and mix
    three classes (password: A B C 1 2 3 does not)."""
    joined = "".join(match["secret"].split())
    if is_reference(joined) or not reads_as_password(joined):
        return None
    if character_classes(joined.rstrip("!?.")) < 3:
        return None
    return in_prose(password_value(joined, 6, match))


# A table's password column: "pass", "password", "admin pw", "wifi password".
PASSWORD_HEADER = re.compile(
    r"(?i)(?:(?:default|initial|admin|root|db|user|new|temp|wi-?fi|account|login|vpn|app)"
    r"[ _-]?)?(?:pass(?:word|wd|phrase|code)?|pwd|pw)"
)
TABLE_ROWS_UP = 30  # how far a cell looks up for its table's header


def table_password(match: re.Match[str]) -> Verdict | None:
    """| user | pass |, |---|---|, then | ops | X |: a cell under a password column that
    reads as a password (letters with digits or symbols, not a name or a placeholder)."""
    text, value = match.string, match["secret"]
    line_start = text.rfind("\n", 0, match.start()) + 1
    if not text[line_start : match.start()].lstrip().startswith("|"):
        return None
    header = table_header(text, line_start)
    column = text.count("|", line_start, match.start())
    if header is None or column >= len(header):
        return None
    if not PASSWORD_HEADER.fullmatch(header[column].strip(" \t*`_")):
        return None
    if is_reference(value) or not reads_as_password(value):
        return None
    return password_value(value, 6, match)


def is_table_separator(line: str) -> bool:
    """|------|:---:|: pipes, dashes, colons and spaces only."""
    return "-" in line and "|" in line and not line.strip("|:- \t")


def table_header(text: str, line_start: int) -> list[str] | None:
    """The header cells of the table whose row starts at ``line_start``: up through rows
    (lines starting with |) to the separator, the header is the line above it."""
    end = line_start - 1
    for _ in range(TABLE_ROWS_UP):
        if end <= 0:
            return None
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if is_table_separator(line):
            if start == 0:
                return None
            return text[text.rfind("\n", 0, start - 1) + 1 : start - 1].split("|")
        if not line.lstrip().startswith("|"):
            return None
        end = start - 1
    return None


# "what's the wifi?", "> what's the pw for the staging db", "Jess: anyone got the password"
QUESTION_START = re.compile(
    r"(?i)^[ \t>]*(?:[\w.'’ -]{1,24}:[ \t]+)?(?:(?:so|hey|hi|ok|quick q)[ ,]+)?"
    r"(?:what|wat|whats|anyone|any1|who|where|got|need|pls|plz|please|can|could|remind)\b"
)
LINE_KEYWORD_LABEL = re.compile(r"[ _-]?(\w+)")
WIFI_KEYWORD = re.compile(r"(?i)wi-?fi|wlan")


def next_line_password(match: re.Match[str]) -> Verdict | None:
    """password: and X on the next line, or a question naming the password (what's the wifi?,
    > what's the pw for the staging db) answered by X on the next line (> X, me: X): X alone
    on its line, quoted or mixing three classes or a passphrase; not password policy:."""
    text, value, rest = match.string, match["secret"], match["rest"]
    label = LINE_KEYWORD_LABEL.match(rest)
    if label and NOT_A_PASSWORD_SUFFIX.search(label[1]):
        return None
    question = "?" in rest or QUESTION_START.search(
        text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
    )
    colon = rest.rstrip().endswith(":") and not (
        WIFI_KEYWORD.fullmatch(match["keyword"]) and not re.search(r"(?i)pass|key|pw|code", rest)
    )
    if not (question or colon):
        return None
    if match["q"] is None:
        classes = character_classes(value.rstrip("!?."))
        if is_reference(value) or not reads_as_password(value):
            return None
        if classes < 3 and not is_passphrase(value):
            return None
    verdict = password_value(value, 6, match)
    return verdict if colon and not question else in_prose(verdict)


def quoted_for_login(match: re.Match[str]) -> Verdict | None:
    """it's 'X' for the kiosk login: X mixes three classes, is not an identifier or a phrase
    (unless a passphrase with a digit), and no example cue comes before (like 'X')."""
    value = match["secret"]
    core = value.rstrip("!?.")
    before = match.string[max(0, match.start() - 24) : match.start()]
    if EXAMPLE_CUE.search(before) or is_reference(value) or not reads_as_password(value):
        return None
    if character_classes(core) < 3 or looks_like_words(core) and not is_passphrase(core):
        return None
    return in_prose(password_value(value, 6, match))


# "account id:", "server version:", "login url:": what names a box's attribute, not its password.
NOT_A_LOGIN_SECRET = re.compile(
    r"(?i)(?<![a-z])(?:ids?|numbers?|no|num|names?|ref|reference|codes?|keys?|fingerprint"
    r"|version|build|ticket|order|invoice|tags?|type|region|zone|ip|address|hostname|url|uri"
    r"|port|user(?:name)?|e-?mail|owner|status|error|time|date|sku|serial|model|hash|sha\d*"
    r"|commit|branch|image|os|size|location)(?![a-z])"
)


def strong_after_colon(match: re.Match[str]) -> Verdict | None:
    """the shared jenkins box ... it's the usual one: X: X looks drawn at random: 8 characters
    or more, letters and digits and three classes besides - _ . (a UUID has two), not words
    or an identifier, a handle, an e-mail address or an example; the line before the colon
    names no attribute of the box (account id:, commit on the server:)."""
    value = match["secret"]
    core = value.rstrip("!?.")
    text = match.string
    between = text[match.end("keyword") : match.start("secret")]
    before = text[text.rfind("\n", 0, match.start()) + 1 : match.start("secret")]
    if value[0] in "#@$%&*" or "@" in value or len(core) < 8 or is_placeholder(value):
        return None
    if NOT_A_LOGIN_SECRET.search(before) or EXAMPLE_CUE.search(between):
        return None
    if not (any(c.isalpha() for c in core) and any(c.isdigit() for c in core)):
        return None
    if character_classes(re.sub(r"[-_.]", "", core)) < 3 or looks_like_words(core):
        return None
    if is_reference(value):
        return None
    verdict = password_value(value, 8, match)
    return None if verdict is None or verdict.factor < 1 else PROSE


PASSWORD_CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (password_assignment, password_prose, password_nearby, login_pair,
                  account_pin, basic_credentials, command_credentials, command_password,
                  connection_password, url_credentials, net_user_password,
                  remote_login_pair, spaced_password, table_password, next_line_password,
                  quoted_for_login, strong_after_colon)
}  # fmt: skip

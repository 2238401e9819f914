"""Password rules that lean on the layout of a post rather than a keyword and a value.

A markdown table with a password column, a question answered on the next line, a
value under "password:", Windows' ``net user NAME PASSWORD``, ``rdp in with
user:password``, a quoted value "for the kiosk login", a strong value after a
colon on a line about a box or an account. The value fragments the catalogue's
password rules share live here too (the catalogue imports this module).
"""

from __future__ import annotations

from detectors.secrets_rule import SecretRule

# A password value: quoted (backslash escapes allowed, up to the same quote, or up to a
# closing curly quote: “...”, ‘...’; @"..." too), or bare up to a space, quote or <;
# & and ; end it before another key (&next=, ;Database=).
PASSWORD_VALUE = (
    r"(?:@(?=\"))?(?P<q>[\"'`“‘])?(?P<secret>(?(q)(?:\\.|(?!(?P=q)|[”’])[^\\\n]){1,200}"
    r"(?=(?P=q)|[”’])"
    r"|(?:[^\s\"'`&;<]|[&;](?!\w[\w .]{0,29}=)){0,199}[^\s\"'`&;<>.,:)\]}?]))"
)
# The password of a pair: no slash or colon (a path, /etc/passwd's root:x:0:0).
PAIR_PASSWORD = (
    r"(?P<password>(?:[^\s\"'`&;:/<>]|[&;](?!\w[\w .]{0,29}=)){0,127}[^\s\"'`&;:/<>.,)\]}?])"
)
# What one signs in to: a strong value after a colon on a line naming one is its password.
SIGN_IN_THINGS = (
    "box", "server", "host", "vm", "machine", "workstation", "laptop", "desktop", "kiosk",
    "router", "console", "portal", "login", "logon", "account", "acct", "vpn", "nas", "db",
    "database", "jenkins",
)  # fmt: skip
SIGN_IN_THING = r"(?:log-?in|log-?on|sign[ -]?in|" + "|".join(SIGN_IN_THINGS) + ")"
# A strong bare value: no quote, colon or slash, ending before punctuation or a space.
STRONG_VALUE = r"(?P<secret>[^\s:\"'`/|]{7,63}[^\s:\"'`/|.,;)\]}?])(?=[\s.,;)\]}?]|$)"
REMOTE_TOOLS = ("rdp", "ssh", "vnc", "telnet", "sftp", "winscp", "putty")
PASSWORD_LINE_KEYS = ("pass", "pw", "wifi", "wi-fi", "wlan", "passcode")

PASSWORD_CONTEXT_RULES: tuple[SecretRule, ...] = (
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            r"(?i)(?=n)\bnet[ \t]+user[ \t]+(?P<user>\"[^\"\n]{1,64}\"|[^\s/\"*]{1,64})[ \t]+"
            r"(?![/*])" + PASSWORD_VALUE
        ),
        description="Windows net user NAME PASSWORD (/add, /domain...): the password given",
        explain="password given to net user",
        keywords=("net user",),
        check="net_user_password",
        score=0.9,
    ),
    SecretRule(
        label="LOGIN_PAIR",
        pattern=(
            rf"(?i)(?=[rsvtwp])(?<![\w-])(?P<keyword>{'|'.join(REMOTE_TOOLS)})(?![\w-])"
            r"(?:[ \t]+[\w.'’-]{1,30}){0,4}?[ \t]+(?:with|using|as|via)[ \t]+"
            r"(?:creds?[ \t]*:?[ \t]+)?"
            r"(?P<secret>(?P<user>[\w.@+\\-]{1,64})(?P<gap>[ \t]?)(?::|/{1,2})(?P=gap)"
            + PAIR_PASSWORD
            + ")"
        ),
        description="user:password after rdp/ssh/vnc ... with: rdp in with kiosk:X",
        explain="a user name and its password after '{keyword}'",
        keywords=REMOTE_TOOLS,
        check="remote_login_pair",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=r"(?<=\|)[ \t]*(?P<secret>[^\s|`]{6,64})[ \t]*(?=\|)",
        description="A cell in the password column of a markdown table: | user | pass |",
        explain="cell of a markdown table's password column",
        keywords=("|-", "| -", "|:", "| :"),
        check="table_password",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            r"(?i)(?=[pw])(?<![a-z])(?P<keyword>pass(?:word|wd|phrase|code)?|pwd|pw|wi-?fi|wlan)"
            r"(?![a-z])(?P<rest>[^\n]{0,80})\n[ \t]*(?P<speaker>>[ \t]*|[\w.'’ -]{1,24}:[ \t]+)?"
            r"(?P<q>[\"'`“‘])?(?P<secret>[^\s\"'`“”‘’]{5,63}[^\s\"'`“”‘’.,:;)\]}?])"
            r"[\"'`”’]?[ \t]*(?=\n|$)"
        ),
        description="A value on the line after password: or a question naming the password",
        explain="value on the line after keyword '{keyword}'",
        keywords=PASSWORD_LINE_KEYS,
        check="next_line_password",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            r"(?i)(?P<q>[\"'`“‘])(?P<secret>[^\s\"'`“”‘’]{6,64})[\"'`”’][ \t]+for[ \t]+"
            r"(?:(?:the|my|our|your|this|that|a)[ \t]+)?(?:[\w-]{1,30}[ \t]+){0,3}?"
            rf"(?P<keyword>{SIGN_IN_THING}|wi-?fi|wlan)(?![a-z])"
        ),
        description="A quoted value for a login, an account or a box: it's 'X' for the kiosk login",
        explain="quoted value for a '{keyword}'",
        keywords=("login", "log-in", "logon", "sign", "account", "acct", "wifi", "wi-fi", "wlan")
        + SIGN_IN_THINGS,
        check="quoted_for_login",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            rf"(?i)(?<![a-z])(?P<keyword>{SIGN_IN_THING})(?![a-z])[^\n:]{{0,80}}:[ \t]+"
            + STRONG_VALUE
        ),
        description="A strong random value after a colon on a line about a box or an account",
        explain="random-looking value after a colon, on a line naming a '{keyword}'",
        keywords=("log-in", "logon", "sign") + SIGN_IN_THINGS,
        check="strong_after_colon",
        score=0.8,
    ),
)

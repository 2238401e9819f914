"""The password and login-pair rules of the catalogue, as data (checks: secrets_passwords.py).

PASSWORD_RULES are keyword-led: a password word in any of several languages and
its value (also typed with spaces between its characters), a command line's
password flag, a user and password pair after a login word, a strong value near
"creds". PASSWORD_CONTEXT_RULES lean on the layout of a post instead: a
markdown table with a password column, a question answered on the next line, a
value under "password:", Windows' ``net user NAME PASSWORD``, ``rdp in with
user:password``, a mailbox and its password (``design-team@ / X``), a quoted
value "for the kiosk login", a strong value after a colon on a line about a box
or an account. secrets_catalogue.py runs the first
among its keyword rules and the second after every other rule.
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

# Keywords of a password: config keys, other languages' words, a wifi key.
PASSWORD_WORDS = (
    r"pass(?:word|wd|phrase)|passwort|kennwort|contrase[ñn]y?a|wachtwoord|senha|mot de passe"
    r"|l[öo]senord(?:et)?|salasana|has[łl]o|heslo|jelsz[óo]|passord(?:et)?|adgangskoden?|пароль"
    r"|(?<![a-z])clave"
    r"|(?<![a-z])(?:parol[aă](?: d['’]ordine)?|[şs]ifre(?:si)?)(?![a-z])"
    r"|(?<![a-z])(?:pwd|pw|(?:wi-?fi|wlan)[ _-]?(?:key|code)|wpa2?[ _-]?(?:key|psk)"
    r"|network[ _-]key|psk)"
)
# A cheap first-character test in front of a keyword alternation: Python's re has no
# literal prefilter for one, and tries every branch at every position otherwise.
PASSWORD_START = "(?=[pkcwsmnlhjaпş])"
PASSWORD_KEYS = ("pass", "pw", "wort", "contrase", "wachtwoord", "senha", "wifi", "wi-fi", "wlan",
                 "wpa", "psk", "network key", "network_key", "network-key", "lösenord",
                 "losenord", "salasana", "hasło", "haslo", "heslo", "jelszó", "jelszo", "passord",
                 "adgangskode", "пароль", "clave", "parol", "şifre", "sifre")  # fmt: skip
# Words between a password keyword and "is": "the password for the lab box is", "la
# contraseña del router de la oficina es", "das Passwort für das WLAN ist".
KEYWORD_QUALIFIER = (
    r"(?:for|of|on|at|to|in|from|für|fürs|zum|zur|vom|von|del|de|des|du|da|do|dla|voor|van|för"
    r"|till|til|per|di|della|dello|pour|para|от|для|на|ng)"
)
# "is" in the languages of PASSWORD_WORDS; after a few words these end the gap.
IS_WORDS = r"is|was|are|es|era|ist|war|lautet|est|c['’]est|était|är|var|jest|è|é|er|je|это"
# A word of that gap: letters, digits, dots inside (db.internal), no sentence end.
GAP_WORD = r"[\w'’@-]{1,30}(?:\.[\w'’@-]{1,30}){0,3}"
# A mailbox or a mailbox stub as a pair's user: ops@northwind.example, design-team@.
MAILBOX = r"[\w.+-]{1,64}@(?:[\w-]{1,63}(?:\.[\w-]{1,63}){1,8})?"
# Within a line after a keyword, a value mixing lower and upper case, a digit and a symbol.
NEARBY_STRONG_VALUE = (
    r"[^\n]{0,80}?(?<![^\s(\"'`])(?P<secret>(?-i:(?=\S{0,63}[a-z])(?=\S{0,63}[A-Z]))"
    r"(?=\S{0,63}\d)(?=\S{0,63}[^\w\s])[^\s\"'`]\S{6,62}[^\s\"'`.,:;)\]}?])"
    r"(?=[\s\"'`.,:;)\]}?]|$)"
)
# Words before a user/password pair, and shared accounts whose name alone announces one.
LOGIN_WORDS = (
    r"sign(?:ed)?[ -]?in|log(?:ged)?[ -]?(?:in|on)|creds?|credentials?|user(?:name)?|account"
    r"|acct|u/p|(?:basic|http)[ -]?auth(?:entication)?"
)
BASIC_AUTH_KEYS = ("basic auth", "basic-auth", "basicauth", "http auth", "http-auth", "httpauth")
SHARED_ACCOUNTS = ("root", "admin", "administrator", "sa", "postgres", "ubuntu", "pi", "guest",
                   "oracle", "sysadmin", "superuser", "elastic")  # fmt: skip
CLI_CONTINUES = r"(?:[^\n]|\\\n){0,200}?"  # the rest of a command line, across a trailing backslash
CLI_PASSWORD_FLAG = (
    rf"\b(?:mysql\w{{0,6}}|mariadb\w{{0,6}})\b{CLI_CONTINUES}\s(?-i:-p)(?=\S)"
    rf"|\bsshpass\b{CLI_CONTINUES}\s(?-i:-p)[ \t]*|\brdesktop\b{CLI_CONTINUES}\s(?-i:-p)[ \t]+"
    rf"|\b(?:docker|podman|nerdctl|buildah|skopeo|oras|helm[ \t]+registry)[ \t]+login\b"
    rf"{CLI_CONTINUES}\s(?:(?-i:-p)|--password)[= \t]+"
    rf"|\bredis-cli\b{CLI_CONTINUES}\s(?-i:-a)[ \t]+"
    rf"|\b(?:sqlcmd|bcp)\b{CLI_CONTINUES}\s(?-i:-P)[ \t]*"
    r"|\bldap(?:search|add|modify|delete|whoami|passwd|compare|modrdn)\b"
    rf"{CLI_CONTINUES}\s(?-i:-w)[ \t]+"
    rf"|\bsmbclient\b{CLI_CONTINUES}\s(?:-U|--user)[= \t]+[\"']?[^\s%\"']{{1,64}}%"
    rf"|\bxfreerdp\b{CLI_CONTINUES}\s/p:"
    r"|\bhtpasswd[ \t]+-[a-z]*(?:nb|bn)[a-z]*[ \t]+\S+[ \t]+"  # htpasswd -nb user X
    r"|\bhtpasswd[ \t]+-[a-z]*b[a-z]*[ \t]+\S+[ \t]+\S+[ \t]+"  # htpasswd -b file user X
    r"|\bnet[ \t]+use[ \t]+(?:[a-z]:[ \t]+)?\\\\\S+[ \t]+(?!/)"  # net use Z: \\srv\share X
    rf"|\b(?:keytool|jarsigner)\b{CLI_CONTINUES}\s-(?:src|dest)?(?:store|key)pass[ \t]+"
)
CLI_TOOLS = ("mysql", "mariadb", "sshpass", "rdesktop", "docker", "podman", "nerdctl", "buildah",
             "skopeo", "oras", "helm", "redis-cli", "sqlcmd", "bcp", "ldap", "smbclient",
             "htpasswd", "net use", "xfreerdp", "keytool", "jarsigner")  # fmt: skip

# Keyword-led password and login-pair rules, in the order they run (after the core
# catalogue's database URLs, credential URLs and AWS secret keys).
PASSWORD_RULES: tuple[SecretRule, ...] = (
    SecretRule(
        label="LOGIN_PAIR",
        pattern=(
            r"(?i)(?=[cw])\b(?P<keyword>curl|wget)\b(?:[^\n]|\\\n){0,300}?"
            r"\s(?:-u[ \t]{0,5}|--user(?:=|[ \t]{1,5}))"
            r"(?P<secret>[\"']?(?P<user>[^\s:\"']{0,64})[\"']?:[\"']?(?P<password>[^\s\"']{0,128})"
            r"[\"']?)(?=\s|$)"
        ),
        description="user:password given to curl or wget with -u/--user (HTTP basic auth)",
        explain="user:password after {keyword} -u/--user",
        keywords=("curl", "wget"),
        check="command_credentials",
        score=0.9,
    ),
    SecretRule(
        label="LOGIN_PAIR",
        pattern=(
            r"(?i)\b(?P<keyword>basic)[ \t]+(?P<secret>[A-Za-z0-9+/]{6,400}={0,2})"
            r"(?![A-Za-z0-9+/=])"
        ),
        description="HTTP basic auth: Authorization: Basic and base64 of user:password",
        explain="HTTP basic credentials, base64 of user:password",
        keywords=("basic",),
        check="basic_credentials",
        score=0.9,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=rf"(?i)(?=[msrdpnbohlxkj])(?:{CLI_PASSWORD_FLAG}){PASSWORD_VALUE}",
        description="Password on a client's command line: mysql -pX, sshpass -p X, docker login",
        explain="value of a command-line password flag",
        keywords=CLI_TOOLS,
        check="command_password",
        score=0.9,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            rf"(?i){PASSWORD_START}(?P<keyword>{PASSWORD_WORDS}|(?<![a-z])pass)"
            r"(?P<suffix>(?:[_-][a-z0-9]{1,16}){0,2})[\"'`\]]{0,2}"
            rf"(?P<gap>\s+{KEYWORD_QUALIFIER}(?:\s+[\w.@'’-]{{1,30}}){{1,4}})?"
            r"[ \t]*(?:=>|:=|[!=]==?|=|:|[ \t](?=[\"'`])|>(?=[^<>\n]{1,200}</)|\s+value\s*=)"
            r"[ \t]*" + PASSWORD_VALUE
        ),
        description='A password assigned in text: password=, DB_PASS:, "pass": "...", <password>X<',
        explain="value assigned to keyword '{keyword}'",
        keywords=PASSWORD_KEYS,
        check="password_assignment",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            rf"(?i){PASSWORD_START}(?P<keyword>{PASSWORD_WORDS}|(?<![a-z])pass(?=\s+(?:is|was|to)\s))"
            rf"(?P<link>['’]s\s+|\s+[-–—]\s+|(?P<words>(?:\s+{GAP_WORD}){{0,5}}?)\s+(?:(?:{IS_WORDS}):?"
            r"(?:\s+(?:now|still|just|currently|literally|actually|simply))?"
            r"|(?:(?:is|was|got|been|has\s+been)\s+)?(?:set|changed|reset|updated)\s+to)\s+"
            r"|\s+(?:to|on)\s+|\s+)" + PASSWORD_VALUE
        ),
        description='A password said in prose: "the wifi key is X", "pwd X", "password reset to X"',
        explain="value named by keyword '{keyword}'",
        keywords=PASSWORD_KEYS,
        check="password_prose",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            rf"(?i){PASSWORD_START}(?P<keyword>{PASSWORD_WORDS})"
            rf"(?:(?:\s+{GAP_WORD}){{0,4}}?\s+(?:{IS_WORDS})\b:?|[ \t]*[:=])[ \t]+"
            r"(?P<secret>[^\s\"'`](?:[ \t][^\s\"'`]){5,63})(?!\S)"
        ),
        description="A password typed with a space between its characters: password is T r 0 u",
        explain="value spelled out with spaces after keyword '{keyword}'",
        keywords=PASSWORD_KEYS,
        check="spaced_password",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(rf"(?i){PASSWORD_START}(?P<keyword>{PASSWORD_WORDS})\b" + NEARBY_STRONG_VALUE),
        description="A random-looking password a few words after the keyword: password ... j8#K!2v",
        explain="mixed-case, digit and symbol value within a line after keyword '{keyword}'",
        keywords=PASSWORD_KEYS,
        check="password_nearby",
        score=0.8,
    ),
    SecretRule(
        label="LOGIN_PAIR",
        pattern=(
            r"(?i)(?=[ul])(?<![a-z])(?P<keyword>u|usr|user(?:name)?|login)\b[ \t]*[:=]?[ \t]*"
            r"(?P<secret>(?P<user>[\w.@+\\-]{1,64})[ \t]*[,;/|]?[ \t]+(?:and[ \t]+)?"
            r"(?:p|pass(?:word)?|pw|pwd)\b[ \t]*[:=]?[ \t]*" + PAIR_PASSWORD + ")"
        ),
        description="A user and password as two fields: user admin pass X, u: admin p: X",
        explain="a user name and its password written as two fields",
        keywords=("u:", "u=", "usr", "user", "login"),
        check="login_pair",
        score=0.8,
    ),
    SecretRule(
        label="LOGIN_PAIR",
        pattern=(
            rf"(?i)(?=[slcuarpgoebh])(?:(?<![a-z])(?P<keyword>{LOGIN_WORDS})\b"
            rf"(?P<words>[ \t]+{KEYWORD_QUALIFIER}(?:[ \t]+{GAP_WORD}){{1,4}}?)?"
            r"(?:->|=>|[ \t:=→–—]){0,4}(?:(?:as|is|are|with|using|was|were|be)\s+){0,2}"
            rf"|(?<![\w./@\\-])(?=(?:{'|'.join(SHARED_ACCOUNTS)})\s{{0,2}}[/:]))"
            r"(?P<secret>(?P<user>[\w.@+\\-]{1,64})(?P<gap>[ \t]{0,2})(?:/{1,2}|:)(?P=gap)"
            rf"{PAIR_PASSWORD})"
        ),
        description=(
            "A user and password as a pair: sign in as ops / X, creds admin:X, creds: svc // X,"
            " basic auth for the preview site → preview / X, root / X"
        ),
        explain="a user name and its password written as a pair",
        keywords=("sign", "log", "cred", "user", "account", "acct", "u/p")
        + BASIC_AUTH_KEYS
        + SHARED_ACCOUNTS,
        check="login_pair",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=r"(?i)(?=c)(?<![a-z])(?P<keyword>cred(?:s|entials?)?)\b" + NEARBY_STRONG_VALUE,
        description="A random-looking password near creds, after any pair: creds were admin/admin,"
        " changed to j8#K!2v",
        explain="mixed-case, digit and symbol value within a line after keyword '{keyword}'",
        keywords=("cred",),
        check="password_nearby",
        score=0.8,
    ),
    SecretRule(
        label="PASSWORD_ASSIGNMENT",
        pattern=(
            r"(?i)(?<![\w-])(?P<keyword>pin)(?:[ -]?(?:code|number|no\.?))?\b"
            rf"(?:(?P<words>(?:[ \t]+{GAP_WORD}){{1,6}}?)?"
            r"(?:[ \t]*[:=]|[ \t]+(?:is|was|are)\b:?|[ \t]+[-–—])|(?=[ \t]))[ \t]*"
            r"(?P<secret>\d{4,8})(?![\d,/:-]|\.\d|[ \t]*(?:%|digits?\b|chars?\b|characters\b"
            r"|times\b|tries\b|attempts\b|x\b))"
        ),
        description="A PIN of an account or login: PIN for the shared account login is 839201",
        explain="digits named by keyword '{keyword}' for an account or login",
        keywords=("pin",),
        check="account_pin",
        score=0.8,
    ),
)

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
        label="LOGIN_PAIR",
        pattern=(
            r"(?<![\w.+@-])(?P<secret>(?P<user>" + MAILBOX + r")"
            r"(?:[ \t]{0,2}/{1,2}[ \t]{0,2}|:)" + PAIR_PASSWORD + ")"
        ),
        description="A mailbox and its password: design-team@ / X, ops@northwind.example:X",
        explain="an e-mail address or mailbox and its password written as a pair",
        keywords=("@",),
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

"""Spelled-out defanging: priya dot r at proton dot me -> priya.r@proton.me.

Addresses only in an address's shape: word( dot word)* at word( dot word)* dot
TLD, the TLD from a modest list of known ones (and the reserved and
private-use names internal mailboxes end in: example, test, local ...), the
domain not opening with a word such as "the" ("looked at the dot com
boom"), and a one-word name not a word that prose puts before "at" ("find
us at acme dot com", "she works at acme dot com"). The name and the
domain's words may hold real dots (dana.k.home at gmail dot com). "meet at
noon" and "the station dot dot dot" stay as written.

Host names likewise, with at least two dots spelled out or spaced out:
label dot label dot TLD (jira dot corp dot northwind dot example) or
label . label . TLD with a space each side of each dot (a letter-spaced label,
w i k i, is joined up); a path after such a host, "slash x" or " / x", joins
it. One spelled dot is prose too often ("a dot com bubble", "polka dot"), as
is a sentence's full stop before a word, so neither is a host.
"""

from __future__ import annotations

import re

from detectors.normalize.view import Edit

TLDS = (
    "com org net edu gov mil int io me dev app ai co uk us eu de fr nl be ch at es pt se no dk "
    "fi pl cz ie ca au nz jp kr cn in sg br mx info biz xyz tech cloud online site email"
).split()
# Reserved and private-use names that internal hosts and mailboxes end in (RFC 2606, 6762).
PRIVATE_TLDS = "example test invalid local internal intranet".split()
ADDRESS_TLDS = TLDS + PRIVATE_TLDS  # nemia dot kowashi at northwind dot example
HOST_TLDS = TLDS + PRIVATE_TLDS + ["localhost", "lan"]
# Words that open a phrase, not a domain: "at the dot com", "at this dot matrix".
NOT_A_DOMAIN = (
    "the a an this that these those my your our their his her its some any no every all one"
).split()
# One-word names that are prose: "visit us at", "works at", "sign up at", "available at".
NOT_A_NAME = (
    "i me you we us he him she her they them it is am are was were be been being here there "
    "now up in on out off back home live lives lived living work works worked working stay "
    "stays stayed meet meets met look looks looked looking find found visit visited see seen "
    "arrive arrived arrives available online only reach reached email mail write call contact "
    "apply join joined shop buy sold started start starts job jobs find details more info"
).split()
MAX_DOTS = 4  # dots in a name or a domain: bounds the work per start to a constant
_SP = r"[ \t]+"
_LOCAL = r"[a-z0-9](?:[a-z0-9_%+-]*[a-z0-9])?"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_DOTTED_LOCAL = rf"{_LOCAL}(?:\.{_LOCAL}){{0,{MAX_DOTS}}}"
_DOTTED_LABEL = rf"{_LABEL}(?:\.{_LABEL}){{0,{MAX_DOTS}}}"
_NOT_DOMAIN = rf"(?!(?:{'|'.join(NOT_A_DOMAIN)}){_SP})"
SPELLED_ADDRESS = re.compile(
    rf"(?<![\w.@%+-])(?!(?:{'|'.join(NOT_A_NAME)}){_SP}at{_SP})"
    rf"{_DOTTED_LOCAL}(?:{_SP}dot{_SP}{_DOTTED_LOCAL}){{0,{MAX_DOTS}}}{_SP}at{_SP}"
    rf"{_NOT_DOMAIN}"
    rf"{_DOTTED_LABEL}(?:{_SP}dot{_SP}{_DOTTED_LABEL}){{0,{MAX_DOTS}}}"
    rf"{_SP}dot{_SP}(?:{'|'.join(ADDRESS_TLDS)})(?![\w@-])",
    re.IGNORECASE,
)
# A host's label, not a word of the phrase around it: "the dot", "dot dot dot".
_HOST_LABEL = rf"(?!(?:{'|'.join(NOT_A_DOMAIN + ['dot', 'slash', 'at'])})(?![\w-])){_DOTTED_LABEL}"
# w i k i, from its first letter only (a start inside it would rescan it: quadratic)
_SPACED_LABEL = r"(?<![^\w][a-z0-9][ \t])(?<!^[a-z0-9][ \t])[a-z0-9](?:[ \t][a-z0-9]){2,}(?![\w-])"
_HOST_TLD = rf"(?:{'|'.join(HOST_TLDS)})(?![\w@-])"
_PATH = r"[\w~%+-]+(?:[.\-][\w~%+-]+)*+"
SPELLED_HOST = re.compile(
    rf"(?<![\w.@%+/-])(?:"
    rf"{_HOST_LABEL}(?:{_SP}dot{_SP}{_HOST_LABEL}){{1,{MAX_DOTS}}}{_SP}dot{_SP}{_HOST_TLD}"
    rf"(?:{_SP}slash{_SP}{_PATH}){{0,{MAX_DOTS}}}"
    rf"|(?:{_SPACED_LABEL}|{_HOST_LABEL})(?:{_SP}\.{_SP}(?:{_SPACED_LABEL}|{_HOST_LABEL}))"
    rf"{{1,{MAX_DOTS}}}{_SP}\.{_SP}{_HOST_TLD}"
    rf"(?:{_SP}/{_SP}{_PATH}){{0,{MAX_DOTS}}}"
    rf")",
    re.IGNORECASE,
)
HINT = re.compile(r"[ \t](?:[dD][oO][tT]|\.)[ \t]")  # quicker than with re.IGNORECASE
WORD = re.compile(r"[^ \t]+")
SYMBOL = {"at": "@", "dot": ".", "slash": "/", ".": ".", "/": "/"}
HOST_SEPARATOR = re.compile(r"[ \t]+(?:dot|slash|\.|/)[ \t]+", re.IGNORECASE)
SPACED_LETTERS = re.compile(r"[a-z0-9](?:[ \t][a-z0-9])+", re.IGNORECASE)


def spelled_edits(text: str) -> list[Edit]:
    """Each ' at ' / ' dot ' / ' slash ' of a spelled-out address or host, spaces included."""
    edits: list[Edit] = []
    if HINT.search(text) is None:
        return edits
    addresses: list[tuple[int, int]] = []
    for match in SPELLED_ADDRESS.finditer(text):
        edits += _symbol_edits(text, match.start(), match.end())
        addresses.append(match.span())
    for match in SPELLED_HOST.finditer(text):
        if not any(a < match.end() and match.start() < b for a, b in addresses):
            edits += _host_edits(text, match.start(), match.end())
    return sorted(edits)


def _symbol_edits(text: str, start: int, end: int) -> list[Edit]:
    words = list(WORD.finditer(text, start, end))
    return [
        (before.end(), after.start(), SYMBOL[word[0].lower()])
        for before, word, after in zip(words[:-2:2], words[1::2], words[2::2], strict=True)
    ]


def _host_edits(text: str, start: int, end: int) -> list[Edit]:
    """Separators to symbols; the spaces inside a letter-spaced label dropped."""
    edits: list[Edit] = []
    pos = start
    for sep in HOST_SEPARATOR.finditer(text, start, end):
        a, b = sep.span()
        edits += _letter_edits(text, pos, a)
        edits.append((a, b, SYMBOL[sep[0].strip().lower()]))
        pos = b
    edits += _letter_edits(text, pos, end)
    return edits


def _letter_edits(text: str, start: int, end: int) -> list[Edit]:
    label = SPACED_LETTERS.fullmatch(text, start, end)
    if label is None:
        return []
    return [(i, i + 1, "") for i in range(start + 1, end, 2)]

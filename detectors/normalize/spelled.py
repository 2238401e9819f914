"""Spelled-out defanging: priya dot r at proton dot me -> priya.r@proton.me.

Only in an address's shape: word( dot word)* at word( dot word)* dot TLD, the
TLD from a modest list of known ones, the domain not opening with a word such
as "the" ("looked at the dot com boom"), and a one-word name not a word that
prose puts before "at" ("find us at acme dot com", "she works at acme dot com").
"meet at noon" and "the station dot dot dot" stay as written.
"""

from __future__ import annotations

import re

from detectors.normalize.view import Edit

TLDS = (
    "com org net edu gov mil int io me dev app ai co uk us eu de fr nl be ch at es pt se no dk "
    "fi pl cz ie ca au nz jp kr cn in sg br mx info biz xyz tech cloud online site email"
).split()
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
SPELLED_ADDRESS = re.compile(
    rf"(?<![\w.@%+-])(?!(?:{'|'.join(NOT_A_NAME)}){_SP}at{_SP})"
    rf"{_LOCAL}(?:{_SP}dot{_SP}{_LOCAL}){{0,{MAX_DOTS}}}{_SP}at{_SP}"
    rf"(?!(?:{'|'.join(NOT_A_DOMAIN)}){_SP})"
    rf"{_LABEL}(?:{_SP}dot{_SP}{_LABEL}){{0,{MAX_DOTS}}}{_SP}dot{_SP}(?:{'|'.join(TLDS)})(?![\w@-])",
    re.IGNORECASE,
)
HINT = re.compile(r"[ \t]dot[ \t]", re.IGNORECASE)
WORD = re.compile(r"[^ \t]+")
SYMBOL = {"at": "@", "dot": "."}


def spelled_edits(text: str) -> list[Edit]:
    """Each ' at ' / ' dot ' of a spelled-out address, spaces included, -> '@' / '.'."""
    edits: list[Edit] = []
    if HINT.search(text) is None:
        return edits
    for match in SPELLED_ADDRESS.finditer(text):
        words = list(WORD.finditer(text, match.start(), match.end()))
        for before, word, after in zip(words[:-2:2], words[1::2], words[2::2], strict=True):
            edits.append((before.end(), after.start(), SYMBOL[word[0].lower()]))
    return edits

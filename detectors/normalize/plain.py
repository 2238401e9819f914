"""The "plain" and "terms" folds: Unicode, look-alikes, defanging, case, leetspeak.

Defanging is bracketed ([at], (dot), hxxp[:]//) here, spelled out in spelled.py.

Every step is an edit list over a Draft, so offsets survive each of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache

from detectors.normalize.spelled import spelled_edits
from detectors.normalize.view import Draft, Edit, apply_edits


def _pairs(lookalikes: str, latin: str) -> dict[str, str]:
    return dict(zip(lookalikes, latin, strict=True))


# Letters drawn like Latin ones (Unicode's confusables, the common subset), dashes like '-'.
CONFUSABLES: dict[str, str] = {
    **_pairs("аеорсухіѕјԁһӏԛԝѵү", "aeopcyxisjdhlqwvy"),  # Cyrillic lower case
    **_pairs("АВЕКМНОРСТУХІЈЅԚԜҮӀ", "ABEKMHOPCTYXIJSQWYI"),  # Cyrillic upper case
    **_pairs("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"),  # Greek upper case
    **_pairs("οανικρυϲϳ", "oavikpucj"),  # Greek lower case
    **_pairs("ıȷɑɡօ", "ijago"),  # dotless i and j, Latin alpha, script g, Armenian o
    # Small capitals, drawn like capitals: ᴘʀɪᴠᴀᴛᴇ is PRIVATE.
    **_pairs("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘꞯʀꜱᴛᴜᴠᴡʏᴢ", "ABCDEFGHIJKLMNOPQRSTUVWYZ"),
    **_pairs("ᎪᏴᏟᎠᎬᏀᎻᎫᏦᏞᎷᏢᎡᏚᎢᏙᎳᎽᏃ", "ABCDEGHJKLMPRSTVWYZ"),  # Cherokee letters
    **_pairs("‐‑‒–—―−⁃", "--------"),  # hyphens, dashes, minus sign
}
# Invisible but not Unicode Cf: variation selectors, grapheme joiner, fillers.
INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
NON_ASCII = re.compile(r"[^\x00-\x7f]+")
BRACKETED = re.compile(
    r"[\[({][ \t]*(?P<sym>at|@|dot|\.)[ \t]*[\])}]|\[(?P<colon>:|://)\]", re.IGNORECASE
)
HXXP = re.compile(r"\bh(xx)ps?\b", re.IGNORECASE)
DEFANG_SYMBOL = {"at": "@", "@": "@", "dot": ".", ".": "."}
WHITESPACE = re.compile(r"[ \t\r\n\f\v]{2,}|[\t\r\n\f\v]")
# Three or more single letters/digits split by one repeated separator: F.a.l.c.o.n, O/S/P/R/E/Y
LETTER = r"(?:[^\W_]|[@$])"
SEPARATOR = r"[ .\-_/|*+~:]"
SPLIT_WORD = re.compile(
    rf"(?<![^\W_])(?<![@$]){LETTER}(?P<sep>{SEPARATOR}){LETTER}(?:(?P=sep){LETTER})+(?![\w@$])"
)
SPLIT_HINT = re.compile(rf"{SEPARATOR}[^\W_@$]{SEPARATOR}[^\W_@$](?![^\W_@$])")  # cheap first look
# Emoji and other non-ASCII symbols between two words: Contoso 💊 Pharma, Tailspin✨Toys, F·a·l.
SYMBOLS_BETWEEN = re.compile(
    r"(?<=\w)[ \t]*[^\w\s\x00-\x7f](?:[ \t]*[^\w\s\x00-\x7f])*[ \t]*(?=\w)"
)
# Letter-spaced words with a wider gap between them: T a i l s p i n  T o y s, G o / L i v e.
_ALONE = rf"{LETTER}(?![\w@$])"
SPACED_GROUP = re.compile(rf"{_ALONE}(?: {_ALONE})*+")
SPACED_PHRASE = re.compile(
    rf"(?<![^\W_])(?<![@$])(?<![^\w@$]{LETTER} )(?<!^{LETTER} ){_ALONE}(?: {_ALONE})*+"
    rf"(?:(?:[ \t]{{2,}}|[ \t]*[\r\n][ \t\r\n]*|[ \t]+[/|\-][ \t]+){_ALONE}(?: {_ALONE})*+)+"
)
# Looser than three spaced LETTERs (it takes "_" too), and quicker: it starts at a space.
SPACED_HINT = re.compile(r" (?<=[\w@$] )[\w@$] [\w@$]")
LEET = str.maketrans("01345789@$l", "oieastbgasi")


def is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def _fold_char(char: str) -> str:
    """One NFKC output character: dropped if invisible, else look-alikes folded."""
    if char in INVISIBLE or unicodedata.category(char) == "Cf":
        return ""
    char = CONFUSABLES.get(char, char)
    if not char.isascii():
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            return str(digit)
    return char


@lru_cache(maxsize=8192)
def fold_cluster(cluster: str) -> str:
    """NFKC of a base character with its combining marks, then _fold_char."""
    return "".join(_fold_char(char) for char in unicodedata.normalize("NFKC", cluster))


def _clusters(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of a base character and the combining marks after it."""
    first = start
    for i in range(start + 1, end):
        if not is_mark(text[i]):
            yield first, i
            first = i
    yield first, end


def cluster_edits(text: str, fold: Callable[[str], str]) -> list[Edit]:
    """An edit for each cluster (base character + combining marks) that fold changes.

    Only clusters with a non-ASCII character are looked at; the replacement
    maps to the whole cluster, marks included.
    """
    edits: list[Edit] = []
    for run in NON_ASCII.finditer(text):
        start, end = run.span()
        if start and is_mark(text[start]):
            start -= 1  # an ASCII base letter with combining marks after it
        for first, last in _clusters(text, start, end):
            cluster = text[first:last]
            folded = fold(cluster)
            if folded != cluster:
                edits.append((first, last, folded))
    return edits


def unicode_edits(text: str) -> list[Edit]:
    """NFKC per cluster, invisible characters dropped, look-alikes folded."""
    return cluster_edits(text, fold_cluster)


def defang_edits(text: str) -> list[Edit]:
    """name [at] domain [dot] com -> name@domain.com; hxxps[:]// -> https://."""
    edits: list[Edit] = []
    if "[" in text or "(" in text or "{" in text:
        done = 0
        for match in BRACKETED.finditer(text):
            if match["colon"]:
                edits.append((match.start(), match.end(), match["colon"]))
                continue
            start, end = match.span()
            while start > done and text[start - 1] in " \t":
                start -= 1
            while end < len(text) and text[end] in " \t":
                end += 1
            edits.append((start, end, DEFANG_SYMBOL[match["sym"].lower()]))
            done = end
    if "xx" in text or "XX" in text or "xX" in text or "Xx" in text:
        for match in HXXP.finditer(text):
            first = match.start(1)
            edits.extend((i, i + 1, "t" if text[i] == "x" else "T") for i in (first, first + 1))
    return sorted(edits)


def plain(draft: Draft) -> Draft:
    if not draft.text.isascii():
        draft = apply_edits(draft, unicode_edits(draft.text))
    draft = apply_edits(draft, defang_edits(draft.text))
    return apply_edits(draft, spelled_edits(draft.text))


def plain_text(text: str) -> str:
    return plain(Draft.identity(text)).text


def fold_case(text: str) -> str:
    """Lower-case without changing length, so offsets stay those of the original.

    str.lower() turns a few characters into two (e.g. 'İ' -> 'i̇'); those are
    kept as they are. str.casefold() is not used: it turns 'ß' into 'ss'.
    """
    lowered = text.lower()
    if len(lowered) == len(text):  # lower() never shrinks a character, so none grew
        return lowered
    return "".join(map(_lower_char, text))


@lru_cache(maxsize=8192)
def _lower_char(char: str) -> str:
    lower = char.lower()
    return lower if len(lower) == 1 else char


@lru_cache(maxsize=8192)
def strip_accents(cluster: str) -> str:
    """é or e + U+0301 -> e: a Latin letter loses its marks; marks alone vanish."""
    base = unicodedata.normalize("NFD", cluster)[0]
    if is_mark(base):
        return ""
    if base.isascii() and base.isalpha():
        return base.lower()
    return "".join(char for char in cluster if not is_mark(char)) or cluster[0]


def fold_leet(text: str) -> str:
    """0->o, 1->i, l->i, 3->e, 4->a, 5->s, 7->t, 8->b, 9->g, @->a, $->s (length-preserving).

    1 and l both read i, and so does i: 1 is typed for either letter (B1uebird, N1ghtjar).
    """
    return text.translate(LEET)


def terms(draft: Draft) -> Draft:
    """Case folded, accents stripped, symbols between words made a space, split words joined.

    Letter-spaced phrases are joined first, while the wider gaps between their
    words still show where each word ends.

    Leetspeak is left to the term matcher (fold_leet), which needs the
    unfolded characters to tell an '@' inside a word from one between words.
    """
    draft = draft.retext(fold_case(draft.text))
    if not draft.text.isascii():
        draft = apply_edits(draft, cluster_edits(draft.text, strip_accents))
        spaced = SYMBOLS_BETWEEN.finditer(draft.text)
        draft = apply_edits(draft, [(m.start(), m.end(), " ") for m in spaced])
    if SPACED_HINT.search(draft.text):
        draft = apply_edits(draft, _phrase_edits(draft.text))
    if "  " in draft.text or any(char in draft.text for char in "\t\r\n\f\v"):
        spaces = WHITESPACE.finditer(draft.text)
        draft = apply_edits(draft, [(m.start(), m.end(), " ") for m in spaces])
    return apply_edits(draft, _join_edits(draft.text))


def _join_edits(text: str) -> list[Edit]:
    edits: list[Edit] = []
    if SPLIT_HINT.search(text) is None:
        return edits
    for match in SPLIT_WORD.finditer(text):
        edits.extend((i, i + 1, "") for i in range(match.start() + 1, match.end(), 2))
    return edits


def _phrase_edits(text: str) -> list[Edit]:
    """t a i l s p i n  t o y s -> tailspin toys, if a word has 3+ letters (a b  c d: no)."""
    edits: list[Edit] = []
    for match in SPACED_PHRASE.finditer(text):
        words = list(SPACED_GROUP.finditer(text, match.start(), match.end()))
        if max(len(word[0]) for word in words) < 5:  # "x y z" is 5 characters
            continue
        for word, after in zip(words, words[1:] + [None], strict=True):
            edits.extend((i, i + 1, "") for i in range(word.start() + 1, word.end(), 2))
            if after is not None:
                edits.append((word.end(), after.start(), " "))
    return edits

"""Policy terms: one Aho-Corasick automaton over every list, built once.

Terms are stored under the same fold the scanner's "terms" view applies to a
post (case, look-alikes, accents, F.a.l.c.o.n; see detectors.normalize), plus
two folded here: a hyphen inside a word is read as gone (Fal-con; the place
it stood still counts as a word boundary, so Falcon-based names Falcon:
detectors/normalize/hyphens.py), and leetspeak: telling an '@' inside a word
(F@lcon) from one between words (press@northwind) needs the unfolded text. Matching is on
word boundaries of the text given; cost per post is linear in the text and
flat in the number of terms.

Each term is also stored as its other readings (detectors.normalize.readings:
reversed, ROT13, words joined), so those cost nothing per post either; the
finding's explanation says how the term was read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import ahocorasick

from detectors.base import Finding
from detectors.normalize import fold_case, fold_leet, fold_term, hyphens, terms_text
from detectors.normalize.readings import term_readings

fold = fold_case  # the case fold alone: length-preserving


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True)
class TermEntry:
    """What the automaton stores for one folded term."""

    length: int  # of the folded term, in characters
    unleeted: str  # the term under the terms fold, inner hyphens dropped, before leetspeak
    has_letters: bool  # a term with letters never matches a bare number
    by_label: tuple[tuple[str, str], ...]  # (list label, the term as written)
    reading: str = ""  # how the term was read (readings.REVERSED...); "" as written


class TermDetector:
    """Finds any term of any named list; one Finding per (occurrence, list)."""

    name = "terms"

    def __init__(self, term_lists: Mapping[str, Sequence[str]]) -> None:
        # folded term -> {list label: term as written}
        entries: dict[str, dict[str, str]] = {}
        for label, terms in term_lists.items():
            for term in terms:
                term = term.strip()
                key = fold_term(term) if term else ""
                if key:
                    entries.setdefault(key, {}).setdefault(label, term)
        self.term_count = len(entries)
        self._automaton: ahocorasick.Automaton | None = None
        if entries:
            automaton = ahocorasick.Automaton()
            for key, entry in _with_readings(entries).items():
                automaton.add_word(key, entry)
            automaton.make_automaton()
            self._automaton = automaton

    def detect(self, text: str) -> list[Finding]:
        if self._automaton is None:
            return []
        lowered, cuts = hyphens.unhyphenate(fold_case(text))
        findings = []
        for last, entry in self._automaton.iter(fold_leet(lowered)):
            start, end = last + 1 - entry.length, last + 1
            matched = lowered[start:end]
            if not on_word_boundaries(lowered, start, end, cuts):
                continue
            if entry.has_letters and not any(char.isalpha() for char in matched):
                continue  # "1057" is a number, not the term "Lost"
            first = hyphens.original_index(start, cuts)
            last_char = hyphens.original_index(end - 1, cuts)
            notes = f" ({entry.reading})" if entry.reading else ""
            if matched != entry.unleeted:
                notes += " (leetspeak folded)"
            spans_hyphen = last_char - first + 1 > end - start
            if spans_hyphen and not entry.reading and "-" not in entry.by_label[0][1]:
                notes += " (hyphen inside read as gone)"
            findings.extend(
                Finding(
                    detector=self.name,
                    kind="term",
                    label=label,
                    start=first,
                    end=last_char + 1,
                    score=1.0,
                    explanation=f'term "{term}" from {label}{notes}',
                )
                for label, term in entry.by_label
            )
        return findings


def _with_readings(entries: Mapping[str, Mapping[str, str]]) -> dict[str, TermEntry]:
    """Each folded term's entry, then its other readings where no term is spelled so."""
    stored: dict[str, TermEntry] = {}
    for key, by_label in entries.items():
        written = next(iter(by_label.values()))
        stored[key] = TermEntry(
            length=len(key),
            unleeted=hyphens.strip(terms_text(written)),
            has_letters=any(char.isalpha() for char in written),
            by_label=tuple(by_label.items()),
        )
    for entry in list(stored.values()):
        for reading, spelled in term_readings(entry.unleeted):
            spelled = hyphens.strip(spelled)  # contoso-pharma is contosopharma
            key = fold_leet(spelled)
            if key not in stored:  # a term as written wins over another's reading
                stored[key] = replace(entry, length=len(key), unleeted=spelled, reading=reading)
    return stored


def on_word_boundaries(text: str, start: int, end: int, cuts: tuple[int, ...] = ()) -> bool:
    """Like regex \\b at each end: only where the term itself begins/ends with a word char.

    cuts: where hyphens were dropped (hyphens.unhyphenate); each is a boundary too.
    """
    if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
        if start not in cuts:
            return False
    if is_word_char(text[end - 1]) and end < len(text) and is_word_char(text[end]):
        if end not in cuts:
            return False
    return True

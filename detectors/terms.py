"""Policy terms: one Aho-Corasick automaton over every list, built once.

Matching is case-insensitive and on word boundaries, with offsets into the
original text. Cost per post is linear in the text, flat in the number of
terms. Leetspeak, zero-width and confusable folding belong to normalization
(a later step), not here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ahocorasick

from detectors.base import Finding


def fold(text: str) -> str:
    """Lower-case without changing length, so offsets stay those of the original.

    str.lower() turns a few characters into two (e.g. 'İ' -> 'i̇'); those are
    kept as they are. str.casefold() is not used: it turns 'ß' into 'ss'.
    """
    out = []
    for char in text:
        lower = char.lower()
        out.append(lower if len(lower) == 1 else char)
    return "".join(out)


def is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


class TermDetector:
    """Finds any term of any named list; one Finding per (occurrence, list)."""

    name = "terms"

    def __init__(self, term_lists: Mapping[str, Sequence[str]]) -> None:
        # folded term -> {list label: term as written}
        entries: dict[str, dict[str, str]] = {}
        for label, terms in term_lists.items():
            for term in terms:
                term = term.strip()
                if term:
                    entries.setdefault(fold(term), {}).setdefault(label, term)
        self.term_count = len(entries)
        self._automaton: ahocorasick.Automaton | None = None
        if entries:
            automaton = ahocorasick.Automaton()
            for key, by_label in entries.items():
                automaton.add_word(key, (len(key), tuple(by_label.items())))
            automaton.make_automaton()
            self._automaton = automaton

    def detect(self, text: str) -> list[Finding]:
        if self._automaton is None:
            return []
        findings = []
        for last, (length, by_label) in self._automaton.iter(fold(text)):
            start, end = last + 1 - length, last + 1
            if not on_word_boundaries(text, start, end):
                continue
            findings.extend(
                Finding(
                    detector=self.name,
                    kind="term",
                    label=label,
                    start=start,
                    end=end,
                    score=1.0,
                    explanation=f'term "{term}" from {label}',
                )
                for label, term in by_label
            )
        return findings


def on_word_boundaries(text: str, start: int, end: int) -> bool:
    """Like regex \\b at each end: only where the term itself begins/ends with a word char."""
    if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
        return False
    if is_word_char(text[end - 1]) and end < len(text) and is_word_char(text[end]):
        return False
    return True

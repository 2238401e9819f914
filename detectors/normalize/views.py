"""Views: every normalized reading of one post, each built once, on first use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from types import MappingProxyType

from detectors.normalize import decode, digits, plain
from detectors.normalize.view import Draft, View

VIEW_NAMES = ("raw", "plain", "pii", "terms", "decoded", "decoded_terms")

# Which views of a post each detector reads (see detectors.normalize.Views).
# Patterns also read the raw text: an admin's regex may target characters that
# normalization folds away. A detector not listed reads the raw text only.
VIEWS_BY_DETECTOR: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "presidio": ("pii",),
        "secrets": ("plain", "decoded"),
        "terms": ("terms", "decoded_terms"),
        "patterns": ("raw", "plain", "decoded"),
    }
)
RAW_ONLY = ("raw",)


class Views:
    """The views of one post (see DESIGN.md, Normalization).

    raw: the text as written. plain: NFKC, invisible characters removed,
    look-alikes folded, defanging undone. pii: plain with digit words, emoji
    keycaps and spaced-out digits turned into ordinary digit groups. terms:
    plain case-folded, accents stripped, whitespace collapsed, split words
    (F.a.l.c.o.n) joined. decoded: one plain view per base64/hex/percent run.
    decoded_terms: the terms fold of each decoded view.

    A view that normalization leaves unchanged is the same object as the one
    it derives from, so a detector never reads the same text twice.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def _raw_draft(self) -> Draft:
        return Draft.identity(self.text)

    @cached_property
    def raw(self) -> View:
        return self._raw_draft.view("raw")

    @cached_property
    def _plain_draft(self) -> Draft:
        return plain.plain(self._raw_draft)

    @cached_property
    def plain(self) -> View:
        return self._derived(self._plain_draft, self._raw_draft, self.raw, "plain")

    @cached_property
    def pii(self) -> View:
        return self._derived(digits.pii(self._plain_draft), self._plain_draft, self.plain, "pii")

    @cached_property
    def terms(self) -> View:
        return plain.terms(self._plain_draft).view("terms")

    @cached_property
    def decoded(self) -> tuple[View, ...]:
        return decode.decoded_views(self.plain, plain.plain_text)

    @cached_property
    def decoded_terms(self) -> tuple[View, ...]:
        return tuple(
            View.of_run("decoded_terms", terms_text(v.text), v.offsets[0], v.offsets[-1], v.source)
            for v in self.decoded
        )

    def get(self, name: str) -> tuple[View, ...]:
        if name not in VIEW_NAMES:
            raise KeyError(f"unknown view {name!r}; known: {', '.join(VIEW_NAMES)}")
        value = getattr(self, name)
        return value if isinstance(value, tuple) else (value,)

    def select(self, names: Iterable[str]) -> Iterator[View]:
        """The views of those names, each distinct object once, in order."""
        seen: set[int] = set()
        for name in names:
            for view in self.get(name):
                if id(view) not in seen:
                    seen.add(id(view))
                    yield view

    @staticmethod
    def _derived(draft: Draft, parent: Draft, parent_view: View, name: str) -> View:
        return parent_view if draft is parent else draft.view(name)


def views(text: str) -> Views:
    return Views(text)


def terms_text(text: str) -> str:
    """The terms fold of a text on its own (no offsets)."""
    return plain.terms(plain.plain(Draft.identity(text))).text


def fold_term(term: str) -> str:
    """A policy term as the term matcher's automaton stores it: terms fold, then leet."""
    return plain.fold_leet(terms_text(term))

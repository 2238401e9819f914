"""Views: every normalized reading of one post, each built once, on first use."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Generic, TypeVar, overload

from detectors import secrets_split
from detectors.normalize import (
    bidi,
    camel,
    decode,
    digits,
    flipped,
    hyphens,
    joined,
    nato,
    plain,
    prefixes,
    readings,
    rot13,
)
from detectors.normalize.view import Draft, View

VIEW_NAMES = (
    "raw", "plain", "pii", "terms", "decoded", "decoded_terms",
    "display", "display_terms", "camel", "nato", "nato_pii", "nato_secrets",
    "joined", "backwards", "reversed", "reversed_pii", "rot13",
)  # fmt: skip

# Which views of a post each detector reads (see detectors.normalize.Views).
# Patterns also read the raw text: an admin's regex may target characters that
# normalization folds away. A detector not listed reads the raw text only.
VIEWS_BY_DETECTOR: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "presidio": ("pii", "nato_pii", "reversed_pii"),
        "secrets": (
            "plain",
            "decoded",
            "display",
            "joined",
            "backwards",
            "reversed",
            "rot13",
            "nato_secrets",
        ),
        "terms": ("terms", "decoded_terms", "display_terms", "camel", "nato"),
        "patterns": ("raw", "plain", "decoded"),
    }
)
RAW_ONLY = ("raw",)
T = TypeVar("T")


class built_once(Generic[T]):
    """functools.cached_property without its lock: a post's Views are read by one thread.

    CPython 3.11's takes an RLock on every first read, which costs more than a
    view with nothing to do (about a microsecond, and a post reads some twenty
    views); 3.12 dropped the lock.
    """

    def __init__(self, build: Callable[[Any], T]) -> None:
        self.build = build
        self.name = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> built_once[T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...
    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.build(instance)
        return value


class Views:
    """The views of one post (see DESIGN.md, Normalization).

    raw: the text as written. plain: NFKC, invisible characters removed,
    look-alikes folded, defanging undone. pii: plain with digit words, emoji
    keycaps and spaced-out digits turned into ordinary digit groups, in
    display order if bidi controls reorder the post. terms:
    plain case-folded, accents stripped, whitespace collapsed, split words
    (F.a.l.c.o.n) joined. decoded: one plain view per base64/base32/hex/percent
    run.
    decoded_terms: the terms fold of each decoded view. display: plain in the
    order bidi controls show it (bidi.py); display_terms: its terms fold.
    camel: terms with CamelCase words split (camel.py). nato: terms with
    NATO alphabet spellings read as letters and digits (nato.py); nato_pii:
    the same spellings read on plain, in capitals (JX482917B), none if there
    is no spelling; nato_secrets: likewise, each spelling one value
    (KELP77TRAM), for the secrets rules. backwards: each line of a post typed
    backwards, read the right way round (readings.py), none unless a cheap
    hint says it is. reversed: plain with tokens typed backwards read the
    right way round in place (flipped.py); reversed_pii: the pii fold of
    its reversed numbers and addresses with the words just before them (only
    when a word says the post is reversed). rot13: plain read as ROT13
    (rot13.py), when the word ROT13 or a provider's prefix in ROT13 is there.
    These are built only when a cheap hint says the post has something for
    them. joined: plain with a prefixed key's pieces rejoined (joined.py),
    none if nothing was.

    A view that normalization leaves unchanged is the same object as the one
    it derives from, so a detector never reads the same text twice.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @built_once
    def _raw_draft(self) -> Draft:
        return Draft.identity(self.text)

    @built_once
    def raw(self) -> View:
        return self._raw_draft.view("raw")

    @built_once
    def _plain_draft(self) -> Draft:
        return plain.plain(self._raw_draft)

    @built_once
    def plain(self) -> View:
        return self._derived(self._plain_draft, self._raw_draft, self.raw, "plain")

    @built_once
    def pii(self) -> View:
        shown = self._display_draft  # None unless bidi controls reorder the post (cheap hint)
        if shown is not None:
            return digits.pii(shown).view("pii", bidi.SOURCE)
        return self._derived(digits.pii(self._plain_draft), self._plain_draft, self.plain, "pii")

    @built_once
    def _terms_draft(self) -> Draft:
        return plain.terms(self._plain_draft)

    @built_once
    def terms(self) -> View:
        return self._terms_draft.view("terms")

    @built_once
    def _display_draft(self) -> Draft | None:
        shown = bidi.display(self._raw_draft) if bidi.has_controls(self.text) else None
        return plain.plain(shown) if shown is not None else None

    @built_once
    def display(self) -> View:
        shown = self._display_draft
        return self.plain if shown is None else shown.view("display", bidi.SOURCE)

    @built_once
    def display_terms(self) -> View:
        shown = self._display_draft
        if shown is None:
            return self.terms
        return plain.terms(shown).view("display_terms", bidi.SOURCE)

    @built_once
    def camel(self) -> View:
        split = camel.camel(self._plain_draft) if camel.has_camel_case(self.plain.text) else None
        return self.terms if split is None else plain.terms(split).view("camel", camel.SOURCE)

    @built_once
    def nato(self) -> View:
        terms = self._terms_draft
        spelled = nato.nato(terms) if nato.has_spelling(terms.text) else None
        return self.terms if spelled is None else spelled.view("nato", nato.SOURCE)

    @built_once
    def nato_pii(self) -> tuple[View, ...]:
        return self._nato_plain("nato_pii", whole=False)

    @built_once
    def nato_secrets(self) -> tuple[View, ...]:
        return self._nato_plain("nato_secrets", whole=True)

    def _nato_plain(self, name: str, *, whole: bool) -> tuple[View, ...]:
        if self.nato is self.terms:  # no spelling (cheap hint)
            return ()
        spelled = nato.nato(self._plain_draft, for_pii=True, whole=whole)
        return () if spelled is None else (spelled.view(name, nato.SOURCE),)

    @built_once
    def _plain_lowered(self) -> str:
        return plain.fold_case(self.plain.text)

    @built_once
    def _says_reversed(self) -> bool:
        return flipped.said(self._plain_lowered)

    @built_once
    def _prefix_hints(self) -> prefixes.Hints:
        return prefixes.hints(self._plain_lowered, secrets_split.prefix_keywords())

    @built_once
    def _flipped(self) -> flipped.Flipped | None:
        ends = self._prefix_hints.reversed_ends
        return flipped.flipped(self._plain_draft, ends, said_so=self._says_reversed)

    @built_once
    def reversed(self) -> tuple[View, ...]:
        found = self._flipped
        return () if found is None else (found.draft.view("reversed", flipped.SOURCE),)

    @built_once
    def reversed_pii(self) -> tuple[View, ...]:
        found = self._flipped
        draft = None if found is None else flipped.pii_reading(found)
        return () if draft is None else (digits.pii(draft).view("reversed_pii", flipped.SOURCE),)

    @built_once
    def rot13(self) -> tuple[View, ...]:
        if not (rot13.said(self._plain_lowered) or self._prefix_hints.rot13):
            return ()
        return (rot13.rot13(self._plain_draft).view("rot13", rot13.SOURCE),)

    @built_once
    def backwards(self) -> tuple[View, ...]:
        if not readings.reads_backwards(self.terms.text):  # case-folded already
            return ()
        shown = self.plain
        folded = plain.fold_case(shown.text)
        return tuple(
            View.of_run(
                "backwards",
                shown.text[start:end][::-1],
                shown.offsets[start],
                shown.ends[end - 1],
                readings.BACKWARDS,
            )
            for start, end in readings.backwards_lines(folded)
        )

    @built_once
    def joined(self) -> tuple[View, ...]:
        draft = joined.joined(self._plain_draft, secrets_split.prefix_keywords())
        return () if draft is self._plain_draft else (draft.view("joined", joined.SOURCE),)

    @built_once
    def decoded(self) -> tuple[View, ...]:
        return decode.decoded_views(self.plain, plain.plain_text)

    @built_once
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
    """A policy term as the term matcher's automaton stores it: terms fold, inner hyphens
    dropped (hyphens.py), then leet."""
    return plain.fold_leet(hyphens.strip(terms_text(term)))

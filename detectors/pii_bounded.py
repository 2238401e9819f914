"""Bounded cost for the PII path: presidio's regexes under the scan's deadline, a tokenizer
without spaCy's quadratic corner.

- ``BoundedRegistry``: presidio's RecognizerRegistry whose every PatternRecognizer
  (predefined, Gatepost's, any added later) matches through
  ``detectors.budget.BoundedRegex``, so each regex call gets the time left in the
  scan as its timeout; and whose recognizer lists check the deadline between
  one recognizer and the next. Recognizers that run regexes of their own, not
  their patterns' ``compiled_regex`` (presidio's IbanRecognizer), are stopped
  only between recognizers; the phone recognizer checks the deadline itself,
  between regions and stretches of text.
- ``BoundedTokenizer``: spaCy's tokenizer strips prefixes and suffixes one at a
  time and runs its suffix regex (``...$``, tried at every position) over the
  whole remaining chunk each time, so a 5,000-character run of ``="`` took
  4.5 s. The suffix regex now sees only a chunk's last ``SUFFIX_WINDOW``
  characters (spaCy's suffixes are shorter), and a chunk with a long run of
  punctuation, or a very long chunk, is split into word and punctuation runs
  without spaCy: nothing in such a chunk is a context word or a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import regex
from presidio_analyzer import PatternRecognizer, RecognizerRegistry
from spacy.tokens import Doc

from detectors import budget

SUFFIX_WINDOW = 10  # characters; spaCy's English suffixes are 1-4 plus one look-behind
MAX_CHUNK = 100  # longer whitespace-free chunks skip spaCy's affix rules
PUNCT_RUN = 5  # a chunk with this many punctuation marks in a row does too
ODD_CHUNK = re.compile(rf"[^\w\s]{{{PUNCT_RUN}}}|\S{{{MAX_CHUNK + 1}}}")
CHUNK = re.compile(r"\S+")
PIECE = re.compile(r"\w+|[^\w\s]+")


class CheckedList(list):
    """A list of recognizers whose iteration stops with BudgetSpent once the deadline passes."""

    def __iter__(self):  # type: ignore[override]
        for item in list.__iter__(self):
            budget.check()
            yield item


class BoundedRegistry(RecognizerRegistry):
    """A RecognizerRegistry whose pattern recognizers run within the scan's deadline."""

    def add_recognizer(self, recognizer: Any) -> None:
        bound_patterns(recognizer)
        super().add_recognizer(recognizer)

    def get_recognizers(self, *args: Any, **kwargs: Any) -> list:
        return CheckedList(super().get_recognizers(*args, **kwargs))

    def bind_all(self) -> None:
        """Bind recognizers that reached the list without add_recognizer (predefined ones)."""
        for recognizer in self.recognizers:
            bound_patterns(recognizer)


def bound_patterns(recognizer: Any) -> None:
    """Compile each Pattern of a PatternRecognizer as a BoundedRegex, with its flags.

    presidio's PatternRecognizer.analyze uses ``Pattern.compiled_regex`` as
    long as ``compiled_with_flags`` equals the flags it matches with (the
    recognizer's ``global_regex_flags``), so setting both is enough.
    """
    if not isinstance(recognizer, PatternRecognizer):
        return
    flags = recognizer.global_regex_flags
    for pattern in recognizer.patterns:
        if isinstance(pattern.compiled_regex, budget.BoundedRegex) and (
            pattern.compiled_with_flags == flags
        ):
            continue
        pattern.compiled_regex = budget.BoundedRegex(regex.compile(pattern.regex, flags=flags))
        pattern.compiled_with_flags = flags


class BoundedTokenizer:
    """spaCy's tokenizer with its suffix search windowed and odd chunks split cheaply.

    Offsets are the text's own: the Doc's text is the input text.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.inner = tokenizer
        self.vocab = tokenizer.vocab
        search: Callable[[str], Any] | None = tokenizer.suffix_search
        if search is not None and not getattr(search, "windowed", False):
            windowed = _windowed(search)
            tokenizer.suffix_search = windowed

    def __call__(self, text: str) -> Doc:
        if not ODD_CHUNK.search(text):
            return self.inner(text)
        words: list[str] = []
        spaces: list[bool] = []
        pos = 0
        for chunk in CHUNK.finditer(text):
            if not ODD_CHUNK.search(chunk.group()):
                continue
            self._extend(words, spaces, self.inner(text[pos : chunk.start()]))
            pieces = PIECE.findall(chunk.group())
            words.extend(pieces)
            spaces.extend([False] * len(pieces))
            pos = chunk.end()
            if text[pos : pos + 1] == " ":
                spaces[-1] = True
                pos += 1
        self._extend(words, spaces, self.inner(text[pos:]))
        return Doc(self.vocab, words=words, spaces=spaces)

    @staticmethod
    def _extend(words: list[str], spaces: list[bool], doc: Iterable[Any]) -> None:
        for token in doc:
            words.append(token.text)
            spaces.append(bool(token.whitespace_))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _windowed(search: Callable[[str], Any]) -> Callable[[str], Any]:
    def windowed(string: str) -> Any:
        # spaCy uses only the match's length, so a match in the tail is as good.
        return search(string[-SUFFIX_WINDOW:])

    windowed.windowed = True  # type: ignore[attr-defined]
    return windowed


def bound_tokenizer(nlp: Any) -> None:
    """Give a loaded spaCy pipeline the bounded tokenizer (once)."""
    if not isinstance(nlp.tokenizer, BoundedTokenizer):
        nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)

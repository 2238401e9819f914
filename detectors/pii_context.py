"""Context words: which words near a match raise its score, and by how much.

Presidio's default enhancer matches a context word as a SUBSTRING of any
nearby word, so "tin" (ITIN) fires on "meeting", "cell" (phone) on
"excellent", "card" on "discard" and "us" (passport) on "business". Gatepost
matches by word instead:

- a context word of 4 letters or more matches a nearby word it starts
  ("card" matches "cards", "call" matches "calling", "check" matches "checking");
- a shorter one must be the whole word ("ssn", "tin", "dl", "tel");
- nearby words are split into their letter runs first, so "SSN#219-09-9999",
  "acct#12345678" and "tel:+1..." still carry their context word.

A context word lifts a match to at least ``MIN_SCORE_WITH_CONTEXT``: a bare
9-digit number next to "passport" or "ssn" counts (0.5, the default policy's
min_score); without one it stays weak and below the per-entity floors of
``detectors.pii.ENTITY_MIN_SCORES``.
"""

from __future__ import annotations

import re

from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

# Presidio's boost for a context word, kept.
CONTEXT_SIMILARITY_FACTOR = 0.35
MIN_SCORE_WITH_CONTEXT = 0.5
# Words before a match that may carry context (presidio: 5; the match's first
# token counts as one, for "SSN#219-09-9999"), and after its last token
# ("4155550132 is my cell", "+44 7700 900456, call me"; presidio: 0). Stop
# words are not counted.
WORDS_BEFORE = 5
WORDS_AFTER = 2
PREFIX_MATCH_MIN_LETTERS = 4
LETTER_RUN = re.compile(r"[^\W\d_]+")


def supportive_word(nearby: list[str], context_words: list[str]) -> str:
    """The first context word found among the nearby words, or ""."""
    words = {run for word in nearby for run in LETTER_RUN.findall(word.lower())}
    for context_word in context_words:
        wanted = context_word.lower().strip()
        if wanted in words:
            return context_word
        if len(wanted) >= PREFIX_MATCH_MIN_LETTERS and any(w.startswith(wanted) for w in words):
            return context_word
    return ""


class WordContextEnhancer(LemmaContextAwareEnhancer):
    """presidio's lemma context enhancer, matching context words by word, not substring."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=CONTEXT_SIMILARITY_FACTOR,
            min_score_with_context_similarity=MIN_SCORE_WITH_CONTEXT,
            context_prefix_count=WORDS_BEFORE,
            context_suffix_count=WORDS_AFTER,
        )

    def _extract_surrounding_words(
        self, nlp_artifacts: NlpArtifacts, word: str, start: int
    ) -> list[str]:
        # Presidio counts the words after a match from its FIRST token, so the
        # number's own tokens ("+44", "7700", "900456") use up the window and
        # "+44 7700 900456, call me" never sees "call". Count from its last.
        if not nlp_artifacts.tokens:
            return [""]
        tokens, offsets = nlp_artifacts.tokens, nlp_artifacts.tokens_indices
        first = self._find_index_of_match_token(word, start, tokens, offsets)
        end = start + len(word)
        last = max(i for i in range(first, len(tokens)) if i == first or offsets[i] < end)
        lemmas, keywords = nlp_artifacts.lemmas, nlp_artifacts.keywords
        before = self._add_n_words_backward(first, WORDS_BEFORE, lemmas, keywords)
        # _add_n_words takes n + 1 words from the index on: WORDS_AFTER from last + 1.
        after = self._add_n_words_forward(last + 1, WORDS_AFTER - 1, lemmas, keywords)
        return list(set(before + after))

    @staticmethod
    def _find_supportive_word_in_context(
        context_list: list[str], recognizer_context_list: list[str], matching_mode: str = ""
    ) -> str:
        # Overrides presidio's (substring or whole-word) matching; see the module doc.
        if not context_list or not recognizer_context_list:
            return ""
        return supportive_word(context_list, recognizer_context_list)

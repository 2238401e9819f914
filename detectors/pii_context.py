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

import bisect
import copy
import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import (
    ContextAwareEnhancer,
    LemmaContextAwareEnhancer,
)
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
# Tokens walked past (stop words, punctuation) looking for those words: a post
# of punctuation would otherwise make every match walk the whole post.
MAX_WALK = 40


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

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """presidio's enhancement, without its deep copy of every result: a crafted
        post has hundreds of weak matches, and copying them cost more than the rest
        of its scan. A result is copied (with its own explanation) only when its
        score changes, so the raw results stay as they were, as in presidio's."""
        if nlp_artifacts is None:
            return list(raw_results)
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        extra = [word.lower() for word in context or ()]
        results = []
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is not None and recognizer.context and not metadata.get(
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY
            ):
                result = self._enhanced(text, result, nlp_artifacts, recognizer, extra)
            results.append(result)
        return results

    def _enhanced(
        self,
        text: str,
        result: RecognizerResult,
        nlp_artifacts: NlpArtifacts,
        recognizer: EntityRecognizer,
        extra: list[str],
    ) -> RecognizerResult:
        words = self._extract_surrounding_words(
            nlp_artifacts=nlp_artifacts, word=text[result.start : result.end], start=result.start
        )
        word = self._find_supportive_word_in_context(
            words + extra, recognizer.context, self.context_matching_mode
        )
        if not word:
            return result
        result = copy.copy(result)
        result.score = min(
            max(result.score + self.context_similarity_factor,
                self.min_score_with_context_similarity),
            ContextAwareEnhancer.MAX_SCORE,
        )
        if result.analysis_explanation is not None:
            result.analysis_explanation = copy.copy(result.analysis_explanation)
            result.analysis_explanation.set_supportive_context_word(word)
            result.analysis_explanation.set_improved_score(result.score)
        return result

    def _extract_surrounding_words(
        self, nlp_artifacts: NlpArtifacts, word: str, start: int
    ) -> list[str]:
        # Presidio counts the words after a match from its FIRST token, so the
        # number's own tokens ("+44", "7700", "900456") use up the window and
        # "+44 7700 900456, call me" never sees "call". Count from its last.
        # Tokens are found by bisection and keywords looked up in a set:
        # presidio's linear scans cost (matches x tokens) on a crafted post.
        if not nlp_artifacts.tokens:
            return [""]
        ends, keywords = _token_ends(nlp_artifacts), _keyword_set(nlp_artifacts)
        first = bisect.bisect_right(ends, start)
        if first >= len(ends):
            raise ValueError("a match starts after the last token")
        last = max(first, bisect.bisect_left(nlp_artifacts.tokens_indices, start + len(word)) - 1)
        lemmas = nlp_artifacts.lemmas
        before = near_keywords(lemmas, keywords, first, WORDS_BEFORE + 1, step=-1)
        after = near_keywords(lemmas, keywords, last + 1, WORDS_AFTER, step=1)
        return list(set(before + after))

    @staticmethod
    def _find_supportive_word_in_context(
        context_list: list[str], recognizer_context_list: list[str], matching_mode: str = ""
    ) -> str:
        # Overrides presidio's (substring or whole-word) matching; see the module doc.
        if not context_list or not recognizer_context_list:
            return ""
        return supportive_word(context_list, recognizer_context_list)


def near_keywords(
    lemmas: list[str], keywords: frozenset[str], index: int, count: int, step: int
) -> list[str]:
    """Up to count keywords among the lemmas from index on (step -1: backwards).

    Walks at most MAX_WALK tokens past non-keywords.
    """
    found: list[str] = []
    skipped = 0
    i = index
    while 0 <= i < len(lemmas) and len(found) < count and skipped <= MAX_WALK:
        lemma = lemmas[i].lower()
        if lemma in keywords:
            found.append(lemma)
        else:
            skipped += 1
        i += step
    return found


def _token_ends(artifacts: NlpArtifacts) -> list[int]:
    """Where each token ends (offset after it), computed once per post's artifacts."""
    ends = getattr(artifacts, "token_ends", None)
    if ends is None:
        ends = [token.idx + len(token) for token in artifacts.tokens]
        artifacts.token_ends = ends  # type: ignore[attr-defined]
    return ends


def _keyword_set(artifacts: NlpArtifacts) -> frozenset[str]:
    keywords = getattr(artifacts, "keyword_set", None)
    if keywords is None:
        keywords = frozenset(artifacts.keywords)
        artifacts.keyword_set = keywords  # type: ignore[attr-defined]
    return keywords

"""RecognizerResult for recognizers that score a match themselves (not by pattern)."""

from __future__ import annotations

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult


def scored_result(
    recognizer: EntityRecognizer,
    entity: str,
    span: tuple[int, int],
    score: float,
    pattern_name: str,
    why: str,
    *,
    final: bool,
) -> RecognizerResult:
    """A result with its explanation; final: no context word may raise the score
    (a business address or line stays below the floor)."""
    explanation = AnalysisExplanation(
        recognizer=recognizer.name,
        original_score=score,
        pattern_name=pattern_name,
        textual_explanation=why,
    )
    return RecognizerResult(
        entity_type=entity,
        start=span[0],
        end=span[1],
        score=score,
        analysis_explanation=explanation,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
            RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: final,
        },
    )


def lift(result: RecognizerResult, word: str, score: float) -> RecognizerResult:
    """The result raised to score by a context word the recognizer found itself (a phrase
    presidio's enhancer cannot match, "at mine"); explained as the enhancer's lifts are."""
    result.score = score
    if result.analysis_explanation is not None:
        result.analysis_explanation.set_supportive_context_word(word)
        result.analysis_explanation.set_improved_score(score)
    return result

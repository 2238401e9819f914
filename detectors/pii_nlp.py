"""The spaCy side of PII detection, cut down to what presidio actually uses.

Presidio's default engine runs the whole spaCy pipeline (tok2vec, tagger,
parser, attribute ruler, lemmatizer, NER) on every post: about 90% of its
time. Gatepost's recognizers need much less:

- the NER entities (PERSON, LOCATION, ...) need only the ``ner`` component
  and whatever it listens to (in the sm/md/lg models ``ner`` has its own
  tok2vec, so nothing else): ``NerOnlyNlpEngine``;
- the pattern recognizers (cards, SSNs, phones, e-mail ...) need no model at
  all, only tokens for the context words around a match:
  ``TokensOnlyNlpEngine``, the tokenizer alone.

Lemmas are the lower-cased tokens in both. The tagger and lemmatizer cost more
than the NER itself, and the context enhancer (``detectors.pii_context``)
matches context words by prefix, with inflected forms listed in the
recognizers' context lists, so "cards" still finds "card".

Imported lazily by ``detectors.pii.build_analyzer``: it imports spaCy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.attrs import IDX, LENGTH, LOWER
from spacy.language import Language
from spacy.tokens import Doc

from detectors.pii_bounded import bound_tokenizer


def ner_components(nlp: Language) -> list[str]:
    """``ner`` and the components it listens to (a shared tok2vec or transformer)."""
    if "ner" not in nlp.pipe_names:
        return []
    feeding = [
        name for name, pipe in nlp.pipeline if "ner" in getattr(pipe, "listening_components", ())
    ]
    return [*feeding, "ner"]


WORD_CACHE = 65_536  # words whose stop-word and punctuation answers are kept


class NerOnlyNlpEngine(SpacyNlpEngine):
    """presidio's spaCy engine running only the components NER needs.

    context_words are never treated as stop words: presidio drops stop words
    before it looks for context, and spaCy counts "call" as one, so the phone
    recognizer's "call me at ..." would otherwise never count.
    """

    def __init__(
        self,
        model: str,
        *,
        language: str,
        ner_configuration: NerModelConfiguration,
        context_words: Iterable[str] = (),
    ) -> None:
        super().__init__(
            models=[{"lang_code": language, "model_name": model}],
            ner_model_configuration=ner_configuration,
        )
        self.context_words = frozenset(w.lower() for w in context_words)
        self._tokens_only: TokensOnlyNlpEngine | None = None
        # presidio asks about every token of every post; words repeat.
        self._stop = lru_cache(maxsize=WORD_CACHE)(self._is_stopword)
        self._punct = lru_cache(maxsize=WORD_CACHE)(super().is_punct)

    def load(self) -> None:
        # Not super().load(): presidio's would download a missing model. The
        # caller has checked that the model is installed.
        self.nlp = {}
        for model in self.models:
            nlp = spacy.load(model["model_name"])
            nlp.select_pipes(enable=ner_components(nlp))
            bound_tokenizer(nlp)  # no quadratic corner on a crafted post
            self.nlp[model["lang_code"]] = nlp

    def is_stopword(self, word: str, language: str) -> bool:
        return self._stop(word, language)

    def is_punct(self, word: str, language: str) -> bool:
        return self._punct(word, language)

    def _is_stopword(self, word: str, language: str) -> bool:
        return word not in self.context_words and super().is_stopword(word, language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        entities, scores = self._get_updated_entities(
            self._get_entities(doc), self._get_scores_for_entities(doc)
        )
        # One array read instead of a spaCy Token object per token and attribute.
        starts, lengths, lowers = doc.to_array([IDX, LENGTH, LOWER]).T.tolist()
        strings = doc.vocab.strings
        artifacts = NlpArtifacts(
            entities=entities,
            tokens=doc,
            tokens_indices=starts,
            lemmas=[strings[h] for h in lowers],
            nlp_engine=self,
            language=language,
            scores=scores,
        )
        # Where each token ends, for detectors.pii_context.
        artifacts.token_ends = [s + n for s, n in zip(starts, lengths, strict=True)]
        return artifacts

    def tokens_only(self) -> TokensOnlyNlpEngine:
        """The same model's tokenizer alone, for requests that need no NER entity."""
        if self._tokens_only is None:
            self._tokens_only = TokensOnlyNlpEngine(self)
        return self._tokens_only


class TokensOnlyNlpEngine(NerOnlyNlpEngine):
    """Tokens and lower-case lemmas, no model: all the pattern recognizers need.

    Shares the loaded spaCy model, its stop words and context words with the
    engine it is made from; finds no NER entities.
    """

    def __init__(self, full: NerOnlyNlpEngine) -> None:
        super().__init__(
            full.models[0]["model_name"],
            language=full.models[0]["lang_code"],
            ner_configuration=full.ner_model_configuration,
        )
        self.full = full
        self.models = full.models
        self.nlp = full.nlp

    def is_stopword(self, word: str, language: str) -> bool:
        return self.full.is_stopword(word, language)

    def load(self) -> None:
        """Nothing to load: the model is the full engine's."""

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return self._doc_to_nlp_artifact(self._language(language).make_doc(text), language)

    def process_batch(  # type: ignore[override]
        self, texts: Iterable[str], language: str, **_kwargs: object
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    def get_supported_entities(self) -> list[str]:
        return []

    def tokens_only(self) -> TokensOnlyNlpEngine:
        return self

    def _language(self, language: str) -> Language:
        nlp: Mapping[str, Language] | None = self.nlp
        if not nlp:
            raise ValueError("NLP engine is not loaded")
        return nlp[language]

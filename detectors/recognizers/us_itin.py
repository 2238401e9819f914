"""US ITINs: presidio's recognizer, except a number the words before it name as a part,
order or ticket number ("SKU 912-70-1234"), as for SSNs (named_numbers.py)."""

from __future__ import annotations

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import UsItinRecognizer

from detectors.recognizers.named_numbers import named_otherwise


class NamedItinRecognizer(UsItinRecognizer):
    """presidio's UsItinRecognizer: "SKU 912-70-1234" is a part number, not an ITIN."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in found if not named_otherwise(text, r.start, self.context)]

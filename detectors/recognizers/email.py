"""E-mail addresses: presidio's recognizer checked offline, minus fediverse handles.

"@alex@hachyderm.io" is a Mastodon account, not an e-mail address: a mention,
public by design, and in a microblogging gateway one of the commonest things
in a post. A match right after an "@" is such a handle and is dropped;
"alex@hachyderm.io" on its own is still an address.
"""

from __future__ import annotations

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.offline_email import OfflineEmailRecognizer

HANDLE_PREFIX = "@"


class EmailNotHandleRecognizer(OfflineEmailRecognizer):
    """OfflineEmailRecognizer that leaves "@user@server" account handles alone."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in found if text[r.start - 1 : r.start] != HANDLE_PREFIX]

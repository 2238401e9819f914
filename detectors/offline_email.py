"""Presidio's email recognizer, with its domain check kept off the network.

Presidio's ``EmailRecognizer.validate_result`` calls the module-level
``tldextract.extract``, whose default extractor downloads the public suffix
list on first use (and caches it under ~/.cache). Gatepost must never reach
for the network at run time, so this subclass validates with an extractor that
only reads the snapshot bundled inside the tldextract package.

Imported lazily by ``detectors.pii.build_analyzer``: importing it loads
presidio.
"""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import EmailRecognizer
from tldextract import TLDExtract

# No URLs to fetch, no disk cache to read or write: the bundled snapshot only.
OFFLINE_TLD_EXTRACTOR = TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class OfflineEmailRecognizer(EmailRecognizer):
    """EmailRecognizer whose domain check uses the bundled public suffix list."""

    def validate_result(self, pattern_text: str) -> bool:
        return OFFLINE_TLD_EXTRACTOR(pattern_text).fqdn != ""

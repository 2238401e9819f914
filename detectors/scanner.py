"""The orchestrator: run every detector on a post, time each, keep going on errors."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from detectors.base import Detector, DetectorsError, Finding
from detectors.patterns import PatternDetector
from detectors.pii import PiiDetector
from detectors.secrets import SecretDetector
from detectors.terms import TermDetector

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

# An error message sharing this many consecutive characters with the post is
# assumed to quote it, and is withheld: errors are logged and audited.
QUOTE_WINDOW = 8


@dataclass(frozen=True)
class ScanResult:
    """What the detectors found in one post.

    findings: sorted by (start, end); offsets into the original text.
    timings_ms: detector name -> wall time of its detect() call, in milliseconds.
    errors: detector name -> "ExceptionClass: message" (never post text). Any
    error means the scan is incomplete and the caller must fail closed.
    """

    findings: tuple[Finding, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class Scanner:
    """Runs detectors in order; a failing detector is recorded, not fatal."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)

    def scan(self, text: str) -> ScanResult:
        findings: list[Finding] = []
        timings: dict[str, float] = {}
        errors: dict[str, str] = {}
        for detector in self.detectors:
            started = time.perf_counter()
            try:
                findings.extend(detector.detect(text))
            except Exception as exc:  # any failure must hold the post, not crash the scan
                errors[detector.name] = describe_error(exc, text)
            finally:
                timings[detector.name] = (time.perf_counter() - started) * 1000
        findings.sort(key=lambda f: (f.start, f.end))
        return ScanResult(
            findings=tuple(findings),
            timings_ms=MappingProxyType(timings),
            errors=MappingProxyType(errors),
        )


def describe_error(exc: BaseException, text: str) -> str:
    """Exception class and message, the message withheld if it seems to quote the post."""
    message = str(exc)
    if quotes(message, text):
        message = "(message withheld: it quotes the post)"
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def quotes(message: str, text: str) -> bool:
    if len(text) < QUOTE_WINDOW:
        return bool(text.strip()) and text in message
    return any(text[i : i + QUOTE_WINDOW] in message for i in range(len(text) - QUOTE_WINDOW + 1))


def build_scanner(
    analyzer: AnalyzerEngine | None,
    *,
    term_lists: Mapping[str, Sequence[str]],
    patterns: Mapping[str, str],
    pii_entities: Iterable[str],
    secret_labels: Iterable[str] | None = None,
) -> Scanner:
    """Assemble the detectors a compiled policy needs; those with nothing to find are left out.

    secret_labels: None means the whole catalogue; an empty collection, none.
    """
    detectors: list[Detector] = []
    entities = tuple(pii_entities)
    if entities:
        if analyzer is None:
            raise DetectorsError("PII entities requested but no analyzer was given")
        detectors.append(PiiDetector(analyzer, entities))
    secrets = SecretDetector(secret_labels)
    if secrets.rules:
        detectors.append(secrets)
    if any(term_lists.values()):
        detectors.append(TermDetector(term_lists))
    if patterns:
        detectors.append(PatternDetector(patterns))
    return Scanner(detectors)

"""The orchestrator: run every detector on the views of a post it needs, time each,
map findings back to the original text, keep going on errors.

Each detector has a time budget (wall time per post). Python cannot stop a
running detector from outside its thread, so the budget stops work from the
inside: the Scanner opens a deadline around each detector's call
(detectors.budget), every regex the detector runs (policy patterns, presidio's
recognizers' patterns) gets the time left as its timeout, and the PII path
checks it between stages and recognizers; when it passes, the detector stops
with BudgetSpent. A detector that still returns late (code that does not look
at the deadline) is caught on return. Either way it counts as failed and its
findings are dropped, like those of one that raised.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

from detectors import budget
from detectors.base import Detector, DetectorsError, Finding
from detectors.normalize import RAW_ONLY, VIEWS_BY_DETECTOR, View, Views, fold_case
from detectors.patterns import PatternDetector
from detectors.pii import PiiDetector
from detectors.secrets import SecretDetector
from detectors.terms import TermDetector

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

# An error message sharing this many consecutive characters with the post is
# assumed to quote it, and is withheld: errors are logged and audited.
QUOTE_WINDOW = 8
CACHE_SIZE = 2048
BUDGET_MS = 2000.0  # per detector, per post; config key detector_budget_ms


@dataclass(frozen=True)
class ScanResult:
    """What the detectors found in one post.

    findings: sorted by (start, end); offsets into the original text.
    timings_ms: detector name -> wall time of its detect() calls, in milliseconds.
    errors: detector name -> "ExceptionClass: message" (never post text) for a
    detector that raised, or "exceeded its time budget of N ms (took T ms)".
    Any error means the scan is incomplete and the caller must fail closed.
    """

    findings: tuple[Finding, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class Scanner:
    """Runs detectors in order; a failing detector is recorded, not fatal.

    A detector fails if it raises or takes longer than budget_ms (0: no
    budget); clock is the timer (tests pass a fake). Results of complete scans
    are cached by text (LRU, cache_size entries): a Scanner is built per
    policy version, so the cache is too.
    """

    def __init__(
        self,
        detectors: Sequence[Detector],
        cache_size: int = CACHE_SIZE,
        *,
        budget_ms: float = BUDGET_MS,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.detectors = tuple(detectors)
        self.budget_ms = budget_ms
        self.clock = clock
        self._cache = ResultCache(cache_size)

    def scan(self, text: str) -> ScanResult:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        result = self._scan(text)
        if result.ok:  # an error may be transient (a time-out): scan again next time
            self._cache.put(text, result)
        return result

    def _scan(self, text: str) -> ScanResult:
        views = Views(text)
        best: dict[tuple[str, str, int, int], Finding] = {}
        timings: dict[str, float] = {}
        errors: dict[str, str] = {}
        for detector in self.detectors:
            started = self.clock()
            try:
                with budget.within(self.budget_ms / 1000, self.clock):
                    detect = detector_call(detector, best.values())
                    found = [
                        locate(finding, view, text)
                        for view in views.select(VIEWS_BY_DETECTOR.get(detector.name, RAW_ONLY))
                        for finding in detect(view.text)
                    ]
            except budget.BudgetSpent:
                stopped, found = True, []
            except Exception as exc:  # any failure must hold the post, not crash the scan
                errors[detector.name] = describe_error(exc, text)
                stopped, found = False, []
            else:
                stopped = False
            timings[detector.name] = elapsed = (self.clock() - started) * 1000
            if stopped:
                errors[detector.name] = (
                    f"exceeded its time budget of {self.budget_ms:.0f} ms "
                    f"(stopped after {elapsed:.0f} ms)"
                )
            elif self.budget_ms and elapsed > self.budget_ms and detector.name not in errors:
                errors[detector.name] = (
                    f"exceeded its time budget of {self.budget_ms:.0f} ms (took {elapsed:.0f} ms)"
                )
                found = []  # not trusted: the post is held whole for review
            for finding in found:
                keep_best(best, finding)
        findings = sorted(best.values(), key=lambda f: (f.start, f.end))
        return ScanResult(
            findings=tuple(findings),
            timings_ms=MappingProxyType(timings),
            errors=MappingProxyType(errors),
        )


def detector_call(detector: Detector, found: Iterable[Finding]) -> Callable[[str], list[Finding]]:
    """detector.detect, given the term-list labels found so far if it asks for them
    (a PiiDetector whose NER is gated by context terms)."""
    if not getattr(detector, "needs_terms_found", False):
        return detector.detect
    labels = frozenset(f.label for f in found if f.kind == "term")
    return lambda view_text: detector.detect(view_text, labels)  # type: ignore[call-arg]


def locate(finding: Finding, view: View, text: str) -> Finding:
    """The finding with offsets into the original text, saying where it was found."""
    if view.name == "raw":
        return finding
    start, end = view.to_original(finding.start, finding.end)
    if view.source:
        note = f" (in a {view.source})"
    elif fold_case(text[start:end]) != fold_case(view.text[finding.start : finding.end]):
        note = " (found after normalization)"
    else:
        note = ""
    return replace(finding, start=start, end=end, explanation=finding.explanation + note)


def keep_best(best: dict[tuple[str, str, int, int], Finding], finding: Finding) -> None:
    """One finding per (detector, label, span): the highest score, the first on ties."""
    key = (finding.detector, finding.label, finding.start, finding.end)
    if key not in best or finding.score > best[key].score:
        best[key] = finding


class ResultCache:
    """A small thread-safe LRU map of post text -> ScanResult."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, ScanResult] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> ScanResult | None:
        with self._lock:
            result = self._items.get(text)
            if result is not None:
                self._items.move_to_end(text)
            return result

    def put(self, text: str, result: ScanResult) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[text] = result
            self._items.move_to_end(text)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


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
    budget_ms: float = BUDGET_MS,
    pii_gates: Mapping[str, Iterable[str]] | None = None,
) -> Scanner:
    """Assemble the detectors a compiled policy needs; those with nothing to find are left out.

    secret_labels: None means the whole catalogue; an empty collection, none.
    budget_ms: each detector's time budget per post (0: none).
    pii_gates: PII entity -> the term-list labels every rule using it needs
    as context (Policy.pii_gates); NER runs only where one was found, so the
    terms detector then runs before the PII detector.
    """
    detectors: list[Detector] = []
    entities = tuple(pii_entities)
    if entities:
        if analyzer is None:
            raise DetectorsError("PII entities requested but no analyzer was given")
        detectors.append(PiiDetector(analyzer, entities, ner_gates=pii_gates))
    secrets = SecretDetector(secret_labels)
    if secrets.rules:
        detectors.append(secrets)
    if any(term_lists.values()):
        terms = TermDetector(term_lists)
        gated = any(getattr(d, "needs_terms_found", False) for d in detectors)
        detectors.insert(0 if gated else len(detectors), terms)
    if patterns:
        detectors.append(PatternDetector(patterns))
    return Scanner(detectors, budget_ms=budget_ms)

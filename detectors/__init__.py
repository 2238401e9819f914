"""Detectors find things in a post (PII, secrets, policy terms and patterns).

They never decide: policies turn Findings into a Decision. Importing this
package is cheap; presidio and the spaCy model load only in build_analyzer().
"""

from detectors.base import Detector, DetectorFailed, DetectorsError, Finding, replace_spans
from detectors.patterns import InvalidPattern, PatternDetector
from detectors.pii import ModelNotInstalled, PiiDetector, UnknownEntity, build_analyzer
from detectors.registry import DETECTORS, PII_ENTITIES, SECRET_LABELS
from detectors.scanner import Scanner, ScanResult, build_scanner
from detectors.secrets import CATALOGUE, SecretDetector, SecretRule, UnknownSecretLabel
from detectors.terms import TermDetector

__all__ = [
    "CATALOGUE",
    "DETECTORS",
    "PII_ENTITIES",
    "SECRET_LABELS",
    "Detector",
    "DetectorFailed",
    "DetectorsError",
    "Finding",
    "InvalidPattern",
    "ModelNotInstalled",
    "PatternDetector",
    "PiiDetector",
    "ScanResult",
    "Scanner",
    "SecretDetector",
    "SecretRule",
    "TermDetector",
    "UnknownEntity",
    "UnknownSecretLabel",
    "build_analyzer",
    "build_scanner",
    "replace_spans",
]

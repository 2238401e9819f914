"""Text normalization with an offset map back to the original post.

``views(text)`` gives every reading of a post that the detectors need (see
Views); each finding made on a view maps back with ``View.to_original``.
"""

from detectors.normalize.plain import fold_case, fold_leet
from detectors.normalize.view import View
from detectors.normalize.views import (
    RAW_ONLY,
    VIEW_NAMES,
    VIEWS_BY_DETECTOR,
    Views,
    fold_term,
    terms_text,
    views,
)

__all__ = [
    "RAW_ONLY",
    "VIEWS_BY_DETECTOR",
    "VIEW_NAMES",
    "View",
    "Views",
    "fold_case",
    "fold_leet",
    "fold_term",
    "terms_text",
    "views",
]

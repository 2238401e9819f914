"""The audit log: decisions in a hash chain, outbox, review queue, policy versions, users.

Everything lives in one SQLite file, written through sqlite-utils. Matched
PII and secret values are masked before they are stored; a flagged post's
raw text is held only until it is reviewed.
"""

from .chain import ChainReport
from .errors import (
    AlreadyAppealed,
    AlreadyReviewed,
    AppealTextMismatch,
    AuditError,
    DuplicateReference,
    DuplicateUser,
    InvalidRole,
    InvalidUserName,
    NotAppealable,
    UnknownReference,
    UnknownUser,
)
from .masking import mask_text
from .store import AuditLog, new_reference
from .users import ROLES, User

__all__ = [
    "ROLES",
    "AlreadyAppealed",
    "AlreadyReviewed",
    "AppealTextMismatch",
    "AuditError",
    "AuditLog",
    "ChainReport",
    "DuplicateReference",
    "DuplicateUser",
    "InvalidRole",
    "InvalidUserName",
    "NotAppealable",
    "UnknownReference",
    "UnknownUser",
    "User",
    "mask_text",
    "new_reference",
]

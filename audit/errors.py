"""Errors of the audit package, all under one base class."""

from __future__ import annotations


class AuditError(Exception):
    """Base class for errors raised by the audit package."""


class UnknownReference(AuditError):
    """No decision, outbox entry or review item has this reference."""


class DuplicateReference(AuditError):
    """A decision with this reference is already recorded."""


class DuplicateUser(AuditError):
    """A user with this name already exists."""


class UnknownUser(AuditError):
    """No user has this name."""


class InvalidRole(AuditError, ValueError):
    """The role is not one of employee, officer, admin."""


class InvalidUserName(AuditError, ValueError):
    """The user name is empty or has surrounding whitespace."""


class AlreadyReviewed(AuditError):
    """The review item was already approved or rejected."""


class NotAppealable(AuditError):
    """The decision cannot be appealed: it let the post go, or is not the caller's."""


class AlreadyAppealed(AuditError):
    """The post was already appealed once."""


class AppealTextMismatch(AuditError, ValueError):
    """The text given with an appeal is not the text that was blocked."""

"""The policies package's exceptions, all under PolicyError."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyIssue:
    """One validation problem, located by file, line (1-based) and key path.

    str(issue) is ``FILE:LINE: key.path: message``; the path part is left
    out when the problem has no key path (a YAML syntax error, an empty file).
    """

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class PolicyError(Exception):
    """Base class for errors raised by the policies package."""


class PolicyUnreadable(PolicyError):
    """The policy file itself could not be read."""


class PolicyInvalid(PolicyError):
    """The policy failed validation; ``issues`` holds every problem found."""

    def __init__(self, issues: list[PolicyIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

"""The per-scan time budget, where the work is done: a deadline every regex call consults.

The Scanner opens a ``Deadline`` around each detector's call (``within``);
code deep inside the call, presidio's recognizers included, asks for the time
left (``remaining_s``) and passes it to the regex module as ``timeout=``. When
the time is up, ``BudgetSpent`` is raised: the detector stops, the scan records
an error and the post is held (DESIGN.md, "Fail closed"). The deadline is a
contextvar, so threads serving other posts each have their own.

``BoundedRegex`` stands in for the compiled regex of every pattern of every
presidio PatternRecognizer (``bound_recognizer``, applied to the whole registry
at build time): presidio calls ``compiled_regex.finditer(text, timeout=60)``
and catches ``TimeoutError`` to skip the pattern and go on, which would forward
the post half-scanned. ``BudgetSpent`` is not a TimeoutError, so it stops the
analysis instead.

Some work is capped by amount rather than time, where a crafted post could
make it costly but an ordinary one never meets the cap (the phone
recognizer's digit groups): ``WorkLimitReached`` stops the detector and the
post is held, as a spent budget does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import regex

from detectors.base import DetectorFailed

# The longest any one regex call may run when no scan has opened a deadline
# (a recognizer called directly, `gatepost policy check`): presidio's own
# default is 60 s.
UNBOUNDED_CALL_S = 2.0


class BudgetSpent(DetectorFailed):
    """The scan's time budget ran out while a detector was working; it was stopped."""


class WorkLimitReached(DetectorFailed):
    """A post held more of some costly work than a detector does per post; it was stopped."""


@dataclass(frozen=True)
class Deadline:
    """A point on ``clock`` (seconds) after which work must stop."""

    at: float
    clock: Callable[[], float] = time.perf_counter

    def remaining_s(self) -> float:
        return self.at - self.clock()


_CURRENT: ContextVar[Deadline | None] = ContextVar("gatepost_deadline", default=None)


@contextmanager
def within(seconds: float | None, clock: Callable[[], float] = time.perf_counter) -> Iterator[None]:
    """Run the block under a deadline ``seconds`` from now (None or 0: no deadline)."""
    deadline = Deadline(clock() + seconds, clock) if seconds else None
    token = _CURRENT.set(deadline)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def remaining_s(cap_s: float = UNBOUNDED_CALL_S) -> float:
    """Seconds left for the next piece of work, at most cap_s; BudgetSpent if none."""
    deadline = _CURRENT.get()
    if deadline is None:
        return cap_s
    left = deadline.remaining_s()
    if left <= 0:
        raise BudgetSpent("the scan's time budget ran out")
    return min(left, cap_s)


def check() -> None:
    """Raise BudgetSpent if the current deadline has passed."""
    remaining_s()


def spent_by_deadline() -> bool:
    """True if a deadline is open and has passed (tells a budget cut from a slow pattern)."""
    deadline = _CURRENT.get()
    return deadline is not None and deadline.remaining_s() <= 0


class BoundedRegex:
    """A compiled ``regex`` pattern whose every search runs within the current deadline.

    Offers what presidio's recognizers call on ``Pattern.compiled_regex``
    (finditer, search, match, fullmatch, findall, sub, split) and its
    ``pattern`` and ``flags``; the ``timeout`` a caller passes is replaced by
    the time left. A search cut off by the deadline raises BudgetSpent.
    """

    def __init__(self, compiled: regex.Pattern) -> None:
        self.compiled = compiled
        self.pattern = compiled.pattern
        self.flags = compiled.flags

    def finditer(self, string: str, *args: Any, **kwargs: Any) -> Iterator[Any]:
        # Materialised: the regex module's timeout runs from the call, and a
        # lazy iterator would leave the searching to presidio's loop.
        return iter(self._call(self._all_matches, string, args, kwargs))

    def search(self, string: str, *args: Any, **kwargs: Any) -> Any:
        return self._call(self.compiled.search, string, args, kwargs)

    def match(self, string: str, *args: Any, **kwargs: Any) -> Any:
        return self._call(self.compiled.match, string, args, kwargs)

    def fullmatch(self, string: str, *args: Any, **kwargs: Any) -> Any:
        return self._call(self.compiled.fullmatch, string, args, kwargs)

    def findall(self, string: str, *args: Any, **kwargs: Any) -> list[Any]:
        return self._call(self.compiled.findall, string, args, kwargs)

    def split(self, string: str, *args: Any, **kwargs: Any) -> list[str]:
        return self._call(self.compiled.split, string, args, kwargs)

    def sub(self, repl: Any, string: str, *args: Any, **kwargs: Any) -> str:
        return self._call(self.compiled.sub, repl, (string, *args), kwargs)

    def _call(self, method: Callable[..., Any], first: Any, args: tuple, kwargs: dict) -> Any:
        kwargs["timeout"] = remaining_s()
        try:
            return method(first, *args, **kwargs)
        except TimeoutError as exc:
            raise BudgetSpent(f"regex '{_short(self.pattern)}' ran out of time") from exc

    def _all_matches(self, string: str, *args: Any, **kwargs: Any) -> list[Any]:
        return list(self.compiled.finditer(string, *args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


def _short(pattern: str, limit: int = 40) -> str:
    return pattern if len(pattern) <= limit else pattern[: limit - 3] + "..."

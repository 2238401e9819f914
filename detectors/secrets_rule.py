"""SecretRule: one kind of secret, declared as data (the catalogues are lists of these)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

EXPLAIN_FIELDS = frozenset({"prefix", "kind", "keyword", "scheme", "chars", "entropy"})


@dataclass(frozen=True)
class SecretRule:
    """One kind of secret.

    pattern: the regex; a group named ``secret`` is the reported span (the rest
    is required context, e.g. a keyword); otherwise the whole match is.
    explain: why it matched, a template over EXPLAIN_FIELDS, never the value.
    keywords: literals (any case), one of which every match contains; the
    regex runs only on posts that contain one, which keeps clean posts cheap.
    min_entropy: Shannon bits per character the reported value needs.
    check: name of the final check of a match in secrets.CHECKS.
    score: 1.0 when the shape alone is conclusive, lower when it leans on a keyword.
    """

    label: str
    pattern: str
    description: str
    explain: str
    keywords: tuple[str, ...]
    min_entropy: float = 0.0
    check: str = "not_placeholder"
    score: float = 1.0
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))
        object.__setattr__(self, "keywords", tuple(k.lower() for k in self.keywords))
        names = {name for _, name, _, _ in string.Formatter().parse(self.explain) if name}
        if names - EXPLAIN_FIELDS or not self.keywords:
            raise ValueError(f"{self.label}: needs keywords and EXPLAIN_FIELDS only, got {names}")

"""Hostile posts for benchmarks/worst_case.py, built from a recognizer's own patterns.

Every text is exactly MAX_POST_CHARS long (the gateway refuses longer ones).
For each recognizer:

- generic shapes: ``="`` repeated (the post that once took 8.5 s), each
  character its patterns name repeated, digit runs with the separators its
  patterns accept, letters with dots (hostnames), ``a@`` (e-mail);
- for each of its patterns, the shortest string matching it (hypothesis's
  ``from_regex``, derandomized; skipped where hypothesis cannot read the
  regex): that match repeated with and without spaces (many results), and
  near misses (the match less its last character, repeated);
- its context words interleaved with that match (every result boosted).
"""

from __future__ import annotations

import string
from typing import Any

MAX_POST_CHARS = 5_000
SEPARATORS = " -./:"
MAX_ALPHABET = 10  # characters of a pattern repeated alone
MAX_TEXTS = 48  # per recognizer


def fill(unit: str) -> str:
    """unit repeated to exactly MAX_POST_CHARS characters."""
    if not unit:
        return ""
    return (unit * (MAX_POST_CHARS // len(unit) + 1))[:MAX_POST_CHARS]


def pattern_sources(recognizer: Any) -> list[str]:
    return [p.regex for p in getattr(recognizer, "patterns", None) or []]


def alphabet(sources: list[str]) -> list[str]:
    """Punctuation and sample characters the patterns mention, punctuation first."""
    named = set("".join(sources))
    punct = [c for c in string.punctuation if c in named]
    extra = []
    if any("\\d" in s or "0-9" in s for s in sources):
        extra.append("7")
    if any("\\w" in s or "a-z" in s.lower() for s in sources):
        extra.append("a")
    return (punct + extra)[:MAX_ALPHABET]


def shortest_match(source: str) -> str | None:
    """The shortest string hypothesis finds that fully matches source, or None."""
    try:
        from hypothesis import HealthCheck, find, settings
        from hypothesis import strategies as st

        strategy = st.from_regex(source, fullmatch=True)
        quiet = settings(database=None, derandomize=True, max_examples=200,
                         suppress_health_check=list(HealthCheck))
        return find(strategy, lambda s: bool(s.strip()), settings=quiet)
    except Exception:  # noqa: BLE001 - lookarounds, regex-module syntax: no sample
        return None


def generic_texts(sources: list[str]) -> list[tuple[str, str]]:
    texts = [('="' + " repeated", fill('="')), ("a. repeated", fill("a.")),
             ("a@ repeated", fill("a@")), ("digits", fill("7"))]
    texts += [(f"{c!r} repeated", fill(c)) for c in alphabet(sources)]
    for sep in SEPARATORS:
        texts.append((f"7{sep} repeated", fill("7" + sep)))
        texts.append((f"123{sep}45{sep} repeated", fill(f"123{sep}45{sep}")))
    return texts


def match_texts(source: str, context: list[str]) -> list[tuple[str, str]]:
    sample = shortest_match(source)
    if not sample:
        return []
    name = f"match {sample[:8]!r}"
    texts = [(f"{name} spaced", fill(sample + " ")), (f"{name} glued", fill(sample))]
    if len(sample) > 1:
        texts.append((f"{name} less last, glued", fill(sample[:-1])))
        texts.append((f"{name} less last, spaced", fill(sample[:-1] + " ")))
    if context:
        pairs = " ".join(f"{word} {sample}" for word in context)
        texts.append((f"{name} with context", fill(pairs + " ")))
    return texts


def hostile_texts(recognizer: Any, limit: int = MAX_TEXTS) -> list[tuple[str, str]]:
    """(kind, text) pairs for one recognizer, distinct texts, at most limit."""
    sources = pattern_sources(recognizer)
    context = list(getattr(recognizer, "context", None) or [])
    generic = generic_texts(sources)
    texts = generic[:2]  # ="  and a. first: --quick keeps the first few
    for source in sources:
        if len(texts) >= limit:
            break  # hypothesis takes a while per pattern: --quick needs one or two
        texts += match_texts(source, context)
    if context:
        texts.append(("context words", fill(" ".join(context) + " 123-45-6789 ")))
    first_kind: dict[str, str] = {}
    for kind, text in texts + generic[2:]:
        first_kind.setdefault(text, kind)
    return [(kind, text) for text, kind in first_kind.items()][:limit]

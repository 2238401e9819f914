"""Refuse policy patterns that are likely to backtrack catastrophically.

Two checks, both run when a policy is validated:

- Structural: walk the pattern as Python's own parser reads it and look for a
  repeat that can split the same text between its iterations in many ways:
  a variable repeat inside a repeat whose other parts can be empty or match
  the same characters (``(a+)+``, ``(a*)*b``, ``(\\w+\\s?)+``, ``(.*a){20}``,
  ``(a|aa)+``), and alternatives that match the same text under a repeat
  (``(a|a)+``). A possessive repeat (``a++``) or an atomic group (``(?>...)``)
  never gives text back, so it is not counted.
- Probe: run the compiled pattern, with the run-time budget as its timeout,
  on a few crafted texts built from the characters the pattern matches
  (``aaaa...!``); a pattern that times out there would time out on a post.

Both are heuristics. The guarantee is the timeout every pattern runs with
(detectors.patterns): a pattern that slips through holds the posts it stalls
on for review (rule gatepost.detector-error) instead of stalling a worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

# Private, but the parser every `re` pattern goes through (Python 3.11+).
# Validation compiles each pattern with `re` first, so it can always read it.
from re import _constants as c  # type: ignore[attr-defined]
from re import _parser as sre  # type: ignore[attr-defined]
from typing import Any

import regex

from detectors.patterns import TIME_BUDGET_S

Item = tuple[Any, Any]  # (opcode, argument), as re._parser gives them

REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT)  # possessive repeats never backtrack
MANY = 10  # a repeat of fewer iterations than this is taken as small
# Length of each crafted text: long enough that a pattern whose time grows as
# the cube of the text's length (or faster) times out, short enough that a
# merely quadratic one (a common, harmless shape) takes a few milliseconds.
PROBE_CHARS = 200
PROBE_RUNS = 10  # distinct characters tried, at most
# Characters the structural check and the probe try: ASCII and a few others
# that classes such as \w, \s and . treat specially.
SAMPLE = [chr(i) for i in range(32, 127)] + list("\t\n\u00a0\u2028éßЖ中٣_")
CATEGORIES = {
    c.CATEGORY_DIGIT: re.compile(r"\d"), c.CATEGORY_NOT_DIGIT: re.compile(r"\D"),
    c.CATEGORY_SPACE: re.compile(r"\s"), c.CATEGORY_NOT_SPACE: re.compile(r"\S"),
    c.CATEGORY_WORD: re.compile(r"\w"), c.CATEGORY_NOT_WORD: re.compile(r"\W"),
}  # fmt: skip

NESTED = ("can backtrack catastrophically: it nests a repeat in a repeat, and the two can "
          "split the same text in many ways; make the inner repeat possessive (a++ instead "
          "of a+) or keep its neighbours from matching the same characters")
SAME_ALTERNATIVES = ("can backtrack catastrophically: two alternatives under a repeat match "
                     "the same text; remove the duplicate")


def backtracking_risk(pattern: str, compiled: regex.Pattern) -> str | None:
    """Why pattern is refused (a message to follow 'regex "..."'), or None if it looks safe."""
    try:
        parsed = sre.parse(pattern)
    except (re.error, RecursionError, OverflowError):  # validation refuses it as invalid
        return None
    fold = bool(parsed.state.flags & re.IGNORECASE)
    risk = structural_risk(parsed, fold)
    if risk is not None:
        return risk
    for text in probe_texts(parsed, fold):
        try:
            for _ in compiled.finditer(text, timeout=TIME_BUDGET_S):
                pass
        except TimeoutError:
            return (f"can backtrack catastrophically: it ran past its "
                    f"{TIME_BUDGET_S * 1000:.0f} ms time limit on a crafted "
                    f"{len(text)}-character text ({text[:6]!r}...)")
    return None


def structural_risk(parsed: sre.SubPattern, fold: bool) -> str | None:
    for op, av in walk(parsed):
        if op in REPEATS and av[1] > 1:
            risk = _body_risk(list(av[2]), [], many=av[1] >= MANY, fold=fold)
            if risk is not None:
                return risk
    return None


def _body_risk(own: list[Item], around: list[Item], *, many: bool, fold: bool) -> str | None:
    """The risk in a repeat's body: own, the part examined, sits beside around.

    many: the repeat may iterate more than a few times.
    """
    items = flatten(own)
    for i, (op, av) in enumerate(items):
        others = items[:i] + items[i + 1 :] + around
        if op is c.BRANCH:
            alternatives = [list(a) for a in av[1]]
            if many and any(alternatives.count(a) > 1 for a in alternatives):
                return SAME_ALTERNATIVES
            # An empty alternative makes the branch optional: (a|aa)+ reads a(?:|a).
            if [] in alternatives and many and _absorbed(others, first_of([(op, av)]), fold):
                return NESTED
            for alternative in alternatives:
                risk = _body_risk(alternative, others, many=many, fold=fold)
                if risk is not None:
                    return risk
        elif op in REPEATS and av[0] != av[1] and (many or av[1] == c.MAXREPEAT):
            if _absorbed(others, first_of(list(av[2])), fold):
                return NESTED
    return None


def _absorbed(others: Sequence[Item], chars: list[Item], fold: bool) -> bool:
    """True if every other part may match nothing or start with one of chars."""
    return all(
        width([item])[0] == 0 or overlap(first_of([item]), chars, fold) for item in others
    )


def flatten(items: Sequence[Item]) -> list[Item]:
    """Groups inlined, so a group's parts sit beside its neighbours."""
    out: list[Item] = []
    for op, av in items:
        if op is c.SUBPATTERN:
            out += flatten(list(av[-1]))
        else:
            out.append((op, av))
    return out


def walk(items: Sequence[Item]) -> Iterator[Item]:
    """Every node of a parsed pattern, outermost first."""
    for op, av in items:
        yield op, av
        if op in (*REPEATS, c.POSSESSIVE_REPEAT):
            yield from walk(av[2])
        elif op is c.SUBPATTERN:
            yield from walk(av[-1])
        elif op is c.BRANCH:
            for alternative in av[1]:
                yield from walk(alternative)
        elif op in (c.ATOMIC_GROUP, c.ASSERT, c.ASSERT_NOT):
            yield from walk(av if op is c.ATOMIC_GROUP else av[1])


def width(items: Sequence[Item]) -> tuple[int, int]:
    """(shortest, longest) text items can match; (0, MAXREPEAT) when unknown."""
    try:
        return sre.SubPattern(sre.State(), list(items)).getwidth()
    except (IndexError, KeyError, TypeError):  # a back-reference to an unknown group
        return 0, c.MAXREPEAT


ANY: list[Item] = [(c.ANY, None)]


def first_of(items: Sequence[Item]) -> list[Item]:
    """The one-character nodes a match of items can start with (ANY if unknown)."""
    out: list[Item] = []
    for op, av in items:
        if op in (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN):
            out.append((op, av))
        elif op in (*REPEATS, c.POSSESSIVE_REPEAT):
            out += first_of(av[2])
        elif op is c.SUBPATTERN:
            out += first_of(av[-1])
        elif op is c.ATOMIC_GROUP:
            out += first_of(av)
        elif op is c.BRANCH:
            out += [node for alternative in av[1] for node in first_of(alternative)]
        elif op not in (c.AT, c.ASSERT, c.ASSERT_NOT):  # back-references and the like
            out += ANY
        if width([(op, av)])[0] > 0:
            break
    return out


def overlap(a: list[Item], b: list[Item], fold: bool) -> bool:
    return any(matches(a, ch, fold) and matches(b, ch, fold) for ch in SAMPLE)


def matches(nodes: list[Item], ch: str, fold: bool) -> bool:
    """True if one of the one-character nodes matches ch."""
    variants = {ch, ch.lower(), ch.upper()} if fold else {ch}
    return any(_matches(op, av, v) for op, av in nodes for v in variants)


def _matches(op: Any, av: Any, ch: str) -> bool:
    if op is c.LITERAL:
        return ord(ch) == av
    if op is c.NOT_LITERAL:
        return ord(ch) != av
    if op is c.ANY:
        return ch != "\n" or av is not None
    negate = bool(av) and av[0][0] is c.NEGATE
    members = av[1:] if negate else av
    return negate != any(_in_class(kind, value, ch) for kind, value in members)


def _in_class(kind: Any, value: Any, ch: str) -> bool:
    if kind is c.LITERAL:
        return ord(ch) == value
    if kind is c.RANGE:
        return value[0] <= ord(ch) <= value[1]
    if kind is c.CATEGORY and value in CATEGORIES:
        return CATEGORIES[value].match(ch) is not None
    return True  # a class member this check does not model: assume it matches


def probe_texts(parsed: sre.SubPattern, fold: bool) -> list[str]:
    """Crafted texts: runs of each character the pattern matches, alone and in pairs.

    Each member of a character class gets its own character, so classes that
    overlap ([a-c]|[b-d], which the parser merges into one class) are tried
    on a character both match.
    """
    nodes = [(op, av) for op, av in walk(parsed) if op in (c.LITERAL, c.IN, c.ANY)]
    members = [
        (c.IN, [member])
        for op, av in nodes
        if op is c.IN and not (av and av[0][0] is c.NEGATE)
        for member in av
    ]
    chars: list[str] = []
    for node in nodes + members:
        ch = next((s for s in SAMPLE if matches([node], s, fold)), None)
        if ch is not None and ch not in chars:
            chars.append(ch)
    chars = chars[:PROBE_RUNS]
    stop = next((s for s in "!#~\n" if not matches(nodes, s, fold)), "!")
    runs = [ch * PROBE_CHARS for ch in chars]
    runs += [(a + b) * (PROBE_CHARS // 2) for a, b in zip(chars, chars[1:], strict=False)]
    return [run + stop for run in runs]

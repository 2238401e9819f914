"""The "camel" view: CamelCase words split into their parts, for terms.

"#ContosoPharma" reads "#contoso pharma" and "#FalconLaunch" "#falcon launch",
so a phrase term matches a hashtag that runs its words together and a one-word
term matches a whole part of one. A word that merely contains a term is not
split ("Falconer", "Falconry"), nor one whose first part is a single letter
(iPhone, eBay). Lower-case joins (contosopharma, contoso_pharma) are matched
by the term's own readings (readings.py), not here.

Works on the plain view (case still there); the terms fold follows. The view
holds the CamelCase words only, so a phrase is found when it lies within one
("#ContosoPharma"), not when it spans one and the next word.
"""

from __future__ import annotations

import re

from detectors.normalize.view import Draft

# A lower-case letter after another letter, then a capital: Contoso|Pharma;
# or a run of capitals then a capitalized word: XML|Parser.
BOUNDARY = re.compile(r"(?<=[A-Za-z][a-z])(?=[A-Z])|(?<=[A-Z][A-Z])(?=[A-Z][a-z])")
# A capital after a lower-case letter, or a capital then lower case after a capital;
# the capital first, as it is rarer than a lower-case letter.
HINT = re.compile(r"[A-Z](?:(?<=[a-z][A-Z])|(?<=[A-Z][A-Z])[a-z])")
SOURCE = "CamelCase word split at its capitals"


def has_camel_case(text: str) -> bool:
    return HINT.search(text) is not None


def camel(draft: Draft) -> Draft | None:
    """The CamelCase words alone, split at their capitals and one space apart; None if none.

    Only those words, not the whole post: the view stays short, and a post with
    one #HashTag costs one hashtag's worth of matching more.
    """
    text = draft.text
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for hint in HINT.finditer(text):
        if hint.start() < done:
            continue
        first, done = _word_around(text, hint.start(), hint.end())
        if pieces:  # a space between words, mapped to the next word's first character
            pieces.append(" ")
            starts.append(draft.starts[first])
            ends.append(draft.ends[first])
        splits = {match.start() for match in BOUNDARY.finditer(text, first, done)}
        for at in range(first, done):
            if at in splits:
                pieces.append(" ")
                starts.append(draft.starts[at])
                ends.append(draft.ends[at])
            pieces.append(text[at])
            starts.append(draft.starts[at])
            ends.append(draft.ends[at])
    return Draft("".join(pieces), starts, ends, draft.size) if pieces else None


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    while start and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return start, end

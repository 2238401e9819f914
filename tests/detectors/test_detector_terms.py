"""Policy terms: case-insensitive, whole words, phrases, offsets in the original text."""

from __future__ import annotations

import pytest

from detectors import TermDetector
from detectors.terms import fold

LISTS = {
    "codenames": ["Falcon", "Bluebird", "Project Nightjar"],
    "customers": ["Contoso", "Fabrikam Ltd"],
    "public_contacts": ["press@northwind.example", "+1 800 555 0100"],
    "languages": ["C++"],
}


def found(text: str, lists: dict[str, list[str]] = LISTS) -> list[tuple[str, str, int]]:
    return [(f.label, text[f.start : f.end], f.start) for f in TermDetector(lists).detect(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Falcon ships soon", [("codenames", "Falcon", 0)]),
        ("news on falcon, soon", [("codenames", "falcon", 8)]),
        ("FALCON.", [("codenames", "FALCON", 0)]),
        ("(fAlCoN)", [("codenames", "fAlCoN", 1)]),
        ("the falcon_team", []),
        ("falconry is a hobby", []),
        ("xFalcon", []),
        ("Falcon2", []),
        ("Project Nightjar is late", [("codenames", "Project Nightjar", 0)]),
        ("my project nightjar!", [("codenames", "project nightjar", 3)]),
        ("Project Nightjars", []),
        ("a Nightjar alone", []),
        ("Contoso and Bluebird", [("customers", "Contoso", 0), ("codenames", "Bluebird", 12)]),
        ("fabrikam ltd.", [("customers", "fabrikam ltd", 0)]),
        ("mail press@northwind.example now", [("public_contacts", "press@northwind.example", 5)]),
        ("call +1 800 555 0100.", [("public_contacts", "+1 800 555 0100", 5)]),
        ("I write C++.", [("languages", "C++", 8)]),
        ("Falcon falcon", [("codenames", "Falcon", 0), ("codenames", "falcon", 7)]),
    ],
)
def test_term_matches_whole_words_ignoring_case(
    text: str, expected: list[tuple[str, str, int]]
) -> None:
    assert found(text) == expected


def test_term_in_several_lists_yields_one_finding_per_list() -> None:
    lists = {"codenames": ["Falcon"], "birds": ["falcon", "Falcon"]}
    assert sorted(found("The Falcon!", lists)) == [
        ("birds", "Falcon", 4),
        ("codenames", "Falcon", 4),
    ]


def test_overlapping_terms_are_each_reported() -> None:
    lists = {"codenames": ["Project Nightjar"], "birds": ["Nightjar"]}
    assert sorted(found("Project Nightjar", lists)) == [
        ("birds", "Nightjar", 8),
        ("codenames", "Project Nightjar", 0),
    ]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("İİ Falcon", 3),  # 'İ'.lower() is two characters: must not shift offsets
        ("Straße, FALCON", 8),
        ("ΣΊΣΥΦΟΣ falcon", 8),
    ],
)
def test_offsets_stay_in_the_original_text_after_case_folding(text: str, start: int) -> None:
    (finding,) = TermDetector({"codenames": ["Falcon"]}).detect(text)
    assert (finding.start, finding.end) == (start, start + 6)


def test_fold_preserves_length() -> None:
    text = "İstanbul STRASSE Straße ǅ ΣΊΣΥΦΟΣ ﬁ"
    assert len(fold(text)) == len(text)
    assert fold("FaLcOn") == "falcon"


def test_finding_explains_term_and_list() -> None:
    (finding,) = TermDetector({"codenames": ["Falcon"]}).detect("falcon")
    assert (finding.kind, finding.detector, finding.score) == ("term", "terms", 1.0)
    assert finding.explanation == 'term "Falcon" from codenames'


@pytest.mark.parametrize("lists", [{}, {"codenames": []}, {"codenames": ["", "  "]}])
def test_no_terms_finds_nothing(lists: dict[str, list[str]]) -> None:
    assert TermDetector(lists).detect("Falcon") == []


def test_automaton_is_built_once_at_construction() -> None:
    detector = TermDetector({"codenames": ["Falcon"]})
    automaton = detector._automaton
    detector.detect("Falcon")
    detector.detect("Bluebird")
    assert detector._automaton is automaton
    assert detector.term_count == 1

"""Policy terms: case-insensitive, whole words, phrases, evasions, offsets in the original text."""

from __future__ import annotations

import pytest

from detectors import TermDetector, build_scanner
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


UNDERLINED = "".join(char + "\u0332" for char in "Falcon")  # combining low line under each
EVASIONS = {"codenames": ["Falcon", "Project Nightjar"], "ops": ["Lost"]}


def scanned(text: str, lists: dict[str, list[str]] = EVASIONS) -> list[tuple[str, str]]:
    """Terms found by a scanner (so on the normalized "terms" view), as original text."""
    scanner = build_scanner(None, term_lists=lists, patterns={}, pii_entities=[], secret_labels=[])
    return [(f.label, text[f.start : f.end]) for f in scanner.scan(text).findings]


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("Fa1con ships", "Fa1con"),
        ("FALC0N!", "FALC0N"),
        ("F4LC0N", "F4LC0N"),
        ("F@lcon", "F@lcon"),
        ("7he F.a.l.c.o.n team", "F.a.l.c.o.n"),
        ("the F a l c o n team", "F a l c o n"),
        ("F-a-l-c-o-n", "F-a-l-c-o-n"),
        ("F_a_l_c_o_n", "F_a_l_c_o_n"),
        ("F\u0430lcon", "F\u0430lcon"),  # Cyrillic а
        ("Fal\u200bcon", "Fal\u200bcon"),
        ("\u202eFalcon\u202c", "Falcon"),
        ("ＦＡＬＣＯＮ", "ＦＡＬＣＯＮ"),
        ("Fålcon", "Fålcon"),
        (UNDERLINED + "!", UNDERLINED),
        ("Project\nNightjar", "Project\nNightjar"),
        ("Pr0ject  N1ghtjar", "Pr0ject  N1ghtjar"),
        ("P r o j e c t  N i g h t j a r soon", "P r o j e c t  N i g h t j a r"),
        ("P r o j e c t / N i g h t j a r", "P r o j e c t / N i g h t j a r"),
        ("P r 0 j e c t\nN 1 g h t j a r", "P r 0 j e c t\nN 1 g h t j a r"),
    ],
)
def test_evaded_term_is_found_at_its_original_span(text: str, original: str) -> None:
    assert scanned(text) == [("codenames", original)]


@pytest.mark.parametrize(
    "text",
    [
        "Falconry is a hobby",
        "F a l c o n r y",
        "Falcon2",
        "xFa1con",
        "error 1057 again",  # digits alone never spell a word: not the term "Lost"
        "Fa lcon",  # a space parts words; a hyphen inside one does not (Fal-con is found)
        "F a l c o n s  n e s t",  # letter-spaced phrase: its words stay whole
        "F a l c o n r y  c l u b",
    ],
)
def test_lookalike_of_a_term_is_not_found(text: str) -> None:
    assert scanned(text) == []


def test_letter_spaced_phrase_matches_a_phrase_term_and_i_a_m_is_unchanged() -> None:
    text = "T a i l s p i n  T o y s workshop tomorrow"
    lists = {"customers": ["Tailspin Toys"], "words": ["am", "I"]}
    assert scanned(text, lists) == [("customers", "T a i l s p i n  T o y s")]
    assert scanned("I a m  here and I am", lists) == [("words", "I"), ("words", "am")]


def test_term_written_with_lookalikes_in_the_policy_matches_plain_text() -> None:
    assert scanned("Falcon", {"codenames": ["F\u0430lc0n"]}) == [("codenames", "Falcon")]


def test_term_inside_an_email_address_is_still_a_whole_word() -> None:
    lists = {"customers": ["Contoso"], "contacts": ["press@contoso.example"]}
    assert sorted(scanned("mail press@contoso.example", lists)) == [
        ("contacts", "press@contoso.example"),
        ("customers", "contoso"),
    ]


def test_leetspeak_match_says_so_in_its_explanation() -> None:
    (finding,) = TermDetector({"codenames": ["Falcon"]}).detect("Fa1con")
    assert finding.explanation == 'term "Falcon" from codenames (leetspeak folded)'

"""Gatepost's recognizers and context matching, piece by piece (no spaCy model needed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.pii_context import supportive_word
from detectors.recognizers import REPLACEMENTS
from detectors.recognizers.card import BrandCheckedCardRecognizer, card_brand, luhn_valid
from detectors.recognizers.phone import FormatScoredPhoneRecognizer, format_tier
from detectors.recognizers.ssn import IssuedSsnRecognizer


@pytest.mark.parametrize(
    ("nearby", "context", "expected"),
    [
        (["cards"], ["card"], "card"),
        (["calling"], ["call"], "call"),
        (["ssn#219"], ["ssn"], "ssn"),  # letter runs of a token that holds the number
        (["acct#12345678"], ["acct"], "acct"),
        (["whatsapp"], ["whatsapp"], "whatsapp"),
        (["meeting"], ["tin"], ""),  # presidio's substring match found ITIN context here
        (["excellent"], ["cell"], ""),
        (["business"], ["us"], ""),
        (["discard"], ["card"], ""),
        (["recall"], ["call"], ""),
        (["taxi"], ["tax"], ""),  # under 4 letters: whole words only
        ([], ["card"], ""),
    ],
)
def test_context_word_matches_a_whole_word_or_the_start_of_one(
    nearby: list[str], context: list[str], expected: str
) -> None:
    assert supportive_word(nearby, context) == expected


@pytest.mark.parametrize(
    ("digits", "brand"),
    [
        ("4111111111111111", "Visa"),
        ("4222222222222", "Visa"),
        ("5555555555554444", "Mastercard"),
        ("2223003122003222", "Mastercard"),
        ("378282246310005", "American Express"),
        ("6011111111111117", "Discover"),
        ("3530111333300000", "JCB"),
        ("30569309025904", "Diners Club"),
        ("6200000000000005", "UnionPay"),
        ("9111111111111116", None),  # no brand starts with 9
        ("411111111111111", None),  # Visa has no 15-digit cards
        ("37828224631000", None),  # Amex is 15 digits
    ],
)
def test_card_brand_is_read_from_prefix_and_length(digits: str, brand: str | None) -> None:
    assert card_brand(digits) == brand


@pytest.mark.parametrize(
    ("digits", "valid"),
    [("4111111111111111", True), ("4111111111111112", False), ("79927398713", True)],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert luhn_valid(digits) is valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("4111 1111 1111 1111", True),
        ("4111-1111-1111-1111", True),
        ("4111111111111111", True),
        ("4111 1111-1111 1111", False),
        ("4444 4444 4444 4444", False),
        ("9111 1111 1111 1116", False),
    ],
)
def test_card_validation(text: str, valid: bool) -> None:
    assert BrandCheckedCardRecognizer().validate_result(text) is valid


@pytest.mark.parametrize(
    ("text", "invalid"),
    [
        ("219-09-9999", False),
        ("078-05-1120", False),  # issued (the Woolworth card), kept
        ("912-70-1234", True),  # 9XX: an ITIN, never an SSN
        ("999-12-3456", True),
        ("123-45-6789", True),  # placeholder
        ("666-12-3456", True),
        ("219-00-9999", True),
        ("219-09-0000", True),
        ("219-09 9999", True),  # mixed separators
    ],
)
def test_ssn_rules(text: str, invalid: bool) -> None:
    assert IssuedSsnRecognizer().invalidate_result(text) is invalid


@pytest.mark.parametrize(
    ("number", "tier", "score"),
    [
        ("+44 20 7946 0958", "international", 0.6),
        ("(+1) 415 555 0132", "international", 0.6),
        ("(415) 555-0132", "US-style", 0.6),
        ("415-555-0132", "US-style", 0.6),
        ("415.555.0132", "US-style", 0.6),
        ("1-800-555-0199", "US-style", 0.6),
        ("020 7946 0958", "grouped", 0.4),
        ("030/1234567", "grouped", 0.4),
        ("4155550132", "digits only", 0.2),
        ("4155550132 ext. 12", "digits only", 0.2),  # the extension is not how it is written
        ("( 4155550132", "digits only", 0.2),
    ],
)
def test_phone_format_tier(number: str, tier: str, score: float) -> None:
    assert format_tier(number) == (tier, score)


PHONE = FormatScoredPhoneRecognizer()


class UnfilteredPhoneRecognizer(FormatScoredPhoneRecognizer):
    def may_count(self, text: str) -> bool:
        return True


UNFILTERED = UnfilteredPhoneRecognizer()
PIECES = st.sampled_from(
    ["call", "me", "order", "+44", "(415)", "ext", "tel:", "020", "7946", "0958", "1-800",
     "555", "0132", "4155550132", "/", "-", ".", " ", ",", "x", "#"]
)  # fmt: skip
NOISE = st.text(alphabet="0123456789 -.()/+x:,#ab", max_size=14)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(PIECES, NOISE), min_size=1, max_size=6))
def test_phone_prefilter_never_drops_a_number_that_could_count(parts: list[str]) -> None:
    # A number counts at 0.4 on its own format, or with a context word (+0.35).
    text = " ".join(parts)
    has_context = PHONE.context_words.search(text) is not None
    could_count = {
        (r.start, r.end)
        for r in UNFILTERED.analyze(text, ["PHONE_NUMBER"])
        if r.score >= 0.4 or has_context
    }
    assert could_count <= {(r.start, r.end) for r in PHONE.analyze(text, ["PHONE_NUMBER"])}


@pytest.mark.parametrize(
    "text",
    [
        "Just wrapped up a great sprint review with the team. Proud of everyone!",
        "Back in 1999 we shipped on CDs; in 2024 we ship 40 times a day.",
        "Order 4155550100 arrived",  # bare digits and no phone context word
    ],
)
def test_posts_without_a_possible_phone_number_skip_phonenumbers(text: str) -> None:
    assert not PHONE.may_count(text)


def test_every_replacement_refines_the_presidio_recognizer_it_replaces() -> None:
    for presidio_name, replacement in REPLACEMENTS.items():
        assert presidio_name in [cls.__name__ for cls in replacement.__mro__[1:]]


def test_ner_keeps_the_components_it_listens_to() -> None:
    import spacy

    from detectors.pii_nlp import ner_components

    nlp = spacy.blank("en")
    assert ner_components(nlp) == []  # no NER at all: nothing to run
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96}
    nlp.add_pipe("tok2vec")
    nlp.add_pipe("tagger")
    nlp.add_pipe("ner", config={"model": {**NER_MODEL, "tok2vec": listener}})
    assert ner_components(nlp) == ["tok2vec", "ner"]


NER_MODEL = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
}

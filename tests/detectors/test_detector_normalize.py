"""Normalization: each view's text, and exact spans back in the original post."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detectors.normalize import VIEW_NAMES, View, fold_term, views
from detectors.normalize.decode import MAX_DECODED_CHARS


def original_of(text: str, view: View, needle: str) -> str:
    """The original characters that the first occurrence of needle in the view came from."""
    at = view.text.index(needle)
    start, end = view.to_original(at, at + len(needle))
    return text[start:end]


def b64(data: str) -> str:
    return base64.b64encode(data.encode()).decode()


@pytest.mark.parametrize(
    ("text", "plain", "needle", "original"),
    [
        ("Fal\u200bcon ok", "Falcon ok", "Falcon", "Fal\u200bcon"),
        ("x \u202eFalcon\u202c y", "x Falcon y", "Falcon", "Falcon"),
        ("Fal\u00adcon", "Falcon", "Falcon", "Fal\u00adcon"),
        ("Fal\u2060con\ufeff", "Falcon", "Falcon", "Fal\u2060con"),
        ("Fal\ufe0fcon", "Falcon", "Falcon", "Fal\ufe0fcon"),
        ("F\u0430lcon", "Falcon", "Falcon", "F\u0430lcon"),
        ("\u0391\u039a\u0399\u0391 key", "AKIA key", "AKIA", "\u0391\u039a\u0399\u0391"),
        ("\u0440\u0430\u0455\u0455", "pass", "pass", "\u0440\u0430\u0455\u0455"),
        ("ＦＡＬＣＯＮ!", "FALCON!", "FALCON", "ＦＡＬＣＯＮ"),
        ("\U0001d405\U0001d41a\U0001d425\U0001d41c\U0001d428\U0001d427", "Falcon", "Falcon",
         "\U0001d405\U0001d41a\U0001d425\U0001d41c\U0001d428\U0001d427"),
        ("ﬁle", "file", "f", "ﬁ"),
        ("ﬁle", "file", "ile", "ﬁle"),
        ("cafe\u0301 time", "café time", "é", "e\u0301"),
        ("078\u201305\u20131120", "078-05-1120", "078-05-1120", "078\u201305\u20131120"),
        ("\u0660\u0667\u0668", "078", "078", "\u0660\u0667\u0668"),
        ("jane [at] example [dot] com", "jane@example.com", "@", " [at] "),
        ("jane(at)example(dot)com", "jane@example.com", "@example.", "(at)example(dot)"),
        ("jane {AT} example", "jane@example", "@", " {AT} "),
        ("evil[.]com", "evil.com", "evil.com", "evil[.]com"),
        ("hxxps[:]//evil[.]com/x", "https://evil.com/x", "https", "hxxps"),
        ("HXXP://x", "HTTP://x", "HTTP", "HXXP"),
        ("priya dot r dot dev at proton dot me for the slides",
         "priya.r.dev@proton.me for the slides", ".dev@", " dot dev at "),
        ("Jane AT Example DOT Com!", "Jane@Example.Com!", "@", " AT "),
        ("mail jane at corp dot co dot uk.", "mail jane@corp.co.uk.", ".uk", " dot uk"),
        ("us dot team at acme dot io", "us.team@acme.io", "us.team", "us dot team"),
        ("x.priya at proton dot me", "x.priya@proton.me", "x.priya@", "x.priya at "),
        ("mail dana.k.home at gmail dot com", "mail dana.k.home@gmail.com",
         "dana.k.home@gmail.com", "dana.k.home at gmail dot com"),
        ("sign up at portal dot northwind dot com", "sign up at portal.northwind.com",
         "portal.northwind.com", "portal dot northwind dot com"),
        ("at jira dot corp dot northwind dot example slash NW-442 now",
         "at jira.corp.northwind.example/NW-442 now", ".example/NW", " dot example slash NW"),
        ("page: w i k i . corp . northwind . example / onboarding",
         "page: wiki.corp.northwind.example/onboarding", "wiki.corp", "w i k i . corp"),
        ("(docs . corp . northwind . example)", "(docs.corp.northwind.example)",
         "docs.corp.northwind.example", "docs . corp . northwind . example"),
        ("meet at noon", "meet at noon", "at", "at"),
        ("plain ascii, unchanged", "plain ascii, unchanged", "ascii", "ascii"),
    ],
)  # fmt: skip
def test_plain_view_folds_and_maps_back_exactly(
    text: str, plain: str, needle: str, original: str
) -> None:
    view = views(text).plain
    assert view.text == plain
    assert original_of(text, view, needle) == original


@pytest.mark.parametrize(
    "text",
    [
        "meet at noon",
        "we arrived at the station dot dot dot",
        "look at this dot matrix printer",
        "we looked at the dot com boom",
        "find us at northwind dot com",
        "she works at acme dot com now",
        "dot the i's and cross the t's",
        "back in the dot com bubble",
        "a polka dot dress at the office",
        "we slash prices at the dot com store",
        "connect the dots dot dot dot com",
        "the dot com dot net era",
        "find us at northwind dot com slash careers",  # one spelled dot: prose too often
        "Eat . Sleep . Code . Repeat",
        "it was great. corp. northwind. example.",  # full stops, not a host's dots
        "a b c . d e f",
        "email me at priya dot dev",
        "priya at proton dot matrix",  # not a known top-level domain
        "priya at proton dot medium",
        "Ping me at 5, the dot is at the top",
    ],
)
def test_spelled_out_at_and_dot_outside_an_address_stay_as_written(text: str) -> None:
    assert views(text).plain.text == text


def test_pii_view_reads_bidi_reordered_text_in_display_order() -> None:
    text = "inbox: \u202emoc.liamg@emoh.eel.nad\u202c ok"
    post = views(text)
    assert post.pii.text == "inbox: dan.lee.home@gmail.com ok"
    assert original_of(text, post.pii, "dan.lee.home@gmail.com") == "moc.liamg@emoh.eel.nad"
    plain = views("inbox: dan.lee.home@gmail.com ok, caf\u00e9")
    assert plain.pii is plain.plain  # no controls: no display reading is built


@pytest.mark.parametrize(
    ("text", "pii", "needle", "original"),
    [
        ("ssn 0 7 8 - 0 5 - 1 1 2 0", "ssn 078-05-1120", "078-05-1120", "0 7 8 - 0 5 - 1 1 2 0"),
        ("ssn zero seven eight - zero five - one one two zero", "ssn 078-05-1120",
         "078-05-1120", "zero seven eight - zero five - one one two zero"),
        ("Zero Seven Eight Zero Five One One Two Zero", "078051120", "078051120",
         "Zero Seven Eight Zero Five One One Two Zero"),
        ("0\ufe0f\u20e37\ufe0f\u20e38\ufe0f\u20e3", "078", "7", "7\ufe0f\u20e3"),
        ("4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1.", "4111111111111111.", "4111111111111111",
         "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"),
        ("4 1 1 1  1 1 1 1  1 1 1 1  1 1 1 1", "4111 1111 1111 1111", "1111 1111",
         "1 1 1 1  1 1 1 1"),
        ("0-7-8 0-5 1-1-2-0", "078 05 1120", "078 05 1120", "0-7-8 0-5 1-1-2-0"),
        ("0.7.8.0.5.1.1.2.0", "078051120", "078051120", "0.7.8.0.5.1.1.2.0"),
        ("078 - 05 - 1120", "078-05-1120", "078-05-1120", "078 - 05 - 1120"),
        ("one oh one, five five five, oh one four two", "101-555-0142", "555", "five five five"),
        ("call 5 5 5 1 2 3 4 now", "call 5551234 now", "5551234", "5 5 5 1 2 3 4"),
        ("i 0\u20e3 x", "i 0 x", "0", "0\u20e3"),
    ],
)  # fmt: skip
def test_pii_view_turns_evasive_numbers_into_digit_groups(
    text: str, pii: str, needle: str, original: str
) -> None:
    view = views(text).pii
    assert view.text == pii
    assert original_of(text, view, needle) == original


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3.4 and 10.0.0.1",
        "+1 800 555 0100",
        "Order 12345 shipped on 2024-05-01",
        "version 2.4.1 is out",
        "one of the best, two of the worst",
        "oh no, two problems",
        "someone two three",
        "Top picks: 1 2 3",
        "4111 1111 1111 1111",
        "078-05-1120",
    ],
)
def test_pii_view_leaves_ordinary_numbers_and_words_alone(text: str) -> None:
    assert views(text).pii.text == views(text).plain.text == text


@pytest.mark.parametrize(
    ("text", "terms", "needle", "original"),
    [
        ("F.a.l.c.o.n", "falcon", "falcon", "F.a.l.c.o.n"),
        ("the F a l c o n ships", "the falcon ships", "falcon", "F a l c o n"),
        ("F-a-l-c-o-n!", "falcon!", "falcon", "F-a-l-c-o-n"),
        ("F_a_l_c_o_n", "falcon", "falcon", "F_a_l_c_o_n"),
        ("F 4 l c 0 n", "f4lc0n", "f4lc0n", "F 4 l c 0 n"),
        ("I a m", "iam", "iam", "I a m"),  # the bounded edge case: three single letters
        ("a b and e.g. x", "a b and e.g. x", "e.g.", "e.g."),
        ("F. a. l. c", "f. a. l. c", "f.", "F."),
        ("Project\n\nNightjar", "project nightjar", "project nightjar", "Project\n\nNightjar"),
        ("Fålcon", "falcon", "falcon", "Fålcon"),
        ("F\u0332a\u0332l\u0332c\u0332o\u0332n\u0332 x", "falcon x", "falcon",
         "F\u0332a\u0332l\u0332c\u0332o\u0332n\u0332"),
        ("FaLc\u200bON", "falcon", "falcon", "FaLc\u200bON"),
        ("İİ Falcon", "ii falcon", "falcon", "Falcon"),
        # Letter-spaced words keep the wider gap between them as one space.
        ("T a i l s p i n  T o y s workshop", "tailspin toys workshop", "tailspin toys",
         "T a i l s p i n  T o y s"),
        ("G o / L i v e now", "go live now", "go live", "G o / L i v e"),
        ("T a i l s p i n - T o y s!", "tailspin toys!", "toys", "T o y s"),
        ("P r o j e c t\n\nX", "project x", "project x", "P r o j e c t\n\nX"),
        ("I a m  h e r e", "iam here", "here", "h e r e"),
        ("I a m  going home", "iam going home", "going", "going"),
        ("Plan A  B testing", "plan a b testing", "a b", "A  B"),
        ("A / B test", "a / b test", "a / b", "A / B"),
    ],
)  # fmt: skip
def test_terms_view_folds_case_accents_and_split_words(
    text: str, terms: str, needle: str, original: str
) -> None:
    view = views(text).terms
    assert view.text == terms
    assert original_of(text, view, needle) == original


@pytest.mark.parametrize(
    ("term", "key"),
    [
        ("Falcon", "faicon"),
        ("FA1C0N", "faicon"),
        ("F@l$", "fais"),
        ("F\u0430lcon", "faicon"),
        ("Project  Nightjar", "project nightjar"),
        ("+1 800 555 0100", "+i boo sss oioo"),
        ("8lu3b1rd", "biuebird"),
        ("N1ghtj4r 9", "nightjar g"),
    ],
)
def test_terms_and_text_share_one_fold(term: str, key: str) -> None:
    assert fold_term(term) == key


AKIA = "AKIA" + "KHOFS6YURYL6LR6Y"


@pytest.mark.parametrize(
    ("encoded", "encoding", "decoded"),
    [
        (b64(f"key {AKIA}"), "base64", f"key {AKIA}"),
        (base64.urlsafe_b64encode(b"Falcon?>>launch~~").decode(), "base64", "Falcon?>>launch~~"),
        (b64("Falcon launch")[:-2], "base64", "Falcon launch"),  # padding dropped
        ("46616c636f6e206c61756e6368", "hex", "Falcon launch"),
        ("46616C636F6E206C61756E6368", "hex", "Falcon launch"),
        ("%46%61%6C%63%6F%6E", "percent-encoded", "Falcon"),
        ("https://x.example/?q=" + quote("Falcon launch day", safe=""), "percent-encoded",
         "https://x.example/?q=Falcon launch day"),
    ],
)  # fmt: skip
def test_encoded_run_is_decoded_and_points_at_the_whole_run(
    encoded: str, encoding: str, decoded: str
) -> None:
    text = f"see {encoded}, bye"
    (view,) = views(text).decoded
    assert view.text == decoded
    assert view.source == f"{encoding} run at 4..{4 + len(encoded)}"
    assert view.to_original(0, 1) == view.to_original(0, len(view.text)) == (4, 4 + len(encoded))


def test_decoded_text_is_itself_normalized() -> None:
    (view,) = views("x " + b64("Fal\u200bcon is \u0430 go")).decoded
    assert view.text == "Falcon is a go"


def test_run_inside_a_decoded_run_is_decoded_too_and_maps_to_the_outer_run() -> None:
    inner = b"Falcon launch".hex()
    text = f"x {b64('data ' + inner)}"
    outer, nested = views(text).decoded
    assert outer.text == f"data {inner}"
    assert nested.text == "Falcon launch"
    assert nested.source == f"hex-in-base64 run at 2..{len(text)}"
    assert nested.to_original(0, 3) == (2, len(text))


def test_decoding_stops_after_two_levels() -> None:
    three_deep = b64(b64(b64("Falcon launch is on Monday")))
    texts = [view.text for view in views(three_deep).decoded]
    assert texts == [b64(b64("Falcon launch is on Monday")), b64("Falcon launch is on Monday")]


def test_decoded_text_is_bounded_in_size() -> None:
    run = b64("Falcon launch. " * 2000)  # 30,000 characters decoded
    text = " ".join([run] * 4)
    decoded = views(text).decoded
    assert 0 < sum(len(view.text) for view in decoded) <= MAX_DECODED_CHARS
    assert len(decoded) == 2


@pytest.mark.parametrize(
    "text",
    [
        "commit da39a3ee5e6b4b0d3255bfef95601890afd80709",  # a hash, not hex text
        "id 550e8400-e29b-41d4-a716-446655440000",
        "internationalization and counterrevolutionaries",
        f"{AKIA} alone",
        "short SGVsbG8= run",
        "100% sure, 50% done",
        "https://example.com/a/b/c/d/e/f/g/h/index.html",
    ],
)
def test_ordinary_text_has_no_decoded_view(text: str) -> None:
    assert views(text).decoded == ()


def test_unchanged_views_are_the_same_object_so_detectors_read_them_once() -> None:
    post = views("Plain ASCII post with nothing to fold.")
    assert post.plain is post.raw
    assert post.pii is post.plain
    assert list(post.select(["raw", "plain", "pii", "decoded"])) == [post.raw]


def test_unknown_view_name_is_rejected_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match="decoded_terms"):
        views("x").get("pig_latin")


# Pieces that exercise every fold: invisibles, look-alikes, digits, separators,
# defanging, encodings; hypothesis glues them to arbitrary text.
PIECES = [
    "\u200b", "\u202e", "\u00ad", "\ufe0f", "\u20e3", "\u0301", "\u0332", "а", "Α", "ﬁ", "Ｆ",
    "\U0001d405", "İ", "ß", "0", "7", " ", "  ", ".", "-", "_", "\n", "[at]", " (dot) ", "[.]",
    "hxxp", "zero", "oh", "seven", ", ", "%41", "%4B", "=", "@", "$", "F.a.l", "4 1 1 1 1 1",
    " at ", " dot ", "me", "com", "T o y s", " / ", "a b c  d e",
    b64("Falcon launch"), b64("ghp_" + "x1y2" * 9), "46616c636f6e206c61756e6368", "٧",
]  # fmt: skip
posts = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=30).map("".join)


def check_view(view: View, size: int) -> None:
    n = len(view.text)
    assert len(view.offsets) == n + 1 and len(view.ends) == n
    assert all(a <= b for a, b in zip(view.offsets, view.offsets[1:], strict=False))
    assert all(a <= b for a, b in zip(view.ends, view.ends[1:], strict=False))
    assert all(0 <= view.offsets[i] < view.ends[i] <= size for i in range(n))
    assert 0 <= view.offsets[n] <= size


@settings(max_examples=300, deadline=None)
@given(text=posts, data=st.data())
def test_every_view_maps_every_character_inside_the_original_in_order(
    text: str, data: st.DataObject
) -> None:
    post = views(text)
    for name in VIEW_NAMES:
        for view in post.get(name):
            check_view(view, len(text))
            start = data.draw(st.integers(0, len(view.text)))
            end = data.draw(st.integers(start, len(view.text)))
            first, last = view.to_original(start, end)
            assert 0 <= first <= last <= len(text)

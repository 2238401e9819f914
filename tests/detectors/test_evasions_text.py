"""Evasions of terms and secrets: reversed, ROT13, bidi display order, NATO spelling,
one-character separators, symbols between words, joined and CamelCase words, look-alike
letters in PEM armour. Each is found at the characters written, and ordinary prose is not.
"""

from __future__ import annotations

import time

import pytest

from detectors import build_scanner
from detectors.normalize import View, views
from detectors.normalize.readings import MIN_LETTERS, term_readings

LISTS = {
    "codenames": ["Falcon", "Bluebird", "Project Nightjar", "Osprey"],
    "customers": [
        "Contoso Pharma", "Tailspin Toys", "Fabrikam", "Wide World Importers",
        "Adventure Works Cycles", "Litware",
    ],
}  # fmt: skip
SCANNER = build_scanner(None, term_lists=LISTS, patterns={}, pii_entities=[], secret_labels=[])
RLO, PDF, RLI, PDI, RLM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200f"


def terms_found(text: str) -> list[tuple[str, str, str]]:
    """(term, original characters, explanation) for each finding."""
    return [
        (f.explanation.split('"')[1], text[f.start : f.end], f.explanation)
        for f in SCANNER.scan(text).findings
    ]


@pytest.mark.parametrize(
    ("text", "term", "original", "note"),
    [
        ("noclaF ships Monday", "Falcon", "noclaF", "(read reversed)"),
        ("news: amrahP osotnoC signed", "Contoso Pharma", "amrahP osotnoC", "(read reversed)"),
        ("n0claF!", "Falcon", "n0claF", "(read reversed) (leetspeak folded)"),
        ("Snypba ships Monday", "Falcon", "Snypba", "(read as ROT13)"),
        ("Pbagbfb Cunezn signed", "Contoso Pharma", "Pbagbfb Cunezn", "(read as ROT13)"),
        ("Cebwrpg Avtugwne", "Project Nightjar", "Cebwrpg Avtugwne", "(read as ROT13)"),
        ("#contosopharma", "Contoso Pharma", "contosopharma", "(words joined)"),
        ("contoso_pharma deal", "Contoso Pharma", "contoso_pharma", "(words joined)"),
        ("contoso-pharma deal", "Contoso Pharma", "contoso-pharma", "(words joined)"),
        ("#ContosoPharma", "Contoso Pharma", "ContosoPharma", "(words joined)"),
        ("WideWorldImporters", "Wide World Importers", "WideWorldImporters", "(words joined)"),
        ("#ProjectNightjar", "Project Nightjar", "ProjectNightjar", "(words joined)"),
    ],
)  # fmt: skip
def test_term_typed_backwards_in_rot13_or_joined_is_found_and_says_how_it_was_read(
    text: str, term: str, original: str, note: str
) -> None:
    assert [(t, o) for t, o, _ in terms_found(text)] == [(term, original)]
    assert terms_found(text)[0][2].endswith(note)


@pytest.mark.parametrize(
    ("text", "term", "original"),
    [
        ("#FalconLaunch today", "Falcon", "Falcon"),
        ("#TailspinToysLaunch", "Tailspin Toys", "TailspinToys"),
        ("big #BluebirdRelease", "Bluebird", "Bluebird"),
        ("NASAFalcon", "Falcon", "Falcon"),
    ],
)
def test_term_as_a_whole_part_of_a_camelcase_word_is_found(
    text: str, term: str, original: str
) -> None:
    ((found_term, found_original, explanation),) = terms_found(text)
    assert (found_term, found_original) == (term, original)
    assert explanation.endswith("(in a word read as its parts)")


@pytest.mark.parametrize(
    ("text", "term", "original"),
    [
        (f"Contoso {RLO}amrahP{PDF} launch", "Contoso Pharma", f"Contoso {RLO}amrahP"),
        (f"x {RLI}{RLO}noclaF{PDF}{PDI} y", "Falcon", "noclaF"),
        (f"{RLM}Pharma{RLM} {RLM}Contoso", "Contoso Pharma", f"{RLM}Pharma{RLM} {RLM}Contoso"),
        (f"Tailspin {RLO}syoT{PDF}!", "Tailspin Toys", f"Tailspin {RLO}syoT"),
    ],
)
def test_text_reordered_by_bidi_controls_is_read_in_display_order(
    text: str, term: str, original: str
) -> None:
    assert [(t, o) for t, o, _ in terms_found(text)] == [(term, original)]


def test_override_of_a_whole_word_is_one_finding_on_the_word() -> None:
    # Shown as "noclaF": the plain view reads "Falcon" in logical order, and the
    # display view's reading covers the same characters, so they are one finding.
    assert [(t, o) for t, o, _ in terms_found(f"{RLO}Falcon{PDF}")] == [("Falcon", "Falcon")]


@pytest.mark.parametrize(
    ("text", "term", "original"),
    [
        ("Foxtrot Alfa Lima Charlie Oscar November ships", "Falcon",
         "Foxtrot Alfa Lima Charlie Oscar November"),
        ("foxtrot-alpha-lima-charlie-oscar-november", "Falcon",
         "foxtrot-alpha-lima-charlie-oscar-november"),
        ("FOXTROT, ALFA, LIMA, CHARLIE, OSCAR, NOVEMBER.", "Falcon",
         "FOXTROT, ALFA, LIMA, CHARLIE, OSCAR, NOVEMBER"),
        ("oscar/sierra/papa/romeo/echo/yankee", "Osprey", "oscar/sierra/papa/romeo/echo/yankee"),
        ("Papa Romeo Oscar Juliett Echo Charlie Tango / November India Golf Hotel Tango "
         "Juliet Alfa Romeo", "Project Nightjar",
         "Papa Romeo Oscar Juliett Echo Charlie Tango / November India Golf Hotel Tango "
         "Juliet Alfa Romeo"),
    ],
)  # fmt: skip
def test_term_spelled_in_the_nato_alphabet_is_found(text: str, term: str, original: str) -> None:
    ((found_term, found_original, explanation),) = terms_found(text)
    assert (found_term, found_original) == (term, original)
    assert explanation.endswith("(in a NATO-alphabet spelling)")


@pytest.mark.parametrize(
    ("text", "term", "original"),
    [
        ("O/S/P/R/E/Y soon", "Osprey", "O/S/P/R/E/Y"),
        ("F/a/l/c/o/n", "Falcon", "F/a/l/c/o/n"),
        ("F|a|l|c|o|n", "Falcon", "F|a|l|c|o|n"),
        ("F·a·l·c·o·n", "Falcon", "F·a·l·c·o·n"),
        ("F•a•l•c•o•n", "Falcon", "F•a•l•c•o•n"),
        ("F*a*l*c*o*n", "Falcon", "F*a*l*c*o*n"),
        ("F~a~l~c~o~n", "Falcon", "F~a~l~c~o~n"),
        ("F.a.l.c.o.n", "Falcon", "F.a.l.c.o.n"),
        ("Contoso 💊 Pharma", "Contoso Pharma", "Contoso 💊 Pharma"),
        ("Project 🐦 Nightjar", "Project Nightjar", "Project 🐦 Nightjar"),
        ("Tailspin✨Toys", "Tailspin Toys", "Tailspin✨Toys"),
        ("Tailspin 👍🏽 Toys", "Tailspin Toys", "Tailspin 👍🏽 Toys"),
        ("Contoso ★ Pharma", "Contoso Pharma", "Contoso ★ Pharma"),
        ("Contoso • Pharma", "Contoso Pharma", "Contoso • Pharma"),
        ("Adventure 🚲 Works 🚲 Cycles", "Adventure Works Cycles", "Adventure 🚲 Works 🚲 Cycles"),
    ],
)
def test_letters_split_by_one_character_or_words_by_a_symbol_are_found(
    text: str, term: str, original: str
) -> None:
    assert [(t, o) for t, o, _ in terms_found(text)] == [(term, original)]


@pytest.mark.parametrize(
    "text",
    [
        "Falconer is my surname",  # contains the term, but not as a CamelCase part
        "#Falconry club",
        "Contoso ★ rocks",  # one word of the phrase
        "C++ ★ rocks",
        "snyp and ba",
        "Alfa Romeo is a car",  # two code words are not a spelling
        "Golf Hotel India was lovely",  # a spelling, of a word that is no term
        "F/a/l/c/o/n/r/y",
        "#falconlaunch",  # no capitals to split it at
        "iPhone, eBay and McDonald",
    ],
)
def test_words_that_only_resemble_a_reading_are_not_found(text: str) -> None:
    assert terms_found(text) == []


@pytest.mark.parametrize(
    ("term", "readings"),
    [
        ("lost", []),  # too short to be read reversed or as ROT13: tsol, ybfg
        ("otto", []),
        ("kayak", [("read as ROT13", "xnlnx")]),  # a palindrome is not read reversed
        ("falcon", [("read reversed", "noclaf"), ("read as ROT13", "snypba")]),
        ("go live", [("read reversed", "evil og"), ("read as ROT13", "tb yvir"),
                     ("words joined", "golive"), ("words joined", "go_live"),
                     ("words joined", "go-live")]),
        ("c++ team", [("read reversed", "maet ++c"), ("read as ROT13", "p++ grnz")]),
    ],
)  # fmt: skip
def test_a_term_is_read_reversed_or_as_rot13_only_from_five_letters(
    term: str, readings: list[tuple[str, str]]
) -> None:
    assert MIN_LETTERS == 5
    assert term_readings(term) == readings


PEM_LINE = "MIIEowIBAAKCAQEA7x9Q2vKp4mWn8sT3bR6yLc1dFg5hJk0lZqXy8w2Lm4Np6Rt0Uv3s"
PEM_BODY = f"\n{PEM_LINE}\n{PEM_LINE[::-1]}\n{PEM_LINE}\n-----END RSA PRIVATE KEY-----"
SECRETS = build_scanner(None, term_lists={}, patterns={}, pii_entities=[])


@pytest.mark.parametrize(
    "header",
    [
        "-----BEGIN RSA PRIV\u0410TE KEY-----",  # Cyrillic А
        "-----BEGIN RSA ＰＲＩＶＡＴＥ KEY-----",  # fullwidth
        "-----BEGIN RSA \U0001d40f\U0001d411IVATE KEY-----",  # mathematical bold
        "-----BEGIN RSA PRI\u200bVATE KEY-----",  # zero-width space
        "-----BEGIN RSA \u1d18\u0280\u026a\u1d20\u1d00\u1d1b\u1d07 KEY-----",  # small capitals
        "-----BEGIN RSA \u13e2RIVATE KEY-----",  # Cherokee Ꮲ
        "\u2014\u2014\u2014\u2014\u2014BEGIN RSA PRIVATE KEY-----",  # em dashes
        f"{RLO}-----YEK ETAVIRP ASR NIGEB-----{PDF}",  # reversed by an override
    ],
)
def test_pem_armour_with_lookalike_or_hidden_characters_is_a_private_key(header: str) -> None:
    labels = [f.label for f in SECRETS.scan(header + PEM_BODY).findings]
    assert "PRIVATE_KEY" in labels


@pytest.mark.parametrize(
    ("text", "name", "shown"),
    [
        (f"Contoso {RLO}amrahP{PDF}", "display_terms", "contoso pharma"),
        ("#ContosoPharma and #FalconLaunch!", "camel", "contoso pharma falcon launch"),
        ("Kilo Echo Yankee to it", "nato", "key to it"),
    ],
)
def test_each_reading_is_a_view_that_maps_back_inside_the_post(
    text: str, name: str, shown: str
) -> None:
    (view,) = views(text).get(name)
    assert view.text == shown
    assert_maps_inside(view, len(text))


def assert_maps_inside(view: View, size: int) -> None:
    assert len(view.offsets) == len(view.text) + 1 and len(view.ends) == len(view.text)
    assert list(view.offsets) == sorted(view.offsets) and list(view.ends) == sorted(view.ends)
    assert all(0 <= view.offsets[i] < view.ends[i] <= size for i in range(len(view.text)))


def test_a_clean_post_builds_no_extra_reading() -> None:
    post = views("Plain post about our hike on Monday, with nothing to read twice.")
    assert post.display is post.plain
    assert post.display_terms is post.camel is post.nato is post.terms


# Ordinary prose, for false positives: none of it names a term, read any way.
PROSE = """
The team shipped a new update today and everyone celebrated with coffee.
My grandmother grew bluebirds in the garden, or so she liked to say.
Our project on night vision cameras was presented at the conference.
The nightjar is a bird that sings at dusk, according to the guide.
Pharma stocks rose after the announcement on Tuesday morning.
The toy shop on Main Street sells tailspin kites for children.
Wide roads and a world of importers filled the old harbour town.
An adventure that works for cycles of learning is worth the effort.
Stressed desserts are what you get when you read some words backwards.
Live and evil, star and rats, drawer and reward: reversals are everywhere.
A gnat and a tang, an irk and a vex, a green and a terra.
Golf, hotel and India were the three topics of the quiz night.
Alfa Romeo and Mike from the office drove to Lima last year.
I prefer Earl Grey to green tea, but coffee beats them both.
The lighthouse keeper waved to the passing fishing boats.
She read the report, signed the contract and left early.
Please send the slides before the meeting on Thursday afternoon.
The weather was lovely, so we walked along the river for hours.
Our dog learned to open the door, which is both clever and alarming.
Dinner was pasta with tomatoes, basil and a little too much garlic.
He played the piano at the wedding and nobody stopped dancing.
The museum opens at ten and closes at six on weekdays.
Reading on the train is the best part of my commute.
The marathon starts at dawn, so the runners sleep early.
Volunteers cleaned the beach and collected forty bags of litter.
The new library has a rooftop garden and a quiet reading room.
We hired three engineers and a designer this quarter.
Thanks to everyone who came to the open source meetup last night.
The conference talk on accessibility drew a full room.
A noisy crow woke me up at five this morning.
Snow fell overnight and the children built a lopsided snowman.
I finally fixed the bike chain after watching a tutorial.
The bakery sells out of croissants by eight every Saturday.
Our charity run raised more money than we hoped.
The cat sat on the keyboard and sent a strange email.
My sister moved to a small town near the coast.
The quarterly report is due next Friday, so plan accordingly.
Sprint planning went smoothly, with a few new tickets added.
The roadmap for next year includes better search and faster pages.
Customer feedback helped us redesign the onboarding flow.
A good manager listens more than they speak.
We visited the lighthouse in Maine and saw a kestrel on the hike.
The release notes mention bug fixes and small improvements.
Lunch in the park was interrupted by a sudden shower.
Hiring remote engineers has made the team more diverse.
The photo of the sunset got more likes than anything I posted.
Family dinners on Sunday are a tradition we keep.
The summer vacation was short but restful.
Sales were up, costs were down, and the board was pleased.
Learning a language takes patience and a lot of practice.
The bridge was closed for repairs, so traffic backed up.
An old friend called out of the blue to say hello.
Our neighbour grows the best tomatoes on the street.
The concert was cancelled because of the storm.
My flight was delayed by two hours, but the crew was kind.
The garden needs weeding before the guests arrive.
Kids these days code games before they can ride bikes.
The teacher praised the class for their science projects.
Orange juice, toast and eggs make a fine breakfast.
The hospital opened a new wing for children last spring.
Poetry night at the cafe drew a small but happy crowd.
We adopted a rescue dog named Pepper.
The mountain trail was steep but the view was worth it.
Someone left a bouquet of flowers on the office reception desk.
The printer jammed again, just before the big presentation.
Our startup turned five this week and we threw a small party.
The documentary about oceans was beautiful and sad.
A rainbow appeared over the bay after the rain stopped.
"""
SENTENCES = [line for line in PROSE.strip().splitlines() if line]
VARIANTS = [str.upper, str.lower, str.title, lambda s: s[::-1], lambda s: s.replace(" ", "")]


def test_ordinary_prose_read_every_way_names_no_term() -> None:
    posts = [variant(sentence) for sentence in SENTENCES for variant in VARIANTS]
    posts += ["#" + sentence.title().replace(" ", "") for sentence in SENTENCES]
    assert len(posts) >= 400
    hits = [(post, terms_found(post)) for post in posts]
    assert [hit for hit in hits if hit[1]] == []


INTERNAL_HOST = r"\b[\w.-]+\.corp\.northwind\.example\b"
LINKS = build_scanner(
    None, term_lists={}, patterns={"internal-links": INTERNAL_HOST}, pii_entities=[]
)


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("new board: jira dot corp dot northwind dot example slash NW-442",
         "jira dot corp dot northwind dot example"),
        ("page: w i k i . corp . northwind . example / onboarding",
         "w i k i . corp . northwind . example"),
        ("see docs . corp . northwind . example", "docs . corp . northwind . example"),
        ("Jira DOT corp Dot northwind dot example", "Jira DOT corp Dot northwind dot example"),
    ],
)  # fmt: skip
def test_host_with_dots_spelled_or_spaced_out_is_an_internal_link(text: str, original: str) -> None:
    assert [text[f.start : f.end] for f in LINKS.scan(text).findings] == [original]


@pytest.mark.parametrize(
    "text",
    [
        "dot the i's and cross the t's",
        "back in the dot com bubble",
        "polka dot ties at the office",
        "we slash prices at the dot com store",
        "corp dot northwind",  # one spelled dot is prose too often
        "end of story. corp. northwind. example.",
    ],
)
def test_prose_with_dot_slash_and_full_stops_is_no_host(text: str) -> None:
    assert views(text).plain.text == text
    assert not LINKS.scan(text).findings


@pytest.mark.parametrize(
    ("text", "term", "original"),
    [
        ("Fal🦅con launch party tonight", "Falcon", "Fal🦅con"),
        ("Blue🐦bird ships friday", "Bluebird", "Blue🐦bird"),
        ("B🔵l🔵u🔵e🔵b🔵i🔵r🔵d", "Bluebird", "B🔵l🔵u🔵e🔵b🔵i🔵r🔵d"),
        ("#Bluebird2026 let's go", "Bluebird", "Bluebird"),
        ("what a sprint #Falcon26 #shipit", "Falcon", "Falcon"),
        ("#2026Falcon!", "Falcon", "Falcon"),
        ("the Blue-\nbird beta is open", "Bluebird", "Blue-\nbird"),
        ("the Blue-\r\n  bird beta", "Bluebird", "Blue-\r\n  bird"),
        ("Falcon-\nbased tooling", "Falcon", "Falcon"),  # the terms view keeps the hyphen
    ],
)
def test_symbol_inside_a_word_digits_after_it_or_a_line_end_hyphen_are_read_through(
    text: str, term: str, original: str
) -> None:
    assert [(t, o) for t, o, _ in terms_found(text)] == [(term, original)]


@pytest.mark.parametrize(
    ("text", "term", "original"),
    [
        ("codenamed Foxtrot Alfa Lima Charly Oscar November, that's all",
         "Falcon", "Foxtrot Alfa Lima Charly Oscar November"),
        ("foxtrot alpha lima charlie oscar november one day", "Falcon",
         "foxtrot alpha lima charlie oscar november"),  # digits apart from the letters
        ("Oscar Sierra Papa Romeo Echo Yankee", "Osprey", "Oscar Sierra Papa Romeo Echo Yankee"),
    ],
)  # fmt: skip
def test_nato_variants_and_digit_words_are_read(text: str, term: str, original: str) -> None:
    ((found_term, found_original, explanation),) = terms_found(text)
    assert (found_term, found_original) == (term, original)
    assert explanation.endswith("(in a NATO-alphabet spelling)")


def test_a_nato_spelled_id_number_is_read_in_capitals_for_pii() -> None:
    text = "my NI number: Juliett X-ray four eight two nine one seven Bravo"
    post = views(text)
    assert post.nato.text.endswith("jx 482917 b")  # for terms: digits apart
    (pii,) = post.get("nato_pii")
    assert pii.text == "my NI number: JX482917B"
    assert_maps_inside(pii, len(text))
    assert pii.to_original(14, 23) == (14, len(text))
    assert views("X ray Whisky Alfa niner fower tree fife zero").get("nato_pii")[0].text == (
        "XWA94350"
    )


@pytest.mark.parametrize(
    "text",
    [
        "one two three four, here we go",  # digit words alone are the pii view's
        "Alfa Romeo one two, then a coffee",  # two letter code words are too few
        "we stayed at Hotel India for two nights",
    ],
)
def test_ordinary_code_and_digit_words_build_no_pii_reading(text: str) -> None:
    assert views(text).get("nato_pii") == ()


SECRETS = build_scanner(None, term_lists={}, patterns={}, pii_entities=[])


def test_a_password_in_a_sentence_typed_backwards_is_found_on_the_whole_run() -> None:
    text = "tsohG#baL!7mQ si bal eht rof drowssap ifiw eht\n(read it backwards, ur welcome)"
    found = SECRETS.scan(text).findings
    assert found and all(f.explanation.endswith("(in a run of text read backwards)") for f in found)
    assert {(f.start, f.end) for f in found} == {(0, text.index("\n"))}
    (view,) = views(text).get("backwards")
    assert view.text == "the wifi password for the lab is Qm7!Lab#Ghost"


@pytest.mark.parametrize(
    "text",
    [
        "DNA sequencing is fun",  # one reversed word is no sentence
        "si, si, claro que si",
        "the wifi password for the lab is on the wall",
    ],
)
def test_ordinary_text_is_not_read_backwards(text: str) -> None:
    assert views(text).get("backwards") == ()


@pytest.mark.parametrize(
    "text",
    [
        "Falcons🦅 are the fastest birds",  # the plural, emoji after it
        "#2026goals #Web3 #covid19 #Falcon2",
        "a well-\nknown fact and a long-\nawaited trip",
        "Alpha, Bravo and Charlie teams report to Delta at nine",
        "Foxtrot Uniform November run is on Friday",
        "I ❤️ my falconry club",
        "Bluebirds🐦 at the feeder",
    ],
)
def test_ordinary_posts_name_no_term_under_the_new_readings(text: str) -> None:
    assert terms_found(text) == []


@pytest.mark.parametrize(
    "unit",
    [
        "Fal🦅c ",
        "ab-\ncd ",
        "Falcon2026x ",
        "alfa bravo one two ",
        "eht si drowssap ",
        "a🦅b🦅c🦅d",
    ],
)
def test_new_readings_stay_cheap_on_a_5000_character_post(unit: str) -> None:
    text = (unit * (5000 // len(unit) + 1))[:5000]
    SECRETS.scan("warm up " + unit)
    started = time.perf_counter()
    post = views(text)
    for name in ("camel", "nato", "nato_pii", "backwards"):
        post.get(name)
    terms_found(text)
    assert time.perf_counter() - started < 0.5

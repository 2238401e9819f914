"""Street addresses: a cheap pre-filter, then usaddress's CRF tagger on a short window.

``CANDIDATE`` finds a house number a few words before a street type ("221B
Baker Street", "1600 Pennsylvania Ave") or a PO box; a post without one costs
one regex scan. Each candidate's window (from the number, or from a unit
written before it, "apt 4B, ", ``UNIT_BEFORE``; ``WINDOW`` characters after
it; at most ``MAX_CANDIDATES`` a post) goes to usaddress (about 0.3 ms each),
which labels its words; the address is the run of address labels from the
house number on. Other words before the number are left out of the window:
"We're at 42 Maple Grove Road" made usaddress tag "We're at 42" as the street.
Why usaddress rather than pyap2: pyap2 finds only complete addresses (street,
city, state, ZIP), not "221B Baker Street", "apt 4B, 350 Fifth Avenue" or
"PO Box 1234", and rewrites the text's spacing so its offsets drift; usaddress
tags the street line alone. It is a US tagger: Canadian addresses ("301 Front
St W, Toronto, ON M5V 2T6") parse too; for UK and Irish ones a postcode or
Eircode after the street line, or an Irish county (``POSTCODE_TOWN``), makes
it complete, and where usaddress tags no street at all ("8 Kingfisher Close,
Reading RG2 9QT") the pre-filter's shape and the postcode are enough.

Scores (a context word such as "live", "home", "address" or "send" adds 0.35, as
does a home phrase before the address, "at mine", "come over", "we're at",
"mail my badge to" (street_address_words.py); every tier needs one to reach
the 0.5 floor, except a street line with a flat or apartment: a public
drop-off point or a restaurant has a complete address too):

    complete: street or PO box, city, and state, ZIP or postcode   0.45
    street line with an apartment or flat ("apt 4B, 350 Fifth Ave")  0.5
    street line ("221B Baker Street"), PO box alone                 0.4

A street's name is one to three capitalized words or ordinals: "5 miles down
Main Street" and "2 dogs and live on Oak Drive" are not addresses, and
neither is a street line written all in lower case ("12 oak lane"), where
usaddress's tags are no better than a guess. Context words are matched by
prefix (detectors/pii_context.py), so "ship" and "move" are not among them
("shipped", "movement"). A business's address ("our HQ at
1 Microsoft Way", "visit our booth at 747 Howard St", "the venue is ...")
is not a person's: a ``BUSINESS_WORDS`` word near it sets 0.2, which no
context word lifts, below the 0.5 floor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import usaddress
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.recognizers.results import lift, scored_result
from detectors.recognizers.street_address_words import (
    NOT_STREET_NAME_WORDS,
    STREET_TYPE_WORDS,
    STREET_TYPES,
    whose,
)

ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
# A house number, one to three capitalized words or ordinals (a directional,
# the name), a street type in any case; or a PO box.
NAME_WORD = r"(?:[A-Z][\w.'-]*|\d+(?:st|nd|rd|th))"
CANDIDATE = re.compile(
    rf"\b\d{{1,6}}[A-Za-z]?\b(?:[ \t]+{NAME_WORD}){{1,3}}?[ \t]+(?i:{'|'.join(STREET_TYPES)})\b"
    r"|(?P<box>\b(?i:p\.?[ \t]?o\.?[ \t]?box|post[ \t]office[ \t]box)[ \t]*\d{1,6}\b)"
)
# Continental formats usaddress does not tag: the street type before the name
# ("17 Rue des Lilas, 69003 Lyon", "Via Roma 12"), or fused after it with the
# number last ("Lindenstraße 5, 10115 Berlin"); a postcode and town after one
# makes it complete.
_UPPER = r"[A-ZÀ-ÖØ-Þ][\w'’-]*"
_LINK = r"(?:(?:de|des|du|de la|la|le|les|del|della|di|da|do|dos|das|dei)[ \t]+)?"
EUROPEAN = re.compile(
    rf"\b\d{{1,4}}(?:bis|ter|[a-z])?,?[ \t]+(?i:rue|avenue|boulevard|bd|chemin|all[ée]e|impasse"
    rf"|quai|via|viale|piazza|corso|calle|avenida|carrer|rua|travessa|praça)[ \t]+{_LINK}"
    rf"{_UPPER}(?:[ \t]+{_UPPER})?"
    rf"|\b(?i:rue|avenue|via|viale|piazza|corso|calle|avenida|carrer|rua)[ \t]+{_LINK}{_UPPER}"
    rf"(?:[ \t]+{_UPPER})?,?[ \t]+\d{{1,4}}[a-z]?\b"
    r"|\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|platz|allee|gasse|ring|damm|gracht"
    r"|laan|straat|vej|gatan|gata|veien)[ \t]+\d{1,4}[a-z]?\b"
)
EUROPEAN_TOWN = re.compile(r",?[ \t]*(?:[A-Z]-)?\d{4,5}[ \t]+[A-ZÀ-Þ][\w'’-]+")
UNIT_REACH = 20
WINDOW = 100
MAX_CANDIDATES = 8
MAX_STREET_NAME_WORDS = 3
TOKEN = re.compile(r"\(*\b[^\s,;#&()]+[.,;)\n]*|[#&]")  # usaddress.tokenize's
STREET_LABELS = frozenset(
    """AddressNumberPrefix AddressNumber AddressNumberSuffix StreetNamePreModifier
    StreetNamePreDirectional StreetNamePreType StreetName StreetNamePostType
    StreetNamePostDirectional OccupancyType OccupancyIdentifier SubaddressType
    SubaddressIdentifier USPSBoxType USPSBoxID USPSBoxGroupType USPSBoxGroupID""".split()
)
UNIT_LABELS = frozenset({"OccupancyType", "OccupancyIdentifier"})
TOWN_LABELS = frozenset({"PlaceName", "StateName", "ZipCode", "CountryName"})
ZIP = re.compile(r"\d{5}(?:-\d{4})?")
STATE = re.compile(r"[A-Z]{2}")
CA_POSTCODE = re.compile(r"[A-Z]\d[A-Z] ?\d[A-Z]\d")
# A UK postcode or an Irish Eircode after a street line, a town (and county) before it:
# ", Leeds LS6 2AB", ", Milton Keynes MK9 2AB", ", Cobh, Co. Cork P24 X123"; or an Irish
# town and county without one (", Cobh, Co. Cork").
_TOWN = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?"
_COUNTY = r"(?:Co\.?|County) [A-Z][a-z]+"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}"
_EIRCODE = r"(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}"
POSTCODE_TOWN = re.compile(
    rf",? *(?:{_TOWN},? +)?(?:{_COUNTY},? +)?(?:{_UK_POSTCODE}|{_EIRCODE})\b"
    rf"|,? *{_TOWN},? +{_COUNTY}\b"
)
# "apt 4B, 350 Fifth Avenue": a unit written before the number, in the window.
UNIT_BEFORE = re.compile(
    r"(?:(?<![^\W\d_])(?i:apt|apartment|flat|unit|suite|ste)\.?|#)[ \t]*\w{1,5},?[ \t]*$"
)
PERSONAL_UNIT = re.compile(r"apt|apartment|flat|unit|#", re.IGNORECASE)
HOME_LIFT = 0.35  # as a context word lifts a match (detectors/pii_context.py)

COMPLETE = ("complete address", 0.45)
WITH_UNIT = ("street line with a unit", 0.5)
STREET_LINE = ("street line", 0.4)
PO_BOX = ("PO box", 0.4)
BUSINESS = ("business address", 0.2)


@dataclass(frozen=True)
class Tagged:
    """One word of a window, with usaddress's label and its offsets in the post."""

    label: str
    start: int
    end: int
    text: str


def tag(text: str, start: int, end: int) -> list[Tagged]:
    """usaddress's labels for the words of text[start:end], with offsets in text."""
    window = text[start:end]
    spans = [m.span() for m in TOKEN.finditer(window)]
    labels = usaddress.parse(window)
    if len(labels) != len(spans):  # usaddress rewrote "&amp;": give up on this window
        return []
    return [
        Tagged(label, start + s, start + e, window[s:e].rstrip(".,;)\n"))
        for (_, label), (s, e) in zip(labels, spans, strict=True)
    ]


def street_run(words: list[Tagged], number_at: int, box: bool) -> list[Tagged]:
    """The words of the street line around the one starting at number_at, or []."""
    first = next((i for i, w in enumerate(words) if w.start == number_at), None)
    if first is None or words[first].label not in STREET_LABELS:
        return []
    while first > 0 and words[first - 1].label in UNIT_LABELS:
        first -= 1  # "apt 4B, 350 Fifth Avenue": the unit written first
    last = first
    while last + 1 < len(words) and words[last + 1].label in STREET_LABELS:
        last += 1
    run = words[first : last + 1]
    if box:  # the pre-filter saw "PO Box 1234" here
        return run if words[first].label == "USPSBoxType" else []
    return run if looks_like_a_street(run) else []


def looks_like_a_street(run: list[Tagged]) -> bool:
    """One house number, a street type, and a name of 1-3 capitalized words or ordinals."""
    if any(w.label == "USPSBoxID" for w in run):
        return False
    numbers = [w for w in run if w.label == "AddressNumber"]
    types = [w.text.lower() for w in run if w.label in ("StreetNamePostType", "StreetNamePreType")]
    name = [w.text for w in run if w.label == "StreetName"]
    return (
        len(numbers) == 1
        and any(t in STREET_TYPE_WORDS for t in types)
        and 1 <= len(name) <= MAX_STREET_NAME_WORDS
        # "5 miles down Main Street", "2 customers street": ordinary words, not a name
        and all(w.lower() not in NOT_STREET_NAME_WORDS for w in name)
        and all(w[:1].isupper() or ORDINAL.fullmatch(w) for w in name)
    )


def town_end(text: str, words: list[Tagged], after: int) -> int | None:
    """Where the city and the state or ZIP after a street line end, if present."""
    town = [w for w in words if w.start >= after]
    end = None
    for word in town:
        if word.label not in TOWN_LABELS:
            break
        if (
            ZIP.fullmatch(word.text)
            or CA_POSTCODE.fullmatch(word.text)
            or (word.label == "StateName" and STATE.fullmatch(word.text))
        ):
            end = word.end
    if end is not None and town and town[-1].label == "ZipCode" and town[-1].end > end:
        end = town[-1].end  # "ON M5V 2T6": the postcode's second half
    return end


class StreetAddressRecognizer(LocalRecognizer):
    """Street addresses and PO boxes, found by a pre-filter and tagged by usaddress."""

    CONTEXT = [
        "live", "lives", "living", "home", "address", "addr", "apartment", "flat", "house",
        "moved", "moving", "mail", "send", "deliver", "delivery", "stay", "staying", "place",
        "housewarming", "neighbor", "neighbour", "parcel", "package", "visit", "come", "pick",
        "ours",
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__(
            supported_entities=["STREET_ADDRESS"], supported_language="en", context=self.CONTEXT
        )

    def load(self) -> None:
        """Nothing to load: usaddress's model loads on import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        taken = parsed = 0
        for candidate in CANDIDATE.finditer(text):
            if candidate.start() < taken:
                continue  # inside the address just found
            if parsed == MAX_CANDIDATES:
                break  # the tagger's cost is bounded per post, whatever its length
            parsed += 1
            result = self._address_at(text, candidate)
            if result is not None:
                results.append(result)
                taken = result.end
        for street in EUROPEAN.finditer(text, 0, len(text)):
            if not any(r.start < street.end() and street.start() < r.end for r in results):
                town = EUROPEAN_TOWN.match(text, street.end())
                tier = COMPLETE if town else STREET_LINE
                results.append(
                    self._result(text, street.start(), town.end() if town else street.end(), tier)
                )
            if len(results) >= MAX_CANDIDATES:
                break
        return results

    def _address_at(self, text: str, candidate: re.Match[str]) -> RecognizerResult | None:
        number_at, box = candidate.start(), candidate["box"] is not None
        # The window starts at the number, or at a unit written before it: any other
        # words before the number make usaddress's tags a guess ("We're at 42 ...").
        unit = UNIT_BEFORE.search(text, max(0, number_at - UNIT_REACH), number_at)
        words = tag(text, unit.start() if unit else number_at, min(len(text), number_at + WINDOW))
        run = street_run(words, number_at, box)
        if not run:
            return None if box else self._by_postcode(text, candidate)
        street_end = max(w.end for w in run if w.label not in UNIT_LABELS)
        town = POSTCODE_TOWN.match(text, street_end)  # "..., London NW1 6XE": tagged as a unit
        end = town.end() if town else town_end(text, words, run[-1].end)
        if end is not None:
            tier = COMPLETE
        elif any(w.label == "USPSBoxID" for w in run):
            tier = PO_BOX
        elif any(w.label == "OccupancyType" and PERSONAL_UNIT.match(w.text) for w in run):
            tier = WITH_UNIT
        else:
            tier = STREET_LINE
        return self._result(text, run[0].start, end or run[-1].end, tier)

    def _by_postcode(self, text: str, candidate: re.Match[str]) -> RecognizerResult | None:
        """A street line usaddress does not tag ("8 Kingfisher Close", a US tagger on a UK
        street) that a UK postcode or an Eircode completes: the pre-filter's shape is enough."""
        town = POSTCODE_TOWN.match(text, candidate.end())
        name = candidate.group().split()[1:-1]
        if town is None or any(w.lower() in NOT_STREET_NAME_WORDS for w in name):
            return None
        return self._result(text, candidate.start(), town.end(), COMPLETE, "by its postcode")

    def _result(
        self, text: str, start: int, end: int, tier: tuple[str, float], how: str = "by usaddress"
    ) -> RecognizerResult:
        name, score = tier
        owner = whose(text, start, end)
        if owner.business:
            name, score = f"{BUSINESS[0]}: '{owner.business}'", BUSINESS[1]
        # A business's address stays below the floor: no context word lifts it; a home
        # cue lifts it here, as a context word would.
        result = scored_result(
            self,
            "STREET_ADDRESS",
            (start, end),
            score,
            name,
            f"{name}, tagged {how}",
            final=bool(owner.business or owner.home),
        )
        return lift(result, owner.home, min(score + HOME_LIFT, 1.0)) if owner.home else result

"""The street-address recognizer's vocabulary: street types, and the words that say whose address.

A business's or a venue's address ("our HQ at", "visit our booth at", "the
venue is") is not a person's: ``BUSINESS_WORDS``. A home is named by phrases
presidio's context words (single words) cannot hold: "BBQ at mine", "her
flat", "come over", "we're at", "I live at", or "mail my badge to" right
before the address: ``HOME_CUES`` and ``DELIVERY_CUE``. Event words that are
as often a restaurant's or a bar's ("dinner at", "drinks at", "party at") are
not home cues.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STREET_TYPES = [
    "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "lane", "ln",
    "drive", "dr", "way", "court", "ct", "place", "pl", "terrace", "ter", "parkway", "pkwy",
    "highway", "hwy", "square", "sq", "circle", "cir", "close", "crescent", "cres", "row",
    "trail", "trl", "alley", "plaza", "mews", "grove", "gardens", "gdns", "walk", "hill",
    "park", "pike", "loop", "path", "broadway",
]  # fmt: skip
STREET_TYPE_WORDS = frozenset(STREET_TYPES)
# Words no street's name holds: "5 miles down Main Street" is a run, not an address.
NOT_STREET_NAME_WORDS = frozenset(
    """a an the and or but of on in at to into onto from for with by down up past near off
    over under along across around through via per my our your his her their its is was are
    were be been i we you he she it they this that these those miles blocks km mi""".split()
)


def whole_words(pattern: str) -> re.Pattern[str]:
    """The pattern as whole words, ignoring case."""
    return re.compile(rf"(?<![^\W\d_])(?:{pattern})(?![^\W\d_])", re.IGNORECASE)


# Words that say an address is a business's or a venue's, near it.
BUSINESS_WORDS = whole_words(
    r"hq|headquarters|offices?|booth|venue|store|shop|restaurant|caf[eé]"
    r"|hotel|campus|conference|summit|meetup|expo|showroom|warehouse|factory|branch"
    r"|clinic|museum|gallery|theat(?:re|er)|stadium|arena|located at|find us|visit us"
    r"|join us"
)
_APOSTROPHE = "['’]"
# Phrases before an address that say it is someone's home.
HOME_CUES = whole_words(
    r"at (?:mine|ours)"
    r"|(?:my|our|his|her|their) (?:new |old )?(?:place|house|home|flat|apartment|apt|digs"
    r"|condo|address)"
    r"|(?:come|pop|swing) (?:over|round|by)"
    r"|(?:bbq|barbecue|cookout|potluck|sleepover) (?:is )?at|house ?warming"
    rf"|(?:we{_APOSTROPHE}re|we are|i{_APOSTROPHE}m|i am) (?:now |still )?at"
    r"|(?:i|we) (?:now |still )?live (?:at|on)"
)
# "mail my badge to <address>": a delivery to the writer, the cue right before it.
DELIVERY_CUE = re.compile(
    r"(?<![^\W\d_])(mail|send|post|deliver|forward|ship)(?![^\W\d_])[^.!?\n]{0,40}"
    r"(?<![^\W\d_])to[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)
BUSINESS_REACH_BEFORE = 30
BUSINESS_REACH_AFTER = 30
HOME_REACH_BEFORE = 60


@dataclass(frozen=True)
class Whose:
    """What the words near an address say about it: a business's or venue's (the word
    that says so), a home (the cue), or neither (both "")."""

    business: str = ""
    home: str = ""


def whose(text: str, start: int, end: int) -> Whose:
    """Whose the address at start:end is, by the words near it.

    A home cue before the address ("at mine", "mail my badge to") outweighs a
    business word farther from it ("mail my conference badge to ..."); a
    business word between the cue and the address, or just after it, wins.
    """
    reach = max(0, start - HOME_REACH_BEFORE)
    home, home_end = "", 0
    if delivery := DELIVERY_CUE.search(text, reach, start):
        home, home_end = f"{delivery.group(1).lower()} ... to", start
    elif cues := list(HOME_CUES.finditer(text, reach, start)):
        home, home_end = cues[-1].group().lower(), cues[-1].end()
    business = BUSINESS_WORDS.search(
        text, max(start - BUSINESS_REACH_BEFORE, home_end, 0), start
    ) or BUSINESS_WORDS.search(text, end, min(len(text), end + BUSINESS_REACH_AFTER))
    if business:
        return Whose(business=business.group().lower())
    return Whose(home=home)

"""Seeded microblog corpora for benchmarks/scan_speed.py: mostly clean, some planted items.

Each post is about `length` characters: a core sentence (clean, or a template
with one planted item), padded with whole clean sentences, hashtags and emoji,
and topped up with one sentence cut at a word boundary. A planted item is never
cut, and its offsets are recorded so both sides' recall can be checked.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

POSITIVE_SHARE = 0.06  # of a corpus, per planted kind; the rest (70%) is clean
KINDS = ("codename", "customer", "ssn", "email", "aws_key")

CLEAN = (
    "Just wrapped up a great sprint review with the team. Proud of everyone!",
    "Coffee count today: 4. Send help.",
    "Our new office in Lisbon is finally open and the view is unreal.",
    "Reminder: the Northwind community day is this Saturday, bring the kids!",
    "Hot take: the best debugging tool is still a good night's sleep.",
    "Three years at Northwind today. Thank you to the best colleagues anyone could ask for.",
    "Lunch-and-learn on accessibility went really well, slides coming soon.",
    "Anyone else's standup turn into a 40 minute design debate? Just us?",
    "We're hiring backend engineers in Berlin and Toronto, come work with me!",
    "Ran my first half marathon on Sunday. Legs are not speaking to me.",
    "Great keynote by Maria Gonzalez at the conference this morning.",
    "Volunteered at the food bank with the finance team. 600 meals packed!",
    "The rain in Seattle never stops but the cafeteria soup is excellent.",
    "Shipping small, shipping often. That's the whole secret.",
    "Read our latest post on how we cut build times in half: https://northwind.example/blog/builds",
    "If your meeting could be an email, let it be an email.",
    "Happy Friday! Who's going to the team picnic next week?",
    "Mentoring interns this summer has been the highlight of my year.",
    "Big thanks to @dana_codes for the pairing session yesterday.",
    "Pro tip: write the test before you fix the bug. Future you says thanks.",
    "The new espresso machine on the third floor is a game changer.",
    "Congrats to our support team for a record satisfaction score in Q3.",
    "Back from parental leave and the codebase is somehow both familiar and alien.",
    "We just published our 2024 sustainability report, proud of the progress.",
    "Remote Tuesday, in-office Wednesday, confused Thursday.",
    "Spent the afternoon refactoring a 900-line function into twelve readable ones.",
    "Our booth at the trade show in Chicago is number 214, come say hi!",
    "Kudos to the design team for the new onboarding flow, users love it.",
    "It's not a bug, it's an undocumented feature. (It's a bug.)",
    "Celebrating Diwali with the Mumbai office today, the food was incredible.",
    "Today I learned our oldest service is older than some of our interns.",
    "Welcome to the team, Priya and Tom! Looking forward to building with you.",
    "Our open source library just passed 10k stars. Thank you, contributors!",
    # Ordinary numbers that must not become phone, card or ID numbers.
    "Release v2.14.3 is out today with 37 fixes, changelog on the blog.",
    "Order 4471-2290 for the team hoodies shipped, $45 each, arriving 03/14.",
    "Booked the offsite for 12-14 June, room 1204, 60 people confirmed.",
    "Latency down from 212 ms to 48 ms after the cache change. p99 is 95 ms.",
)
TAGS = ("#lifeatnorthwind", "#engineering", "#teamwork", "#hiring", "#devlife", "#remotework")
EMOJI = ("🎉", "🚀", "☕", "🙌", "😅", "💡", "🔥", "👏")

TEMPLATES: Mapping[str, tuple[str, ...]] = {
    "codename": (
        "Can't say much yet, but {x} is going to change how we ship.",
        "Late night with the {x} crew again.",
        "Demo day for {x} went better than expected!",
        "{x} launch party tonight!",
    ),
    "customer": (
        "Great meeting with the folks at {x} today!",
        "{x} just renewed for three more years, huge win for the team.",
        "On site at {x} for the rollout.",
    ),
    "ssn": (
        "Ugh, the benefits form asked for my SSN again: {x}",
        "HR typed my social security number as {x} and now nothing works.",
        "my ssn is {x} lol",
    ),
    "email": (
        "DM me or write to {x} if you want to chat about the role.",
        "Reach me at {x} while I'm travelling.",
        "Email me: {x}",
    ),
    "aws_key": (
        "Oops, pasted the wrong thing: {x}",
        "why does export AWS_ACCESS_KEY_ID={x} not work in the new shell",
        "key {x} rotated, build green",
    ),
}
FIRST = ("jane", "tom", "priya", "ahmed", "li", "maria", "sam", "olga", "kofi", "lena")
LAST = ("doe", "smith", "patel", "khan", "wong", "garcia", "berg", "ivanova", "mensah", "meyer")
DOMAINS = ("gmail.com", "outlook.com", "proton.me", "yahoo.co.uk", "fastmail.fm", "icloud.com")


@dataclass(frozen=True)
class Sample:
    """One post; kind and span (offsets of the planted item) are None for clean posts."""

    text: str
    kind: str | None
    span: tuple[int, int] | None


def build_corpora(
    count: int, n: int, length: int, term_lists: Mapping[str, Sequence[str]], seed: int
) -> list[list[Sample]]:
    """count corpora of n posts of about `length` characters, no text twice in any of them.

    Distinct texts matter: Gatepost caches scan results by text, and the
    benchmark measures posts it has not seen. The same arguments give the same
    corpora.
    """
    rng = random.Random(seed * 1000 + length)
    seen: set[str] = set()
    return [_corpus(rng, n, length, term_lists, seen) for _ in range(count)]


def _corpus(
    rng: random.Random,
    n: int,
    length: int,
    term_lists: Mapping[str, Sequence[str]],
    seen: set[str],
) -> list[Sample]:
    per_kind = max(1, round(n * POSITIVE_SHARE))
    kinds: list[str | None] = [k for k in KINDS for _ in range(per_kind)]
    kinds = (kinds + [None] * max(0, n - len(kinds)))[:n]
    rng.shuffle(kinds)
    samples = []
    for kind in kinds:
        sample = _sample(rng, kind, length, term_lists)
        for _ in range(100):
            if sample.text not in seen:
                break
            sample = _sample(rng, kind, length, term_lists)
        seen.add(sample.text)
        samples.append(sample)
    return samples


def _sample(
    rng: random.Random, kind: str | None, length: int, term_lists: Mapping[str, Sequence[str]]
) -> Sample:
    if kind is None:
        text, _ = _pad(rng, _cut(rng.choice(CLEAN), length), length)
        return Sample(text, None, None)
    item = _item(rng, kind, term_lists)
    fitting = [t for t in TEMPLATES[kind] if len(t) - 3 + len(item) <= length]
    core = rng.choice(fitting).format(x=item)
    text, at = _pad(rng, core, length)
    start = at + core.index(item)
    return Sample(text, kind, (start, start + len(item)))


def _pad(rng: random.Random, core: str, length: int) -> tuple[str, int]:
    """(post, offset of core in it): core with padding around it, at most `length` chars.

    Whole sentences before and after the core, then one cut to fill, then tags
    and emoji at the end; nothing twice in one post.
    """
    before: list[str] = []
    after: list[str] = []
    tail: list[str] = []
    pool = [p for p in CLEAN if p != core] + list(TAGS + EMOJI)
    rng.shuffle(pool)

    def size() -> int:
        return len(" ".join(before + [core] + after + tail))

    for piece in pool[:12]:
        if size() >= 0.9 * length:
            break
        if size() + 1 + len(piece) > length or (piece not in CLEAN and len(tail) == 3):
            continue
        if piece not in CLEAN:
            tail.append(piece)
        else:
            (before if rng.random() < 0.4 else after).append(piece)
    room = length - size() - 1
    fill = [p for p in pool[12:] if p in CLEAN]
    if room >= 12 and fill:
        after.append(_cut(fill[0], room))
    text = " ".join(before + [core] + after + tail)
    return text, len(" ".join(before)) + (1 if before else 0)


def _cut(sentence: str, limit: int) -> str:
    """sentence, or its words up to limit characters ending in an ellipsis."""
    if len(sentence) <= limit:
        return sentence
    return sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",.:;!?") + "…"


def _item(rng: random.Random, kind: str, term_lists: Mapping[str, Sequence[str]]) -> str:
    makers: dict[str, Callable[[], str]] = {
        "codename": lambda: _case_variant(rng, rng.choice(term_lists["codenames"])),
        "customer": lambda: _case_variant(rng, rng.choice(term_lists["customers"])),
        "ssn": lambda: _ssn(rng),
        "email": lambda: _email(rng),
        "aws_key": lambda: (
            "AKIA" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))
        ),
    }
    return makers[kind]()


def _case_variant(rng: random.Random, term: str) -> str:
    r = rng.random()
    if r < 0.7:
        return term
    return term.lower() if r < 0.9 else term.upper()


def _ssn(rng: random.Random) -> str:
    """A structurally valid SSN (presidio's checks), '-' or ' ' separated."""
    while True:
        area, group, serial = rng.randint(1, 899), rng.randint(1, 99), rng.randint(1, 9999)
        digits = f"{area:03d}{group:02d}{serial:04d}"
        if area != 666 and len(set(digits)) > 1 and digits not in ("123456789", "078051120"):
            sep = "-" if rng.random() < 0.8 else " "
            return f"{digits[:3]}{sep}{digits[3:5]}{sep}{digits[5:]}"


def _email(rng: random.Random) -> str:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = rng.choice(
        (f"{first}.{last}", f"{first}{last}{rng.randint(1, 99)}", f"{first[0]}{last}")
    )
    return f"{local}@{rng.choice(DOMAINS)}"


def synthetic_terms(n: int, seed: int) -> list[str]:
    """n deterministic made-up codenames: 'Velmora', 'Project Quintarex', ..."""
    rng = random.Random(seed + 1)
    onsets = "b c d f g h k l m n p qu r s t v w z br cr dr gr kr pl st tr vr zh".split()
    vowels = "a e i o u ai ea io ou".split()
    codas = ["", "", "n", "r", "s", "x", "l", "th", "nd", "rk"]
    # Never a word of the clean sentences: a synthetic term must not fire on them.
    seen = {w.strip(".,:;!?()'").lower() for s in CLEAN for w in s.split()}
    out: list[str] = []
    while len(out) < n:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.randint(2, 3))
        ).capitalize()
        term = f"Project {word}" if rng.random() < 0.3 else word
        if term.lower() not in seen:
            seen.add(term.lower())
            out.append(term)
    return out

"""Payment card numbers: a Luhn-valid number in a real card brand's range and length.

Presidio's pattern takes any 13 to 17 digits starting 1, 3, 4, 5 or 6 that
pass Luhn: it misses 2-series Mastercard (2221-2720), Mir and BORICA (2200-2205),
the national schemes starting 8 or 9 (UzCard, Humo, Troy), and 18-19 digit
cards, and accepts mixed separators and ranges no brand issues. Here a card number is
13 to 19 digits, grouped by one kind of separator (space, dash or dot) or none,
passing Luhn, whose prefix and length belong to a brand in ``CARD_RANGES``.

Published test numbers (4111 1111 1111 1111, 4242 4242 4242 4242, ...) are
card numbers here. A reader, a scraper or the platform's own filter cannot
tell them from real ones; they are what people type to see whether the
gateway works; and a policy that wants them through says so with
``unless: {terms: [...]}``, where an admin can see it, rather than in code.
Only the placeholder-evident one-digit-repeated numbers are not cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from presidio_analyzer import Pattern
from presidio_analyzer.predefined_recognizers import CreditCardRecognizer


@dataclass(frozen=True)
class CardRange:
    """Card numbers starting with a prefix from low to high (same digit count), of these lengths."""

    brand: str
    low: int
    high: int
    lengths: tuple[int, ...]

    def holds(self, digits: str) -> bool:
        prefix = digits[: len(str(self.low))]
        return len(digits) in self.lengths and self.low <= int(prefix) <= self.high


SIXTEEN_TO_19 = (16, 17, 18, 19)
CARD_RANGES = (
    CardRange("Visa", 4, 4, (13, 16, 19)),
    CardRange("Mastercard", 51, 55, (16,)),
    CardRange("Mastercard", 2221, 2720, (16,)),
    CardRange("American Express", 34, 34, (15,)),
    CardRange("American Express", 37, 37, (15,)),
    CardRange("Discover", 6011, 6011, SIXTEEN_TO_19),
    CardRange("Discover", 644, 649, SIXTEEN_TO_19),
    CardRange("Discover", 65, 65, SIXTEEN_TO_19),
    CardRange("UnionPay", 62, 62, SIXTEEN_TO_19),
    CardRange("JCB", 3528, 3589, SIXTEEN_TO_19),
    CardRange("Diners Club", 300, 305, (14, *SIXTEEN_TO_19)),
    CardRange("Diners Club", 36, 36, (14, *SIXTEEN_TO_19)),
    CardRange("Diners Club", 38, 39, SIXTEEN_TO_19),
    CardRange("Maestro", 5018, 5018, (13, 15, *SIXTEEN_TO_19)),
    CardRange("Maestro", 5020, 5020, (13, 15, *SIXTEEN_TO_19)),
    CardRange("Maestro", 5038, 5038, (13, 15, *SIXTEEN_TO_19)),
    CardRange("Maestro", 5893, 5893, (13, 15, *SIXTEEN_TO_19)),
    CardRange("Maestro", 6304, 6304, (13, 15, *SIXTEEN_TO_19)),
    CardRange("Maestro", 6759, 6763, (13, 15, *SIXTEEN_TO_19)),
    CardRange("Dankort", 5019, 5019, (16,)),
    CardRange("RuPay", 60, 60, (16,)),
    CardRange("RuPay", 508, 508, (16,)),
    CardRange("UnionPay or RuPay", 81, 82, (16,)),
    CardRange("Mir", 2200, 2204, SIXTEEN_TO_19),
    CardRange("BORICA", 2205, 2205, (16,)),
    CardRange("Troy", 9792, 9792, (16,)),
    CardRange("Verve", 506099, 506198, (16, 18, 19)),
    CardRange("Verve", 507865, 507964, (16, 18, 19)),
    CardRange("Elo", 5066, 5067, (16,)),
    CardRange("Elo", 509, 509, (16,)),
    CardRange("UzCard", 8600, 8600, (16,)),
    CardRange("Humo", 9860, 9860, (16,)),
    CardRange("InterPayment", 636, 636, SIXTEEN_TO_19),
    CardRange("InstaPayment", 637, 639, (16,)),
    CardRange("GPN", 1946, 1946, (16, 18, 19)),
    CardRange("UATP", 1, 1, (15,)),
)
SEPARATORS = " -."


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, digit in enumerate(reversed(digits)):
        d = int(digit) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def card_brand(digits: str) -> str | None:
    """The brand whose range and length hold these digits, if any."""
    return next((r.brand for r in CARD_RANGES if r.holds(digits)), None)


class BrandCheckedCardRecognizer(CreditCardRecognizer):
    """presidio's CreditCardRecognizer with Gatepost's pattern and brand-range check."""

    PATTERNS = [
        # Weak until validated: a match that passes validate_result scores 1.0.
        Pattern("card number (13-19 digits)", r"\b\d(?:[ .-]?\d){12,18}\b", 0.3),
    ]

    def validate_result(self, pattern_text: str) -> bool:
        if len({c for c in pattern_text if c in SEPARATORS}) > 1:
            return False  # "4111 1111-1111 1111": mixed separators, not a card as written
        digits = "".join(c for c in pattern_text if c.isdigit())
        if len(set(digits)) == 1:
            return False  # placeholder-evident
        return luhn_valid(digits) and card_brand(digits) is not None

"""E-mail addresses: presidio's recognizer checked offline, minus fediverse handles and role boxes.

"@alex@hachyderm.io" is a Mastodon account, not an e-mail address: a mention,
public by design, and in a microblogging gateway one of the commonest things
in a post. A match right after an "@" is such a handle and is dropped;
"alex@hachyderm.io" on its own is still an address.

Domains: one ending in a public suffix (the bundled list, offline), or in a
reserved name that never resolves publicly (RFC 2606 and 6761: ``.example``,
``.test``, ``.invalid``). Companies use those for internal and documentation
domains, so jane.doe@northwind.example is a person's address like any other.

Role mailboxes (press@, careers@, support@, noreply@ ..., ``ROLE_MAILBOXES``)
are a team's published contact, not a person's: such a match scores 0.2,
below the 0.5 floor, and no context word ("email us at press@...") lifts it.
The local part is compared without dots, dashes, underscores or a "+tag"
("customer.service@", "press+eu@").

Documentation addresses are nobody's: "sign in as user@example.com with any
password", "Docs example: send a test message to alice@example.com". Such an
address is on a documentation domain (example.com, .org or .net, or the
reserved .test, .invalid and .localhost; not .example, which companies use for
real internal mail), has a placeholder local part (user, test, demo, alice,
jane.doe, first.last ..., ``PLACEHOLDER_LOCAL_PARTS``, digits aside), and has
a docs, demo or test word near it (``DOCS_WORDS``) and no word offering it as
someone's (``OWNER_WORDS``: "my", "me", "reach", "contact"). It scores 0.2, as
a role mailbox does. "my email is jo@example.com" and "reach Sam at
sam.k@example.org" stay addresses.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from detectors.offline_email import OfflineEmailRecognizer

HANDLE_PREFIX = "@"
RESERVED_TLDS = ("example", "test", "invalid")
ROLE_MAILBOXES = frozenset(
    """press pr media news newsroom communications comms marketing social community events
    careers career jobs job recruiting recruitment talent hiring hr people info information
    hello hi contact contactus enquiries enquiry inquiries inquiry help support helpdesk
    servicedesk service customerservice customercare care sales billing accounts invoices
    finance payments orders returns shipping office admin administrator webmaster postmaster
    hostmaster abuse security infosec privacy dpo gdpr legal compliance noreply donotreply
    notifications alerts newsletter feedback team all everyone staff partners partnerships
    investors ir devrel developers api reception""".split()
)
ROLE_SCORE = 0.2
LOCAL_PART_NOISE = re.compile(r"[._-]")
DOCS_DOMAINS = ("example.com", "example.org", "example.net")
DOCS_TLDS = ("test", "invalid", "localhost")
PLACEHOLDER_LOCAL_PARTS = frozenset(
    """user username test tester testuser testing demo demouser example sample foo bar baz qux
    someone somebody anyone nobody name yourname youremail firstlast firstnamelastname
    firstname lastname namesurname johndoe janedoe jdoe johnsmith janesmith alice bob carol
    charlie dave eve mallory trent guest dummy fake email""".split()
)
TRAILING_DIGITS = re.compile(r"\d+$")


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![^\W\d_])(?:{pattern})(?![^\W\d_])", re.IGNORECASE)


DOCS_WORDS = _words(
    r"docs?|documentation|how-?to|tutorial|guide|readme|examples?|e\.g|sample|demo|tests?"
    r"|testing|mock|placeholder|fixture|staging|sandbox|dummy|fake|quick ?start"
    r"|getting started|seed data|(?:signs?|logs?) ?in as|login as|any password|localhost"
)
OWNER_WORDS = _words(
    r"my|mine|me|i['’]m|his|her|hers|their|reach|contact|write to|personal|private"
)
DOCS_REACH_BEFORE = 80
DOCS_REACH_AFTER = 60
OWNER_REACH_BEFORE = 40
OWNER_REACH_AFTER = 30


def role_mailbox(address: str) -> bool:
    """True if the address's local part names a role, not a person."""
    local = address.split("@", 1)[0].split("+", 1)[0].lower()
    return LOCAL_PART_NOISE.sub("", local) in ROLE_MAILBOXES


def documentation_address(text: str, start: int, end: int) -> bool:
    """True if the address at start:end is a placeholder in docs or a demo (module doc)."""
    local, _, domain = text[start:end].lower().partition("@")
    local = TRAILING_DIGITS.sub("", LOCAL_PART_NOISE.sub("", local.split("+", 1)[0]))
    docs_domain = domain.rsplit(".", 1)[-1] in DOCS_TLDS or any(
        domain == d or domain.endswith("." + d) for d in DOCS_DOMAINS
    )
    if not docs_domain or local not in PLACEHOLDER_LOCAL_PARTS:
        return False
    # around the address, not in it: "example" in user@example.com is no docs word
    docs = (text[max(0, start - DOCS_REACH_BEFORE) : start], text[end : end + DOCS_REACH_AFTER])
    owner = (text[max(0, start - OWNER_REACH_BEFORE) : start], text[end : end + OWNER_REACH_AFTER])
    return any(map(DOCS_WORDS.search, docs)) and not any(map(OWNER_WORDS.search, owner))


def reserved_domain(address: str) -> bool:
    """True if the domain ends in an RFC 2606/6761 reserved top-level name."""
    return address.rsplit(".", 1)[-1].lower() in RESERVED_TLDS


class EmailNotHandleRecognizer(OfflineEmailRecognizer):
    """OfflineEmailRecognizer: "@user@server" handles dropped, role and docs addresses demoted."""

    def validate_result(self, pattern_text: str) -> bool:
        return reserved_domain(pattern_text) or super().validate_result(pattern_text)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        kept = [r for r in found if text[r.start - 1 : r.start] != HANDLE_PREFIX]
        for result in kept:
            if role_mailbox(text[result.start : result.end]):
                self._demote(result, "role mailbox", "a team's mailbox (press@, support@ ...)")
            elif documentation_address(text, result.start, result.end):
                self._demote(result, "documentation address", "a placeholder in docs or a demo")
        return kept

    @staticmethod
    def _demote(result: RecognizerResult, kind: str, what: str) -> None:
        result.score = ROLE_SCORE
        why = result.analysis_explanation
        if why is not None:
            why.pattern_name = kind
            why.validation_result = None  # explain() must not say the check made it 1.0
            why.textual_explanation = f"{what}, not a person's"
        result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True

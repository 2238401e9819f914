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


def role_mailbox(address: str) -> bool:
    """True if the address's local part names a role, not a person."""
    local = address.split("@", 1)[0].split("+", 1)[0].lower()
    return LOCAL_PART_NOISE.sub("", local) in ROLE_MAILBOXES


def reserved_domain(address: str) -> bool:
    """True if the domain ends in an RFC 2606/6761 reserved top-level name."""
    return address.rsplit(".", 1)[-1].lower() in RESERVED_TLDS


class EmailNotHandleRecognizer(OfflineEmailRecognizer):
    """OfflineEmailRecognizer: "@user@server" handles dropped, role mailboxes demoted."""

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
                self._demote(result)
        return kept

    @staticmethod
    def _demote(result: RecognizerResult) -> None:
        result.score = ROLE_SCORE
        why = result.analysis_explanation
        if why is not None:
            why.pattern_name = "role mailbox"
            why.validation_result = None  # explain() must not say the check made it 1.0
            why.textual_explanation = "a team's mailbox (press@, support@ ...), not a person's"
        result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True

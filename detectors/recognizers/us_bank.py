"""US bank account numbers: presidio's pattern (8 to 17 digits), which counts only near a bank word.

The pattern alone scores 0.05, so only a context word lifts it to a finding.
Presidio's list has "check" and "save", which start "checkout", "checklist"
and "saved" in ordinary posts; Gatepost names the account instead.
"""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import UsBankRecognizer


class BankAccountRecognizer(UsBankRecognizer):
    """presidio's UsBankRecognizer with context words that name a bank account."""

    CONTEXT = [
        "account", "acct", "bank", "banking", "checking", "savings", "routing", "debit",
        "deposit", "wire",
    ]  # fmt: skip

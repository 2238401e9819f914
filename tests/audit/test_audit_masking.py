"""mask_text hides pii and secret values and keeps terms and patterns; refs are unguessable."""

from __future__ import annotations

import re

import pytest

from audit import mask_text, new_reference
from detectors.base import Finding


def _f(kind: str, label: str, start: int, end: int) -> Finding:
    return Finding("test", kind, label, start, end, 1.0, "test finding")


@pytest.mark.parametrize(
    ("text", "findings", "expected"),
    [
        ("ssn 078-05-1120 ok", [_f("pii", "US_SSN", 4, 15)], "ssn [US_SSN] ok"),
        ("key AKIAABCDEFGHIJKLMNOP", [_f("secret", "AWS_KEY", 4, 24)], "key [AWS_KEY]"),
        ("project falcon ships", [_f("term", "codenames", 8, 14)], "project falcon ships"),
        ("ticket FIN-1234 done", [_f("pattern", "TICKET", 7, 15)], "ticket FIN-1234 done"),
        (
            "a@b.io and 555-0100",
            [_f("pii", "EMAIL_ADDRESS", 0, 6), _f("pii", "PHONE_NUMBER", 11, 19)],
            "[EMAIL_ADDRESS] and [PHONE_NUMBER]",
        ),
        ("overlap abcdef", [_f("pii", "A", 8, 12), _f("secret", "B", 10, 14)], "overlap [A]"),
        ("nothing here", [], "nothing here"),
    ],
    ids=["pii", "secret", "term-kept", "pattern-kept", "two-pii", "overlap-merged", "none"],
)
def test_mask_text_hides_pii_and_secrets_only(text, findings, expected):
    assert mask_text(text, findings) == expected


def test_new_reference_is_short_url_safe_and_unique():
    refs = {new_reference() for _ in range(1000)}
    assert len(refs) == 1000
    assert all(re.fullmatch(r"gp-[A-Za-z0-9_-]{10}", r) for r in refs)

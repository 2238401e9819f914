"""Fixtures for the admin UI tests."""

from __future__ import annotations

import pytest
import requests

from tests.admin_ui.web import signed_in


@pytest.fixture
def officer(gatepost, audit_log) -> requests.Session:
    """Officer "olga", signed in through the form."""
    return signed_in(gatepost, audit_log, "olga", "officer")

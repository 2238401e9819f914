"""Checks the provider rules add to secrets.CHECKS (PROVIDER_CHECKS)."""

from __future__ import annotations

import re


def fixed_run_token(match: re.Match[str]):  # -> secrets_values.Verdict | None
    """Dropbox long-lived and Twitter bearer tokens carry a run of A's by design (group
    ``run``): the placeholder test applies to the rest, where a run means a mask."""
    # Imported here: secrets_values imports the catalogue, which imports this module.
    from detectors.secrets_values import ACCEPT, is_placeholder

    value = match["secret"].replace(match["run"], "", 1)
    return None if is_placeholder(value) else ACCEPT


CHECKS = {check.__name__: check for check in (fixed_run_token,)}

"""The docs stay true to what is built: a test fails when something is undocumented."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import click
import pytest

from proxy.cli import main as cli_main
from proxy.config import Config

ROOT = Path(__file__).parent.parent
API_DOC = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("key", [f.name for f in dataclasses.fields(Config)])
def test_every_config_key_is_documented(key):
    assert f"| `{key}` |" in API_DOC


def test_readme_links_point_at_docs_that_exist():
    links = re.findall(r"\]\(((?:docs|benchmarks)/[^)]+)\)", README)
    assert links
    for link in links:
        assert (ROOT / link).exists(), link


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    assert "make serve" in README and "make test" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)


def _commands(group, prefix: str = "gatepost") -> list[str]:
    """Every command path of the CLI, e.g. "gatepost audit export"."""
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths += _commands(command, path)
        else:
            paths.append(path)
    return paths


@pytest.mark.parametrize("command", _commands(cli_main))
def test_every_command_is_in_the_api_docs(command):
    assert re.search(rf"^{re.escape(command)}( |$)", API_DOC, re.M), command


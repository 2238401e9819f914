"""The `gatepost` command line."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import IO, Any

import click

from policies import DEFAULT_POLICY_PATH, PolicyError, Post
from proxy.cli_audit import audit as audit_group
from proxy.cli_io import Progress, load_policy_or_fail, read_posts
from proxy.cli_policy import policy as policy_group
from proxy.config import Config, load_config
from proxy.errors import ConfigError
from proxy.evaluate import BadCorpusLine, Case, Result, measure, read_corpus
from proxy.present import decision_json


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Gatepost: a compliance gateway for employee microblogging."""


@main.command()
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="YAML config file (keys: docs/api.md#configuration).")
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port of the proxy and admin UI (default 8080).")
def serve(config_path: Path | None, host: str | None, port: int | None) -> None:
    """Run the proxy and admin UI.

    With no upstream configured, the built-in local microblog is started too,
    so the whole flow works out of the box.
    """
    from proxy.serve import serve as run

    # Decisions are logged by reference, author and action: never post text.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        run(load_config(config_path, host=host, port=port), echo=click.echo)
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=DEFAULT_POLICY_PATH, show_default="the shipped default",
              help="Policy YAML to scan with.")
@click.option("--author", default="cli", show_default=True, help="Author of the posts.")
@click.option("--group", "groups", multiple=True, help="A group of the author (repeatable).")
@click.option("--input", "input_file", type=click.File("r", encoding="utf-8"),
              help="JSON lines of {id, text, author?, groups?}; - for stdin.")
@click.option("--explain", is_flag=True,
              help="Print each decision readably: every rule and finding, with why it fired.")
@click.argument("texts", nargs=-1)
def scan(policy_path: Path, author: str, groups: tuple[str, ...], input_file: IO[str] | None,
         explain: bool, texts: tuple[str, ...]) -> None:
    """Scan posts and print one JSON decision per post (nothing is forwarded)."""
    from proxy.app import build_engine, shared_analyzer
    from proxy.gateway import evaluate
    from proxy.present import explain_text

    if bool(texts) == bool(input_file):
        raise click.UsageError("give either TEXT arguments or --input FILE, not both or neither")
    policy = load_policy_or_fail(policy_path)
    analyzer = shared_analyzer(Config().spacy_model) if policy.pii_entities else None
    engine = build_engine(policy, analyzer)
    if input_file is not None:
        posts = read_posts(input_file, author, groups)
    else:
        posts = ((str(i), Post(author, t, groups)) for i, t in enumerate(texts, 1))
    progress = Progress(enabled=input_file is not None)
    for post_id, post in posts:
        decision = evaluate(engine, post).decision
        if explain:
            click.echo(explain_text(post_id, post.text, decision))
        else:
            click.echo(json.dumps(_scan_line(post_id, decision), ensure_ascii=False))
        progress.tick()
    progress.done()


DEV_CORPUS = Path("tests/data/corpus.jsonl")
TEST_CORPUS = Path("tests/data/heldout/test.jsonl")
_CORPUS = click.Path(dir_okay=False, path_type=Path)


@main.command("eval")
@click.option("--input", "input_file", type=click.File("r", encoding="utf-8"),
              help="Measure one corpus instead of dev and test: JSON lines of "
                   "{id, text, expect: allow|flag|block, category}; - for stdin.")
@click.option("--dev", "dev_path", type=_CORPUS, default=None,
              help=f"The dev corpus, misses listed (default {DEV_CORPUS}).")
@click.option("--test", "test_path", type=_CORPUS, default=None,
              help=f"The held-out test corpus, misses counted (default {TEST_CORPUS}).")
@click.option("--policy", "policy_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), default=DEFAULT_POLICY_PATH, show_default="the shipped default",
              help="Policy YAML to decide with.")
@click.option("--json", "as_json", is_flag=True,
              help='Print the figures as one JSON object ({"dev": ..., "test": ...}).')
@click.option("--show-text", is_flag=True,
              help="Print the text of each listed miss (it may hold what the policy protects).")
@click.option("--show-test-misses", is_flag=True,
              help="List the test part's misses too. For the final report only: reading "
                   "them turns the test part into dev data.")
def eval_corpus(input_file: IO[str] | None, dev_path: Path | None, test_path: Path | None,
                policy_path: Path, as_json: bool, show_text: bool,
                show_test_misses: bool) -> None:
    """Measure detection on the dev and held-out test corpora, side by side.

    Scans every post like `gatepost scan` and prints, dev | test, block
    recall, flag caught, evasion recall, the allow false-positive rate and
    macro-F1 beside their targets, then each part's confusion matrix and
    per-category rates. The dev part's misses are listed; the test part's
    only counted. With --input, one corpus in one column. Exit 0 whenever
    the run completes (it is a measurement); 1 for a bad corpus line
    (FILE:LINE); 2 for a missing corpus.
    """
    from proxy.eval_report import Shown, metrics_json, render, render_parts

    if input_file is not None:
        if dev_path or test_path or show_test_misses:
            raise click.UsageError("--input measures one corpus: leave out --dev, --test "
                                   "and --show-test-misses")
        corpora = {"input": _read_cases(input_file)}
    else:
        corpora = {name: _read_corpus_file(name, path or default) for name, path, default in
                   (("dev", dev_path, DEV_CORPUS), ("test", test_path, TEST_CORPUS))}
    decided = _decide(corpora, policy_path)
    parts = {name: measure(results) for name, results in decided.items()}
    if input_file is not None:
        (metrics,) = parts.values()
        out: Any = metrics_json(metrics, show_text=show_text)
        lines = render(metrics, show_text=show_text)
    else:
        listed = frozenset({"dev", "test"} if show_test_misses else {"dev"})
        out = {name: metrics_json(m, show_text=show_text, list_misses=name in listed)
               for name, m in parts.items()}
        lines = render_parts(parts, Shown(listed, show_text))
    click.echo(json.dumps(out, ensure_ascii=False) if as_json else "\n".join(lines))


def _read_corpus_file(name: str, path: Path) -> list[Case]:
    if not path.is_file():
        raise click.UsageError(f"{name} corpus not found: {path} (give --{name} FILE, "
                               "or run from the repository root)")
    with path.open(encoding="utf-8") as stream:
        return _read_cases(stream)


def _read_cases(stream: IO[str]) -> list[Case]:
    try:
        return list(read_corpus(stream))
    except BadCorpusLine as exc:
        raise click.ClickException(str(exc)) from exc


def _decide(corpora: dict[str, list[Case]], policy_path: Path) -> dict[str, list[Result]]:
    """Every case of every corpus decided by one engine built from the policy."""
    from proxy.app import build_engine, shared_analyzer
    from proxy.gateway import evaluate

    policy = load_policy_or_fail(policy_path)
    analyzer = shared_analyzer(Config().spacy_model) if policy.pii_entities else None
    engine = build_engine(policy, analyzer)
    progress = Progress(enabled=True)
    decided: dict[str, list[Result]] = {}
    for name, cases in corpora.items():
        decided[name] = []
        for case in cases:
            decided[name].append(Result.of(case, evaluate(engine, case.post()).decision))
            progress.tick()
    progress.done()
    return decided


main.add_command(policy_group)
main.add_command(audit_group)


@main.group()
def users() -> None:
    """People who post through Gatepost or use the admin UI."""


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["employee", "officer", "admin"]), required=True)
@click.option("--group", "groups", multiple=True, help="A group of the user (repeatable).")
@click.option("--upstream-token", default=None, metavar="TOKEN",
              help="The user's own upstream credential, used when forwarding their posts "
                   "(default: the configured service token).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Audit db (default: gatepost-data/audit.db).")
def users_add(name: str, role: str, groups: tuple[str, ...], upstream_token: str | None,
              db_path: Path | None) -> None:
    """Enrol a user and print their Gatepost token (shown once)."""
    from audit import AuditError, AuditLog

    path = db_path or Config().audit_db
    path.parent.mkdir(parents=True, exist_ok=True)
    password = None
    if role != "employee":
        password = click.prompt("Password for the admin UI", hide_input=True,
                                confirmation_prompt=True)
    try:
        _, token = AuditLog(path).add_user(name, role, groups=groups, password=password,
                                           upstream_token=upstream_token or None)
    except AuditError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added {role} {name}; token (shown once): {token}")
    if upstream_token:
        click.echo(f"{name}'s posts go upstream with their own upstream token")


def _scan_line(post_id: str, decision: Any) -> dict[str, Any]:
    return {"id": post_id, **decision_json(decision, explain=False, describe=False)}

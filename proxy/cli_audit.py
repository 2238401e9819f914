"""`gatepost audit ...`: check the hash chain, and export decisions for auditors."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import click

from proxy.config import Config

DB_OPTION = click.option("--db", "db_path", type=click.Path(exists=True, dir_okay=False,
                         path_type=Path), help="Audit db (default: gatepost-data/audit.db).")
#: Output file extensions that pick the format when --format is not given.
FORMAT_BY_SUFFIX = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


class When(click.ParamType):
    """A date (YYYY-MM-DD) or an ISO 8601 date-time; a bad one is a usage error."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> date | datetime:
        from audit.search import SearchError, parse_when

        try:
            return parse_when(value, param.name if param else "date")
        except SearchError:
            self.fail(f"{value!r} is not a date: use YYYY-MM-DD or an ISO 8601 date-time",
                      param, ctx)


def _audit_db(db_path: Path | None) -> Path:
    """The --db given, else the configured audit db; it must exist."""
    path = db_path or Config().audit_db
    if not path.exists():
        raise click.ClickException(f"no audit db at {path}")
    return path


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
@DB_OPTION
def audit_verify(db_path: Path | None) -> None:
    """Check the hash chain: exit 0 if intact, else 1 and the first bad row."""
    from audit import AuditLog

    log = AuditLog(_audit_db(db_path))
    try:
        report = log.verify_chain(progress=_Progress().checked)
        head = log.chain_head()
    finally:
        log.close()
    if report.ok:
        click.echo(f"ok: {report.checked} rows, hash chain intact")
        # Whoever can write the db could rebuild the whole chain; a head
        # recorded elsewhere (a ticket, a signed mail) pins it down.
        click.echo(f"head: seq {head[0]} hash {head[1]}")
        return
    click.echo(f"broken at row {report.first_bad}: {report.problem}", err=True)
    sys.exit(1)


@audit.command("retain")
@DB_OPTION
@click.option("--days", type=click.IntRange(min=1), required=True,
              help="Remove the stored text of decisions older than this many days.")
def audit_retain(db_path: Path | None, days: int) -> None:
    """Apply retention now (`gatepost serve` does it hourly with retention_days)."""
    from audit import AuditLog

    log = AuditLog(_audit_db(db_path))
    try:
        removed = log.apply_retention(days, actor="cli")
    finally:
        log.close()
    click.echo(f"removed the text of {removed} decisions older than {days} days")


@audit.command("export")
@DB_OPTION
@click.option("--since", type=When(), help="First day (or moment, UTC) to export.")
@click.option("--until", type=When(), help="Last day to export, inclusive (or a moment, UTC).")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]),
              help="Default: from the output file's extension, else jsonl.")
@click.option("--output", default="-", show_default="stdout", metavar="FILE",
              help="File to write (replaced only once the export is complete); - for stdout.")
def audit_export(db_path: Path | None, since: date | datetime | None,
                 until: date | datetime | None, fmt: str | None, output: str) -> None:
    """Export decisions, oldest first, as JSON lines or CSV.

    Each record has the masked text, rules, findings, review and outbox state,
    and the row's seq and hash; never a held post's raw text.
    """
    from audit import AuditLog
    from audit.export import export_decisions, write_csv, write_jsonl
    from audit.search import SearchError

    fmt = fmt or FORMAT_BY_SUFFIX.get(Path(output).suffix.lower(), "jsonl")
    log = AuditLog(_audit_db(db_path))
    try:
        rows = export_decisions(log, since, until, progress=_Progress().exported)
    except SearchError as exc:
        raise click.BadParameter(str(exc), param_hint="'--since' / '--until'") from exc
    try:
        with _output(output) as fp:
            count = (write_csv if fmt == "csv" else write_jsonl)(rows, fp)
    finally:
        log.close()
    span = f"{since.isoformat() if since else 'start'}..{until.isoformat() if until else 'end'}"
    where = "stdout" if output == "-" else output
    click.echo(f"exported {count} decisions ({span}) to {where}", err=True)


@contextmanager
def _output(output: str) -> Iterator[IO[str]]:
    """stdout, or a temp file beside the target renamed onto it when complete.

    A failed or interrupted export so leaves no half file. The file is
    created readable by its owner only (it is an audit record).
    """
    if output == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(output)
    if not target.parent.is_dir() or target.is_dir():
        raise click.BadParameter(f"cannot write a file at {output}", param_hint="'--output'")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as fp:
            yield fp
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Progress:
    """A line on stderr at most once a second: a long run shows it is alive."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def say(self, line: str) -> None:
        now = time.monotonic()
        if now - self.last >= 1.0:
            self.last = now
            click.echo(line, err=True)

    def checked(self, rows: int) -> None:
        self.say(f"checked {rows} rows")

    def exported(self, done: int, total: int) -> None:
        if done < total:
            self.say(f"exported {done}/{total} decisions")

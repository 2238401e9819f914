"""Finding decisions: filters, paging and full-text search (SQLite FTS5).

The index covers only decisions.masked_text, so a search can never find a
value the audit log masked: it was never stored, so it was never indexed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlite_utils import Database

from policies.types import Action

from . import records
from .db import Store

FTS_TABLE = "decisions_fts"
MAX_LIMIT = 500
ACTIONS = [a.value for a in Action]

# An external-content index: the text lives once, in decisions; the index
# holds only tokens. remove_diacritics 2: "cafe" finds "café".
_CREATE_INDEX = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(masked_text, content=decisions,"
    " content_rowid=seq, tokenize='unicode61 remove_diacritics 2')"
)
# External content is not kept in step by SQLite itself: these triggers do it.
# A 'delete' must repeat the old text exactly, which the old row provides.
_TRIGGERS = {
    "decisions_fts_ai": f"""AFTER INSERT ON decisions BEGIN
        INSERT INTO {FTS_TABLE} (rowid, masked_text) VALUES (new.seq, new.masked_text);
    END""",
    "decisions_fts_ad": f"""AFTER DELETE ON decisions BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, masked_text)
            VALUES ('delete', old.seq, old.masked_text);
    END""",
    "decisions_fts_au": f"""AFTER UPDATE OF masked_text ON decisions BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, masked_text)
            VALUES ('delete', old.seq, old.masked_text);
        INSERT INTO {FTS_TABLE} (rowid, masked_text) VALUES (new.seq, new.masked_text);
    END""",
}
# The rule filter looks fired_rules up by rule id (its primary key starts with ref).
_RULE_INDEX = "CREATE INDEX IF NOT EXISTS idx_fired_rules_rule_id ON fired_rules (rule_id)"


class SearchError(ValueError):
    """A search filter has a bad value; the message names the field."""


def ensure_search_index(db: Database) -> None:
    """Create the FTS5 index over the stored (masked) text if it is missing.

    Safe on every start. A new index is filled once from the rows already
    there; from then on the triggers keep it in step. Uses db.execute, not
    executescript, which would commit the caller's transaction half-way.
    """
    if not db[FTS_TABLE].exists():
        db.execute(_CREATE_INDEX)
        db.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")
    for name, body in _TRIGGERS.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    db.execute(_RULE_INDEX)


def fts_match(query: str) -> str | None:
    """User-typed text as a safe FTS5 query: every word must occur.

    Each word becomes an FTS5 string ("..." with " doubled), so operators,
    brackets and quotes are just text; a trailing * keeps a prefix search.
    Words with no letter or digit would only match nothing, so they are
    dropped. None when no word is left.
    """
    terms = []
    for word in query.split():
        prefix = word.endswith("*")
        word = word.rstrip("*")
        if not any(ch.isalnum() for ch in word):
            continue
        terms.append('"' + word.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " AND ".join(terms) or None


def parse_when(value: date | datetime | str | None, field: str) -> date | datetime | None:
    """A date or datetime from a filter value; ISO strings ('YYYY-MM-DD') accepted."""
    if value is None or isinstance(value, date):  # datetime is a date too
        return value
    if not isinstance(value, str):
        raise SearchError(f"{field}: expected a date, got {type(value).__name__}")
    try:
        text = value.strip()
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise SearchError(f"{field}: {value!r} is not a date (YYYY-MM-DD)") from None


def _iso(moment: datetime) -> str:
    """As stored in created_at (UTC, milliseconds), so strings compare in time order."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # naive times are taken as UTC
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def date_range(since: date | datetime | str | None, until: date | datetime | str | None
               ) -> tuple[list[str], list[str]]:
    """SQL conditions on created_at, and their parameters, for since..until.

    A date `until` takes in that whole day; a datetime is inclusive to the ms.
    """
    lo, hi = parse_when(since, "since"), parse_when(until, "until")
    start = end = None
    if lo is not None:
        start = _iso(lo if isinstance(lo, datetime) else datetime.combine(lo, time()))
    if hi is not None:
        # end is inclusive: a date's last millisecond, or the datetime itself
        last = hi if isinstance(hi, datetime) else datetime.combine(hi, time.max)
        end = _iso(last)
    if start is not None and end is not None and start > end:
        raise SearchError(f"since: {since} is after until {until}")
    bounds = [("created_at >= ?", start), ("created_at <= ?", end)]
    return [sql for sql, arg in bounds if arg], [arg for _, arg in bounds if arg]


def _check_paging(limit: int, offset: int) -> None:
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit: must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}")
    if not isinstance(offset, int) or offset < 0:
        raise SearchError(f"offset: must be a whole number 0 or more, got {offset!r}")


def _conditions(action: str | None, rule: str | None, author: str | None,
                query: str | None) -> tuple[list[str], list[str]]:
    """SQL conditions and parameters for the filters other than dates."""
    where: list[str] = []
    args: list[str] = []
    if action is not None:
        if action not in ACTIONS:
            raise SearchError(f"action: {action!r} is not one of {', '.join(ACTIONS)}")
        where.append("action = ?")
        args.append(action)
    if rule is not None:
        # EXISTS, not IN (...): with a text query too, SQLite would otherwise
        # probe every matching ref against every FTS match (seconds at 100k).
        where.append("EXISTS (SELECT 1 FROM fired_rules r WHERE r.ref = decisions.ref"
                     " AND r.rule_id = ?)")
        args.append(rule)
    if author is not None:
        where.append("author = ?")
        args.append(author)
    if query is not None and query.strip():
        match = fts_match(query)
        if match is None:
            where.append("0")  # only punctuation: nothing can match it
        else:
            where.append(f"seq IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)")
            args.append(match)
    return where, args


@dataclass(frozen=True)
class DecisionPage:
    """One page of search results.

    rows: decoded decisions rows, newest first (at most limit of them).
    total: how many decisions match the filters, over all pages.
    """

    rows: list[dict]
    total: int
    limit: int
    offset: int

    @property
    def has_prev(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total

    @property
    def prev_offset(self) -> int:
        return max(self.offset - self.limit, 0)

    @property
    def next_offset(self) -> int:
        return self.offset + self.limit


@dataclass(frozen=True)
class FilterOptions:
    """What the decision log's select boxes offer: values present in the log."""

    actions: list[str]  # in strength order: allow, redact, flag, block
    rules: list[str]
    authors: list[str]


class SearchMixin:
    """Decision log queries, as methods of AuditLog."""

    store: Store

    def search_decisions(
        self,
        *,
        action: str | None = None,
        rule: str | None = None,
        author: str | None = None,
        since: date | datetime | str | None = None,
        until: date | datetime | str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> DecisionPage:
        """Decisions matching every given filter, newest first, one page at a time.

        query is free text searched in the masked text (never raises an FTS
        syntax error). Raises SearchError naming the field for a bad value.
        """
        _check_paging(limit, offset)
        where, args = _conditions(action, rule, author, query)
        dates, date_args = date_range(since, until)
        sql_where = " AND ".join(where + dates) or "1"
        params = [*args, *date_args]
        with self.store.read() as db:
            total = db.execute(f"SELECT COUNT(*) FROM decisions WHERE {sql_where}",
                               params).fetchone()[0]
            rows = db.query(f"SELECT * FROM decisions WHERE {sql_where}"
                            " ORDER BY seq DESC LIMIT ? OFFSET ?", [*params, limit, offset])
            decoded = [records.decode(r) for r in rows]
        return DecisionPage(decoded, total, limit, offset)

    def decision_filter_options(self) -> FilterOptions:
        """Distinct actions, rule ids and authors (each an index walk)."""
        with self.store.read() as db:
            present = {r[0] for r in db.execute("SELECT DISTINCT action FROM decisions")}
            rules = [r[0] for r in db.execute(
                "SELECT DISTINCT rule_id FROM fired_rules ORDER BY rule_id")]
            authors = [r[0] for r in db.execute(
                "SELECT DISTINCT author FROM decisions WHERE author IS NOT NULL ORDER BY author")]
        return FilterOptions([a for a in ACTIONS if a in present], rules, authors)

"""One SQLite connection shared by threads, with a lock and write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_S = 5.0


def utc_now() -> str:
    """The current time as an ISO 8601 UTC string with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    """The sqlite-utils Database plus the lock every access goes through.

    The connection is shared by the proxy's threads, so reads take the lock
    too: otherwise a reader could see another thread's open transaction.
    Writes use BEGIN IMMEDIATE, which also serializes writers in other
    processes (e.g. the CLI) on the same file.
    """

    def __init__(self, path: str | Path) -> None:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        self.db = Database(conn)
        self.lock = threading.RLock()
        self.db.enable_wal()
        # Overwrite deleted and replaced content, e.g. a reviewed post's raw text.
        self.db.execute("PRAGMA secure_delete=ON")
        self.db.execute("PRAGMA journal_size_limit=1048576")

    @contextmanager
    def read(self) -> Iterator[Database]:
        with self.lock:
            yield self.db

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One transaction: everything inside commits together or not at all."""
        with self.lock:
            conn = self.db.conn
            if conn.in_transaction:  # nested: join the outer transaction
                yield self.db
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # some errors already rolled it back
                    conn.execute("ROLLBACK")
                raise

    def truncate_wal(self) -> None:
        """Checkpoint and empty the WAL file so replaced pages leave the disk."""
        with self.lock:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self.lock:
            self.db.close()

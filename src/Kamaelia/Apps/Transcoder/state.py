"""Kamaelia.Apps.Transcoder.state: what the transcoder has queued, done and refused (SQLite).

Example Usage
-------------
::

    import os
    import tempfile
    from Kamaelia.Apps.Transcoder.state import StateStore

    with tempfile.TemporaryDirectory() as folder:
        state = StateStore(os.path.join(folder, "state.sqlite"))
        state.enqueue("ab12...", "holiday.jpg", "image", "queue/images/holiday.jpg", "holiday")
        print(state.get("ab12...").status)               # queued
        state.markRunning("ab12...")
        state.markDone("ab12...")
        print(state.get("ab12...").status, state.counts())   # done {'done': 1}
        state.close()

How does it work?
-----------------
One row per *source*, keyed by the SHA-256 of its bytes, so the same file
dropped twice (under any name) is recognised. A row goes
``queued`` -> ``running`` -> ``done`` or ``failed``. The row records the
source's name as uploaded, its kind, where the original waits in the type
queue (``queued_path``, relative to the output folder), the item's output
folder name, attempts, a failure's reason and times. Names are stored as
the file system's bytes, so any name a file can have round-trips.

Restart rules, kept by :meth:`recover`: a row left ``running`` by a process
that was killed goes back to ``queued`` (its partial output is thrown away
by the service and the file redone); ``done`` and ``failed`` rows are
final. The file is in WAL mode with ``synchronous=NORMAL``: a crash of the
machine may lose the last moments, never corrupt the file. One connection,
behind a lock, used only by the transcoder's own process.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterator

__all__ = ["StateStore", "ItemState", "STATUSES"]

STATUSES = ("queued", "running", "done", "failed")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    checksum    TEXT PRIMARY KEY,
    source_name BLOB NOT NULL,
    kind        TEXT NOT NULL,
    queued_path BLOB NOT NULL,
    item        TEXT NOT NULL,
    status      TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    reason      TEXT,
    queued_at   REAL NOT NULL,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS items_by_status ON items (status);
CREATE UNIQUE INDEX IF NOT EXISTS items_by_item ON items (kind, item);
"""


@dataclass(frozen=True)
class ItemState:
    """One row: see the module docstring."""

    checksum: str
    source_name: str
    kind: str
    queued_path: str
    item: str
    status: str
    attempts: int
    reason: str | None
    queued_at: float
    finished_at: float | None


class StateStore:
    """The transcoder's state in the SQLite file ``path`` (made if missing)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file (the store cannot be used after)."""
        with self._lock:
            self._db.close()

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[ItemState]:
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        # The names are kept as the file system's bytes (os.fsencode): a
        # non-UTF-8 name is a str with surrogate escapes, which SQLite's
        # text cannot hold.
        return [ItemState(row[0], os.fsdecode(row[1]), row[2], os.fsdecode(row[3]), *row[4:])
                for row in rows]

    def _change(self, sql: str, args: tuple[Any, ...]) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    _COLUMNS = ("checksum, source_name, kind, queued_path, item, status, attempts, reason, "
                "queued_at, finished_at")

    def get(self, checksum: str) -> ItemState | None:
        """The row for ``checksum``, or None."""
        rows = self._rows(f"SELECT {self._COLUMNS} FROM items WHERE checksum = ?", (checksum,))
        return rows[0] if rows else None

    def itemTaken(self, kind: str, item: str) -> bool:
        """True if an output folder name ``item`` of ``kind`` is in use."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM items WHERE kind = ? AND item = ?",
                                    (kind, item)).fetchone() is not None

    def enqueue(self, checksum: str, sourceName: str, kind: str, queuedPath: str,
                item: str) -> None:
        """Record a new source waiting in the type queue."""
        self._change("INSERT INTO items (checksum, source_name, kind, queued_path, item, "
                     "status, queued_at) VALUES (?, ?, ?, ?, ?, 'queued', ?)",
                     (checksum, os.fsencode(sourceName), kind, os.fsencode(queuedPath), item,
                      time.time()))

    def markRunning(self, checksum: str) -> None:
        """The source was handed to a worker (counts an attempt)."""
        self._change("UPDATE items SET status = 'running', attempts = attempts + 1 "
                     "WHERE checksum = ?", (checksum,))

    def markDone(self, checksum: str) -> None:
        """Its outputs are in place and the original is in ``done/``."""
        self._change("UPDATE items SET status = 'done', reason = NULL, finished_at = ? "
                     "WHERE checksum = ?", (time.time(), checksum))

    def markFailed(self, checksum: str, reason: str) -> None:
        """It was refused (the original is in ``failed/`` with the reason)."""
        self._change("UPDATE items SET status = 'failed', reason = ?, finished_at = ? "
                     "WHERE checksum = ?", (reason, time.time(), checksum))

    def forget(self, checksum: str) -> None:
        """Remove the row (its file vanished before it could be done)."""
        self._change("DELETE FROM items WHERE checksum = ?", (checksum,))

    def recover(self) -> list[ItemState]:
        """After a restart: rows left ``running`` become ``queued``; returns every
        queued row, oldest first, to be submitted again."""
        self._change("UPDATE items SET status = 'queued' WHERE status = 'running'", ())
        return self._rows(f"SELECT {self._COLUMNS} FROM items WHERE status = 'queued' "
                          "ORDER BY queued_at, rowid")

    def items(self, status: str | None = None) -> Iterator[ItemState]:
        """Every row (or those with ``status``), newest first."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"status={status!r}: must be one of {', '.join(STATUSES)}")
        where = "WHERE status = ?" if status else ""
        yield from self._rows(f"SELECT {self._COLUMNS} FROM items {where} "
                              "ORDER BY queued_at DESC, rowid DESC",
                              (status,) if status else ())

    def counts(self) -> dict[str, int]:
        """How many rows have each status (statuses with none are left out)."""
        with self._lock:
            return dict(self._db.execute(
                "SELECT status, COUNT(*) FROM items GROUP BY status").fetchall())

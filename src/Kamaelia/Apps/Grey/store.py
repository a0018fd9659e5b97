"""Kamaelia.Apps.Grey.store: where the greylist keeps what it has seen (SQLite or PostgreSQL).

Example Usage
-------------
::

    import os
    import tempfile
    from Kamaelia.Apps.Grey.store import TripletRecord, openStore

    with tempfile.TemporaryDirectory() as folder:
        store = openStore(os.path.join(folder, "greylist.sqlite"))   # or "postgresql://..."
        key = ("192.0.2.0/24", "alice@example.net", "bob@example.org")
        store.putTriplet(key, TripletRecord(firstSeen=1000.0, lastSeen=1000.0))
        print(store.getTriplet(key))
        # TripletRecord(firstSeen=1000.0, lastSeen=1000.0, passedAt=None, passes=0)
        store.bumpCounter("deferred")
        store.addWhitelist("client", "198.51.100.0/24")
        print(store.stats()["deferred"], store.whitelist())
        # 1 [('client', '198.51.100.0/24')]
        print(store.expire(now=1000.0 + 36 * 86400, lifetime=35 * 86400))   # 1 entry gone
        store.close()

How does it work?
-----------------
A :class:`Store` keeps four things: the greylist's *triplets* (client
key, sender, recipient -> a :class:`TripletRecord`: first seen, last
seen, when it passed, how many times it passed), the *clients* that
passed (for auto-whitelisting), a *whitelist* managed at run time
(``kamaelia grey whitelist add client 192.0.2.0/24``), and named
*counters* (deferrals, passes, ... for ``kamaelia grey stats``). Every
method blocks and is safe to call from several threads at once; every
change is a single statement, so several processes (or several MX hosts
on one PostgreSQL database) may share one store. Database failures raise
:class:`StoreError`, naming the store and what it was doing.

* :class:`SQLiteStore` (the default): one file, in WAL mode so that readers
  never wait for the writer, ``synchronous=NORMAL`` (a crash of the
  machine may lose the last moments, never corrupt the file), and a busy
  timeout so processes take turns to write. One connection, behind a lock,
  serves all the threads of a process.
* :class:`PostgresStore` (the ``postgres`` extra: ``psycopg`` 3): a
  connection per thread, made when that thread first needs it and made
  again after the server went away; the tables are created, under an
  advisory lock, by the first process that finds them missing.

:func:`openStore` picks one from Grey's ``db`` setting: a
``postgresql://`` (or ``postgres://``) URL, else a file path. The tables
are named ``grey_*``, so Grey may share a PostgreSQL database with others.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence, runtime_checkable

from Kamaelia.Apps.Grey.config import whitelistEntry

__all__ = ["Store", "SQLiteStore", "PostgresStore", "TripletRecord", "StoreError", "openStore",
           "WHITELIST_KINDS", "SCHEMA_VERSION"]

#: The kinds of entry the store's whitelist takes.
WHITELIST_KINDS = ("client", "sender", "recipient")

#: The layout of the tables; a store made by a later layout is refused.
SCHEMA_VERSION = "1"

Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class TripletRecord:
    """TripletRecord(firstSeen, lastSeen, passedAt=None, passes=0): what is known of a triplet.

    Times are seconds since the epoch; ``passedAt`` is when it first passed
    greylisting (None: not yet); ``passes`` how many times it was accepted.
    """

    firstSeen: float
    lastSeen: float
    passedAt: float | None = None
    passes: int = 0


class StoreError(RuntimeError):
    """The database failed, or the store is closed; the message says which store and why."""


@runtime_checkable
class Store(Protocol):
    """What the greylist needs of a store. Every method blocks and is thread-safe."""

    def getTriplet(self, key: Key) -> TripletRecord | None:
        """The record for ``(clientKey, sender, recipient)``, or None."""

    def putTriplet(self, key: Key, record: TripletRecord) -> None:
        """Make ``record`` the triplet's record."""

    def deleteTriplets(self, clientKey: str | None = None, sender: str | None = None,
                       recipient: str | None = None) -> int:
        """Forget the triplets matching every argument given (all: none given); how many."""

    def listTriplets(self, limit: int = 100) -> list[tuple[Key, TripletRecord]]:
        """Up to ``limit`` triplets, the most recently seen first."""

    def recordClientPass(self, clientKey: str, now: float, minInterval: float = 0.0) -> int:
        """Count a pass for the client, unless its last counted pass is less than
        ``minInterval`` seconds ago (it is seen, still); its passes so far."""

    def clientPasses(self, clientKey: str) -> int:
        """The client's passes so far (0 for a stranger)."""

    def expire(self, now: float, lifetime: float) -> int:
        """Forget triplets and clients last seen more than ``lifetime`` before ``now``;
        how many went."""

    def bumpCounter(self, name: str, by: int = 1) -> None:
        """Add ``by`` to the counter ``name`` (made at 0)."""

    def stats(self, autoWhitelistClients: int = 5) -> dict[str, int]:
        """Figures: ``triplets``, ``passed_triplets``, ``clients``, ``auto_whitelisted``
        (clients with at least ``autoWhitelistClients`` passes; 0 when that is 0),
        ``whitelist`` (entries), and every counter (``passed``, ``deferred``,
        ``rejected``, ``whitelisted`` are always there)."""

    def addWhitelist(self, kind: str, value: str) -> None:
        """Whitelist a ``"client"`` (network or address), ``"sender"`` or ``"recipient"``
        (address, ``user@`` or domain); the value is checked and normalised."""

    def removeWhitelist(self, kind: str, value: str) -> bool:
        """Take an entry off the whitelist; whether it was there."""

    def whitelist(self) -> list[tuple[str, str]]:
        """Every ``(kind, value)`` on the whitelist, sorted."""

    def close(self) -> None:
        """Let the database go; the store cannot be used afterwards."""


def _bare(address: str) -> str:
    address = address.strip()
    if address.startswith("<") and address.endswith(">"):
        address = address[1:-1].strip()
    return address.lower()


_COUNTERS = ("passed", "deferred", "rejected", "whitelisted")


class _SQLStore:
    """The statements both databases understand; subclasses run them."""

    placeholder = "?"

    # Subclasses: run one statement, giving its rows (_rows) or its row count (_change).
    def _run(self, what: str, sql: str, params: Sequence[Any], fetch: bool) -> Any:
        raise NotImplementedError

    def _sql(self, sql: str) -> str:
        return sql if self.placeholder == "?" else sql.replace("?", self.placeholder)

    def _rows(self, what: str, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._run(what, self._sql(sql), params, True)
        return rows

    def _change(self, what: str, sql: str, params: Sequence[Any] = ()) -> int:
        count: int = self._run(what, self._sql(sql), params, False)
        return count

    def _checkSchema(self) -> None:
        rows = self._rows("reading the schema version",
                          "SELECT value FROM grey_meta WHERE name = 'schema'")
        if rows and rows[0][0] != SCHEMA_VERSION:
            raise StoreError(f"{self!r}: the tables are of layout {rows[0][0]!r}, made by another "
                             f"version of Grey; this one knows layout {SCHEMA_VERSION!r}")

    # -- triplets ------------------------------------------------------------------------------

    def getTriplet(self, key: Key) -> TripletRecord | None:
        rows = self._rows("reading a triplet",
                          "SELECT first_seen, last_seen, passed_at, passes FROM grey_triplets "
                          "WHERE client = ? AND sender = ? AND recipient = ?", tuple(key))
        if not rows:
            return None
        first, last, passed, passes = rows[0]
        return TripletRecord(first, last, passed, passes)

    def putTriplet(self, key: Key, record: TripletRecord) -> None:
        self._change("writing a triplet",
                     "INSERT INTO grey_triplets (client, sender, recipient, first_seen, last_seen, "
                     "passed_at, passes) VALUES (?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (client, sender, recipient) DO UPDATE SET "
                     "first_seen = excluded.first_seen, last_seen = excluded.last_seen, "
                     "passed_at = excluded.passed_at, passes = excluded.passes",
                     (*key, record.firstSeen, record.lastSeen, record.passedAt, record.passes))

    def deleteTriplets(self, clientKey: str | None = None, sender: str | None = None,
                       recipient: str | None = None) -> int:
        conditions, params = [], []
        for column, value in (("client", clientKey), ("sender", sender),
                              ("recipient", recipient)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value.strip().lower() if column == "client" else _bare(value))
        where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
        return self._change("deleting triplets", "DELETE FROM grey_triplets" + where, params)

    def listTriplets(self, limit: int = 100) -> list[tuple[Key, TripletRecord]]:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ValueError(f"{self!r}: listTriplets limit must be an int >= 0, not {limit!r}")
        rows = self._rows("listing triplets",
                          "SELECT client, sender, recipient, first_seen, last_seen, passed_at, "
                          "passes FROM grey_triplets ORDER BY last_seen DESC, client, sender, "
                          "recipient LIMIT ?", (limit,))
        return [((c, s, r), TripletRecord(f, l, p, n)) for c, s, r, f, l, p, n in rows]

    # -- clients -------------------------------------------------------------------------------

    def recordClientPass(self, clientKey: str, now: float, minInterval: float = 0.0) -> int:
        # One statement, so that two processes counting at once cannot lose a pass. In the
        # update, grey_clients.* is the row as it was; excluded.* the row we tried to insert.
        # With no interval every pass counts, even one stamped before the last (threads race).
        always = minInterval <= 0
        rows = self._rows(
            "counting a client's pass",
            "INSERT INTO grey_clients (client, passes, last_counted, last_seen) "
            "VALUES (?, 1, ?, ?) ON CONFLICT (client) DO UPDATE SET "
            "passes = grey_clients.passes + CASE WHEN ? OR excluded.last_counted - "
            "grey_clients.last_counted >= ? THEN 1 ELSE 0 END, "
            "last_counted = CASE WHEN ? OR excluded.last_counted - grey_clients.last_counted >= ? "
            "THEN excluded.last_counted ELSE grey_clients.last_counted END, "
            "last_seen = excluded.last_seen RETURNING passes",
            (clientKey, now, now, always, minInterval, always, minInterval))
        return int(rows[0][0])

    def clientPasses(self, clientKey: str) -> int:
        rows = self._rows("reading a client's passes",
                          "SELECT passes FROM grey_clients WHERE client = ?", (clientKey,))
        return int(rows[0][0]) if rows else 0

    def expire(self, now: float, lifetime: float) -> int:
        cutoff = now - lifetime
        gone = self._change("expiring triplets",
                            "DELETE FROM grey_triplets WHERE last_seen < ?", (cutoff,))
        return gone + self._change("expiring clients",
                                   "DELETE FROM grey_clients WHERE last_seen < ?", (cutoff,))

    # -- counters and figures ------------------------------------------------------------------

    def bumpCounter(self, name: str, by: int = 1) -> None:
        self._change("counting", "INSERT INTO grey_counters (name, value) VALUES (?, ?) "
                     "ON CONFLICT (name) DO UPDATE SET value = grey_counters.value + excluded.value",
                     (name, by))

    def stats(self, autoWhitelistClients: int = 5) -> dict[str, int]:
        figures = {name: 0 for name in _COUNTERS}
        figures.update((name, int(value)) for name, value in
                       self._rows("reading counters", "SELECT name, value FROM grey_counters"))
        (triplets, passed), = self._rows(
            "counting triplets", "SELECT COUNT(*), COUNT(passed_at) FROM grey_triplets")
        (clients,), = self._rows("counting clients", "SELECT COUNT(*) FROM grey_clients")
        auto = 0
        if autoWhitelistClients > 0:
            (auto,), = self._rows("counting auto-whitelisted clients",
                                  "SELECT COUNT(*) FROM grey_clients WHERE passes >= ?",
                                  (autoWhitelistClients,))
        (entries,), = self._rows("counting whitelist entries",
                                 "SELECT COUNT(*) FROM grey_whitelist")
        figures.update(triplets=int(triplets), passed_triplets=int(passed), clients=int(clients),
                       auto_whitelisted=int(auto), whitelist=int(entries))
        return figures

    # -- the run-time whitelist ----------------------------------------------------------------

    def addWhitelist(self, kind: str, value: str) -> None:
        self._change("adding to the whitelist",
                     "INSERT INTO grey_whitelist (kind, value) VALUES (?, ?) "
                     "ON CONFLICT (kind, value) DO NOTHING", (kind, whitelistEntry(kind, value)))

    def removeWhitelist(self, kind: str, value: str) -> bool:
        try:
            value = whitelistEntry(kind, value)
        except ValueError:
            if kind not in WHITELIST_KINDS:
                raise
            value = value.strip()          # an entry that no longer checks can still go
        return self._change("removing from the whitelist",
                            "DELETE FROM grey_whitelist WHERE kind = ? AND value = ?",
                            (kind, value)) > 0

    def whitelist(self) -> list[tuple[str, str]]:
        return [(kind, value) for kind, value in self._rows(
            "reading the whitelist", "SELECT kind, value FROM grey_whitelist ORDER BY kind, value")]


_SQLITE_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS grey_triplets (client TEXT NOT NULL, sender TEXT NOT NULL, "
    "recipient TEXT NOT NULL, first_seen REAL NOT NULL, last_seen REAL NOT NULL, passed_at REAL, "
    "passes INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (client, sender, recipient)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS grey_triplets_last_seen ON grey_triplets (last_seen)",
    "CREATE TABLE IF NOT EXISTS grey_clients (client TEXT PRIMARY KEY, passes INTEGER NOT NULL, "
    "last_counted REAL NOT NULL, last_seen REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS grey_clients_last_seen ON grey_clients (last_seen)",
    "CREATE TABLE IF NOT EXISTS grey_whitelist (kind TEXT NOT NULL, value TEXT NOT NULL, "
    "PRIMARY KEY (kind, value))",
    "CREATE TABLE IF NOT EXISTS grey_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS grey_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"INSERT INTO grey_meta (name, value) VALUES ('schema', '{SCHEMA_VERSION}') "
    "ON CONFLICT (name) DO NOTHING",
]

#: Seconds a write waits for another process's write to finish before it fails.
BUSY_TIMEOUT = 30.0


class SQLiteStore(_SQLStore):
    """SQLiteStore(path) -> a store in the SQLite file ``path`` (made if missing).

    ``":memory:"`` gives a store that lives as long as the object (for tests).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None,
                                 check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(f"{self!r}: cannot open the database: {error}") from error
        self._db = db
        try:
            self._useWal()
            self._run("setting up", "PRAGMA synchronous = NORMAL", (), False)
            # Creating the tables is one transaction, so that two processes opening a new
            # file at once do not both try; BEGIN IMMEDIATE waits for the other to finish.
            self._run("creating the tables", "BEGIN IMMEDIATE", (), False)
            try:
                for statement in _SQLITE_SCHEMA:
                    self._run("creating the tables", statement, (), False)
            except BaseException:
                self._run("creating the tables", "ROLLBACK", (), False)
                raise
            self._run("creating the tables", "COMMIT", (), False)
            self._checkSchema()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"SQLiteStore({self.path!r})"

    def _useWal(self) -> None:
        """Switch the file to WAL mode. The switch needs the file to itself
        and SQLite answers "locked" at once, without its busy wait, while
        another process opens it too: so it is retried, for at most
        BUSY_TIMEOUT seconds."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self._run("setting up", "PRAGMA journal_mode = WAL", (), True)
                return
            except StoreError as error:
                locked = isinstance(error.__cause__, sqlite3.OperationalError) and \
                    "locked" in str(error.__cause__)
                if not locked or time.monotonic() >= deadline:
                    raise
            time.sleep(0.01)

    def _run(self, what: str, sql: str, params: Sequence[Any], fetch: bool) -> Any:
        with self._lock:
            if self._db is None:
                raise StoreError(f"{self!r} is closed ({what})")
            try:
                cursor = self._db.execute(sql, params)
                return cursor.fetchall() if fetch else cursor.rowcount
            except sqlite3.Error as error:
                raise StoreError(f"{self!r}: {what} failed: {error}") from error

    def close(self) -> None:
        with self._lock:
            db, self._db = self._db, None
        if db is not None:
            db.close()


_PG_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS grey_triplets (client TEXT NOT NULL, sender TEXT NOT NULL, "
    "recipient TEXT NOT NULL, first_seen DOUBLE PRECISION NOT NULL, "
    "last_seen DOUBLE PRECISION NOT NULL, passed_at DOUBLE PRECISION, "
    "passes BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (client, sender, recipient))",
    "CREATE INDEX IF NOT EXISTS grey_triplets_last_seen ON grey_triplets (last_seen)",
    "CREATE TABLE IF NOT EXISTS grey_clients (client TEXT PRIMARY KEY, passes BIGINT NOT NULL, "
    "last_counted DOUBLE PRECISION NOT NULL, last_seen DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS grey_clients_last_seen ON grey_clients (last_seen)",
    "CREATE TABLE IF NOT EXISTS grey_whitelist (kind TEXT NOT NULL, value TEXT NOT NULL, "
    "PRIMARY KEY (kind, value))",
    "CREATE TABLE IF NOT EXISTS grey_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS grey_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    f"INSERT INTO grey_meta (name, value) VALUES ('schema', '{SCHEMA_VERSION}') "
    "ON CONFLICT (name) DO NOTHING",
]

# Any number will do, as long as it is Grey's own: the advisory lock taken while the tables
# are made, so that two processes starting at once do not both make them.
_PG_SCHEMA_LOCK = 0x4B475259


def _maskPassword(dsn: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", dsn)


class PostgresStore(_SQLStore):
    """PostgresStore(dsn) -> a store in the PostgreSQL database ``dsn``
    (``"postgresql://user:password@host:port/dbname"``, or any libpq connection string).

    Needs ``psycopg`` 3 (``pip install 'kamaelia[postgres]'``).
    """

    placeholder = "%s"

    def __init__(self, dsn: str) -> None:
        if not isinstance(dsn, str) or not dsn.strip():
            raise ValueError(f"PostgresStore: dsn must be a connection string, not {dsn!r}")
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgresStore needs psycopg 3: pip install 'kamaelia[postgres]' "
                             "(or 'psycopg[binary]')") from None
        self._psycopg = psycopg
        self.dsn = dsn
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[tuple[Callable[[], threading.Thread | None], Any]] = []
        self._closed = False
        try:
            with self._connection().transaction() as transaction:
                connection = transaction.connection
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (_PG_SCHEMA_LOCK,))
                for statement in _PG_SCHEMA:
                    connection.execute(statement)
            self._checkSchema()
        except psycopg.Error as error:
            self.close()
            raise StoreError(f"{self!r}: cannot set up the tables: {error}") from error
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({_maskPassword(self.dsn)!r})"

    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is not None and not connection.closed and not connection.broken:
            return connection
        with self._lock:
            if self._closed:
                raise StoreError(f"{self!r} is closed")
            # Threads come and go (a pool may renew them): let the dead ones' connections go.
            alive = []
            for thread, other in self._connections:
                if thread() is None or not thread().is_alive() or other.closed:   # type: ignore
                    other.close()
                else:
                    alive.append((thread, other))
            self._connections = alive
        try:
            connection = self._psycopg.connect(self.dsn, autocommit=True)
        except self._psycopg.Error as error:
            raise StoreError(f"{self!r}: cannot connect: {error}") from error
        with self._lock:
            if self._closed:
                connection.close()
                raise StoreError(f"{self!r} is closed")
            self._connections.append((weakref.ref(threading.current_thread()), connection))
        self._local.connection = connection
        return connection

    def _run(self, what: str, sql: str, params: Sequence[Any], fetch: bool) -> Any:
        connection = self._connection()
        try:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if fetch else cursor.rowcount
        except self._psycopg.Error as error:
            raise StoreError(f"{self!r}: {what} failed: {error}") from error

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for _, connection in connections:
            connection.close()


def openStore(db: str | os.PathLike[str]) -> Store:
    """openStore(db) -> a :class:`PostgresStore` for a ``postgresql://`` or ``postgres://``
    URL, else a :class:`SQLiteStore` for the file path ``db``."""
    name = os.fspath(db)
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"openStore: db must be a file path or a postgresql:// URL, not {db!r}")
    if name.startswith(("postgresql://", "postgres://")):
        return PostgresStore(name)
    return SQLiteStore(name)

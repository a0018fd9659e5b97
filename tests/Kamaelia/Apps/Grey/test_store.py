"""The greylist's stores: the same tests for SQLite (a file) and a real PostgreSQL server."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

from Kamaelia.Apps.Grey.store import (PostgresStore, SQLiteStore, Store, StoreError,
                                      TripletRecord, openStore)

SRC = Path(__file__).resolve().parents[4] / "src"
KEY = ("192.0.2.0/24", "alice@example.net", "bob@example.org")


@pytest.fixture(params=["sqlite", "postgres"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives: a new SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        return str(tmp_path / "greylist.sqlite")
    return request.getfixturevalue("postgres").newDatabase()


@pytest.fixture
def store(location: str) -> Iterator[Store]:
    opened = openStore(location)
    yield opened
    opened.close()


# --- triplets ----------------------------------------------------------------------------------

def test_a_triplet_never_seen_is_none_and_a_put_one_comes_back(store: Store) -> None:
    assert store.getTriplet(KEY) is None
    store.putTriplet(KEY, TripletRecord(1000.5, 1001.25))
    assert store.getTriplet(KEY) == TripletRecord(1000.5, 1001.25, None, 0)
    store.putTriplet(KEY, TripletRecord(1000.5, 2000.0, 1900.0, 3))
    assert store.getTriplet(KEY) == TripletRecord(1000.5, 2000.0, 1900.0, 3)
    assert store.getTriplet((KEY[0], KEY[1], "carol@example.org")) is None


def test_delete_triplets_takes_those_matching_every_filter_given(store: Store) -> None:
    keys = [("192.0.2.0/24", "a@x.net", "u@example.org"), ("192.0.2.0/24", "b@x.net", "u@example.org"),
            ("198.51.100.0/24", "a@x.net", "v@example.org"), ("198.51.100.0/24", "a@x.net", "u@example.org")]
    for key in keys:
        store.putTriplet(key, TripletRecord(1.0, 1.0))
    assert store.deleteTriplets(clientKey="192.0.2.0/24", sender="<A@X.net>") == 1
    assert store.getTriplet(keys[0]) is None and store.getTriplet(keys[1]) is not None
    assert store.deleteTriplets(recipient="U@example.org") == 2
    assert store.deleteTriplets(sender="nobody@x.net") == 0
    assert store.deleteTriplets() == 1
    assert store.listTriplets() == []


def test_list_triplets_gives_the_most_recently_seen_first_up_to_the_limit(store: Store) -> None:
    for n in range(5):
        store.putTriplet(("192.0.2.0/24", f"s{n}@x.net", "u@example.org"), TripletRecord(n, 10.0 * n))
    listed = store.listTriplets(limit=3)
    assert [key[1] for key, _ in listed] == ["s4@x.net", "s3@x.net", "s2@x.net"]
    assert listed[0][1] == TripletRecord(4, 40.0)
    assert len(store.listTriplets()) == 5
    with pytest.raises(ValueError, match="limit must be an int >= 0, not -1"):
        store.listTriplets(limit=-1)


# --- clients, expiry, counters -----------------------------------------------------------------

def test_client_passes_count_at_most_once_per_interval(store: Store) -> None:
    assert store.clientPasses("192.0.2.0/24") == 0
    assert store.recordClientPass("192.0.2.0/24", 1000.0, minInterval=3600) == 1
    assert store.recordClientPass("192.0.2.0/24", 1001.0, minInterval=3600) == 1
    assert store.recordClientPass("192.0.2.0/24", 4600.0, minInterval=3600) == 2
    assert store.recordClientPass("192.0.2.0/24", 4601.0) == 3          # no interval: each counts
    assert store.clientPasses("192.0.2.0/24") == 3
    assert store.clientPasses("198.51.100.0/24") == 0


def test_expire_forgets_triplets_and_clients_not_seen_for_the_lifetime(store: Store) -> None:
    store.putTriplet(KEY, TripletRecord(100.0, 100.0))
    fresh = (KEY[0], KEY[1], "carol@example.org")
    store.putTriplet(fresh, TripletRecord(100.0, 900.0))
    store.recordClientPass("192.0.2.0/24", 100.0)
    store.recordClientPass("198.51.100.0/24", 100.0)
    store.recordClientPass("198.51.100.0/24", 950.0, minInterval=10_000)   # seen, not counted
    assert store.expire(now=1100.0, lifetime=500.0) == 2
    assert store.getTriplet(KEY) is None and store.getTriplet(fresh) is not None
    assert store.clientPasses("192.0.2.0/24") == 0
    assert store.clientPasses("198.51.100.0/24") == 1
    assert store.expire(now=1100.0, lifetime=500.0) == 0


def test_stats_count_triplets_clients_and_counters(store: Store) -> None:
    assert store.stats() == {"passed": 0, "deferred": 0, "rejected": 0, "whitelisted": 0,
                             "triplets": 0, "passed_triplets": 0, "clients": 0,
                             "auto_whitelisted": 0, "whitelist": 0}
    store.putTriplet(KEY, TripletRecord(1.0, 1.0))
    store.putTriplet((KEY[0], KEY[1], "c@example.org"), TripletRecord(1.0, 2.0, 2.0, 1))
    for _ in range(3):
        store.bumpCounter("deferred")
    store.bumpCounter("passed", by=5)
    store.bumpCounter("something-new")
    for n in range(5):
        store.recordClientPass("192.0.2.0/24", float(n))
    store.recordClientPass("198.51.100.0/24", 0.0)
    store.addWhitelist("sender", "example.com")
    figures = store.stats()
    assert figures == {"passed": 5, "deferred": 3, "rejected": 0, "whitelisted": 0,
                       "something-new": 1, "triplets": 2, "passed_triplets": 1, "clients": 2,
                       "auto_whitelisted": 1, "whitelist": 1}
    assert store.stats(autoWhitelistClients=1)["auto_whitelisted"] == 2
    assert store.stats(autoWhitelistClients=0)["auto_whitelisted"] == 0


# --- the run-time whitelist --------------------------------------------------------------------

def test_whitelist_entries_are_checked_normalised_and_kept_once(store: Store) -> None:
    store.addWhitelist("client", "192.168.2")                      # 1.14's prefix
    store.addWhitelist("client", "192.168.2.0/24")                 # the same network
    store.addWhitelist("sender", "<Alice@Example.NET>")
    store.addWhitelist("recipient", "example.org")
    store.addWhitelist("recipient", "postmaster@")
    assert store.whitelist() == [("client", "192.168.2.0/24"), ("recipient", "@example.org"),
                                 ("recipient", "postmaster@"), ("sender", "alice@example.net")]
    assert store.removeWhitelist("sender", "ALICE@example.net") is True
    assert store.removeWhitelist("sender", "ALICE@example.net") is False
    assert ("sender", "alice@example.net") not in store.whitelist()
    with pytest.raises(ValueError, match="kind = 'helo': is not a whitelist kind"):
        store.addWhitelist("helo", "mx.example.net")
    with pytest.raises(ValueError, match="client = '300.1.2.3': must be a network"):
        store.addWhitelist("client", "300.1.2.3")
    with pytest.raises(ValueError, match="sender = 'a b@x': must be a mail address"):
        store.addWhitelist("sender", "a b@x")


# --- lifetime: restart, close, concurrency -----------------------------------------------------

def test_reopening_the_store_keeps_everything(location: str) -> None:
    first = openStore(location)
    first.putTriplet(KEY, TripletRecord(1.0, 2.0, 2.0, 1))
    first.recordClientPass("192.0.2.0/24", 2.0)
    first.bumpCounter("passed")
    first.addWhitelist("client", "203.0.113.9")
    first.close()
    again = openStore(location)
    try:
        assert again.getTriplet(KEY) == TripletRecord(1.0, 2.0, 2.0, 1)
        assert again.clientPasses("192.0.2.0/24") == 1
        assert again.stats()["passed"] == 1
        assert again.whitelist() == [("client", "203.0.113.9/32")]
    finally:
        again.close()


def test_a_closed_store_says_so(location: str) -> None:
    closed = openStore(location)
    closed.close()
    closed.close()                                                   # twice is harmless
    with pytest.raises(StoreError, match="is closed"):
        closed.getTriplet(KEY)


def test_many_threads_at_once_lose_no_update(store: Store) -> None:
    rounds, threads = 40, 6
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(rounds):
                store.bumpCounter("deferred")
                store.recordClientPass("192.0.2.0/24", float(i))
                store.putTriplet(("192.0.2.0/24", f"t{n}-{i}@x.net", "u@example.org"),
                                 TripletRecord(i, i))
                assert store.getTriplet(("192.0.2.0/24", f"t{n}-{i}@x.net", "u@example.org"))
        except BaseException as error:          # reported below, in the test's thread
            failures.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert not failures, failures
    assert not any(worker.is_alive() for worker in workers)
    figures = store.stats()
    assert figures["deferred"] == rounds * threads
    assert figures["triplets"] == rounds * threads
    assert store.clientPasses("192.0.2.0/24") == rounds * threads


_WORKER = """
import sys
from Kamaelia.Apps.Grey.store import TripletRecord, openStore
store = openStore(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()                  # wait for "go", so that both processes write at once
for i in range(int(sys.argv[3])):
    store.bumpCounter("deferred")
    store.recordClientPass("198.51.100.0/24", float(i))
    store.putTriplet((sys.argv[2], "s%d@x.net" % i, "u@example.org"), TripletRecord(i, i))
store.close()
print("done", flush=True)
"""


def test_two_processes_sharing_the_store_lose_no_update(location: str) -> None:
    rounds = 150
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    processes = [subprocess.Popen([sys.executable, "-c", _WORKER, location, name, str(rounds)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
                 for name in ("192.0.2.0/24", "203.0.113.0/24")]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline() == "ready\n"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        for process in processes:
            out, _ = process.communicate(timeout=30)
            assert process.returncode == 0 and out == "done\n"
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    shared = openStore(location)
    try:
        figures = shared.stats()
        assert figures["deferred"] == 2 * rounds
        assert figures["triplets"] == 2 * rounds
        assert shared.clientPasses("198.51.100.0/24") == 2 * rounds
    finally:
        shared.close()


# --- choosing and opening ----------------------------------------------------------------------

def test_open_store_chooses_by_the_db_setting(location: str) -> None:
    opened = openStore(location)
    try:
        assert isinstance(opened, Store)
        expected = PostgresStore if location.startswith("postgresql://") else SQLiteStore
        assert type(opened) is expected
    finally:
        opened.close()
    with pytest.raises(ValueError, match="db must be a file path or a postgresql:// URL, not ''"):
        openStore("")


def test_a_store_made_by_another_layout_is_refused(location: str) -> None:
    first = openStore(location)
    first._change("test", "UPDATE grey_meta SET value = '99' WHERE name = 'schema'")   # type: ignore[attr-defined]
    first.close()
    with pytest.raises(StoreError, match="layout '99'"):
        openStore(location)


def test_sqlite_store_uses_wal_and_names_a_file_it_cannot_open(tmp_path: Path) -> None:
    path = tmp_path / "grey.sqlite"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    missing = tmp_path / "no-such-folder" / "grey.sqlite"
    with pytest.raises(StoreError, match=r"SQLiteStore\('.*no-such-folder/grey.sqlite'\): cannot open"):
        SQLiteStore(missing)


def test_sqlite_memory_store_works_without_a_file() -> None:
    memory = SQLiteStore(":memory:")
    memory.putTriplet(KEY, TripletRecord(1.0, 1.0))
    assert memory.getTriplet(KEY) == TripletRecord(1.0, 1.0)
    memory.close()


# --- PostgreSQL only ---------------------------------------------------------------------------

def test_postgres_store_connects_again_after_the_server_dropped_it(postgres) -> None:
    dsn = postgres.newDatabase()
    store = PostgresStore(dsn)
    try:
        store.putTriplet(KEY, TripletRecord(1.0, 1.0))
        name = dsn.rsplit("application_name=", 1)[1]
        with postgres.admin() as admin:
            killed = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE application_name = %s", (name,)).fetchall()
        assert killed and all(row[0] for row in killed)
        with pytest.raises(StoreError, match="reading a triplet failed"):
            store.getTriplet(KEY)
        assert store.getTriplet(KEY) == TripletRecord(1.0, 1.0)      # a new connection
    finally:
        store.close()


def test_postgres_store_hides_the_password_and_names_a_server_it_cannot_reach(tmp_path: Path) -> None:
    dsn = f"postgresql://grey:secret@/grey?host={tmp_path}&port=1"
    with pytest.raises(StoreError) as raised:
        PostgresStore(dsn)
    assert "cannot connect" in str(raised.value) and "secret" not in str(raised.value)
    assert "grey:***@" in str(raised.value)


def test_postgres_store_without_psycopg_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r"pip install 'kamaelia\[postgres\]'"):
        PostgresStore("postgresql://grey@/grey")

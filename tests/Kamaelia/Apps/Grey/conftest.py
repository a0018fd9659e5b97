"""The ``postgres`` fixture: a real, throwaway PostgreSQL server for the Grey tests.

It runs Debian's PostgreSQL binaries (``initdb``, ``pg_ctl``, found under
``/usr/lib/postgresql/*/bin`` or on ``PATH``) on a cluster in a new
temporary folder, listening only on a unix socket in that folder, with
durability turned off (it is thrown away). PostgreSQL refuses to run as
root, so when the tests run as root the server runs as the ``postgres``
system user (``runuser``) and the folder is handed to that user. It is
started once per test session, stopped (``pg_ctl stop -m immediate``) and
removed at the end, by a watcher process that also does so if the test
run is killed. Missing binaries, or a missing ``psycopg``, FAIL the
tests that need it, saying what to install: they never skip.

``postgres.newDatabase()`` makes an empty place for tables (a schema of its
own) and returns the ``postgresql://`` URL that uses it, so that each test
starts clean; ``postgres.admin()`` is a superuser connection.
"""

from __future__ import annotations

import glob
import importlib.util
import itertools
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

_PORT = 5432          # only names the socket file: nothing listens on TCP

_WATCHER = """
import shutil, subprocess, sys
sys.stdin.read()                      # returns when the test session ends, or dies
subprocess.run(sys.argv[2:], capture_output=True, timeout=60)
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    pytest.fail("PostgreSQL's server programs (initdb, pg_ctl) are not installed: install "
                "Debian's 'postgresql' package (apt-get install -y postgresql) to run the "
                "PostgreSQL store tests", pytrace=False)


class PostgresServer:
    """A running throwaway server: ``dsn(dbname)``, ``newDatabase()``, ``admin()``."""

    def __init__(self, socketDir: str) -> None:
        self.socketDir = socketDir
        self.user = "postgres"
        self._names = itertools.count(1)

    def dsn(self, schema: str | None = None) -> str:
        """The URL of the server's ``postgres`` database; with ``schema``, one whose
        connections use that schema (and carry its name as their application_name)."""
        url = f"postgresql://{self.user}@/postgres?host={quote(self.socketDir, safe='')}&port={_PORT}"
        if schema is not None:
            url += f"&options={quote(f'-csearch_path={schema}', safe='')}&application_name={schema}"
        return url

    def admin(self):   # -> psycopg.Connection
        import psycopg
        return psycopg.connect(self.dsn(), autocommit=True)

    def newDatabase(self) -> str:
        """The URL of a new, empty place to keep tables: a schema of its own, as good
        as a new database for the store and much quicker to make."""
        name = f"grey_test_{next(self._names)}"
        with self.admin() as connection:
            connection.execute(f'CREATE SCHEMA "{name}"')
        return self.dsn(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    if importlib.util.find_spec("psycopg") is None:
        pytest.fail("psycopg 3 is not installed: pip install 'psycopg[binary]' "
                    "(the postgres extra) to run the PostgreSQL store tests", pytrace=False)
    binaries = _binaries()
    asRoot = os.geteuid() == 0
    prefix: list[str] = []
    folder = tempfile.mkdtemp(prefix="grey-pg-")
    if asRoot:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder)
            pytest.fail("the tests run as root, and PostgreSQL will not: there is no 'postgres' "
                        "user to run it as (Debian's 'postgresql' package makes one)",
                        pytrace=False)
        os.chown(folder, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = os.path.join(folder, "data"), os.path.join(folder, "server.log")
    stop = [*prefix, str(binaries / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]
    # The watcher stops the server and removes the folder when its stdin closes: at the end
    # of the session, or when this process dies (a test run killed on a timeout), so that no
    # server is ever left running. Its own session keeps it out of a process-group kill.
    watcher = subprocess.Popen([sys.executable, "-c", _WATCHER, folder, *stop],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)

    def run(*command: str) -> None:
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            detail = Path(log).read_text() if os.path.exists(log) else ""
            pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}{detail}",
                        pytrace=False)

    try:
        run(str(binaries / "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync",
            "-E", "UTF8", "--locale=C")
        with open(os.path.join(data, "postgresql.conf"), "a") as conf:
            conf.write(f"\nlisten_addresses = ''\nunix_socket_directories = '{folder}'\n"
                       f"port = {_PORT}\nfsync = off\nsynchronous_commit = off\n"
                       "full_page_writes = off\nmax_connections = 60\n")
        run(str(binaries / "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "30", "start")
        yield PostgresServer(folder)
    finally:
        assert watcher.stdin is not None
        watcher.stdin.close()
        watcher.wait(timeout=60)

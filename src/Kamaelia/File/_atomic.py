"""The temporary files of atomic writes: their names, and clearing away stale ones.

Not public API: :class:`~Kamaelia.File._base.FileTarget` uses it.

Example Usage
-------------
::

    removeStale("/data/report.csv")       # orphans of writers that died, if any
    temp = tempName("/data/report.csv")   # "/data/.report.csv.kamaelia-…tmp"

How does it work?
-----------------
An atomic write puts the data in a temporary file beside the target and
moves it into place at the end (``os.replace``). A writer that is killed
(``kill -9``, a power cut) leaves that temporary file behind, as large as
what it had written; the target itself is untouched. So temporary files
carry a name that says whose they are::

    .<name>.kamaelia-<host>-<pid>-<start>-<random>.tmp

in the target's folder, where

* ``<name>`` is the target's file name (a name too long to fit is cut and
  followed by ``~`` and 12 hex digits of a hash of the whole name);
* ``<host>`` is 8 hex digits identifying this boot of this machine and its
  process namespace (a hash of the kernel's ``boot_id`` and the pid
  namespace; elsewhere, of the host name);
* ``<pid>`` and ``<start>`` are the writer's process id and start time (in
  clock ticks since boot, from ``/proc/<pid>/stat``; 0 where there is no
  ``/proc``), which together name one process even when pids are reused;
* ``<random>`` is 8 hex digits, so one process may write a target twice at
  once.

Before each atomic write, :func:`removeStale` deletes the temporary files of
the same target that are *provably* stale, and no others:

* written from this host (same ``<host>``) by a process that no longer
  exists: no process ``<pid>`` is running, or it is a later one (another
  start time);
* or, from another host, boot or container (another ``<host>``: whether
  its writer lives cannot be known from here), not modified for
  :data:`STALE_AFTER` seconds (one day; ``FileTarget.staleAfter`` changes
  it, ``None`` never removes them).

A temporary file of a writer that is still running, in this process or
another, is never removed, however old. Only regular files whose names
match the pattern exactly are touched (not symbolic links); files named
otherwise, including those of other programs, are left alone. Each removal
is logged as a warning (logger ``Kamaelia.File``), naming the file and why.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import socket
import stat
import time
from functools import lru_cache
from typing import Any

__all__ = ["MARKER", "STALE_AFTER", "tempName", "removeStale", "processIdentity"]

log = logging.getLogger("Kamaelia.File")

#: What every temporary file of an atomic write has after the target's name.
MARKER = "kamaelia"
#: Seconds after which another host's temporary file counts as stale (one day).
STALE_AFTER: float | None = 24 * 3600.0

#: Bytes of a file name; the fixed part of a temporary name takes up to 61.
_NAME_MAX = 255
_STEM_MAX = _NAME_MAX - 61
_TEMP = re.compile(r"(?P<host>[0-9a-f]{8})-(?P<pid>[0-9]{1,10})-(?P<start>[0-9]{1,20})"
                   r"-[0-9a-f]{8}\.tmp")


def _startTime(pid: int) -> int | None:
    """Process ``pid``'s start time (clock ticks since boot); None if it has ended.

    0 when it exists but its start time cannot be read (no ``/proc``, or
    ``/proc`` hides it): then it counts as running. A zombie has ended.
    """
    if pid <= 0:
        return 0
    try:
        os.kill(pid, 0)                    # the kernel's word: does it exist?
    except ProcessLookupError:
        return None
    except PermissionError:
        pass                               # exists, someone else's
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            line = file.read()
        # "pid (comm) state ppid ...": comm may hold spaces and brackets; the
        # state is field 3 and the start time field 22 of the whole line.
        fields = line[line.rindex(b")") + 2:].split()
        if fields[0] in (b"Z", b"X"):
            return None                    # ended, not yet reaped by its parent
        return int(fields[19])
    except (OSError, ValueError, IndexError):
        return 0                           # (it may have ended just now: keep its file)


@lru_cache(maxsize=1)
def _hostTag() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", "rb") as file:
            identity = file.read().strip() + b"/" + str(os.stat("/proc/self/ns/pid").st_ino).encode()
    except OSError:
        identity = socket.gethostname().encode("utf-8", "surrogateescape")
    return hashlib.sha256(identity).hexdigest()[:8]


def processIdentity() -> tuple[str, int, int]:
    """``(host, pid, start)`` of this process, as temporary names carry them.

    Looked up by pid, so a forked child gets its own.
    """
    return _identity(os.getpid())


@lru_cache(maxsize=4)
def _identity(pid: int) -> tuple[str, int, int]:
    return _hostTag(), pid, _startTime(pid) or 0


def _stem(name: str) -> str:
    encoded = os.fsencode(name)
    if len(encoded) <= _STEM_MAX:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    cut = encoded[:_STEM_MAX - 13]
    while True:                            # cut at a character boundary
        try:
            return cut.decode("utf-8") + "~" + digest
        except UnicodeDecodeError:
            cut = cut[:-1]


def _prefix(path: Any) -> tuple[str, str]:
    """``(folder, start of the temporary names)`` for the target ``path``."""
    folder, name = os.path.split(os.fsdecode(path))
    return folder, f".{_stem(name)}.{MARKER}-"


def tempName(path: Any) -> str:
    """A new temporary file name for an atomic write of ``path`` (see module docstring)."""
    folder, prefix = _prefix(path)
    host, pid, start = processIdentity()
    return os.path.join(folder, f"{prefix}{host}-{pid}-{start}-{secrets.token_hex(4)}.tmp")


def _whyStale(entry: str, match: re.Match[str], staleAfter: float | None,
              host: str) -> str | None:
    """Why the temporary file ``entry`` is stale, in words; None if it may be in use."""
    pid = int(match["pid"])
    if match["host"] == host:
        start = _startTime(pid)
        if start is None:
            return f"its writer, process {pid}, has ended"
        if start and int(match["start"]) and start != int(match["start"]):
            return f"its writer, process {pid}, has ended (that pid is now another process)"
        return None
    if staleAfter is None:
        return None
    try:
        age = time.time() - os.lstat(entry).st_mtime
    except OSError:
        return None
    if age > staleAfter:
        return (f"it was written by process {pid} of another host, boot or container "
                f"and not modified for {age / 3600:.0f} hours")
    return None


def removeStale(path: Any, staleAfter: float | None = STALE_AFTER) -> list[str]:
    """Delete the provably stale temporary files of atomic writes of ``path``.

    Returns the paths removed. Never raises: a folder that cannot be listed,
    or a file that cannot be removed, is left as it is (the write that
    follows reports any problem with the folder).
    """
    folder, prefix = _prefix(path)
    try:
        names = [name for name in os.listdir(folder or ".") if name.startswith(prefix)]
    except OSError:
        return []
    removed = []
    host = _hostTag()
    for name in names:
        match = _TEMP.fullmatch(name, len(prefix))
        if match is None:
            continue
        entry = os.path.join(folder, name)
        try:
            if not stat.S_ISREG(os.lstat(entry).st_mode):
                continue
        except OSError:
            continue
        why = _whyStale(entry, match, staleAfter, host)
        if why is None:
            continue
        try:
            os.unlink(entry)
        except FileNotFoundError:
            continue                       # another writer removed it first
        except OSError as exc:
            log.warning("cannot remove the stale temporary file %r (%s): %s", entry, why,
                        exc.strerror or exc)
            continue
        log.warning("removed the stale temporary file %r of an atomic write of %r: %s",
                    entry, os.fsdecode(path), why)
        removed.append(entry)
    return removed

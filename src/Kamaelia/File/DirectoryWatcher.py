"""DirectoryWatcher: report files arriving, changing, leaving and completing in a folder.

Example Usage
-------------
Print each ``.csv`` file once it has been completely written into
``incoming/`` (or any folder below it)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.DirectoryWatcher import DirectoryWatcher
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DirectoryWatcher("incoming", include=["*.csv"], events=["complete"],
                         initialScan=True),
        PureTransformer(lambda event: f"ready: {event.path} ({event.size} bytes)\\n"),
        ConsoleEchoer(),
    ).run()

(``kamaelia examples folder_watcher`` runs a complete program that makes its
own folder, drops files into it and prints their arrival;
``kamaelia examples --show folder_watcher`` prints it.)

How does it work?
-----------------
``DirectoryWatcher(path, recursive=True, include=None, exclude=(),
initialScan=False, events=KINDS, settle=1.0, debounce=0.5)`` watches the
folder ``path`` (and, if ``recursive``, every folder below it) with the
``watchfiles`` library (the operating system's notifications: inotify on
Linux), in its own thread, and sends a :class:`FileEvent` out of
``"outbox"`` for each change to a regular file:

* ``"created"`` -- a file appeared;
* ``"modified"`` -- its size or modification time changed;
* ``"deleted"`` -- it went (deleted, or moved out of the tree; a file moved
  within the tree is deleted at its old path and created at the new one);
* ``"complete"`` -- it has stopped growing: since it was created or last
  modified, its size and time have not changed for ``settle`` seconds, and,
  on Linux, no process has it open for writing (the watcher checks with a
  read lease, which the kernel refuses while a writer has the file open). A
  file is reported complete once per version: modified again, it is
  reported again when it settles again.

``events`` chooses which of these kinds are sent (e.g. ``["complete"]`` for
a watch folder); completeness is only tracked when ``"complete"`` is among
them.

The watcher keeps a picture of the tree (each file's size and time) and
turns what the library reports into events by comparing the files on disk
with it, in path order. So it never sends a file twice as ``"created"``,
never misses the files of a folder created (or moved in) with files already
inside (it scans new folders, which notifications alone miss), and a burst
of thousands of files yields one ``"created"`` each. A path that appears and
vanishes before the watcher looks at it is not reported.

Patterns (shell-style, as ``fnmatch``, case-sensitive): a pattern with a
``/`` is matched against the file's path relative to the watched folder
(``"raw/*.wav"``), one without against the file's name (``"*.csv"``); an
*exclude* pattern without ``/`` also excludes every file inside a folder
whose name it matches (``exclude=[".git", "*.part"]``). A file is reported if
it matches some ``include`` pattern (all files when ``include`` is None) and
no ``exclude`` pattern.

A file whose modification time is already ``settle`` seconds old when it
is first seen (one there at start, or one moved in whole from elsewhere on
the disk) has settled already: it is reported complete at once, if no
process has it open for writing.

``initialScan=True`` reports the files already there when it starts, as
``"created"`` (in path order), and then ``"complete"`` once they settle;
without it they are only remembered, so that a later change to one is a
``"modified"``.

:attr:`DirectoryWatcher.ready` is a ``threading.Event`` set once the watch
is in place and the initial scan done: changes made after that are seen.

Errors and shutdown
-------------------
A folder that does not exist or cannot be watched is reported: a
:class:`~Kamaelia.File.messages.fileError` naming it and the reason is
logged and sent out of ``"signal"``, and the watcher ends.

It runs until ``producerFinished`` or ``shutdownMicroprocess`` arrives on
``"control"`` (noticed within about 50 ms, even while nothing changes); it
then stops watching, passes the message on out of ``"signal"`` and ends.
Anything arriving on ``"inbox"`` is logged and dropped.

What it does not do: it does not report folders themselves, nor follow
symbolic links to folders; changes to a folder's contents made by another
machine on a network file system may not be noticed (that is up to the
operating system).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import threading
import time
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Iterable

from Axon.Ipc import ipc, shutdownMicroprocess
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.File._base import FileThread, checkPositive, reportFailure

try:
    from watchfiles._rust_notify import RustNotify
except ImportError as exc:          # pragma: no cover - depends on the installation
    raise ImportError("Kamaelia.File.DirectoryWatcher needs the watchfiles package: "
                      "pip install 'kamaelia[files]'") from exc

__all__ = ["DirectoryWatcher", "FileEvent", "CREATED", "MODIFIED", "DELETED", "COMPLETE",
           "KINDS"]

CREATED = "created"
MODIFIED = "modified"
DELETED = "deleted"
COMPLETE = "complete"
#: Every kind of event, in the order they can happen to a file.
KINDS = (CREATED, MODIFIED, DELETED, COMPLETE)

#: After a first change, changes closer together than this are grouped (ms).
STEP_MS = 50

_F_SETLEASE = getattr(fcntl, "F_SETLEASE", None)


@dataclass(frozen=True, slots=True)
class FileEvent:
    """FileEvent(kind, path, size=None) -> something happened to a file

    - kind -- ``"created"``, ``"modified"``, ``"deleted"`` or ``"complete"``
    - path -- the file's absolute path
    - size -- its size in bytes when the watcher looked (None for ``"deleted"``)
    """

    kind: str
    path: str
    size: int | None = None

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


def _patterns(name: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    patterns = tuple(value)
    if not all(isinstance(pattern, str) and pattern for pattern in patterns):
        raise TypeError(f"{name} must be a pattern or a list of patterns, not {value!r}")
    return patterns


def beingWritten(path: str) -> bool:
    """True if the kernel says some process has ``path`` open for writing.

    Linux only (a read lease is refused while the file has a writer); False
    where that cannot be told.
    """
    if _F_SETLEASE is None:
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.fcntl(fd, _F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        return exc.errno in (errno.EAGAIN, errno.EBUSY)
    else:
        fcntl.fcntl(fd, _F_SETLEASE, fcntl.F_UNLCK)
        return False
    finally:
        os.close(fd)


class _StopWhenAsked:
    """What watchfiles checks between steps: stop when control has a message."""

    __slots__ = ("owner",)

    def __init__(self, owner: "DirectoryWatcher") -> None:
        self.owner = owner

    def is_set(self) -> bool:
        return self.owner._isStopped() or bool(self.owner.dataReady("control"))


class DirectoryWatcher(FileThread):
    """DirectoryWatcher(path, recursive=True, include=None, exclude=(), initialScan=False,
    events=KINDS, settle=1.0, debounce=0.5) -> sends a FileEvent for each change

    - path        -- the folder to watch
    - recursive   -- watch the folders below it too
    - include     -- patterns of files to report (None: all)
    - exclude     -- patterns of files not to report
    - initialScan -- report the files already there as "created" (then "complete")
    - events      -- the kinds of event to send (see KINDS)
    - settle      -- seconds a file must stay unchanged to be "complete"
    - debounce    -- at most this many seconds pass between a change and its event
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to stop watching"}
    Outboxes = {"outbox": "a FileEvent for each change",
                "signal": "the shutdown message received; fileError if the folder "
                          "cannot be watched"}

    def __init__(self, path: str | os.PathLike[str], recursive: bool = True,
                 include: Iterable[str] | str | None = None,
                 exclude: Iterable[str] | str = (), initialScan: bool = False,
                 events: Iterable[str] = KINDS, settle: float = 1.0, debounce: float = 0.5,
                 **argd: Any) -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a folder's path, not {path!r}")
        wanted = frozenset([events] if isinstance(events, str) else events)
        if not wanted or not wanted <= set(KINDS):
            raise ValueError(f"events must be some of {KINDS!r}, not {events!r}")
        checkPositive("settle", settle)
        checkPositive("debounce", debounce)
        super().__init__(**argd)
        self.path = os.fspath(path)
        self.root = os.path.abspath(self.path)
        self.recursive = recursive
        self.include = _patterns("include", include)
        self.exclude = _patterns("exclude", exclude) or ()
        self.initialScan = initialScan
        self.events = wanted
        self.settle = float(settle)
        self.debounce = float(debounce)
        #: Set once the watch is in place and the initial scan done.
        self.ready = threading.Event()
        self._known: dict[str, tuple[int, int]] = {}     # path -> (size, mtime_ns)
        self._settling: dict[str, float] = {}             # path -> when to look again

    # --------------------------------------------------------------- main
    def main(self) -> None:
        if not os.path.isdir(self.root):
            reason = FileNotFoundError if not os.path.exists(self.root) else NotADirectoryError
            code = errno.ENOENT if reason is FileNotFoundError else errno.ENOTDIR
            reportFailure(self, self.root, reason(code, os.strerror(code)), "watch")
            return
        try:
            notifier = RustNotify([self.root], False, False, 300, self.recursive, False)
        except (OSError, RuntimeError) as exc:
            reportFailure(self, self.root, exc, "watch")
            return
        try:
            request = self._watch(notifier)
        except (OSError, RuntimeError) as exc:
            reportFailure(self, self.root, exc, "watch")
            return
        finally:
            notifier.close()
            self.ready.set()             # nobody waiting for it should wait for ever
        self.send(request, "signal")

    def _watch(self, notifier: Any) -> ipc:
        self._scan(self.root, time.monotonic(), report=self.initialScan)
        self.ready.set()
        stop = _StopWhenAsked(self)
        debounce = max(STEP_MS, round(self.debounce * 1000))
        while True:
            changes = notifier.watch(debounce, STEP_MS, self._msUntilNextLook(), stop)
            if isinstance(changes, set):
                self._apply(changes)
            self._lookAtSettling()
            if self._isStopped() or self.dataReady("control") or changes == "signal":
                request = shutdownRequest(self)
                if request is not None:
                    return request
                if self._isStopped() or changes == "signal":
                    return shutdownMicroprocess(self)
            if self.dataReady("inbox"):
                self.discard("inbox", "does not use its inbox")

    def _msUntilNextLook(self) -> int:
        """How long watchfiles may wait for a change (0: for ever)."""
        if not self._settling:
            return 0
        due = min(self._settling.values()) - time.monotonic()
        return max(1, int(due * 1000) + 1)

    # ----------------------------------------------------------- changes
    def _apply(self, changes: set[tuple[int, str]]) -> None:
        now = time.monotonic()
        for path in sorted({path for _, path in changes}):
            self._look(path, now)

    def _look(self, path: str, now: float) -> None:
        try:
            info = os.stat(path)
        except OSError:
            self._gone(path)
            return
        if stat.S_ISDIR(info.st_mode):
            if self.recursive or path == self.root:
                self._scan(path, now, report=True)
        elif stat.S_ISREG(info.st_mode) and self._wanted(path):
            self._seen(path, info, now, report=True)

    def _seen(self, path: str, info: os.stat_result, now: float, report: bool) -> None:
        """Compare a regular file with what was known of it; send what changed."""
        signature = (info.st_size, info.st_mtime_ns)
        known = self._known.get(path)
        self._known[path] = signature
        if known is None:
            if report:
                self._emit(CREATED, path, info.st_size)
                self._startSettling(path, now, info)
        elif known != signature:
            self._emit(MODIFIED, path, info.st_size)
            self._startSettling(path, now, info)
        elif path in self._settling:
            self._settling[path] = now + self.settle      # activity: wait longer

    def _gone(self, path: str) -> None:
        """``path`` no longer exists: a known file, or a folder of known files."""
        if path in self._known:
            gone = [path]
        else:
            prefix = path + os.sep
            gone = sorted(known for known in self._known if known.startswith(prefix))
        for lost in gone:
            del self._known[lost]
            self._settling.pop(lost, None)
            self._emit(DELETED, lost, None)

    def _scan(self, folder: str, now: float, report: bool) -> None:
        """Bring the picture of ``folder`` (and below, if recursive) up to date."""
        found: dict[str, os.stat_result] = {}
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            if not self.recursive:
                dirnames.clear()
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    info = os.stat(path)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode) and self._wanted(path):
                    found[path] = info
        prefix = folder + os.sep
        for path in sorted(set(self._known) - set(found)):
            if path.startswith(prefix) and (self.recursive or os.sep not in path[len(prefix):]):
                self._gone(path)
        for path in sorted(found):
            self._seen(path, found[path], now, report)

    def wants(self, path: str) -> bool:
        """True if the file at ``path`` (below the watched folder) passes
        ``include`` and ``exclude``: one this watcher would report."""
        return self._wanted(os.path.abspath(path))

    def _wanted(self, path: str) -> bool:
        relative = os.path.relpath(path, self.root).replace(os.sep, "/")
        folders, _, name = relative.rpartition("/")
        parts = folders.split("/") if folders else []

        def matches(pattern: str, inFolders: bool) -> bool:
            if "/" in pattern:
                return fnmatchcase(relative, pattern)
            return fnmatchcase(name, pattern) or (
                inFolders and any(fnmatchcase(part, pattern) for part in parts))

        if self.include is not None and not any(matches(p, False) for p in self.include):
            return False
        return not any(matches(p, True) for p in self.exclude)

    # --------------------------------------------------------- complete
    def _startSettling(self, path: str, now: float, info: os.stat_result) -> None:
        if COMPLETE in self.events:
            # A file last modified ``settle`` seconds ago or more (one there at
            # start, or moved in whole) has been unchanged that long already:
            # it is looked at in this round, not ``settle`` seconds from now.
            # (The check for a writer still applies.)
            unchangedFor = time.time() - info.st_mtime
            self._settling[path] = now if unchangedFor >= self.settle else now + self.settle

    def _lookAtSettling(self) -> None:
        now = time.monotonic()
        for path in sorted(path for path, due in self._settling.items() if due <= now):
            try:
                info = os.stat(path)
            except OSError:
                self._gone(path)
                continue
            if (info.st_size, info.st_mtime_ns) != self._known.get(path):
                self._seen(path, info, now, report=True)
            elif beingWritten(path):
                self._settling[path] = now + self.settle
            else:
                del self._settling[path]
                self._emit(COMPLETE, path, info.st_size)

    def _emit(self, kind: str, path: str, size: int | None) -> None:
        if kind in self.events:
            self.send(FileEvent(kind, path, size), "outbox", block=True)

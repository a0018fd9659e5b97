"""Opening files to read without ever blocking a thread in ``open()`` or ``read()``.

Not public API: the readers of :mod:`Kamaelia.File` open what they read
with :func:`openToRead`.

Example Usage
-------------
In the thread of a :class:`~Kamaelia.File._base.FileThread` (here, a
reader's ``openSource``)::

    source = openToRead(self, self.filename, text=True, encoding="utf-8")
    line = source.readline()     # a FIFO with no writer yet: waits, stoppably

How does it work?
-----------------
A FIFO opened for reading the ordinary way blocks in ``open()`` until a
writer comes, and a pipe or a terminal blocks in ``read()`` until there is
data; a thread stuck there cannot be told to stop, and leaks. So
:func:`openToRead` opens every path with ``O_NONBLOCK`` (which never waits)
and looks at what it got:

* a regular file (or a block device) is read as before, by the thread,
  through an ordinary file object: it is always ready, so this is the fast
  path, unchanged;
* a directory is refused (``IsADirectoryError``, as ``open()`` does);
* anything else (a FIFO, a pipe, a character device such as a terminal, a
  socket reached through ``/proc``) is read through a :class:`WaitingReader`,
  the raw layer under the usual buffered and text layers. Before each read
  it asks ``poll()`` (without waiting) whether there is something to read;
  if not, the thread waits in :meth:`FileThread.waitUntilReadable`, which
  has the *scheduler* watch the descriptor (``addReader``) and wake the
  thread when it is ready, or when a shutdown message arrives, whichever
  comes first. A shutdown ends the wait by raising
  :class:`~Kamaelia.File._base.WaitInterrupted`, which the reader's loop
  turns into its usual ending.

Looking before reading is also what makes FIFOs right: a FIFO opened with
``O_NONBLOCK`` before any writer has connected reads as empty, which must
not be taken for its end. ``poll()`` reports nothing for it until a writer
has written something or has come and gone (``POLLHUP``), so an empty read
happens only at the real end.

The scheduler watches a descriptor once per wait (it is unregistered when it
fires), so a busy pipe costs one ``poll()`` per read and a thread hand-over
only when it runs dry; FIFOs and pipes are given a 1 MiB buffer
(:func:`enlargePipe`, as ``UnixProcess`` does) so that this is rare. A descriptor the scheduler cannot watch (``epoll``
refuses ``/dev/zero``, which is always ready) just reads.

Closing a :class:`WaitingReader` while the scheduler watches its descriptor
leaves the ``close()`` to the scheduler's thread, after it has stopped
watching it (a descriptor must not be closed while it is registered), or
to the component's close-down, whichever comes first.

Descriptors the caller hands over (an ``int`` instead of a path, e.g.
standard input) are not switched to ``O_NONBLOCK``: other processes share
them. They are only read when ``poll()`` says there is something to read.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import select
import stat
import threading
from typing import Any, Callable

__all__ = ["openToRead", "wrapDescriptor", "WaitingReader", "Readiness", "enlargePipe",
           "PIPE_SIZE"]

#: Pipe buffer asked for (the kernel's default is 64 KiB); fewer, larger transfers.
PIPE_SIZE = 1 << 20

#: What poll() reports when a read would not wait (data, end, error).
_READABLE = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR | select.POLLNVAL


class Readiness:
    """Readiness(owner, fd) -> whether ``fd`` can be read, for ``owner``'s thread

    The thread calls :meth:`readableNow`, and, when that is False,
    ``owner.waitUntilReadable(readiness)``, which calls :meth:`arm` and
    waits until :attr:`ready` (or a shutdown). ``close(closeFd)`` ends it.
    ``owner`` is a :class:`~Kamaelia.File._base.FileThread`.
    """

    def __init__(self, owner: Any, fd: int) -> None:
        self.owner = owner
        self.fd = fd
        #: Set (in the scheduler's thread) when the descriptor became readable.
        self.ready = False
        self._poll = select.poll()
        self._poll.register(fd, select.POLLIN | select.POLLPRI)
        self._lock = threading.Lock()      # between the thread and the scheduler's
        self._watching = False             # registered with the scheduler
        self._closed = False
        self._closer: Callable[[], None] | None = None
        owner._readinesses.add(self)

    def readableNow(self) -> bool:
        """True if a read would not wait (data, the end, or an error to report)."""
        return any(events & _READABLE for _, events in self._poll.poll(0))

    def arm(self) -> None:
        """(Component's thread) have the scheduler set :attr:`ready` once the
        descriptor is readable, and wake the thread."""
        self.ready = False
        self.owner.scheduler.callFromThread(self._watch)

    def _watch(self) -> None:
        # Scheduler's thread.
        with self._lock:
            if self._closed or self._watching:
                return
            try:
                self.owner.scheduler.addReader(self.fd, self._fire)
            except (OSError, ValueError):
                pass          # cannot be watched (epoll: EPERM): always ready, so read
            else:
                self._watching = True
                return
        self._wake()

    def _fire(self) -> None:
        # Scheduler's thread: readable. One wait, one watch.
        with self._lock:
            if self._watching:
                self.owner.scheduler.removeReader(self.fd)
                self._watching = False
        self._wake()

    def _wake(self) -> None:
        self.ready = True
        self.owner.wakeFromWait()

    def close(self, closeFd: Callable[[], None]) -> None:
        """(Component's thread) stop; ``closeFd()`` is called once the scheduler no
        longer watches the descriptor: now, or soon in the scheduler's thread."""
        with self._lock:
            self._closed = True
            deferred = self._watching
            if deferred:
                self._closer = closeFd
            else:
                self.owner._readinesses.discard(self)
        if deferred:
            self.owner.scheduler.callFromThread(self.finishClosing)
        else:
            closeFd()

    def finishClosing(self) -> None:
        """(Scheduler's thread) stop watching, and call the ``closeFd`` that
        :meth:`close` left, if any. Does nothing unless :meth:`close` was called."""
        with self._lock:
            if not self._closed:
                return
            if self._watching:
                self.owner.scheduler.removeReader(self.fd)
                self._watching = False
            closer, self._closer = self._closer, None
            self.owner._readinesses.discard(self)
        if closer is not None:
            closer()


class WaitingReader(io.RawIOBase):
    """WaitingReader(owner, fd, name, closefd=True) -> raw reads of a FIFO, pipe or device

    Reads by ``owner``'s thread that would wait, wait through the scheduler
    (see the module docstring), so a shutdown message ends them.
    """

    def __init__(self, owner: Any, fd: int, name: Any, closefd: bool = True) -> None:
        super().__init__()
        self._fd = fd
        self.name = name
        self._closefd = closefd
        self._owner = owner
        self._readiness = Readiness(owner, fd)

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def readinto(self, buffer: Any) -> int:
        readiness = self._readiness
        while True:
            if not readiness.readableNow():
                self._owner.waitUntilReadable(readiness)
            try:
                return os.readv(self._fd, [buffer])
            except BlockingIOError:
                continue      # taken by someone else sharing it: wait again

    def close(self) -> None:
        if not self.closed:
            fd = self._fd
            self._readiness.close((lambda: os.close(fd)) if self._closefd else _nothing)
        super().close()


def _nothing() -> None:
    pass


def enlargePipe(fd: int) -> None:
    """Ask for a :data:`PIPE_SIZE` buffer for the pipe or FIFO ``fd`` (if allowed).

    A reader that waits through the scheduler pays a hand-over between
    threads each time the pipe runs dry; a larger buffer lets the writer
    stay ahead, so that happens rarely (a FIFO read flat out ran at about
    a third of a blocking read's speed with 64 KiB, and as fast with 1 MiB).
    """
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (AttributeError, OSError):
        pass                          # not Linux, or above the system's limit: keep the default


def openToRead(owner: Any, path: Any, text: bool = False, encoding: str | None = None,
               buffered: bool = True, noFollow: bool = False) -> Any:
    """``path`` open for reading by ``owner``'s thread, without waiting in ``open()``.

    ``text``: a text file decoded with ``encoding``, line endings untouched
    (``newline=""``); else binary, buffered unless ``buffered`` is False (a
    raw file, whose reads return what there is). ``path`` may also be a
    descriptor (an int), which the file then owns, as with ``open()``.
    ``noFollow``: a symbolic link at ``path`` is not followed (``ELOOP``).
    Raises ``OSError`` as ``open()`` would (``IsADirectoryError`` for a
    folder).
    """
    if isinstance(path, int):
        return wrapDescriptor(owner, path, path, text, encoding, buffered, ours=False)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC
                 | (os.O_NOFOLLOW if noFollow else 0))
    return wrapDescriptor(owner, fd, path, text, encoding, buffered, ours=True)


def wrapDescriptor(owner: Any, fd: int, name: Any, text: bool = False,
                   encoding: str | None = None, buffered: bool = True,
                   ours: bool = True) -> Any:
    """A file object reading ``fd`` (which it owns and closes), as :func:`openToRead`.

    ``ours``: the descriptor is not shared with anyone, so it may be made
    blocking (a regular file) or not (anything else); a shared one is left
    as it is.
    """
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name)
        if stat.S_ISREG(mode) or stat.S_ISBLK(mode):
            if ours:
                os.set_blocking(fd, True)
            file: Any = open(fd, "r" if text else "rb", buffering=-1 if text or buffered else 0,
                             encoding=encoding if text else None,
                             newline="" if text else None)
            (file.buffer.raw if text else file.raw if buffered else file).name = name
            return file
        if ours:
            os.set_blocking(fd, False)
        if stat.S_ISFIFO(mode):
            enlargePipe(fd)
        raw: Any = WaitingReader(owner, fd, name)
    except BaseException:
        os.close(fd)
        raise
    if not (text or buffered):
        return raw
    reader = io.BufferedReader(raw)
    return io.TextIOWrapper(reader, encoding=encoding, newline="") if text else reader

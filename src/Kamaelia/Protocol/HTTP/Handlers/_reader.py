"""Reading files off the scheduler's thread, a piece at a time (not public API).

:class:`~Kamaelia.Protocol.HTTP.Handlers.Minimal.Minimal` asks for one piece
of a file at a time; the read runs in a small shared pool of threads and its
result is handed back in the scheduler's thread.

Example Usage
-------------
::

    opened = OpenFile(os.open(path, os.O_RDONLY))
    readPiece(opened, offset=0, size=262144, scheduler=sched, done=callback)
    # later, in sched's thread: callback(b"...") or callback(OSError(...))
    opened.close()      # closes now, or as soon as the read in flight is back

Why threads, and why a pool
---------------------------
A read from the page cache takes microseconds, but one from a cold disk or
a network filesystem can take tens of milliseconds, and the scheduler runs
every component in one thread: a static file server reading in that thread
would stall every other connection while the disk seeks. So the reads run
elsewhere. One thread per download would cost a thread (and its stack) per
connection; a pool of :data:`THREADS` threads serves them all, each job one
``os.pread`` of at most a piece. Threads that find no work for
:data:`IDLE_SECONDS` end, so an idle server holds none.

``os.pread`` takes the offset with it, so pieces of one file need no shared
file position, and :class:`OpenFile` closes the descriptor only when no read
is using it (a download abandoned mid-read closes it when that read returns).
"""

from __future__ import annotations

import os
import queue
import threading
from typing import Any, Callable

__all__ = ["OpenFile", "readPiece", "THREADS", "IDLE_SECONDS"]

#: Reader threads at most (shared by every download in the process).
THREADS = 4
#: A reader thread with nothing to do for this long ends.
IDLE_SECONDS = 5.0


class OpenFile:
    """A file descriptor that reads can borrow and a close can wait for."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._lock = threading.Lock()
        self._reading = False
        self._closing = False

    def _begin(self) -> bool:
        with self._lock:
            if self._closing:
                return False
            self._reading = True
            return True

    def _end(self) -> None:
        with self._lock:
            self._reading = False
            if self._closing:
                self._close()

    def close(self) -> None:
        """Close the descriptor now, or when the read in flight has returned."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            if not self._reading:
                self._close()

    def _close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    @property
    def closed(self) -> bool:
        return self.fd < 0


_jobs: "queue.SimpleQueue[Callable[[], None]]" = queue.SimpleQueue()
_lock = threading.Lock()
_idle = 0           # threads waiting for a job
_alive = 0


def _worker() -> None:
    global _idle, _alive
    while True:
        try:
            job = _jobs.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with _lock:
                # (a job submitted just now, counting on this thread being
                # idle, is still picked up: look once more before ending)
                if _jobs.empty():
                    _idle -= 1
                    _alive -= 1
                    return
            continue
        with _lock:
            _idle -= 1
        try:
            job()
        finally:
            with _lock:
                _idle += 1


def _submit(job: Callable[[], None]) -> None:
    global _idle, _alive
    with _lock:
        if _idle == 0 and _alive < THREADS:
            _alive += 1
            _idle += 1
            threading.Thread(target=_worker, name="Kamaelia file reader",
                             daemon=True).start()
        # (inside the lock: a thread deciding to end looks at the queue
        # under it, so it cannot miss this job)
        _jobs.put(job)


def readPiece(opened: OpenFile, offset: int, size: int, scheduler: Any,
              done: Callable[[bytes | OSError], None]) -> None:
    """Read ``size`` bytes at ``offset`` in a reader thread, then call
    ``done(data)`` (or ``done(error)``) in ``scheduler``'s thread. A file
    closed before the read starts gives ``done(OSError(EBADF))``."""
    def job() -> None:
        result: bytes | OSError
        if not opened._begin():
            result = OSError(9, "the file was closed before it was read")
        else:
            try:
                result = os.pread(opened.fd, size, offset)
            except OSError as exc:
                result = exc
            finally:
                opened._end()
        scheduler.callFromThread(done, result)
    _submit(job)

"""IntelligentFileReader: read a file no faster than its consumer takes it.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.BetterReading import IntelligentFileReader
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(IntelligentFileReader("/etc/hostname", chunksize=1024, maxqueue=5),
             ConsoleEchoer()).run()

How does it work?
-----------------
``IntelligentFileReader(filename, chunksize=1024, maxqueue=5)`` reads the
file in its own thread, ``chunksize`` bytes at a time, sending each chunk
(``bytes``) out of ``"outbox"``, and stops reading while ``maxqueue`` chunks
wait in its consumer's inbox. In 1.14 the consumer had to send something to
``"inbox"`` to wake the reader once it had taken some; that still works (and
is harmless), but is no longer needed: the reader is told when its consumer
takes a chunk. At the end of the file it waits until every chunk has been
taken, then sends ``producerFinished`` out of ``"signal"`` and ends.

As 1.14's did, it reads FIFOs, pipes and character devices without
blocking: the file is opened ``O_NONBLOCK`` (so a FIFO with no writer yet
is no reason to wait in ``open()``), and while there is nothing to read the
thread waits for the scheduler to say there is. A chunk from such a source
is what one read returned.

A file that cannot be opened or read is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the reader ends.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` stops it between chunks (or while it waits for data); it passes the message on out of
``"signal"`` and ends.

1.14's methods do their 1.14 job: :meth:`IntelligentFileReader.openFile`
(a file descriptor, read-only; the reader opens the file with it, so a
subclass may override it), :meth:`IntelligentFileReader.makeNonBlocking`,
:meth:`IntelligentFileReader.tryReadChunk` (read and send one chunk;
False at the end), :meth:`IntelligentFileReader.debug` (send a note out of
``"debug"``; it says ``"IntelligentFileReader terminated"`` at the end, as
in 1.14) and :meth:`IntelligentFileReader.selectorWait`, which asks the
Selector service (through ``"_selectorask"``) to send the descriptor to
``"_selectorready"`` when it is readable. The reader itself does not need
the Selector: a regular file is always readable, and its thread reads it;
anything else is watched by the scheduler directly.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from Kamaelia.File._base import wrapDescriptor
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.IPC import newReader

__all__ = ["IntelligentFileReader"]


class IntelligentFileReader(MaxSpeedFileReader):
    """IntelligentFileReader(filename, chunksize=1024, maxqueue=5) -> sends a file, consumer-paced

    - filename  -- the file to read
    - chunksize -- bytes per chunk
    - maxqueue  -- stop reading while this many chunks wait for the consumer
    """

    Inboxes = {"inbox": "anything: a wake-up (1.14's protocol; no longer needed)",
               "control": "producerFinished or shutdownMicroprocess to stop reading",
               "_selectorready": "the descriptor, from the Selector (after selectorWait)"}
    Outboxes = {"outbox": "the file, in chunks of bytes",
                "debug": "notes from debug(); \"IntelligentFileReader terminated\" at the end",
                "signal": "producerFinished at the end; fileError if the file cannot be "
                          "read; else the shutdown message received",
                "_selectorask": "requests to the Selector service (selectorWait)"}

    inboxWakesOnly = True

    def __init__(self, filename: str, chunksize: int = 1024, maxqueue: int = 5,
                 **argd: Any) -> None:
        if isinstance(maxqueue, bool) or not isinstance(maxqueue, int) or maxqueue < 1:
            raise ValueError(f"maxqueue must be a positive int, not {maxqueue!r}")
        super().__init__(filename, chunksize, maxqueue=maxqueue, **argd)
        self.done = False
        self._askingSelector = False

    # ------------------------------------------------------- 1.14's methods
    def debug(self, msg: Any) -> None:
        """Send ``msg`` out of "debug"."""
        self.send(msg, "debug")

    def makeNonBlocking(self, fd: int) -> None:
        """Make reads of ``fd`` return at once when there is nothing to read."""
        flags = fcntl.fcntl(fd, fcntl.F_GETFL)
        fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)

    def openFile(self, filename: str) -> int:
        """A read-only, non-blocking file descriptor for ``filename`` (raises
        OSError); opening a FIFO so does not wait for a writer."""
        return os.open(filename, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)

    def selectorWait(self, fd: int) -> None:
        """Ask the Selector service to send ``fd`` to "_selectorready" once it
        can be read (the service is found, or started, the first time)."""
        from Kamaelia.Internet.Selector import Selector    # (a layer above files)
        self.debug("selectorWait")
        if not self._askingSelector:
            service, _, newSelector = Selector.getSelectorServices(self.tracker)
            if newSelector is not None:
                scheduler = self.scheduler
                if scheduler is None:
                    newSelector.activate()
                else:            # (this runs in the reader's thread)
                    scheduler.callFromThread(newSelector.activate, scheduler)
            self.link((self, "_selectorask"), service)
            self._askingSelector = True
        self.send(newReader(self, ((self, "_selectorready"), fd)), "_selectorask")

    def tryReadChunk(self, fd: int) -> bool:
        """Read up to ``chunksize`` bytes from ``fd`` and send them: True if it
        did; False at the end of the file (``done`` is then True) or if there
        was nothing to read."""
        try:
            data = os.read(fd, self.chunksize)
        except OSError:
            return False
        if not data:
            self.done = True
            return False
        self.send(data, "outbox")
        return True

    # ------------------------------------------------- the reader's hooks
    def openSource(self) -> Any:
        # (a FIFO or device is read without blocking, waiting through the
        # scheduler, even if a subclass's openFile opened it blocking)
        return wrapDescriptor(self, self.openFile(self.filename), self.filename,
                              buffered=False)

    def main(self) -> None:  # type: ignore[override]  # a thread's blocking main
        super().main()
        self.debug("IntelligentFileReader terminated")


__kamaelia_components__ = (IntelligentFileReader,)

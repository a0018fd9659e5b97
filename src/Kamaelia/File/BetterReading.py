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

A file that cannot be opened or read is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the reader ends.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` stops it between chunks; it passes the message on out of
``"signal"`` and ends. The ``"debug"`` outbox is kept for 1.14 code and
sends nothing.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader

__all__ = ["IntelligentFileReader"]


class IntelligentFileReader(MaxSpeedFileReader):
    """IntelligentFileReader(filename, chunksize=1024, maxqueue=5) -> sends a file, consumer-paced

    - filename  -- the file to read
    - chunksize -- bytes per chunk
    - maxqueue  -- stop reading while this many chunks wait for the consumer
    """

    Inboxes = {"inbox": "anything: a wake-up (1.14's protocol; no longer needed)",
               "control": "producerFinished or shutdownMicroprocess to stop reading"}
    Outboxes = {"outbox": "the file, in chunks of bytes",
                "debug": "not used (kept for 1.14 code)",
                "signal": "producerFinished at the end; fileError if the file cannot be "
                          "read; else the shutdown message received"}

    inboxWakesOnly = True

    def __init__(self, filename: str, chunksize: int = 1024, maxqueue: int = 5,
                 **argd: Any) -> None:
        if isinstance(maxqueue, bool) or not isinstance(maxqueue, int) or maxqueue < 1:
            raise ValueError(f"maxqueue must be a positive int, not {maxqueue!r}")
        super().__init__(filename, chunksize, maxqueue=maxqueue, **argd)

"""MaxSpeedFileReader: read a file as fast as its consumer takes it.

Example Usage
-------------
Copy a file (the reader stops reading whenever the writer falls behind, so
memory use stays small however large the file)::

    import tempfile, os
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
    from Kamaelia.File.Writing import SimpleFileWriter

    folder = tempfile.mkdtemp()
    source, copy = os.path.join(folder, "in.bin"), os.path.join(folder, "out.bin")
    with open(source, "wb") as f:
        f.write(os.urandom(1_000_000))

    Pipeline(MaxSpeedFileReader(source), SimpleFileWriter(copy)).run()
    assert open(copy, "rb").read() == open(source, "rb").read()

How does it work?
-----------------
``MaxSpeedFileReader(filename, chunksize=1048576)`` reads the file in its
own thread, ``chunksize`` bytes at a time, and sends each chunk (``bytes``)
out of ``"outbox"``. It is limited only by its consumer: while ``maxqueue``
chunks (default 8) wait in the consumer's inbox it stops reading, and it
carries on when the consumer takes one (it is told, it does not poll). A
size limit on the consumer's inbox works too. When the outbox is not linked
to anything, chunks simply pile up in it.

The default chunk is 1 MiB, where 1.14's was 32 KiB: handing a message from
a thread to the scheduler costs some tens of microseconds, so fewer, larger
chunks are what make it fast (about as fast as ``shutil.copyfileobj`` when
copying through a ``SimpleFileWriter``); with the ``maxqueue`` limit, a few
tens of MiB at most are in flight.

At the end of the file it waits until its consumer has taken every chunk,
then sends ``producerFinished`` out of ``"signal"`` and ends.

``filename`` may also name a FIFO, a pipe (``/proc/self/fd/N``) or a
character device such as a terminal. It is opened without waiting (a FIFO
with no writer yet is read once one connects, to the end of what it
writes), and read as data comes: each chunk is what one read returned (up
to ``chunksize``). While there is nothing to read the thread waits for the
scheduler to say there is, not in ``read()``, so a shutdown message ends
the wait at once (see :mod:`Kamaelia.File`).

A file that cannot be opened or read is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the reader ends.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` stops it between chunks (or while it waits for data); it passes the message on out of
``"signal"`` and ends. Anything arriving on ``"inbox"`` is logged and
dropped.

1.14's helpers are kept for code (a subclass's own ``main``, say) that
uses them: :meth:`MaxSpeedFileReader.handleControl` notes a shutdown
message in ``shutdownMsg``; :meth:`MaxSpeedFileReader.canStop` and
:meth:`MaxSpeedFileReader.mustStop` say whether one (or a
``shutdownMicroprocess``) has come; :meth:`MaxSpeedFileReader.waitSend` is a
generator that sends, waiting while the destination is full, and raises
``UserWarning("STOP")`` if told to stop meanwhile. The reader's own loop is
the shared one of :mod:`Kamaelia.File` and does not call them.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.File._base import StreamingReader, openToRead
from Kamaelia._shutdown import ControlState

__all__ = ["MaxSpeedFileReader"]


class MaxSpeedFileReader(ControlState, StreamingReader):
    """MaxSpeedFileReader(filename, chunksize=1048576) -> sends a file in chunks, flat out

    - filename  -- the file to read
    - chunksize -- bytes per chunk (the last may be shorter)
    - maxqueue  -- stop reading while this many chunks wait for the consumer (default 8)
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to stop reading"}
    Outboxes = {"outbox": "the file, in chunks of bytes",
                "signal": "producerFinished at the end; fileError if the file cannot be "
                          "read; else the shutdown message received"}

    def __init__(self, filename: str, chunksize: int = 1 << 20, **argd: Any) -> None:
        if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
            raise ValueError(f"chunksize must be a positive int, not {chunksize!r}")
        super().__init__(**argd)
        self.filename = self.path = filename
        self.chunksize = chunksize
        #: The shutdown message noted by handleControl ("" until one comes, as in 1.14).
        self.shutdownMsg: Any = ""

    def openSource(self) -> Any:
        return openToRead(self, self.filename, buffered=False)

    def readPiece(self, source: Any, pieces: int) -> Any:
        return source.read(self.chunksize)


__kamaelia_components__ = (MaxSpeedFileReader,)

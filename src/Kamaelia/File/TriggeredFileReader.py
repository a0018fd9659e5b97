"""TriggeredFileReader: read each file whose name arrives, whole.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.TriggeredFileReader import TriggeredFileReader
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["/etc/hostname"]),
        TriggeredFileReader(),
        PureTransformer(lambda contents: contents.decode()),
        ConsoleEchoer(),
    ).run()

How does it work?
-----------------
``TriggeredFileReader()`` takes each filename arriving on ``"inbox"``, reads
that file in its own thread and sends its whole contents (``bytes``, one
message per file) out of ``"outbox"``, in the order the names arrived. Use
it for files that fit comfortably in memory; stream larger ones with
:class:`~Kamaelia.File.MaxSpeedFileReader.MaxSpeedFileReader`.

A file that cannot be read (missing, a folder, not allowed) is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the reader ends (as every reader in
:mod:`Kamaelia.File` does). Names still waiting are not read.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it first reads the files named before it, then passes the
message on out of ``"signal"`` and ends.
"""

from __future__ import annotations

from typing import Any

from Axon.AxonExceptions import noSpaceInBox
from Kamaelia.File._base import FileThread, reportFailure

__all__ = ["TriggeredFileReader"]


class TriggeredFileReader(FileThread):
    """TriggeredFileReader() -> reads each file named on "inbox" and sends its contents"""

    Inboxes = {"inbox": "filenames to read",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the contents of each file (bytes), one message per file",
                "signal": "fileError if a file cannot be read; else the shutdown "
                          "message received"}

    def readFile(self, filename: Any) -> bytes:
        """The contents of ``filename`` (raises OSError)."""
        with open(filename, "rb") as file:
            return file.read()

    def main(self) -> None:
        def readOne(filename: Any) -> bool:
            try:
                data = self.readFile(filename)
            except (OSError, TypeError, ValueError) as exc:
                reportFailure(self, filename, exc, "read")
                return False
            try:
                self.send(data, "outbox", block=True)
            except noSpaceInBox:            # told to stop while waiting for room
                pass
            return True

        request = self.serve(readOne)
        if request is not None:
            self.send(request, "signal")


__kamaelia_components__ = (TriggeredFileReader,)

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

A FIFO, pipe or character device is read to its end (a FIFO with no
writer yet waits for one) without blocking the thread: it waits through the
scheduler, so a shutdown ends the wait (see :mod:`Kamaelia.File`).

Names from elsewhere
--------------------
``TriggeredFileReader(root=None)``: by default any name is opened, as in
1.14 -- ``../``, absolute paths and symbolic links lead anywhere. Where
names come from the network, give it a folder, ``root="/srv/files"``: each
name is then taken relative to that folder (an absolute name must lie inside
it) and resolved, symbolic links and all; a name that leads outside the
folder, names the folder itself, or holds a NUL byte is refused. A refused
name is logged as an error (naming it) and, if the ``"error"`` outbox is
linked, a :class:`~Kamaelia.File.messages.fileError` (whose ``exception`` is
a :class:`~Kamaelia.File.messages.NameRefused`) is sent out of it; then the
next name is read as usual. The file found is opened without following a
symbolic link put there since the check. ``root`` must be an existing
folder (``ValueError`` otherwise).

Errors and shutdown
-------------------
A file that cannot be read (missing, a folder, not allowed) is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the reader ends (as every reader in
:mod:`Kamaelia.File` does). Names still waiting are not read.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it first reads the files named before it, then passes the
message on out of ``"signal"`` and ends. While it waits for data from a
FIFO, a ``shutdownMicroprocess`` ends the wait at once (the file is not
sent) and is passed on.
"""

from __future__ import annotations

from typing import Any

from Axon.AxonExceptions import noSpaceInBox
from Axon.Ipc import shutdownMicroprocess
from Kamaelia.File._base import (FileThread, NameRefused, checkRoot, confine, openToRead,
                                 refuseName, reportFailure)

__all__ = ["TriggeredFileReader"]


class TriggeredFileReader(FileThread):
    """TriggeredFileReader(root=None) -> reads each file named on "inbox" and sends its contents

    - root -- None: open any name (1.14); a folder: refuse names leading outside it
    """

    Inboxes = {"inbox": "filenames to read",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the contents of each file (bytes), one message per file",
                "signal": "fileError if a file cannot be read; else the shutdown "
                          "message received",
                "error": "with root: a fileError for each name refused (if linked)"}

    interruptedBy = (shutdownMicroprocess,)

    def __init__(self, root: Any = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.root = checkRoot(root)

    def readFile(self, filename: Any) -> bytes:
        """The contents of ``filename`` (raises OSError).

        With ``root``, ``main`` calls it with the name already checked and
        resolved (so a subclass that overrides it is confined too).
        """
        with openToRead(self, filename, noFollow=self.root is not None) as file:
            return file.read()

    def main(self) -> None:
        def readOne(filename: Any) -> bool:
            try:
                path = filename if self.root is None else confine(self.root, filename)
            except NameRefused as refusal:
                refuseName(self, refusal, "read")
                return True
            try:
                data = self.readFile(path)
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

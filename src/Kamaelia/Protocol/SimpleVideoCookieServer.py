"""SimpleVideoCookieServer: send each client a video file at its bit rate.

Example Usage
-------------
Stream a file (here a made-up one) at 375 kbit/s in 24 pieces a second::

    import os, tempfile
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.SimpleVideoCookieServer import HelloServer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "clip.mpg")
        with open(path, "wb") as f:
            f.write(bytes(5000))
        Pipeline(
            HelloServer(filename=path),
            PureTransformer(lambda piece: f"{len(piece)} "),
            ConsoleEchoer(),
        ).run()                                    # prints 1953 1953 1094

How does it work?
-----------------
As a server (``netcat <server> 5222 | ffplay -`` to watch)::

    from Kamaelia.Chassis.ConnectedServer import SimpleServer

    SimpleServer(protocol=HelloServer, port=5222).run()

``HelloServer(filename="/video/sample-100.mpg", debug=0, bitrate=375000,
chunkrate=24)`` reads ``filename`` through a child
:class:`~Kamaelia.File.ReadFileAdaptor.ReadFileAdaptor` at ``bitrate`` bits
a second in ``chunkrate`` pieces a second (1.14's pace), linked to its
``"datain"`` inbox, and sends what arrives there out of ``"outbox"``
(``handleDataIn``). What a client sends, arriving on ``"inbox"``, is sent
back out of ``"outbox"`` too (``handleInbox``), as 1.14 did. At the end of
the file it sends ``producerFinished`` out of ``"signal"`` and ends, so a
server closes the connection. 1.14's default file, ``/video/sample-100.mpg``,
stays the default; 1.14 ignored its ``filename`` argument.

A file that cannot be read is logged as an error (logger
``Kamaelia.Protocol.SimpleVideoCookieServer``) and the ``fileError`` is
sent out of ``"signal"``. With ``debug`` true the size of each piece is
logged. ``maxid`` is 1.14's class attribute (not used).

Shutdown: ``shutdownMicroprocess`` on ``"control"`` stops the reading; it is
passed on out of ``"signal"``. ``producerFinished`` changes nothing.

What it does not do: it does not look at the video.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from Kamaelia.File.messages import fileError
from Kamaelia.Protocol._paced import PacedFileProtocol, checkRates

__all__ = ["HelloServer"]

#: 1.14's file.
DEFAULT_FILE = "/video/sample-100.mpg"


class HelloServer(PacedFileProtocol):
    """HelloServer(filename="/video/sample-100.mpg", debug=0, bitrate=375000, chunkrate=24) -> streams a file

    - filename  -- the file to send
    - debug     -- true: log the size of each piece
    - bitrate   -- bits a second (1.14: 375000)
    - chunkrate -- pieces a second (1.14: 24)
    """

    Inboxes = {"datain": "the file's data, from the reader",
               "inbox": "what the client sends (sent back)",
               "control": "shutdownMicroprocess: stop",
               **PacedFileProtocol._privateInboxes}
    Outboxes = {"outbox": "the file's data, and what the client sent",
                "signal": "producerFinished at the end of the file",
                **PacedFileProtocol._privateOutboxes}

    dataInbox = "datain"
    #: 1.14's class attribute (it once numbered the instances).
    maxid = 0

    def __init__(self, filename: str = DEFAULT_FILE, debug: Any = 0, bitrate: float = 375000,
                 chunkrate: float = 24, **argd: Any) -> None:
        checkRates("HelloServer", bitrate, chunkrate)
        super().__init__(**argd)
        self.filename = filename
        self.debug = debug
        self.bitrate = bitrate
        self.chunkrate = chunkrate

    def makeReader(self) -> ReadFileAdaptor | fileError:
        return ReadFileAdaptor(filename=self.filename, readmode="bitrate", bitrate=self.bitrate,
                               chunkrate=self.chunkrate)

    def handleDataIn(self) -> int:
        """Send the file's data that has arrived out of "outbox"."""
        for data in self.Inbox("datain"):
            if self.debug:
                self.log().debug("%s sends %d bytes", self.name, len(data))
            self.send(data, "outbox")
        return 1

    def handleInbox(self) -> int:
        """Send what the client sent back out of "outbox"."""
        for data in self.Inbox("inbox"):
            self.send(data, "outbox")
        return 1

    def handleBoxes(self) -> None:
        self.handleDataIn()
        self.handleInbox()


__kamaelia_components__ = (HelloServer,)

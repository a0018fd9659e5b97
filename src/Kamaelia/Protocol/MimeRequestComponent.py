"""MimeRequestComponent: one MIME-style request (request line, header, body) as an object.

Example Usage
-------------
The request may arrive cut anywhere::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.MimeRequestComponent import MimeRequestComponent
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([b"GET http://example.com/index.html HTTP/1.0\\r\\nHost: exa",
                    b"mple.com\\r\\nContent-Length: 5\\r\\n\\r\\nhel", b"lo"]),
        MimeRequestComponent(),
        PureTransformer(lambda m: f"{m.preambleLine.method} {m.preambleLine.url} "
                                  f"{m.header['host']} {m.body!r}\\n"),
        ConsoleEchoer(),
    ).run()                   # prints GET /index.html ['Host', 'example.com'] 'hello'

How does it work?
-----------------
``MimeRequestComponent()`` reads, from the data arriving on ``"inbox"``
(``str``, or ``bytes`` read as Latin-1), a request of the form::

    METHOD scheme://domain/path PROTOCOL/version
    Key: value
    Key: value
    Content-Length: 5
    <empty line>
    body

Lines end with ``"\\n"`` or ``"\\r\\n"``. The first line is parsed as a
:class:`~Kamaelia.Support.Data.requestLine.requestLine`. Each header line
``Key: value`` is stored under the lower-case key as ``[Key, value]``; a key
given twice gets its values joined with ``", "`` (as RFC 822 allows). After
the empty line, ``Content-Length`` bytes (0 if there is no such header) are
the body. It then sends a
:class:`~Kamaelia.Support.Data.MimeObject.mimeObject` (``.header``,
``.body``, ``.preambleLine`` the requestLine) out of ``"outbox"``, then
``producerFinished`` out of ``"signal"``, and ends: one request per
component, as in 1.14. Data after the body is not used.

A request line that is not of that form, a header line without ``": "``,
or a ``Content-Length`` that is not a number: it is logged as a warning
(logger ``Kamaelia.Protocol.MimeRequestComponent``), an
``errorInformation(self, BadRequest(...))`` is sent out of ``"signal"``
instead of the request (as in 1.14), then ``producerFinished`` (so that
what follows ends too), and it ends.

It is an old-style component, as in 1.14: ``mainBody()`` calls
``handleDataAquisition()``, a state machine that reads the request line
(``getRequestLine``), header lines (``getALine``, ``readHeader``,
``checkEndOfHeader``) and the body (``getData``), each from the buffer of
received data (``nextLine``). A subclass may override any of them.

Limits: ``MimeRequestComponent(maxheadersize=65536, maxbodysize=16 MiB)``.
A request line and header longer in all than ``maxheadersize`` characters
(even before their end has arrived), or a ``Content-Length`` over
``maxbodysize``, is a bad request as above, whose ``BadRequest`` names the
limit (``None``: no limit). Reading takes time linear in the data however
it is cut: each piece is searched once for line ends, and a line is
joined once, when it is complete.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` before the request is complete ends it: what was received is
logged as incomplete (logger ``Kamaelia.Protocol.MimeRequestComponent``)
and the message is passed on out of ``"signal"``.

What it does not do: chunked bodies, more than one request, or
origin-form request lines (``GET /path HTTP/1.1``); the HTTP server in
``Kamaelia.Protocol.HTTP`` does those.
"""

from __future__ import annotations

import logging
from typing import Any

from Axon.Component import component
from Axon.Ipc import errorInformation, ipc, producerFinished
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.KamaeliaExceptions import BadRequest
from Kamaelia.Support._limits import MAX_LINE_LENGTH, MAX_MESSAGE_SIZE, checkLimit
from Kamaelia.Support.Data.MimeObject import mimeObject
from Kamaelia.Support.Data.requestLine import requestLine
from Kamaelia.Util._stream import shortRepr

__all__ = ["MimeRequestComponent"]

log = logging.getLogger(__name__)


class MimeRequestComponent(component):
    """MimeRequestComponent(maxheadersize=65536, maxbodysize=16 MiB) -> reads one request, sends it as a mimeObject, and ends

    - maxheadersize -- the longest request line and header, together, in
      characters (None: no limit)
    - maxbodysize   -- the largest ``Content-Length`` accepted (None: no limit)
    """

    Inboxes = {"inbox": "the request's data (str, or bytes as Latin-1), cut anywhere",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the request, as a mimeObject",
                "signal": "producerFinished after the request; errorInformation for a bad one"}

    def __init__(self, maxheadersize: int | None = MAX_LINE_LENGTH,
                 maxbodysize: int | None = MAX_MESSAGE_SIZE, **argd: Any) -> None:
        super().__init__(**argd)
        self.maxheadersize = checkLimit("MimeRequestComponent", "maxheadersize", maxheadersize)
        self.maxbodysize = checkLimit("MimeRequestComponent", "maxbodysize", maxbodysize)
        self.header: dict[str, list[str]] = {}
        self.requestLineRead = 0
        self.currentLineRead = 0
        self.seenEndHeader = 0
        self.currentLine = ""
        self.requestLine = ""
        self.stillReading = 1
        self.needData = 0
        self.gotRequest = 0
        self.body = ""
        self.step = 0
        self.headerlength = 0
        self._ending: ipc | None = None      # a shutdown request waiting for the data to run out
        # The data received and not yet read: the piece being read (from
        # _at), and before it the pieces of a line not yet complete.
        self._front = ""
        self._at = 0
        self._parts: list[str] = []
        self._headerSize = 0                  # of the request line and header, so far
        self._received = 0                    # characters received in all (progress)
        self._repeated: dict[str, list[str]] = {}   # values of keys given more than once
        self._bodyParts: list[str] = []
        self._bodySize = 0

    @property
    def currentBytes(self) -> str:
        """The data received and not yet read (1.14's buffer), as one string."""
        return "".join(self._parts) + self._front[self._at:]

    @currentBytes.setter
    def currentBytes(self, value: str) -> None:
        self._parts, self._front, self._at = [], value, 0

    def initialiseComponent(self) -> None:
        """Nothing to set up."""

    def _take(self) -> bool:
        """Make the next message waiting on "inbox" the piece to read; False if none."""
        if not self.dataReady("inbox"):
            return False
        data = self.recv("inbox")
        if isinstance(data, (bytes, bytearray, memoryview)):
            data = bytes(data).decode("latin-1")
        if not isinstance(data, str):
            log.error("%s takes str or bytes, not %s; skipped", self.name, shortRepr(data))
            return True
        rest = self._front[self._at:]
        if rest:                              # (only after a subclass set currentBytes)
            self._parts.append(rest)
        self._front, self._at = data, 0
        self._received += len(data)
        return True

    def nextLine(self) -> tuple[int, str]:
        """``(1, line)`` for the next whole line received (without its ending), else ``(0, "")``.

        Raises BadRequest when the request line and header grow past ``maxheadersize``.
        """
        while True:
            front, at = self._front, self._at
            end = front.find("\n", at)
            if end >= 0:
                self._at = end + 1
                line = front[at:end]
                if self._parts:
                    self._parts.append(line)
                    line = "".join(self._parts)
                    self._parts = []
                self._countHeader(len(line) + 1)
                return (1, line[:-1] if line.endswith("\r") else line)
            if at < len(front):
                self._parts.append(front[at:])
                self._countHeader(len(front) - at)
            self._front, self._at = "", 0
            if not self._take():
                return (0, "")

    def _countHeader(self, size: int) -> None:
        if self.seenEndHeader:
            return
        self._headerSize += size
        limit = self.maxheadersize
        if limit is not None and self._headerSize > limit:
            self._parts, self._front, self._at = [], "", 0
            raise BadRequest(self.requestLine or "(the request line)",
                             ValueError(f"the request line and header are longer than "
                                        f"maxheadersize={limit} characters"))

    def getRequestLine(self) -> None:
        """Read the request line, when there is one."""
        self.requestLineRead, self.requestLine = self.nextLine()

    def getALine(self) -> None:
        """Read the next header line, when there is one."""
        self.currentLineRead, self.currentLine = self.nextLine()

    def readHeader(self) -> None:
        """Store the current line (``Key: value``) in ``header``."""
        origkey, found, value = self.currentLine.partition(": ")
        if not found:
            raise BadRequest(self.currentLine, ValueError("a header line is 'Key: value'"))
        key = origkey.lower()
        if key in self.header:
            # Joined with ", " at the end of the header (joining here each
            # time would copy the growing value once per line).
            self._repeated.setdefault(key, []).append(value)
        else:
            self.header[key] = [origkey, value]
        self.currentLineRead = 0
        self.currentLine = ""

    def getData(self) -> None:
        """Add the next piece of the body that has arrived."""
        if self._take():
            self.needData = 0

    def checkEndOfHeader(self) -> None:
        """At the empty line: the header is complete; note the body's length."""
        if self.currentLine == "" and not self.seenEndHeader:
            self.seenEndHeader = 1
            for key, values in self._repeated.items():
                self.header[key][1] = ", ".join([self.header[key][1], *values])
            self._repeated = {}
            length = self.header.get("content-length", ["", "0"])[1]
            try:
                if len(length) > 30:
                    raise ValueError(f"{len(length)} digits is too long")
                self.headerlength = int(length)
                if self.headerlength < 0:
                    raise ValueError("it is negative")
            except ValueError as exc:
                raise BadRequest(length[:40], exc) from None
            limit = self.maxbodysize
            if limit is not None and self.headerlength > limit:
                raise BadRequest(length, ValueError(f"the body is longer than "
                                                    f"maxbodysize={limit}"))
            self.needData = 0

    def handleDataAquisition(self) -> int | None:
        """One step of reading the request: a true value while it goes on, None once done."""
        if not self.requestLineRead:
            self.getRequestLine()
            return 1
        if not self.currentLineRead:
            self.getALine()
            return 2
        self.checkEndOfHeader()
        if not self.seenEndHeader:
            self.readHeader()
            return 3
        rest = self.currentBytes
        if rest:
            self._bodyParts.append(rest)
            self._bodySize += len(rest)
            self.currentBytes = ""
        if self._bodySize < self.headerlength:
            if self.needData:
                self.getData()
                return 4
            self.needData = 1
            return 5
        body = "".join(self._bodyParts)
        self._bodyParts = []
        self.body, self.currentBytes = body[:self.headerlength], body[self.headerlength:]
        return None

    def _fail(self, error: BadRequest) -> int:
        log.warning("%s got a bad request: %s", self.name, error)
        self.send(errorInformation(self, error), "signal")
        self.send(producerFinished(self), "signal")     # so what follows ends too
        return 0

    def mainBody(self) -> int:
        if not self.gotRequest:
            before = (self._received, self.requestLineRead, self.currentLineRead)
            try:
                waiting = self.handleDataAquisition()
            except BadRequest as error:
                return self._fail(error)
            if waiting:
                stuck = before == (self._received, self.requestLineRead,
                                   self.currentLineRead) and waiting in (1, 2, 4)
                if stuck and not self.dataReady("inbox"):
                    # No more data to work with: a shutdown request ends it now.
                    if self._ending is None:
                        self._ending = shutdownRequest(self)
                    if self._ending is not None:
                        log.warning("%s ended before the request was complete (got %s)",
                                    self.name, shortRepr(self.requestLine or self.currentBytes))
                        self.send(self._ending, "signal")
                        return 0
                    if not self.anyReady():
                        self.pause()
                return 1
            self.gotRequest = 1
        try:
            self.request = requestLine(self.requestLine)
        except BadRequest as error:
            return self._fail(error)
        self.mimeRequest = mimeObject(self.header, self.body, self.request)
        self.send(self.mimeRequest, "outbox")
        self.send(producerFinished(self), "signal")
        return 0


__kamaelia_components__ = (MimeRequestComponent,)

"""Kamaelia.Protocol.HTTP.HTTPParser: one HTTP request or response, parsed into messages.

Example Usage
-------------
Most code wants :func:`~Kamaelia.Protocol.HTTP.HTTPServer.HTTPServer` or the
HTTP client instead. Used directly, the parser turns the bytes of one
message into a :class:`ParsedHTTPHeader`, then :class:`ParsedHTTPBodyChunk`
pieces and a :class:`ParsedHTTPEnd`::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.HTTP.HTTPParser import HTTPParser, ParsedHTTPHeader
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer

    def describe(message):
        if isinstance(message, ParsedHTTPHeader):
            return f"{message.header['method']} {message.header['raw-uri']}\\n"
        return f"{type(message).__name__}\\n"

    Pipeline(DataSource([b"POST /form HTTP/1.1\\r\\nHost: x\\r\\n",
                         b"Content-Length: 5\\r\\n\\r\\nhello"]),
             HTTPParser(), PureTransformer(describe), ConsoleEchoer()).run()
    # POST /form / ParsedHTTPBodyChunk / ParsedHTTPEnd

How does it work?
-----------------
``HTTPParser(mode="request")`` parses one request (``mode="response"``: one
response, to a ``GET``) with `h11 <https://h11.readthedocs.io>`_. The
header dictionary has the keys of the server's request dictionary
(:mod:`Kamaelia.Protocol.HTTP.HTTPServer`; for a response, ``responsecode``,
``version``, ``protocol`` and ``headers``), with ``peer``, ``peerport``,
``localip``, ``localport`` from the keywords (class attributes as in 1.14).
Body chunks are ``bytes`` (1.14: ``str``). Malformed input gives a header
with ``bad`` set to the status code to answer (as a string) and the end.
At the end it sends ``ParsedHTTPEnd`` and ``producerFinished`` on
``"signal"``, and finishes (1.14 parsed one message per parser too).

``producerFinished`` on ``"control"``: the input has ended (a body that
runs to the end of the connection ends there). ``shutdown`` or
``shutdownMicroprocess``: it stops at once, sending nothing more.

1.14's methods are kept, doing their 1.14 jobs on top of h11
(:meth:`~HTTPParser.dataFetch` reads the inbox, the ``get...`` generators
wait for each part, :func:`splitUri` and :func:`removeTrailingCr` are the
1.14 helpers).
"""

from __future__ import annotations

from typing import Any, Iterator

import h11

from Axon.Component import component
from Axon.Ipc import WaitComplete, producerFinished, shutdown, shutdownMicroprocess
from Kamaelia.Protocol.HTTP import _serverparts as parts

__all__ = ["HTTPParser", "ParsedHTTPHeader", "ParsedHTTPBodyChunk", "ParsedHTTPEnd",
           "splitUri", "removeTrailingCr"]

splitUri = parts.splitUri


def removeTrailingCr(line: str) -> str:
    """``line`` without one trailing carriage return."""
    return line[:-1] if line.endswith("\r") else line


class ParsedHTTPHeader:
    """ParsedHTTPHeader(header) -> the head of a request or response (``.header``, a dict)."""

    def __init__(self, header: dict[str, Any]) -> None:
        self.header = header


class ParsedHTTPBodyChunk:
    """ParsedHTTPBodyChunk(bodychunk) -> a piece of a body (``.bodychunk``)."""

    def __init__(self, bodychunk: Any) -> None:
        self.bodychunk = bodychunk


class ParsedHTTPEnd:
    """ParsedHTTPEnd() -> the end of a request or response."""


class HTTPParser(component):
    """HTTPParser(mode="request", **argd) -> parses one HTTP request (or response)

    - mode -- ``"request"`` or ``"response"``
    - peer, peerport, localip, localport -- copied into the header dictionary
    """

    Inboxes = {"inbox": "raw HTTP bytes",
               "control": "producerFinished (input ended), shutdown/shutdownMicroprocess (stop)"}
    Outboxes = {"outbox": "ParsedHTTPHeader, ParsedHTTPBodyChunk..., ParsedHTTPEnd",
                "debug": "debugging text",
                "signal": "producerFinished when the message is complete"}
    peer: Any = "*** UNDEFINED ***"
    peerport: Any = 0
    localip: Any = "*** UNDEFINED ***"
    localport: Any = 8080

    def __init__(self, mode: str = "request", **argd: Any) -> None:
        if mode not in ("request", "response"):
            raise ValueError(f"HTTPParser: mode must be 'request' or 'response', not {mode!r}")
        super().__init__(**argd)
        self.mode = mode
        if mode == "request":
            self.connection = h11.Connection(h11.SERVER)
        else:
            self.connection = h11.Connection(h11.CLIENT)
            self.connection.send(h11.Request(method="GET", target="/",
                                             headers=[("Host", "unknown")]))
            self.connection.send(h11.EndOfMessage())
        self.readbuffer = ""
        self.currentline: Any = None
        self.full_message_sent = False
        self.stopping = False
        self.eofFed = False
        self.ended = False

    def debug(self, msg: str) -> None:
        self.send(msg, "debug")

    # -- 1.14's helpers -------------------------------------------------
    def splitProtocolVersion(self, protvers: str, requestobject: dict[str, Any]) -> None:
        protocol, slash, version = protvers.partition("/")
        requestobject["protocol"] = protocol
        requestobject["version"] = version if slash else "0"

    def dataFetch(self) -> int:
        """Give h11 one message from "inbox"; 1 if there was one."""
        if not self.dataReady("inbox"):
            return 0
        data = self.recv("inbox")
        if isinstance(data, str):
            data = data.encode("latin-1", "replace")
        if data:
            self.connection.receive_data(bytes(data))
        return 1

    def shouldShutdown(self) -> bool:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (shutdown, shutdownMicroprocess)):
                self.stopping = True
            elif isinstance(message, producerFinished):
                self.full_message_sent = True     # (h11 is told once the inbox is empty)
        return self.stopping

    def nextLine(self) -> str | None:
        """The next line of ``readbuffer`` (text handed to it by a subclass), or None."""
        end = self.readbuffer.find("\n")
        if end < 0:
            return None
        line, self.readbuffer = self.readbuffer[:end], self.readbuffer[end + 1:]
        return removeTrailingCr(line)

    def handle_requestline(self, splitline: list[str], requestobject: dict[str, Any]) -> None:
        if len(splitline) < 2:
            requestobject["bad"] = "400"
            return
        requestobject["method"] = splitline[0]
        if len(splitline) == 2:
            requestobject.update(splitUri(splitline[1]))
            requestobject["protocol"], requestobject["version"] = "HTTP", "0.9"
        else:
            requestobject.update(splitUri("%20".join(splitline[1:-1])))
            self.splitProtocolVersion(splitline[-1], requestobject)

    def initialiseRequestObject(self) -> dict[str, Any]:
        requestobject: dict[str, Any] = {"bad": False, "headers": {}, "version": "0.9",
                                         "method": "", "protocol": "", "body": b""}
        if self.mode == "request":
            requestobject["raw-uri"] = ""
        else:
            requestobject["responsecode"] = ""
        return requestobject

    def handleInitialLine(self, requestobject: dict[str, Any]) -> None:
        event = self.currentline
        if isinstance(event, h11.Request):
            requestobject.update(parts.requestDictionary(event, {}))
        elif isinstance(event, h11.Response):
            requestobject["responsecode"] = str(event.status_code)
            requestobject["protocol"] = "HTTP"
            requestobject["version"] = event.http_version.decode("ascii")
            requestobject["headers"] = parts.joinHeaders(iter(event.headers))

    def setServer(self, requestobject: dict[str, Any]) -> None:
        if "host" in requestobject["headers"]:
            requestobject["uri-server"] = requestobject["headers"]["host"]

    def setConnectionMode(self, requestobject: dict[str, Any]) -> None:
        default = "keep-alive" if requestobject["version"] == "1.1" else "close"
        requestobject["headers"].setdefault("connection", default)

    # -- the parts of a message, as 1.14's generators -------------------------
    def _nextEvent(self) -> Iterator[Any]:
        """Wait for h11's next event (in ``self.currentline``); a bad one sets it to the error."""
        while True:
            if self.shouldShutdown():
                self.currentline = None
                return
            try:
                event = self.connection.next_event()
            except h11.RemoteProtocolError as error:
                self.currentline = error
                return
            if event is h11.NEED_DATA:
                if self.dataFetch():
                    continue
                if self.full_message_sent and not self.eofFed:
                    self.eofFed = True
                    self.connection.receive_data(b"")
                    continue
                self.pause()
                yield 1
                continue
            self.currentline = event
            return

    def getInitialLine(self) -> Iterator[Any]:
        yield WaitComplete(self._nextEvent())

    def getHeaders(self, requestobject: dict[str, Any]) -> Iterator[Any]:
        """(h11 reads the request line and the headers together: nothing more to wait for.)"""
        return
        yield

    def _bodyLoop(self) -> Iterator[Any]:
        while True:
            yield WaitComplete(self._nextEvent())
            event = self.currentline
            if isinstance(event, h11.Data):
                self.send(ParsedHTTPBodyChunk(bytes(event.data)), "outbox")
            else:
                return

    def getBody_ChunkTransferEncoding(self, requestobject: dict[str, Any]) -> Iterator[Any]:
        yield WaitComplete(self._bodyLoop())

    def getBody_KnownContentLength(self, requestobject: dict[str, Any]) -> Iterator[Any]:
        yield WaitComplete(self._bodyLoop())

    def getBodyDependingOnHalfClose(self) -> Iterator[Any]:
        yield WaitComplete(self._bodyLoop())

    def getBody(self, requestobject: dict[str, Any]) -> Iterator[Any]:
        yield WaitComplete(self._bodyLoop())
        if isinstance(self.currentline, h11.RemoteProtocolError):
            requestobject["bad"] = str(self.currentline.error_status_hint)

    def closeConnection(self) -> None:
        if not self.ended:
            self.ended = True
            self.send(ParsedHTTPEnd(), "outbox")
            self.send(producerFinished(self), "signal")

    def main(self) -> Iterator[Any]:
        requestobject = self.initialiseRequestObject()
        yield WaitComplete(self.getInitialLine())
        if self.stopping:
            return
        event = self.currentline
        if not isinstance(event, (h11.Request, h11.Response)):
            requestobject["bad"] = (str(event.error_status_hint)
                                    if isinstance(event, h11.RemoteProtocolError) else "400")
            requestobject.update({"peer": self.peer, "peerport": self.peerport,
                                  "localip": self.localip, "localport": self.localport})
            self.send(ParsedHTTPHeader(requestobject), "outbox")
            self.closeConnection()
            return
        self.handleInitialLine(requestobject)
        yield WaitComplete(self.getHeaders(requestobject))
        self.setServer(requestobject)
        self.setConnectionMode(requestobject)
        requestobject.update({"peer": self.peer, "peerport": self.peerport,
                              "localip": self.localip, "localport": self.localport})
        self.send(ParsedHTTPHeader(requestobject), "outbox")
        yield WaitComplete(self.getBody(requestobject))
        if self.stopping:
            return
        self.closeConnection()
        yield 1


__kamaelia_components__ = (HTTPParser,)

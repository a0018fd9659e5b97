"""Kamaelia.Protocol.HTTP.HTTPRequestHandler: 1.14's response half of an HTTP server.

Example Usage
-------------
:func:`~Kamaelia.Protocol.HTTP.HTTPServer.HTTPServer` does all of this on
h11; this component is for code that wires 1.14's parts itself: an
:class:`~Kamaelia.Protocol.HTTP.HTTPParser.HTTPParser` feeds it, and its
``"outbox"`` gives the bytes of the response::

    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.HTTP.HTTPParser import HTTPParser
    from Kamaelia.Protocol.HTTP.HTTPRequestHandler import HTTPRequestHandler
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    class Hello(component):
        def __init__(self, request):
            super().__init__()

        def main(self):
            self.send({"statuscode": "200", "data": "hello\\n", "complete": True,
                       "type": "text/plain"})
            self.send(producerFinished(self), "signal")
            yield 1

    Pipeline(DataSource([b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n"]), HTTPParser(),
             HTTPRequestHandler(Hello), ConsoleEchoer()).run()

How does it work?
-----------------
For each ``ParsedHTTPHeader`` on ``"inbox"`` it makes the handler with
``requestHandlerFactory(request)`` (None: a 404 page), links it as a child,
passes it the body (``ParsedHTTPBodyChunk`` contents, as bytes, on its
``"inbox"``; ``producerFinished`` on its ``"control"`` at
``ParsedHTTPEnd``, as in 1.14) and writes its response dictionaries
(see :mod:`Kamaelia.Protocol.HTTP.HTTPServer`) as HTTP: with a
``Content-Length`` when the first dictionary has ``length`` or
``complete``, else chunked for HTTP/1.1 and ended by closing for 1.0
(1.14 always closed). When the response ends (the handler's
``producerFinished``) a connection that is not kept alive is ended by
``producerFinished`` on ``"signal"``. ``producerFinished`` on ``"control"``:
it finishes once idle; ``shutdown``/``shutdownMicroprocess``: at once.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Kamaelia.Protocol.HTTP import _h1server as h1
from Kamaelia.Protocol.HTTP import _serverparts as parts
from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler
from Kamaelia.Protocol.HTTP.HTTPParser import ParsedHTTPBodyChunk, ParsedHTTPEnd, ParsedHTTPHeader
from Kamaelia.Protocol.HTTP.HTTPServer import MapStatusCodeToText

__all__ = ["HTTPRequestHandler", "MapStatusCodeToText", "currentTimeHTTP"]


def currentTimeHTTP() -> str:
    """The current date and time as HTTP/1.1 writes it."""
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())


class HTTPRequestHandler(component):
    """HTTPRequestHandler(requestHandlerFactory) -> answers parsed requests with handlers

    - requestHandlerFactory -- ``f(request) -> handler component`` (or None: 404)
    """

    Inboxes = {"inbox": "ParsedHTTPHeader / ParsedHTTPBodyChunk / ParsedHTTPEnd",
               "control": "producerFinished (finish when idle), shutdown (stop now)",
               "_handlerinbox": "response dictionaries from the handler",
               "_handlercontrol": "producerFinished from the handler"}
    Outboxes = {"outbox": "response bytes", "debug": "debugging text",
                "signal": "producerFinished: close the connection",
                "_handleroutbox": "body bytes for the handler",
                "_handlersignal": "producerFinished (body ended) for the handler"}

    def __init__(self, requestHandlerFactory: Any) -> None:
        super().__init__()
        self.ShouldShutdownCode = 0          # 1: when idle, 2: now (1.14's bits)
        self.requestHandlerFactory = requestHandlerFactory
        self.requestEndReached = False
        self.handler: Any = None
        self.connectiontype = "close"
        self.sendChunk = self._sendChunkExplicit
        self.sendEnd = self._sendEndExplicit

    def debug(self, msg: str) -> None:
        self.send(msg, "debug")

    def resourceUTF8Encode(self, resource: dict[str, Any]) -> None:
        if isinstance(resource.get("data"), str):
            resource["data"] = resource["data"].encode("utf-8")
            resource.setdefault("charset", "utf-8")

    def formResponseHeader(self, resource: dict[str, Any], protocolversion: str,
                           lengthMethod: str = "explicit") -> bytes:
        """The status line and headers (bytes) for ``resource``."""
        head = parts.responseHead(resource, textData=isinstance(resource.get("data"), str))
        headers = list(head.headers)
        names = {name.lower() for name, _ in headers}
        if lengthMethod == "chunked":
            headers.append(("Transfer-Encoding", "chunked"))
        elif lengthMethod == "close" and "connection" not in names:
            headers.append(("Connection", "close"))
        return h1.headBytes(head.status_code, head.reason, headers)

    def checkRequestValidity(self, request: dict[str, Any]) -> None:
        if request.get("protocol") != "HTTP":
            request["bad"] = "400"

    def connectResourceHandler(self) -> None:
        self.link((self.handler, "outbox"), (self, "_handlerinbox"))
        self.link((self.handler, "signal"), (self, "_handlercontrol"))
        self.link((self, "_handleroutbox"), (self.handler, "inbox"))
        self.link((self, "_handlersignal"), (self.handler, "control"))
        self.addChildren(self.handler)
        if self.handler.scheduler is None:
            self.handler.activate(Scheduler=self.scheduler)
        else:
            self.handler.unpause()

    def disconnectResourceHandler(self) -> None:
        self.removeChild(self.handler)

    def _sendChunkExplicit(self, resource: dict[str, Any]) -> None:
        self.resourceUTF8Encode(resource)
        if resource.get("data"):
            self.send(bytes(resource["data"]), "outbox")

    def _sendChunkChunked(self, resource: dict[str, Any]) -> None:
        self.resourceUTF8Encode(resource)
        data = resource.get("data")
        if data:
            self.send(b"%x\r\n%s\r\n" % (len(data), bytes(data)), "outbox")

    def _sendEndChunked(self) -> None:
        self.send(b"0\r\n\r\n", "outbox")

    def _sendEndClose(self) -> None:
        self.send(producerFinished(self), "signal")

    def _sendEndExplicit(self) -> None:
        pass

    def updateShouldShutdown(self) -> int:
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (shutdown, shutdownMicroprocess)):
                self.ShouldShutdownCode |= 2
            elif isinstance(message, producerFinished):
                self.ShouldShutdownCode |= 1
        return 0

    def isValidRequest(self, request: Any) -> bool:
        return isinstance(request, ParsedHTTPHeader)

    def determineConnectionType(self, request: dict[str, Any]) -> str:
        default = "keep-alive" if request["version"] == "1.1" else "close"
        return request["headers"].get("connection", default)

    def createHandler(self, request: dict[str, Any]) -> None:
        handler = None if request.get("bad") else self.requestHandlerFactory(request)
        if request.get("bad"):
            handler = ErrorPageHandler(int(request["bad"]) if str(request["bad"]).isdigit()
                                       else 400, "")
        self.handler = handler or ErrorPageHandler(404, "No resource handler could be found.")

    def setChunkingModeMethod(self, msg: dict[str, Any], request: dict[str, Any]) -> str:
        if msg.get("complete") or msg.get("length") is not None:
            lengthMethod = "explicit"
            self.sendChunk, self.sendEnd = self._sendChunkExplicit, self._sendEndExplicit
        elif request["version"] == "1.1":
            lengthMethod = "chunked"
            self.sendChunk, self.sendEnd = self._sendChunkChunked, self._sendEndChunked
        else:
            lengthMethod = "close"
            self.sendChunk, self.sendEnd = self._sendChunkExplicit, self._sendEndClose
        self.send(self.formResponseHeader(msg, request["version"], lengthMethod), "outbox")
        return lengthMethod

    def setUpRequestHandler(self, request: dict[str, Any]) -> None:
        self.checkRequestValidity(request)
        self.connectiontype = self.determineConnectionType(request).lower()
        self.requestEndReached = False
        self.createHandler(request)
        self.connectResourceHandler()

    def shutdownRequestHandler(self, lengthMethod: str) -> Iterator[Any]:
        self.sendEnd()
        self.disconnectResourceHandler()
        if lengthMethod != "close" and self.connectiontype == "close":
            self.send(producerFinished(self), "signal")
        yield 1

    def forwardBodyChunks(self) -> None:
        while self.dataReady("inbox") and not self.requestEndReached:
            message = self.recv("inbox")
            if isinstance(message, ParsedHTTPEnd):
                self.requestEndReached = True
                self.send(producerFinished(self), "_handlersignal")
            elif isinstance(message, ParsedHTTPBodyChunk):
                self.send(message.bodychunk, "_handleroutbox")

    def sendMessageChunks(self, msg: Any) -> Iterator[Any]:
        while True:
            if msg is not None:
                self.sendChunk(msg if isinstance(msg, dict) else {"data": msg})
                msg = None
            self.updateShouldShutdown()
            if self.ShouldShutdownCode & 2:
                return
            self.forwardBodyChunks()
            if self.dataReady("_handlerinbox"):
                msg = self.recv("_handlerinbox")
            elif self.dataReady("_handlercontrol"):
                if isinstance(self.recv("_handlercontrol"), producerFinished):
                    return
            elif self.handler._isStopped():
                return
            else:
                self.pause()
                yield 1

    def handleRequest(self, request: Any) -> Iterator[Any]:
        if not self.isValidRequest(request):
            return
        header = request.header
        self.setUpRequestHandler(header)
        while not self.dataReady("_handlerinbox"):
            self.updateShouldShutdown()
            if self.ShouldShutdownCode & 2:
                raise UserWarning("BreakOut")
            self.forwardBodyChunks()
            if not self.dataReady("_handlerinbox"):
                self.pause()
                yield 1
        lengthMethod = self._startResponse(header)
        yield from self.sendMessageChunks(None)
        yield from self.shutdownRequestHandler(lengthMethod)

    def _startResponse(self, request: dict[str, Any]) -> str:
        """Write the handler's first response message (headers and data) and
        return how the body's end is told; a method of its own, so that the
        message is not kept while the rest streams."""
        msg = self.recv("_handlerinbox")
        if not isinstance(msg, dict):
            msg = {"statuscode": "200", "data": msg}
        lengthMethod = self.setChunkingModeMethod(msg, request)
        self.sendChunk(msg)
        return lengthMethod

    def main(self) -> Iterator[Any]:
        while True:
            while self.dataReady("inbox"):
                try:
                    yield from self.handleRequest(self.recv("inbox"))
                except UserWarning:
                    return
            self.updateShouldShutdown()
            if self.ShouldShutdownCode:
                self.send(producerFinished(self), "signal")
                return
            self.pause()
            yield 1


__kamaelia_components__ = (HTTPRequestHandler,)

"""Kamaelia.Protocol.HTTP.HTTPServer: one HTTP/1.1 connection, served by request handlers.

Example Usage
-------------
A server answering every request with a small page; each request gets a
*handler* component, made by ``createRequestHandler(request)``::

    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.HTTP.HTTPServer import HTTPServer

    class Hello(component):
        def __init__(self, request):
            super().__init__()
            self.request = request

        def main(self):
            self.send({"statuscode": "200", "type": "text/plain",
                       "data": f"hello {self.request['raw-uri']}\\n", "complete": True})
            self.send(producerFinished(self), "signal")
            yield 1

    server = ServerCore(protocol=lambda **info: HTTPServer(Hello, **info),
                        port=0, host="127.0.0.1")
    print("would serve on port", server.port)       # server.run() serves

(:mod:`Kamaelia.Protocol.HTTP.HTTPResourceGlue` routes by path prefix
instead: ``HTTPServer(createRequestHandler(URLHandlers))``.)

How does it work?
-----------------
``HTTPServer(createRequestHandler, **options)`` returns an
:class:`HTTPServerConnection`: a component for *one* TCP connection, whose
``"inbox"`` takes the bytes the socket received and whose ``"outbox"`` gives
bytes to send (``ServerCore`` links them). The protocol work is done by
``Kamaelia.Protocol.HTTP._h1server``, a sans-I/O connection with h11's
interface whose requests are parsed by `httptools
<https://github.com/MagicStack/httptools>`_ (llhttp, in C: about 2 µs a
request, where h11, pure Python, took over 100 µs); the component only
moves bytes and messages between it, the socket and the handlers.

* **Requests, one at a time, in order.** For each request the handler is
  made by ``createRequestHandler(request)`` and linked as a child: the
  request dictionary is the first message on its ``"inbox"``; what it sends
  on ``"outbox"`` is the response; ``producerFinished`` on its ``"signal"``
  ends the response. Only then is the next request read, so pipelined
  requests are answered in order (what the client sent meanwhile waits in
  the socket: no reading ahead). A handler that sends ``shutdownMicroprocess``
  on ``"signal"`` instead, once its response has begun, gives it up: the
  connection is closed without ending the response, so the client sees a
  truncated body as an error, not as complete. ``None`` from the factory
  is answered 404; a factory that raises, or a handler that ends without
  answering, 500.
  A handler that keeps running after ``producerFinished`` (1.14's
  "persistent" handlers) is unlinked and left alive; the factory may
  return it again for a later request (it is then woken, not re-activated).
* **The request dictionary** has 1.14's keys: ``method``, ``raw-uri`` (the
  path and query as sent), ``non-query-uri``, ``query``, ``uri-protocol``,
  ``uri-server`` (the ``Host``), ``version`` (``"1.0"``/``"1.1"``),
  ``protocol`` (``"HTTP"``), ``headers`` (a dict with lower-case names;
  repeated headers joined with ``", "``; ``connection`` filled in as 1.14
  did), ``peer``, ``peerport``, ``localip``, ``localport`` (from the keywords
  ``ServerCore`` passes), ``bad`` (always False: the server answers bad
  requests itself), ``body``, ``bodystream`` and ``sendfile`` (True: the
  response's data may be a :class:`~Kamaelia.Internet.FileRegion.FileRegion`,
  whose bytes the kernel copies to the socket; ``sendfile=False`` to the
  server turns that off); a router adds ``uri-prefix-trigger`` and
  ``uri-suffix``.
* **Request bodies.** A body of at most ``maxBufferedBody`` bytes is read
  whole before the handler is made: ``request["body"]`` is the bytes and
  ``request["bodystream"]`` False. A bigger one (a ``Content-Length`` above
  it, or a chunked body that grows past it) is streamed: ``body`` is
  ``b""``, ``bodystream`` True, and the body follows on the handler's
  ``"inbox"`` as ``{"body": <bytes>}`` messages (at most 64 KiB each), then
  ``{"body": b"", "complete": True}``. While more than 4 of them wait for
  the handler the server stops reading the socket, so TCP slows the client
  down: a 2 GB upload never sits in memory. ``Expect: 100-continue`` is
  answered ``100 Continue`` when the body is going to be read: at once for
  a body that will be buffered, once the handler is made for a streamed
  one (a request refused first, e.g. 404 or 413, never gets it).
* **Responses** are 1.14's dictionaries: the first is
  ``{"statuscode": "200", "headers": [(name, value), ...] or {...},
  "type": mime, "charset": ..., "length": N, "data": ..., "complete": ...}``
  (1.14's ``content-type`` key works as ``type``; every key but
  ``statuscode`` is optional); later ones are ``{"data": ...}`` (plain
  ``bytes``/``str`` messages are taken as data). ``str`` data is sent as
  UTF-8 (and ``charset=utf-8`` added to the type). ``length`` or
  ``complete`` gives a ``Content-Length``; without one the response is
  chunked for HTTP/1.1 and ends with the connection for HTTP/1.0. ``Date``
  and ``Server`` headers are added. A ``HEAD`` request gets the same
  headers and no body (the handler's data is dropped).
* **Bounded memory for responses.** While more than ``outboxLimit``
  messages wait for the socket (the connection's adapter stops taking them
  while the peer does not read), the server takes nothing more from the
  handler; a handler that watches ``len(self.outboxes["outbox"])``, as
  1.14's file handlers did, then waits too.
* **Keep-alive.** After a response the connection waits for the next
  request, for ``idleTimeout`` seconds, then closes. ``Connection: close``,
  HTTP/1.0, or a handler that answered before reading all of a streamed
  body close it after the response.
* **Bad requests** get the status code the parser or the limits give (400, 408,
  413, 414, 431, 505 ...), a page from :mod:`.ErrorPages` and
  ``Connection: close``; the reason is logged (warning, rate-limited through
  :class:`~Kamaelia._logthrottle.RepeatLimiter`) with the peer's address,
  and that connection alone is closed.
* **Limits** (keywords, with their defaults): ``maxRequestLine`` 8 KiB (414),
  ``maxHeaderSize`` 64 KiB and ``maxHeaders`` 100 (431), ``maxBodySize``
  1 GiB (413), ``headerTimeout`` 10 s (408: once a request's first byte has
  arrived, its whole head must arrive in that time, which stops "slowloris"
  clients), ``idleTimeout`` 60 s (a kept-alive connection with nothing
  coming is closed; a body that stops arriving for that long gets 408),
  ``maxBufferedBody`` 1 MiB. Timers are the scheduler's (``callLater``):
  nothing polls.
* **WebSocket routes.** When a request carries ``Upgrade: websocket`` and
  the factory returns an object with a ``makeConnection`` method (a
  :class:`Kamaelia.Protocol.WebSocket.WebSocketRoute`), the server calls
  ``route.makeConnection(handshake, request)``, where ``handshake`` is the
  request head re-serialised followed by any bytes already received after
  it, and hands the connection over to the component it returns: from then on every
  byte from the socket goes to its ``"inbox"``, everything from its
  ``"outbox"`` to the socket, and the connection ends when it sends
  ``producerFinished`` on ``"signal"`` (or ends). Such a route asked
  without ``Upgrade`` is answered ``426 Upgrade Required``.

Shutdown
--------
``socketShutdown``/``producerFinished`` on ``"control"`` (the client closed
its side): the response under way is finished, then the connection closes.
``shutdownMicroprocess`` on ``"control"``: the handler (or upgraded
connection) is sent ``shutdownMicroprocess`` and the server ends at once.
However it ends, it sends ``producerFinished`` on ``"signal"``, which
closes the socket once what was sent is written.

What it does not do: TLS (give ``ServerCore`` an ``sslContext``), HTTP/2,
or reading ahead of the request being answered.

Compatibility with 1.14
-----------------------
1.14's ``HTTPServer`` was a Graphline of :class:`~.HTTPParser.HTTPParser`,
:class:`~.HTTPRequestHandler.HTTPRequestHandler` and
:class:`HTTPShutdownLogicHandling`; those components still exist (for code
that wires them itself), but ``HTTPServer`` now returns the single
component above, with the same boxes on the outside. 1.14 handlers (a
factory receiving the request, sending response dictionaries, then
``producerFinished``) run unchanged. Differences: the request dictionary
is also the first message on the handler's ``"inbox"``; a small body is in
``request["body"]``, a streamed one arrives as ``{"body": ...}``
dictionaries rather than 1.14's bare strings, and the handler is not sent
``producerFinished`` at the end of the request; methods other than GET,
HEAD and POST are passed to the handler (1.14 answered them 501).
``MapStatusCodeToText`` is 1.14's table, corrected (403, 505).
"""

from __future__ import annotations

import logging
from time import monotonic as _monotonic
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Kamaelia.Internet.FileRegion import FileRegion
from Kamaelia.Protocol.HTTP import _h1server as h1
from Kamaelia.Protocol.HTTP import _serverparts as parts
from Kamaelia.Protocol.HTTP.ErrorPages import ErrorPageHandler, getErrorPage
from Kamaelia.Util._arguments import callableArgument, positiveInt, positiveNumber
from Kamaelia._logthrottle import RepeatLimiter

__all__ = ["HTTPServer", "HTTPServerConnection", "HTTPShutdownLogicHandling",
           "MapStatusCodeToText"]

log = logging.getLogger("Kamaelia.Protocol.HTTP.HTTPServer")
#: Bad requests and failing handlers are logged through this (a flood of
#: them costs a line per interval, not one per request).
repeats = RepeatLimiter(log)

#: 1.14's status code -> status line text table (its typos fixed: 403, 505).
MapStatusCodeToText: dict[str, str] = {
    str(code): f"{code} {parts.reasonFor(code)}" for code in (
        100, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415,
        416, 417, 500, 501, 502, 503, 505)
}

_UNDEFINED = "*** UNDEFINED ***"      # 1.14's value for an unknown peer
_NOT_MADE = object()


class HTTPServerConnection(component):
    """HTTPServerConnection(createRequestHandler, **options) -> serves one HTTP connection

    (What :func:`HTTPServer` returns; see the module docstring.)

    - createRequestHandler -- ``f(request) -> handler component`` (or None: 404,
      or a WebSocket route)
    - peer, peerport, localip, localport -- the connection's addresses, for the
      request dictionary (``ServerCore`` passes them to a factory taking ``**info``)
    - maxRequestLine, maxHeaderSize, maxHeaders, maxBodySize, maxBufferedBody
      (bytes / a count), headerTimeout, idleTimeout (seconds) -- the limits
    - outboxLimit -- messages waiting for the socket before the handler is
      no longer read from (default 8)
    """

    Inboxes = {
        "inbox": "bytes received from the socket",
        "control": "socketShutdown/producerFinished (client closed), shutdownMicroprocess (stop)",
        "_handlerinbox": "response dictionaries from the request handler",
        "_handlercontrol": "from the request handler: producerFinished (response complete) "
                           "or shutdownMicroprocess (response cut short: close)",
        "_upgradedinbox": "bytes for the socket from an upgraded (WebSocket) connection",
        "_upgradedcontrol": "producerFinished from an upgraded connection (close)",
    }
    Outboxes = {
        "outbox": "bytes to send on the socket",
        "signal": "producerFinished when the connection is to be closed",
        "_handleroutbox": "the request dictionary and body messages for the handler",
        "_handlersignal": "shutdownMicroprocess for the handler if the connection dies",
        "_upgradedoutbox": "bytes from the socket for an upgraded connection",
        "_upgradedsignal": "producerFinished/shutdownMicroprocess for an upgraded connection",
    }

    peer: Any = _UNDEFINED
    peerport: Any = 0
    localip: Any = _UNDEFINED
    localport: Any = 0
    maxRequestLine = 8 * 1024
    maxHeaderSize = 64 * 1024
    maxHeaders = 100
    maxBodySize = 1024 ** 3
    maxBufferedBody = 1024 ** 2
    headerTimeout = 10.0
    idleTimeout = 60.0
    outboxLimit = 8
    #: Tell handlers they may answer with a FileRegion (request["sendfile"]).
    sendfile = True
    #: Streamed body messages waiting for the handler before reading stops.
    bodyQueueLimit = 4

    def __init__(self, createRequestHandler: Callable[[dict[str, Any]], Any],
                 **argd: Any) -> None:
        owner = "HTTPServer"
        callableArgument(owner, "createRequestHandler", createRequestHandler)
        for name in ("maxRequestLine", "maxHeaderSize", "maxHeaders", "maxBodySize",
                     "maxBufferedBody", "outboxLimit", "bodyQueueLimit"):
            if name in argd:
                positiveInt(owner, name, argd[name])
        for name in ("headerTimeout", "idleTimeout"):
            if name in argd:
                positiveNumber(owner, name, argd[name])
        super().__init__(**argd)
        self.createRequestHandler = createRequestHandler
        self.conn = h1.ServerConnection(self.maxRequestLine, self.maxHeaderSize,
                                        self.maxHeaders)
        self.finished = False
        self.peerClosed = False
        self.eofFed = False
        self.handler: Any = None
        self.upgraded: Any = None
        self.timer: Any = None
        self.deadline = 0.0
        self.deadlineKind: str | None = None
        self.pendingOutput: list[bytes] = []
        self.timedOut: str | None = None
        self.refused = False
        self.waitingOn: set[str] = set()     # boxes we asked to be told of a take from
        self._newCycle()

    # ----------------------------------------------------------- state
    def _newCycle(self) -> None:
        """Ready for the next request head (connection start or after a response)."""
        self.phase = "head"          # head -> body (buffering) -> handling
        self.request: dict[str, Any] | None = None
        self.requestEvent: h1.Request | None = None
        self.bodyBuffer: bytearray | None = None
        self.bodyReceived = 0
        self.streaming = False
        self.requestDone = False
        self.responseStarted = False
        self.responseEnded = False
        self.dropBody = False
        self.sentContinue = False
        self.headBytes = False        # some bytes of this head have arrived
        self.preMade: Any = _NOT_MADE  # the handler, when made before the body was read

    def _peerText(self) -> str:
        return f"{self.peer}:{self.peerport}"

    def _peerInfo(self) -> dict[str, Any]:
        return {"peer": self.peer, "peerport": self.peerport,
                "localip": self.localip, "localport": self.localport}

    # ----------------------------------------------------------- timers
    # One deadline at a time ("head", "body" or "idle"), kept lazily: moving
    # it later (every request, every piece of a body) only writes two
    # attributes; the scheduler's timer, when it fires early, looks at the
    # deadline and waits again for what is left. Only a deadline earlier than
    # the pending timer needs a new one.
    def _arm(self, kind: str, delay: float) -> None:
        when = _monotonic() + delay
        self.deadline, self.deadlineKind = when, kind
        timer = self.timer
        if timer is not None:
            if timer.when <= when:
                return
            timer.cancel()
            self.timer = None
        if self.scheduler is not None:
            self.timer = self.scheduler.callAt(when, self._expired)

    def _disarm(self) -> None:
        self.deadlineKind = None

    def _cancelTimer(self) -> None:
        self.deadlineKind = None
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expired(self) -> None:
        self.timer = None
        kind = self.deadlineKind
        if kind is None:
            return
        if _monotonic() < self.deadline:
            self.timer = self.scheduler.callAt(self.deadline, self._expired)
            return
        self.deadlineKind = None
        self.timedOut = kind
        self.unpause()

    # ----------------------------------------------------------- output
    def _emit(self, data: bytes) -> None:
        """Queue bytes for the socket; what a step makes goes out as one
        message (:meth:`_flushOutput`), so a small response is one write."""
        if data:
            self.pendingOutput.append(data)

    def _flushOutput(self) -> None:
        pending = self.pendingOutput
        if pending:
            self.send(pending[0] if len(pending) == 1 else b"".join(pending), "outbox")
            pending.clear()

    def _outputRoom(self) -> bool:
        return len(self.outboxes["outbox"]) + len(self.pendingOutput) < self.outboxLimit

    # ----------------------------------------------------------- main loop
    def main(self) -> Iterator[Any]:
        self._arm("idle", self.idleTimeout)
        try:
            while not self.finished:
                busy = self._step()
                if self.finished:
                    break
                if not busy:
                    self.pause()
                yield 1
        finally:
            self._closeDown()
        yield 1

    def _closeDown(self) -> None:
        self._cancelTimer()
        self._flushOutput()
        if self.handler is not None:
            self._detachHandler(stop=True)
        if self.upgraded is not None:
            target = self.upgraded
            self.upgraded = None
            if not target._isStopped():
                self.send(shutdownMicroprocess(self), "_upgradedsignal")
            self.removeChild(target)
        self.send(producerFinished(self), "signal")

    def _step(self) -> bool:
        try:
            return self._stepOnce()
        finally:
            self._flushOutput()

    def _stepOnce(self) -> bool:
        busy = self._handleControl()
        if self.finished:
            return True
        if self.timedOut is not None:
            self._handleTimeout()
            return True
        if self.upgraded is not None:
            return self._relayUpgraded() or busy
        if self.handler is not None:
            busy = self._pumpHandler() or busy
            if self.finished:
                return True
        busy = self._pumpInput() or busy
        return busy

    def _handleControl(self) -> bool:
        busy = False
        while self.dataReady("control"):
            busy = True
            message = self.recv("control")
            if isinstance(message, (shutdownMicroprocess, shutdown)):
                self.finished = True
                return True
            if isinstance(message, producerFinished):
                self.peerClosed = True
                if self.upgraded is not None:
                    self.send(producerFinished(self), "_upgradedsignal")
        return busy

    def _handleTimeout(self) -> None:
        kind, self.timedOut = self.timedOut, None
        if kind == "idle" and self.phase == "head" and not self.headBytes:
            self.finished = True                   # a kept-alive connection nobody uses
        elif kind == "head" and self.phase == "head":
            self._reject(408, f"request head not complete after {self.headerTimeout} s")
        elif kind == "body" and not self.requestDone:
            self._reject(408, f"request body stalled for {self.idleTimeout} s")

    # ----------------------------------------------------------- input
    def _wantInput(self) -> bool:
        if self.phase in ("head", "body"):
            return True
        if self.phase == "handling" and self.streaming and not self.requestDone:
            if len(self.outboxes["_handleroutbox"]) <= self.bodyQueueLimit:
                return True
            self._waitForSocket("_handleroutbox")
        return False

    def _pumpInput(self) -> bool:
        busy = False
        while not self.finished and self.upgraded is None:
            progressed = self._processEvents()
            busy = busy or progressed
            if self.finished or self.upgraded is not None or not self._wantInput():
                break
            if progressed:
                continue
            if self.dataReady("inbox"):
                data = self.recv("inbox")
                if isinstance(data, str):
                    data = data.encode("latin-1", "replace")
                if not isinstance(data, (bytes, bytearray)) or not data:
                    continue
                self._feed(bytes(data))
                busy = True
            elif self.peerClosed and not self.eofFed:
                self.eofFed = True
                self.conn.receive_data(b"")
                busy = True
            else:
                break
        return busy

    def _feed(self, data: bytes) -> None:
        if self.phase == "head":
            self.headBytes = True         # (timed only if it does not come whole)
        elif not self.requestDone:
            self._arm("body", self.idleTimeout)
        self.conn.receive_data(data)

    def _processEvents(self) -> bool:
        """Take what the parser can give now; True if something was taken."""
        progressed = False
        while not self.finished and self.upgraded is None:
            if (self.phase == "handling" and self.streaming
                    and len(self.outboxes["_handleroutbox"]) > self.bodyQueueLimit):
                self._waitForSocket("_handleroutbox")
                break                              # the handler is behind: wait for it
            try:
                event = self.conn.next_event()
            except h1.ProtocolError as error:
                self._reject(error.status, str(error),
                             page="The request could not be understood."
                             if error.status == 400 else None)
                return True
            if event is h1.NEED_DATA:
                if self.phase == "head" and self.headBytes and self.deadlineKind != "head":
                    self._arm("head", self.headerTimeout)   # a head in pieces: time it
                break
            if event is h1.PAUSED:
                break
            progressed = True
            if isinstance(event, h1.Request):
                self._onRequest(event)
            elif isinstance(event, h1.Data):
                self._onBody(event.data)
            elif isinstance(event, h1.EndOfMessage):
                self._onBodyEnd()
            elif isinstance(event, h1.ConnectionClosed):
                self._onPeerGone()
        return progressed

    # ----------------------------------------------------------- requests
    def _onRequest(self, event: h1.Request) -> None:
        self._disarm()
        request = parts.requestDictionary(event, self._peerInfo())
        request["sendfile"] = self.sendfile
        self.request, self.requestEvent = request, event
        self.dropBody = request["method"] == "HEAD"
        headers = request["headers"]
        length = headers.get("content-length")
        chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        size = int(length) if length is not None and not chunked else None
        if size is not None and size > self.maxBodySize:
            self._reject(413, f"body of {size} bytes (at most {self.maxBodySize})")
            return
        if "websocket" in headers.get("upgrade", "").lower():
            self._upgradeOrServe(event, request)
            return
        self.phase = "body"
        hasBody = chunked or bool(size)
        if size is not None and size > self.maxBufferedBody:
            self._startHandler(streaming=True)
        else:
            self.bodyBuffer = bytearray()
            if hasBody and self.conn.they_are_waiting_for_100_continue:
                self._sendContinue()
            if hasBody:
                self._arm("body", self.idleTimeout)

    def _sendContinue(self) -> None:
        if not self.sentContinue and self.conn.they_are_waiting_for_100_continue:
            self.sentContinue = True
            self._emit(self.conn.send(h1.InformationalResponse(100, reason="Continue")))

    def _onBody(self, data: bytes) -> None:
        self.bodyReceived += len(data)
        if self.bodyReceived > self.maxBodySize:
            self._reject(413, f"body longer than {self.maxBodySize} bytes")
            return
        if self.bodyBuffer is not None:
            self.bodyBuffer += data
            if len(self.bodyBuffer) > self.maxBufferedBody:
                held, self.bodyBuffer = bytes(self.bodyBuffer), None
                self._startHandler(streaming=True)
                if self.handler is not None:
                    self._streamBody(held)
        elif self.handler is not None and self.streaming:
            self._streamBody(data)

    def _streamBody(self, data: bytes) -> None:
        for start in range(0, len(data), parts.BODY_CHUNK):
            self.send({"body": data[start:start + parts.BODY_CHUNK]}, "_handleroutbox")

    def _onBodyEnd(self) -> None:
        self.requestDone = True
        self._disarm()
        if self.bodyBuffer is not None:
            assert self.request is not None
            self.request["body"] = bytes(self.bodyBuffer)
            self.bodyBuffer = None
            self._startHandler(streaming=False)
        elif self.streaming and self.handler is not None:
            self.send({"body": b"", "complete": True}, "_handleroutbox")

    def _onPeerGone(self) -> None:
        if self.phase == "head" and not self.headBytes:
            self.finished = True                   # closed between requests: all is well
        elif self.phase == "handling" and self.requestDone:
            pass                                   # half-closed: finish the answer first
        elif self.phase == "handling" and self.responseStarted:
            self.finished = True
        else:
            self._reject(400, "connection closed in the middle of a request")

    # ----------------------------------------------------------- handlers
    def _makeHandler(self, request: dict[str, Any]) -> Any:
        """The handler for ``request`` (``self.refused``: an error page of ours)."""
        self.refused = True
        try:
            if self.preMade is not _NOT_MADE:
                handler, self.preMade = self.preMade, _NOT_MADE
            else:
                handler = self.createRequestHandler(request)
        except Exception as error:                # noqa: BLE001 - a bad factory, not a bad server
            repeats.error("%s: the request handler factory failed for %s %s from %s: %r",
                          self.name, request["method"], request["raw-uri"], self._peerText(),
                          error)
            return ErrorPageHandler(500, "The request handler failed.")
        if handler is None:
            return ErrorPageHandler(404, "No resource handler could be found for "
                                         "the requested URL.")
        if hasattr(handler, "makeConnection"):
            return ErrorPageHandler(426, "This resource is a WebSocket: ask for an upgrade.")
        if not (hasattr(handler, "inboxes") and hasattr(handler, "outboxes")):
            repeats.error("%s: the request handler factory returned %r, not a component",
                          self.name, handler)
            return ErrorPageHandler(500, "The request handler is not a component.")
        self.refused = False
        return handler

    def _startHandler(self, streaming: bool) -> None:
        assert self.request is not None
        self.streaming = streaming
        if streaming:
            self.request["bodystream"] = True
        handler = self._makeHandler(self.request)
        willRead = not self.refused
        self.handler = handler
        self.phase = "handling"
        self.link((handler, "outbox"), (self, "_handlerinbox"))
        self.link((handler, "signal"), (self, "_handlercontrol"))
        self.link((self, "_handleroutbox"), (handler, "inbox"))
        self.link((self, "_handlersignal"), (handler, "control"))
        self.addChildren(handler)
        self.send(self.request, "_handleroutbox")
        if handler.scheduler is None:
            handler.activate(Scheduler=self.scheduler)
        else:
            handler.unpause()                      # a persistent handler, asked again
        if streaming and willRead:
            self._sendContinue()

    def _detachHandler(self, stop: bool) -> None:
        handler, self.handler = self.handler, None
        if stop and not handler._isStopped():
            self.send(shutdownMicroprocess(self), "_handlersignal")
        self.removeChild(handler)
        # What it sent after the end is not ours any more; messages we sent
        # it stay in its inbox (a persistent handler reads its next request).
        while self.dataReady("_handlerinbox"):
            self.recv("_handlerinbox")
        while self.dataReady("_handlercontrol"):
            self.recv("_handlercontrol")

    def _waitForSocket(self, boxname: str = "outbox") -> None:
        """Be woken when the adapter takes from what we sent it (unlimited boxes
        wake no producer by themselves)."""
        sink = getattr(self.outboxes[boxname], "sink", None)
        if sink is not None and sink is not self.outboxes[boxname] \
                and boxname not in self.waitingOn:
            self.waitingOn.add(boxname)

            def taken() -> None:
                self.waitingOn.discard(boxname)
                self.unpause()
            sink.notifyOnTake(taken)

    def _pumpHandler(self) -> bool:
        busy = False
        while self.dataReady("_handlerinbox") and self._outputRoom():
            busy = True
            self._respond(self.recv("_handlerinbox"))
            if self.finished:
                return True
        if busy and self.handler is not None:
            # A handler that waits while its outbox (our inbox) is long, as
            # 1.14's file handler did, is woken to look again.
            self.handler.unpause()
        if self.dataReady("_handlerinbox"):
            self._waitForSocket()                  # the socket is backed up: wait
            return busy
        ended = aborted = False
        while self.dataReady("_handlercontrol"):
            busy = True
            signal = self.recv("_handlercontrol")
            if isinstance(signal, (shutdownMicroprocess, shutdown)):
                aborted = True
            elif isinstance(signal, producerFinished):
                ended = True
        if aborted and self.responseStarted:
            self._abortResponse()
            busy = True
        elif aborted or ended or self.handler._isStopped():
            self._endResponse()       # (given up before any response: it answers 500)
            busy = True
        return busy

    def _abortResponse(self) -> None:
        """The handler gave up part way through its response: close the
        connection without ending the message, so that the client sees the
        response cut short (ending it would pass a truncated body as whole)."""
        repeats.warning("%s: the request handler %s stopped its response to %s %s from %s "
                        "part way through; closing the connection", self.name,
                        self.handler.name, self.request["method"] if self.request else "-",
                        self.request["raw-uri"] if self.request else "-", self._peerText())
        self.finished = True

    def _respond(self, message: Any) -> None:
        if isinstance(message, (bytes, bytearray, str, FileRegion)):
            message = {"data": message}
        if not isinstance(message, dict):
            repeats.warning("%s: the request handler %s sent %s, not a response dictionary; "
                            "dropped", self.name, self.handler.name, type(message).__name__)
            return
        data = message.get("data", b"")
        if data.__class__ is FileRegion:
            self._respondWithFile(message, data)
            return
        if isinstance(data, str):
            data = data.encode("utf-8")
            text = True
        else:
            text = False
        try:
            if not self.responseStarted:
                self.responseStarted = True
                head = parts.responseHead(message, textData=text)
                if head.status_code in (204, 304) or head.status_code < 200:
                    self.dropBody = True
                self._emit(self.conn.send(head))
            if data and not self.dropBody:
                self._emit(self.conn.send(h1.Data(bytes(data))))
        except (h1.LocalProtocolError, ValueError, TypeError) as error:
            repeats.error("%s: the request handler %s sent a response that cannot be sent "
                          "to %s: %s; closing the connection", self.name, self.handler.name,
                          self._peerText(), error)
            self.finished = True

    def _respondWithFile(self, message: dict[str, Any], region: FileRegion) -> None:
        """Pass a file region on to the socket (its bytes never come through
        Python when the adapter can use sendfile), framed as the response is."""
        try:
            if not self.responseStarted:
                self.responseStarted = True
                head = parts.responseHead(message, textData=False)
                if head.status_code in (204, 304) or head.status_code < 200:
                    self.dropBody = True
                self._emit(self.conn.send(head))
            framing = None if self.dropBody else self.conn.sendRegion(region.remaining)
        except (h1.LocalProtocolError, ValueError, TypeError) as error:
            region.close()
            repeats.error("%s: the request handler %s sent a response that cannot be sent "
                          "to %s: %s; closing the connection", self.name, self.handler.name,
                          self._peerText(), error)
            self.finished = True
            return
        if framing is None:
            region.close()
            return
        before, after = framing
        self._emit(before)
        self._flushOutput()
        self.send(region, "outbox")
        self._emit(after)

    def _endResponse(self) -> None:
        if not self.responseStarted:
            assert self.request is not None
            repeats.error("%s: the request handler %s finished without a response to %s %s "
                          "from %s", self.name, self.handler.name, self.request["method"],
                          self.request["raw-uri"], self._peerText())
            self._respond(getErrorPage(500, "The request handler sent no response."))
            if self.finished:
                return
        try:
            self._emit(self.conn.send(h1.EndOfMessage()))
        except h1.LocalProtocolError as error:     # e.g. less data than its Content-Length
            repeats.error("%s: the request handler %s ended a response to %s early: %s; "
                          "closing the connection", self.name, self.handler.name,
                          self._peerText(), error)
            self.finished = True
            return
        self._detachHandler(stop=not self.requestDone)
        if self.conn.reusable:
            self.conn.start_next_cycle()
            self._newCycle()
            self._arm("idle", self.idleTimeout)
        else:
            self.finished = True                   # MUST_CLOSE, or a body left unread

    # ----------------------------------------------------------- bad requests
    def _reject(self, status: int, reason: str, page: str | None = None) -> None:
        """Answer ``status`` (the page says ``page``, or ``reason`` when that has no
        bytes of the client's in it), log ``reason``, close."""
        method = self.request["method"] if self.request else "-"
        target = self.request["raw-uri"] if self.request else "-"
        repeats.warning("%s: bad request from %s (%s %s): %d %s", self.name, self._peerText(),
                        method, target, status, reason)
        if not self.responseStarted:
            self.responseStarted = True
            self._emit(parts.errorResponse(status, reason if page is None else page,
                                           withBody=method != "HEAD"))
        self.finished = True

    # ----------------------------------------------------------- WebSocket
    def _upgradeOrServe(self, event: h1.Request, request: dict[str, Any]) -> None:
        try:
            route = self.createRequestHandler(request)
        except Exception as error:                # noqa: BLE001
            repeats.error("%s: the request handler factory failed for an upgrade from %s: %r",
                          self.name, self._peerText(), error)
            route = None
        if route is None or not hasattr(route, "makeConnection"):
            # Not a WebSocket route: an ordinary request (answered as one),
            # served by what the factory already returned.
            self.preMade = route
            self.phase = "body"
            self.bodyBuffer = bytearray()
            return
        try:
            handshake = parts.serialiseHead(event) + self.conn.trailing_data
            connection = route.makeConnection(handshake, request)
        except Exception as error:                # noqa: BLE001
            repeats.error("%s: the WebSocket route %r failed for %s: %r", self.name, route,
                          self._peerText(), error)
            self.responseStarted = True
            self._emit(parts.errorResponse(500, "The WebSocket route failed."))
            self.finished = True
            return
        self._disarm()
        self.upgraded = connection
        self.phase = "upgraded"
        self.link((self, "_upgradedoutbox"), (connection, "inbox"))
        self.link((connection, "outbox"), (self, "_upgradedinbox"))
        self.link((connection, "signal"), (self, "_upgradedcontrol"))
        self.link((self, "_upgradedsignal"), (connection, "control"))
        self.addChildren(connection)
        # (the handshake went to makeConnection: from here on, only what
        # arrives from the socket is relayed)
        if connection.scheduler is None:
            connection.activate(Scheduler=self.scheduler)
        if self.peerClosed:
            self.send(producerFinished(self), "_upgradedsignal")

    def _relayUpgraded(self) -> bool:
        busy = False
        self._flushOutput()
        while (self.dataReady("_upgradedinbox")
               and len(self.outboxes["outbox"]) < self.outboxLimit):
            busy = True
            self.send(self.recv("_upgradedinbox"), "outbox")
        while (self.dataReady("inbox")
               and len(self.outboxes["_upgradedoutbox"]) <= self.bodyQueueLimit):
            busy = True
            self.send(self.recv("inbox"), "_upgradedoutbox")
        if busy:
            self.upgraded.unpause()
        if self.dataReady("_upgradedinbox"):
            self._waitForSocket()
            return busy
        if self.dataReady("inbox"):
            self._waitForSocket("_upgradedoutbox")
        ended = False
        while self.dataReady("_upgradedcontrol"):
            busy = True
            if isinstance(self.recv("_upgradedcontrol"), (producerFinished, shutdownMicroprocess)):
                ended = True
        if ended or self.upgraded._isStopped():
            self.finished = True
            busy = True
        return busy


def HTTPServer(createRequestHandler: Callable[[dict[str, Any]], Any],
               **argd: Any) -> HTTPServerConnection:
    """HTTPServer(createRequestHandler, **options) -> a component serving one HTTP connection

    - createRequestHandler -- ``f(request) -> handler component`` (see the module docstring)
    - options -- ``peer``/``peerport``/``localip``/``localport`` and the limits
      of :class:`HTTPServerConnection`
    """
    return HTTPServerConnection(createRequestHandler, **argd)


class HTTPShutdownLogicHandling(component):
    """HTTPShutdownLogicHandling() -> 1.14's signalling hub for a parser and a handler

    For code that wires :class:`~.HTTPParser.HTTPParser` and
    :class:`~.HTTPRequestHandler.HTTPRequestHandler` itself (1.14's
    ``HTTPServer`` Graphline): ``producerFinished`` on ``"control"`` (the
    socket has no more to give) goes on to the parser (``"Psignal"``); a
    ``shutdown``/``shutdownMicroprocess`` there goes to both and ends it; the
    parser's ``producerFinished`` (``"Pcontrol"``) goes on to the handler
    (``"Hsignal"``); the handler's (``"Hcontrol"``: the last response is
    sent) is passed to the parser and out of ``"signal"`` (close the
    connection), and it ends.
    """

    Inboxes = {
        "inbox": "unused - this is a pure signalling component",
        "Pcontrol": "signals from the HTTP parser",
        "Hcontrol": "signals from the HTTP request handler",
        "control": "signals from the socket",
    }
    Outboxes = {
        "outbox": "unused - this is a pure signalling component",
        "Psignal": "signals to the HTTP parser",
        "Hsignal": "signals to the HTTP request handler",
        "signal": "producerFinished: close the connection",
    }

    def main(self) -> Iterator[Any]:
        while not self._relaySignals():
            self.pause()
            yield 1

    def _relaySignals(self) -> bool:
        """Pass on what has arrived; True when it is time to end. (A method of
        its own, so that no message is kept while ``main`` waits.)"""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (shutdown, shutdownMicroprocess)):
                self.send(message, "Psignal")
                self.send(message, "Hsignal")
                self.send(producerFinished(self), "signal")
                return True
            if isinstance(message, producerFinished):
                self.send(message, "Psignal")
        while self.dataReady("Pcontrol"):
            message = self.recv("Pcontrol")
            if isinstance(message, producerFinished):
                self.send(message, "Hsignal")
        while self.dataReady("Hcontrol"):
            if isinstance(self.recv("Hcontrol"), producerFinished):
                finished = producerFinished(self)
                self.send(finished, "Psignal")
                self.send(finished, "signal")
                return True
        return False


__kamaelia_components__ = (HTTPShutdownLogicHandling, HTTPServerConnection)
__kamaelia_prefabs__ = (HTTPServer,)

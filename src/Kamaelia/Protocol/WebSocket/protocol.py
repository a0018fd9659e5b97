"""Kamaelia.Protocol.WebSocket.protocol: WebSocket connections as components.

Example Usage
-------------
An echo over WebSockets on a port chosen by the system. The user's
component sees each message on its "inbox" (``str`` for text, ``bytes`` for
binary) and what it sends on "outbox" goes back to the browser::

    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    from Kamaelia.Protocol.WebSocket import WebSocketServer

    server = WebSocketServer(EchoProtocol, port=0, path="/echo")
    print("ws://127.0.0.1:%d/echo" % server.port)
    # server.run()   # serves until it gets serverShutdown on "control"
    server.close()

On a route of the HTTP server instead (the page and its socket on one
port), the route is an entry of the URL handlers::

    from Kamaelia.Protocol.WebSocket import WebSocketRoute

    route = WebSocketRoute(EchoProtocol, maxMessageSize=65536)
    # URLHandlers = [("/echo", route), ("/", pageHandler)]

How does it work?
-----------------
:class:`WebSocketProtocol` is the per-connection component: its "inbox"
takes the raw bytes from the socket, its "outbox" gives the raw bytes for
it, and it sends ``producerFinished`` on "signal" when the connection must
close (the shape of any :class:`~Kamaelia.Chassis.ConnectedServer.ServerCore`
protocol). It feeds the bytes to a
:class:`~Kamaelia.Protocol.WebSocket.session.WebSocketSession` (the
handshake, frames and close handshake, done by ``wsproto``), and once the
handshake is accepted it makes the user's component with ``factory()``
and runs it as its child, linked:

* messages from the browser -> the child's "inbox";
* the child's "outbox" -> frames to the browser (str: text, bytes: binary;
  anything else is logged and dropped);
* the child's "signal": ``producerFinished`` (or ``shutdownMicroprocess``)
  closes the WebSocket with 1000, after the messages it sent before;
* our shutdown -> the child's "control": when the WebSocket has closed,
  however it closed, the child is sent ``shutdownMicroprocess`` (and must
  end on it, as Kamaelia components do).

Close codes: 1000 when the child finishes; 1009 for a message longer than
``maxMessageSize``; 1002 (or wsproto's 1007 for bad UTF-8) for a protocol
error; 1011 when the child ends without sending ``producerFinished`` (it
crashed: the scheduler logged its traceback) or ``factory()`` raised, and
for a keep-alive ping left unanswered; 1001 when the server shuts down.
The close handshake is done properly: the peer's close is answered, ours
waits up to ``closeTimeout`` seconds for the reply; the TCP connection is
then closed by us. Bad input (a refused handshake, a protocol error, a
message too big) is logged with the peer's address (at most once every
10 s for the same kind of failure), and only that connection is closed.

Options (keywords of :class:`WebSocketRoute`, :class:`WebSocketServer` and
:class:`WebSocketProtocol`; see :data:`OPTIONS` for the defaults):
``maxMessageSize`` (1 MiB), ``maxHandshakeSize`` (64 KiB),
``compression`` (permessage-deflate, on), ``subprotocols`` (none),
``pingInterval`` (None: no keep-alive pings; else a ping every so many
seconds, and no pong by the next one closes the connection with 1011),
``closeTimeout`` (10 s), ``handshakeTimeout`` (10 s: the request head must
arrive in it), ``receiveQueueLimit`` (4: while that many messages wait in
the child's inbox, nothing more is read from the socket, so a slow child
slows the browser down through TCP), ``sendQueueLimit`` (4: while that
many chunks of frames wait for the socket, nothing more is taken from the
child's outbox) and ``page`` (None; or the HTML answered to a plain ``GET``
of the path, so one port serves both the page and its WebSocket). Timers
are the scheduler's (nothing sleeps).

Shutdown
--------
``socketShutdown`` (a ``producerFinished``) on "control": the peer closed
its side; the session ends (1006 if no close was exchanged).
``shutdownMicroprocess`` (or ``serverShutdown``) on "control": the
connection is gone or the server is stopping; a close 1001 is written if the
WebSocket was open, and the component ends at once. Either way it ends by
sending ``producerFinished`` on "signal" and ``shutdownMicroprocess`` to
the child (unless it has ended), and unlinks the child.

What it does not do: it does not wait for the child to end, and it does not
bound the child's own outbox (a child that sends without being asked
should watch ``len(self.outboxes["outbox"])``).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Internet._addresses import describeAddress
from Kamaelia._logthrottle import RepeatLimiter

from Kamaelia.Protocol.WebSocket.session import WebSocketSession

__all__ = ["WebSocketProtocol", "WebSocketRoute", "WebSocketServer", "OPTIONS", "checkOptions"]

log = logging.getLogger("Kamaelia.Protocol.WebSocket")
#: Bad input is logged through this, so a storm of bad clients costs a line every 10 s.
repeats = RepeatLimiter(log)

#: The options and their defaults (see the module docstring).
OPTIONS: dict[str, Any] = {
    "maxMessageSize": 1 << 20,
    "maxHandshakeSize": 1 << 16,
    "compression": True,
    "subprotocols": (),
    "pingInterval": None,
    "closeTimeout": 10.0,
    "handshakeTimeout": 10.0,
    "receiveQueueLimit": 4,
    "sendQueueLimit": 4,
    "page": None,
}


def _positiveInt(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1, not {value!r}")


def _seconds(name: str, value: Any, optional: bool) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name} must be a number of seconds > 0"
                         f"{' or None' if optional else ''}, not {value!r}")


def checkOptions(options: dict[str, Any]) -> dict[str, Any]:
    """``options`` checked (unknown names raise ``TypeError``, bad values
    ``ValueError``, naming them) and completed with the defaults."""
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(f"unknown WebSocket option(s) {', '.join(map(repr, unknown))}; "
                        f"the options are {', '.join(OPTIONS)}")
    checked = {**OPTIONS, **options}
    for name in ("maxMessageSize", "maxHandshakeSize", "receiveQueueLimit", "sendQueueLimit"):
        _positiveInt(name, checked[name])
    _seconds("pingInterval", checked["pingInterval"], optional=True)
    _seconds("closeTimeout", checked["closeTimeout"], optional=False)
    _seconds("handshakeTimeout", checked["handshakeTimeout"], optional=False)
    subprotocols = checked["subprotocols"]
    if isinstance(subprotocols, str) or not all(isinstance(s, str) for s in subprotocols):
        raise ValueError(f"subprotocols must be a sequence of str, not {subprotocols!r}")
    checked["subprotocols"] = tuple(subprotocols)
    checked["compression"] = bool(checked["compression"])
    page = checked["page"]
    if page is not None and not isinstance(page, (str, bytes)):
        raise ValueError(f"page must be None or the HTML of a page (str or bytes), "
                         f"not {page!r:.60}")
    return checked


def _checkFactory(factory: Any) -> None:
    if not callable(factory):
        raise TypeError(f"a WebSocket needs a factory: a callable that makes the component "
                        f"for each connection (e.g. a component class), not {factory!r}")


class WebSocketProtocol(component):
    """WebSocketProtocol(factory, handshake=b"", peer=None, peerport=None, path=None, **options)

    The component for one WebSocket connection.

    - factory   -- called with no arguments once the handshake is accepted; makes
      the user's component
    - handshake -- bytes already read from the connection (the HTTP server's
      re-serialised request head and what followed it), taken before "inbox"
    - peer, peerport -- the client's address, for the log
    - path      -- the only request path accepted; None (the default, as on an
      HTTP route that has already chosen it) accepts any
    - options   -- see the module docstring

    ``session`` is its :class:`~Kamaelia.Protocol.WebSocket.session.WebSocketSession`
    (``session.closeCode`` says how it ended).
    """

    Inboxes = {"inbox": "raw bytes from the socket",
               "control": "socketShutdown: the peer closed its side; shutdownMicroprocess: "
                          "the connection is gone or the server stops",
               "_fromUser": "messages from the user's component, to send",
               "_userSignal": "the user's component's signal (producerFinished: close)"}
    Outboxes = {"outbox": "raw bytes for the socket",
                "signal": "producerFinished when the connection must close",
                "_toUser": "messages received, to the user's component",
                "_userControl": "shutdownMicroprocess to the user's component at the end"}

    def __init__(self, factory: Callable[[], Any], handshake: bytes = b"",
                 peer: Any = None, peerport: Any = None, path: str | None = None,
                 **options: Any) -> None:
        _checkFactory(factory)
        settings = checkOptions(options)
        if not isinstance(handshake, (bytes, bytearray)):
            raise TypeError(f"handshake must be bytes, not {handshake!r:.60}")
        super().__init__()
        self.factory = factory
        self.handshake = bytes(handshake)
        self.peer, self.peerport = peer, peerport
        self.settings = settings
        self.session = WebSocketSession(path=path, maxMessageSize=settings["maxMessageSize"],
                                        maxHandshakeSize=settings["maxHandshakeSize"],
                                        compression=settings["compression"],
                                        subprotocols=settings["subprotocols"],
                                        page=settings["page"])
        self.user: Any = None
        self._userFinished = False
        self._userCrashed = False
        self._gone = False
        self._logged = False
        self._timers: dict[str, Any] = {}
        self._watching: set[str] = set()

    # ------------------------------------------------------------- main
    def main(self) -> Iterator[Any]:
        if self.session.state == "handshake":
            self._timers["handshake"] = self.scheduler.callLater(
                self.settings["handshakeTimeout"], self._handshakeTimedOut)
        if self.handshake:
            data, self.handshake = self.handshake, b""
            self._received(data)
        try:
            while True:
                self._handleControl()
                if self.user is not None:
                    self._fromUser()
                self._fromSocket()
                self._afterEvents()
                if self.session.state == "closed" or self._gone:
                    break
                if not self._canProceed():
                    self.pause()
                yield 1
        finally:
            self._finish()

    # ---------------------------------------------------------- inputs
    def _handleControl(self) -> None:
        for message in self.Inbox("control"):
            if isinstance(message, shutdownMicroprocess):
                if self.session.state == "open":
                    self.session.close(1001, "going away")
                self._gone = True
            elif isinstance(message, producerFinished):
                self.session.receive(None)

    def _fromSocket(self) -> None:
        while self.dataReady("inbox"):
            if self.session.state == "closed":
                self.inboxes["inbox"].clear()
                return
            if self._userBehind():
                return
            self._received(self.recv("inbox"))

    def _received(self, data: Any) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        messages = self.session.receive(bytes(data))
        if self.user is None and self.session.state in ("open", "closing") \
                and self.session.request is not None:
            self._startUser()
        for message in messages:
            self.send(message, "_toUser")

    def _fromUser(self) -> None:
        while self.dataReady("_fromUser"):
            if self._socketBehind():
                return
            message = self.recv("_fromUser")
            try:
                self.session.sendMessage(message)
            except TypeError as exc:
                repeats.warning("WebSocket to %s: %s; dropped", self._describePeer(), exc)
            self._writeOut()
        for message in self.Inbox("_userSignal"):
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self._userFinished = True
        if self._userFinished:
            self.session.close(1000)
        elif not self._userCrashed and self.user._isStopped():
            self._userCrashed = True
            repeats.error("WebSocket to %s: its component %s ended without producerFinished "
                          "(it failed?); closing with 1011", self._describePeer(),
                          self.user.name)
            self.session.close(1011, "internal error")

    # --------------------------------------------------- back-pressure
    def _userBehind(self) -> bool:
        if self.user is None:
            return False
        box = self.outboxes["_toUser"]
        if len(box) < self.settings["receiveQueueLimit"]:
            return False
        self._watchTake("_toUser")
        return True

    def _socketBehind(self) -> bool:
        box = self.outboxes["outbox"]
        if len(box) < self.settings["sendQueueLimit"]:
            return False
        self._watchTake("outbox")
        return True

    def _watchTake(self, outbox: str) -> None:
        """Be woken once the inbox ``outbox`` leads to has a message taken."""
        if outbox not in self._watching:
            self._watching.add(outbox)

            def taken() -> None:
                self._watching.discard(outbox)
                self.unpause()
            self.outboxes[outbox].sink.notifyOnTake(taken)

    def _canProceed(self) -> bool:
        if self.dataReady("control") or self.dataReady("_userSignal"):
            return True
        if self.dataReady("_fromUser") and "outbox" not in self._watching:
            return True
        if self.dataReady("inbox") and "_toUser" not in self._watching:
            return True
        if self.user is not None and not self._userFinished and not self._userCrashed \
                and self.user._isStopped():
            return True
        return False

    # --------------------------------------------------------- outputs
    def _writeOut(self) -> None:
        data = self.session.output()
        if data:
            self.send(data, "outbox")

    def _afterEvents(self) -> None:
        """Write what the session queued; log bad input; set or clear timers
        for the state it is in."""
        self._writeOut()
        session = self.session
        if session.problem is not None and not self._logged:
            self._logged = True
            what = f"refused the handshake ({session.rejected})" if session.rejected \
                else f"closed it with {session.closeCode}"
            repeats.warning("WebSocket from %s: %s: %s", self._describePeer(), what,
                            session.problem)
        if session.state != "handshake":
            self._cancel("handshake")
        if session.state == "closing" and "close" not in self._timers:
            self._timers["close"] = self.scheduler.callLater(self.settings["closeTimeout"],
                                                             self._closeTimedOut)
        if session.state == "open" and self.settings["pingInterval"] is not None \
                and "ping" not in self._timers:
            self._timers["ping"] = self.scheduler.callLater(self.settings["pingInterval"],
                                                            self._keepAlive)

    # ---------------------------------------------------------- timers
    def _cancel(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()

    def _handshakeTimedOut(self) -> None:
        self._timers.pop("handshake", None)
        if self.session.state == "handshake":
            self.session._reject(408, f"the request head did not arrive within "
                                      f"{self.settings['handshakeTimeout']} s")
            self.unpause()

    def _closeTimedOut(self) -> None:
        self._timers.pop("close", None)
        if self.session.state == "closing":
            self.session.abort()
            self.unpause()

    def _keepAlive(self) -> None:
        self._timers.pop("ping", None)
        if self.session.state != "open":
            return
        if self.session.awaitingPong:
            self.session.problem = (f"no pong within {self.settings['pingInterval']} s "
                                    f"(keep-alive)")
            self.session.abort(1011, "keepalive ping timeout")
        else:
            self.session.ping(b"kamaelia")
            self._timers["ping"] = self.scheduler.callLater(self.settings["pingInterval"],
                                                            self._keepAlive)
        self.unpause()

    # ------------------------------------------------------- the child
    def _startUser(self) -> None:
        try:
            user = self.factory()
        except Exception as exc:              # noqa: BLE001 - that connection only
            repeats.error("WebSocket from %s: its factory %r failed: %s: %s; closing with "
                          "1011", self._describePeer(), self.factory, type(exc).__name__, exc)
            self.session.close(1011, "internal error")
            self._userCrashed = True
            return
        self.user = user
        self.link((self, "_toUser"), (user, "inbox"))
        self.link((user, "outbox"), (self, "_fromUser"))
        self.link((user, "signal"), (self, "_userSignal"))
        self.link((self, "_userControl"), (user, "control"))
        self.addChildren(user)
        user.activate()

    def _finish(self) -> None:
        for name in list(self._timers):
            self._cancel(name)
        self._writeOut()
        self.inboxes["inbox"].clear()
        self.send(producerFinished(self), "signal")
        user = self.user
        if user is not None:
            if not user._isStopped():
                self.send(shutdownMicroprocess(self), "_userControl")
            self.removeChild(user)
            self.user = None

    def _describePeer(self) -> str:
        if self.peer is None:
            return "an unknown peer"
        return describeAddress((self.peer, self.peerport))


class WebSocketRoute:
    """WebSocketRoute(factory, **options) -> a WebSocket endpoint for the HTTP server

    An entry of the HTTP server's URL handlers (``("/chat", WebSocketRoute(Chat))``).
    When a request on its prefix asks to upgrade, the server calls
    :meth:`makeConnection` and relays the connection's bytes to and from the
    component it returns. Called as a 1.14 request handler factory
    (``route(request)``: a plain request on the prefix), it answers
    426 Upgrade Required.

    - factory -- makes the user's component for each connection (no arguments)
    - options -- see :mod:`Kamaelia.Protocol.WebSocket.protocol`
    """

    def __init__(self, factory: Callable[[], Any], **options: Any) -> None:
        _checkFactory(factory)
        self.factory = factory
        self.options = checkOptions(options)

    def makeConnection(self, handshake: bytes, request: dict[str, Any]) -> WebSocketProtocol:
        """The component for one upgraded connection: ``handshake`` is the
        request head as bytes (and what followed it), ``request`` the HTTP
        server's request dict (its ``"peer"``/``"peerport"`` name the client
        in the log)."""
        return WebSocketProtocol(self.factory, handshake=handshake, peer=request.get("peer"),
                                 peerport=request.get("peerport"), path=None, **self.options)

    def __call__(self, request: dict[str, Any] | None = None) -> component:
        return _UpgradeRequired()

    def __repr__(self) -> str:
        return f"WebSocketRoute({self.factory!r})"


class _UpgradeRequired(component):
    """A 1.14 request handler answering 426: this URL is a WebSocket."""

    def main(self) -> Iterator[Any]:
        self.send({"statuscode": "426", "type": "text/plain", "charset": "utf-8",
                   "headers": [("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13")],
                   "data": "426 Upgrade Required: this URL is a WebSocket\n"}, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


class WebSocketServer(ServerCore):
    """WebSocketServer(factory, port=0, host="127.0.0.1", path="/", **options)

    A :class:`~Kamaelia.Chassis.ConnectedServer.ServerCore` whose protocol for
    each connection is a :class:`WebSocketProtocol` doing the handshake
    itself (no HTTP server needed). ``path`` is the only path it accepts (404
    otherwise; None: any). ``options`` are the WebSocket options (see the
    module docstring) and ServerCore's own (``sslContext``,
    ``maxConnections``, ``connectionOptions``, ...). ``port`` is the port it
    listens on once made.
    """

    def __init__(self, factory: Callable[[], Any], port: int = 0,
                 host: str | None = "127.0.0.1", path: str | None = "/",
                 **options: Any) -> None:
        wsOptions = {name: options.pop(name) for name in list(options) if name in OPTIONS}
        route = WebSocketRoute(factory, **wsOptions)
        if path is not None and (not isinstance(path, str) or not path.startswith("/")):
            raise ValueError(f"path must be None or a str starting with '/', not {path!r}")
        super().__init__(protocol=self._protocolFor, port=port, host=host, **options)
        self.route = route
        self.wsPath = path

    def _protocolFor(self, **info: Any) -> WebSocketProtocol:
        return WebSocketProtocol(self.route.factory, peer=info.get("peer"),
                                 peerport=info.get("peerport"), path=self.wsPath,
                                 **self.route.options)

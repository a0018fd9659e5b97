"""Kamaelia.Internet.TCPServer: a listening socket that hands out connections.

Example Usage
-------------
Most programs want :mod:`Kamaelia.Chassis.ConnectedServer` (``ServerCore``),
which runs a protocol component per connection on top of this. Used on its
own, a TCPServer announces each connection with a ``newCSA`` message whose
``object`` is the connection's :class:`ConnectedSocketAdapter`::

    from Axon.Component import component
    from Kamaelia.IPC import newCSA, serverShutdown
    from Kamaelia.Internet.TCPServer import TCPServer

    class Greeter(component):
        def main(self):
            while True:
                while self.dataReady("inbox"):
                    message = self.recv("inbox")
                    if isinstance(message, newCSA):
                        self.send(b"hello\\n", "outbox")  # (link outbox to message.object)
                self.pause()
                yield 1

    server = TCPServer(listenport=0, host="127.0.0.1")
    print("listening on port", server.listenport)
    server.close()          # never activated: release the socket

How does it work?
-----------------
The listening socket is made and bound when the component is made, so
``listenport`` (also ``port``) is the real port even when 0 asked the
system to choose one, and a port already in use raises ``OSError`` there
and then (naming the server, the host and the port; its ``errno`` is
``EADDRINUSE``). ``SO_REUSEADDR`` is set (so a restarted server can bind at once),
then ``socketOptions``: a ``(level, option, value)`` tuple or a list of them.

Once active, the socket is watched by the scheduler's own wait: when a
client is waiting, the listening socket is put in our ``"newconnection"``
inbox (as 1.14's Selector did), and :meth:`handleNewConnection` accepts what
waits. Each connection is accepted by :meth:`createConnectedSocket`, made
non-blocking and wrapped in the class in ``CSA`` (a ``ConnectedSocketAdapter``,
with TLS if ``sslContext`` is given; the handshake happens in the adapter
without blocking), which is activated; then ``newCSA(self, adapter, sock)``
goes out of ``"protocolHandlerSignal"``. The adapter's ``"CreatorFeedback"``
is linked to our ``"_feedbackFromCSA"``: when the client closes its side,
:meth:`anyClosedSockets` / :meth:`closeSocket` send ``shutdownCSA(self,
adapter)`` out of ``"protocolHandlerSignal"`` and undo the link.

1.14's methods are here and ``main`` calls them, so a subclass may
override them: :meth:`makeTCPServerPort` (make the listening socket; called
when the server is made), :meth:`handleNewConnection`,
:meth:`createConnectedSocket(listener) <createConnectedSocket>` (accept one
connection: ``(sock, adapter)``), :meth:`anyClosedSockets` and
:meth:`closeSocket`. ``CSA`` may be replaced (a subclass's class attribute)
by any callable taking ``(sock, selectorService)``, as 1.14's
``TimeOutCSA.NoActivityTimeout`` makers do; the options above
(``sslContext``, ``connectionOptions``) are then not passed (a warning says
so). Two differences: :meth:`closeSocket` does not close the socket (the
adapter owns it, and may still be writing an answer), and nothing is sent
to the Selector (``"_selectorSignal"``, ``"_selectorShutdownSignal"`` are
kept, unlinked).

With ``maxConnections``, a connection beyond the limit is accepted and
closed at once, with the reason logged (logger
``Kamaelia.Internet.TCPServer``). If the process runs out of file
descriptors, accepting stops for a moment (0.1 s) rather than spinning,
then resumes; clients meanwhile wait in the listen queue. Such failures
happen per connection, so they are logged through a
:class:`~Kamaelia._logthrottle.RepeatLimiter`: the first at once, then one
line every 10 s with the count of those not logged, and, once a connection
is accepted again, a last count and ``accepting connections again``
(INFO). The per-connection errors of the adapters are limited the same way.

Address families: ``host`` ``None`` listens on every IPv4 address (as in
1.14); an address with a colon, or ``family=socket.AF_INET6``, listens on
IPv6 (``"::"`` for every address).

Shutdown
--------
``serverShutdown``, ``shutdownMicroprocess`` or ``producerFinished`` on
``"control"``: the listening socket is closed and the message is passed on
out of ``"signal"``. Connections already made are not closed by this
component (``ServerCore`` closes them); it just stops accepting.
``stop()`` closes the listening socket too.
"""

from __future__ import annotations

import errno
import logging
import random
import socket
import ssl
from typing import Any, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.IPC import newCSA, shutdownCSA, socketShutdown
from Kamaelia.Internet._addresses import checkPort, describeAddress, familyFor
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Util._arguments import nonNegativeInt
from Kamaelia._logthrottle import RepeatLimiter

__all__ = ["TCPServer"]

log = logging.getLogger("Kamaelia.Internet.TCPServer")
#: Failures that happen per connection (accepting, refusing) are logged
#: through this: the first at once, then a count every 10 s while they last.
repeats = RepeatLimiter(log)

#: Connections accepted per readiness callback (then other work gets a turn).
_ACCEPTS_PER_TURN = 64
#: Seconds to stop accepting after running out of file descriptors.
_FD_PAUSE = 0.1


class _Refused(Exception):
    """createConnectedSocket refused the connection it accepted (and closed it)."""


def _optionList(socketOptions: Any) -> list[tuple[int, int, Any]]:
    if socketOptions is None:
        return []
    if isinstance(socketOptions, tuple) and len(socketOptions) == 3 and \
            all(isinstance(part, int) for part in socketOptions[:2]):
        return [socketOptions]
    try:
        options = list(socketOptions)
    except TypeError:
        options = None
    if options is None or not all(isinstance(o, tuple) and len(o) == 3 for o in options):
        raise ValueError(f"socketOptions must be a (level, option, value) tuple or a list "
                         f"of them, not {socketOptions!r}")
    return options


class TCPServer(component):
    """TCPServer(listenport[, socketOptions], host=None, family=None, sslContext=None, maxConnections=None, backlog=socket.SOMAXCONN, connectionOptions=None)

    A listening socket that makes a ConnectedSocketAdapter per connection.

    - listenport        -- port to listen on (0: the system chooses; see ``listenport``)
    - socketOptions     -- ``(level, option, value)`` or a list of them, set on the socket
    - host              -- address to listen on (default: every IPv4 address)
    - family            -- ``socket.AF_INET`` or ``socket.AF_INET6`` (default: from host)
    - sslContext        -- an ``ssl.SSLContext`` with the server's certificate: TLS
    - maxConnections    -- close connections beyond this many (default: no limit)
    - backlog           -- the listen queue length (default: socket.SOMAXCONN, so a burst
                           of connections is not dropped)
    - connectionOptions -- keyword options for each ConnectedSocketAdapter
    """

    Inboxes = {"_feedbackFromCSA": "socketShutdown from the connections' adapters",
               "newconnection": "the listening socket, when a client waits to be accepted",
               "control": "serverShutdown / shutdownMicroprocess / producerFinished: "
                          "stop listening and end"}
    Outboxes = {"protocolHandlerSignal": "newCSA(self, adapter, sock) for each connection; "
                                         "shutdownCSA(self, adapter) when one closes",
                "signal": "the shutdown message, passed on when the server ends",
                "_selectorSignal": "(1.14 compatibility; unused)",
                "_selectorShutdownSignal": "(1.14 compatibility; unused)"}

    #: What wraps each accepted socket: called as ``CSA(sock, selectorService)``.
    CSA: Any = ConnectedSocketAdapter

    def __init__(self, listenport: int, socketOptions: Any = None, *, host: str | None = None,
                 family: Any = None, sslContext: ssl.SSLContext | None = None,
                 maxConnections: int | None = None, backlog: int = socket.SOMAXCONN,
                 connectionOptions: dict[str, Any] | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        checkPort(listenport, "listenport")
        if host is not None and not isinstance(host, str):
            raise TypeError(f"host must be a str address or None, not {host!r}")
        options = _optionList(socketOptions)
        if sslContext is not None and not isinstance(sslContext, ssl.SSLContext):
            raise TypeError(f"sslContext must be an ssl.SSLContext, not {sslContext!r}")
        if maxConnections is not None:
            nonNegativeInt(type(self).__name__, "maxConnections", maxConnections)
        self.family = familyFor(host, family)
        self.host = host if host is not None else ("::" if self.family == socket.AF_INET6
                                                    else "")
        self.socketOptions = socketOptions
        self.sslContext = sslContext
        self.maxConnections = maxConnections
        self.connectionOptions = dict(connectionOptions or {})
        self.connections = 0
        self.selectorService: Any = None          # 1.14's; the Selector is not used
        #: accepted socket -> its adapter, for the connections open (1.14's name)
        self.socket_handlers: dict[Any, Any] = {}
        self.listenError: OSError | None = None
        self._links: dict[Any, Any] = {}
        self._accepting = False
        self._acceptFailing = False      # accepting failed for want of descriptors
        self._resumeTimer: Any = None
        self._warnedFactory = False
        self._options = options
        listener, _ = self.makeTCPServerPort(listenport, maxlisten=backlog)
        if listener is None:
            raise self._listenFailure(listenport)
        self.listener: socket.socket = listener
        self.listenport: int = self.listener.getsockname()[1]
        self.address = describeAddress(self.listener.getsockname())

    @property
    def port(self) -> int:
        """The port listened on (the real one, also when 0 was asked for)."""
        return self.listenport

    def makeTCPServerPort(self, suppliedport: int | None = None, HOST: str | None = None,
                          minrange: int = 2000, maxrange: int = 50000,
                          maxlisten: int = 5) -> tuple[socket.socket | None, int | None]:
        """``(socket, port)``: a listening socket and the port it listens on
        (the real one when 0 asked the system to choose), or ``(None, None)``
        if it cannot be made; the error is then kept in ``listenError`` (and
        logged at DEBUG). No ``suppliedport``: a random one in ``minrange..maxrange``
        (as in 1.14). ``HOST`` None: the server's ``host``. ``maxlisten``: the
        listen queue length."""
        port = random.randint(minrange, maxrange) if suppliedport is None else suppliedport
        host = self.host if HOST is None else HOST
        try:
            sock = self._listen(port, self._options, maxlisten, host)
        except OSError as exc:
            self.listenError = exc
            # (debug: the constructor raises it, naming host and port; 1.14's
            # callers of this method got (None, None) without a word)
            log.debug("%s cannot listen on %s: %s", self.name,
                      describeAddress((host or "*", port)), exc.strerror or exc)
            return None, None
        return sock, sock.getsockname()[1]

    def _listenFailure(self, port: int) -> OSError:
        """The OSError to raise when listening failed: it names this component,
        the host and the port, and keeps the errno (``EADDRINUSE``: in use)."""
        cause = self.listenError
        code = cause.errno if cause is not None else None
        where = f"port {port} on host {self.host!r}" if self.host else \
            f"port {port} on every address (host None)"
        reason = (cause.strerror or str(cause)) if cause is not None else "unknown error"
        hint = ""
        if code == errno.EADDRINUSE:
            hint = ("; something else is already listening there (another program, or "
                    "another server in this one): stop it, choose another port, or pass "
                    "port 0 to let the system choose a free one")
        error = OSError(code, f"{self.name} cannot listen on {where}: {reason}{hint}")
        error.__cause__ = cause
        return error

    def _listen(self, port: int, options: Iterable[tuple[int, int, Any]],
                backlog: int, host: str) -> socket.socket:
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            for level, option, value in options:
                sock.setsockopt(level, option, value)
            sock.bind((host, port))
            sock.listen(backlog)
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        return sock

    def close(self) -> None:
        """Close the listening socket (for a server that is never activated)."""
        self._stopAccepting()
        self.listener.close()

    def stop(self) -> None:
        """Stop the server; the listening socket is closed (as in 1.14)."""
        self.close()
        super().stop()

    # ------------------------------------------------------------------ main
    def main(self) -> Iterator[Any]:
        ending: Any = None
        try:
            self._startAccepting()
            while ending is None:
                self.anyClosedSockets()
                self.handleNewConnection()
                ending = self._shutdownRequest()
                if ending is None:
                    # (what handleNewConnection left for itself must not be
                    # undone by pausing)
                    if not self.anyReady():
                        self.pause()
                    yield 1
        finally:
            self.close()
        self.send(ending, "signal")

    def _shutdownRequest(self) -> Any:
        """The first shutdown message on "control", or None (others are
        dropped); a method, so that no message stays bound in ``main``."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (shutdownMicroprocess, producerFinished)):
                return message
        return None

    # ------------------------------------------------------------- accepting
    def _startAccepting(self) -> None:
        if not self._accepting:
            self._accepting = True
            self.scheduler.addReader(self.listener, self._connectionWaiting)

    def _connectionWaiting(self) -> None:
        # The scheduler's callback: hand the listener to main, as 1.14's
        # Selector did (once: the socket stays readable until main accepts).
        box = self.inboxes["newconnection"]
        if not box.q:
            box.append(self.listener)

    def _stopAccepting(self) -> None:
        if self._resumeTimer is not None:
            self._resumeTimer.cancel()
            self._resumeTimer = None
        if self._accepting:
            self._accepting = False
            self.scheduler.removeReader(self.listener)

    def handleNewConnection(self) -> None:
        """Accept the connections waiting (told by a message on
        "newconnection"), make and activate an adapter for each, and announce
        it with ``newCSA(self, adapter, sock)`` on "protocolHandlerSignal"."""
        if not self.dataReady("newconnection"):
            return
        list(self.Inbox("newconnection"))
        if self.listener.fileno() == -1:
            return                       # closed meanwhile
        # Count connections that closed meanwhile: a client that reconnects
        # at once must not be refused for its old connection.
        self.anyClosedSockets()
        for _ in range(_ACCEPTS_PER_TURN):
            try:
                sock, adapter = self.createConnectedSocket(self.listener)
            except (BlockingIOError, InterruptedError):
                return
            except _Refused:
                continue
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    self._acceptFailing = True
                    repeats.error("%s: cannot accept connections on %s for now: %s; "
                                  "retrying every %g s", self.name, self.address,
                                  exc.strerror, _FD_PAUSE)
                    self._stopAccepting()
                    self._resumeTimer = self.scheduler.callLater(_FD_PAUSE, self._resume)
                    return
                repeats.warning("%s: accept failed on %s: %s", self.name, self.address, exc)
                continue                 # e.g. ECONNABORTED: that client gave up
            if self._acceptFailing:
                self._acceptFailing = False
                repeats.flush()          # the last count of the failures, then:
                log.info("%s: accepting connections on %s again", self.name, self.address)
            self.socket_handlers[sock] = adapter
            self._links[adapter] = self.link((adapter, "CreatorFeedback"),
                                             (self, "_feedbackFromCSA"))
            self.connections += 1
            adapter.activate(Scheduler=self.scheduler)
            self.send(newCSA(self, adapter, sock), "protocolHandlerSignal")
        # More may wait: come back for them after other work has had a turn.
        self._connectionWaiting()

    def _resume(self) -> None:
        self._resumeTimer = None
        self._startAccepting()
        self._connectionWaiting()

    def createConnectedSocket(self, sock: socket.socket) -> tuple[socket.socket, Any]:
        """Accept one connection on the listening socket ``sock``; return
        ``(the accepted socket, its adapter)`` (1.14's job, and override point).

        Raises ``BlockingIOError`` when nobody waits, and ``OSError`` if
        accepting fails. Beyond ``maxConnections`` the connection is closed
        and logged instead (and a private exception tells
        :meth:`handleNewConnection` to go on)."""
        newsock, address = sock.accept()
        if self.maxConnections is not None and self.connections >= self.maxConnections:
            repeats.warning("%s: refused a connection from %s: at maxConnections (%d)",
                            self.name, describeAddress(address), self.maxConnections)
            newsock.close()
            raise _Refused()
        newsock.setblocking(False)
        if self.family in (socket.AF_INET, socket.AF_INET6):
            newsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        factory = self.CSA
        if isinstance(factory, type) and issubclass(factory, ConnectedSocketAdapter):
            adapter = factory(newsock, self.selectorService, sslContext=self.sslContext,
                              serverSide=True, **self.connectionOptions)
        else:
            # (answerAfterPeerCloses is ServerCore's default, not the user's)
            unused = {name for name in self.connectionOptions if name != "answerAfterPeerCloses"}
            if (self.sslContext is not None or unused) and not self._warnedFactory:
                self._warnedFactory = True
                log.warning("%s: CSA %r is not a ConnectedSocketAdapter class; sslContext "
                            "and connectionOptions are not passed to it", self.name, factory)
            adapter = factory(newsock, self.selectorService)
        return newsock, adapter

    def anyClosedSockets(self) -> bool:
        """Act on the ``socketShutdown`` messages on "_feedbackFromCSA" (see
        :meth:`closeSocket`); True if there were any messages."""
        closedSome = False
        while self.dataReady("_feedbackFromCSA"):
            message = self.recv("_feedbackFromCSA")
            if isinstance(message, socketShutdown):
                self.closeSocket(message)
            closedSome = True
        return closedSome

    def closeSocket(self, shutdownMessage: Any) -> None:
        """A connection's adapter says its socket has shut (``socketShutdown``):
        forget it and send ``shutdownCSA(self, adapter)`` out of
        "protocolHandlerSignal". (1.14 closed the socket here; the adapter
        owns it, and may still be writing an answer, so it closes it itself.)"""
        adapter = shutdownMessage.caller
        if adapter not in self._links:
            # e.g. an adapter wrapped by a CSA maker (an InactivityChassis):
            # the message comes from the adapter inside; find it by its socket.
            try:
                sock = shutdownMessage.message[0]
                adapter = self.socket_handlers.get(sock, adapter)
            except (TypeError, IndexError, KeyError):
                pass
        linkage = self._links.pop(adapter, None)
        if linkage is None:
            return
        for sock, handler in list(self.socket_handlers.items()):
            if handler is adapter:
                del self.socket_handlers[sock]
        self.unlink(thelinkage=linkage)
        self.connections -= 1
        self.send(shutdownCSA(self, adapter), "protocolHandlerSignal")


__kamaelia_components__ = (TCPServer,)

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
and then. ``SO_REUSEADDR`` is set (so a restarted server can bind at once),
then ``socketOptions``: a ``(level, option, value)`` tuple or a list of them.

Once active, the socket is watched by the scheduler's own wait. Each
connection is accepted, made non-blocking, wrapped in a
``ConnectedSocketAdapter`` (with TLS if ``sslContext`` is given; the
handshake happens in the adapter without blocking), which is activated;
then ``newCSA(self, adapter, sock)`` goes out of ``"protocolHandlerSignal"``.
The adapter's ``"CreatorFeedback"`` is linked to our ``"_oobinfo"``: when a
connection closes, ``shutdownCSA(self, adapter)`` goes out of
``"protocolHandlerSignal"`` and the link is undone.

With ``maxConnections``, a connection beyond the limit is accepted and
closed at once, with the reason logged (logger
``Kamaelia.Internet.TCPServer``). If the process runs out of file
descriptors, accepting stops for a moment (logged) rather than spinning.

Address families: ``host`` ``None`` listens on every IPv4 address (as in
1.14); an address with a colon, or ``family=socket.AF_INET6``, listens on
IPv6 (``"::"`` for every address).

Shutdown
--------
``serverShutdown``, ``shutdownMicroprocess`` or ``producerFinished`` on
``"control"``: the listening socket is closed and the message is passed on
out of ``"signal"``. Connections already made are not closed by this
component (``ServerCore`` closes them); it just stops accepting.
"""

from __future__ import annotations

import errno
import logging
import socket
import ssl
from typing import Any, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.IPC import newCSA, shutdownCSA, socketShutdown
from Kamaelia.Internet._addresses import checkPort, describeAddress, familyFor
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Util._arguments import nonNegativeInt

__all__ = ["TCPServer"]

log = logging.getLogger("Kamaelia.Internet.TCPServer")

#: Connections accepted per readiness callback (then other work gets a turn).
_ACCEPTS_PER_TURN = 64
#: Seconds to stop accepting after running out of file descriptors.
_FD_PAUSE = 0.1


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

    Inboxes = {"_oobinfo": "socketShutdown from the connections' adapters",
               "newconnection": "(1.14 compatibility; unused: the socket is watched directly)",
               "control": "serverShutdown / shutdownMicroprocess / producerFinished: "
                          "stop listening and end"}
    Outboxes = {"protocolHandlerSignal": "newCSA(self, adapter, sock) for each connection; "
                                         "shutdownCSA(self, adapter) when one closes",
                "signal": "the shutdown message, passed on when the server ends",
                "_selectorSignal": "(1.14 compatibility; unused)"}

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
        self._links: dict[Any, Any] = {}
        self._accepting = False
        self._resumeTimer: Any = None
        self.listener = self._listen(listenport, options, backlog)
        self.listenport: int = self.listener.getsockname()[1]
        self.address = describeAddress(self.listener.getsockname())

    @property
    def port(self) -> int:
        """The port listened on (the real one, also when 0 was asked for)."""
        return self.listenport

    def _listen(self, port: int, options: Iterable[tuple[int, int, Any]],
                backlog: int) -> socket.socket:
        sock = socket.socket(self.family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            for level, option, value in options:
                sock.setsockopt(level, option, value)
            sock.bind((self.host, port))
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

    # ------------------------------------------------------------------ main
    def main(self) -> Iterator[Any]:
        ending: Any = None
        try:
            self._startAccepting()
            while ending is None:
                while self.dataReady("_oobinfo"):
                    self._connectionClosed(self.recv("_oobinfo"))
                while self.dataReady("control"):
                    message = self.recv("control")
                    if isinstance(message, (shutdownMicroprocess, producerFinished)):
                        ending = message
                        break
                while self.dataReady("newconnection"):
                    self.recv("newconnection")
                if ending is None:
                    self.pause()
                    yield 1
        finally:
            self.close()
        self.send(ending, "signal")

    # ------------------------------------------------------------- accepting
    def _startAccepting(self) -> None:
        if not self._accepting:
            self._accepting = True
            self.scheduler.addReader(self.listener, self._onConnection)

    def _stopAccepting(self) -> None:
        if self._resumeTimer is not None:
            self._resumeTimer.cancel()
            self._resumeTimer = None
        if self._accepting:
            self._accepting = False
            self.scheduler.removeReader(self.listener)

    def _onConnection(self) -> None:
        # Count connections that have closed since main last ran: a client
        # that reconnects at once must not be refused for its old connection.
        while self.dataReady("_oobinfo"):
            self._connectionClosed(self.recv("_oobinfo"))
        for _ in range(_ACCEPTS_PER_TURN):
            try:
                sock, address = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    log.error("%s: cannot accept connections on %s for now: %s; retrying "
                              "in %g s", self.name, self.address, exc.strerror, _FD_PAUSE)
                    self._stopAccepting()
                    self._resumeTimer = self.scheduler.callLater(_FD_PAUSE, self._resume)
                    return
                log.warning("%s: accept failed on %s: %s", self.name, self.address, exc)
                continue                 # e.g. ECONNABORTED: that client gave up
            if self.maxConnections is not None and self.connections >= self.maxConnections:
                log.warning("%s: refused a connection from %s: at maxConnections (%d)",
                            self.name, describeAddress(address), self.maxConnections)
                sock.close()
                continue
            self._newConnection(sock)

    def _resume(self) -> None:
        self._resumeTimer = None
        self._startAccepting()

    def _newConnection(self, sock: socket.socket) -> None:
        sock.setblocking(False)
        if self.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        adapter = self.createConnectedSocket(sock)
        self._links[adapter] = self.link((adapter, "CreatorFeedback"), (self, "_oobinfo"))
        self.connections += 1
        adapter.activate(Scheduler=self.scheduler)
        self.send(newCSA(self, adapter, sock), "protocolHandlerSignal")

    def createConnectedSocket(self, sock: socket.socket) -> ConnectedSocketAdapter:
        """Make the adapter for an accepted socket (override to customise it)."""
        return ConnectedSocketAdapter(sock, sslContext=self.sslContext, serverSide=True,
                                      **self.connectionOptions)

    def _connectionClosed(self, message: Any) -> None:
        if not isinstance(message, socketShutdown):
            return
        adapter = message.caller
        linkage = self._links.pop(adapter, None)
        if linkage is None:
            return
        self.unlink(thelinkage=linkage)
        self.connections -= 1
        self.send(shutdownCSA(self, adapter), "protocolHandlerSignal")

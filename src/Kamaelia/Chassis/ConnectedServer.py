"""Kamaelia.Chassis.ConnectedServer: a TCP server that runs a protocol per connection.

Example Usage
-------------
An echo server on a port chosen by the system; each connection gets its
own ``EchoProtocol`` component, whose inbox is the bytes the client sends
and whose outbox is the bytes sent back::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol

    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")
    print("echo server on port", server.port)
    # server.run()   # serves until it gets serverShutdown on "control"
    server.close()   # (not run here: give the port back)

The protocol factory is called once per connection. If it accepts them,
it gets the keyword arguments ``peer``, ``peerport``, ``localip`` and
``localport`` (as in Kamaelia 1.14), so a protocol can greet or log its
client::

    from Kamaelia.Util.OneShot import OneShot

    def greeter(peer, peerport, **_):
        return OneShot(f"hello {peer}:{peerport}\\n".encode())

    server = ServerCore(protocol=greeter, port=0, host="127.0.0.1")
    server.close()

How does it work?
-----------------
``ServerCore`` makes a :class:`~Kamaelia.Internet.TCPServer.TCPServer` at
once (so ``port`` is the real port, and a port in use raises ``OSError``
when the server is made), and runs it as its child. For each connection
(a ``newCSA`` from it) it calls the factory and links:

* the connection's ``"outbox"`` (bytes received) to the protocol's ``"inbox"``;
* the protocol's ``"outbox"`` to the connection's ``"inbox"`` (bytes to send);
* the protocol's ``"signal"`` to the connection's ``"control"``: a protocol
  that sends ``producerFinished`` has its last bytes written, then the
  connection closed;
* a ``"serversignal"`` outbox of the protocol, if it has one, to the
  server's own ``"control"`` (a protocol can stop the server).

When the client closes its side, the protocol gets ``socketShutdown`` (a
``producerFinished``, as in 1.14) on ``"control"`` (what it sends in answer
is still written). When the protocol
ends, however it ends, the connection is finished: its remaining bytes
written, then the socket closed. When the connection ends (the client reset
it, or it was closed), the protocol gets ``shutdownMicroprocess``. Once both
have ended their linkages are undone and they are forgotten: nothing
accumulates however many clients come and go. ``connectedTo`` counts the
connections open now.

A protocol factory that raises is logged with the client's address, and
that connection is closed; the server goes on. Errors on one connection
(reset, garbage that makes its protocol fail) affect that connection only.

Options beyond 1.14 (keywords): ``host`` and ``family`` (IPv6: an address
with a colon, or ``family=socket.AF_INET6``), ``sslContext`` (TLS: an
``ssl.SSLContext`` with the server's certificate; ``tls=True`` without one is
an error), ``maxConnections`` (connections beyond it are accepted and
closed, with the reason logged), and ``connectionOptions`` (keyword options
for each :class:`~Kamaelia.Internet.ConnectedSocketAdapter.ConnectedSocketAdapter`,
such as ``idleTimeout``, ``sendBufferLimit`` or ``inboxSize``).

Shutdown
--------
``serverShutdown``, ``shutdownMicroprocess`` or ``producerFinished`` on
``"control"``: the listening socket is closed at once (the port can be
bound again straight away), every connection is closed and its protocol
sent ``shutdownMicroprocess``; once all of them have ended, the message is
passed on out of ``"signal"`` and the server ends.

``SimpleServer(protocol, port, socketOptions)`` is ``ServerCore`` with the
1.14 positional arguments, and, as in 1.14, it calls the factory with no
arguments; ``FastRestartServer`` is a ``ServerCore`` (``SO_REUSEADDR`` is
always set, which is what it existed for in 1.14). ``MoreComplexServer`` is
1.14's other name for ``ServerCore``.

1.14's methods
--------------
``main`` calls 1.14's methods, so a subclass may override them:
:meth:`ServerCore.initialiseServerSocket` (make, link and start the
TCPServer; the class in ``TCPS``), :meth:`ServerCore.handleNewConnection`
(a ``newCSA``: make the protocol with :meth:`ServerCore.mkProtocolHandler`
and wire it), :meth:`ServerCore.handleClosedCSA` (a ``shutdownCSA``: the
client has closed its side; the protocol is sent ``socketShutdown``, a
``producerFinished``). ``connectedSockets`` lists the adapters of the open
connections. The TCPServer is made when the ``ServerCore`` is (so that
``port`` is known at once), unless a subclass overrides
``initialiseServerSocket``, which then makes it when the server starts, as
in 1.14.
"""

from __future__ import annotations

import inspect
import logging
import socket
from typing import Any, Callable, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.IPC import newCSA, serverShutdown, shutdownCSA, socketShutdown
from Kamaelia.Internet._addresses import describeAddress, peerInfo
from Kamaelia.Internet.TCPServer import TCPServer
from Kamaelia._logthrottle import RepeatLimiter

__all__ = ["ServerCore", "SimpleServer", "FastRestartServer", "MoreComplexServer"]

log = logging.getLogger("Kamaelia.Chassis.ConnectedServer")
#: A factory that fails fails for every connection: logged at most every 10 s.
repeats = RepeatLimiter(log)

_PEER_INFO = ("peer", "peerport", "localip", "localport")


def _acceptedInfo(factory: Callable[..., Any]) -> tuple[str, ...] | None:
    """Which of the peer-information keywords ``factory`` accepts (None: all)."""
    try:
        parameters = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):        # no signature to read: pass nothing
        return ()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    names = {p.name for p in parameters
             if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                           inspect.Parameter.KEYWORD_ONLY)}
    return tuple(name for name in _PEER_INFO if name in names)


class _Connection:
    """What the server keeps for one connection."""

    __slots__ = ("adapter", "protocol", "adapterEnded", "protocolEnded",
                 "protocolFinishing", "protocolStopping", "toldAdapter")

    def __init__(self, adapter: Any, protocol: Any) -> None:
        self.adapter = adapter
        self.protocol = protocol
        self.adapterEnded = self.protocolEnded = False
        self.protocolFinishing = False      # sent producerFinished
        self.protocolStopping = False       # sent shutdownMicroprocess
        self.toldAdapter = False


class ServerCore(AdaptiveCommsComponent):
    """ServerCore(protocol=factory, port=1601, socketOptions=None, **options)

    A TCP server running ``protocol()`` for each connection (see the module docstring).

    - protocol      -- called once per connection to make its protocol component
    - port          -- port to listen on (0: the system chooses; see ``port``)
    - socketOptions -- ``(level, option, value)`` or a list of them
    - host, family, sslContext, maxConnections, connectionOptions -- see the
      module docstring
    """

    Inboxes = {"_socketactivity": "newCSA / shutdownCSA from the TCPServer",
               "control": "serverShutdown / shutdownMicroprocess / producerFinished: close "
                          "everything and end",
               "inbox": "unused"}
    Outboxes = {"_serversignal": "shutdown to the TCPServer",
                "signal": "the shutdown message, passed on once everything has ended",
                "outbox": "unused"}

    port: int = 1601
    protocol: Any = None
    socketOptions: Any = None
    TCPS: Any = TCPServer
    host: str | None = None
    family: Any = None
    sslContext: Any = None
    tls: bool = False
    maxConnections: int | None = None
    connectionOptions: dict[str, Any] | None = None

    def __init__(self, protocol: Any = None, port: int | None = None,
                 socketOptions: Any = None, **argd: Any) -> None:
        if protocol is not None:
            argd["protocol"] = protocol
        if port is not None:
            argd["port"] = port
        if socketOptions is not None:
            argd["socketOptions"] = socketOptions
        super().__init__(**argd)
        if self.protocol is None or not callable(self.protocol):
            raise ValueError(f"{type(self).__name__} needs protocol= a callable that makes "
                             f"a component for each connection, not {self.protocol!r}")
        if self.tls and self.sslContext is None:
            raise ValueError("tls=True needs sslContext= an ssl.SSLContext holding the "
                             "server's certificate and key")
        self._peerInfo = _acceptedInfo(self.protocol)
        self.connectedTo = 0
        self._connections: dict[Any, _Connection] = {}
        self._finished: list[_Connection] = []
        self.server: Any = None
        # A subclass that overrides initialiseServerSocket makes its own
        # server when it starts (as in 1.14); otherwise make it now, so that
        # ``port`` is the real port at once.
        if type(self).initialiseServerSocket is ServerCore.initialiseServerSocket:
            self._setUpServer()

    @property
    def connectedSockets(self) -> list[Any]:
        """The adapters of the connections open now (1.14's attribute)."""
        return list(self._connections)

    def _setUpServer(self) -> None:
        self.server = self._makeServer()
        self.port = getattr(self.server, "listenport", self.port)
        self.link((self.server, "protocolHandlerSignal"), (self, "_socketactivity"))
        self.link((self, "_serversignal"), (self.server, "control"))

    def initialiseServerSocket(self) -> None:
        """Make the TCPServer (the class in ``TCPS``) unless it was made with
        this server, link it to this one, add it as a child and start it."""
        if self.server is None:
            self._setUpServer()
        self.addChildren(self.server)
        if getattr(self.server, "scheduler", None) is None:      # not activated yet
            self.server.activate(Scheduler=self.scheduler)

    def _makeServer(self) -> Any:
        extra: dict[str, Any] = {}
        for name in ("host", "family", "sslContext", "maxConnections"):
            value = getattr(self, name)
            if value is not None:
                extra[name] = value
        # A client that shuts its sending side still gets its answer: the
        # connection stays open for writing until the protocol has finished.
        if isinstance(self.TCPS, type) and issubclass(self.TCPS, TCPServer):
            extra["connectionOptions"] = {"answerAfterPeerCloses": True,
                                          **(self.connectionOptions or {})}
        elif self.connectionOptions is not None:
            extra["connectionOptions"] = self.connectionOptions
        if self.socketOptions is not None:
            extra["socketOptions"] = self.socketOptions
        try:
            return self.TCPS(listenport=self.port, **extra)
        except OSError as exc:
            # Say which server failed: the TCPServer's own name means
            # little to whoever made this ServerCore.
            error = OSError(exc.errno, f"{self.name}: {exc.strerror or exc}")
            raise error from exc

    def close(self) -> None:
        """Release the listening socket of a server that is never run."""
        if self.server is not None:
            self.server.close()

    # ------------------------------------------------------------------ main
    def main(self) -> Iterator[Any]:
        # Messages are handled in methods, never in this generator's own
        # variables: a name bound here would keep the last connection (and
        # all it held) alive while the server waits for the next event.
        self.initialiseServerSocket()
        ending: Any = None
        clean = False
        try:
            while ending is None:
                self._handleSocketActivity()
                self._tidy()
                ending = self._shutdownRequest()
                if ending is None:
                    self.pause()
                    yield 1
            self.send(serverShutdown(self), "_serversignal")
            self._closeAll()
            while self._connections or not self.server._isStopped():
                self._refuseLateConnections()
                self._tidy()
                if self._connections or not self.server._isStopped():
                    self.pause()
                    yield 1
            clean = True
        finally:
            if not clean:                 # stopped from outside: nothing may linger
                self.close()
                for connection in self._connections.values():
                    connection.adapter.stop()
                    connection.protocol.stop()
            self.removeChild(self.server)
        self.send(ending, "signal")

    def _handleSocketActivity(self) -> None:
        """What the TCPServer said: ``newCSA`` and ``shutdownCSA`` messages."""
        for message in self.Inbox("_socketactivity"):
            if isinstance(message, newCSA):
                self.handleNewConnection(message)
            elif isinstance(message, shutdownCSA):
                self.handleClosedCSA(message)

    def _shutdownRequest(self) -> Any:
        """The first shutdown message on "control", or None (others are dropped)."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (shutdownMicroprocess, producerFinished)):
                return message
        return None

    def _closeAll(self) -> None:
        for connection in list(self._connections.values()):
            self._closeConnection(connection)

    def _refuseLateConnections(self) -> None:
        """While ending: close connections accepted just before the end."""
        for message in self.Inbox("_socketactivity"):
            if isinstance(message, newCSA):
                message.object._deliver(shutdownMicroprocess(self), "control")

    # ------------------------------------------------------------ connections
    def mkProtocolHandler(self, **sock_info: Any) -> Any:
        """Make the protocol component for a connection (1.14 name; override to customise)."""
        accepted = self._peerInfo
        if accepted is None:
            return self.protocol(**sock_info)
        return self.protocol(**{name: sock_info[name] for name in accepted})

    def handleNewConnection(self, newCSAMessage: newCSA) -> None:
        """A connection was accepted (``newCSA``): make its protocol with
        :meth:`mkProtocolHandler`, link the two (see the module docstring) and
        start the protocol (the TCPServer has started the adapter)."""
        message = newCSAMessage
        adapter = message.object
        info = dict(getattr(adapter, "peerInfo", None) or
                    (peerInfo(message.sock, self.port) if message.sock is not None else {}))
        peer = getattr(adapter, "peer", None) or describeAddress(
            (info.get("peer"), info.get("peerport")))
        try:
            protocol = self.mkProtocolHandler(**info)
        except Exception:
            repeats.log(logging.ERROR, "%s: the protocol factory failed for the connection "
                        "from %s; closing that connection", self.name, peer, exc_info=True)
            adapter._deliver(shutdownMicroprocess(self), "control")
            return
        self.link((adapter, "outbox"), (protocol, "inbox"))
        self.link((protocol, "outbox"), (adapter, "inbox"))
        self.link((protocol, "signal"), (adapter, "control"))
        if "serversignal" in protocol.outboxes:
            self.link((protocol, "serversignal"), (self, "control"))
        connection = _Connection(adapter, protocol)
        self._connections[adapter] = connection
        self.connectedTo += 1
        self.addChildren(adapter, protocol)
        adapter._callOnCloseDown.append(lambda: self._ended(connection, adapter=True))
        protocol._callOnCloseDown.append(lambda: self._ended(connection, adapter=False))
        if adapter._isStopped():          # it ended before we heard of it
            self._ended(connection, adapter=True)
        protocol.activate(Scheduler=self.scheduler)
        # What it received before its outbox was linked has moved on to the
        # protocol: let it look again whether it may read (it stops reading
        # while received chunks wait, and linking takes none of them).
        adapter.unpause()

    def handleClosedCSA(self, shutdownCSAMessage: shutdownCSA) -> None:
        """The client closed its side (``shutdownCSA`` from the TCPServer):
        the protocol is sent ``socketShutdown`` (a ``producerFinished``) on
        "control" and finishes; what it still sends is written before the
        connection closes. (In 1.14 this also stopped the connection at once.)"""
        connection = self._connections.get(shutdownCSAMessage.object)
        if connection is not None and not (connection.protocolFinishing or
                                           connection.protocolStopping):
            connection.protocolFinishing = True
            connection.protocol._deliver(socketShutdown(self), "control")

    def _ended(self, connection: _Connection, adapter: bool) -> None:
        if adapter:
            connection.adapterEnded = True
        else:
            connection.protocolEnded = True
        self._finished.append(connection)
        self.unpause()

    def _tidy(self) -> None:
        """Act on connections of which one side or both have ended."""
        finished, self._finished = self._finished, []
        for connection in finished:
            if connection.adapter not in self._connections:
                continue                  # already forgotten
            if connection.adapterEnded and connection.protocolEnded:
                self._forget(connection)
            elif connection.adapterEnded:
                self._stopProtocol(connection)
            elif connection.protocolEnded and not connection.toldAdapter:
                connection.toldAdapter = True
                connection.adapter._deliver(producerFinished(self), "control")

    def _closeConnection(self, connection: _Connection) -> None:
        if not connection.toldAdapter and not connection.adapterEnded:
            connection.toldAdapter = True
            connection.adapter._deliver(shutdownMicroprocess(self), "control")
        self._stopProtocol(connection)

    def _stopProtocol(self, connection: _Connection) -> None:
        if not connection.protocolEnded and not connection.protocolStopping:
            connection.protocolStopping = True
            connection.protocol._deliver(shutdownMicroprocess(self), "control")

    def _forget(self, connection: _Connection) -> None:
        adapter, protocol = connection.adapter, connection.protocol
        del self._connections[adapter]
        self.connectedTo -= 1
        self.removeChild(adapter)
        self.removeChild(protocol)
        # The close-down callbacks hold the record: let it hold nothing more.
        connection.adapter = connection.protocol = None


class SimpleServer(ServerCore):
    """SimpleServer(protocol=None, port=1601, socketOptions=None, **options) -> a ServerCore.

    The 1.14 name and positional arguments for :class:`ServerCore`; as in
    1.14, the protocol factory is called with no arguments.
    """

    def __init__(self, protocol: Any = None, port: int | None = None,
                 socketOptions: Any = None, **argd: Any) -> None:
        super().__init__(protocol, port, socketOptions, **argd)

    def mkProtocolHandler(self, **sock_info: Any) -> Any:
        """``protocol()``: SimpleServer passes no connection information (as in 1.14)."""
        return self.protocol()


class FastRestartServer(ServerCore):
    """FastRestartServer(protocol=None, port=1601, socketOptions=None, **options) -> a ServerCore.

    In 1.14 the server that set ``SO_REUSEADDR`` so that it could be
    restarted at once on the same port. Every server here does that; the
    name (and 1.14's ``socketOptions`` default) are kept for code that uses it.
    """

    socketOptions: Any = (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)


class MoreComplexServer(ServerCore):
    """MoreComplexServer(protocol=factory, port=1601, **options) -> a ServerCore.

    1.14's other name for :class:`ServerCore` (there an alias; here a
    subclass, so that classes 1.14 derived from it keep that base's name).
    """

__kamaelia_components__ = (ServerCore, SimpleServer, FastRestartServer)

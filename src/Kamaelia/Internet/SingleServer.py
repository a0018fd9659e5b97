"""Kamaelia.Internet.SingleServer: a server for one client at a time, as a plain component.

Example Usage
-------------
Whatever the client sends comes out of ``"outbox"``; whatever is sent to
``"inbox"`` goes to the client. Here, a server that shouts back::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.SingleServer import SingleServer
    from Kamaelia.Util.PureTransformer import PureTransformer

    server = SingleServer(port=0, host="127.0.0.1")
    print("one client at a time on port", server.port)
    shouter = Pipeline(server, PureTransformer(bytes.upper))
    # link shouter's outbox back to server's inbox (a Graphline does it neatly)
    server.close()

How does it work?
-----------------
It runs a :class:`~Kamaelia.Internet.TCPServer.TCPServer`. While a client
is connected, its connection's outbox is our outbox and our inbox its
inbox. A client that connects meanwhile waits its turn: its connection is
accepted but not served (what it sends is held, and once a little is held
its connection stops reading, so it cannot flood us) until the clients
before it have gone; then it is served, and what it had sent comes out.
(Pass ``maxConnections`` to refuse clients beyond that many, waiting ones
included.) Messages sent to ``"inbox"`` while no client is connected wait
for the next one.

``TCPS`` (a class attribute, as in 1.14) is the server class it runs, made
as ``TCPS(listenport=port, socketOptions=socketOptions)``;
``FastRestartSingleServer`` is a ``SingleServer`` with 1.14's
``socketOptions`` default (``SO_REUSEADDR``, which every server here sets
anyway). :meth:`SingleServer.handleNewCSA` is 1.14's method for a new
connection (``main`` calls it, so a subclass may override it); the
``"_CSA_signal"`` outbox is linked to the served connection's ``"control"``.
``echo`` is 1.14's little echo component (what arrives on ``"inbox"`` goes
out of ``"outbox"``), handy as the other half of a SingleServer.

Differences from 1.14: there, a client connecting while another was
served was closed at once, and ``producerFinished`` went out of
``"signal"`` each time the served client left (ending whatever came after
the server, which went on listening). Here later clients wait their turn
(``maxConnections=1`` refuses them, as 1.14 did), and ``"signal"`` says only
that the server itself has ended.

Shutdown
--------
``producerFinished``, ``shutdownMicroprocess`` or ``serverShutdown`` on
``"control"``: the listening socket and any connection are closed (with
``producerFinished``, what was already sent to the client is written
first), the message is passed on out of ``"signal"``, and it ends.
"""

from __future__ import annotations

import socket
from collections import deque
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.IPC import newCSA, serverShutdown, shutdownCSA
from Kamaelia.Internet.TCPServer import TCPServer

__all__ = ["SingleServer", "FastRestartSingleServer", "echo"]


class SingleServer(component):
    """SingleServer(port=1601, socketOptions=None, **options) -> one client at a time.

    ``options`` are those of :class:`TCPServer` (``host``, ``family``,
    ``sslContext``, ``maxConnections``, ``connectionOptions``).
    """

    Inboxes = {"inbox": "bytes to send to the connected client",
               "control": "producerFinished / shutdownMicroprocess / serverShutdown: "
                          "close everything and end",
               "_oobinfo": "newCSA / shutdownCSA from the TCPServer"}
    Outboxes = {"outbox": "bytes received from the connected client",
                "signal": "the shutdown message, passed on at the end",
                "_serversignal": "shutdown to the TCPServer",
                "_CSA_signal": "shutdown to the connection being served"}

    port: int = 1601
    socketOptions: Any = None
    TCPS: Any = TCPServer

    def __init__(self, port: int | None = None, socketOptions: Any = None,
                 **options: Any) -> None:
        if port is not None:
            options["port"] = port
        if socketOptions is not None:
            options["socketOptions"] = socketOptions
        serverOptions = {name: options.pop(name) for name in list(options)
                         if name in ("host", "family", "sslContext", "maxConnections",
                                     "connectionOptions")}
        super().__init__(**options)
        if self.socketOptions is not None:
            serverOptions["socketOptions"] = self.socketOptions
        self.server = self.TCPS(listenport=self.port, **serverOptions)
        self.port = self.listenport = self.server.listenport
        self.link((self.server, "protocolHandlerSignal"), (self, "_oobinfo"))
        self.link((self, "_serversignal"), (self.server, "control"))
        self._current: Any = None
        self._waiting: deque[Any] = deque()       # connections waiting their turn
        self._links: list[Any] = []

    def close(self) -> None:
        """Release the listening socket of a server that is never run."""
        self.server.close()

    def main(self) -> Iterator[Any]:
        self.addChildren(self.server)
        self.server.activate(Scheduler=self.scheduler)
        ending: Any = None
        # (messages are handled in methods: a name bound here would keep the
        # last connection alive while the server waits for the next event)
        try:
            while ending is None:
                self._handleServerNews()
                if self._current is not None and self._current._isStopped():
                    self._disconnect()
                while self._current is None and self._waiting:
                    self._connect(self._waiting.popleft())
                ending = self._shutdownRequest()
                if ending is None:
                    self.pause()
                    yield 1
            self.send(serverShutdown(self), "_serversignal")
            self._closeAll(ending)
            while not self.server._isStopped() or self._unfinished():
                self.pause()
                yield 1
        finally:
            self.server.close()
            for waiting in self._waiting:
                waiting.stop()
            self._waiting.clear()
            if self._current is not None:
                if not self._current._isStopped():
                    self._current.stop()
                self._disconnect()
            self.removeChild(self.server)
        self.send(ending, "signal")

    def _handleServerNews(self) -> None:
        for message in self.Inbox("_oobinfo"):
            if isinstance(message, newCSA):
                self.handleNewCSA(message)
            elif isinstance(message, shutdownCSA):
                self._peerClosed(message.object)

    def _shutdownRequest(self) -> Any:
        """The first shutdown message on "control", or None (others are dropped)."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                return message
        return None

    def _closeAll(self, ending: Any) -> None:
        """Finish the connection served (``producerFinished``: what is queued is
        still written) and close those waiting."""
        if self._current is not None:
            self.send(ending if isinstance(ending, producerFinished)
                      else shutdownMicroprocess(self), "_CSA_signal")
        for waiting in self._waiting:
            waiting._deliver(shutdownMicroprocess(self), "control")

    def handleNewCSA(self, data: newCSA) -> None:
        """A client has connected (``newCSA`` from the TCPServer): serve it at
        once if nobody is being served, else it waits its turn."""
        self._waiting.append(data.object)
        data.object._callOnCloseDown.append(self.unpause)
        while self._current is None and self._waiting:
            self._connect(self._waiting.popleft())

    def _unfinished(self) -> bool:
        current = self._current
        return (current is not None and not current._isStopped()) or \
            any(not waiting._isStopped() for waiting in self._waiting)

    def _peerClosed(self, adapter: Any) -> None:
        """A client has closed its side: finish its connection, whether it was
        being served or still waiting."""
        if adapter is self._current:
            self.send(producerFinished(self), "_CSA_signal")
        elif adapter in self._waiting:
            self._waiting.remove(adapter)
            adapter._deliver(producerFinished(self), "control")

    def _connect(self, adapter: Any) -> None:
        if adapter._isStopped():
            return
        self._current = adapter
        self._links = [self.link((self, "inbox"), (adapter, "inbox"), passthrough=1),
                       self.link((adapter, "outbox"), (self, "outbox"), passthrough=2),
                       self.link((self, "_CSA_signal"), (adapter, "control"))]
        self.addChildren(adapter)

    def _disconnect(self) -> None:
        adapter, self._current = self._current, None
        for linkage in self._links:
            self.unlink(thelinkage=linkage)
        self._links = []
        self.removeChild(adapter)


class FastRestartSingleServer(SingleServer):
    """FastRestartSingleServer(port=1601, **options) -> a SingleServer with 1.14's
    ``socketOptions`` default (``SO_REUSEADDR``; every server here sets it anyway)."""

    socketOptions: Any = (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)


class echo(component):
    """echo() -> sends on out of "outbox" whatever arrives on "inbox" (1.14's helper).

    Ends on ``producerFinished`` or ``shutdownMicroprocess`` on "control"
    (after passing on what arrived before it), passing the message on out
    of "signal".
    """

    Inboxes = {"inbox": "anything: sent straight back out", "control": "shutdown signalling"}
    Outboxes = {"outbox": "what arrived on inbox", "signal": "shutdown signalling"}

    def main(self) -> Iterator[Any]:
        while not self._passedOn():
            if not self.anyReady():
                self.pause()
            yield 1

    def _passedOn(self) -> bool:
        """Send on what arrived; True once told to stop (the message passed on)."""
        for message in self.Inbox("inbox"):
            self.send(message, "outbox")
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                for data in self.Inbox("inbox"):
                    self.send(data, "outbox")
                self.send(message, "signal")
                return True
        return False


__kamaelia_components__ = (SingleServer, FastRestartSingleServer, echo)

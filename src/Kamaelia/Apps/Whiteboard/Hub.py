"""WhiteboardHub: one whiteboard instance -- its board, backplane, servers and client.

Example Usage
-------------
A serving instance with no window (a relay, or the board behind browsers),
run until told to stop::

    from Kamaelia.Apps.Whiteboard.Hub import WhiteboardHub

    hub = WhiteboardHub(serveport=0, host="127.0.0.1")   # 0: any free port
    print(hub.port, hub.webPort)     # the TCP port, and the browser page's port
    # hub.run() serves until producerFinished/shutdownMicroprocess arrives on "control"

``kamaelia whiteboard --serveport 1500`` is this with a window (and the web
page on port 1501); ``--connectto host:1500`` adds a client; both make a
relay.

How does it work?
-----------------
The hub makes, as its children: a ``Backplane`` (``backplane``, 1.14's
``"WHITEBOARD"`` unless told otherwise: give each hub in one process its
own); the board's keeper on it (``Network.localBoard``, with ``window`` if
one is given); with ``serveport``, a ``WhiteboardServer`` on it and, unless
``web=False``, a ``WebWhiteboardServer`` on ``serveport + 1`` (or on a port
of its own when ``serveport`` is 0); with ``connectto=(host, port)``, a
``WhiteboardClient``. The servers exist as soon as the hub is made, so
``hub.port`` and ``hub.webPort`` are the real ports and a port in use
raises ``OSError`` at once.

``"outbox"`` carries status lines (the client's joining and retrying).
Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``
stops the servers and the client (closing every connection), then the
board (and its window), then the backplane; when all have ended the
message leaves on ``"signal"``. A window that is closed ends its board;
the hub then stops the rest the same way.
"""

from __future__ import annotations

import ssl
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess, shutdownRequest
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Keeper import BoardKeeper
from Kamaelia.Apps.Whiteboard.Network import (BACKPLANE, MAX_LINE, WebWhiteboardServer,
                                              WhiteboardClient, WhiteboardServer, localBoard)
from Kamaelia.IPC import serverShutdown
from Kamaelia.Util.Backplane import Backplane

__all__ = ["WhiteboardHub"]


class WhiteboardHub(component):
    """WhiteboardHub(board=None, serveport=None, host=None, connectto=None, token=None, ...)

    See the module. ``board`` defaults to a new ``Board()``; ``host`` is the
    address the servers listen on (None: every interface); ``sslContext``
    makes both servers speak TLS; ``clientOptions`` go to the client's
    ``TCPClient`` (``sslContext``, ``tls``); ``retry`` is the client's.
    """

    Inboxes = {"inbox": "not used", "control": "producerFinished or shutdownMicroprocess",
               "_ended": "children's ends"}
    Outboxes = {"outbox": "status lines", "signal": "the shutdown message, passed on",
                "_stopServer": "", "_stopWeb": "", "_stopClient": "", "_stopBoard": "",
                "_stopBackplane": ""}

    def __init__(self, board: Board | None = None, serveport: int | None = None,
                 host: str | None = None, connectto: tuple[str, int] | None = None,
                 token: str | None = None, sslContext: ssl.SSLContext | None = None,
                 web: bool = True, window: Any = None, backplane: str = BACKPLANE,
                 retry: tuple[float, float] | None = (1.0, 30.0),
                 clientOptions: dict[str, Any] | None = None, maxLine: int = MAX_LINE,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.board = board if board is not None else Board()
        self.backplane = backplane
        self._backplane = Backplane(backplane)
        #: The board's keeper: local actions go to its "local" inbox.
        self.keeper = BoardKeeper(self.board)
        self._board = localBoard(self.board, backplane, window, self.keeper)
        self._server = self._web = self._client = None
        self.port = self.webPort = None
        if serveport is not None:
            self._server = WhiteboardServer(self.board, serveport, host, backplane, token,
                                            sslContext, maxLine=maxLine)
            self.port = self._server.port
            if web:
                self._web = WebWhiteboardServer(self.board, self.port + 1 if serveport else 0,
                                                host, backplane, token, sslContext)
                self.webPort = self._web.port
        if connectto is not None:
            self._client = WhiteboardClient(self.board, connectto[0], connectto[1], backplane,
                                            token, retry, **(clientOptions or {}))

    def _parts(self) -> list[tuple[Any, str, Any]]:
        """(child, its stop outbox, the message that stops it), in stopping order."""
        parts = [(self._server, "_stopServer", serverShutdown()),
                 (self._web, "_stopWeb", serverShutdown()),
                 (self._client, "_stopClient", shutdownMicroprocess()),
                 (self._board, "_stopBoard", producerFinished(self)),
                 (self._backplane, "_stopBackplane", producerFinished(self))]
        return [(child, box, message) for child, box, message in parts if child is not None]

    def main(self) -> Iterator[Any]:
        running = set()
        for child, box, _message in reversed(self._parts()):
            self.link((self, box), (child, "control"))
            self.link((child, "signal"), (self, "_ended"))
            running.add(child)
            self.addChildren(child)
            child.activate()
        if self._client is not None:
            self.link((self._client, "outbox"), (self, "outbox"), passthrough=2)
        stop = None
        while stop is None:
            stop = self._stopRequest()
            if stop is None and self._board._isStopped():
                stop = producerFinished(self)        # the window was closed
            if stop is None:
                self.pause()
                yield 1
        for child, box, message in self._parts():
            if not child._isStopped():
                self.send(message, box)
            while not child._isStopped():
                self.pause()
                yield 1
                self.Inbox("_ended")
            self.removeChild(child)
        self.send(stop, "signal")

    def _stopRequest(self) -> Any:
        self.Inbox("_ended")            # (a child's end wakes us; its message is not needed)
        return shutdownRequest(self)

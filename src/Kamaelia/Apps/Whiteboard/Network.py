"""The whiteboard on the network: every instance a hub; serve, join, or both.

Example Usage
-------------
A hub serving on a port the system picks, and a second instance joining
it; what one draws reaches the other's board::

    import threading

    from Axon.Ipc import shutdownMicroprocess
    from Axon.Scheduler import scheduler
    from Kamaelia.Util.Backplane import Backplane
    from Kamaelia.Apps.Whiteboard.Board import Board
    from Kamaelia.Apps.Whiteboard.Network import (WhiteboardClient, WhiteboardServer,
                                                  localBoard)

    served, joined = Board(size=(64, 48)), Board(size=(64, 48))
    Backplane("SERVED").activate()
    Backplane("JOINED").activate()
    server = WhiteboardServer(served, port=0, backplane="SERVED")
    server.activate()
    keeper = localBoard(served, backplane="SERVED")      # the serving end's own board
    keeper.activate()
    localBoard(joined, backplane="JOINED").activate()
    WhiteboardClient(joined, "127.0.0.1", server.port, backplane="JOINED").activate()
    ...

(``examples/whiteboard_two_boards.py`` is this, run to the end.)

How does it work?
-----------------
As in Kamaelia 1.14, each instance has a ``Backplane`` (named
``"WHITEBOARD"`` unless told otherwise) that everything on it is published
to and heard from. Its own board -- a
:class:`~Kamaelia.Apps.Whiteboard.Keeper.BoardKeeper`, with a window or
without -- joins it inside a ``TagAndFilterWrapper`` (:func:`localBoard`),
so it never hears its own messages back. Each network connection, whether
accepted by :func:`WhiteboardServer` (TCP, 1.14's protocol), by
:func:`WebWhiteboardServer` (the browser page and its WebSocket) or made by
:class:`WhiteboardClient`, is a :class:`PeerConnection` on the same
backplane: what its peer sends is published tagged with the connection's
id, and everything published with another id is sent to its peer. An
instance that serves and joins is therefore a relay. (Do not join them in a
ring: a message would go round for ever, as in 1.14.)

:class:`PeerConnection`, for each connection:

* cuts the bytes from its peer into lines (at most ``maxLine`` bytes:
  16 MiB, room for any page's SETIMG), reads each line with
  ``Tokenisation.decodeLine`` and checks it with ``Commands.checkMessage``.
  Anything malformed -- garbage, an overlong line, a SETIMG that does not
  inflate to its size, a page out of range, a command 1.14 kept local --
  closes this connection, with the reason logged (logger
  ``Kamaelia.Apps.Whiteboard.Network``, naming the peer); the hub and every
  other connection go on. What arrived before it has been handled; the
  line at fault is not published.
* with a ``token``, refuses everything until its peer has sent
  ``AUTH token`` as its first command (compared in constant time): anything
  else closes the connection.
* answers ``GETIMG`` itself, from the board (``Board.snapshot``: every
  page, then ``PAGE current count`` and 1.14's ``SETIMG`` of the current
  page), to its own peer only; 1.14 published GETIMG to everyone, and every
  board answered to everyone. GETIMG and AUTH are never passed on.
* sends ``greeting`` first (a joining client: ``AUTH`` if it has a token,
  then ``GETIMG``, as 1.14's client did), then, as they are published,
  everybody else's messages, encoded once per message however many
  connections send it.

A peer that disconnects in the middle of a stroke loses only the line it
had not finished; the segments already sent stay drawn. Its
``WhiteboardClient`` reconnects (after 1 s, doubling to 30 s while it
fails) and asks for the board again, so it catches up with what it missed.

TLS: give the servers an ``ssl.SSLContext`` (``sslContext=``) holding the
certificate, and the client one that trusts it (or ``tls=True`` for the
system's trust).

Shutdown: the servers and the client end on ``producerFinished`` or
``shutdownMicroprocess`` on ``"control"``, closing their connections.
"""

from __future__ import annotations

import hmac
import logging
import ssl
import time
from typing import Any, Iterator, Sequence

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess, shutdownRequest
from Kamaelia.Apps.Whiteboard.Board import Board
from Kamaelia.Apps.Whiteboard.Commands import BadCommand, checkMessage
from Kamaelia.Apps.Whiteboard.Keeper import BoardKeeper
from Kamaelia.Apps.Whiteboard.TagFiltering import TagAndFilterWrapper
from Kamaelia.Apps.Whiteboard.Tokenisation import (MAX_WHITEBOARD_LINE, TokenisationError,
                                                   decodeLine, encodeTokens)
from Kamaelia.Apps.Whiteboard.WebClient import pageHtml
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.WebSocket import WebSocketServer
from Kamaelia.Util.Backplane import PublishTo, SubscribeTo

__all__ = ["BACKPLANE", "MAX_LINE", "PeerConnection", "peerConnection", "localBoard",
           "WhiteboardServer", "WebWhiteboardServer", "WhiteboardClient"]

log = logging.getLogger(__name__)

#: The backplane an instance's board and connections meet on (1.14's name).
BACKPLANE = "WHITEBOARD"
#: The longest line a peer may send (bytes): 16 MiB, room for any page's SETIMG.
MAX_LINE = MAX_WHITEBOARD_LINE

#: Commands a connection handles itself and never passes on.
_PRIVATE = ("GETIMG", "AUTH")


class _Published(list):  # type: ignore[type-arg]
    """A checked message on its way round the backplane, with the line that carries it.

    (Every connection sends the same bytes for it, made once -- usually the
    peer's own line, checked -- instead of once per connection: that is what
    lets one hub feed many peers.)
    """

    __slots__ = ("line",)

    def __init__(self, commands: list[list[Any]], line: bytes) -> None:
        super().__init__(commands)
        self.line = line


class PeerConnection(component):
    """PeerConnection(board, token=None, greeting=(), peer="peer", maxLine=MAX_LINE)

    One connection's end of the hub; see the module. Boxes: ``"inbox"``
    bytes from the peer, ``"outbox"`` bytes to it; ``"toHub"`` what to
    publish, ``"fromHub"`` everything published ((tag, message) pairs);
    ``"stopHub"`` ends the publishing and hearing parts when it ends.
    """

    Inboxes = {"inbox": "bytes from the peer",
               "fromHub": "(tag, message) pairs published on the backplane",
               "control": "producerFinished (the peer closed) or shutdownMicroprocess"}
    Outboxes = {"outbox": "bytes for the peer",
                "toHub": "(tag, message) pairs to publish",
                "stopHub": "shutdownMicroprocess for the backplane's parts, at the end",
                "signal": "producerFinished when this connection is to be closed"}

    def __init__(self, board: Board, token: str | None = None,
                 greeting: Sequence[list[list[Any]]] = (), peer: str = "peer",
                 maxLine: int = MAX_LINE, **argd: Any) -> None:
        super().__init__(**argd)
        if token is not None and (not isinstance(token, str) or not token):
            raise ValueError(f"token must be a non-empty str or None, got {token!r}")
        self.board = board
        self.token = token
        self.greeting = list(greeting)
        self.peer = peer
        self.maxLine = maxLine
        self._buffer = bytearray()
        self._authenticated = token is None
        self._closing: str | None = None
        self._batch: list[list[Any]] = []
        self._batchLines: list[bytes] = []

    def main(self) -> Iterator[Any]:
        for message in self.greeting:
            self.send(encodeTokens(message), "outbox")
        while True:
            ending = shutdownRequest(self)
            self._handleWaiting()
            if ending is not None and self._closing is None:
                # The peer closed its side (or the connection ended): a line it
                # did not finish is dropped, as if never sent.
                self._closing = ""
            if self._closing is not None:
                break
            if not self.anyReady():
                self.pause()
            yield 1
        if self._closing:
            log.warning("closing the connection from %s: %s", self.peer, self._closing)
        self.send(shutdownMicroprocess(), "stopHub")
        self.send(producerFinished(self), "signal")

    def _handleWaiting(self) -> None:
        while self.dataReady("inbox") and self._closing is None:
            self._received(self.recv("inbox"))
        if self._closing is None:
            self._sendPublished()
        else:
            self.Inbox("fromHub")   # (drained: nothing more goes to a peer being closed)

    # -- From the peer -----------------------------------------------------------------------

    def _received(self, data: Any) -> None:
        if isinstance(data, str):           # (a text WebSocket message)
            data = data.encode("utf-8", "surrogateescape")
        if not isinstance(data, (bytes, bytearray)):
            self._closing = f"not bytes: {type(data).__name__}"
            return
        buffer = self._buffer
        buffer += data
        start = 0
        while self._closing is None:
            end = buffer.find(b"\n", start)
            if end < 0:
                break
            self._line(bytes(buffer[start:end]))
            start = end + 1
        self._publish()                 # (what came before a bad line is kept)
        del buffer[:start]
        if self._closing is None and len(buffer) > self.maxLine:
            self._closing = f"a line longer than {self.maxLine} bytes"

    def _line(self, line: bytes) -> None:
        if not line.strip(b" \r"):
            return                          # (blank lines: nothing to do)
        try:
            message = checkMessage(decodeLine(line, maxlength=self.maxLine))
        except (TokenisationError, BadCommand) as exc:
            self._closing = f"{exc} (line {line[:60]!r}{'...' if len(line) > 60 else ''})"
            return
        commands = len(message)
        if not self._authenticated:
            if (message[0][0] == "AUTH" and self.token is not None
                    and hmac.compare_digest(message[0][1].encode("utf-8", "surrogateescape"),
                                            self.token.encode("utf-8"))):
                self._authenticated = True
            else:
                self._closing = "it did not begin with the right AUTH token"
                return
        if any(command[0] == "GETIMG" for command in message):
            self._publish()             # (what the peer sent before goes first)
            for reply in self.board.snapshot():
                self.send(encodeTokens(reply), "outbox")
        public = [command for command in message if command[0] not in _PRIVATE]
        if public:
            self._batch.extend(public)
            # Checked, and nothing taken out: the peer's own bytes are the line
            # to pass on (re-encoding each stroke was an eighth of a hub's time).
            self._batchLines.append(line + b"\n" if len(public) == commands
                                    else encodeTokens(public))

    def _publish(self) -> None:
        """Publish the lines read since the last time, as one message.

        All the whole lines of one read go round the backplane together: the
        backplane's cost is per message and per subscriber, so a peer drawing
        fast (many segments a read) costs the hub a fraction of one message
        per segment. Their commands stay in order, and so do their bytes.
        """
        if self._batch:
            self.send((self.name, _Published(self._batch, b"".join(self._batchLines))), "toHub")
            self._batch, self._batchLines = [], []

    # -- To the peer -------------------------------------------------------------------------

    def _sendPublished(self) -> None:
        lines = []
        me = self.name
        for item in self.Inbox("fromHub"):
            # (The hot loop of a hub: once per message per connection.)
            if type(item) is tuple and len(item) == 2:
                tag, message = item
            else:
                log.error("%s: not a (tag, message) pair from the hub: %.60r", me, item)
                continue
            if tag == me:
                continue
            if type(message) is _Published:
                lines.append(message.line)
                continue
            public = [command for command in message if command[0] not in _PRIVATE]
            if public:
                lines.append(encodeTokens(public))
        if lines:
            # One write for the round: fewer, larger sends to the socket.
            self.send(b"".join(lines), "outbox")


def peerConnection(board: Board, backplane: str = BACKPLANE, **options: Any) -> Graphline:
    """A :class:`PeerConnection` joined to ``backplane``: what a server makes per connection."""
    return Graphline(
        PEER=PeerConnection(board, **options),
        PUBLISH=PublishTo(backplane),
        HEAR=SubscribeTo(backplane),
        linkages={("self", "inbox"): ("PEER", "inbox"),
                  ("PEER", "outbox"): ("self", "outbox"),
                  ("PEER", "toHub"): ("PUBLISH", "inbox"),
                  ("HEAR", "outbox"): ("PEER", "fromHub"),
                  ("self", "control"): ("PEER", "control"),
                  ("PEER", "stopHub"): ("PUBLISH", "control"),
                  ("PUBLISH", "signal"): ("HEAR", "control"),
                  ("PEER", "signal"): ("self", "signal")})


def localBoard(board: Board, backplane: str = BACKPLANE, window: Any = None,
               keeper: BoardKeeper | None = None) -> Pipeline:
    """The instance's own board on ``backplane``: a BoardKeeper (and its window, if any)."""
    keeper = keeper if keeper is not None else BoardKeeper(board)
    if window is None:
        target: Any = keeper
    else:
        target = Graphline(
            KEEPER=keeper, WINDOW=window,
            linkages={("self", "inbox"): ("KEEPER", "inbox"),
                      ("KEEPER", "outbox"): ("self", "outbox"),
                      ("WINDOW", "outbox"): ("KEEPER", "local"),
                      ("KEEPER", "changed"): ("WINDOW", "inbox"),
                      ("KEEPER", "status"): ("WINDOW", "status"),
                      ("self", "control"): ("KEEPER", "control"),
                      ("KEEPER", "signal"): ("WINDOW", "control"),
                      ("WINDOW", "signal"): ("self", "signal")})
    return Pipeline(SubscribeTo(backplane), TagAndFilterWrapper(target), PublishTo(backplane))


def _describe(info: dict[str, Any]) -> str:
    peer, port = info.get("peer"), info.get("peerport")
    return f"{peer}:{port}" if peer is not None else "a peer"


def WhiteboardServer(board: Board, port: int = 1500, host: str | None = None,
                     backplane: str = BACKPLANE, token: str | None = None,
                     sslContext: ssl.SSLContext | None = None, maxLine: int = MAX_LINE,
                     **options: Any) -> ServerCore:
    """Serve the board over 1.14's TCP protocol (1.14's default port, 1500)."""
    def protocol(**info: Any) -> Graphline:
        return peerConnection(board, backplane, token=token, peer=_describe(info),
                              maxLine=maxLine)
    return ServerCore(protocol=protocol, port=port, host=host, sslContext=sslContext, **options)


def WebWhiteboardServer(board: Board, port: int = 1501, host: str | None = None,
                        backplane: str = BACKPLANE, token: str | None = None,
                        sslContext: ssl.SSLContext | None = None,
                        **options: Any) -> WebSocketServer:
    """Serve the browser page, and its WebSocket onto the board, on ``port``."""
    def protocol() -> Graphline:
        return peerConnection(board, backplane, token=token, peer="a browser")
    options.setdefault("maxMessageSize", MAX_LINE)
    # path=None: the page on every path (so at "/"), and the WebSocket the page opens.
    return WebSocketServer(protocol, port=port, host=host, path=None,
                           page=pageHtml(), sslContext=sslContext, **options)


class WhiteboardClient(component):
    """WhiteboardClient(board, host, port, backplane=BACKPLANE, token=None, retry=(1, 30), **tcp)

    Joins the hub at ``host:port`` and keeps joining: when the connection
    ends it tries again after ``retry[0]`` seconds, doubling to ``retry[1]``
    while attempts fail (``retry=None``: once only, then it ends). ``tcp``
    options go to each ``TCPClient`` (``sslContext``, ``tls``, ...).
    ``"outbox"`` sends a line of text on each change of state; a lost
    connection is logged as a warning too.
    """

    Inboxes = {"inbox": "not used", "control": "producerFinished or shutdownMicroprocess",
               "_ended": "the attempt's end"}
    Outboxes = {"outbox": "status lines: connected, disconnected (retrying)",
                "signal": "the shutdown message, passed on", "_stop": "to the attempt"}

    #: An attempt that lasted this long (seconds) was a working connection:
    #: the next retry waits the shortest time again.
    STEADY = 10.0

    def __init__(self, board: Board, host: str, port: int, backplane: str = BACKPLANE,
                 token: str | None = None, retry: tuple[float, float] | None = (1.0, 30.0),
                 **tcp: Any) -> None:
        super().__init__()
        TCPClient(host, port, **tcp)        # (checks the address and options now)
        self.board, self.host, self.port = board, host, port
        self.backplane, self.token, self.retry, self.tcp = backplane, token, retry, tcp
        self._timeUp = False

    def _attempt(self) -> Graphline:
        greeting = ([[["AUTH", self.token]]] if self.token else []) + [[["GETIMG"]]]
        return Graphline(
            NET=TCPClient(self.host, self.port, **self.tcp),
            PEER=peerConnection(self.board, self.backplane, token=None, greeting=greeting,
                                peer=f"{self.host}:{self.port}"),
            linkages={("NET", "outbox"): ("PEER", "inbox"),
                      ("PEER", "outbox"): ("NET", "inbox"),
                      ("NET", "signal"): ("PEER", "control"),
                      ("PEER", "signal"): ("NET", "control")})

    def main(self) -> Iterator[Any]:
        delay = self.retry[0] if self.retry else 0.0
        while True:
            attempt = self._attempt()
            self.link((self, "_stop"), (attempt, "control"))
            self.link((attempt, "signal"), (self, "_ended"))
            self.addChildren(attempt)
            attempt.activate()
            began = time.monotonic()
            self.send(f"joining {self.host}:{self.port}", "outbox")
            stop = None
            while not self.dataReady("_ended"):
                if stop is None:
                    stop = shutdownRequest(self)
                    if stop is not None:
                        self.send(shutdownMicroprocess(), "_stop")
                self.pause()
                yield 1
            self.recv("_ended")
            self.removeChild(attempt)
            self.unlink(attempt)
            stop = stop or shutdownRequest(self)
            if stop is not None or self.retry is None:
                self.send(stop or producerFinished(self), "signal")
                return
            if time.monotonic() - began >= self.STEADY:
                delay = self.retry[0]
            report = f"disconnected from {self.host}:{self.port}; retrying in {delay:g} s"
            log.warning("%s", report)
            self.send(report, "outbox")
            self._timeUp = False
            timer = self.scheduler.callLater(delay, self._wake)
            while not self._timeUp:
                stop = shutdownRequest(self)
                if stop is not None:
                    timer.cancel()
                    self.send(stop, "signal")
                    return
                self.pause()
                yield 1
            delay = min(self.retry[1], delay * 2)

    def _wake(self) -> None:
        self._timeUp = True
        self.unpause()

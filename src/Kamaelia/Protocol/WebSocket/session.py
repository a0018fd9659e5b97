"""Kamaelia.Protocol.WebSocket.session: the server end of one WebSocket, sans-I/O.

Example Usage
-------------
A :class:`WebSocketSession` is a plain object: bytes from the client go in
(:meth:`~WebSocketSession.receive`), whole messages come out, and the bytes
to send back wait in :meth:`~WebSocketSession.output`. No sockets, no
scheduler, so it is driven here with a handshake written by hand::

    from Kamaelia.Protocol.WebSocket.session import WebSocketSession

    session = WebSocketSession(path="/chat")
    session.receive(b"GET /chat HTTP/1.1\\r\\nHost: example.com\\r\\n"
                    b"Upgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
                    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n"
                    b"Sec-WebSocket-Version: 13\\r\\n\\r\\n")
    print(session.output().split(b"\\r\\n")[0], session.state)
    # a masked text frame "hi", as a browser sends it:
    print(session.receive(bytes([0x81, 0x82, 1, 2, 3, 4, ord("h") ^ 1, ord("i") ^ 2])))
    session.sendMessage("hello")
    print(session.output())

prints::

    b'HTTP/1.1 101 Switching Protocols' open
    ['hi']
    b'\\x81\\x05hello'

Rules it keeps
--------------
The wire format, the handshake's checks, masking, UTF-8 checking of text,
fragments and permessage-deflate are ``wsproto``'s. This object adds what a
server needs around it:

1. **The handshake ends at the first blank line.** Only the request head is
   given to wsproto; whatever follows it (frames sent early) is fed to the
   connection once it is open, so nothing the client sent is lost. A head
   longer than ``maxHandshakeSize`` is refused with 431; a request that is
   not a WebSocket upgrade with wsproto's status (400, or 426 for a wrong
   ``Sec-WebSocket-Version``); a path other than ``path`` (unless ``path`` is
   None) with 404. With a ``page``, a plain ``GET`` of ``path`` gets that
   page (200) instead of a refusal. A refusal is a complete HTTP response, after which the
   session is ``"closed"``.
2. **Messages come out whole**: fragments are joined, text as ``str``, binary
   as ``bytes``. A message longer than ``maxMessageSize`` (characters for
   text, bytes for binary) is dropped and the session closes with 1009. With
   compression on, the input is fed in 4 KiB slices and the size checked
   after each, so a small compressed message cannot inflate past the limit
   by more than one slice's worth (a "deflate bomb").
3. **Pings are answered** with a pong at once; pongs are noted
   (:attr:`~WebSocketSession.awaitingPong`) for a keep-alive.
4. **Closing**: a close from the peer is answered and the session is
   ``"closed"`` (the server then closes the TCP connection, as RFC 6455
   wants). :meth:`~WebSocketSession.close` sends ours and waits
   (``"closing"``) for the peer's reply; what it sends meanwhile is
   dropped. Bad input (a protocol error: 1002, bad UTF-8: 1007) *fails* the
   connection: our close frame is sent and the session is ``"closed"`` at
   once, without waiting. End of file from the peer closes it too (1006 when
   no close frame was exchanged).
5. Nothing the peer sends raises: every failure becomes a refusal or a
   close, with the reason in :attr:`~WebSocketSession.problem`.

States: ``"handshake"`` -> ``"open"`` -> ``"closing"`` (we sent a close) ->
``"closed"``; any state may go straight to ``"closed"``.
"""

from __future__ import annotations

import http
import re

import h11
from typing import Any, Sequence

from wsproto import ConnectionType, WSConnection
from wsproto.connection import ConnectionState
from wsproto.events import (AcceptConnection, BytesMessage, CloseConnection, Event, Ping, Pong,
                            RejectConnection, Request, TextMessage)
from wsproto.extensions import Extension, PerMessageDeflate
from wsproto.utilities import RemoteProtocolError

__all__ = ["WebSocketSession", "Message"]

#: What a session delivers: text frames as str, binary as bytes.
Message = str | bytes

_HEAD_END = re.compile(rb"\r?\n\r?\n")
#: Compressed input is fed in slices this big (see rule 2).
_COMPRESSED_SLICE = 4096
#: A close frame's reason must fit in 123 bytes of UTF-8.
_REASON_LIMIT = 120


def _shortReason(reason: str) -> str:
    encoded = reason.encode("utf-8")[:_REASON_LIMIT]
    return encoded.decode("utf-8", "ignore")


class WebSocketSession:
    """WebSocketSession(path="/", maxMessageSize=1048576, maxHandshakeSize=65536,
    compression=True, subprotocols=()) -> the server end of one WebSocket

    - path             -- the only request path accepted (the query is ignored);
      None accepts any
    - maxMessageSize   -- the longest message accepted (see the module docstring)
    - maxHandshakeSize -- the longest request head accepted, in bytes
    - compression      -- accept permessage-deflate when the client offers it
    - subprotocols     -- subprotocols we speak, in order of preference; the
      first the client also offers is chosen
    - page             -- HTML (str or bytes) answered to a plain ``GET`` of
      ``path`` (no upgrade): the page that opens the WebSocket, served from
      the same port. None (the default): a plain GET is refused with 400

    Attributes: ``state``; ``request`` (once open: a dict with ``"target"``,
    ``"path"``, ``"host"``, ``"headers"`` (lower-case names, repeats joined
    with ", "), ``"subprotocol"``, ``"compressed"``); ``closeCode`` and
    ``closeReason`` (the peer's if it closed first, else ours);
    ``rejected`` (the HTTP status of a refused handshake, else None);
    ``problem`` (what was wrong with the peer's input, else None).
    """

    def __init__(self, path: str | None = "/", maxMessageSize: int = 1 << 20,
                 maxHandshakeSize: int = 1 << 16, compression: bool = True,
                 subprotocols: Sequence[str] = (), page: str | bytes | None = None) -> None:
        if path is not None and (not isinstance(path, str) or not path.startswith("/")):
            raise ValueError(f"path must be None or a str starting with '/', not {path!r}")
        for name, value in (("maxMessageSize", maxMessageSize),
                            ("maxHandshakeSize", maxHandshakeSize)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, not {value!r}")
        if isinstance(subprotocols, str) or not all(isinstance(s, str) for s in subprotocols):
            raise ValueError(f"subprotocols must be a sequence of str, not {subprotocols!r}")
        if page is not None and not isinstance(page, (str, bytes)):
            raise ValueError(f"page must be None or the HTML of a page (str or bytes), "
                             f"not {page!r:.60}")
        self.page = page.encode("utf-8") if isinstance(page, str) else page
        self.path = path
        self.maxMessageSize = maxMessageSize
        self.maxHandshakeSize = maxHandshakeSize
        self.compression = bool(compression)
        self.subprotocols = tuple(subprotocols)
        self.state = "handshake"
        self.request: dict[str, Any] | None = None
        self.closeCode: int | None = None
        self.closeReason = ""
        self.rejected: int | None = None
        self.problem: str | None = None
        self.awaitingPong = False
        self.compressed = False
        self._ws = WSConnection(ConnectionType.SERVER)
        self._head = bytearray()
        self._out = bytearray()
        self._parts: list[Message] = []
        self._size = 0

    # ------------------------------------------------------------ input
    def receive(self, data: bytes | None) -> list[Message]:
        """Feed bytes from the peer (None: it closed its side); returns the
        messages they completed, in order."""
        if self.state == "closed":
            return []
        if data is None:
            self._endOfFile()
            return []
        if self.state == "handshake":
            searchFrom = max(0, len(self._head) - 3)
            self._head += data
            end = _HEAD_END.search(self._head, searchFrom)
            if end is None or end.end() > self.maxHandshakeSize:
                if end is not None or len(self._head) > self.maxHandshakeSize:
                    self._reject(431, f"the request head is longer than "
                                      f"{self.maxHandshakeSize} bytes")
                return []
            head, rest = bytes(self._head[:end.end()]), bytes(self._head[end.end():])
            self._head = bytearray()
            self._handshake(head)
            if self.state != "open" or not rest:
                return []
            data = rest
        return self._frames(data)

    def _handshake(self, head: bytes) -> None:
        if self.page is not None and self._servedPage(head):
            return
        try:
            self._ws.receive_data(head)
            events = list(self._ws.events())
        except RemoteProtocolError as exc:
            hint = exc.event_hint
            if isinstance(hint, RejectConnection):
                extra = [(bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                         for k, v in hint.headers]
                self._reject(hint.status_code, str(exc), extra)
            else:
                self._reject(400, str(exc))
            return
        except Exception as exc:           # noqa: BLE001 - bad input never raises (rule 5)
            self._reject(400, f"a malformed request ({type(exc).__name__}: {exc})")
            return
        request = next((e for e in events if isinstance(e, Request)), None)
        if request is None:
            self._reject(400, "not an HTTP request head")
            return
        path = request.target.split("?", 1)[0]
        if self.path is not None and path != self.path:
            self._reject(404, f"no WebSocket at {path!r}")
            return
        offered = list(request.subprotocols)
        subprotocol = next((s for s in self.subprotocols if s in offered), None)
        extensions: list[Extension] = [PerMessageDeflate()] if self.compression else []
        try:
            self._out += self._ws.send(AcceptConnection(subprotocol=subprotocol,
                                                        extensions=extensions))
        except Exception as exc:           # noqa: BLE001 - e.g. unparsable extension offers
            self._ws = WSConnection(ConnectionType.SERVER)
            self._reject(400, f"a malformed handshake ({type(exc).__name__}: {exc})")
            return
        self.compressed = any(extension.enabled() for extension in extensions)
        headers: dict[str, str] = {}
        for name, value in request.extra_headers:
            key = bytes(name).decode("latin-1").lower()
            text = bytes(value).decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
        self.request = {"target": request.target, "path": path, "host": request.host,
                        "headers": headers, "subprotocol": subprotocol,
                        "compressed": self.compressed}
        self.state = "open"

    def _servedPage(self, head: bytes) -> bool:
        """A plain GET (no upgrade) when there is a ``page``: answer it (200
        with the page on ``path``, else 404) and close; True if it was one."""
        parser = h11.Connection(h11.SERVER)
        try:
            parser.receive_data(head)
            request = parser.next_event()
        except h11.RemoteProtocolError:
            return False                    # (wsproto refuses it with the reason)
        if not isinstance(request, h11.Request) or request.method != b"GET" or \
                any(name == b"upgrade" for name, _ in request.headers):
            return False
        path = request.target.split(b"?", 1)[0].decode("latin-1")
        if self.path is not None and path != self.path:
            self._reject(404, f"nothing at {path!r}", bad=False)
            return True
        assert self.page is not None
        self._out += (f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                      f"Content-Length: {len(self.page)}\r\nConnection: close\r\n"
                      f"Cache-Control: no-cache\r\n\r\n").encode("ascii") + self.page
        self.state = "closed"
        return True

    def _frames(self, data: bytes) -> list[Message]:
        messages: list[Message] = []
        step = _COMPRESSED_SLICE if self.compressed else max(len(data), 1)
        for start in range(0, len(data), step):
            if self.state not in ("open", "closing"):
                break
            try:
                self._ws.receive_data(data[start:start + step])
                for event in self._ws.events():
                    self._event(event, messages)
                    if self.state == "closed":
                        break
            except Exception as exc:       # noqa: BLE001 - bad input never raises (rule 5)
                self._fail(1002, f"bad input ({type(exc).__name__}: {exc})")
        return messages

    def _event(self, event: Event, messages: list[Message]) -> None:
        if isinstance(event, (TextMessage, BytesMessage)):
            if self.state != "open":
                return                      # we are closing: data is dropped
            self._size += len(event.data)
            if self._size > self.maxMessageSize:
                self._parts, self._size = [], 0
                unit = "characters" if isinstance(event, TextMessage) else "bytes"
                self.problem = f"a message longer than {self.maxMessageSize} {unit}"
                self.close(1009, "message too big")
                return
            self._parts.append(bytes(event.data) if isinstance(event.data, bytearray)
                               else event.data)
            if event.message_finished:
                if isinstance(event, TextMessage):
                    messages.append("".join(self._parts))     # type: ignore[arg-type]
                else:
                    messages.append(b"".join(self._parts))    # type: ignore[arg-type]
                self._parts, self._size = [], 0
        elif isinstance(event, Ping):
            if self._ws.state is ConnectionState.OPEN:
                self._out += self._ws.send(event.response())
        elif isinstance(event, Pong):
            self.awaitingPong = False
        elif isinstance(event, CloseConnection):
            wsState = self._ws.state
            if wsState is ConnectionState.REMOTE_CLOSING:       # the peer closes first
                self.closeCode, self.closeReason = event.code, event.reason or ""
                self._out += self._ws.send(event.response())
                self.state = "closed"
            elif wsState is ConnectionState.CLOSED:             # the reply to our close
                self.state = "closed"
            else:                                               # wsproto found bad input
                self._fail(event.code, event.reason or "protocol error")

    def _endOfFile(self) -> None:
        if self.state in ("open", "closing") and self.closeCode is None:
            self.closeCode = 1006
        self.state = "closed"

    # ----------------------------------------------------------- output
    def sendMessage(self, message: Message | bytearray | memoryview) -> bool:
        """Queue ``message`` (str: a text frame; bytes: a binary one); False
        (and nothing sent) unless the session is open."""
        if isinstance(message, str):
            event: Event = TextMessage(data=message)
        elif isinstance(message, (bytes, bytearray, memoryview)):
            event = BytesMessage(data=bytes(message))
        else:
            raise TypeError(f"a WebSocket message is a str or bytes, not "
                            f"{type(message).__name__} ({message!r:.60})")
        if self.state != "open":
            return False
        self._out += self._ws.send(event)
        return True

    def ping(self, payload: bytes = b"") -> bool:
        """Queue a ping (sets ``awaitingPong``); False unless the session is open."""
        if self.state != "open":
            return False
        self._out += self._ws.send(Ping(payload=payload))
        self.awaitingPong = True
        return True

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Begin the close handshake (state ``"closing"``) with ``code``; before
        the handshake is complete, refuse it with 503; once closing or closed,
        do nothing."""
        if self.state == "handshake":
            self._reject(503, "the server is closing", bad=False)
        elif self.state == "open":
            self._out += self._ws.send(CloseConnection(code=code, reason=_shortReason(reason)))
            self.closeCode, self.closeReason = code, reason
            self.state = "closing"

    def abort(self, code: int = 1006, reason: str = "") -> None:
        """Give up at once: a close frame with ``code`` is queued if none was
        sent yet, and the session is ``"closed"`` without waiting for the peer."""
        if self.state == "handshake":
            self.state = "closed"
            return
        if self._ws.state is ConnectionState.OPEN:
            self._out += self._ws.send(CloseConnection(code=code, reason=_shortReason(reason)))
            self.closeCode, self.closeReason = code, reason
        self.state = "closed"

    def output(self) -> bytes:
        """The bytes queued for the peer since the last call (b"" if none)."""
        if not self._out:
            return b""
        data = bytes(self._out)
        self._out.clear()
        return data

    # ------------------------------------------------------------ inside
    def _fail(self, code: int, reason: str) -> None:
        self.problem = reason
        self.abort(code, reason)

    def _reject(self, status: int, reason: str, headers: Sequence[tuple[str, str]] = (),
                bad: bool = True) -> None:
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        body = f"{status} {phrase}: {reason}\n".encode("utf-8", "replace")
        lines = [f"HTTP/1.1 {status} {phrase}", "Content-Type: text/plain; charset=utf-8",
                 f"Content-Length: {len(body)}", "Connection: close",
                 *(f"{name}: {value}" for name, value in headers)]
        self._out += ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body
        self.rejected = status
        if bad:
            self.problem = reason
        self.state = "closed"
        self._head = bytearray()

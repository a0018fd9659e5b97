"""Kamaelia.Protocol.HTTP._h1server: the server side of one HTTP/1.1 connection, sans-I/O.

Private: used by :mod:`Kamaelia.Protocol.HTTP.HTTPServer`; tested with byte
strings. The interface is h11's (``receive_data``, ``next_event``,
``send``, ``start_next_cycle``), so the component reads as it would on h11,
but requests are parsed by `httptools <https://github.com/MagicStack/httptools>`_
(llhttp, the parser in Node.js), which takes about 2 µs per small request
where h11 takes over 100 µs (h11 is pure Python); see ``benchmarks/http_server.py``.

Example::

    conn = ServerConnection()
    conn.receive_data(b"GET /a HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
    request = conn.next_event()             # Request(method=b"GET", target=b"/a", ...)
    conn.next_event()                       # EndOfMessage()
    wire = conn.send(Response(200, [("Content-Length", "2")]))
    wire += conn.send(Data(b"hi")) + conn.send(EndOfMessage())
    conn.start_next_cycle()                 # keep-alive: ready for the next request

Rules kept here
---------------
1. **One request at a time.** Events come in the order they were sent:
   ``Request``, ``Data``..., ``EndOfMessage``; after that :meth:`next_event`
   says ``PAUSED`` until the response has ended and :meth:`start_next_cycle`
   is called, even when the next request's bytes are already here
   (pipelining: answered in order).
2. **Strict parsing** (llhttp's defaults): a bad request line, header token,
   header value character, obs-fold, bare LF, ``Content-Length`` with
   ``Transfer-Encoding`` or twice, are :class:`ProtocolError` with the status
   to answer (400; 501 for a method llhttp does not know in an otherwise
   well-formed request line; 505 for a version other than 1.0 or 1.1).
   HTTP/1.1 without ``Host`` is 400, as RFC 9112 says. (llhttp does not say
   where in a piece a request began: after a body in the same piece, a
   garbled request line may be judged on a later line, 501 for 400.)
3. **Limits** are counted as the bytes arrive, so nothing past a limit is
   kept: the request target beyond ``maxRequestLine`` (414), header fields
   beyond ``maxHeaderSize`` bytes or ``maxHeaders`` fields (431).
4. **Response framing** follows the request: ``Content-Length`` when the
   response gives one (sending more, or ending with less, is a
   :class:`LocalProtocolError`); otherwise chunked for an HTTP/1.1 client
   and close-delimited for HTTP/1.0. No body is sent for ``HEAD``, 1xx, 204
   or 304 responses. Response header names must be tokens and values must
   not hold CR, LF or NUL (no response splitting): :class:`LocalProtocolError`.
5. **Keep-alive**: the connection can be reused (:attr:`reusable`) after a
   complete request and response when the client is HTTP/1.1 and neither
   side said ``Connection: close`` and the body was not close-delimited;
   ``Connection: close`` is added to a response after which it will close.
   (HTTP/1.0 keep-alive is not offered, as h11 does not.)
6. **Upgrade**: a request with ``Upgrade`` and ``Connection: upgrade`` ends
   at its head; what followed it is :attr:`trailing_data` (the new
   protocol's first bytes). If the server answers it as an ordinary request
   instead, the connection goes on with those bytes.

At the end of the input (``receive_data(b"")``) between requests,
:meth:`next_event` gives ``ConnectionClosed``; in the middle of one, a
:class:`ProtocolError` (400).
"""

from __future__ import annotations

import re
import time
from collections import deque
from typing import Any, Iterable, Union

import httptools

__all__ = ["ServerConnection", "Request", "Response", "InformationalResponse", "Data",
           "EndOfMessage", "ConnectionClosed", "NEED_DATA", "PAUSED", "ProtocolError",
           "LocalProtocolError", "headBytes", "httpDate"]


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: :meth:`ServerConnection.next_event`: nothing more until more bytes arrive.
NEED_DATA = _Sentinel("NEED_DATA")
#: :meth:`ServerConnection.next_event`: nothing more until the next cycle.
PAUSED = _Sentinel("PAUSED")


class ProtocolError(Exception):
    """The client broke the protocol; answer ``status`` and close."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class LocalProtocolError(Exception):
    """What the server tried to send breaks the protocol (a bug in a handler)."""


class Request:
    """A request head: ``method``, ``target``, ``http_version`` (bytes) and
    ``headers``, a list of ``(name, value)`` bytes as received."""

    __slots__ = ("method", "target", "http_version", "headers", "keepAlive", "expectsContinue")

    def __init__(self, method: bytes, target: bytes, http_version: bytes,
                 headers: list[tuple[bytes, bytes]], keepAlive: bool = True,
                 expectsContinue: bool = False) -> None:
        self.method, self.target = method, target
        self.http_version, self.headers = http_version, headers
        #: The client will take another request on this connection after it.
        self.keepAlive = keepAlive
        #: It waits for ``100 Continue`` before sending its body.
        self.expectsContinue = expectsContinue

    def raw_items(self) -> list[tuple[bytes, bytes]]:
        """The header fields as received (h11's name for this)."""
        return self.headers

    def __repr__(self) -> str:
        return f"Request(method={self.method!r}, target={self.target!r})"


class Response:
    """A response head to send: ``status_code``, ``headers`` (pairs of str or
    bytes) and ``reason`` (the standard phrase if empty)."""

    __slots__ = ("status_code", "headers", "reason")

    def __init__(self, status_code: int, headers: Iterable[tuple[Any, Any]] = (),
                 reason: str = "") -> None:
        self.status_code, self.headers, self.reason = status_code, list(headers), reason


class InformationalResponse(Response):
    """A 1xx response (``100 Continue``) sent before the real one."""


class Data:
    """A piece of a body (``data``)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


class EndOfMessage:
    """The end of a request (received) or of a response (to send)."""

    __slots__ = ()


class ConnectionClosed:
    """The client closed its side between requests."""

    __slots__ = ()


Event = Union[Request, Data, EndOfMessage, ConnectionClosed, _Sentinel]

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_REQUEST_LINE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [\x21-\x7e]+ HTTP/[0-9]\.[0-9]")
_BAD_VALUE = re.compile(rb"[\r\n\x00]")
_REASONS: dict[int, bytes] = {}
_NO_BODY_STATUS = (204, 304)


def _reason(code: int) -> bytes:
    phrase = _REASONS.get(code)
    if phrase is None:
        import http
        try:
            phrase = http.HTTPStatus(code).phrase.encode("ascii")
        except ValueError:
            phrase = b""
        _REASONS[code] = phrase
    return phrase


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_dateSecond = -1
_dateText = ""


def httpDate() -> str:
    """The current time as HTTP writes it (``Sun, 06 Nov 1994 08:49:37 GMT``),
    made at most once a second; English names whatever the locale."""
    global _dateSecond, _dateText
    now = int(time.time())
    if now != _dateSecond:
        t = time.gmtime(now)
        _dateText = (f"{_DAYS[t.tm_wday]}, {t.tm_mday:02d} {_MONTHS[t.tm_mon - 1]} "
                     f"{t.tm_year} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} GMT")
        _dateSecond = now
    return _dateText


def _bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("latin-1")
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    return str(value).encode("latin-1")


def headBytes(code: int, reason: Any, headers: Iterable[tuple[Any, Any]]) -> bytes:
    """The status line and header fields of a response, ending with the
    blank line; :class:`LocalProtocolError` for a header name that is not
    a token or a value (or reason) with CR, LF or NUL in it."""
    phrase = _bytes(reason) if reason else _reason(code)
    if _BAD_VALUE.search(phrase):
        raise LocalProtocolError(f"reason phrase {phrase!r}")
    lines = [b"HTTP/1.1 %d %s" % (code, phrase)]     # (the space is sent even with no phrase)
    for name, value in headers:
        name, value = _bytes(name), _bytes(value)
        if not _TOKEN.fullmatch(name):
            raise LocalProtocolError(f"header name {name!r} is not a token")
        if _BAD_VALUE.search(value):
            raise LocalProtocolError(f"header {name!r} has a value with CR, LF or NUL")
        lines.append(name + b": " + value)
    lines.append(b"\r\n")
    return b"\r\n".join(lines)


class _Parsing:
    """The httptools callbacks of one :class:`ServerConnection` (its
    protocol object): they turn llhttp's callbacks into queued events."""

    __slots__ = ("owner", "url", "headers", "headerBytes", "problem", "parser", "endedHere")

    def __init__(self, owner: ServerConnection) -> None:
        self.owner = owner
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.headerBytes = 0
        self.problem: ProtocolError | None = None
        self.parser: Any = None
        self.endedHere = False           # a head ended in the piece being fed

    def on_message_begin(self) -> None:
        self.url, self.headers, self.headerBytes = b"", [], 0
        self.owner._inMessage = True
        self.owner._inHead = True

    def on_url(self, url: bytes) -> None:
        if self.problem is None:
            self.url += url
            if len(self.url) > self.owner.maxRequestLine:
                self.problem = ProtocolError(
                    414, f"request target longer than {self.owner.maxRequestLine} bytes")

    def on_header(self, name: bytes, value: bytes) -> None:
        if self.problem is not None:
            return
        self.headerBytes += len(name) + len(value) + 4
        if self.headerBytes > self.owner.maxHeaderSize:
            self.problem = ProtocolError(
                431, f"request header fields longer than {self.owner.maxHeaderSize} bytes")
        elif len(self.headers) >= self.owner.maxHeaders:
            self.problem = ProtocolError(
                431, f"more than {self.owner.maxHeaders} header fields")
        else:
            self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.problem is not None:
            return
        owner, parser = self.owner, self.parser
        version = parser.get_http_version()
        if version not in ("1.1", "1.0"):
            self.problem = (ProtocolError(400, "HTTP/0.9 requests are not served")
                            if version == "0.9" else
                            ProtocolError(505, f"HTTP version {version} is not supported"))
            return
        if version == "1.1" and not any(name.lower() == b"host" for name, _ in self.headers):
            self.problem = ProtocolError(400, "an HTTP/1.1 request without a Host header")
            return
        # (What llhttp says of this request is noted on it now: with
        # pipelining, the next one may be parsed before this is answered.)
        owner._events.append(Request(
            parser.get_method(), self.url, version.encode("ascii"), self.headers,
            keepAlive=version == "1.1" and parser.should_keep_alive(),
            expectsContinue=version == "1.1" and any(
                name.lower() == b"expect" and value.lower() == b"100-continue"
                for name, value in self.headers)))
        owner._inHead = False
        self.endedHere = True

    def on_body(self, body: bytes) -> None:
        if self.problem is None:
            self.owner._events.append(Data(body))

    def on_message_complete(self) -> None:
        if self.problem is None:
            self.owner._events.append(_END)
            self.owner._inMessage = False


_END = EndOfMessage()
_CLOSED = ConnectionClosed()


class ServerConnection:
    """ServerConnection(maxRequestLine=8192, maxHeaderSize=65536, maxHeaders=100)

    The server side of one HTTP/1.1 connection (see the module docstring).
    """

    def __init__(self, maxRequestLine: int = 8192, maxHeaderSize: int = 65536,
                 maxHeaders: int = 100) -> None:
        self.maxRequestLine, self.maxHeaderSize = maxRequestLine, maxHeaderSize
        self.maxHeaders = maxHeaders
        self._events: deque[Any] = deque()
        self._inMessage = False          # llhttp is inside a request
        self._inHead = True              # ... or waiting for one: its head not yet whole
        self._headFed = 0                # bytes fed while a head was incomplete
        self._lineSoFar = b""            # the start of an incomplete head (its request line)
        self._badLine: bytearray | None = None   # a bad request line, being read to its end
        self._clientVersion = b"1.1"
        self._clientKeepAlive = True
        self._expectsContinue = False
        self._eof = False
        self._failed: ProtocolError | None = None
        self._upgradeAt: int | None = None
        self.trailing_data = b""
        self._newParser()
        self._newCycle()

    def _newParser(self) -> None:
        self._callbacks = _Parsing(self)
        self._parser = httptools.HttpRequestParser(self._callbacks)
        self._callbacks.parser = self._parser

    def _newCycle(self) -> None:
        self._theirsDone = False         # their EndOfMessage has been given out
        self._method = b""
        self._responseStarted = False
        self._oursDone = False
        self._framing = "none"           # "length", "chunked", "close", "none"
        self._remaining = 0
        self._willClose = False
        self._noBody = False

    # ------------------------------------------------------------ receiving
    @property
    def they_are_waiting_for_100_continue(self) -> bool:
        """The client asked for ``100 Continue`` and has neither had an
        answer nor started sending the body."""
        return self._expectsContinue

    def receive_data(self, data: bytes) -> None:
        """Take bytes from the socket (``b""``: the client closed its side)."""
        if not data:
            self._eof = True
            if self._badLine is not None:
                self._judgeBadLine(final=True)
            return
        if self._failed is not None:
            return
        if self._upgradeAt is not None:
            self.trailing_data += data
            return
        if self._badLine is not None:
            self._badLine += data[:self.maxRequestLine + 2]
            self._judgeBadLine(final=False)
            return
        self._callbacks.endedHere = False
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade as upgrade:
            offset = upgrade.args[0] if upgrade.args else len(data)
            self._upgradeAt = offset
            self.trailing_data = bytes(data[offset:])
        except httptools.HttpParserInvalidMethodError:
            # Judged on the whole request line, once it is here: a method
            # llhttp does not know in a well-formed line is 501; bytes that
            # are no request line (TLS to a plain port, say) are 400.
            self._badLine = bytearray(self._headSoFar(data)[:self.maxRequestLine + 2])
            self._judgeBadLine(final=False)
            return
        except httptools.HttpParserError as error:
            self._failed = self._callbacks.problem or self._parserError(error)
        if self._failed is None and self._callbacks.problem is not None:
            self._failed = self._callbacks.problem
        if self._inHead and self._failed is None:
            # httptools keeps a header field until it is whole: bound what an
            # endless head can make it hold (limits 3 and 414/431).
            tail = self._headSoFar(data)
            ended = self._callbacks.endedHere
            self._headFed = len(tail) if ended else self._headFed + len(data)
            if ended or not self._callbacks.url:
                self._lineSoFar = tail[:self.maxRequestLine + 2]
            if self._headFed > self.maxRequestLine + self.maxHeaderSize + 64:
                self._failed = (ProtocolError(431, "request header fields longer than "
                                                   f"{self.maxHeaderSize} bytes")
                                if self._callbacks.url else
                                ProtocolError(414, "request line longer than "
                                                   f"{self.maxRequestLine} bytes"))
        else:
            self._headFed = 0
            self._lineSoFar = b""

    def _headSoFar(self, data: bytes) -> bytes:
        """At most the bytes of the incomplete head that ``data`` ends with.
        llhttp does not say where in a piece a request began; if a head
        ended in it, the one still incomplete began after its last blank
        line (an upper bound: a body may come between)."""
        if not self._callbacks.endedHere:
            return self._lineSoFar + data
        blank = data.rfind(b"\r\n\r\n")
        return data if blank < 0 else data[blank + 4:]

    def _judgeBadLine(self, final: bool) -> None:
        line = self._badLine
        assert line is not None
        end = line.find(b"\n")
        if end < 0 and not final and len(line) <= self.maxRequestLine:
            return                                   # (not all here yet)
        first = bytes(line[:end] if end >= 0 else line).rstrip(b"\r")
        if end >= 0 and not first:
            # empty lines before a request line are allowed (RFC 9112 2.2)
            del line[:end + 1]
            self._badLine = line
            self._judgeBadLine(final)
            return
        self._badLine = None
        self._failed = (ProtocolError(501, "a request method this server does not know")
                        if end >= 0 and _REQUEST_LINE.fullmatch(first) else
                        ProtocolError(400, "malformed request line"))

    @staticmethod
    def _parserError(error: Exception) -> ProtocolError:
        text = str(error)
        if "HTTP version" in text:
            return ProtocolError(505, "an HTTP version this server does not support")
        return ProtocolError(400, f"malformed request: {text}")

    def next_event(self) -> Event:
        """The next thing the client sent, ``NEED_DATA`` or ``PAUSED``;
        raises :class:`ProtocolError` at the first bad byte."""
        if self._theirsDone:
            return PAUSED
        events = self._events
        if events:
            event: Event = events.popleft()
            if event is _END:
                self._theirsDone = True
            elif event.__class__ is Data:
                self._expectsContinue = False
            elif event.__class__ is Request:
                self._method = event.method
                self._clientVersion = event.http_version
                self._clientKeepAlive = event.keepAlive
                self._expectsContinue = event.expectsContinue
            return event
        if self._failed is not None:
            raise self._failed
        if self._eof:
            if self._inMessage:
                raise ProtocolError(400, "connection closed in the middle of a request")
            return _CLOSED
        return NEED_DATA

    # -------------------------------------------------------------- sending
    def send(self, event: Any) -> bytes:
        """The bytes that send ``event`` (``Response``, ``InformationalResponse``,
        ``Data`` or ``EndOfMessage``) to the client."""
        cls = event.__class__
        if cls is Data:
            return self._sendData(event.data)
        if cls is EndOfMessage:
            return self._sendEnd()
        if cls is InformationalResponse:
            if self._responseStarted:
                raise LocalProtocolError("an informational response after the response")
            self._expectsContinue = False
            return self._head(event, informational=True)
        if cls is Response:
            return self._startResponse(event)
        raise LocalProtocolError(f"cannot send {event!r}")

    def _startResponse(self, event: Response) -> bytes:
        if self._responseStarted:
            raise LocalProtocolError("a second response to the same request")
        code = event.status_code
        if not 200 <= code <= 999:
            raise LocalProtocolError(f"status code {code} for a final response")
        self._responseStarted = True
        self._expectsContinue = False
        headers: list[tuple[bytes, bytes]] = []
        length: bytes | None = None
        close = False
        for name, value in event.headers:
            name, value = _bytes(name), _bytes(value).strip()
            lower = name.lower()
            if lower == b"content-length":
                if not value.isdigit():
                    raise LocalProtocolError(f"Content-Length {value!r} is not a number")
                length = value
                continue
            if lower == b"transfer-encoding":
                continue                              # framing is ours to write
            if lower == b"connection" and b"close" in value.lower():
                close = True
            headers.append((name, value))
        self._noBody = self._method == b"HEAD" or code in _NO_BODY_STATUS
        if code in _NO_BODY_STATUS:
            self._framing = "none"
        elif length is not None:
            self._framing, self._remaining = "length", int(length)
            headers.append((b"Content-Length", length))
        elif self._clientVersion == b"1.1" and not close:
            self._framing = "chunked"
            headers.append((b"Transfer-Encoding", b"chunked"))
        else:
            self._framing = "close"
        self._willClose = (close or not self._clientKeepAlive or self._framing == "close")
        if self._willClose and not close:
            headers.append((b"Connection", b"close"))
        if self._noBody:
            self._framing = "none"
        event.headers = headers
        return self._head(event, informational=False)

    def _head(self, event: Response, informational: bool) -> bytes:
        return headBytes(event.status_code, event.reason, event.headers)

    def _sendData(self, data: bytes) -> bytes:
        if not self._responseStarted or self._oursDone:
            raise LocalProtocolError("body data outside a response")
        framing = self._framing
        if framing == "none" or not data:
            return b""
        if framing == "length":
            if len(data) > self._remaining:
                raise LocalProtocolError(
                    f"{len(data)} bytes of body where {self._remaining} were left "
                    "of the Content-Length")
            self._remaining -= len(data)
            return data
        if framing == "chunked":
            return b"%x\r\n%s\r\n" % (len(data), data)
        return data

    def sendRegion(self, count: int) -> tuple[bytes, bytes] | None:
        """The framing around ``count`` body bytes the caller sends itself (a
        file region): ``(before, after)``, or None when the response has no
        body (HEAD, 204, 304: do not send them)."""
        if not self._responseStarted or self._oursDone:
            raise LocalProtocolError("body data outside a response")
        framing = self._framing
        if framing == "none":
            return None
        if framing == "length":
            if count > self._remaining:
                raise LocalProtocolError(
                    f"{count} bytes of body where {self._remaining} were left "
                    "of the Content-Length")
            self._remaining -= count
        elif framing == "chunked" and count:
            return b"%x\r\n" % count, b"\r\n"
        return b"", b""

    def _sendEnd(self) -> bytes:
        if not self._responseStarted or self._oursDone:
            raise LocalProtocolError("end of a response that was not started")
        if self._framing == "length" and self._remaining:
            raise LocalProtocolError(
                f"the response ended {self._remaining} bytes short of its Content-Length")
        self._oursDone = True
        return b"0\r\n\r\n" if self._framing == "chunked" else b""

    # ------------------------------------------------------------ the cycle
    @property
    def their_side_done(self) -> bool:
        """The whole request has been given out (its ``EndOfMessage``)."""
        return self._theirsDone

    @property
    def reusable(self) -> bool:
        """Request and response are complete and the connection may carry another."""
        return self._theirsDone and self._oursDone and not self._willClose

    def start_next_cycle(self) -> None:
        """Ready for the next request (only when :attr:`reusable`)."""
        if not self.reusable:
            raise LocalProtocolError("the connection cannot carry another request")
        self._newCycle()
        self._expectsContinue = False
        if self._upgradeAt is not None:
            # An upgrade asked for and not given: go on with what followed it
            # on a parser of its own (llhttp stops for good at an upgrade).
            self._upgradeAt = None
            pending, self.trailing_data = self.trailing_data, b""
            self._newParser()
            if pending:
                self.receive_data(pending)

"""The load generator shared by the HTTP and WebSocket benchmarks.

One ``selectors`` (epoll) loop over non-blocking sockets in the parent
process, as in :mod:`benchmarks.echo_server`; the servers run in child
processes of their own. Three kinds of load:

* :class:`HTTPRequests`: ``count`` keep-alive connections, each with one
  ``GET`` in flight; every response is parsed (status line, headers,
  ``Content-Length`` or chunked body) and checked (status 200, the body
  byte for byte, the connection kept open).
* :class:`WebSocketEcho`: ``count`` WebSocket connections (the opening
  handshake checked, ``Sec-WebSocket-Accept`` included), each with one
  masked 64-byte text message in flight; every echo is checked byte for
  byte. Pings from the server are answered; no extension is offered, so
  neither server compresses.
* :func:`download`: ``GET`` one big file and check every byte against the
  pattern it was written from.

The round-trip loads share :class:`RoundTrips`: connections are opened in
waves of ``CONNECT_WAVE``, each completing one exchange (blocking) before
the next wave opens, so no server's listen backlog overflows; then
:meth:`RoundTrips.measure` runs every connection at once and counts the
exchanges completed in a fixed window. A wrong reply, a closed connection
or no progress for ``STALL_TIMEOUT`` raises :class:`LoadError`: a broken
run reports no figure (:func:`against` adds which server it was).
"""

from __future__ import annotations

import base64
import hashlib
import os
import random
import selectors
import socket
import time
from contextlib import contextmanager
from typing import Any, Iterator

from .echo_server import EchoError, timedWindow

__all__ = ["LoadError", "against", "RoundTrips", "HTTPRequests", "WebSocketEcho", "download",
           "parseResponse", "CONNECT_WAVE", "STALL_TIMEOUT"]

#: New connections opened at once; each wave completes an exchange before the next.
CONNECT_WAVE = 50
#: No reply at all for this long while some are awaited: lost.
STALL_TIMEOUT = 10.0
#: A response head longer than this is broken.
MAX_HEAD = 65536
WS_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class LoadError(EchoError):
    """The run is broken: a reply was wrong or lost, or a server failed."""


@contextmanager
def against(label: str) -> Iterator[None]:
    """Say which server a :class:`LoadError` raised in the block was against."""
    try:
        yield
    except LoadError as error:
        raise LoadError(f"against {label}: {error}") from error


# ------------------------------------------------------------- HTTP parsing
def parseResponse(buffer: bytes) -> tuple[int, dict[bytes, bytes], bytes, int] | None:
    """The first whole response in ``buffer``: ``(status, headers, body, consumed)``.

    None if it is not all there yet. Header names are lower-cased. The
    body is delimited by ``Content-Length`` or chunked transfer coding (a
    close-delimited body is an error here: the connections are keep-alive).
    """
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        if len(buffer) > MAX_HEAD:
            raise LoadError(f"no end of the response head in {len(buffer)} bytes")
        return None
    lines = buffer[:end].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
        raise LoadError(f"bad status line {lines[0]!r}")
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            raise LoadError(f"bad header line {line!r}")
        name = name.strip().lower()
        value = value.strip()
        headers[name] = headers[name] + b", " + value if name in headers else value
    start = end + 4
    length = headers.get(b"content-length")
    if length is not None:
        stop = start + int(length)
        if len(buffer) < stop:
            return None
        return int(parts[1]), headers, buffer[start:stop], stop
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        body: list[bytes] = []
        at = start
        while True:
            eol = buffer.find(b"\r\n", at)
            if eol < 0:
                return None
            size = int(buffer[at:eol].split(b";")[0], 16)
            if size == 0:
                trailerEnd = buffer.find(b"\r\n", eol + 2)   # no trailers expected
                if trailerEnd < 0:
                    return None
                return int(parts[1]), headers, b"".join(body), trailerEnd + 2
            if len(buffer) < eol + 2 + size + 2:
                return None
            body.append(buffer[eol + 2:eol + 2 + size])
            at = eol + 2 + size + 2
    raise LoadError(f"a response with neither Content-Length nor chunked coding: "
                    f"{buffer[:end]!r}")


# ----------------------------------------------------------- round trips
class RoundTrips:
    """``count`` connections to 127.0.0.1:``port``, one exchange in flight on each.

    Subclasses give :meth:`open` (a connected blocking socket, handshake
    done), :meth:`request` (the bytes of connection ``i``'s next request)
    and :meth:`feed` (take bytes received on ``i``; True once the awaited
    reply is complete and correct; raise :class:`LoadError` if it is wrong).
    """

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.selector = selectors.DefaultSelector()
        self.socks: list[socket.socket] = []
        self.inFlight = 0
        self.done = 0            # exchanges completed

    def close(self) -> None:
        self.selector.close()
        for sock in self.socks:
            sock.close()

    def __enter__(self) -> RoundTrips:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- for subclasses
    def open(self, i: int) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=STALL_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def request(self, i: int) -> bytes:
        raise NotImplementedError

    def feed(self, i: int, data: bytes) -> bool:
        raise NotImplementedError

    # -- the loop
    def _send(self, i: int, message: bytes) -> None:
        sock = self.socks[i]
        sent = sock.send(message)
        if sent != len(message):   # cannot happen with an empty send buffer; be correct anyway
            sock.setblocking(True)
            sock.sendall(message[sent:])
            sock.setblocking(False)

    def connect(self) -> None:
        """Open every connection, in waves; each completes one exchange."""
        while len(self.socks) < self.count:
            first = len(self.socks)
            wave = range(first, min(first + CONNECT_WAVE, self.count))
            for i in wave:
                sock = self.open(i)
                self.socks.append(sock)
                sock.sendall(self.request(i))
            for i in wave:
                sock = self.socks[i]
                while True:
                    data = sock.recv(65536)
                    if not data:
                        raise LoadError(f"the server closed connection {i} at once")
                    if self.feed(i, data):
                        break
                sock.setblocking(False)
                self.selector.register(sock, selectors.EVENT_READ, i)
                self.done += 1

    def pump(self, sending: bool, until: float | None) -> None:
        """Handle replies until ``until`` (perf_counter), or until none is in flight.

        With ``sending``, each good reply is answered with the next request.
        """
        select = self.selector.select
        socks, feed, request, send = self.socks, self.feed, self.request, self._send
        lastProgress = now = time.perf_counter()
        try:
            while (now < until) if until is not None else self.inFlight:
                timeout = 1.0 if until is None else min(1.0, until - now)
                events = select(timeout)
                now = time.perf_counter()
                if not events:
                    if self.inFlight and now - lastProgress > STALL_TIMEOUT:
                        raise LoadError(f"{self.inFlight} replies still awaited after "
                                        f"{STALL_TIMEOUT:g} s with none arriving: lost")
                    continue
                lastProgress = now
                for key, _ in events:
                    i = key.data
                    try:
                        data = socks[i].recv(65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        raise LoadError(f"the server closed connection {i}")
                    if feed(i, data):
                        self.done += 1
                        if sending:
                            send(i, request(i))
                        else:
                            self.inFlight -= 1
        except ConnectionError as error:
            raise LoadError(f"a connection failed: {error}") from None

    def measure(self, warmup: float, window: float, server: Any = None,
                usage: dict[str, float] | None = None) -> float:
        """All connections at once: exchanges per second over ``window`` after ``warmup``.

        ``server`` (a :class:`~benchmarks.echo_server.ServerProcess`) has its
        CPU % of a core over the window put in ``usage["server"]``, and the
        generator's own in ``usage["generator"]``.
        """
        for i in range(self.count):
            self._send(i, self.request(i))
            self.inFlight += 1
        return timedWindow(self, warmup, window, server, usage, "exchange")

    def assertQuiet(self) -> None:
        """Raise if the server sent anything, or closed a connection, unasked."""
        events = self.selector.select(0)
        if events:
            i = events[0][0].data
            try:
                data = self.socks[i].recv(65536)
            except OSError as error:
                data = repr(error).encode()
            raise LoadError(f"connection {i} got {data[:200]!r} while idle "
                            f"({len(events)} connections had something)")


class HTTPRequests(RoundTrips):
    """``GET path`` on ``count`` keep-alive connections; every response must be
    200 with exactly ``body``."""

    def __init__(self, port: int, count: int, path: str, body: bytes) -> None:
        super().__init__(port, count)
        self.body = body
        self.message = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                        f"User-Agent: benchmarks\r\nAccept: */*\r\n\r\n").encode("ascii")
        self.buffers = [b""] * count

    def request(self, i: int) -> bytes:
        return self.message

    def feed(self, i: int, data: bytes) -> bool:
        buffer = self.buffers[i] + data if self.buffers[i] else data
        parsed = parseResponse(buffer)
        if parsed is None:
            self.buffers[i] = buffer
            return False
        status, headers, body, consumed = parsed
        if status != 200 or body != self.body:
            raise LoadError(f"connection {i}: status {status}, body {body[:100]!r}, "
                            f"expected 200 and {self.body[:100]!r}")
        if consumed != len(buffer):
            raise LoadError(f"connection {i}: {len(buffer) - consumed} bytes beyond the "
                            "response to the one request sent")
        if b"close" in headers.get(b"connection", b"").lower():
            raise LoadError(f"connection {i}: the server closes a keep-alive connection")
        self.buffers[i] = b""
        return True


class WebSocketEcho(RoundTrips):
    """``count`` WebSocket connections to ``path``; each sends a masked 64-byte
    text message and expects it back (an unmasked text frame) before the next."""

    SIZE = 64

    def __init__(self, port: int, count: int, path: str = "/") -> None:
        super().__init__(port, count)
        self.path = path
        self.seq = [0] * count
        self.expected = [b""] * count
        self.buffers = [b""] * count
        self.random = random.Random(13)

    def open(self, i: int) -> socket.socket:
        sock = super().open(i)
        key = base64.b64encode(os.urandom(16))
        sock.sendall(f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     f"Sec-WebSocket-Key: {key.decode()}\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n".encode("ascii"))
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            data = sock.recv(4096)
            if not data:
                raise LoadError(f"connection {i}: closed during the handshake: {buffer!r}")
            buffer += data
            if len(buffer) > MAX_HEAD:
                raise LoadError(f"connection {i}: no end of the handshake response")
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        if not lines[0].startswith(b"HTTP/1.1 101"):
            raise LoadError(f"connection {i}: handshake refused: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        accept = base64.b64encode(hashlib.sha1(key + WS_GUID).digest())
        if headers.get(b"sec-websocket-accept") != accept:
            raise LoadError(f"connection {i}: wrong Sec-WebSocket-Accept "
                            f"{headers.get(b'sec-websocket-accept')!r}, expected {accept!r}")
        if headers.get(b"sec-websocket-extensions"):
            raise LoadError(f"connection {i}: an extension nobody offered: "
                            f"{headers[b'sec-websocket-extensions']!r}")
        self.buffers[i] = rest
        return sock

    def close(self) -> None:
        """Close every connection with the close handshake (code 1000), then the sockets.

        Sends a close frame on each and waits (at most ``CLOSE_WAIT`` in all)
        for the server to answer and end the TCP connection, as a browser
        does; a server that sees the TCP connection just drop treats it as
        an error (websockets logs a traceback for each).
        """
        waiting = set()
        for i, sock in enumerate(self.socks):
            try:
                sock.setblocking(False)
                self._send(i, self._frame(0x8, (1000).to_bytes(2, "big")))
                waiting.add(i)
            except OSError:
                pass                              # already broken: nothing to wait for
        deadline = time.perf_counter() + self.CLOSE_WAIT
        while waiting and time.perf_counter() < deadline:
            for key, _ in self.selector.select(0.1):
                i = key.data
                try:
                    data = self.socks[i].recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:                      # the server ended the connection
                    waiting.discard(i)
                    self.selector.unregister(self.socks[i])
        super().close()

    CLOSE_WAIT = 2.0

    def _frame(self, opcode: int, payload: bytes) -> bytes:
        """A masked client frame (FIN set) of ``payload`` (under 126 bytes)."""
        key = self.random.getrandbits(32).to_bytes(4, "big")
        n = len(payload)
        mask = int.from_bytes((key * (n // 4 + 1))[:n], "big")
        masked = (int.from_bytes(payload, "big") ^ mask).to_bytes(n, "big")
        return bytes((0x80 | opcode, 0x80 | n)) + key + masked

    def request(self, i: int) -> bytes:
        seq = self.seq[i] + 1
        self.seq[i] = seq
        message = f"{i:06d} {seq:012d} ".encode().ljust(self.SIZE, b"abcdefghij"[i % 10:i % 10 + 1])
        self.expected[i] = message
        return self._frame(0x1, message)

    def feed(self, i: int, data: bytes) -> bool:
        buffer = self.buffers[i] + data if self.buffers[i] else data
        while True:
            if len(buffer) < 2:
                self.buffers[i] = buffer
                return False
            first, second = buffer[0], buffer[1]
            if second & 0x80:
                raise LoadError(f"connection {i}: a masked frame from the server")
            length, at = second & 0x7F, 2
            if length == 126:
                if len(buffer) < 4:
                    self.buffers[i] = buffer
                    return False
                length, at = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if len(buffer) < 10:
                    self.buffers[i] = buffer
                    return False
                length, at = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < at + length:
                self.buffers[i] = buffer
                return False
            payload, buffer = buffer[at:at + length], buffer[at + length:]
            opcode = first & 0x0F
            if opcode == 0x9:                       # ping: answer, keep waiting
                self._send(i, self._frame(0xA, payload))
                continue
            if opcode == 0xA:                       # an unsolicited pong: ignore
                continue
            if opcode != 0x1 or not first & 0x80:
                raise LoadError(f"connection {i}: frame opcode {opcode}, FIN "
                                f"{bool(first & 0x80)} ({payload[:100]!r}); expected a whole "
                                "text message")
            if payload != self.expected[i]:
                raise LoadError(f"connection {i}: wrong echo {payload!r}, "
                                f"expected {self.expected[i]!r}")
            if buffer:
                raise LoadError(f"connection {i}: {len(buffer)} bytes beyond the echo")
            self.buffers[i] = b""
            return True


# --------------------------------------------------------------- download
def download(port: int, path: str, size: int, pattern: bytes) -> tuple[float, float]:
    """``GET path``; check the file (``size`` bytes, ``pattern`` repeated).

    Returns the seconds from sending the request to the last byte received,
    and this process's CPU seconds over that time. One connection,
    non-blocking: the body is read with ``recv_into`` a reused 256 KiB
    buffer until the socket is empty, then ``select`` waits for more; each
    piece is compared with the pattern at its offset (a copy and a
    ``memcmp``: the check costs little next to the receiving).
    """
    period = len(pattern)
    doubled = pattern * 2           # any slice of up to ``period`` bytes is contiguous
    recvSize = min(262144, period)
    buffer = bytearray(recvSize)
    view = memoryview(buffer)

    def check(piece: bytes | bytearray, offset: int) -> None:
        at = offset % period
        if piece != doubled[at:at + len(piece)]:
            raise LoadError(f"{path}: wrong bytes in the {len(piece):,} from offset {offset:,}")

    with socket.create_connection(("127.0.0.1", port), timeout=STALL_TIMEOUT) as sock, \
            selectors.DefaultSelector() as selector:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        start, cpu = time.perf_counter(), time.process_time()
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        head = b""
        received = -1               # -1: still reading the head
        while received < size:
            try:
                if received < 0:
                    data = sock.recv(65536)
                    count = len(data)
                else:
                    count = sock.recv_into(view)
            except BlockingIOError:
                if not selector.select(STALL_TIMEOUT):
                    raise LoadError(f"{path}: nothing for {STALL_TIMEOUT:g} s after "
                                    f"{max(received, 0):,} of {size:,} bytes") from None
                continue
            if not count:
                raise LoadError(f"{path}: the server closed the connection after "
                                f"{max(received, 0):,} of {size:,} bytes")
            if received >= 0:
                if received + count > size:
                    raise LoadError(f"{path}: more than the {size:,} bytes of the file")
                check(buffer[:count] if count < recvSize else buffer, received)
                received += count
                continue
            head += data
            end = head.find(b"\r\n\r\n")
            if end < 0:
                if len(head) > MAX_HEAD:
                    raise LoadError(f"{path}: no end of the response head")
                continue
            lines = head[:end].split(b"\r\n")
            lengths = [line.partition(b":")[2].strip() for line in lines[1:]
                       if line.partition(b":")[0].strip().lower() == b"content-length"]
            if not lines[0].startswith(b"HTTP/1.1 200 ") or lengths != [str(size).encode()]:
                raise LoadError(f"{path}: unexpected response head {head[:end]!r}, "
                                f"expected 200 and Content-Length: {size}")
            rest = head[end + 4:]
            if len(rest) > size:
                raise LoadError(f"{path}: more than the {size:,} bytes of the file")
            for offset in range(0, len(rest), period):   # (the head's read is < 2 periods)
                check(rest[offset:offset + period], offset)
            received = len(rest)
        return time.perf_counter() - start, time.process_time() - cpu

"""WebSocketServer / WebSocketProtocol with a real client: the ``websockets`` library.

The server runs in a scheduler thread (``nettools.Background``); the test
thread is the client, with websockets' blocking client or a raw socket
where the test needs to send what no library would.
"""

from __future__ import annotations

import logging
import os
import socket
import struct
from contextlib import ExitStack
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Protocol.WebSocket import WebSocketProtocol, WebSocketRoute, WebSocketServer
from Kamaelia._logthrottle import forgetAll

from nettools import IO_TIMEOUT, Background, inScheduler, receiveAll
from nettools import connect as tcpConnect

LOGGER = "Kamaelia.Protocol.WebSocket"


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    forgetAll(report=False)


def url(server: WebSocketServer, path: str = "/") -> str:
    return f"ws://127.0.0.1:{server.port}{path}"


def client(server: WebSocketServer, path: str = "/", **options: Any) -> ClientConnection:
    return connect(url(server, path), open_timeout=IO_TIMEOUT, close_timeout=IO_TIMEOUT,
                   **options)


def closeCodeOf(websocket: ClientConnection) -> int | None:
    """Wait for the server to close; the code it sent."""
    with pytest.raises(ConnectionClosed) as closed:
        websocket.recv(timeout=IO_TIMEOUT)
    return closed.value.rcvd.code if closed.value.rcvd is not None else None


class Recorder(component):
    """Echoes, and records each instance and what reached its control."""

    made: list["Recorder"] = []

    def __init__(self) -> None:
        super().__init__()
        self.control: list[Any] = []
        Recorder.made.append(self)

    def main(self) -> Iterator[int]:
        while True:
            for message in self.Inbox("inbox"):
                self.send(message, "outbox")
            for message in self.Inbox("control"):
                self.control.append(message)
                return
            self.pause()
            yield 1


class SaysThenLeaves(component):
    """Sends two messages, then producerFinished."""

    def main(self) -> Iterator[int]:
        self.send("first", "outbox")
        self.send(b"second", "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


class Crashes(component):
    """Fails on the first message."""

    def main(self) -> Iterator[int]:
        while not self.dataReady("inbox"):
            self.pause()
            yield 1
        raise RuntimeError("the user's component broke")


class Hoarder(component):
    """Takes nothing until ``released``; then echoes the count of messages."""

    made: list["Hoarder"] = []

    def __init__(self) -> None:
        super().__init__()
        self.released = False
        Hoarder.made.append(self)

    def main(self) -> Iterator[int]:
        while not self.released:
            if self.dataReady("control"):
                return
            self.pause()
            yield 1
        count = 0
        while True:
            for message in self.Inbox("inbox"):
                count += 1
                self.send(str(count), "outbox")
            if self.dataReady("control"):
                return
            self.pause()
            yield 1


# ---------------------------------------------------------------- messages
def test_text_and_binary_messages_are_echoed_as_they_came() -> None:
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server):
        with client(server) as websocket:
            websocket.send("hello")
            assert websocket.recv(timeout=IO_TIMEOUT) == "hello"
            websocket.send(b"\x00\xffbinary")
            assert websocket.recv(timeout=IO_TIMEOUT) == b"\x00\xffbinary"
            websocket.send(["frag", "mented", " text"])         # one message, three frames
            assert websocket.recv(timeout=IO_TIMEOUT) == "fragmented text"


def test_a_512_KiB_message_makes_the_round_trip() -> None:
    payload = os.urandom(512 * 1024)
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server):
        with client(server) as websocket:
            websocket.send(payload)
            assert websocket.recv(timeout=IO_TIMEOUT) == payload


def test_a_message_too_big_is_closed_with_1009_and_logged_with_the_peer(
        caplog: pytest.LogCaptureFixture) -> None:
    server = WebSocketServer(EchoProtocol, port=0, maxMessageSize=1 << 20)
    with caplog.at_level(logging.WARNING, LOGGER), Background(server):
        with client(server) as websocket:
            websocket.send(b"x" * ((1 << 20) + 1))
            assert closeCodeOf(websocket) == 1009
        with client(server) as other:                        # the server goes on
            other.send("still here")
            assert other.recv(timeout=IO_TIMEOUT) == "still here"
    assert "WebSocket from 127.0.0.1:" in caplog.text
    assert "a message longer than 1048576 bytes" in caplog.text


def test_ping_is_answered_with_pong() -> None:
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server):
        with client(server) as websocket:
            assert websocket.ping(b"hi").wait(IO_TIMEOUT)


def test_permessage_deflate_is_negotiated_and_works() -> None:
    text = "squeeze me " * 20000
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server):
        with client(server, compression="deflate") as websocket:
            assert "permessage-deflate" in websocket.response.headers["Sec-WebSocket-Extensions"]
            assert [e.name for e in websocket.protocol.extensions] == ["permessage-deflate"]
            websocket.send(text)
            assert websocket.recv(timeout=IO_TIMEOUT) == text
        with client(server, compression=None) as plain:
            assert "Sec-WebSocket-Extensions" not in plain.response.headers
            plain.send(text)
            assert plain.recv(timeout=IO_TIMEOUT) == text


def test_compression_can_be_turned_off() -> None:
    server = WebSocketServer(EchoProtocol, port=0, compression=False)
    with Background(server):
        with client(server, compression="deflate") as websocket:
            assert "Sec-WebSocket-Extensions" not in websocket.response.headers
            websocket.send("x")
            assert websocket.recv(timeout=IO_TIMEOUT) == "x"


def test_many_clients_each_get_their_own_echo() -> None:
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server):
        with ExitStack() as stack:
            sockets = [stack.enter_context(client(server)) for _ in range(40)]
            for n, websocket in enumerate(sockets):
                websocket.send(f"client {n}")
            for n, websocket in enumerate(sockets):
                assert websocket.recv(timeout=IO_TIMEOUT) == f"client {n}"
        inScheduler(lambda: None, when=lambda: server.connectedTo == 0)


# ------------------------------------------------------------------ closing
def test_the_client_closing_1000_ends_the_users_component() -> None:
    Recorder.made = []
    server = WebSocketServer(Recorder, port=0)
    with Background(server):
        with client(server) as websocket:
            websocket.send("x")
            assert websocket.recv(timeout=IO_TIMEOUT) == "x"
        assert websocket.close_code == 1000                    # the server answered the close
        inScheduler(lambda: None, when=lambda: server.connectedTo == 0)
        (made,) = Recorder.made
        assert [type(m) for m in made.control] == [shutdownMicroprocess]
        assert made._isStopped()


def test_the_users_component_finishing_closes_with_1000_after_its_messages() -> None:
    server = WebSocketServer(SaysThenLeaves, port=0)
    with Background(server):
        with client(server) as websocket:
            assert websocket.recv(timeout=IO_TIMEOUT) == "first"
            assert websocket.recv(timeout=IO_TIMEOUT) == b"second"
            assert closeCodeOf(websocket) == 1000


def test_the_users_component_crashing_closes_with_1011_that_connection_only(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False
    calls = []

    def factory() -> component:
        calls.append(1)
        return Crashes() if len(calls) == 2 else EchoProtocol()

    server = WebSocketServer(factory, port=0)
    with caplog.at_level(logging.ERROR), Background(server):
        with client(server) as steady, client(server) as doomed:
            doomed.send("boom")
            assert closeCodeOf(doomed) == 1011
            steady.send("fine")
            assert steady.recv(timeout=IO_TIMEOUT) == "fine"
    assert "the user's component broke" in caplog.text
    assert "ended without producerFinished" in caplog.text


def test_a_protocol_told_to_shut_down_closes_with_1001() -> None:
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server), client(server) as websocket:
        websocket.send("x")
        assert websocket.recv(timeout=IO_TIMEOUT) == "x"
        (protocol,) = [c.protocol for c in server._connections.values()]
        protocol._deliver(shutdownMicroprocess(), "control")
        assert closeCodeOf(websocket) == 1001


def test_a_server_shutdown_ends_every_websocket() -> None:
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server) as running, client(server) as websocket:
        websocket.send("x")
        assert websocket.recv(timeout=IO_TIMEOUT) == "x"
        running.shutdown()
        # (ServerCore closes the sockets before telling the protocols, so
        # no close frame reaches the client: it sees the connection end.)
        with pytest.raises(ConnectionClosed):
            websocket.recv(timeout=IO_TIMEOUT)


# ------------------------------------------------------- raw-socket clients
HANDSHAKE = (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
             b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             b"Sec-WebSocket-Version: 13\r\n\r\n")


def rawOpen(port: int) -> socket.socket:
    sock = tcpConnect(port)
    sock.sendall(HANDSHAKE)
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "closed during the handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101 ")
    return sock


def frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """A masked client frame."""
    mask = b"\x0f\x1e\x2d\x3c"
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", (0x80 if fin else 0) | opcode, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", (0x80 if fin else 0) | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", (0x80 if fin else 0) | opcode, 0x80 | 127, length)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def readFrame(sock: socket.socket) -> tuple[int, bytes]:
    """(opcode, payload) of the next unmasked server frame."""
    first = receiveExactlyOrFail(sock, 2)
    length = first[1] & 0x7F
    if length == 126:
        length = struct.unpack("!H", receiveExactlyOrFail(sock, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", receiveExactlyOrFail(sock, 8))[0]
    return first[0] & 0x0F, receiveExactlyOrFail(sock, length)


def receiveExactlyOrFail(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "the server closed the connection"
        data += chunk
    return data


def test_an_unmasked_frame_fails_with_1002_logged_and_closed(
        caplog: pytest.LogCaptureFixture) -> None:
    server = WebSocketServer(EchoProtocol, port=0)
    with caplog.at_level(logging.WARNING, LOGGER), Background(server):
        with rawOpen(server.port) as sock:
            sock.sendall(b"\x81\x02hi")                     # a client must mask
            opcode, payload = readFrame(sock)
            assert opcode == 0x8 and struct.unpack("!H", payload[:2])[0] == 1002
            assert receiveAll(sock) == b""                   # and the connection is closed
    assert "WebSocket from 127.0.0.1:" in caplog.text and "closed it with 1002" in caplog.text


def test_a_plain_http_request_is_refused_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    server = WebSocketServer(EchoProtocol, port=0, path="/ws")
    with caplog.at_level(logging.WARNING, LOGGER), Background(server):
        with tcpConnect(server.port) as sock:
            sock.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n")
            assert receiveAll(sock).startswith(b"HTTP/1.1 400 Bad Request\r\n")
        with tcpConnect(server.port) as sock:
            sock.sendall(HANDSHAKE)                          # the path is "/", not "/ws"
            assert receiveAll(sock).startswith(b"HTTP/1.1 404 ")
    assert "refused the handshake (400)" in caplog.text


def test_a_client_that_never_finishes_its_head_is_dropped_with_408() -> None:
    server = WebSocketServer(EchoProtocol, port=0, handshakeTimeout=0.2)
    with Background(server):
        with tcpConnect(server.port) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            assert receiveAll(sock).startswith(b"HTTP/1.1 408 ")


def test_keep_alive_pings_and_an_unanswered_one_closes_with_1011() -> None:
    server = WebSocketServer(EchoProtocol, port=0, pingInterval=0.1)
    with Background(server):
        with rawOpen(server.port) as sock:
            opcode, payload = readFrame(sock)
            assert opcode == 0x9                             # a ping
            sock.sendall(frame(0xA, payload))                # answered
            assert readFrame(sock)[0] == 0x9                 # so another comes
            opcode, payload = readFrame(sock)                # not answered:
            assert opcode == 0x8 and struct.unpack("!H", payload[:2])[0] == 1011
            assert receiveAll(sock) == b""


def test_our_close_waits_for_the_reply_at_most_closeTimeout() -> None:
    server = WebSocketServer(SaysThenLeaves, port=0, closeTimeout=0.2)
    with Background(server):
        with rawOpen(server.port) as sock:
            assert readFrame(sock) == (0x1, b"first")
            assert readFrame(sock) == (0x2, b"second")
            opcode, payload = readFrame(sock)
            assert opcode == 0x8 and struct.unpack("!H", payload[:2])[0] == 1000
            assert receiveAll(sock) == b""                   # no reply from us: closed anyway


def test_a_slow_component_slows_the_client_down_and_memory_stays_bounded() -> None:
    Hoarder.made = []
    server = WebSocketServer(Hoarder, port=0, compression=False)
    message = frame(0x2, b"m" * 65536)
    with Background(server):
        with rawOpen(server.port) as sock:
            sock.setblocking(False)
            sent = 0
            try:
                for _ in range(10000):                       # until TCP pushes back
                    sock.send(message)                       # (a partial send ends it)
                    sent += 1
            except BlockingIOError:
                pass
            assert sent < 10000, "the server never stopped reading"
            (hoarder,) = Hoarder.made
            (protocol,) = [c.protocol for c in server._connections.values()]
            # Once the protocol has stopped reading for it, the component's
            # inbox holds receiveQueueLimit messages, however much was sent:
            waiting = inScheduler(lambda: len(hoarder.inboxes["inbox"]),
                                  when=lambda: "_toUser" in protocol._watching)
            assert waiting == 4
            inScheduler(lambda: (setattr(hoarder, "released", True), hoarder.unpause()))
            sock.setblocking(True)
            sock.settimeout(IO_TIMEOUT)
            assert readFrame(sock) == (0x1, b"1")


# ------------------------------------------------------------ the route
def test_a_route_makes_a_protocol_that_takes_the_handshake_it_is_given() -> None:
    route = WebSocketRoute(EchoProtocol, maxMessageSize=100)
    protocol = route.makeConnection(HANDSHAKE + frame(0x1, b"early"),
                                    {"peer": "10.1.2.3", "peerport": 4567})
    assert isinstance(protocol, WebSocketProtocol)
    assert protocol.settings["maxMessageSize"] == 100 and protocol.session.path is None
    out: list[bytes] = []

    class Collector(component):
        def main(self) -> Iterator[int]:
            while not self.dataReady("control"):
                for data in self.Inbox("inbox"):
                    out.append(data)
                self.pause()
                yield 1

    collector = Collector()
    collector.link((protocol, "outbox"), (collector, "inbox"))
    collector.link((protocol, "signal"), (collector, "control"))
    protocol.activate()
    collector.activate()
    sched = scheduler.run.main()
    for _ in range(50):
        next(sched)
        if b"early" in b"".join(out):
            break
    data = b"".join(out)
    assert data.startswith(b"HTTP/1.1 101 Switching Protocols\r\n")
    assert data.endswith(b"\x81\x05early")
    sched.close()


def test_a_plain_request_on_a_route_is_answered_426() -> None:
    handler = WebSocketRoute(EchoProtocol)({"method": "GET"})
    handler.activate()
    sched = scheduler.run.main()
    for _ in sched:
        pass
    response = handler.outboxes["outbox"].q[0]
    assert response["statuscode"] == "426" and ("Upgrade", "websocket") in response["headers"]
    sched.close()


@pytest.mark.parametrize("bad, kind, match", [
    ({"maxMesageSize": 5}, TypeError, "unknown WebSocket option.*'maxMesageSize'"),
    ({"pingInterval": 0}, ValueError, "pingInterval must be a number of seconds > 0 or None, "
                                      "not 0"),
    ({"receiveQueueLimit": "4"}, ValueError, "receiveQueueLimit must be an int >= 1, not '4'"),
])
def test_bad_options_are_refused_by_name(bad: dict[str, Any], kind: type[Exception],
                                         match: str) -> None:
    with pytest.raises(kind, match=match):
        WebSocketRoute(EchoProtocol, **bad)


def test_a_factory_that_is_not_callable_is_refused() -> None:
    with pytest.raises(TypeError, match="a WebSocket needs a factory.*not 'EchoProtocol'"):
        WebSocketServer("EchoProtocol", port=0)       # type: ignore[arg-type]


# ------------------------------------------------------------------ fuzzing
frames = st.builds(lambda opcode, payload, fin: frame(opcode, payload, fin),
                   st.sampled_from([0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xA, 0xB]),
                   st.binary(max_size=200), st.booleans())


def test_random_bytes_after_a_valid_handshake_never_crash_hang_or_leak() -> None:
    server = WebSocketServer(EchoProtocol, port=0)
    with Background(server):
        baseline = inScheduler(lambda: len(scheduler.run.listAllThreads()))

        @settings(max_examples=120, derandomize=True, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow,
                                         HealthCheck.function_scoped_fixture])
        @given(st.lists(st.one_of(frames, st.binary(max_size=300)), max_size=5))
        def attempt(chunks: list[bytes]) -> None:
            with rawOpen(server.port) as sock:
                for chunk in chunks:
                    try:
                        sock.sendall(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        break                                # the server closed it already
                try:
                    sock.shutdown(socket.SHUT_WR)
                    receiveAll(sock)                         # the server ends it: no hang
                except (BrokenPipeError, ConnectionResetError, OSError):
                    pass

        attempt()
        inScheduler(lambda: None, when=lambda: server.connectedTo == 0)
        assert inScheduler(lambda: len(scheduler.run.listAllThreads())) == baseline
        with client(server) as websocket:                     # and it still serves
            websocket.send("alive")
            assert websocket.recv(timeout=IO_TIMEOUT) == "alive"

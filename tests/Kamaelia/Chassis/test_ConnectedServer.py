"""ServerCore / SimpleServer / FastRestartServer: a protocol per connection, real sockets."""

from __future__ import annotations

import logging
import selectors
import socket
import ssl
import struct
from typing import Any, Iterator

import pytest
import trustme

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.ConnectedServer import FastRestartServer, ServerCore, SimpleServer
from Kamaelia.IPC import serverShutdown
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia._logthrottle import forgetAll

from nettools import Background, IO_TIMEOUT, connect, openDescriptors, receiveAll, receiveExactly


@pytest.fixture(autouse=True)
def fresh_log_limiters() -> None:
    """Per-connection failures are rate-limited by module-level limiters: start
    each test with none counted, so a reason it checks for is logged."""
    forgetAll(report=False)


class Greeter(component):
    """Sends who it was made for, then finishes (the server closes the connection)."""

    def __init__(self, peer: str, localport: int) -> None:
        super().__init__()
        self.text = f"{peer} -> {localport}\n".encode()

    def main(self) -> Iterator[Any]:
        self.send(self.text, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


class Stopper(component):
    """A protocol that stops the whole server through its "serversignal" outbox."""

    Outboxes = {"outbox": "unused", "signal": "unused", "serversignal": "to the server"}

    def main(self) -> Iterator[Any]:
        self.send(serverShutdown(self), "serversignal")
        while not self.dataReady("control"):
            self.pause()
            yield 1


def assertEchoes(port: int, host: str = "127.0.0.1", payload: bytes = b"ping") -> None:
    with connect(port, host) as client:
        client.sendall(payload)
        assert receiveExactly(client, len(payload)) == payload


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_each_client_gets_its_own_echo(host: str) -> None:
    server = ServerCore(protocol=EchoProtocol, port=0, host=host)
    with Background(server):
        with connect(server.port, host) as first, connect(server.port, host) as second:
            first.sendall(b"one")
            second.sendall(b"two")
            assert receiveExactly(second, 3) == b"two"
            assert receiveExactly(first, 3) == b"one"


def test_a_client_that_half_closes_still_gets_its_answer_then_end_of_file() -> None:
    server = SimpleServer(EchoProtocol, 0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            client.sendall(b"last words")
            client.shutdown(socket.SHUT_WR)
            assert receiveAll(client) == b"last words"


def test_the_factory_gets_the_peer_and_local_address_when_it_accepts_them() -> None:
    server = ServerCore(protocol=Greeter, port=0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            local = client.getsockname()
            assert receiveAll(client) == f"{local[0]} -> {server.port}\n".encode()


def test_a_factory_that_raises_closes_that_connection_only(
        caplog: pytest.LogCaptureFixture) -> None:
    made = []

    def fussy(peerport: int) -> EchoProtocol:
        made.append(peerport)
        if len(made) == 1:
            raise RuntimeError("no protocol for you")
        return EchoProtocol()

    server = ServerCore(protocol=fussy, port=0, host="127.0.0.1")
    with caplog.at_level(logging.ERROR, "Kamaelia.Chassis.ConnectedServer"):
        with Background(server):
            with connect(server.port) as refused:
                assert receiveAll(refused) == b""
            assertEchoes(server.port)
    assert "the protocol factory failed for the connection from 127.0.0.1:" in caplog.text
    assert "no protocol for you" in caplog.text


def test_a_client_that_resets_mid_message_affects_only_itself() -> None:
    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as steady:
            rude = connect(server.port)
            rude.sendall(b"half a mess")
            rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            rude.close()                                  # RST, not FIN
            steady.sendall(b"still here")
            assert receiveExactly(steady, 10) == b"still here"
        assertEchoes(server.port)


def test_a_protocol_that_finishes_has_its_bytes_written_then_the_connection_closed() -> None:
    server = ServerCore(protocol=Greeter, port=0, host="127.0.0.1")
    with Background(server):
        for _ in range(3):
            with connect(server.port) as client:
                assert receiveAll(client).endswith(f"-> {server.port}\n".encode())


def test_shutdown_closes_everything_frees_the_port_and_leaves_nothing_behind() -> None:
    before = openDescriptors()
    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")
    port = server.port
    clients = []
    with Background(server) as running:
        for _ in range(5):
            client = connect(port)
            clients.append(client)
            client.sendall(b"x")
            assert receiveExactly(client, 1) == b"x"
        running.shutdown(shutdownMicroprocess())     # the system ends: nothing left running
    for client in clients:
        assert receiveAll(client) == b""             # the server closed each connection
        client.close()
    assert server.connectedTo == 0 and server.children == []
    assert server.postoffice.linkages == []
    assert len(server.outboxes) == len(ServerCore.Outboxes)
    assert openDescriptors() == before
    ServerCore(protocol=EchoProtocol, port=port, host="127.0.0.1").close()  # bindable at once


def test_a_protocol_can_stop_the_server_through_serversignal() -> None:
    server = ServerCore(protocol=Stopper, port=0, host="127.0.0.1")
    with Background(server) as running:
        with connect(server.port) as client:
            assert receiveAll(client) == b""
        running.thread.join(IO_TIMEOUT)
        assert not running.thread.is_alive()


def test_max_connections_refuses_the_next_client_with_a_logged_reason(
        caplog: pytest.LogCaptureFixture) -> None:
    server = FastRestartServer(protocol=EchoProtocol, port=0, host="127.0.0.1",
                               maxConnections=1)
    with caplog.at_level(logging.WARNING, "Kamaelia.Internet.TCPServer"):
        with Background(server):
            with connect(server.port) as first:
                assertEchoesOn(first)
                with connect(server.port) as second:
                    assert receiveAll(second) == b""
                assertEchoesOn(first)
    assert "refused a connection from 127.0.0.1:" in caplog.text
    assert "maxConnections (1)" in caplog.text


def assertEchoesOn(client: socket.socket) -> None:
    client.sendall(b"again")
    assert receiveExactly(client, 5) == b"again"


# ----------------------------------------------------------------------- TLS
@pytest.fixture(scope="module")
def certificate_authority() -> trustme.CA:
    return trustme.CA()


def receiveOrReset(sock: socket.socket) -> bytes:
    """What arrives before the end; a reset (closed with our bytes unread) counts as none."""
    try:
        return receiveAll(sock)
    except ConnectionResetError:
        return b""


def serverContext(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def test_tls_clients_are_served_and_plain_garbage_only_closes_its_connection(
        certificate_authority: trustme.CA, caplog: pytest.LogCaptureFixture) -> None:
    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1",
                        sslContext=serverContext(certificate_authority))
    client_context = ssl.create_default_context()
    certificate_authority.configure_trust(client_context)
    with caplog.at_level(logging.WARNING, "Kamaelia.Internet.ConnectedSocketAdapter"):
        with Background(server):
            with connect(server.port) as plain:
                plain.sendall(b"GET / HTTP/1.0\r\n\r\n")      # not a TLS hello
                assert receiveOrReset(plain) == b""
            for _ in range(2):
                with client_context.wrap_socket(connect(server.port),
                                                server_hostname="127.0.0.1") as client:
                    client.sendall(b"secret" * 5000)
                    assert receiveExactly(client, 30000) == b"secret" * 5000
    assert "TLS handshake failed" in caplog.text


def test_tls_needs_a_context() -> None:
    with pytest.raises(ValueError, match="tls=True needs sslContext="):
        ServerCore(protocol=EchoProtocol, port=0, tls=True)


def test_a_protocol_is_required() -> None:
    with pytest.raises(ValueError, match="needs protocol= a callable"):
        ServerCore(port=0)


# ---------------------------------------------------------------- load test
CLIENTS, MESSAGES = 1000, 100


def test_a_thousand_clients_each_get_every_byte_back_in_order() -> None:
    before = openDescriptors()
    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")
    expected = {n: b"".join(b"%04d:%03d;" % (n, i) for i in range(MESSAGES))
                for n in range(CLIENTS)}
    received = {n: bytearray() for n in range(CLIENTS)}
    with Background(server) as running:
        clients = []
        try:
            with selectors.DefaultSelector() as selector:
                for n in range(CLIENTS):
                    client = connect(server.port)
                    client.setblocking(False)
                    clients.append(client)
                    selector.register(client, selectors.EVENT_READ, n)
                for n, client in enumerate(clients):       # all connected: now talk
                    client.sendall(expected[n])  # 1 kB each: fits the socket buffer
                waiting = set(range(CLIENTS))
                while waiting:
                    events = selector.select(IO_TIMEOUT)
                    assert events, f"{len(waiting)} clients still waiting for echoes"
                    for key, _ in events:
                        n = key.data
                        chunk = key.fileobj.recv(65536)   # type: ignore[union-attr]
                        assert chunk, f"client {n} was disconnected"
                        received[n] += chunk
                        if len(received[n]) >= len(expected[n]):
                            waiting.discard(n)
                            selector.unregister(key.fileobj)
        finally:
            for client in clients:
                client.close()
        running.shutdown()
    assert all(received[n] == expected[n] for n in range(CLIENTS))
    assert server.connectedTo == 0 and server.children == []
    assert openDescriptors() == before


class Strict(component):
    """Echoes, but fails on input it does not understand (anything with '!')."""

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            for data in self.Inbox("inbox"):
                if b"!" in data:
                    raise ValueError(f"cannot parse {data!r}")
                self.send(data, "outbox")
            self.pause()
            yield 1


def test_a_protocol_that_fails_on_garbage_loses_only_its_connection(
        fresh_scheduler: Any, caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False          # as in production
    server = ServerCore(protocol=Strict, port=0, host="127.0.0.1")
    with caplog.at_level(logging.ERROR, "Axon.Scheduler"):
        with Background(server):
            with connect(server.port) as calm:
                with connect(server.port) as rude:
                    rude.sendall(b"!!garbage!!")
                    assert receiveOrReset(rude) == b""         # closed by the server
                calm.sendall(b"still fine")
                assert receiveExactly(calm, 10) == b"still fine"
    assert "cannot parse b'!!garbage!!'" in caplog.text


def test_a_port_in_use_raises_naming_the_server_the_host_and_the_port(
        caplog: pytest.LogCaptureFixture) -> None:
    import errno
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.INFO):
            with pytest.raises(OSError, match=rf"ServerCore_\d+: .*cannot listen on port "
                                              rf"{port} on host '127.0.0.1': .*pass port 0") as info:
                ServerCore(protocol=EchoProtocol, port=port, host="127.0.0.1")
    assert info.value.errno == errno.EADDRINUSE
    assert not [r for r in caplog.records if r.levelno >= logging.INFO], \
        "the error is raised, not logged as well"

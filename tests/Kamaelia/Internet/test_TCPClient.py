"""Tests for Kamaelia.Internet.TCPClient, against plain test-side servers.

The server is a :class:`~nethelpers.Peer` thread with blocking sockets; the
client runs in the test's thread until it ends (``runScheduler()``), which it
does when the server closes the connection or it cannot connect.
"""

from __future__ import annotations

import re
import socket
import ssl
from typing import Any, Iterator

import pytest
import trustme

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, attach
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.IPC import connectionFailed
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Util.DataSource import DataSource
from nethelpers import LOOPBACKS, Peer, accept, freePort, listening, portOf, runScheduler
from nettools import IO_TIMEOUT, receiveAll, receiveExactly


def onlySignal(sink: Collector) -> Any:
    """The one message the client sent out of "signal"."""
    assert len(sink.control) == 1, sink.control
    return sink.control[0]


def assertEndedNormally(client: TCPClient, sink: Collector) -> None:
    """The connection was made and has closed: producerFinished, not connectionFailed."""
    signal = onlySignal(sink)
    assert isinstance(signal, producerFinished) and not isinstance(signal, connectionFailed)
    assert client._isStopped()
    assert scheduler.run._watched == 0


def assertFailed(client: TCPClient, sink: Collector, host: str, port: int) -> connectionFailed:
    """It could not connect: connectionFailed on "signal", nothing out of "outbox", ended."""
    failed = onlySignal(sink)
    assert isinstance(failed, connectionFailed)
    assert (failed.caller, failed.host, failed.port) == (client, host, port)
    assert failed.message == failed.reason == client.howDied
    assert sink.got == []
    assert client._isStopped()
    assert scheduler.run._watched == 0
    return failed


# ---------------------------------------------------------------- plain TCP
@pytest.mark.parametrize("host", LOOPBACKS)
def test_bytes_sent_to_the_client_reach_the_server(host: str) -> None:
    message = b"hello, server"
    with listening(host) as listener:
        def serve() -> bytes:
            with accept(listener) as conn:
                return receiveExactly(conn, len(message))       # then closes: the client ends

        peer = Peer(serve).begin()
        client = TCPClient(host, portOf(listener))
        client.inboxes["inbox"].extend([message[:5], message[5:]])   # before it connects
        sink = attach(client)
        runScheduler()
        assert peer.finish() == message
    assertEndedNormally(client, sink)


@pytest.mark.parametrize("host", LOOPBACKS)
def test_bytes_the_server_sends_come_out_of_the_client(host: str) -> None:
    with listening(host) as listener:
        def serve() -> None:
            with accept(listener) as conn:
                conn.sendall(b"greetings, ")
                conn.sendall(b"client")

        peer = Peer(serve).begin()
        client = TCPClient(host, portOf(listener))
        sink = attach(client)
        runScheduler()
        peer.finish()
    assert b"".join(sink.got) == b"greetings, client"
    assertEndedNormally(client, sink)
    assert onlySignal(sink).message == "peer closed"


@pytest.mark.parametrize("host", LOOPBACKS)
def test_a_pipeline_from_a_DataSource_gets_the_whole_answer(host: str) -> None:
    # As in the module docstring. The DataSource's producerFinished (which
    # arrives before the connection is made) half-closes the connection once
    # the request is sent: the server reads end of file, answers and closes.
    request = b"GET / HTTP/1.0\r\n\r\n"
    with listening(host) as listener:
        def serve() -> None:
            with accept(listener) as conn:
                asked = receiveAll(conn)
                assert asked == request, f"the server got {asked!r}"
                conn.sendall(b"answer to " + asked)
                conn.sendall(b"x" * 100_000)

        peer = Peer(serve).begin()
        client = TCPClient(host, portOf(listener))
        sink = Collector()
        Pipeline(DataSource([request]), client, sink).activate()
        runScheduler()
        peer.finish()
    assert b"".join(sink.got) == b"answer to " + request + b"x" * 100_000
    assertEndedNormally(client, sink)


def test_producerFinished_before_connecting_sends_what_is_queued_then_half_closes() -> None:
    with listening() as listener:
        def serve() -> None:
            with accept(listener) as conn:
                asked = receiveAll(conn)
                assert asked == b"one two", f"the server got {asked!r}"
                conn.sendall(b"got it")

        peer = Peer(serve).begin()
        client = TCPClient("127.0.0.1", portOf(listener))
        client.inboxes["inbox"].extend([b"one ", b"two"])
        client.inboxes["control"].append(producerFinished())
        sink = attach(client)
        runScheduler()
        peer.finish()
    assert b"".join(sink.got) == b"got it"
    assertEndedNormally(client, sink)


@pytest.mark.parametrize("host", LOOPBACKS)
def test_shutdownMicroprocess_on_control_closes_the_connection_at_once(host: str) -> None:
    with listening(host) as listener:
        def serve() -> bytes:
            with accept(listener) as conn:
                conn.sendall(b"hello")
                return receiveAll(conn)     # the client closes without being asked

        peer = Peer(serve).begin()
        client = TCPClient(host, portOf(listener))

        class Stopper(Collector):
            """Tells the client to stop as soon as the server's greeting arrives."""

            def main(self) -> Iterator[Any]:
                while not self.dataReady("inbox"):
                    self.pause()
                    yield 1
                client._deliver(shutdownMicroprocess(), "control")
                yield from super().main()

        stopper = Stopper()
        client.link((client, "outbox"), (stopper, "inbox"))
        client.link((client, "signal"), (stopper, "control"))
        client.activate()
        stopper.activate()
        runScheduler()
        assert peer.finish() == b""
    assert b"".join(stopper.got) == b"hello"
    assertEndedNormally(client, stopper)
    assert onlySignal(stopper).message == "shutdown"


# ---------------------------------------------------------- failing to connect
@pytest.mark.parametrize("host", LOOPBACKS)
def test_a_refused_connection_is_reported_and_the_client_ends(host: str) -> None:
    port = freePort(host)
    client = TCPClient(host, port)
    sink = attach(client)
    runScheduler()
    failed = assertFailed(client, sink, host, port)
    assert re.search("refused", failed.reason, re.IGNORECASE), failed.reason
    assert isinstance(failed.exception, OSError)
    assert host in str(failed) and str(port) in str(failed) and failed.reason in str(failed)


def test_an_unresolvable_name_is_reported_as_connectionFailed() -> None:
    client = TCPClient("no-such-host.invalid", 80)
    sink = attach(client)
    runScheduler()
    failed = assertFailed(client, sink, "no-such-host.invalid", 80)
    assert "no-such-host.invalid" in failed.reason
    assert isinstance(failed.exception, OSError)


def test_a_failure_is_logged_naming_the_address(caplog: pytest.LogCaptureFixture) -> None:
    port = freePort()
    client = TCPClient("127.0.0.1", port)
    attach(client)
    with caplog.at_level("WARNING", logger="Kamaelia.Internet.TCPClient"):
        runScheduler()
    assert any(f"127.0.0.1:{port}" in r.getMessage() and client.name in r.getMessage()
               for r in caplog.records)


class FullListener:
    """A listener whose accept queue is full (``listen(0)`` holding one
    connection that is never accepted): on Linux, further SYNs are dropped,
    so a connect to it neither completes nor fails."""

    def __init__(self) -> None:
        self.fillers: list[socket.socket] = []

    def __enter__(self) -> int:
        self._listening = listening("127.0.0.1", backlog=0)
        listener = self._listening.__enter__()
        port = portOf(listener)
        first = socket.create_connection(("127.0.0.1", port), timeout=IO_TIMEOUT)
        self.fillers.append(first)                 # completes: the queue is now full
        second = socket.socket()
        second.setblocking(False)
        second.connect_ex(("127.0.0.1", port))      # left hanging
        self.fillers.append(second)
        return port

    def __exit__(self, *exc: Any) -> None:
        for sock in self.fillers:
            sock.close()
        self._listening.__exit__(*exc)


def test_a_connect_that_takes_longer_than_connect_timeout_fails() -> None:
    with FullListener() as port:
        client = TCPClient("127.0.0.1", port, connect_timeout=0.5)
        sink = attach(client)
        runScheduler()
    failed = assertFailed(client, sink, "127.0.0.1", port)
    assert "timed out" in failed.reason
    assert isinstance(failed.exception, TimeoutError)


def test_shutdownMicroprocess_while_connecting_ends_it_without_connecting() -> None:
    with FullListener() as port:
        client = TCPClient("127.0.0.1", port, connect_timeout=IO_TIMEOUT * 3)
        sink = attach(client)
        stop = shutdownMicroprocess()
        scheduler.run.callLater(0.05, client._deliver, stop, "control")
        runScheduler()                  # well before connect_timeout
    assert onlySignal(sink) is stop       # passed on, as 1.14's shutdown() did
    assert client._isStopped() and client.sock is None and client.CSA is None
    assert scheduler.run._watched == 0


# -------------------------------------------------------------- bad arguments
@pytest.mark.parametrize("arguments, error, message", [
    ({"port": 70000}, ValueError, "port must be between 1 and 65535, not 70000"),
    ({"port": 0}, ValueError, "port must be between 1 and 65535, not 0"),
    ({"port": -1}, ValueError, "port must be between 1 and 65535, not -1"),
    ({"port": "80"}, TypeError, "port must be an int, not '80'"),
    ({"port": True}, TypeError, "port must be an int, not True"),
    ({"host": 127001}, TypeError, "host must be a str (a host name or address), not 127001"),
    ({"host": b"localhost"}, TypeError, "not b'localhost'"),
    ({"host": ""}, ValueError, "host must not be empty"),
    ({"delay": -1}, ValueError, "delay must be a number of seconds >= 0, not -1"),
    ({"delay": "soon"}, ValueError, "delay must be a number of seconds >= 0, not 'soon'"),
    ({"connect_timeout": -0.5}, ValueError,
     "connect_timeout must be a number of seconds >= 0, not -0.5"),
    ({"family": 12345}, ValueError,
     "family must be socket.AF_INET or socket.AF_INET6, not 12345"),
    ({"family": socket.AF_UNIX}, ValueError, f"not {socket.AF_UNIX!r}"),
    ({"sslContext": "yes"}, TypeError, "sslContext must be an ssl.SSLContext, not 'yes'"),
], ids=lambda value: repr(value) if isinstance(value, dict) else "")
def test_bad_arguments_raise_naming_the_value(arguments: dict[str, Any], error: type,
                                              message: str) -> None:
    given = {"host": "127.0.0.1", "port": 80, **arguments}
    with pytest.raises(error, match=re.escape(message)):
        TCPClient(**given)


# ------------------------------------------------------------------------ TLS
@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def serverContext(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


def test_over_TLS_with_a_context_trusting_the_CA_data_goes_both_ways(
        ca: trustme.CA, serverContext: ssl.SSLContext) -> None:
    clientContext = ssl.create_default_context()
    ca.configure_trust(clientContext)
    with listening() as listener:
        def serve() -> bytes:
            with accept(listener) as plain, \
                    serverContext.wrap_socket(plain, server_side=True) as conn:
                asked = receiveExactly(conn, 4)
                conn.sendall(b"pong")
                return asked

        peer = Peer(serve).begin()
        client = TCPClient("127.0.0.1", portOf(listener), sslContext=clientContext)
        client.inboxes["inbox"].append(b"ping")
        sink = attach(client)
        runScheduler()
        assert peer.finish() == b"ping"
    assert b"".join(sink.got) == b"pong"
    assertEndedNormally(client, sink)


def test_over_TLS_a_server_the_default_context_does_not_trust_is_a_failed_connection(
        serverContext: ssl.SSLContext) -> None:
    with listening() as listener:
        def serve() -> BaseException | None:
            with accept(listener) as plain:
                try:
                    serverContext.wrap_socket(plain, server_side=True).close()
                except OSError as exc:          # the client rejected our certificate
                    return exc
                return None

        peer = Peer(serve).begin()
        port = portOf(listener)
        client = TCPClient("127.0.0.1", port, tls=True)
        client.inboxes["inbox"].append(b"secret")
        sink = attach(client)
        runScheduler()
        assert isinstance(peer.finish(), ssl.SSLError)
    failed = assertFailed(client, sink, "127.0.0.1", port)
    assert "TLS" in failed.reason and "certificate" in failed.reason.lower(), failed.reason

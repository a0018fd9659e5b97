"""Tests for Kamaelia.Internet.SingleServer: one client at a time, as a plain component.

The server runs in the test's thread, its outbox looped back into its inbox
through an ``Upper`` component (so a client gets back what it sends,
upper-cased); the clients are played by a :class:`~nethelpers.Peer` thread,
which stops the server when it is done. ``runScheduler()`` returning is the
wait.
"""

from __future__ import annotations

import logging
import socket
from contextlib import ExitStack
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import SHUTDOWN
from Kamaelia.IPC import newCSA, serverShutdown, shutdownCSA
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Internet.SingleServer import SingleServer
from nethelpers import (Peer, closedByPeer, deliverer, readable, runScheduler, stepUntil,
                        whenTrue)
from nettools import IO_TIMEOUT, connect, receiveAll, receiveExactly

HOST = "127.0.0.1"
RunRounds = Callable[[int], bool]


@pytest.fixture
def steps(run_rounds: RunRounds) -> Iterator[RunRounds]:
    """``run_rounds``, and afterwards (should the test have failed with the server
    still running) everything stopped and the loop run to its end, so that it
    releases its selector before ``run_rounds`` closes it."""
    yield run_rounds
    scheduler.run.stop()
    run_rounds(1)


class Upper(component):
    """Sends back, upper-cased, the bytes arriving on "inbox"; records the
    messages reaching "control" and ends on a shutdown message."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[bytes] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            for data in self.Inbox("inbox"):
                self.got.append(data)
                self.send(data.upper(), "outbox")
            while self.dataReady("control"):
                message = self.recv("control")
                self.control.append(message)
                if isinstance(message, SHUTDOWN):
                    return
            if not self.anyReady():
                self.pause()
            yield 1


def serving(server: SingleServer) -> Upper:
    """Loop ``server``'s outbox back into its inbox through an Upper; activate both."""
    upper = Upper()
    upper.link((server, "outbox"), (upper, "inbox"))
    upper.link((upper, "outbox"), (server, "inbox"))
    upper.link((server, "signal"), (upper, "control"))
    server.activate()
    upper.activate()
    return upper


def exchange(client: socket.socket, data: bytes) -> None:
    """Send ``data``; the server must send it back upper-cased."""
    client.sendall(data)
    assert receiveExactly(client, len(data)) == data.upper()


def connected(server: SingleServer) -> list[component]:
    """The server's current connection, if any (its adapter is its child meanwhile)."""
    return [c for c in server.childComponents() if isinstance(c, ConnectedSocketAdapter)]


def canBind(port: int) -> bool:
    """True if a restarted server (SO_REUSEADDR, as TCPServer sets) could listen on ``port``.

    (Without SO_REUSEADDR, connections the server closed first would hold the
    port in TIME_WAIT for a minute.)
    """
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
            sock.listen()
        except OSError:
            return False
        return True


def assertEnded(server: SingleServer, upper: Upper, message: Any) -> None:
    """Ended, passing ``message`` on, with the listening socket released."""
    assert server._isStopped()
    assert upper.control == [message]
    assert scheduler.run._watched == 0
    assert canBind(server.port)


# ------------------------------------------------------------------- serving
def test_data_goes_both_ways_with_one_client() -> None:
    server = SingleServer(port=0, host=HOST)
    upper = serving(server)
    stop = shutdownMicroprocess()

    def client() -> None:
        with connect(server.port, HOST) as sock:
            exchange(sock, b"hello")
            exchange(sock, b"again")

    peer = Peer(client, then=deliverer(server, stop)).begin()
    runScheduler()
    peer.finish()
    assert b"".join(upper.got) == b"helloagain"
    assertEnded(server, upper, stop)


def test_a_second_client_waits_its_turn_then_what_it_sent_comes_out() -> None:
    server = SingleServer(port=0, host=HOST)
    upper = serving(server)
    stop = shutdownMicroprocess()

    def clients() -> None:
        with ExitStack() as closing:
            first = closing.enter_context(connect(server.port, HOST))
            exchange(first, b"one")
            second = closing.enter_context(connect(server.port, HOST))
            second.sendall(b"two")                      # held: the first is being served
            exchange(first, b"three")                   # the first keeps working
            assert not readable(second)
            first.close()
            assert receiveExactly(second, 3) == b"TWO"  # its turn: "two" comes out
            exchange(second, b"four")

    peer = Peer(clients, then=deliverer(server, stop)).begin()
    runScheduler()
    peer.finish()
    assert b"".join(upper.got) == b"onethreetwofour"
    assertEnded(server, upper, stop)


def test_with_maxConnections_1_a_second_concurrent_client_is_closed_while_the_first_works(
        caplog: pytest.LogCaptureFixture) -> None:
    server = SingleServer(port=0, host=HOST, maxConnections=1)
    upper = serving(server)
    stop = shutdownMicroprocess()

    def clients() -> None:
        with connect(server.port, HOST) as first:
            exchange(first, b"one")
            with connect(server.port, HOST) as second:
                assert closedByPeer(second)
            exchange(first, b"two")

    peer = Peer(clients, then=deliverer(server, stop)).begin()
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Internet.TCPServer"):
        runScheduler()
    peer.finish()
    assert b"".join(upper.got) == b"onetwo"
    assert any("refused a connection" in r.getMessage() for r in caplog.records)
    assertEnded(server, upper, stop)


def test_messages_sent_before_any_client_connects_reach_the_first_one() -> None:
    server = SingleServer(port=0, host=HOST)
    server.inboxes["inbox"].extend([b"welcome", b"!"])
    upper = serving(server)
    stop = shutdownMicroprocess()

    def client() -> bytes:
        with connect(server.port, HOST) as sock:
            greeting = receiveExactly(sock, len(b"welcome!"))
            exchange(sock, b"hi")
            return greeting

    peer = Peer(client, then=deliverer(server, stop)).begin()
    runScheduler()
    assert peer.finish() == b"welcome!"
    assertEnded(server, upper, stop)


def test_after_a_client_leaves_the_next_is_served_and_gets_what_waited_for_it() -> None:
    server = SingleServer(port=0, host=HOST)
    upper = serving(server)
    stop = shutdownMicroprocess()

    def clients() -> bytes:
        with connect(server.port, HOST) as first:
            exchange(first, b"one")
            first.shutdown(socket.SHUT_WR)
            assert receiveAll(first) == b""        # the server closed it in turn
        # Once the server has let go of that connection, send it something for
        # the next client: it waits for one.
        noticed = whenTrue(lambda: not connected(server),
                           deliverer(server, b"while you were away", "inbox"))
        assert noticed.wait(10), "the server never let go of the first connection"
        with connect(server.port, HOST) as second:
            waiting = receiveExactly(second, len(b"while you were away"))
            exchange(second, b"two")
        return waiting

    peer = Peer(clients, then=deliverer(server, stop)).begin()
    runScheduler()
    assert peer.finish() == b"while you were away"
    assert b"".join(upper.got) == b"onetwo"
    assertEnded(server, upper, stop)


def test_a_client_accepted_while_the_last_one_is_still_closing_is_served(
        steps: RunRounds) -> None:
    # A client that closes is announced (shutdownCSA) as soon as its socket
    # has shut; a client connecting just then is announced (newCSA) before
    # the first adapter has finished closing. These are the messages the
    # TCPServer sends in that case, in that order, to adapters on socket pairs.
    server = SingleServer(port=0, host=HOST)
    firstOurs, firstPeer = socket.socketpair()
    secondOurs, secondPeer = socket.socketpair()
    with firstPeer, secondPeer:
        firstPeer.settimeout(IO_TIMEOUT)
        secondPeer.settimeout(IO_TIMEOUT)
        first, second = ConnectedSocketAdapter(firstOurs), ConnectedSocketAdapter(secondOurs)
        first.activate()
        second.activate()
        server.activate()
        server._deliver(newCSA(server.server, first, firstOurs), "_oobinfo")
        steps(20)
        server._deliver(shutdownCSA(server.server, first), "_oobinfo")
        server._deliver(newCSA(server.server, second, secondOurs), "_oobinfo")
        steps(20)
        assert receiveAll(firstPeer) == b""             # told to finish: it closed
        assert not second._isStopped(), "the second client was shut out"
        server._deliver(b"for the second client", "inbox")
        steps(20)
        assert receiveExactly(secondPeer, len(b"for the second client")) == \
            b"for the second client"
        server._deliver(shutdownMicroprocess(), "control")
        assert steps(50)
    assert second._isStopped()


@pytest.mark.parametrize("maxConnections", [None, 1])
def test_a_client_connecting_as_soon_as_the_last_one_has_closed_is_served(
        steps: RunRounds, maxConnections: int | None) -> None:
    # The first client closes and the second connects before the scheduler
    # looks again, so it sees both at once: the server must count the first
    # as gone before it judges the second (with maxConnections=1, the second
    # is not beyond the limit: the first has gone).
    server = SingleServer(port=0, host=HOST, maxConnections=maxConnections)
    upper = serving(server)
    with connect(server.port, HOST) as first:
        assert stepUntil(steps, lambda: bool(connected(server)))
        first.sendall(b"one")
        assert stepUntil(steps, lambda: readable(first))
        assert receiveExactly(first, 3) == b"ONE"
    with connect(server.port, HOST) as second:
        second.sendall(b"two")
        assert stepUntil(steps, lambda: readable(second))
        try:
            answer = second.recv(3)
        except ConnectionResetError:
            answer = b""
        assert answer == b"TWO", "the second client was shut out"
    server._deliver(shutdownMicroprocess(), "control")
    assert stepUntil(steps, server._isStopped)
    assert stepUntil(steps, upper._isStopped)


# ------------------------------------------------------------------ shutdown
@pytest.mark.parametrize("kind", [producerFinished, shutdownMicroprocess, serverShutdown])
def test_a_shutdown_on_control_releases_the_port_passes_the_message_on_and_ends(
        kind: type) -> None:
    server = SingleServer(port=0, host=HOST)
    message = kind()
    server.inboxes["control"].append(message)
    upper = serving(server)
    runScheduler()
    assertEnded(server, upper, message)
    with pytest.raises(ConnectionRefusedError):
        connect(server.port, HOST).close()


@pytest.mark.parametrize("kind", [shutdownMicroprocess, serverShutdown])
def test_shutting_down_closes_the_client_connection_and_any_waiting_one(kind: type) -> None:
    server = SingleServer(port=0, host=HOST)
    upper = serving(server)
    message = kind()

    def client() -> None:
        with connect(server.port, HOST) as sock, connect(server.port, HOST) as waiting:
            exchange(sock, b"hi")
            server._deliver(message, "control")
            assert closedByPeer(sock)
            assert closedByPeer(waiting)

    peer = Peer(client).begin()
    runScheduler()
    peer.finish()
    assertEnded(server, upper, message)


def test_producerFinished_writes_what_was_sent_to_the_client_then_closes() -> None:
    server = SingleServer(port=0, host=HOST)
    upper = serving(server)
    message = producerFinished()

    def client() -> bytes:
        with connect(server.port, HOST) as sock:
            exchange(sock, b"hi")
            server._deliver(b"last words " * 10_000, "inbox")
            server._deliver(message, "control")
            return receiveAll(sock)

    peer = Peer(client).begin()
    runScheduler()
    assert peer.finish() == b"last words " * 10_000
    assertEnded(server, upper, message)


def test_close_releases_the_port_of_a_server_never_run() -> None:
    server = SingleServer(port=0, host=HOST)
    assert not canBind(server.port)
    server.close()
    assert canBind(server.port)

"""TCPServer: 1.14's methods, class attribute CSA and boxes, doing their 1.14 job."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.IPC import newCSA, shutdownCSA, socketShutdown
from Kamaelia.Internet import TCPServer as serverModule
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Internet.TCPServer import TCPServer
from nethelpers import freePort
from nettools import Background, connect, receiveAll

from test_TCPServer import Handler


def test_the_1_14_boxes_and_attributes_are_there() -> None:
    server = TCPServer(0, host="127.0.0.1")
    try:
        assert {"_feedbackFromCSA", "newconnection", "control"} <= set(server.inboxes)
        assert {"protocolHandlerSignal", "signal", "_selectorSignal",
                "_selectorShutdownSignal"} <= set(server.outboxes)
        assert TCPServer.CSA is ConnectedSocketAdapter and server.selectorService is None
        assert serverModule.__kamaelia_components__ == (TCPServer,)
    finally:
        server.close()


def test_makeTCPServerPort_returns_a_listening_socket_and_its_real_port() -> None:
    server = TCPServer(0, host="127.0.0.1")
    try:
        sock, port = server.makeTCPServerPort(0, HOST="127.0.0.1", maxlisten=1)
        assert sock is not None and port == sock.getsockname()[1] > 0
        with connect(port):
            pass                                   # it listens
        sock.close()
    finally:
        server.close()


def test_makeTCPServerPort_without_a_port_picks_one_in_the_range_as_1_14() -> None:
    server = TCPServer(0, host="127.0.0.1")
    wanted = freePort()
    try:
        sock, port = server.makeTCPServerPort(minrange=wanted, maxrange=wanted)
        assert port == wanted and sock is not None
        sock.close()
    finally:
        server.close()


def test_makeTCPServerPort_that_cannot_bind_gives_None_None_and_keeps_the_error(
        caplog: pytest.LogCaptureFixture) -> None:
    server = TCPServer(0, host="127.0.0.1")
    try:
        with caplog.at_level(logging.DEBUG, logger="Kamaelia.Internet.TCPServer"):
            assert server.makeTCPServerPort(server.port, HOST="127.0.0.1") == (None, None)
        assert isinstance(server.listenError, OSError)
        assert f"127.0.0.1:{server.port}" in caplog.text or str(server.port) in caplog.text
    finally:
        server.close()


def test_a_subclass_overriding_makeTCPServerPort_is_used_when_the_server_is_made() -> None:
    made: list[int] = []

    class Recorded(TCPServer):
        def makeTCPServerPort(self, suppliedport: Any = None, HOST: Any = None,
                              minrange: int = 2000, maxrange: int = 50000,
                              maxlisten: int = 5) -> Any:
            made.append(suppliedport)
            return super().makeTCPServerPort(suppliedport, HOST, minrange, maxrange, maxlisten)

    Recorded(0, host="127.0.0.1").close()
    assert made == [0]


def test_createConnectedSocket_accepts_one_connection_and_wraps_it() -> None:
    server = TCPServer(0, host="127.0.0.1")
    try:
        with pytest.raises(BlockingIOError):
            server.createConnectedSocket(server.listener)      # nobody waiting
        with connect(server.port) as client:
            server.listener.setblocking(True)                  # (wait for the client here)
            sock, adapter = server.createConnectedSocket(server.listener)
            assert isinstance(adapter, ConnectedSocketAdapter) and adapter.socket is sock
            assert sock.getpeername() == client.getsockname()
            adapter.stop()
    finally:
        server.close()


def test_a_CSA_class_attribute_of_any_callable_makes_each_connection() -> None:
    made: list[Any] = []

    class Custom(TCPServer):
        def CSA(self, sock: socket.socket, selectorService: Any) -> ConnectedSocketAdapter:
            made.append(selectorService)
            adapter = ConnectedSocketAdapter(sock)
            adapter.inboxes["inbox"].append(b"custom\n")
            adapter.inboxes["control"].append(producerFinished())
            return adapter

    server = Custom(0, host="127.0.0.1")
    handler = Handler(server)
    handler.activate()
    with Background(server):
        with connect(server.port) as client:
            assert receiveAll(client).startswith(b"custom\n")
    assert made == [None]


def test_handleNewConnection_and_closeSocket_overrides_are_called_by_main() -> None:
    calls: list[str] = []

    class Watched(TCPServer):
        def handleNewConnection(self) -> None:
            if self.dataReady("newconnection"):
                calls.append("new")
            super().handleNewConnection()

        def closeSocket(self, shutdownMessage: Any) -> None:
            calls.append("closed")
            super().closeSocket(shutdownMessage)

    server = Watched(0, host="127.0.0.1")
    handler = Handler(server)
    handler.activate()
    with Background(server):
        with connect(server.port) as client:
            # The adapter announces its end (socketShutdown) as it closes the
            # socket, before the shutdown sent when we leave this block.
            assert receiveAll(client) == b"hello\n"
    assert calls == ["new", "closed"]
    assert server.socket_handlers == {}


def test_anyClosedSockets_announces_each_closed_connection_and_forgets_it() -> None:
    server = TCPServer(0, host="127.0.0.1")
    try:
        with connect(server.port):
            server.listener.setblocking(True)
            sock, adapter = server.createConnectedSocket(server.listener)
            server.socket_handlers[sock] = adapter
            server._links[adapter] = server.link((adapter, "CreatorFeedback"),
                                                 (server, "_feedbackFromCSA"))
            server.connections = 1
            assert server.anyClosedSockets() is False
            adapter.send(socketShutdown(adapter, [sock, "peer closed"]), "CreatorFeedback")
            assert server.anyClosedSockets() is True
            (told,) = list(server.outboxes["protocolHandlerSignal"])
            assert isinstance(told, shutdownCSA) and told.object is adapter
            assert server.socket_handlers == {} and server.connections == 0
            adapter.stop()
    finally:
        server.close()


def test_stop_closes_the_listening_socket() -> None:
    server = TCPServer(0, host="127.0.0.1")
    server.activate()
    server.stop()
    assert server.listener.fileno() == -1


def test_a_CSA_maker_given_connectionOptions_warns_once_that_they_are_not_passed(
        caplog: pytest.LogCaptureFixture) -> None:
    class Custom(TCPServer):
        def CSA(self, sock: socket.socket, selectorService: Any) -> ConnectedSocketAdapter:
            return ConnectedSocketAdapter(sock)

    server = Custom(0, host="127.0.0.1", connectionOptions={"idleTimeout": 5})
    try:
        with caplog.at_level(logging.WARNING, logger="Kamaelia.Internet.TCPServer"):
            for _ in range(2):
                with connect(server.port):
                    server.listener.setblocking(True)
                    _, adapter = server.createConnectedSocket(server.listener)
                    adapter.stop()
        assert caplog.text.count("are not passed to it") == 1
    finally:
        server.close()


def test_each_connection_is_announced_with_its_socket() -> None:
    server = TCPServer(0, host="127.0.0.1")
    handler = Handler(server)
    handler.activate()
    with Background(server):
        with connect(server.port) as client:
            receiveAll(client)
    (announced,) = [m for m in handler.heard if isinstance(m, newCSA)]
    assert announced.sock is announced.object.socket and announced.handlesWriting()

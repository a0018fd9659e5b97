"""ServerCore / SimpleServer: 1.14's methods, names and calling conventions."""

from __future__ import annotations

import socket
import threading
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis import ConnectedServer as serverModule
from Kamaelia.Chassis.ConnectedServer import (FastRestartServer, MoreComplexServer, ServerCore,
                                              SimpleServer)
from Kamaelia.IPC import socketShutdown
from Kamaelia.Internet.TCPServer import TCPServer
from Kamaelia.Protocol.EchoProtocol import EchoProtocol

from nettools import IO_TIMEOUT, Background, connect, receiveAll, receiveExactly


class Told(component):
    """A protocol that records what arrives on "control" and ends on it,
    after answering "bye"."""

    heard: list[Any] = []

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.pause()
            yield 1
        Told.heard.append(self.recv("control"))
        self.send(b"bye", "outbox")
        self.send(producerFinished(self), "signal")


def test_the_1_14_names_are_there() -> None:
    assert serverModule.__kamaelia_components__ == (ServerCore, SimpleServer, FastRestartServer)
    assert issubclass(MoreComplexServer, ServerCore)
    assert FastRestartServer.socketOptions == (socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    assert ServerCore.TCPS is TCPServer and ServerCore.port == 1601


def test_SimpleServer_calls_the_factory_with_no_arguments_as_1_14() -> None:
    given: list[dict[str, Any]] = []

    def factory(**argd: Any) -> EchoProtocol:
        given.append(argd)
        return EchoProtocol()

    server = SimpleServer(protocol=factory, port=0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            client.sendall(b"x")
            assert receiveExactly(client, 1) == b"x"
    assert given == [{}]


def test_ServerCore_gives_a_factory_taking_keywords_the_four_1_14_ones() -> None:
    given: list[dict[str, Any]] = []

    def factory(**argd: Any) -> EchoProtocol:
        given.append(argd)
        return EchoProtocol()

    server = ServerCore(protocol=factory, port=0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            client.sendall(b"x")
            receiveExactly(client, 1)
            port = client.getsockname()[1]
    assert given == [{"peer": "127.0.0.1", "peerport": port, "localip": "127.0.0.1",
                      "localport": server.port}]


def test_a_client_closing_its_side_is_told_to_the_protocol_as_socketShutdown() -> None:
    Told.heard = []
    server = ServerCore(protocol=Told, port=0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            client.shutdown(socket.SHUT_WR)
            assert receiveAll(client) == b"bye"          # its answer is still written
    (message,) = Told.heard
    assert isinstance(message, socketShutdown)


def test_main_calls_the_1_14_methods_a_subclass_overrides() -> None:
    calls: list[str] = []

    class Watched(ServerCore):
        def handleNewConnection(self, newCSAMessage: Any) -> None:
            calls.append("new")
            assert self.connectedSockets == []
            super().handleNewConnection(newCSAMessage)
            assert self.connectedSockets == [newCSAMessage.object]

        def handleClosedCSA(self, shutdownCSAMessage: Any) -> None:
            calls.append("closed")
            super().handleClosedCSA(shutdownCSAMessage)

    Told.heard = []
    server = Watched(protocol=Told, port=0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            client.shutdown(socket.SHUT_WR)
            assert receiveAll(client) == b"bye"
    assert calls == ["new", "closed"]


def test_a_subclass_overriding_initialiseServerSocket_makes_its_server_when_started() -> None:
    started: list[TCPServer] = []
    made = threading.Event()

    class Own(ServerCore):
        def initialiseServerSocket(self) -> None:
            self.port = 0
            self.host = "127.0.0.1"
            super().initialiseServerSocket()
            started.append(self.server)
            made.set()

    server = Own(protocol=EchoProtocol)
    assert server.server is None                      # not made yet, as in 1.14
    with Background(server):
        assert made.wait(IO_TIMEOUT)                  # made in the scheduler's thread
        with connect(started[0].listenport) as client:
            client.sendall(b"hi")
            assert receiveExactly(client, 2) == b"hi"

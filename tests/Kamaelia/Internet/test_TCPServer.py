"""TCPServer: binding, announcing connections, limits and shutdown."""

from __future__ import annotations

import errno
import logging
import socket
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.IPC import newCSA, serverShutdown, shutdownCSA
from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Internet.TCPServer import TCPServer

from nettools import Background, connect, receiveAll


class Handler(component):
    """Greets each connection, then tells it to finish; records what it hears;
    ends when the server does."""

    def __init__(self, server: TCPServer) -> None:
        super().__init__()
        self.heard: list[Any] = []
        server.link((server, "protocolHandlerSignal"), (self, "inbox"))
        server.link((server, "signal"), (self, "control"))

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            for message in self.Inbox("inbox"):
                self.heard.append(message)
                if isinstance(message, newCSA):
                    message.object._deliver(b"hello\n", "inbox")
                    message.object._deliver(producerFinished(), "control")
            self.pause()
            yield 1
        self.heard.extend(self.Inbox("inbox"))


def test_port_zero_gives_a_real_port_at_once_and_close_releases_it() -> None:
    server = TCPServer(0, host="127.0.0.1")
    assert server.listenport == server.port > 0
    with socket.socket() as probe:
        with pytest.raises(OSError):
            probe.bind(("127.0.0.1", server.port))
    server.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", server.port))


def test_a_port_in_use_raises_when_the_server_is_made() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=rf"TCPServer_\d+ cannot listen on port {port} on "
                                          r"host '127\.0\.0\.1': .*choose another port") as info:
            TCPServer(port, host="127.0.0.1")
    assert info.value.errno == errno.EADDRINUSE


def test_a_ServerCore_on_a_port_in_use_raises_naming_its_server_host_and_port() -> None:
    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=rf"TCPServer_\d+ cannot listen on port {port} on "
                                          r"host '127\.0\.0\.1'") as info:
            ServerCore(protocol=EchoProtocol, port=port, host="127.0.0.1")
    assert info.value.errno == errno.EADDRINUSE


@pytest.mark.parametrize("host", ["127.0.0.1", "::1"])
def test_each_connection_is_announced_with_its_adapter_and_its_end_too(host: str) -> None:
    server = TCPServer(0, host=host)
    handler = Handler(server)
    handler.activate()
    with Background(server) as running:
        for _ in range(2):
            with connect(server.port, host) as client:
                assert receiveAll(client) == b"hello\n"
        running.shutdown(serverShutdown())
    announced = [m for m in handler.heard if isinstance(m, newCSA)]
    ended = [m for m in handler.heard if isinstance(m, shutdownCSA)]
    assert len(announced) == 2 and len(ended) == 2
    assert all(isinstance(m.object, ConnectedSocketAdapter) for m in announced)
    assert {m.object for m in announced} == {m.object for m in ended}
    assert server.connections == 0


def test_beyond_max_connections_a_client_is_accepted_closed_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    server = TCPServer(0, host="127.0.0.1", maxConnections=0)
    handler = Handler(server)
    handler.activate()
    with caplog.at_level(logging.WARNING, "Kamaelia.Internet.TCPServer"):
        with Background(server):
            with connect(server.port) as client:
                assert receiveAll(client) == b""
    assert "at maxConnections (0)" in caplog.text
    assert not [m for m in handler.heard if isinstance(m, newCSA)]


@pytest.mark.parametrize("argument, message", [
    ({"listenport": -1}, "listenport must be between 0 and 65535, not -1"),
    ({"listenport": "80"}, "listenport must be an int, not '80'"),
    ({"listenport": 0, "socketOptions": "fast"}, "socketOptions must be a"),
    ({"listenport": 0, "maxConnections": -2}, "TCPServer: maxConnections must be >= 0, not -2"),
    ({"listenport": 0, "family": 99}, "family must be socket.AF_INET or socket.AF_INET6"),
])
def test_bad_arguments_are_refused_naming_the_value(argument: dict[str, Any],
                                                    message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        TCPServer(**argument)

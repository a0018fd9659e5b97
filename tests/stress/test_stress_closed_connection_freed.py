"""A closed connection holds nothing: its adapter, its protocol and their data go at once.

The probe that found it: a client sent megabytes to an echo server without
reading, then closed; the server's loop variable kept the last
``shutdownCSA``, so the closed adapter and the 95 MiB its inbox held lived
on until the next connection closed. Here each test closes a connection
while the server goes on running and checks, in the scheduler's own thread
once the server has forgotten the connection, that a full collection frees
the adapter, the protocol and a big message left on the adapter's inbox
(that one without waiting for a collection: the adapter drops what it can no
longer send when it ends). ``test_stress_nothing_held`` scans every module,
these included, for generators that keep a message bound across a ``yield``.
"""

from __future__ import annotations

import gc
import socket
import threading
import weakref
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.SingleServer import SingleServer
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.EchoProtocol import EchoProtocol

from nettools import Background, IO_TIMEOUT, connect, inScheduler, receiveAll

#: Bytes per big message: far more than any socket buffer takes at once.
BIG = 4 << 20


class Big(bytearray):
    """A message a weak reference can watch."""


class Refs:
    """Weak references to what a protocol factory made, and to its messages."""

    def __init__(self) -> None:
        self.protocols: list[weakref.ref] = []
        self.messages: list[weakref.ref] = []


class Flooder(component):
    """Sends two big messages to its client, then waits to be told to stop."""

    def __init__(self, refs: Refs) -> None:
        super().__init__()
        self.refs = refs

    def main(self) -> Iterator[Any]:
        for _ in range(2):
            message = Big(BIG)
            self.refs.messages.append(weakref.ref(message))
            self.send(message, "outbox")
        del message
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.send(self.recv("control"), "signal")


class Kept(list):
    """What a Keeper keeps (a list a weak reference can watch)."""


class Keeper(component):
    """Keeps every chunk it is sent; ends when told to."""

    def __init__(self, refs: Refs) -> None:
        super().__init__()
        self.kept = Kept()
        refs.messages.append(weakref.ref(self.kept))

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.kept.extend(self.Inbox("inbox"))
            self.pause()
            yield 1
        self.send(producerFinished(self), "signal")


class Discard(component):
    """Takes what it is sent and drops it; ends when told to."""

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            for _ in self.Inbox("inbox"):
                pass
            self.pause()
            yield 1
        self.send(self.recv("control"), "signal")


def recording(refs: Refs, make: Callable[[], component]) -> Callable[..., component]:
    def factory(**_: Any) -> component:
        protocol = make()
        refs.protocols.append(weakref.ref(protocol))
        return protocol
    return factory


def adapterRef(server: ServerCore) -> Callable[[], weakref.ref]:
    """In the scheduler's thread: a weak reference to the one connection's adapter."""
    def take() -> weakref.ref:
        [adapter] = server.connectedSockets
        return weakref.ref(adapter)
    return take


def freedOnceForgotten(server: Any, connected: Callable[[], bool],
                       refs: list[weakref.ref]) -> list[str]:
    """Wait (in the scheduler's thread, no sleeping) until the server has forgotten
    the connection, then collect: the names of what is still alive."""
    def check() -> list[str]:
        gc.collect()
        return [repr(ref()) for ref in refs if ref() is not None]
    return inScheduler(check, when=lambda: not connected(server))


def test_a_slow_reader_that_closes_leaves_nothing_behind() -> None:
    refs = Refs()
    server = ServerCore(protocol=recording(refs, lambda: Flooder(refs)), port=0,
                        host="127.0.0.1")
    with Background(server):
        client = connect(server.port)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(b"x")                         # (it is connected and served)
        inScheduler(lambda: None, when=lambda: len(refs.messages) == 2)
        adapter = inScheduler(adapterRef(server))
        unsent = refs.messages[1]
        assert unsent() is not None, "the second message should still wait to be sent"
        client.close()                               # unread data: the peer resets
        left = freedOnceForgotten(server, lambda s: s.connectedTo > 0,
                                  [adapter, refs.protocols[0], *refs.messages])
    assert left == []


def test_the_unsent_message_is_dropped_when_the_adapter_ends_without_a_collection() -> None:
    refs = Refs()
    server = ServerCore(protocol=recording(refs, lambda: Flooder(refs)), port=0,
                        host="127.0.0.1")
    with Background(server):
        client = connect(server.port)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.sendall(b"x")
        inScheduler(lambda: None, when=lambda: len(refs.messages) == 2)
        unsent = refs.messages[1]
        client.close()

        def stillThere() -> bool:
            return unsent() is not None          # no gc.collect() on purpose

        alive = inScheduler(stillThere, when=lambda: server.connectedTo == 0)
    assert alive is False


def test_a_protocol_keeping_all_it_read_is_freed_with_its_connection() -> None:
    refs = Refs()
    server = ServerCore(protocol=recording(refs, lambda: Keeper(refs)), port=0,
                        host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            client.sendall(b"y" * BIG)
            adapter = inScheduler(adapterRef(server))
        left = freedOnceForgotten(server, lambda s: s.connectedTo > 0,
                                  [adapter, refs.protocols[0], *refs.messages])
    assert left == []


def test_a_protocol_that_finishes_leaves_nothing_behind() -> None:
    refs = Refs()

    class Answer(component):
        def main(self) -> Iterator[Any]:
            self.send(b"bye", "outbox")
            self.send(producerFinished(self), "signal")
            yield 1

    server = ServerCore(protocol=recording(refs, Answer), port=0, host="127.0.0.1")
    with Background(server):
        with connect(server.port) as client:
            assert receiveAll(client) == b"bye"
        left = freedOnceForgotten(server, lambda s: s.connectedTo > 0, refs.protocols)
    assert left == []


def test_single_server_lets_a_client_that_left_go() -> None:
    server = SingleServer(port=0)
    adapters: list[weakref.ref] = []
    with Background(Pipeline(server, Discard())):
        with connect(server.port) as client:
            client.sendall(b"hello")
            adapters.append(inScheduler(lambda: weakref.ref(server._current),
                                        when=lambda: server._current is not None))
        left = freedOnceForgotten(server, lambda s: s._current is not None, adapters)
    assert left == []


def test_a_tcp_client_whose_connection_closed_is_freed_with_its_adapter() -> None:
    echo = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1")
    refs: list[weakref.ref] = []
    ended = threading.Event()

    class Recorded(TCPClient):
        def setupCSA(self, sock: socket.socket) -> list[Any]:
            children = super().setupCSA(sock)
            refs.append(weakref.ref(self.CSA))
            return children

    class Last(component):
        def main(self) -> Iterator[Any]:
            while not self.dataReady("control"):
                for _ in self.Inbox("inbox"):
                    pass
                self.pause()
                yield 1
            ended.set()

    with Background(echo):
        def start() -> None:
            client = Recorded("127.0.0.1", echo.port)
            refs.append(weakref.ref(client))
            Pipeline(_Once(b"ping"), client, Last()).activate()
        inScheduler(start)
        assert ended.wait(IO_TIMEOUT), "the client's connection did not end"

        def check() -> list[str]:
            gc.collect()
            return [repr(ref()) for ref in refs if ref() is not None]
        left = inScheduler(check, when=lambda: all(ref() is None or ref()._isStopped()
                                                   for ref in refs))
    assert len(refs) == 2 and left == []


class _Once(component):
    """Sends one message, then producerFinished."""

    def __init__(self, message: bytes) -> None:
        super().__init__()
        self.message = message

    def main(self) -> Iterator[Any]:
        self.send(self.message, "outbox")
        self.send(producerFinished(self), "signal")
        yield 1

"""Helpers for the demo's tests (imported by tests; not a test file).

``Recording()`` is a Narrator that also keeps what it was told, with the
time. ``chatSystem(name)`` runs the demo's chat server and its Backplane in
the default scheduler in a thread (``nettools.Background``) and stops both
at the end; ``ChatClient(port)`` plays a chat client with an ordinary
blocking socket. ``protocols(server)`` and ``descendants(component)`` look at
a running system: call them in the scheduler's thread (``inScheduler``).
"""

from __future__ import annotations

import io
import socket
import time
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia.Apps.Demo.chat import chatServer
from Kamaelia.Apps.Demo.narrator import Narrator
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Util.Backplane import Backplane

from nettools import Background, connect


class Recording(Narrator):
    """Recording(clock=time.monotonic) -> a Narrator (to a StringIO) that also
    keeps ``told``: (seconds, who, verb, text) for each line, in order."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(io.StringIO(), clock=clock)
        self.told: list[tuple[float, str, str, str]] = []

    def tell(self, who: str, verb: str, text: str = "") -> None:
        self.told.append((self.elapsed(), who, verb, text))
        super().tell(who, verb, text)

    def events(self) -> list[tuple[str, str, str]]:
        """(who, verb, text) of each line told, without the times."""
        return [(who, verb, text) for _, who, verb, text in self.told]


@contextmanager
def chatSystem(name: str) -> Iterator[ServerCore]:
    """``chatServer(name)`` on a free loopback port and ``Backplane(name)``,
    running in a thread; leaving the block closes the backplane and shuts
    the server down, and fails the test if the system does not end."""
    server = chatServer(name, port=0, host="127.0.0.1")
    try:
        backplane = Backplane(name)
    except BaseException:
        server.close()
        raise
    backplane.activate()
    with Background(server):
        try:
            yield server
        finally:
            backplane._deliver(producerFinished(), "control")      # (thread-safe)


class ChatClient:
    """ChatClient(port) -> a chat client on a blocking socket (with a timeout)."""

    def __init__(self, port: int) -> None:
        self.sock = connect(port)
        self.reader = self.sock.makefile("rb")

    def say(self, line: bytes) -> None:
        self.sock.sendall(line + b"\n")

    def hear(self) -> bytes:
        """The next line from the server, without its newline."""
        line = self.reader.readline()
        assert line.endswith(b"\n"), f"the connection closed (after {line!r})"
        return line[:-1]

    def enter(self, name: str) -> None:
        """Say hello and hear it back: from then on this client hears every line."""
        self.say(f"{name}: hello".encode())
        assert self.hear() == f"{name}: hello".encode()

    def rest(self) -> bytes:
        """Everything until the server closes the connection."""
        return self.reader.read()

    def halfClose(self) -> None:
        self.sock.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.reader.close()
        self.sock.close()

    def __enter__(self) -> "ChatClient":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def protocols(server: ServerCore) -> list[Graphline]:
    """The chat server's per-connection Graphlines, running now."""
    return [child for child in server.children if isinstance(child, Graphline)]


def descendants(parent: component) -> list[Any]:
    """Every component inside ``parent``, at any depth."""
    found: list[Any] = []
    for child in parent.children:
        found.extend([child, *descendants(child)])
    return found

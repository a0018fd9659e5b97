"""Helpers for the UDP and multicast tests (imported by tests; not a test file).

``gather(target, count)`` runs the scheduler until ``target`` has sent
``count`` messages out of "outbox", then asks it to end (with the message
given) and runs on until everything has ended: no sleeps, the scheduler
waits in its own ``selectors`` wait for the datagrams. ``probe(host)`` is a
plain test-side socket with a timeout on ``recvfrom``, for checking what a
component sent; ``Stubborn`` wraps a component's socket to make chosen
sends fail with ``BlockingIOError``, which a real loopback socket almost
never does.
"""

from __future__ import annotations

import socket
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import run

#: The loopback address of each family, as test parameters.
LOOPBACKS = [pytest.param("127.0.0.1", id="IPv4"), pytest.param("::1", id="IPv6")]

#: How long a test-side socket waits for a datagram before the test fails.
PATIENCE = 10.0

SHUTDOWN = (producerFinished, shutdownMicroprocess)


def familyOf(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class Gather(component):
    """Collects "inbox"; once it has ``count`` messages it sends ``stopWith()``
    out of "stop" (linked to the component under test's "control"). Records
    "control" and ends on a shutdown message."""

    Inboxes = {"inbox": "what the component under test sent",
               "control": "its signal"}
    Outboxes = {"outbox": "not used", "signal": "not used",
                "stop": "the message that ends the component under test"}

    def __init__(self, count: int, stopWith: Callable[[], Any] = producerFinished) -> None:
        super().__init__()
        self.count = count
        self.stopWith = stopWith
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        asked = False
        while True:
            self.got.extend(self.Inbox("inbox"))
            if not asked and len(self.got) >= self.count:
                self.send(self.stopWith(), "stop")
                asked = True
            while self.dataReady("control"):
                message = self.recv("control")
                self.control.append(message)
                if isinstance(message, SHUTDOWN):
                    self.got.extend(self.Inbox("inbox"))
                    return
            if not self.anyReady():
                self.pause()
            yield 1


def gather(target: component, count: int, stopWith: Callable[[], Any] = producerFinished,
           **boxes: Iterable[Any]) -> Gather:
    """Run ``target`` until it has sent ``count`` messages, then end it; the gatherer."""
    for name, messages in boxes.items():
        target.inboxes[name].extend(messages)
    gatherer = Gather(count, stopWith)
    target.link((target, "outbox"), (gatherer, "inbox"))
    target.link((target, "signal"), (gatherer, "control"))
    gatherer.link((gatherer, "stop"), (target, "control"))
    target.activate()
    gatherer.activate()
    scheduler.run.runThreads()
    return gatherer


@contextmanager
def probe(host: str) -> Iterator[socket.socket]:
    """A UDP socket bound to ``(host, 0)`` that waits ``PATIENCE`` seconds in recvfrom."""
    sock = socket.socket(familyOf(host), socket.SOCK_DGRAM)
    try:
        sock.bind((host, 0))
        sock.settimeout(PATIENCE)
        yield sock
    finally:
        sock.close()


def receive(sock: socket.socket, count: int) -> list[tuple[bytes, tuple[str, int]]]:
    """The next ``count`` datagrams at ``sock``, as ``(data, (host, port))``."""
    got = []
    for _ in range(count):
        data, source = sock.recvfrom(65536)
        got.append((data, (source[0], source[1])))
    return got


def nothingWaiting(sock: socket.socket) -> bool:
    """True if no datagram is waiting at ``sock`` now.

    On loopback a datagram is in the receiver's buffer when ``sendto``
    returns, so this shows that nothing was sent.
    """
    sock.setblocking(False)
    try:
        sock.recv(65536)
    except BlockingIOError:
        return True
    finally:
        sock.settimeout(PATIENCE)
    return False


def address(sock: socket.socket) -> tuple[str, int]:
    """``(host, port)`` a socket is bound to."""
    name = sock.getsockname()
    return name[0], name[1]


def socketOf(target: Any) -> socket.socket:
    """The socket a datagram component owns (it must still be open)."""
    sock = target._socket
    assert sock is not None
    return sock


def assertShutdownClosesAndPassesOn(target: Any, messageClass: type) -> None:
    """A shutdown message ends ``target``: its socket is closed, the scheduler
    no longer watches it, and the message comes out of "signal"."""
    sock = socketOf(target)
    message = messageClass()
    sink = run(target, control=[message])
    assert sink.control == [message]
    assert target._isStopped() and sock.fileno() == -1 and scheduler.run._watched == 0


class Stubborn:
    """A socket whose ``sendto`` raises BlockingIOError on the chosen attempts
    (counting from 0), or on every one with ``always``; everything else is
    the real socket's."""

    def __init__(self, sock: socket.socket, refuse: Iterable[int] = (),
                 always: bool = False) -> None:
        self._sock = sock
        self._refuse = set(refuse)
        self._always = always
        self.attempts = 0

    def sendto(self, data: Any, where: Any) -> int:
        attempt = self.attempts
        self.attempts += 1
        if self._always or attempt in self._refuse:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return self._sock.sendto(data, where)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)

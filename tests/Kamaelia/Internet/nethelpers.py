"""Helpers for the TCP tests (imported by tests; not a test file).

The component under test runs in the test's own thread (``runScheduler()``,
which is ``scheduler.run.runThreads()`` with a deadline); the other end of
the connection is played by a :class:`Peer`, a test-side thread using plain
blocking sockets with timeouts. ``Peer.finish()`` joins it and re-raises
whatever went wrong in it, so a failed check in the peer fails the test.

No sleeps: the scheduler waits in its own ``selectors`` wait, the peer in
its blocking socket calls. The deadlines (``IO_TIMEOUT``, ``runScheduler``'s
``limit``) are there only so that a broken component fails the test with a
message instead of hanging it.

The blocking-socket basics (``connect``, ``receiveExactly``, ``receiveAll``,
``IO_TIMEOUT``) and ``runScheduler`` are those of ``tests/nettools.py``.
"""

from __future__ import annotations

import select
import socket
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.IPC import shutdownCSA
from componentharness import Collector
from nettools import IO_TIMEOUT, runScheduler  # noqa: F401 (used by the tests from here)

#: The loopback address of each family, as test parameters.
LOOPBACKS = [pytest.param("127.0.0.1", id="IPv4"), pytest.param("::1", id="IPv6")]


def familyOf(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


@contextmanager
def listening(host: str = "127.0.0.1", backlog: int = 5) -> Iterator[socket.socket]:
    """A plain listening socket on ``(host, 0)``, closed afterwards."""
    sock = socket.socket(familyOf(host), socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
        sock.listen(backlog)
        sock.settimeout(IO_TIMEOUT)
        yield sock
    finally:
        sock.close()


def portOf(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def freePort(host: str = "127.0.0.1") -> int:
    """A port nothing listens on: bound to find it, then closed."""
    with socket.socket(familyOf(host), socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return portOf(sock)


def accept(listener: socket.socket) -> socket.socket:
    """The next connection, with ``IO_TIMEOUT`` as its timeout."""
    conn, _ = listener.accept()
    conn.settimeout(IO_TIMEOUT)
    return conn


def closedByPeer(sock: socket.socket) -> bool:
    """True once ``sock``'s peer has closed: EOF or a reset (whichever the peer caused)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


class AdapterSink(Collector):
    """A Collector that also ends on ``shutdownCSA``: what an adapter sends out
    of "signal" is, as in 1.14, a ``notify``, not a ``producerFinished``."""

    def main(self) -> Iterator[Any]:
        while True:
            self.got.extend(self.Inbox("inbox"))
            while self.dataReady("control"):
                message = self.recv("control")
                self.control.append(message)
                if isinstance(message, (producerFinished, shutdownMicroprocess, shutdownCSA)):
                    self.got.extend(self.Inbox("inbox"))
                    return
            if not self.anyReady():
                self.pause()
            yield 1


class Peer(threading.Thread):
    """Plays the other end: runs ``play()`` in a thread, then ``then()`` (even
    if ``play`` failed, so the system under test is told to stop either way).

    ``finish()`` joins the thread and returns what ``play`` returned, or
    re-raises what it raised.
    """

    def __init__(self, play: Callable[[], Any], then: Callable[[], None] | None = None) -> None:
        super().__init__(name=f"test peer {play.__name__}", daemon=True)
        self._play = play
        self._then = then
        self._result: Any = None
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            self._result = self._play()
        except BaseException as exc:      # re-raised in the test's thread by finish()
            self._error = exc
        finally:
            if self._then is not None:
                self._then()

    def begin(self) -> Peer:
        self.start()
        return self

    def finish(self, timeout: float = IO_TIMEOUT) -> Any:
        self.join(timeout)
        assert not self.is_alive(), f"{self.name} still running after {timeout} s"
        if self._error is not None:
            raise self._error
        return self._result


def whenTrue(condition: Callable[[], bool], action: Callable[[], None]) -> threading.Event:
    """From another thread: check ``condition()`` in the scheduler's thread once per
    round; when it holds, call ``action()`` there and set the returned Event.

    For waiting (without sleeping) on a state that nothing announces, such as a
    server having noticed that its client left.
    """
    done = threading.Event()
    sched = scheduler.run

    def check() -> None:
        if condition():
            action()
            done.set()
        else:
            sched.callLater(0, check)

    sched.callLater(0, check)
    return done


def deliverer(target: component, message: Any, box: str = "control") -> Callable[[], None]:
    """A callable that delivers ``message`` to ``target``'s ``box`` (thread-safe)."""
    return lambda: target._deliver(message, box)


def stepUntil(runRounds: Callable[[int], bool], condition: Callable[[], bool],
              rounds: int = 10_000) -> bool:
    """Step the scheduler (the ``run_rounds`` fixture) one round at a time until
    ``condition()`` holds; False if it still does not after ``rounds`` rounds.

    For tests that must control what the scheduler sees at once (e.g. two
    socket events arriving before it looks): nothing happens between rounds
    unless the test does it.
    """
    for _ in range(rounds):
        if condition():
            return True
        if runRounds(1):
            break
    return condition()


def readable(sock: socket.socket) -> bool:
    """True if ``sock`` has data or end of file waiting (without blocking)."""
    return bool(select.select([sock], [], [], 0)[0])

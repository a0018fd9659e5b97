"""Tests for Kamaelia.Internet.TimeOutCSA: a connection that closes itself when idle.

Each test wraps one end of a ``socket.socketpair()`` (``ours``) and plays the
other (``theirs``) from the scheduler's own timers, so the traffic happens
while the adapter runs and ``runScheduler()`` returning is the wait.
"""

from __future__ import annotations

import re
import socket
from typing import Any, Iterator

import pytest

from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.IPC import socketShutdown
from Kamaelia.Internet.TimeOutCSA import TimeOutCSA
from nethelpers import runScheduler
from nettools import IO_TIMEOUT

TIMEOUT = 0.2      # the adapter's idle timeout
EVERY = 0.05       # traffic this often keeps it open
CHECK_AT = 0.4     # well past one timeout: it must still be open


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    theirs.settimeout(IO_TIMEOUT)
    with ours, theirs:
        yield ours, theirs


def watched(adapter: TimeOutCSA) -> Collector:
    """A collector for what ``adapter`` receives; it ends with the adapter's
    socketShutdown (out of "CreatorFeedback"). Both are activated."""
    sink = Collector()
    adapter.link((adapter, "outbox"), (sink, "inbox"))
    adapter.link((adapter, "CreatorFeedback"), (sink, "control"))
    adapter.activate()
    sink.activate()
    return sink


def assertTimedOut(adapter: TimeOutCSA, sink: Collector, theirs: socket.socket) -> None:
    assert adapter._isStopped()
    assert adapter.howDied == "timeout"
    assert len(sink.control) == 1 and isinstance(sink.control[0], socketShutdown)
    assert sink.control[0].message[1] == "timeout"
    assert theirs.recv(100) == b""                 # the peer reads end of file
    assert scheduler.run._watched == 0


def test_an_idle_connection_is_closed_after_the_timeout(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = TimeOutCSA(ours, timeout=TIMEOUT)
    sink = watched(adapter)
    runScheduler()
    assertTimedOut(adapter, sink, theirs)
    assert sink.got == []


class Traffic:
    """Calls ``step()`` every ``EVERY`` seconds on the scheduler's timers until
    ``CHECK_AT``, then records whether ``adapter`` was still running and stops."""

    def __init__(self, adapter: TimeOutCSA, step: Any) -> None:
        self.adapter = adapter
        self.step = step
        self.steps = 0
        self.openAtCheck: bool | None = None
        scheduler.run.callLater(CHECK_AT, self.check)
        scheduler.run.callLater(EVERY, self.tick)

    def tick(self) -> None:
        if self.openAtCheck is None:
            self.step()
            self.steps += 1
            scheduler.run.callLater(EVERY, self.tick)

    def check(self) -> None:
        self.openAtCheck = not self.adapter._isStopped()


def test_data_arriving_keeps_the_connection_open(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = TimeOutCSA(ours, timeout=TIMEOUT)
    sink = watched(adapter)
    traffic = Traffic(adapter, lambda: theirs.send(b"."))
    runScheduler()
    assert traffic.openAtCheck is True
    assert b"".join(sink.got) == b"." * traffic.steps      # all of it arrived...
    assertTimedOut(adapter, sink, theirs)                    # ...then it idled


def test_data_sent_keeps_the_connection_open(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    adapter = TimeOutCSA(ours, timeout=TIMEOUT)
    sink = watched(adapter)
    traffic = Traffic(adapter, lambda: adapter._deliver(b"!", "inbox"))
    runScheduler()
    assert traffic.openAtCheck is True
    assert theirs.recv(100) == b"!" * traffic.steps
    assertTimedOut(adapter, sink, theirs)


@pytest.mark.parametrize("timeout, error", [(0, ValueError), (-1, ValueError),
                                            ("soon", TypeError), (True, TypeError)])
def test_a_bad_timeout_raises_naming_the_value(
        timeout: Any, error: type[Exception],
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _ = pair
    with pytest.raises(error, match=re.escape("TimeOutCSA: timeout must be") + ".*" +
                       re.escape(f"not {timeout!r}")):
        TimeOutCSA(ours, timeout=timeout)

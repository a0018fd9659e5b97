"""Helpers for testing one component at a time (imported by tests; not a test file).

``run(target, inbox=[...], control=[...])`` links ``target``'s "outbox" and
"signal" to a :class:`Collector`, puts the messages into its inboxes, runs
the scheduler until everything has ended and returns the collector. The
``assert...`` helpers pin the shutdown and bad-input conventions every
Kamaelia.Util component shares, so each test file states them in one line.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator

import pytest

from Axon.Component import component
from Axon.Microprocess import microprocess
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler

SHUTDOWN = (producerFinished, shutdownMicroprocess)


class Collector(component):
    """Records what reaches "inbox" and "control"; ends on a shutdown message."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            self.got.extend(self.Inbox("inbox"))
            while self.dataReady("control"):
                message = self.recv("control")
                self.control.append(message)
                if isinstance(message, SHUTDOWN):
                    self.got.extend(self.Inbox("inbox"))
                    return
            if not self.anyReady():
                self.pause()
            yield 1


class FakeClock:
    """A clock for ``timefunc=``: it reads ``now`` and moves only when told."""

    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def attach(target: component) -> Collector:
    """Link ``target``'s "outbox" and "signal" to a new Collector; activate both."""
    sink = Collector()
    target.link((target, "outbox"), (sink, "inbox"))
    target.link((target, "signal"), (sink, "control"))
    target.activate()
    sink.activate()
    return sink


def run(target: component, inbox: Iterable[Any] = (), control: Iterable[Any] = (),
        **boxes: Iterable[Any]) -> Collector:
    """Deliver the messages, run the scheduler to the end, return the collector."""
    target.inboxes["inbox"].extend(inbox)
    for name, messages in boxes.items():
        target.inboxes[name].extend(messages)
    target.inboxes["control"].extend(control)
    sink = attach(target)
    scheduler.run.runThreads()
    return sink


def assertShutdownPassesOn(make: Callable[[], component], messageClass: type,
                           inbox: list[Any], expected: list[Any]) -> None:
    """Messages already waiting are handled, then the shutdown message is passed on."""
    target, message = make(), messageClass()
    sink = run(target, inbox, [message])
    assert sink.got == expected
    assert sink.control == [message]
    assert target._isStopped()


def assertUnexpectedControlIgnored(make: Callable[[], component],
                                   caplog: pytest.LogCaptureFixture,
                                   inbox: list[Any], expected: list[Any]) -> None:
    """A stray control message is logged, naming the component, and changes nothing."""
    target = make()
    with caplog.at_level(logging.WARNING):
        sink = run(target, inbox, ["just chatting", producerFinished()])
    assert sink.got == expected
    assert [type(m) for m in sink.control] == [producerFinished]
    assert any("just chatting" in r.getMessage() and target.name in r.getMessage()
               for r in caplog.records)


def errorsLogged(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    """The ERROR records logged on ``logger``."""
    return [r for r in caplog.records if r.name == logger and r.levelno == logging.ERROR]


def assertBadMessageSkipped(make: Callable[[], component], caplog: pytest.LogCaptureFixture,
                            logger: str, inbox: list[Any], bad: Any,
                            expected: list[Any]) -> logging.LogRecord:
    """``bad`` (one of ``inbox``) is logged as an error naming the component and
    the message, and skipped; everything else arrives. Returns the record."""
    target = make()
    with caplog.at_level(logging.ERROR, logger=logger):
        sink = run(target, inbox, [producerFinished()])
    assert sink.got == expected
    assert [type(m) for m in sink.control] == [producerFinished]
    records = errorsLogged(caplog, logger)
    assert len(records) == 1, [r.getMessage() for r in records]
    text = records[0].getMessage()
    assert target.name in text and repr(bad)[:40] in text
    return records[0]


class Recorder(microprocess):
    """Yields 1 ``steps`` times, recording ``(label, i)`` in ``log`` at each step."""

    def __init__(self, log: list[Any], steps: int = 3, label: str = "r") -> None:
        super().__init__()
        self.log = log
        self.steps = steps
        self.label = label

    def main(self) -> Iterator[Any]:
        for i in range(self.steps):
            self.log.append((self.label, i))
            yield 1

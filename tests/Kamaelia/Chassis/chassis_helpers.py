"""Small components the chassis tests share (imported by the test modules).

``Collector`` comes from ``tests/componentharness.py``, shared with the
Kamaelia.Util tests.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import newComponent, producerFinished
from componentharness import SHUTDOWN, Collector

__all__ = ["SHUTDOWN", "Collector", "Emitter", "Stubborn", "Harness", "RunRounds",
           "both_shutdowns", "watch", "chassisErrors", "chassisWarnings", "runUntil"]

RunRounds = Callable[[int], bool]

#: Parametrise a test over both shutdown messages (made fresh per test).
both_shutdowns = pytest.mark.parametrize("kind", SHUTDOWN,
                                         ids=["producerFinished", "shutdownMicroprocess"])


class Emitter(component):
    """Sends ``items`` out of "outbox" one per turn, then producerFinished
    out of "signal", and ends (it never reads its inboxes)."""

    def __init__(self, items: list[Any], **argd: Any) -> None:
        super().__init__(**argd)
        self.items = items

    def main(self) -> Iterator[Any]:
        for item in self.items:
            self.send(item, "outbox")
            yield 1
        self.send(producerFinished(self), "signal")


class Stubborn(component):
    """Ignores "control"; ends only when something arrives on "release"."""

    Inboxes = {"inbox": "ignored", "control": "ignored", "release": "ends it"}

    def main(self) -> Iterator[Any]:
        while not self.dataReady("release"):
            self.pause()
            yield 1


class Harness(component):
    """Drives a component as its parent: sends ``messages`` into its "inbox",
    then ``finisher`` into its "control", and records what comes out of its
    "outbox" and "signal" until the latter says it is done."""

    Inboxes = {"inbox": "from the child's outbox", "control": "from the child's signal"}
    Outboxes = {"outbox": "to the child's inbox", "signal": "to the child's control"}

    def __init__(self, child: component, messages: list[Any], finisher: Any) -> None:
        super().__init__()
        self.child = child
        self.messages = messages
        self.finisher = finisher
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        child = self.child
        self.link((self, "outbox"), (child, "inbox"))
        self.link((self, "signal"), (child, "control"))
        self.link((child, "outbox"), (self, "inbox"))
        self.link((child, "signal"), (self, "control"))
        self.addChildren(child)
        yield newComponent(child)
        for message in self.messages:
            self.send(message, "outbox")
            yield 1
        self.send(self.finisher, "signal")
        while True:
            self.got.extend(self.Inbox("inbox"))
            self.control.extend(self.Inbox("control"))
            if self.control:
                return
            if not self.anyReady():
                self.pause()
            yield 1


def watch(subject: component, outbox: str = "outbox") -> Collector:
    """An activated Collector fed by ``subject``'s ``outbox`` and "signal"."""
    watcher = Collector()
    watcher.link((subject, outbox), (watcher, "inbox"))
    watcher.link((subject, "signal"), (watcher, "control"))
    watcher.activate()
    return watcher


def chassisErrors(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages logged at ERROR or above by the chassis."""
    return [record.getMessage() for record in caplog.records
            if record.name == "Kamaelia.Chassis" and record.levelno >= logging.ERROR]


def chassisWarnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The messages logged at WARNING by the chassis."""
    return [record.getMessage() for record in caplog.records
            if record.name == "Kamaelia.Chassis" and record.levelno == logging.WARNING]


def runUntil(run_rounds: RunRounds, condition: Callable[[], bool], limit: int = 200) -> None:
    """Run one round at a time until ``condition()`` holds (fail after ``limit``)."""
    for _ in range(limit):
        if condition():
            return
        run_rounds(1)
    raise AssertionError(f"condition not reached within {limit} rounds")

"""Tests for Kamaelia.Apps.SA.Chassis.TTL: a time to live for a component."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector, attach
from Kamaelia.Apps.SA.Chassis import TTL
from Kamaelia.IPC import serverShutdown


class Obedient(component):
    """Echoes its inbox to its outbox; ends on any control message it accepts."""

    accepts: tuple[type, ...] = (producerFinished,)

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            for message in self.Inbox("inbox"):
                self.send(message, "outbox")
            while self.dataReady("control"):
                message = self.recv("control")
                self.heard.append(message)
                if isinstance(message, self.accepts):
                    self.send(message, "signal")
                    return
            self.pause()
            yield 1


class Stubborn(Obedient):
    accepts = (shutdownMicroprocess,)

    def main(self) -> Iterator[Any]:
        # shutdownMicroprocess's subclass serverShutdown must not count here
        while True:
            while self.dataReady("control"):
                message = self.recv("control")
                self.heard.append(message)
                if type(message) is shutdown:
                    self.send(producerFinished(self), "signal")
                    return
            self.pause()
            yield 1


class Deaf(component):
    """No control inbox, and never ends by itself."""

    Inboxes = ["inbox"]
    Outboxes = ["outbox", "signal"]

    def main(self) -> Iterator[Any]:
        while True:
            self.pause()
            yield 1


class Quick(component):
    """Sends one message and ends."""

    def main(self) -> Iterator[Any]:
        self.send("done", "outbox")
        self.send(producerFinished(self), "signal")
        yield 1


def runTTL(ttl: TTL) -> Collector:
    sink = attach(ttl)
    scheduler.run.runThreads()
    return sink


def test_a_child_that_ends_by_itself_ends_the_ttl_and_disarms_the_timer() -> None:
    ttl = TTL(Quick(), 600)                  # would be 10 minutes otherwise
    sink = runTTL(ttl)
    assert sink.got == ["done"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert ttl._isStopped() and ttl.timebomb._isStopped()


def test_when_time_is_up_the_child_is_asked_to_stop() -> None:
    child = Obedient()
    ttl = TTL(child, 0.01)
    sink = runTTL(ttl)
    assert [type(m) for m in child.heard] == [producerFinished]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert child._isStopped() and ttl._isStopped()


def test_a_stubborn_child_gets_ever_firmer_messages() -> None:
    child = Stubborn()
    sink = runTTL(TTL(child, 0.01))
    assert [type(m) for m in child.heard] == [producerFinished, shutdownMicroprocess,
                                              serverShutdown, shutdown]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_a_child_without_control_is_stopped_and_ttl_signals_for_it() -> None:
    child = Deaf()
    ttl = TTL(child, 0.01)
    assert ttl.nochildcontrol
    sink = runTTL(ttl)
    assert child._isStopped()
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]


def test_boxes_are_mirrored_and_linked_through() -> None:
    class Extra(Obedient):
        Inboxes = {"inbox": "data", "control": "stop", "extra": "more data", "_private": ""}
        Outboxes = {"outbox": "data", "signal": "stop", "report": "what it says"}

        def main(self) -> Iterator[Any]:
            while not self.dataReady("extra"):
                self.pause()
                yield 1
            self.send(("extra", self.recv("extra")), "report")
            self.send(producerFinished(self), "report")
            self.send(producerFinished(self), "signal")

    child = Extra()
    ttl = TTL(child, 600)
    assert set(ttl.inboxes) == {"inbox", "control", "extra", "_trigger"}
    assert set(ttl.outboxes) == {"outbox", "signal", "report", "_sigkill", "_disarm"}
    assert ttl.Inboxes["extra"] == "more data"
    assert "extra" not in TTL.Inboxes and "report" not in TTL.Outboxes   # class untouched
    reports = Collector()
    ttl.link((ttl, "report"), (reports, "control"))
    reports.activate()
    ttl.inboxes["extra"].append("hello")
    sink = runTTL(ttl)
    assert reports.control[0] == ("extra", "hello")
    assert [type(m) for m in sink.control] == [producerFinished]


def test_control_sent_to_the_ttl_reaches_the_child() -> None:
    child = Obedient()
    ttl = TTL(child, 600)
    ttl.inboxes["control"].append(producerFinished())
    sink = runTTL(ttl)
    assert [type(m) for m in child.heard] == [producerFinished]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_comp_must_be_a_component() -> None:
    with pytest.raises(TypeError, match=r"TTL: comp must be a component, not 'oops'"):
        TTL("oops", 1)  # type: ignore[arg-type]

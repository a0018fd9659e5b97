"""Tests for Kamaelia.Internet.Selector: the 1.14 "tell me when this socket is ready" service.

Each test uses a real ``socket.socketpair()``: ``ours`` is the socket the
selector watches, ``theirs`` the other end, which makes it readable by
writing. The selector ends by itself once its last registration is gone,
and the ``Asker`` ends once it has what it waits for, so
``runScheduler()`` returning is the wait.
"""

from __future__ import annotations

import logging
import socket
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import Collector
from Kamaelia.IPC import newReader, newServer, newWriter, removeReader, removeWriter
from Kamaelia.Internet.Selector import Selector
from nethelpers import runScheduler

SERVICES = ("selector", "selectorshutdown")


@pytest.fixture(autouse=True)
def no_leftover_services() -> Iterator[None]:
    """Each test starts without selector services; those it leaves behind (e.g.
    a selector never run) are deregistered."""
    cat = coordinatingassistanttracker.getcat()

    def deregister() -> None:
        for name in SERVICES:
            if name in cat.servicesRegistered():
                cat.deRegisterService(name)

    deregister()
    yield
    deregister()


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        yield ours, theirs


@pytest.fixture
def otherPair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        yield ours, theirs


def registered(name: str) -> bool:
    return name in coordinatingassistanttracker.getcat().servicesRegistered()


class Asker(component):
    """Finds (or starts) the selector service, sends it ``requests(self)``, and
    records the sockets arriving on "ready" (calling ``onReady`` with each)
    until it has ``wanted`` of them; then it takes whatever else is already
    there and ends."""

    Inboxes = {"inbox": "not used", "control": "not used",
               "ready": "sockets from the selector"}
    Outboxes = {"outbox": "not used", "signal": "not used",
                "toSelector": "requests to the selector service"}

    def __init__(self, requests: Callable[["Asker"], list[Any]], wanted: int = 1,
                 onReady: Callable[[Any], None] | None = None) -> None:
        super().__init__()
        self.requests = requests
        self.wanted = wanted
        self.onReady = onReady
        self.got: list[Any] = []
        self.selector: Selector | None = None

    def main(self) -> Iterator[Any]:
        service, _, newSelector = Selector.getSelectorServices(self.tracker)
        if newSelector is not None:
            newSelector.activate()
        self.selector = service[0]
        self.link((self, "toSelector"), service)
        for request in self.requests(self):
            self.send(request, "toSelector")
        while True:
            while self.dataReady("ready"):
                sock = self.recv("ready")
                self.got.append(sock)
                if self.onReady is not None:
                    self.onReady(sock)
            if len(self.got) >= self.wanted:
                return
            self.pause()
            yield 1


def assertSelectorGone(selector: Selector | None) -> None:
    """It has ended, left its service names, and stopped watching everything."""
    assert selector is not None and selector._isStopped()
    assert not registered("selector") and not registered("selectorshutdown")
    assert scheduler.run._watched == 0


# -------------------------------------------------------------------- services
def test_getSelectorServices_makes_and_registers_a_selector_the_first_time() -> None:
    service, shutdownService, selector = Selector.getSelectorServices()
    assert isinstance(selector, Selector)
    assert service == (selector, "notify")
    assert shutdownService == (selector, "control")
    cat = coordinatingassistanttracker.getcat()
    assert cat.retrieveService("selector") == (selector, "notify")
    assert cat.retrieveService("selectorshutdown") == (selector, "control")
    assert not selector._isStopped() and selector.scheduler is None     # not activated


def test_getSelectorServices_returns_the_existing_services_the_second_time() -> None:
    first = Selector.getSelectorServices()
    second = Selector.getSelectorServices()
    assert second == (first[0], first[1], None)


def test_getSelectorServices_uses_the_tracker_it_is_given() -> None:
    tracker = coordinatingassistanttracker()
    service, _, selector = Selector.getSelectorServices(tracker)
    assert tracker.retrieveService("selector") == service == (selector, "notify")
    assert not registered("selector")
    assert Selector.getSelectorServices(tracker)[2] is None


def test_a_selector_made_for_a_given_tracker_leaves_that_tracker_when_it_ends() -> None:
    tracker = coordinatingassistanttracker()
    _, _, selector = Selector.getSelectorServices(tracker)
    assert selector is not None
    selector.activate()
    selector._deliver(shutdownMicroprocess(), "control")
    runScheduler()
    assert selector._isStopped()
    assert "selector" not in tracker.servicesRegistered()
    assert "selectorshutdown" not in tracker.servicesRegistered()
    assert Selector.getSelectorServices(tracker)[2] is not None


# -------------------------------------------------------------------- watching
def test_newReader_sends_the_socket_to_the_named_inbox_once_the_other_end_writes(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    asker = Asker(lambda me: [newReader(me, ((me, "ready"), ours))])
    asker.activate()
    seenBeforeWriting: list[list[Any]] = []

    def write() -> None:
        seenBeforeWriting.append(list(asker.got))
        theirs.send(b"x")

    scheduler.run.callLater(0.05, write)
    runScheduler()
    assert seenBeforeWriting == [[]]
    assert asker.got == [ours]
    assertSelectorGone(asker.selector)


def test_newServer_is_watched_like_newReader(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    theirs.send(b"x")
    asker = Asker(lambda me: [newServer(me, ((me, "ready"), ours))])
    asker.activate()
    runScheduler()
    assert asker.got == [ours]
    assertSelectorGone(asker.selector)


def test_a_notification_is_one_shot(pair: tuple[socket.socket, socket.socket],
                                    otherPair: tuple[socket.socket, socket.socket]) -> None:
    # ``ours`` stays readable (nobody reads it); ``other`` becomes readable only
    # after ``ours`` was reported. A selector that kept watching ``ours`` would
    # report it again by then, and would not end.
    (ours, theirs), (other, otherPeer) = pair, otherPair
    theirs.send(b"x")

    def onReady(sock: Any) -> None:
        if sock is ours:
            otherPeer.send(b"y")

    asker = Asker(lambda me: [newReader(me, ((me, "ready"), ours)),
                              newReader(me, ((me, "ready"), other))],
                  wanted=2, onReady=onReady)
    asker.activate()
    runScheduler()
    assert asker.got == [ours, other]
    assertSelectorGone(asker.selector)


def test_asking_again_after_a_notification_watches_again(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    theirs.send(b"x")

    def onReady(sock: Any) -> None:
        if len(asker.got) == 1:
            asker.send(newReader(asker, ((asker, "ready"), ours)), "toSelector")

    asker = Asker(lambda me: [newReader(me, ((me, "ready"), ours))], wanted=2, onReady=onReady)
    asker.activate()
    runScheduler()
    assert asker.got == [ours, ours]
    assertSelectorGone(asker.selector)


def test_removeReader_before_readiness_means_nothing_is_sent(
        pair: tuple[socket.socket, socket.socket],
        otherPair: tuple[socket.socket, socket.socket]) -> None:
    (ours, theirs), (other, otherPeer) = pair, otherPair
    theirs.send(b"x")
    otherPeer.send(b"y")
    asker = Asker(lambda me: [newReader(me, ((me, "ready"), ours)),
                              removeReader(me, ours),
                              newReader(me, ((me, "ready"), other))])
    asker.activate()
    runScheduler()
    assert asker.got == [other]
    assertSelectorGone(asker.selector)


def test_removing_the_only_registration_ends_the_selector(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _ = pair
    _, _, selector = Selector.getSelectorServices()
    assert selector is not None
    sink = Collector()
    selector._deliver(newReader(sink, ((sink, "inbox"), ours)), "notify")
    selector._deliver(removeReader(sink, ours), "notify")
    selector.activate()
    runScheduler()
    assert len(sink.inboxes["inbox"]) == 0
    assertSelectorGone(selector)


def test_newWriter_fires_for_a_writable_socket(pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _ = pair
    asker = Asker(lambda me: [newWriter(me, ((me, "ready"), ours))])
    asker.activate()
    runScheduler()
    assert asker.got == [ours]
    assertSelectorGone(asker.selector)


def test_reading_and_writing_are_watched_separately(
        pair: tuple[socket.socket, socket.socket]) -> None:
    # Removing the writer leaves the reader: it still fires once the peer writes.
    ours, theirs = pair
    asker = Asker(lambda me: [newReader(me, ((me, "ready"), ours)),
                              newWriter(me, ((me, "ready"), ours)),
                              removeWriter(me, ours)])
    asker.activate()
    scheduler.run.callLater(0.05, theirs.send, b"x")
    runScheduler()
    assert asker.got == [ours]
    assertSelectorGone(asker.selector)


# -------------------------------------------------------------------- shutdown
@pytest.mark.parametrize("kind", [shutdownMicroprocess, producerFinished])
def test_a_shutdown_on_control_ends_it_and_deregisters_the_services(
        kind: type, pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    _, _, selector = Selector.getSelectorServices()
    assert selector is not None
    sink = Collector()                      # never activated: only an address to reply to
    selector._deliver(newReader(sink, ((sink, "inbox"), ours)), "notify")
    selector._deliver(kind(), "control")
    selector.activate()
    runScheduler()
    assertSelectorGone(selector)
    theirs.send(b"x")                       # too late: nobody is watching
    assert len(sink.inboxes["inbox"]) == 0
    _, _, replacement = Selector.getSelectorServices()
    assert replacement is not None and replacement is not selector


def test_an_unknown_message_on_notify_is_logged_and_ignored(
        pair: tuple[socket.socket, socket.socket], caplog: pytest.LogCaptureFixture) -> None:
    ours, theirs = pair
    theirs.send(b"x")
    asker = Asker(lambda me: ["just chatting", newReader(me, ((me, "ready"), ours))])
    asker.activate()
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Internet.Selector"):
        runScheduler()
    assert asker.got == [ours]
    assert asker.selector is not None
    assert any("'just chatting'" in record.getMessage()
               and asker.selector.name in record.getMessage() for record in caplog.records)
    assertSelectorGone(asker.selector)

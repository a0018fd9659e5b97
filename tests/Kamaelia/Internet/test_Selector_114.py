"""Selector: 1.14's base class, boxes, methods and module settings."""

from __future__ import annotations

import logging
import socket
from typing import Any, Iterator

import pytest

from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import shutdown
from Axon.ThreadedComponent import threadedadaptivecommscomponent
from Kamaelia.IPC import newReader
from Kamaelia.Internet import Selector as selectorModule
from Kamaelia.Internet.Selector import Selector
from componentharness import Collector
from nettools import runScheduler

from test_Selector import Asker, assertSelectorGone, no_leftover_services, registered  # noqa: F401


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        yield ours, theirs


def test_it_is_a_threadedadaptivecommscomponent_with_1_14s_boxes_and_settings() -> None:
    selector = Selector()
    assert isinstance(selector, threadedadaptivecommscomponent)
    assert {"control", "inbox", "notify"} <= set(selector.inboxes)
    assert selectorModule.FAILHARD is False and selectorModule.timeout == 5
    assert selectorModule.__kamaelia_components__ == (Selector,)


def test_a_second_request_for_a_watched_socket_is_ignored_as_in_1_14(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair

    class ReadableOnceBothAreTaken(Selector):
        # The socket becomes readable only after the thread took both
        # requests: otherwise the first watch could fire and end before the
        # thread read the second, which would then (rightly) be a new request.
        def handleNotify(self, *lists: Any) -> None:
            super().handleNotify(*lists)
            if not sent:
                sent.append(theirs.send(b"x"))

    sent: list[int] = []
    selector = ReadableOnceBothAreTaken()
    Selector.setSelectorServices(selector)
    sink = Collector()                      # never activated: only an address to reply to
    selector._deliver(newReader(sink, ((sink, "inbox"), ours)), "notify")
    selector._deliver(newReader(sink, ((sink, "control"), ours)), "notify")
    selector.forwardInboxToThread("notify")             # both wait for the thread's first look
    selector.activate()
    runScheduler()
    assert sent == [1]
    assert list(sink.inboxes["inbox"]) == [ours] and not sink.inboxes["control"].q
    assertSelectorGone(selector)


def test_addLinks_and_removeLinks_keep_1_14s_bookkeeping(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, _ = pair
    selector = Selector()
    target = Asker(lambda me: [])
    meta: dict[Any, Any] = {}
    selectables: list[Any] = []
    linkage = selector.addLinks((target, "ready"), ours, meta, selectables, "readerNotify")
    replyService, outbox, kept = meta[ours]
    assert (replyService, kept, selectables) == ((target, "ready"), linkage, [ours])
    assert outbox in selector.outboxes
    assert selector.addLinks((target, "inbox"), ours, meta, selectables, "x") is linkage
    selector.removeLinks(ours, meta, selectables)
    assert meta == {} and selectables == [] and outbox not in selector.outboxes
    selector.removeLinks(ours, meta, selectables)          # not there: nothing happens


def test_1_14s_shutdown_leaves_the_services_at_once_and_still_serves_what_it_watches(
        pair: tuple[socket.socket, socket.socket]) -> None:
    ours, theirs = pair
    seen: list[bool] = []

    def requests(me: Asker) -> list[Any]:
        return [newReader(me, ((me, "ready"), ours))]

    def onReady(sock: Any) -> None:
        seen.append(registered("selector"))

    asker = Asker(requests, onReady=onReady)
    asker.activate()
    service, shutdownService, selector = Selector.getSelectorServices()
    assert selector is not None
    selector.activate()
    selector._deliver(shutdown(), "control")
    theirs.send(b"x")
    runScheduler()
    assert asker.got == [ours] and seen == [False]
    assertSelectorGone(selector)


def test_a_socket_that_cannot_be_watched_is_logged_and_dropped(
        caplog: pytest.LogCaptureFixture) -> None:
    closed = socket.socket()
    closed.close()
    asker = Asker(lambda me: [newReader(me, ((me, "ready"), closed))], wanted=0)
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Internet.Selector"):
        asker.activate()
        runScheduler()
    assert "cannot watch" in caplog.text
    assertSelectorGone(asker.selector)


def test_setSelectorServices_notes_the_tracker_with_trackedBy() -> None:
    tracker = coordinatingassistanttracker()
    selector = Selector()
    Selector.setSelectorServices(selector, tracker)
    assert selector.trackedby is tracker
    assert tracker.retrieveService("selector") == (selector, "notify")
    selector.stop()                                  # leaves the tracker
    assert "selector" not in tracker.servicesRegistered()

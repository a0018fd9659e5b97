"""Tests for Kamaelia.Util.Chargen: "Hello World" for ever, at the consumer's pace."""

from __future__ import annotations

import logging
from typing import Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Util.Chargen import Chargen

Rounds = Callable[[int], bool]


def test_sends_Hello_World_once_per_turn(run_rounds: Rounds) -> None:
    chargen = Chargen()
    sink = attach(chargen)
    run_rounds(20)
    assert len(sink.got) >= 10
    assert set(sink.got) == {"Hello World"}


def test_pauses_while_the_destination_is_full_and_loses_nothing(run_rounds: Rounds) -> None:
    chargen, sink = Chargen(), Collector()      # the sink is never run: we take by hand
    sink.setInboxSize("inbox", 3)
    chargen.link((chargen, "outbox"), (sink, "inbox"))
    chargen.activate()
    run_rounds(10)
    assert sink.dataReady("inbox") == 3
    assert scheduler.run.isThreadPaused(chargen)
    assert sink.recv("inbox") == "Hello World"  # taking one wakes the generator
    run_rounds(10)
    assert sink.dataReady("inbox") == 3
    assert scheduler.run.isThreadPaused(chargen)


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_message_stops_it_and_is_passed_on(message_class: type) -> None:
    assertShutdownPassesOn(Chargen, message_class, [], [])


def test_it_stops_while_blocked_on_a_full_destination(run_rounds: Rounds) -> None:
    chargen, sink = Chargen(), Collector()
    sink.setInboxSize("inbox", 1)
    chargen.link((chargen, "outbox"), (sink, "inbox"))
    chargen.activate()
    run_rounds(5)
    assert scheduler.run.isThreadPaused(chargen)
    stop = shutdownMicroprocess()
    chargen.inboxes["control"].append(stop)
    assert run_rounds(5)
    assert chargen._isStopped()
    assert chargen.outboxes["signal"].pop() is stop


def test_messages_on_its_unused_inbox_are_logged_and_dropped(
        caplog: pytest.LogCaptureFixture) -> None:
    chargen = Chargen()
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Chargen"):
        run(chargen, ["stray"], [producerFinished()])
    assert any(chargen.name in r.getMessage() and "'stray'" in r.getMessage()
               for r in caplog.records)


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(Chargen, caplog, [], [])


def test_1_14s_tests_demo_prints_a_few_messages_and_stops(
        capsys: pytest.CaptureFixture[str]) -> None:
    import Kamaelia.Util.Chargen as module
    module.tests(count=2)
    assert capsys.readouterr().out == "Hello World\nHello World\n"
    assert module.__kamaelia_components__ == (Chargen,)

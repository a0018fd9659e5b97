"""Tests for Kamaelia.Util.Clock: CheapAndCheerfulClock ticks on a timer."""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import FakeClock, assertUnexpectedControlIgnored, attach, run
from Kamaelia.Util.Clock import CheapAndCheerfulClock

Rounds = Callable[[int], bool]


class TickCounter(component):
    """Takes ``wanted`` ticks, then tells the clock to stop."""

    def __init__(self, wanted: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.wanted = wanted
        self.ticks: list[Any] = []

    def main(self) -> Iterator[Any]:
        while len(self.ticks) < self.wanted:
            while self.dataReady("inbox") and len(self.ticks) < self.wanted:
                self.ticks.append(self.recv("inbox"))
            if len(self.ticks) < self.wanted:
                self.pause()
            yield 1
        self.send(shutdownMicroprocess(), "outbox")


def test_ticks_True_repeatedly_and_stops_when_told() -> None:
    clock, counter = CheapAndCheerfulClock(0.002), TickCounter(5)
    clock.link((clock, "outbox"), (counter, "inbox"))
    clock.link((counter, "outbox"), (clock, "control"))
    clock.activate()
    counter.run()               # ends only if the clock stops when told
    assert counter.ticks == [True] * 5
    assert clock._isStopped()
    assert scheduler.run.listAllThreads() == []


def test_first_tick_comes_one_interval_after_the_start(run_rounds: Rounds) -> None:
    time = FakeClock()
    clock = CheapAndCheerfulClock(0.25, timefunc=time)
    sink = attach(clock)
    run_rounds(5)
    time.advance(0.125)
    clock.unpause()
    run_rounds(5)
    assert sink.got == []
    time.advance(0.125)
    clock.unpause()
    run_rounds(5)
    assert sink.got == [True]


def test_waits_paused_between_ticks(run_rounds: Rounds) -> None:
    clock = CheapAndCheerfulClock(0.25, timefunc=FakeClock())
    attach(clock)
    run_rounds(5)
    assert scheduler.run.isThreadPaused(clock)


def test_missed_ticks_are_skipped_and_the_grid_is_kept(run_rounds: Rounds) -> None:
    time = FakeClock()
    clock = CheapAndCheerfulClock(0.25, timefunc=time)
    sink = attach(clock)
    run_rounds(5)
    time.advance(0.875)          # ticks due at 0.25, 0.5 and 0.75: one is sent
    clock.unpause()
    run_rounds(5)
    assert sink.got == [True]
    time.advance(0.125)          # now 1.0: the next point of the grid
    clock.unpause()
    run_rounds(5)
    assert sink.got == [True, True]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_message_stops_it_at_once_and_is_passed_on(
        message_class: type, run_rounds: Rounds) -> None:
    time = FakeClock()
    clock = CheapAndCheerfulClock(0.25, timefunc=time)
    sink = attach(clock)
    run_rounds(3)
    message = message_class()
    time.advance(1)              # a tick is due, but the stop request wins
    clock.inboxes["control"].append(message)
    assert run_rounds(10)
    assert sink.got == []
    assert sink.control == [message]
    assert clock._isStopped()


def test_messages_on_its_unused_inbox_are_logged_and_dropped(
        caplog: pytest.LogCaptureFixture) -> None:
    clock = CheapAndCheerfulClock(10)
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Clock"):
        sink = run(clock, ["stray"], [producerFinished()])
    assert sink.got == []
    assert any(clock.name in r.getMessage() and "'stray'" in r.getMessage()
               for r in caplog.records)


@pytest.mark.parametrize("interval,error", [
    (0, ValueError), (-1, ValueError), (float("inf"), ValueError), (float("nan"), ValueError),
    ("1", TypeError), (True, TypeError), (None, TypeError)])
def test_a_bad_interval_raises_naming_it(interval: Any, error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(interval))):
        CheapAndCheerfulClock(interval)


def test_a_timefunc_that_is_not_callable_raises_naming_it() -> None:
    with pytest.raises(TypeError, match=re.escape("timefunc must be callable, not 5")):
        CheapAndCheerfulClock(1, timefunc=5)  # type: ignore[arg-type]


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: CheapAndCheerfulClock(10), caplog, [], [])

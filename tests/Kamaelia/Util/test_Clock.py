"""Tests for Kamaelia.Util.Clock: CheapAndCheerfulClock ticks on a timer."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Axon.ThreadedComponent import threadedcomponent
from componentharness import Collector, run
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


def test_the_first_tick_comes_at_once_as_in_1_14() -> None:
    clock, counter = CheapAndCheerfulClock(60), TickCounter(1)
    clock.link((clock, "outbox"), (counter, "inbox"))
    clock.link((counter, "outbox"), (clock, "control"))
    clock.activate()
    counter.run()               # a minute would pass first if it did not
    assert counter.ticks == [True]


def test_it_waits_on_the_scheduler_without_a_thread_of_its_own(
        run_rounds: Callable[[int], bool]) -> None:
    before = threading.active_count()
    clock = CheapAndCheerfulClock(60).activate()
    assert run_rounds(3) is False               # still running, paused until due
    assert threading.active_count() == before
    assert not isinstance(clock, threadedcomponent)


def test_tickDue_keeps_a_grid_from_the_first_tick() -> None:
    clock = CheapAndCheerfulClock(0.25)
    assert clock.tickDue(100.0) is True and clock.nextTick == 100.25
    assert clock.tickDue(100.125) is False
    assert clock.tickDue(100.3) is True and clock.nextTick == 100.5


def test_tickDue_skips_missed_ticks_and_keeps_the_grid() -> None:
    clock = CheapAndCheerfulClock(0.25)
    clock.tickDue(100.0)
    assert clock.tickDue(100.875) is True        # 100.25, .5 and .75 were due: one tick
    assert clock.nextTick == 101.0
    assert clock.tickDue(100.9) is False and clock.tickDue(101.0) is True


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_a_shutdown_message_stops_it_at_once_and_is_passed_on(message_class: type) -> None:
    clock = CheapAndCheerfulClock(60)
    message = message_class()
    sink = run(clock, [], [message])
    assert sink.got in ([], [True])          # at most the tick due at once
    assert sink.control == [message]
    assert clock._isStopped()


def test_a_shutdown_message_wakes_it_between_ticks() -> None:
    clock, counter = CheapAndCheerfulClock(60), TickCounter(1)
    clock.link((clock, "outbox"), (counter, "inbox"))
    clock.link((counter, "outbox"), (clock, "control"))
    signal = Collector()
    clock.link((clock, "signal"), (signal, "control"))
    clock.activate()
    signal.activate()
    counter.run()               # the clock waits 60 s for its next tick unless woken
    assert [type(m) for m in signal.control] == [shutdownMicroprocess]


def test_messages_on_its_unused_inbox_are_logged_and_dropped(
        caplog: pytest.LogCaptureFixture) -> None:
    clock = CheapAndCheerfulClock(10)
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Clock"):
        sink = run(clock, ["stray"], [producerFinished()])
    assert sink.got in ([], [True])
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
    clock = CheapAndCheerfulClock(60)
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Clock"):
        sink = run(clock, [], ["just chatting", producerFinished()])
    assert sink.got in ([], [True])
    assert [type(m) for m in sink.control] == [producerFinished]
    assert any("just chatting" in r.getMessage() and clock.name in r.getMessage()
               for r in caplog.records)

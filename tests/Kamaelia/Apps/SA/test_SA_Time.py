"""Tests for Kamaelia.Apps.SA.Time: SingleTick and PeriodicTick."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import run
from Kamaelia.Apps.SA.Time import PeriodicTick, SingleTick


def test_single_tick_sends_its_message_then_producerfinished() -> None:
    ticker = SingleTick(0.01)
    sink = run(ticker)
    assert sink.got == [True]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert sink.control[0].caller is ticker


def test_single_tick_sends_the_tick_message_given() -> None:
    assert run(SingleTick(0, tick_mesg="ding")).got == ["ding"]


def test_single_tick_is_cancelled_by_a_control_message() -> None:
    message = shutdownMicroprocess()
    sink = run(SingleTick(600), control=[message])     # ends at once, not in 10 minutes
    assert sink.got == []
    assert sink.control == [message]


def test_messages_to_inbox_are_ignored() -> None:
    sink = run(SingleTick(0.01), inbox=["noise"] * 5)
    assert sink.got == [True]


def test_check_interval_is_capped_at_delay_as_in_1_14() -> None:
    assert SingleTick(0.5).check_interval == 0.5
    assert SingleTick(0.5, check_interval=2).check_interval == 0.5
    assert PeriodicTick(1, check_interval=0.25).check_interval == 0.25


class TickCounter(component):
    """Takes ``count`` ticks, then tells the ticker to stop."""

    Outboxes = {"outbox": "", "signal": "to the ticker's control"}

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.got: list[Any] = []
        self.ended: list[Any] = []

    def main(self) -> Iterator[Any]:
        while len(self.got) < self.count:
            self.got.extend(self.Inbox("inbox"))
            self.pause()
            yield 1
        self.send(shutdownMicroprocess(), "signal")
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.ended.append(self.recv("control"))


def runTicker(ticker: PeriodicTick, count: int) -> TickCounter:
    counter = TickCounter(count)
    ticker.link((ticker, "outbox"), (counter, "inbox"))
    ticker.link((counter, "signal"), (ticker, "control"))
    ticker.link((ticker, "signal"), (counter, "control"))
    ticker.activate()
    counter.activate()
    scheduler.run.runThreads()
    return counter


def test_periodic_tick_ticks_until_told_to_stop() -> None:
    counter = runTicker(PeriodicTick(0.01, tick_mesg="tick"), 3)
    assert counter.got[:3] == ["tick"] * 3
    assert [type(m) for m in counter.ended] == [shutdownMicroprocess]


def test_a_small_check_interval_does_not_make_it_poll() -> None:
    class Counting(PeriodicTick):
        waits = 0

        def pause(self, timeout: float | None = None) -> None:
            Counting.waits += 1
            super().pause(timeout)

    counter = runTicker(Counting(0.05, check_interval=0.001), 2)
    assert len(counter.got) >= 2
    # 1.14 woke every check_interval (about 50 times a tick); ours once a tick
    assert Counting.waits <= 3 * len(counter.got) + 3


@pytest.mark.parametrize("make, message", [
    (lambda: SingleTick(-1), r"SingleTick: delay must be a finite number >= 0, not -1"),
    (lambda: SingleTick("soon"), r"SingleTick: delay must be a number of seconds, not 'soon'"),
    (lambda: PeriodicTick(0), r"PeriodicTick: delay must be a finite number > 0, not 0"),
    (lambda: PeriodicTick(float("inf")), r"delay must be a finite number > 0, not inf"),
])
def test_bad_delays_are_refused(make: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make()

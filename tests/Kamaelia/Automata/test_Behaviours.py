"""Tests for Kamaelia.Automata.Behaviours: value generators with 1.14's values."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.Automata.Behaviours import (bouncingFloat, cartesianPingPong, continuousIdentity,
                                          continuousOne, continuousZero, loopingCounter,
                                          send_one_component)


class Taker(component):
    """Takes ``count`` values, then sends ``stop`` (once ``before`` has been sent)."""

    Outboxes = {"outbox": "", "signal": "to the generator's control"}

    def __init__(self, count: int, stop: Any = "shutdown",
                 script: Callable[["Taker", int], Any] | None = None) -> None:
        super().__init__()
        self.count, self.stopMessage, self.script = count, stop, script
        self.got: list[Any] = []
        self.ended: list[Any] = []

    def main(self) -> Iterator[Any]:
        while len(self.got) < self.count:
            if self.dataReady("inbox"):
                self.got.append(self.recv("inbox"))
                if self.script is not None:
                    yield from self.script(self, len(self.got)) or ()
                continue
            self.pause()
            yield 1
        self.send(self.stopMessage, "signal")
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.ended.append(self.recv("control"))


def take(generator: component, count: int, stop: Any = "shutdown",
         script: Callable[[Taker, int], Any] | None = None) -> Taker:
    taker = Taker(count, stop, script)
    taker.setInboxSize("inbox", 1)                  # the consumer sets the pace
    generator.link((generator, "outbox"), (taker, "inbox"))
    generator.link((taker, "signal"), (generator, "control"))
    generator.link((generator, "signal"), (taker, "control"))
    generator.activate()
    taker.activate()
    scheduler.run.runThreads()
    assert generator._isStopped()
    return taker


#: Values Kamaelia 1.14.32 sent (run from /work/scratch/k114).
BOUNCING_114 = [1.05, 0.9500000000000001, 0.8500000000000001, 0.7500000000000001,
                0.6500000000000001, 0.5500000000000002, 0.4500000000000002, 0.3500000000000002,
                0.2500000000000002, 0.15000000000000022, 0.05, 0.15000000000000002, 0.25,
                0.35, 0.44999999999999996, 0.5499999999999999]
PINGPONG_114 = [[60, 60], [70, 70], [80, 80], [90, 90], [100, 100], [110, 90], [120, 80],
                [130, 70], [140, 60], [150, 50], [160, 40], [170, 30]]


def test_bouncing_float_sends_1_14s_values() -> None:
    assert take(bouncingFloat(1.0), len(BOUNCING_114)).got == BOUNCING_114


def test_bouncing_float_keeps_bouncing_at_slow_speeds() -> None:
    values = take(bouncingFloat(0.25), 100).got
    assert min(values) == 0.05 and max(values) == 1.05
    assert values.count(1.05) < 5


def test_cartesian_ping_pong_sends_1_14s_points_without_moving_the_callers() -> None:
    start = [50, 50]
    assert take(cartesianPingPong(start, 200, 100, 10), 12).got == PINGPONG_114
    assert start == [50, 50]
    assert take(cartesianPingPong((50, 50), 200, 100, 10), 3).got == PINGPONG_114[:3]


def test_looping_counter_wraps_round() -> None:
    assert take(loopingCounter(6), 5).got == [6, 12, 18, 24, 30]
    assert take(loopingCounter(100, 250), 5).got == [100, 200, 50, 150, 0]
    assert take(loopingCounter(0.25, modulo=1), 5).got == [0.25, 0.5, 0.75, 0.0, 0.25]


@pytest.mark.parametrize("make, value", [(lambda: continuousIdentity("hello", "extra"), "hello"),
                                         (lambda: continuousZero("ignored"), 0),
                                         (lambda: continuousOne(), 1)])
def test_constant_generators_send_their_value(make: Callable[[], component], value: Any) -> None:
    assert take(make(), 4).got == [value] * 4


def test_shutdown_string_ends_it_with_shutdown_on_signal() -> None:
    taker = take(continuousOne(), 2, stop="shutdown")
    assert taker.ended == ["shutdown"]


@pytest.mark.parametrize("messageClass", [producerFinished, shutdownMicroprocess])
def test_shutdown_messages_are_passed_on(messageClass: type) -> None:
    message = messageClass()
    taker = take(continuousZero(), 2, stop=message)
    assert taker.ended == [message]


def test_pause_stops_the_values_until_unpause() -> None:
    quiet: list[bool] = []

    def script(taker: Taker, got: int) -> Iterator[Any]:
        if got == 2:
            taker.send("pause", "signal")
            for _ in range(5):
                yield 1
            taker.got.extend(taker.Inbox("inbox"))    # what was sent before it paused
            for _ in range(20):
                yield 1
            quiet.append(not taker.dataReady("inbox"))
            taker.send("unpause", "signal")

    taker = take(loopingCounter(1, 1000), 6, script=script)
    assert quiet == [True]
    assert taker.got == [1, 2, 3, 4, 5, 6]              # carried on where it left off


def test_other_control_messages_are_ignored() -> None:
    def script(taker: Taker, got: int) -> None:
        if got == 1:
            taker.send("hello there", "signal")

    assert take(continuousOne(), 3, script=script).got == [1, 1, 1]


def test_subclass_needs_only_values() -> None:
    class Squares(send_one_component):
        def values(self) -> Iterator[int]:
            n = 0
            while True:
                n += 1
                yield n * n

    assert take(Squares(), 4).got == [1, 4, 9, 16]


@pytest.mark.parametrize("make, message", [
    (lambda: bouncingFloat("fast"), r"bouncingFloat: scale_speed must be a number, not 'fast'"),
    (lambda: loopingCounter(1, 0), r"loopingCounter: modulo must not be zero, not 0"),
    (lambda: cartesianPingPong(5, 1, 1, 1), r"point must be an \(x, y\) pair, not 5"),
    (lambda: cartesianPingPong((1, 2), None, 1, 1), r"width must be a number, not None"),
])
def test_bad_arguments_are_refused(make: Callable[[], component], message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make()

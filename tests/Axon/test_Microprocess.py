"""Tests for Axon.Microprocess: identity, activation, stepping, instructions, pausing."""

from __future__ import annotations

import gc
import logging
import re
import weakref
from typing import Any, Callable, Iterator

import pytest

from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import WaitComplete, newComponent, shutdownMicroprocess
from Axon.Microprocess import microprocess
from Axon.Scheduler import scheduler
from componentharness import Recorder

RunRounds = Callable[[int], bool]


class CloseDownRecorder(microprocess):
    """Runs until stopped; records its close-down."""

    def __init__(self, log: list[Any]) -> None:
        super().__init__()
        self.log = log

    def main(self) -> Iterator[Any]:
        while True:
            yield 1

    def _closeDownMicroprocess(self) -> Any:
        self.log.append(self)
        return None


class Pauser(microprocess):
    """Pauses, yields once, and records in ``log`` what ran when."""

    def __init__(self, log: list[str] | None = None) -> None:
        super().__init__()
        self.log = [] if log is None else log

    def main(self) -> Iterator[Any]:
        self.pause()
        self.log.append("after pause, before yield")
        yield 1
        self.log.append("resumed")


# ------------------------------------------------------------------ identity
def test_ids_are_unique_ints() -> None:
    ids = [microprocess().id for _ in range(100)]
    assert all(isinstance(i, int) for i in ids)
    assert len(set(ids)) == 100


def test_name_is_module_class_and_id() -> None:
    mp = microprocess()
    assert mp.name == f"Axon.Microprocess.microprocess_{mp.id}"
    rec = Recorder([])
    assert rec.name == f"{Recorder.__module__}.Recorder_{rec.id}"
    assert re.fullmatch(r"[\w.]+\.Recorder_\d+", rec.name)


def test_names_are_unique() -> None:
    names = {microprocess().name for _ in range(50)}
    assert len(names) == 50


def test_tag_is_appended_to_name() -> None:
    mp = microprocess(tag="_special")
    assert mp.name == f"Axon.Microprocess.microprocess_{mp.id}_special"


# ---------------------------------------------------------------- activation
def test_activate_returns_self_and_uses_default_scheduler(fresh_scheduler: scheduler) -> None:
    mp = microprocess()
    assert mp.activate() is mp
    assert mp.scheduler is fresh_scheduler
    assert mp in fresh_scheduler.listAllThreads()


def test_activate_uses_default_tracker() -> None:
    mp = microprocess().activate()
    assert mp.tracker is coordinatingassistanttracker.getcat()


def test_activating_twice_warns_and_only_wakes_it(
        fresh_scheduler: scheduler, run_rounds: Any, caplog: pytest.LogCaptureFixture) -> None:
    class Napper(microprocess):
        def main(self) -> Any:
            while True:
                self.pause()
                yield 1

    mp = Napper().activate()
    run_rounds(2)
    assert fresh_scheduler.isThreadPaused(mp)
    other = scheduler()
    scheduler.run = fresh_scheduler
    with caplog.at_level(logging.WARNING, logger="Axon.Microprocess"):
        assert mp.activate(Scheduler=other) is mp
    assert caplog.messages == [f"{mp.name} is already activated; activate() again only wakes it"]
    assert mp.scheduler is fresh_scheduler
    assert not fresh_scheduler.isThreadPaused(mp)
    assert other.listAllThreads() == []


def test_microprocessGenerator_steps_main_until_stopped(fresh_scheduler: scheduler) -> None:
    class Counter(microprocess):
        def main(self) -> Any:
            yield 1
            yield 2
            yield 3

    mp = Counter()
    gen = mp._microprocessGenerator(mp)
    assert [next(gen), next(gen)] == [1, 2]
    mp.activate()
    mp.stop()
    assert list(gen) == [None]
    assert list(Counter()._microprocessGenerator(Counter())) == [1, 2, 3]


def test_microprocessGenerator_keeps_nothing_it_yielded(fresh_scheduler: scheduler) -> None:
    class Token:
        pass

    class Yielder(microprocess):
        def main(self) -> Any:
            yield Token()
            yield 2

    mp = Yielder()
    gen = mp._microprocessGenerator(mp)
    token = weakref.ref(next(gen))        # dropped at once by us
    gc.collect()
    assert token() is None
    assert list(gen) == [2]


def test_activate_uses_an_overridden_microprocessGenerator(
        fresh_scheduler: scheduler) -> None:
    seen: list[Any] = []

    class Wrapped(microprocess):
        def main(self) -> Any:
            yield "a"
            yield "b"

        def _microprocessGenerator(self, someobject: Any, mainmethod: str = "main") -> Any:
            for value in super()._microprocessGenerator(someobject, mainmethod):
                seen.append(value)
                yield value

    Wrapped().run()
    assert seen == ["a", "b"]


def test_closeDownMicroprocess_returns_the_closeDownValue() -> None:
    marker = object()
    assert microprocess(closeDownValue=marker)._closeDownMicroprocess() is marker
    assert microprocess()._closeDownMicroprocess() == 0


def test_activate_on_explicit_scheduler(fresh_scheduler: scheduler) -> None:
    other = scheduler()
    scheduler.run = fresh_scheduler   # making a scheduler made it the default
    mp = microprocess().activate(Scheduler=other)
    assert mp.scheduler is other
    assert mp in other.listAllThreads()
    assert mp not in fresh_scheduler.listAllThreads()
    other.stop()


def test_activate_with_mainmethod_runs_that_method() -> None:
    log: list[str] = []

    class TwoBodies(microprocess):
        def main(self) -> Iterator[Any]:
            log.append("main")
            yield 1

        def other(self) -> Iterator[Any]:
            log.append("other")
            yield 1

    TwoBodies().activate(mainmethod="other")
    scheduler.run.runThreads()
    assert log == ["other"]


def test_activate_with_non_generator_main_raises_type_error() -> None:
    class Forgetful(microprocess):
        def main(self) -> Any:  # no yield: returns None
            return None

    mp = Forgetful()
    with pytest.raises(TypeError, match=r"main\(\) must return a generator .*forget a 'yield'"):
        mp.activate()


def test_thread_argument_replaces_main() -> None:
    log: list[str] = []

    def body() -> Iterator[int]:
        log.append("thread")
        yield 1

    microprocess(thread=body()).activate()
    scheduler.run.runThreads()
    assert log == ["thread"]


def test_run_activates_and_runs_to_the_end(fresh_scheduler: scheduler) -> None:
    log: list[Any] = []
    Recorder(log, steps=3).run()
    assert log == [("r", 0), ("r", 1), ("r", 2)]
    assert fresh_scheduler.listAllThreads() == []


def test_setSchedulerClass_chooses_default_scheduler_for_that_class(
        fresh_scheduler: scheduler) -> None:
    other = scheduler()
    scheduler.run = fresh_scheduler

    class Holder:
        run = other

    class Custom(microprocess):
        pass

    Custom.setSchedulerClass(Holder)
    assert Custom().activate().scheduler is other
    assert microprocess().activate().scheduler is fresh_scheduler
    other.stop()


def test_setTrackerClass_chooses_default_tracker_for_that_class() -> None:
    tracker = coordinatingassistanttracker()

    class TrackerHolder:
        @classmethod
        def getcat(cls) -> coordinatingassistanttracker:
            return tracker

    class Custom(microprocess):
        pass

    Custom.setTrackerClass(TrackerHolder)
    assert Custom().activate().tracker is tracker
    assert microprocess().activate().tracker is coordinatingassistanttracker.getcat()


# ------------------------------------------------------------------ stepping
def test_next_returns_yielded_values_then_stops() -> None:
    class Yielder(microprocess):
        def main(self) -> Iterator[Any]:
            yield "a"
            yield 2
            yield None

    mp = Yielder().activate()
    assert next(mp) == "a"
    assert mp.next() == 2
    assert mp.__next__() is None
    with pytest.raises(StopIteration):
        next(mp)


def test_next_before_activation_raises() -> None:
    mp = microprocess()
    with pytest.raises(RuntimeError, match="has not been activated"):
        next(mp)


def test_next_on_stopped_microprocess_raises_stop_iteration() -> None:
    mp = Recorder([]).activate()
    mp.stop()
    with pytest.raises(StopIteration):
        next(mp)


def test_next_runs_WaitComplete_generator_then_resumes_main() -> None:
    def inner() -> Iterator[str]:
        yield "a"
        yield "b"

    class Caller(microprocess):
        def main(self) -> Iterator[Any]:
            yield 1
            yield WaitComplete(inner())
            yield 2

    mp = Caller().activate()
    assert next(mp) == 1
    assert isinstance(next(mp), WaitComplete)
    assert [next(mp), next(mp), next(mp)] == ["a", "b", 2]
    with pytest.raises(StopIteration):
        next(mp)


def test_next_activates_newComponent_children(fresh_scheduler: scheduler) -> None:
    child = Recorder([])

    class Parent(microprocess):
        def main(self) -> Iterator[Any]:
            yield newComponent(child)

    mp = Parent().activate()
    next(mp)
    assert child.scheduler is fresh_scheduler
    assert child in fresh_scheduler.listAllThreads()


# -------------------------------------------------------------- instructions
def test_yielding_newComponent_activates_children_on_same_scheduler(
        fresh_scheduler: scheduler) -> None:
    log: list[Any] = []
    children = [Recorder(log, steps=1, label="a"), Recorder(log, steps=1, label="b")]

    class Parent(microprocess):
        def main(self) -> Iterator[Any]:
            yield newComponent(*children)

    Parent().run()
    assert sorted(log) == [("a", 0), ("b", 0)]
    assert all(child.scheduler is fresh_scheduler for child in children)


def test_WaitComplete_runs_generator_to_completion_before_main_resumes() -> None:
    log: list[str] = []

    def inner() -> Iterator[int]:
        for i in range(3):
            log.append(f"inner {i}")
            yield 1

    class Caller(microprocess):
        def main(self) -> Iterator[Any]:
            log.append("before")
            yield WaitComplete(inner())
            log.append("after")

    Caller().run()
    assert log == ["before", "inner 0", "inner 1", "inner 2", "after"]


def test_nested_WaitComplete_unwinds_in_order() -> None:
    log: list[str] = []

    def innermost() -> Iterator[int]:
        log.append("innermost")
        yield 1

    def middle() -> Iterator[Any]:
        log.append("middle start")
        yield WaitComplete(innermost())
        log.append("middle end")

    class Caller(microprocess):
        def main(self) -> Iterator[Any]:
            yield WaitComplete(middle())
            log.append("main end")

    Caller().run()
    assert log == ["middle start", "innermost", "middle end", "main end"]


def test_WaitComplete_generator_may_yield_newComponent() -> None:
    log: list[Any] = []
    child = Recorder(log, steps=1, label="child")

    def inner() -> Iterator[Any]:
        yield newComponent(child)

    class Caller(microprocess):
        def main(self) -> Iterator[Any]:
            yield WaitComplete(inner())

    Caller().run()
    assert log == [("child", 0)]


def test_WaitComplete_of_non_generator_raises_type_error() -> None:
    class Caller(microprocess):
        def main(self) -> Iterator[Any]:
            yield WaitComplete(42)

    Caller().activate()
    with pytest.raises(TypeError, match=r"WaitComplete\(42\).*must be a generator"):
        scheduler.run.runThreads()


def test_yield_from_runs_subgenerator_to_completion_before_main_resumes() -> None:
    log: list[str] = []

    def inner() -> Iterator[int]:
        for i in range(2):
            log.append(f"inner {i}")
            yield 1

    class Caller(microprocess):
        def main(self) -> Iterator[Any]:
            log.append("before")
            yield from inner()
            log.append("after")

    Caller().run()
    assert log == ["before", "inner 0", "inner 1", "after"]


def test_yield_from_subgenerator_may_yield_newComponent() -> None:
    log: list[Any] = []
    child = Recorder(log, steps=1, label="child")

    def inner() -> Iterator[Any]:
        yield newComponent(child)

    class Caller(microprocess):
        def main(self) -> Iterator[Any]:
            yield from inner()

    Caller().run()
    assert log == [("child", 0)]


def test_other_yielded_values_just_hand_back_control() -> None:
    log: list[Any] = []

    class Odd(microprocess):
        def main(self) -> Iterator[Any]:
            for value in (None, 0, "text", object(), shutdownMicroprocess()):
                log.append("odd")
                yield value

    Odd().activate()
    Recorder(log, steps=5, label="other").activate()
    scheduler.run.runThreads()
    # Round-robin interleaving shows each yield handed control back.
    assert log[:4] == ["odd", ("other", 0), "odd", ("other", 1)]
    assert log.count("odd") == 5


# ------------------------------------------------------------------- pausing
def test_pause_inside_main_takes_effect_after_the_yield(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[str] = []
    mp = Pauser(log).activate()
    run_rounds(1)
    assert log == ["after pause, before yield"]
    assert fresh_scheduler.isThreadPaused(mp)
    run_rounds(5)
    assert log == ["after pause, before yield"]    # not "resumed"


def test_paused_microprocess_is_not_stepped(run_rounds: RunRounds) -> None:
    steps = 0

    class Counter(microprocess):
        def main(self) -> Iterator[Any]:
            nonlocal steps
            while True:
                steps += 1
                if steps == 2:
                    self.pause()
                yield 1

    Counter().activate()
    run_rounds(10)
    assert steps == 2


def test_unpause_wakes_a_paused_microprocess(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[str] = []
    mp = Pauser(log).activate()
    run_rounds(3)
    assert log == ["after pause, before yield"]
    mp.unpause()
    assert not fresh_scheduler.isThreadPaused(mp)
    assert run_rounds(3) is True
    assert log == ["after pause, before yield", "resumed"]


def test_underscore_unpause_is_an_alias_of_unpause(run_rounds: RunRounds) -> None:
    log: list[str] = []
    mp = Pauser(log).activate()
    run_rounds(2)
    mp._unpause()
    run_rounds(2)
    assert log[-1] == "resumed"


def test_unpausing_an_awake_microprocess_does_nothing(run_rounds: RunRounds) -> None:
    log: list[Any] = []
    mp = Recorder(log, steps=3, label="a").activate()
    Recorder(log, steps=3, label="b").activate()
    mp.unpause()
    mp.unpause()
    run_rounds(1)
    assert log == [("a", 0), ("b", 0)]    # still stepped once per round
    assert run_rounds(10) is True
    assert log.count(("a", 1)) == 1 and len(log) == 6


def test_pausing_a_never_activated_microprocess_does_nothing(run_rounds: RunRounds) -> None:
    log: list[Any] = []
    mp = Recorder(log, steps=2)
    mp.pause()
    mp.activate()
    assert mp._isRunnable()
    assert run_rounds(5) is True
    assert log == [("r", 0), ("r", 1)]


def test_unpausing_a_never_activated_microprocess_does_nothing() -> None:
    mp = microprocess()
    mp.unpause()
    assert mp.scheduler is None
    assert not mp._isRunnable()


def test_waking_a_stopped_microprocess_does_nothing(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[Any] = []
    mp = Recorder(log, steps=100).activate()
    run_rounds(1)
    mp.stop()
    mp.unpause()
    fresh_scheduler.wakeThread(mp)
    assert run_rounds(5) is True
    assert log == [("r", 0)]
    assert mp._isStopped()


def test_pause_with_negative_timeout_raises() -> None:
    mp = microprocess().activate()
    with pytest.raises(ValueError, match=r"pause timeout must be >= 0, not -1"):
        mp.pause(-1)


def test_pause_with_timeout_resumes_after_the_timeout(fresh_scheduler: scheduler) -> None:
    log: list[str] = []

    class Napper(microprocess):
        def main(self) -> Iterator[Any]:
            self.pause(0.01)
            yield 1
            log.append("resumed")

    mp = Napper().activate()
    fresh_scheduler.runThreads()
    assert log == ["resumed"]
    assert mp._isStopped()


def test_pause_with_timeout_is_paused_until_the_timeout(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    class Napper(microprocess):
        def main(self) -> Iterator[Any]:
            self.pause(3600)
            yield 1

    mp = Napper().activate()
    run_rounds(3)
    assert fresh_scheduler.isThreadPaused(mp)


# --------------------------------------------------------------------- state
def test_isRunnable_and_isStopped_follow_the_lifecycle(run_rounds: RunRounds) -> None:
    mp = Pauser()
    assert not mp._isRunnable() and not mp._isStopped()
    mp.activate()
    assert mp._isRunnable()
    run_rounds(1)
    assert not mp._isRunnable() and not mp._isStopped()
    mp.unpause()
    assert mp._isRunnable()
    run_rounds(2)
    assert mp._isStopped() and not mp._isRunnable()


def test_str_shows_name_and_state(run_rounds: RunRounds) -> None:
    mp = Pauser()
    assert str(mp) == f"Microprocess {mp.name} [inactive]"
    mp.activate()
    assert str(mp) == f"Microprocess {mp.name} [active]"
    run_rounds(1)
    assert str(mp) == f"Microprocess {mp.name} [paused]"
    mp.stop()
    assert str(mp) == f"Microprocess {mp.name} [stopped]"


# ------------------------------------------------------------------ stopping
def test_stop_leads_to_close_down_and_removal(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[Any] = []
    mp = CloseDownRecorder(log).activate()
    run_rounds(2)
    mp.stop()
    assert mp._isStopped()
    assert run_rounds(3) is True
    assert log == [mp]
    assert mp not in fresh_scheduler.listAllThreads()


def test_stop_twice_closes_down_once(run_rounds: RunRounds) -> None:
    log: list[Any] = []
    mp = CloseDownRecorder(log).activate()
    mp.stop()
    mp.stop()
    run_rounds(3)
    assert log == [mp]


def test_microprocess_that_ends_is_closed_down(
        fresh_scheduler: scheduler) -> None:
    log: list[Any] = []

    class Short(CloseDownRecorder):
        def main(self) -> Iterator[Any]:
            yield 1

    mp = Short(log).activate()
    fresh_scheduler.runThreads()
    assert log == [mp]
    assert mp._isStopped()


def test_closeDown_returning_shutdownMicroprocess_stops_the_other(
        fresh_scheduler: scheduler) -> None:
    log: list[Any] = []
    victim = CloseDownRecorder(log).activate()

    class Killer(microprocess):
        def main(self) -> Iterator[Any]:
            yield 1

        def _closeDownMicroprocess(self) -> Any:
            return shutdownMicroprocess(victim)

    Killer().activate()
    fresh_scheduler.runThreads()     # would never end if victim kept running
    assert victim._isStopped()
    assert log == [victim]
    assert fresh_scheduler.listAllThreads() == []


def test_knock_on_shutdowns_chain(fresh_scheduler: scheduler) -> None:
    log: list[Any] = []
    last = CloseDownRecorder(log).activate()

    class Passer(CloseDownRecorder):
        def __init__(self, log: list[Any], nextone: microprocess) -> None:
            super().__init__(log)
            self.nextone = nextone

        def _closeDownMicroprocess(self) -> Any:
            super()._closeDownMicroprocess()
            return shutdownMicroprocess(self.nextone)

    class Short(Passer):
        def main(self) -> Iterator[Any]:
            yield 1

    middle = Passer(log, last).activate()
    first = Short(log, middle).activate()
    fresh_scheduler.runThreads()     # would never end if the chain broke
    assert log == [first, middle, last]


class ForgotSuperInit(microprocess):
    """A subclass whose __init__ forgets super().__init__()."""

    def __init__(self) -> None:          # no super().__init__(): the mistake
        self.setting = 1

    def main(self) -> Iterator[Any]:
        yield 1


FORGOT_MESSAGE = (r"ForgotSuperInit did not call super\(\)\.__init__\(\) in its __init__; "
                  r"add it")


def test_activate_says_that_init_forgot_to_call_super_init() -> None:
    with pytest.raises(TypeError, match=FORGOT_MESSAGE):
        ForgotSuperInit().activate()


def test_run_says_that_init_forgot_to_call_super_init() -> None:
    with pytest.raises(TypeError, match=FORGOT_MESSAGE):
        ForgotSuperInit().run()


def test_activate_returns_the_microprocess_itself() -> None:
    counter = CloseDownRecorder([])
    assert counter.activate() is counter
    counter.stop()
    scheduler.run.runThreads()

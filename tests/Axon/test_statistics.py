"""Tests for Axon.Statistics: exact run counts, timed runs, inbox counts, switching."""

from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import WaitComplete, newComponent
from Axon.Microprocess import microprocess
from Axon.Scheduler import scheduler
from Axon.Statistics import SchedulerStatistics
from Axon.ThreadedComponent import threadedcomponent

RunRounds = Callable[[int], bool]

#: Upper bound for any wait on another thread; reaching it means a failure.
PATIENCE = 10.0


class Runs(component):
    """Runs ``times`` times (never pausing), then sleeps until stopped."""

    def __init__(self, times: int, log: list[Any] | None = None) -> None:
        super().__init__()
        self.times = times
        self.log = log

    def main(self) -> Iterator[Any]:
        for i in range(self.times):
            if self.log is not None:
                self.log.append((self.name, i))
            yield 1
        while True:
            self.pause()
            yield 1


class Spin(component):
    """Runs in every round until stopped."""

    def main(self) -> Iterator[Any]:
        while True:
            yield 1


class Sender(component):
    """Sends the messages given, ``perRun`` to a run, then sleeps until stopped."""

    def __init__(self, messages: list[Any], perRun: int = 1) -> None:
        super().__init__()
        self.messages = messages
        self.perRun = perRun

    def main(self) -> Iterator[Any]:
        for start in range(0, len(self.messages), self.perRun):
            for message in self.messages[start:start + self.perRun]:
                self.send(message, "outbox")
            yield 1
        while True:
            self.pause()
            yield 1


class Taker(component):
    """Takes at most ``perRun`` messages a run from "inbox"; pauses when none wait."""

    def __init__(self, perRun: int | None = None) -> None:
        super().__init__()
        self.perRun = perRun
        self.got: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            self.takeSome()
            if not self.dataReady("inbox"):
                self.pause()
            yield 1

    def takeSome(self) -> None:
        taken = 0
        while self.dataReady("inbox") and (self.perRun is None or taken < self.perRun):
            self.got.append(self.recv("inbox"))
            taken += 1


def linked(sender: component, taker: component) -> None:
    sender.link((sender, "outbox"), (taker, "inbox"))


def figures(sched: scheduler, thing: Any) -> dict[str, Any]:
    figures: dict[str, Any] = sched.statistics.snapshot()[thing]
    return figures


# ------------------------------------------------------------ off
def test_statistics_are_off_by_default_and_the_usual_round_runs(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    statistics = fresh_scheduler.statistics
    runs = Runs(5).activate()
    run_rounds(10)
    assert statistics.enabled is False
    assert "_runRound" not in vars(fresh_scheduler)     # the class's own round
    assert runs._runstate.stats is None and runs._runstate.statsSince is None
    assert figures(fresh_scheduler, runs) == {
        "runs": 0, "seconds": 0.0, "timed": 0,
        "inboxes": {"inbox": {"waiting": 0, "taken": 0},
                    "control": {"waiting": 0, "taken": 0}}}


def test_each_scheduler_has_one_statistics_object(fresh_scheduler: scheduler) -> None:
    other = scheduler()
    assert fresh_scheduler.statistics is fresh_scheduler.statistics
    assert other.statistics is not fresh_scheduler.statistics
    assert isinstance(other.statistics, SchedulerStatistics)


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True, None])
def test_enable_refuses_a_sampling_period_that_is_not_a_positive_int(
        fresh_scheduler: scheduler, bad: Any) -> None:
    with pytest.raises(ValueError, match=rf"sampleEvery must be an int >= 1, not {bad!r}"):
        fresh_scheduler.statistics.enable(sampleEvery=bad)
    assert not fresh_scheduler.statistics.enabled


# ------------------------------------------------------------ runs
@pytest.mark.parametrize("times", [1, 7, 300])
def test_runs_are_counted_exactly_at_the_default_sampling(
        fresh_scheduler: scheduler, run_rounds: RunRounds, times: int) -> None:
    fresh_scheduler.statistics.enable()
    runs = Runs(times).activate()
    run_rounds(times + 20)
    # ``times`` runs, then the run in which it paused.
    assert figures(fresh_scheduler, runs)["runs"] == times + 1


def test_runs_are_counted_exactly_across_pauses_and_wakes(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    # The taker is woken by each message, takes it and pauses: many short
    # series of runs, ended by pauses and begun by wakes.
    fresh_scheduler.statistics.enable()
    taker = Taker().activate()
    run_rounds(3)
    for message in range(6):
        taker.inboxes["inbox"].append(message)
        run_rounds(2)
    assert taker.got == list(range(6))
    assert figures(fresh_scheduler, taker)["runs"] == 1 + 6


def test_a_component_that_runs_in_every_round_is_counted_while_it_runs(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    fresh_scheduler.statistics.enable()
    spin = Spin().activate()
    run_rounds(25)
    assert figures(fresh_scheduler, spin)["runs"] == 25
    run_rounds(5)
    assert figures(fresh_scheduler, spin)["runs"] == 30


def test_runs_of_a_waitcomplete_and_of_plain_microprocesses_are_counted(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    def inner() -> Iterator[int]:
        for _ in range(3):
            yield 1

    class Waits(microprocess):
        def main(self) -> Iterator[Any]:
            yield WaitComplete(inner())     # 1 run, then 3, then 1 that ends it
            while True:
                self.pause()
                yield 1                     # 1 more: it pauses

    fresh_scheduler.statistics.enable(sampleEvery=1)
    waits = Waits().activate()
    run_rounds(20)
    assert figures(fresh_scheduler, waits) == {"runs": 6, "seconds": pytest.approx(
        figures(fresh_scheduler, waits)["seconds"]), "timed": 6}


def test_ended_components_leave_the_snapshot(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    class Brief(component):
        def main(self) -> Iterator[int]:
            yield 1

    fresh_scheduler.statistics.enable()
    brief = Brief().activate()
    stays = Runs(3).activate()
    run_rounds(5)
    snapshot = fresh_scheduler.statistics.snapshot()
    assert brief not in snapshot and stays in snapshot


# ---------------------------------------------------- time, messages
def test_every_run_timed_gives_the_time_spent_in_runs(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    class Slow(component):
        def main(self) -> Iterator[int]:
            for _ in range(4):
                time.sleep(0.005)           # the work being measured
                yield 1
            while True:
                self.pause()
                yield 1

    fresh_scheduler.statistics.enable(sampleEvery=1)
    slow, quick = Slow().activate(), Runs(4).activate()
    run_rounds(10)
    slowFigures, quickFigures = figures(fresh_scheduler, slow), figures(fresh_scheduler, quick)
    assert slowFigures["timed"] == slowFigures["runs"] == 5
    assert slowFigures["seconds"] >= 4 * 0.005
    assert quickFigures["seconds"] < slowFigures["seconds"] / 4


def test_every_run_timed_counts_the_messages_an_inbox_carried(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    sender, taker = Sender(list(range(50)), perRun=7), Taker(perRun=3)
    linked(sender, taker)
    fresh_scheduler.statistics.enable(sampleEvery=1)
    sender.activate()
    taker.activate()
    run_rounds(40)
    assert taker.got == list(range(50))
    assert figures(fresh_scheduler, taker)["inboxes"]["inbox"] == {"waiting": 0, "taken": 50}
    assert figures(fresh_scheduler, taker)["inboxes"]["control"] == {"waiting": 0, "taken": 0}
    # The sender's messages are counted where they waited: the taker's inbox.
    assert figures(fresh_scheduler, sender)["inboxes"]["inbox"]["taken"] == 0


def test_messages_still_waiting_are_shown_and_not_counted_as_taken(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    sender, taker = Sender(list(range(20)), perRun=20), Taker(perRun=2)
    linked(sender, taker)
    fresh_scheduler.statistics.enable(sampleEvery=1)
    sender.activate()
    taker.activate()
    run_rounds(4)       # sends all 20 in its first run; the taker takes 2 a run
    inbox = figures(fresh_scheduler, taker)["inboxes"]["inbox"]
    assert inbox["taken"] == len(taker.got) and inbox["waiting"] == 20 - len(taker.got)
    assert 0 < len(taker.got) < 20


def test_sampled_figures_are_scaled_to_all_runs(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    # One message taken per run: whichever runs are sampled, scaling their
    # count by runs / timed gives the true total.
    sender, taker = Sender(list(range(400))), Taker(perRun=1)
    linked(sender, taker)
    fresh_scheduler.statistics.enable(sampleEvery=4)
    sender.activate()
    taker.activate()
    run_rounds(401)
    taker.pause()                            # sleeps; its last series has ended
    run_rounds(2)
    taken = figures(fresh_scheduler, taker)
    assert len(taker.got) == 400
    assert 0 < taken["timed"] < taken["runs"]
    assert taken["inboxes"]["inbox"]["taken"] == 400


def test_a_threaded_component_is_counted_through_its_shuttle(
        fresh_scheduler: scheduler) -> None:
    class ThreadedTaker(threadedcomponent):
        """Takes ``expected`` messages in its thread, says so, waits to be stopped."""

        def __init__(self, expected: int) -> None:
            super().__init__()
            self.expected = expected
            self.got: list[Any] = []

        def main(self) -> None:
            while len(self.got) < self.expected and not self._isStopped():
                while self.dataReady("inbox"):
                    self.got.append(self.recv("inbox"))
                if len(self.got) < self.expected:
                    self.pause(timeout=PATIENCE)
            self.send("all here", "outbox")
            while not self.dataReady("control") and not self._isStopped():
                self.pause(timeout=PATIENCE)

    class Watch(component):
        """On word from the taker, takes a snapshot and stops the scheduler."""

        def __init__(self, target: ThreadedTaker) -> None:
            super().__init__()
            self.target = target
            self.seen: dict[str, Any] | None = None

        def main(self) -> Iterator[Any]:
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            self.seen = figures(self.scheduler, self.target)
            self.scheduler.stop()

    sender, taker = Sender(list(range(30)), perRun=5), ThreadedTaker(30)
    watch = Watch(taker)
    linked(sender, taker)
    linked(taker, watch)
    fresh_scheduler.statistics.enable(sampleEvery=1)
    for part in (sender, taker, watch):
        part.activate()
    runner = threading.Thread(target=fresh_scheduler.runThreads, daemon=True)
    runner.start()
    runner.join(PATIENCE)
    assert not runner.is_alive()
    assert taker.got == list(range(30))
    assert watch.seen is not None
    assert watch.seen["runs"] >= 1 and watch.seen["timed"] == watch.seen["runs"]
    assert watch.seen["inboxes"]["inbox"] == {"waiting": 0, "taken": 30}


# ---------------------------------------------------------- switching
def test_counts_cover_only_the_rounds_with_statistics_on(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    statistics = fresh_scheduler.statistics
    spin = Spin().activate()
    run_rounds(4)                       # off: not counted
    statistics.enable()
    run_rounds(10)
    statistics.disable()
    run_rounds(5)                       # off again
    assert not statistics.enabled and "_runRound" not in vars(fresh_scheduler)
    assert figures(fresh_scheduler, spin)["runs"] == 10
    statistics.enable()
    run_rounds(7)
    assert figures(fresh_scheduler, spin)["runs"] == 17


def test_a_component_may_switch_statistics_off_and_on_in_mid_round(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    # Spinners before and after the switcher in the run queue: the switch
    # takes effect from the next round for all of them alike.
    class Switcher(component):
        def main(self) -> Iterator[Any]:
            statistics = self.scheduler.statistics
            statistics.enable()
            for _ in range(9):
                yield 1
            statistics.disable()            # in its 10th run
            for _ in range(5):
                yield 1
            statistics.enable()             # in its 15th run
            while True:
                yield 1

    before, switcher, after = Spin().activate(), Switcher().activate(), Spin().activate()
    run_rounds(16 + 3)
    snapshot = fresh_scheduler.statistics.snapshot()
    # Rounds 2-10 are counted (enabled in round 1, disabled in round 10),
    # then rounds 16-19 (enabled again in round 15).
    assert snapshot[before]["runs"] == snapshot[after]["runs"] == 9 + 4
    assert snapshot[switcher]["runs"] == 9 + 4


def test_enabling_twice_only_changes_the_sampling(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    statistics = fresh_scheduler.statistics
    spin = Spin().activate()
    statistics.enable()
    run_rounds(3)
    statistics.enable(sampleEvery=1)
    run_rounds(3)
    assert statistics.sampleEvery == 1
    assert figures(fresh_scheduler, spin)["runs"] == 6
    assert figures(fresh_scheduler, spin)["timed"] >= 3


def test_reset_starts_the_counts_from_zero(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    statistics = fresh_scheduler.statistics
    spin, taker = Spin().activate(), Taker().activate()
    statistics.enable(sampleEvery=1)
    taker.inboxes["inbox"].append("before")
    run_rounds(6)
    statistics.reset()      # called between rounds: done at the end of the next
    run_rounds(1)
    assert figures(fresh_scheduler, spin)["runs"] == 0
    assert figures(fresh_scheduler, taker)["inboxes"]["inbox"]["taken"] == 0
    taker.inboxes["inbox"].append("after")
    run_rounds(4)
    assert figures(fresh_scheduler, spin)["runs"] == 4
    assert figures(fresh_scheduler, taker)["runs"] == 1
    assert figures(fresh_scheduler, taker)["inboxes"]["inbox"]["taken"] == 1


def test_switching_and_snapshots_from_another_thread(fresh_scheduler: scheduler) -> None:
    statistics = fresh_scheduler.statistics
    spin = Spin().activate()
    runner = threading.Thread(target=fresh_scheduler.runThreads, daemon=True)
    runner.start()
    try:
        def betweenRounds() -> dict[str, Any]:
            done = threading.Event()
            box: list[dict[str, Any]] = []

            def take() -> None:
                box.append(figures(fresh_scheduler, spin))
                done.set()

            fresh_scheduler.callFromThread(take)
            assert done.wait(PATIENCE)
            return box[0]

        statistics.enable()
        deadline = time.monotonic() + PATIENCE
        while betweenRounds()["runs"] < 50 and time.monotonic() < deadline:
            pass
        assert statistics.snapshot()[spin]["runs"] >= 50     # straight from this thread
        statistics.disable()
        stopped = betweenRounds()["runs"]
        assert betweenRounds()["runs"] == stopped >= 50
    finally:
        fresh_scheduler.stop()
        runner.join(PATIENCE)
    assert not runner.is_alive()


# ------------------------------------------------- nothing else changes
def trace(enable: bool) -> list[Any]:
    """What a small system does, in order, with statistics on or off."""
    sched = scheduler()
    sched.reraiseExceptions = True
    if enable:
        sched.statistics.enable(sampleEvery=1)
    log: list[Any] = []

    def inner() -> Iterator[int]:
        for i in range(3):
            log.append(("inner", i))
            yield 1

    class Parent(component):
        def main(self) -> Iterator[Any]:
            yield newComponent(Runs(3, log), Runs(2, log))
            yield WaitComplete(inner())
            log.append("parent done")

    class Logger(Taker):
        def takeSome(self) -> None:
            while self.dataReady("inbox"):
                log.append(("got", self.recv("inbox")))

    sender, logger = Sender(list(range(6)), perRun=2), Logger()
    linked(sender, logger)
    for part in (Parent(), sender, logger, Runs(4, log)):
        part.activate(Scheduler=sched)
    rounds = sched.main()
    for _ in range(30):
        next(rounds)
    sched.stop()
    for _ in rounds:
        pass
    return [entry if isinstance(entry, str) else
            (entry[0].rsplit("_", 1)[0], entry[1]) for entry in log]


def test_a_system_does_the_same_things_in_the_same_order_with_statistics_on() -> None:
    previous = scheduler.run
    try:
        off, on = trace(enable=False), trace(enable=True)
    finally:
        scheduler.run = previous
    assert on == off
    assert "parent done" in on and ("got", 5) in on


def test_a_failure_is_reported_the_same_and_holds_no_statistics_frames(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    class Boom(component):
        def main(self) -> Iterator[int]:
            yield 1
            raise ValueError("boom")

    fresh_scheduler.reraiseExceptions = False
    fresh_scheduler.statistics.enable(sampleEvery=1)      # the timed path too
    Boom().activate()
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        fresh_scheduler.runThreads()
    [record] = [r for r in caplog.records if r.name == "Axon.Scheduler"]
    assert record.exc_info is not None and record.exc_info[1] is not None
    tb = record.exc_info[1].__traceback__
    assert tb is not None and tb.tb_frame.f_code is Boom.main.__code__
    assert "Statistics.py" not in caplog.text and "in main" in caplog.text


def test_a_failure_is_reraised_with_statistics_on(fresh_scheduler: scheduler) -> None:
    class Boom(component):
        def main(self) -> Iterator[int]:
            raise ValueError("boom")
            yield 1

    fresh_scheduler.statistics.enable()
    Boom().activate()
    with pytest.raises(ValueError, match="boom"):
        fresh_scheduler.runThreads()


def test_statistics_hold_no_component_message_or_scheduler(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    class Big:
        pass

    class Brief(component):
        def main(self) -> Iterator[int]:
            yield 1

    fresh_scheduler.statistics.enable(sampleEvery=1)
    taker = Taker().activate()
    message = Big()
    taker.inboxes["inbox"].append(message)
    brief = Brief().activate()
    run_rounds(4)
    watchMessage, watchBrief = weakref.ref(message), weakref.ref(brief)
    taker.got.clear()
    del message, brief
    gc.collect()
    assert watchMessage() is None and watchBrief() is None

    other = scheduler()
    other.statistics.enable()
    watchScheduler = weakref.ref(other)
    scheduler.run = fresh_scheduler
    del other
    gc.collect()
    assert watchScheduler() is None

"""Tests for Axon.Scheduler: rounds, pausing, stopping, failures, timers, I/O, threads."""

from __future__ import annotations

import gc
import logging
import signal
import socket
import threading
import time
from typing import Any, Callable, Iterator

import pytest

from Axon import diagnostics
from Axon.Component import component
from Axon.Ipc import newComponent, reactivate, shutdownMicroprocess
from Axon.Microprocess import microprocess
from Axon.Scheduler import TimerHandle, scheduler
from componentharness import Recorder

RunRounds = Callable[[int], bool]


class Forever(microprocess):
    """Runs (or, with ``paused``, sleeps) until stopped; records its close-down."""

    def __init__(self, closed: list[Any], paused: bool = False) -> None:
        super().__init__()
        self.closed = closed
        self.sleeps = paused
        self.asleep = threading.Event()     # set when it first pauses

    def main(self) -> Iterator[Any]:
        while True:
            if self.sleeps:
                self.asleep.set()
                self.pause()
            yield 1

    def _closeDownMicroprocess(self) -> Any:
        self.closed.append(self)
        return None


class Sleeper(microprocess):
    """Pauses once; records in ``log`` when woken. ``asleep`` is set as it pauses."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log
        self.asleep = threading.Event()

    def main(self) -> Iterator[Any]:
        self.asleep.set()
        self.pause()
        yield 1
        self.log.append("woken")


class Boom(microprocess):
    """Yields ``steps`` times, then raises ``error``."""

    def __init__(self, error: BaseException, steps: int = 1) -> None:
        super().__init__()
        self.error = error
        self.steps = steps
        self.closedDown = False

    def main(self) -> Iterator[Any]:
        for _ in range(self.steps):
            yield 1
        raise self.error

    def _closeDownMicroprocess(self) -> Any:
        self.closedDown = True
        return None


def runThreads_meanwhile(sched: scheduler, asleep: threading.Event,
                         action: Callable[[], Any]) -> None:
    """Run ``sched.runThreads()`` here while another thread waits for
    ``asleep`` (set by a microprocess as it pauses) and then calls ``action()``."""
    def helper_body() -> None:
        asleep.wait()
        action()

    helper = threading.Thread(target=helper_body)
    helper.start()
    try:
        sched.runThreads()
    finally:
        asleep.set()          # never leave the helper waiting
        helper.join()


# ------------------------------------------------------------ the default one
def test_new_scheduler_becomes_the_default(fresh_scheduler: scheduler) -> None:
    assert scheduler.run is fresh_scheduler
    made = scheduler()
    assert scheduler.run is made
    scheduler.run = fresh_scheduler


def test_main_with_nothing_to_run_ends_at_once(fresh_scheduler: scheduler) -> None:
    loop = fresh_scheduler.main()
    with pytest.raises(StopIteration):
        next(loop)


def test_runThreads_with_nothing_to_run_returns(fresh_scheduler: scheduler) -> None:
    fresh_scheduler.runThreads()
    assert fresh_scheduler.listAllThreads() == []


# ------------------------------------------------------------------- rounds
def test_each_round_steps_every_runnable_microprocess_once(run_rounds: RunRounds) -> None:
    log: list[Any] = []
    Recorder(log, steps=3, label="a").activate()
    Recorder(log, steps=3, label="b").activate()
    run_rounds(1)
    assert log == [("a", 0), ("b", 0)]
    run_rounds(1)
    assert log == [("a", 0), ("b", 0), ("a", 1), ("b", 1)]


def test_main_ends_once_every_microprocess_has_ended(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[Any] = []
    Recorder(log, steps=2, label="a").activate()
    Recorder(log, steps=4, label="b").activate()
    assert run_rounds(100) is True
    assert len(log) == 6
    assert fresh_scheduler.listAllThreads() == []


def test_listAllThreads_lists_activated_microprocesses_until_they_end(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    a = Recorder([], steps=1).activate()
    b = Recorder([], steps=3).activate()
    assert set(fresh_scheduler.listAllThreads()) == {a, b}
    run_rounds(2)
    assert fresh_scheduler.listAllThreads() == [b]


def test_addThread_activates_a_not_yet_activated_microprocess_on_itself(
        fresh_scheduler: scheduler) -> None:
    other = scheduler()
    scheduler.run = fresh_scheduler
    mp = Recorder([])
    other._addThread(mp)
    assert mp.scheduler is other
    assert mp in other.listAllThreads()
    other.stop()


def test_wakeThread_ignores_a_microprocess_it_does_not_know(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[str] = []
    mp = Sleeper(log).activate()
    run_rounds(1)
    other = scheduler()
    scheduler.run = fresh_scheduler
    other.wakeThread(mp)                      # not one of other's
    assert fresh_scheduler.isThreadPaused(mp)
    fresh_scheduler.wakeThread(mp)
    assert not fresh_scheduler.isThreadPaused(mp)
    run_rounds(2)
    assert log == ["woken"]


def test_pauseThread_stops_stepping_until_woken(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[Any] = []
    mp = Recorder(log, steps=5).activate()
    run_rounds(1)
    fresh_scheduler.pauseThread(mp)
    assert fresh_scheduler.isThreadPaused(mp)
    run_rounds(3)
    assert log == [("r", 0)]
    fresh_scheduler.wakeThread(mp)
    run_rounds(1)
    assert log == [("r", 0), ("r", 1)]


def test_isThreadPaused_is_false_for_unknown_microprocess(fresh_scheduler: scheduler) -> None:
    mp = microprocess()
    assert fresh_scheduler.isThreadPaused(mp) is False


def test_pauseThread_ignores_unknown_microprocess(fresh_scheduler: scheduler) -> None:
    mp = microprocess()
    fresh_scheduler.pauseThread(mp)
    assert not mp._runstate.paused


def test_paused_microprocesses_cost_no_steps_while_others_run(run_rounds: RunRounds) -> None:
    steps = {"sleeper": 0}

    class CountingSleeper(microprocess):
        def main(self) -> Iterator[Any]:
            while True:
                steps["sleeper"] += 1
                self.pause()
                yield 1

    sleepers = [CountingSleeper().activate() for _ in range(10)]
    log: list[Any] = []
    Recorder(log, steps=20).activate()
    run_rounds(20)
    assert steps["sleeper"] == len(sleepers)    # one step each, then never again
    assert len(log) == 20


def test_str_counts_microprocesses_and_runnable_ones(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    Sleeper([]).activate()
    Recorder([], steps=10).activate()
    run_rounds(1)
    text = str(fresh_scheduler)
    assert fresh_scheduler.name in text
    assert "2 microprocesses, 1 runnable" in text


# ------------------------------------------------------------------ stopping
def test_stop_closes_down_every_microprocess_and_loop_ends(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    closed: list[Any] = []
    running = Forever(closed).activate()
    sleeping = Forever(closed, paused=True).activate()
    run_rounds(2)
    fresh_scheduler.stop()
    assert set(closed) == {running, sleeping}
    assert fresh_scheduler.listAllThreads() == []
    assert running._isStopped() and sleeping._isStopped()
    assert run_rounds(1) is True


def test_stop_from_another_thread_ends_a_blocked_runThreads(
        fresh_scheduler: scheduler) -> None:
    closed: list[Any] = []
    mp = Forever(closed, paused=True).activate()
    runThreads_meanwhile(fresh_scheduler, mp.asleep, fresh_scheduler.stop)
    assert closed == [mp]
    assert fresh_scheduler.listAllThreads() == []


def test_stop_called_from_inside_a_microprocess_ends_the_loop(
        fresh_scheduler: scheduler) -> None:
    closed: list[Any] = []
    others = [Forever(closed).activate(), Forever(closed, paused=True).activate()]

    class Stopper(microprocess):
        def main(self) -> Iterator[Any]:
            yield 1
            fresh_scheduler.stop()
            yield 1

    Stopper().activate()
    fresh_scheduler.runThreads()        # would run for ever otherwise
    assert set(closed) == set(others)
    assert fresh_scheduler.listAllThreads() == []


# ------------------------------------------------------------------ failures
def test_exception_in_main_is_reraised_after_close_down(fresh_scheduler: scheduler) -> None:
    error = ValueError("boom")
    mp = Boom(error).activate()
    with pytest.raises(ValueError, match="boom") as caught:
        fresh_scheduler.runThreads()
    assert caught.value is error
    assert mp.closedDown
    assert mp not in fresh_scheduler.listAllThreads()


def test_after_a_reraised_exception_the_other_microprocesses_still_run(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[Any] = []
    Boom(ValueError("boom"), steps=1).activate()
    survivor = Recorder(log, steps=5).activate()
    with pytest.raises(ValueError):
        fresh_scheduler.runThreads()
    # The survivor was due to run later in the round that raised; starting
    # the loop again (run_rounds does) must carry on with it, not forget it.
    finished = run_rounds(50)
    assert finished, f"{survivor!r} never ran again: {survivor._runstate!r}"
    assert log == [("r", i) for i in range(5)]


def test_exception_in_main_is_logged_with_name_and_system_carries_on(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False
    error = ValueError("boom")
    failing = Boom(error).activate()
    log: list[Any] = []
    Recorder(log, steps=5).activate()
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        fresh_scheduler.runThreads()
    assert log == [("r", i) for i in range(5)]
    assert failing.closedDown and failing._isStopped()
    [record] = [r for r in caplog.records if r.name == "Axon.Scheduler"]
    assert record.levelno == logging.ERROR
    assert failing.name in record.getMessage()
    assert "ValueError" in record.getMessage()
    assert record.exc_info is not None and record.exc_info[1] is error
    assert "Traceback" in caplog.text and "boom" in caplog.text


def test_failed_component_wakes_its_parent(
        fresh_scheduler: scheduler, run_rounds: RunRounds,
        caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False

    class Child(component):
        def main(self) -> Iterator[Any]:
            yield 1
            raise RuntimeError("child failed")

    child = Child()
    log: list[str] = []

    class Parent(component):
        def main(self) -> Iterator[Any]:
            self.addChildren(child)
            yield newComponent(child)
            while not child._isStopped():
                self.pause()
                yield 1
            log.append("parent saw child end")

    parent = Parent().activate()
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        assert run_rounds(20) is True
    assert log == ["parent saw child end"]
    assert parent._isStopped()
    assert child.name in caplog.text


def test_exception_in_closeDown_is_logged_when_not_reraising(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False

    class BadCloser(microprocess):
        def main(self) -> Iterator[Any]:
            yield 1

        def _closeDownMicroprocess(self) -> Any:
            raise KeyError("closing")

    mp = BadCloser().activate()
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        fresh_scheduler.runThreads()
    assert mp.name in caplog.text
    assert "while closing down" in caplog.text
    assert fresh_scheduler.listAllThreads() == []


def test_keyboard_interrupt_stops_everything_and_propagates(
        fresh_scheduler: scheduler) -> None:
    closed: list[Any] = []
    others = [Forever(closed).activate(), Forever(closed, paused=True).activate()]
    interrupter = Boom(KeyboardInterrupt(), steps=2).activate()
    with pytest.raises(KeyboardInterrupt):
        fresh_scheduler.runThreads()
    assert set(closed) == set(others)
    assert all(mp._isStopped() for mp in others)
    assert interrupter.closedDown
    assert fresh_scheduler.listAllThreads() == []


# -------------------------------------------------------------------- timers
def test_callLater_calls_back_with_arguments(fresh_scheduler: scheduler) -> None:
    log: list[str] = []
    calls: list[tuple[Any, ...]] = []
    mp = Sleeper(log).activate()

    def callback(*args: Any) -> None:
        calls.append(args)
        mp.unpause()

    handle = fresh_scheduler.callLater(0.001, callback, "x", 2)
    assert isinstance(handle, TimerHandle)
    fresh_scheduler.runThreads()      # blocks until the timer fires
    assert calls == [("x", 2)]
    assert log == ["woken"]


def test_callAt_calls_back_at_the_given_time(fresh_scheduler: scheduler) -> None:
    log: list[str] = []
    mp = Sleeper(log).activate()
    fresh_scheduler.callAt(time.monotonic() + 0.001, mp.unpause)
    fresh_scheduler.runThreads()
    assert log == ["woken"]


def test_timers_fire_in_time_order(fresh_scheduler: scheduler) -> None:
    order: list[str] = []
    log: list[str] = []
    mp = Sleeper(log).activate()
    fresh_scheduler.callLater(0.003, lambda: (order.append("late"), mp.unpause()))
    fresh_scheduler.callLater(0.001, order.append, "early")
    fresh_scheduler.runThreads()
    assert order == ["early", "late"]


def test_cancelled_timer_is_not_called(fresh_scheduler: scheduler) -> None:
    called: list[str] = []
    log: list[str] = []
    mp = Sleeper(log).activate()
    doomed = fresh_scheduler.callLater(0, called.append, "cancelled one")
    fresh_scheduler.callLater(0.002, mp.unpause)
    doomed.cancel()
    doomed.cancel()        # harmless
    fresh_scheduler.runThreads()
    assert log == ["woken"]
    assert called == []
    assert doomed.cancelled
    assert "cancelled" in repr(doomed)


def test_exception_in_timer_callback_is_logged_when_not_reraising(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False
    log: list[str] = []
    mp = Sleeper(log).activate()

    def failing() -> None:
        raise ZeroDivisionError("timer broke")

    fresh_scheduler.callLater(0, failing)
    fresh_scheduler.callLater(0.001, mp.unpause)
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        fresh_scheduler.runThreads()
    assert log == ["woken"]
    assert "ZeroDivisionError" in caplog.text


def test_exception_in_timer_callback_is_reraised(fresh_scheduler: scheduler) -> None:
    Sleeper([]).activate()

    def failing() -> None:
        raise ZeroDivisionError("timer broke")

    fresh_scheduler.callLater(0, failing)
    with pytest.raises(ZeroDivisionError, match="timer broke"):
        fresh_scheduler.runThreads()


# ----------------------------------------------------------------------- I/O
def test_addReader_wakes_blocked_scheduler_when_data_arrives(
        fresh_scheduler: scheduler) -> None:
    reader, writer = socket.socketpair()
    received: list[bytes] = []
    log: list[str] = []

    def readable() -> None:
        received.append(reader.recv(100))
        fresh_scheduler.removeReader(reader)
        mp.unpause()

    mp = Sleeper(log).activate()
    fresh_scheduler.addReader(reader, readable)
    try:
        runThreads_meanwhile(fresh_scheduler, mp.asleep, lambda: writer.sendall(b"ping"))
    finally:
        reader.close()
        writer.close()
    assert received == [b"ping"]
    assert log == ["woken"]


def test_removeReader_stops_callbacks(fresh_scheduler: scheduler) -> None:
    reader, writer = socket.socketpair()
    calls: list[str] = []
    try:
        writer.sendall(b"data waiting")
        fresh_scheduler.addReader(reader, lambda: calls.append("read"))
        fresh_scheduler.removeReader(reader)
        fresh_scheduler.removeReader(reader)      # not watched: no error
        log: list[str] = []
        mp = Sleeper(log).activate()
        fresh_scheduler.callLater(0.002, mp.unpause)
        fresh_scheduler.runThreads()
        assert log == ["woken"]
        assert calls == []
    finally:
        reader.close()
        writer.close()


def test_addWriter_calls_back_when_writable(fresh_scheduler: scheduler) -> None:
    left, right = socket.socketpair()
    log: list[str] = []

    def writable() -> None:
        fresh_scheduler.removeWriter(left)
        left.sendall(b"x")
        mp.unpause()

    try:
        mp = Sleeper(log).activate()
        fresh_scheduler.addWriter(left, writable)
        fresh_scheduler.runThreads()
        assert log == ["woken"]
        assert right.recv(10) == b"x"
    finally:
        left.close()
        right.close()


# ------------------------------------------------------------------- threads
def test_wakeThread_from_another_thread_wakes_blocked_runThreads(
        fresh_scheduler: scheduler) -> None:
    log: list[str] = []
    mp = Sleeper(log).activate()
    runThreads_meanwhile(fresh_scheduler, mp.asleep, lambda: fresh_scheduler.wakeThread(mp))
    assert log == ["woken"]
    assert mp._isStopped()


def test_unpause_from_another_thread_wakes_blocked_runThreads(
        fresh_scheduler: scheduler) -> None:
    log: list[str] = []
    mp = Sleeper(log).activate()
    runThreads_meanwhile(fresh_scheduler, mp.asleep, mp.unpause)
    assert log == ["woken"]


def test_callFromThread_runs_callback_in_scheduler_thread(
        fresh_scheduler: scheduler) -> None:
    log: list[str] = []
    ran_in: list[int] = []
    mp = Sleeper(log).activate()

    def callback(tag: str) -> None:
        ran_in.append(threading.get_ident())
        log.append(tag)
        mp.unpause()

    runThreads_meanwhile(fresh_scheduler, mp.asleep,
                         lambda: fresh_scheduler.callFromThread(callback, "called"))
    assert ran_in == [threading.get_ident()]
    assert log == ["called", "woken"]


def test_callLater_from_another_thread_while_blocked_fires(
        fresh_scheduler: scheduler) -> None:
    log: list[str] = []
    mp = Sleeper(log).activate()
    runThreads_meanwhile(fresh_scheduler, mp.asleep,
                         lambda: fresh_scheduler.callLater(0.001, mp.unpause))
    assert log == ["woken"]


# ----------------------------------------------------------- immortality
def test_immortal_scheduler_keeps_running_with_nothing_scheduled(
        fresh_scheduler: scheduler) -> None:
    scheduler.immortalise()
    loop = fresh_scheduler.main()
    try:
        for _ in range(5):
            next(loop)          # would raise StopIteration if mortal
        scheduler.mortalise()
        with pytest.raises(StopIteration):
            next(loop)
    finally:
        loop.close()


def test_immortal_runThreads_blocks_until_mortalised(fresh_scheduler: scheduler) -> None:
    log: list[Any] = []
    Recorder(log, steps=1).activate()
    fired: list[str] = []

    def end() -> None:
        fired.append("mortalised")
        scheduler.mortalise()

    scheduler.immortalise()
    fresh_scheduler.callLater(0.002, end)
    fresh_scheduler.runThreads()
    assert log == [("r", 0)]
    assert fired == ["mortalised"]   # the loop outlived its last microprocess


def test_mortalise_just_before_the_loop_sleeps_still_ends_it(
        fresh_scheduler: scheduler) -> None:
    # Another thread calling mortalise() can run between the loop deciding
    # to keep going (still immortal) and the loop starting to wait; the
    # wait must not then last for ever. We make that interleaving happen
    # by calling mortalise() at the start of the wait.
    original = fresh_scheduler._ensureWakePipe

    def mortalise_first() -> None:
        fresh_scheduler._ensureWakePipe = original  # type: ignore[method-assign]
        scheduler.mortalise()
        original()

    fresh_scheduler._ensureWakePipe = mortalise_first  # type: ignore[method-assign]
    scheduler.immortalise()
    runner = threading.Thread(target=fresh_scheduler.runThreads)
    runner.start()
    runner.join(timeout=2)        # a guard for the failure, not a wait
    stuck = runner.is_alive()
    if stuck:
        fresh_scheduler.callFromThread(lambda: None)   # unstick it
        runner.join()
    assert not stuck, "runThreads stayed blocked after mortalise()"


def test_threads_view_shows_each_microprocess_active_or_sleeping() -> None:
    from Axon.Microprocess import microprocess
    from Axon.Scheduler import _ACTIVE, _SLEEPING, scheduler

    class Napper(microprocess):
        def main(self):
            self.pause()
            yield 1

    napper, busy = Napper().activate(), microprocess().activate()
    loop = scheduler.run.main()
    next(loop)
    assert scheduler.run.threads == {napper: _SLEEPING, busy: _ACTIVE}
    napper.unpause()
    assert scheduler.run.threads[napper] == _ACTIVE
    loop.close()


def test_cancelled_timers_do_not_pile_up_in_the_timer_heap() -> None:
    from Axon.Scheduler import scheduler

    sched = scheduler.run
    handles = [sched.callLater(3600, lambda: None) for _ in range(2000)]
    for handle in handles[:1900]:
        handle.cancel()
    from Axon.Microprocess import microprocess
    microprocess().activate()              # something to run for one round
    loop = sched.main()
    next(loop)
    loop.close()
    assert len(sched._timers) == 100
    assert all(not entry[2].cancelled for entry in sched._timers)


def test_exception_marked_axonReraise_propagates_even_when_logging() -> None:
    import pytest
    from Axon.Component import component
    from Axon.Scheduler import scheduler

    class EndOfRun(Exception):
        axonReraise = True

    class Ender(component):
        def main(self):
            yield 1
            raise EndOfRun("stop everything")

    scheduler.run.reraiseExceptions = False
    with pytest.raises(EndOfRun, match="stop everything"):
        Ender().run()


def test_plain_pause_cancels_an_earlier_pause_timeout() -> None:
    from Axon.Component import component
    from Axon.Scheduler import scheduler

    class Changer(component):
        def main(self):
            self.pause(0.01)
            self.pause()
            yield 1

    changer = Changer().activate()
    loop = scheduler.run.main()
    next(loop)
    assert changer._runstate.timer is None
    assert all(entry[2].cancelled for entry in scheduler.run._timers)
    loop.close()


def test_a_round_that_may_not_block_still_looks_for_ready_files(
        run_rounds: Callable[[int], bool], fresh_scheduler: scheduler) -> None:
    # Stepping the loop by hand (canblock false) with every microprocess
    # paused: the round cannot wait, but it must still poll without waiting,
    # or a stepped system never sees its sockets become ready.
    reader, writer = socket.socketpair()
    got: list[bytes] = []

    class Waiter(component):
        def main(self) -> Iterator[Any]:
            while not got:
                self.pause()
                yield 1

    waiter = Waiter().activate()

    def readable() -> None:
        got.append(reader.recv(100))
        fresh_scheduler.removeReader(reader)
        waiter.unpause()

    fresh_scheduler.addReader(reader, readable)
    try:
        run_rounds(3)                      # everything paused, nothing to read yet
        writer.sendall(b"ready")
        assert run_rounds(20)              # the data is seen and the waiter ends
    finally:
        reader.close()
        writer.close()
    assert got == [b"ready"]


def test_what_an_io_event_wakes_runs_before_the_next_event_is_handled(
        fresh_scheduler: scheduler) -> None:
    # As an event loop runs a callback to its end: a request read from one
    # socket is dealt with before the next ready socket is read, so answers
    # go out as early as they can.
    order: list[str] = []
    pairs = [socket.socketpair() for _ in range(2)]

    class Handler(component):
        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

        def main(self) -> Iterator[Any]:
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            order.append(f"{self.tag} handled")

    handlers = [Handler("a"), Handler("b")]
    for handler in handlers:
        handler.activate()

    def readable(index: int) -> Callable[[], None]:
        def read() -> None:
            ours = pairs[index][0]
            order.append(f"{'ab'[index]} read {ours.recv(10).decode()}")
            fresh_scheduler.removeReader(ours)
            handlers[index]._deliver("go")
        return read

    try:
        rounds = fresh_scheduler.main()
        for _ in range(3):
            next(rounds)                           # both handlers now paused
        for index, (ours, theirs) in enumerate(pairs):
            fresh_scheduler.addReader(ours, readable(index))
            theirs.sendall(b"x")
        for _ in rounds:
            pass
    finally:
        for ours, theirs in pairs:
            ours.close()
            theirs.close()
    assert order[0] in ("a read x", "b read x"), order
    assert order[1] == f"{order[0][0]} handled", order     # before the other read


# -------------------------------------------- objects with 1.14's protocol
class OldStyle:
    """Not one of our microprocesses: just 1.14's protocol (next, stop,
    _closeDownMicroprocess), with a generator inside like 1.14's had."""

    def __init__(self, log: list[Any], steps: int = 3, endWithRuntimeError: bool = False) -> None:
        self.log = log
        self.steps = steps
        self.stopped = False
        self.endWithRuntimeError = endWithRuntimeError
        self.gen = self.main()

    def main(self) -> Iterator[Any]:
        for i in range(self.steps):
            self.log.append(i)
            yield 1

    def next(self) -> Any:
        if self.endWithRuntimeError:
            # What 1.14's microprocess did on Python 3: next() inside a generator.
            return next(self._wrapped())
        return next(self.gen)

    def _wrapped(self) -> Iterator[Any]:
        yield next(self.gen)

    def stop(self) -> None:
        self.log.append("stop")
        self.stopped = True

    def _closeDownMicroprocess(self) -> Any:
        self.log.append("closed")
        return None


def test_scheduler_runs_an_object_with_1_14s_microprocess_protocol(
        fresh_scheduler: scheduler) -> None:
    log: list[Any] = []
    thing = OldStyle(log)
    fresh_scheduler._addThread(thing)
    assert fresh_scheduler.listAllThreads() == [thing]
    fresh_scheduler.runThreads()
    assert log == [0, 1, 2, "stop", "closed"]
    assert fresh_scheduler.listAllThreads() == []


def test_a_1_14_style_end_by_RuntimeError_is_a_normal_end(fresh_scheduler: scheduler) -> None:
    log: list[Any] = []
    fresh_scheduler._addThread(OldStyle(log, steps=2, endWithRuntimeError=True))
    fresh_scheduler.runThreads()            # reraiseExceptions is on: nothing raised
    assert log == [0, 1, "stop", "closed"]


def test_a_plain_iterator_runs_too(fresh_scheduler: scheduler) -> None:
    seen: list[int] = []

    def gen() -> Iterator[int]:
        for i in range(3):
            seen.append(i)
            yield i

    fresh_scheduler.wakeThread(gen(), canActivate=True)
    fresh_scheduler.runThreads()
    assert seen == [0, 1, 2]


def test_a_foreign_object_pauses_and_is_woken_by_its_own_name(
        fresh_scheduler: scheduler, run_rounds: RunRounds) -> None:
    log: list[Any] = []

    class Napper(OldStyle):
        def main(self) -> Iterator[Any]:
            fresh_scheduler.pauseThread(self)
            yield 1
            log.append("woken")

    napper = Napper(log)
    fresh_scheduler._addThread(napper)
    run_rounds(3)
    assert fresh_scheduler.isThreadPaused(napper)
    assert log == []
    fresh_scheduler.wakeThread(napper)
    run_rounds(3)
    assert log == ["woken", "stop", "closed"]


def test_an_object_without_next_is_refused_at_the_door(fresh_scheduler: scheduler) -> None:
    with pytest.raises(TypeError, match="cannot run 42: it is not a microprocess"):
        fresh_scheduler._addThread(42)


def test_scheduler_stop_stops_foreign_objects(fresh_scheduler: scheduler,
                                              run_rounds: RunRounds) -> None:
    log: list[Any] = []
    fresh_scheduler._addThread(OldStyle(log, steps=1000))
    run_rounds(2)
    fresh_scheduler.stop()
    assert log[-2:] == ["stop", "closed"]


# ------------------------------------------------ knock-ons and waiting
def test_reactivate_knockon_runs_the_original_again(fresh_scheduler: scheduler) -> None:
    log: list[str] = []

    class Parent(microprocess):
        def main(self) -> Iterator[Any]:
            self.pause()
            yield 1
            log.append("parent resumed")

    parent = Parent().activate()
    microprocess(thread=iter([1, 2]), closeDownValue=reactivate(parent)).activate()
    fresh_scheduler.runThreads()
    assert log == ["parent resumed"]


def test_handleMicroprocessShutdownKnockon_is_called_with_what_close_down_returned(
        fresh_scheduler: scheduler) -> None:
    seen: list[Any] = []

    class Watching(scheduler):
        def handleMicroprocessShutdownKnockon(self, knockon: Any) -> None:
            seen.append(knockon)
            super().handleMicroprocessShutdownKnockon(knockon)

    watching = Watching()
    watching.reraiseExceptions = True
    scheduler.run = fresh_scheduler
    victim = Forever([]).activate(Scheduler=watching)
    knockon = shutdownMicroprocess(victim)
    microprocess(thread=iter([1]), closeDownValue=knockon).activate(Scheduler=watching)
    watching.runThreads()
    assert seen == [knockon]
    assert victim._isStopped()


def test_waitForOne_makes_runThreads_wait_for_a_first_microprocess(
        fresh_scheduler: scheduler) -> None:
    ran = threading.Event()

    class Once(microprocess):
        def main(self) -> Iterator[Any]:
            ran.set()
            yield 1

    # A timer alone does not keep the loop running: without waitForOne,
    # runThreads() would end at once and the timer would never fire.
    fresh_scheduler.callLater(0.01, lambda: Once().activate(Scheduler=fresh_scheduler))
    fresh_scheduler.waitForOne()
    fresh_scheduler.runThreads()
    assert ran.is_set()


def test_waitForOne_with_microprocesses_already_added_waits_for_nothing(
        fresh_scheduler: scheduler) -> None:
    microprocess(thread=iter([1])).activate()
    fresh_scheduler.waitForOne()
    fresh_scheduler.runThreads()
    assert fresh_scheduler.listAllThreads() == []


def test_wait_for_one_class_attribute_makes_new_schedulers_wait(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scheduler, "wait_for_one", True)
    waiting = scheduler()
    monkeypatch.setattr(scheduler, "wait_for_one", False)
    assert waiting._waitingForOne
    assert not scheduler()._waitingForOne


def test_newComponent_activates_a_foreign_object_through_its_own_activate(
        fresh_scheduler: scheduler) -> None:
    log: list[Any] = []

    class Activatable(OldStyle):
        def activate(self) -> "Activatable":
            log.append("activate")
            scheduler.run._addThread(self)
            return self

    class Starter(microprocess):
        def main(self) -> Iterator[Any]:
            yield newComponent(Activatable(log, steps=1))

    Starter().run()
    assert log == ["activate", 0, "stop", "closed"]


# ------------------------------------------- what a logged failure carries
def test_a_logged_failure_traceback_starts_in_the_failing_code(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    # The scheduler's own frame refers to every microprocess of the round:
    # it is cut off, so a kept exception does not keep them alive.
    fresh_scheduler.reraiseExceptions = False
    error = ValueError("boom")
    Boom(error).activate()
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        fresh_scheduler.runThreads()
    [record] = [r for r in caplog.records if r.name == "Axon.Scheduler"]
    assert record.exc_info is not None and record.exc_info[1] is error
    tb = error.__traceback__
    assert tb is not None and tb.tb_frame.f_code is Boom.main.__code__
    assert "_runRound" not in caplog.text and "in main" in caplog.text


def test_a_failed_callback_traceback_starts_in_the_callback(
        fresh_scheduler: scheduler, caplog: pytest.LogCaptureFixture) -> None:
    fresh_scheduler.reraiseExceptions = False

    def failing(payload: object) -> None:
        raise ZeroDivisionError("timer broke")

    fresh_scheduler.callLater(0, failing, object())
    Sleeper([]).activate()
    fresh_scheduler.callLater(0.001, lambda: fresh_scheduler.stop())
    with caplog.at_level(logging.ERROR, logger="Axon.Scheduler"):
        fresh_scheduler.runThreads()
    [error] = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert error.__traceback__ is not None
    assert error.__traceback__.tb_frame.f_code is failing.__code__


def test_a_reraised_failure_keeps_its_whole_traceback(fresh_scheduler: scheduler) -> None:
    Boom(ValueError("boom")).activate()
    with pytest.raises(ValueError) as info:
        fresh_scheduler.runThreads()
    names = [entry.name for entry in info.traceback]
    assert "runThreads" in names and names[-1] == "main"


# ------------------------------------------------- bookkeeping for the hang report
class Once(component):
    """Ends after one turn, sending nothing."""

    def main(self) -> Iterator[Any]:
        yield 1


def test_a_component_that_ends_is_noted_on_the_inboxes_it_fed_four_at_most(
        fresh_scheduler: scheduler, run_rounds: Callable[[int], bool]) -> None:
    receiver = component()                       # never runs: only its inbox matters
    senders = [Once() for _ in range(6)]
    for sender in senders:
        sender.link((sender, "outbox"), (receiver, "inbox"))
        sender.activate()
    assert run_rounds(10)

    records = list(fresh_scheduler._endedFeeders[receiver.inboxes["inbox"]])
    assert records == [(sender.name, "outbox", 0, False, "") for sender in senders[2:]]
    assert receiver.inboxes["control"] not in fresh_scheduler._endedFeeders

    del receiver, senders, sender, records       # the notes do not keep the inbox alive
    gc.collect()
    assert len(fresh_scheduler._endedFeeders) == 0


def test_the_note_says_whether_the_ended_components_signal_was_linked(
        fresh_scheduler: scheduler, run_rounds: Callable[[int], bool]) -> None:
    class Finisher(component):
        def main(self) -> Iterator[Any]:
            self.send("done", "signal")
            yield 1

    receiver = component()
    linked, unlinked = Finisher(), Finisher()
    linked.link((linked, "signal"), (receiver, "control"))
    unlinked.link((unlinked, "outbox"), (receiver, "inbox"))
    linked.activate()
    unlinked.activate()
    assert run_rounds(10)

    [viaSignal] = fresh_scheduler._endedFeeders[receiver.inboxes["control"]]
    assert viaSignal == (linked.name, "signal", 1, True, "")     # "done" was waiting
    [viaOutbox] = fresh_scheduler._endedFeeders[receiver.inboxes["inbox"]]
    assert viaOutbox == (unlinked.name, "outbox", 0, False, "str")


def test_run_threads_installs_the_report_signal_only_while_it_runs(
        fresh_scheduler: scheduler) -> None:
    seen: list[Any] = []

    class Look(component):
        def main(self) -> Iterator[Any]:
            seen.append(signal.getsignal(signal.SIGUSR1))
            yield 1

    Look().run()
    assert callable(seen[0]) and seen[0] is not signal.SIG_DFL
    assert signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL


def test_run_threads_in_another_thread_leaves_signals_alone(fresh_scheduler: scheduler) -> None:
    seen: list[Any] = []

    class Look(component):
        def main(self) -> Iterator[Any]:
            seen.append(signal.getsignal(signal.SIGUSR1))
            yield 1

    Look().activate()
    runner = threading.Thread(target=fresh_scheduler.runThreads)
    runner.start()
    runner.join(10)
    assert seen == [signal.SIG_DFL]


def test_stuck_only_when_nothing_at_all_could_wake_the_scheduler(
        fresh_scheduler: scheduler) -> None:
    # pytest-timeout (and maybe others) set Python signal handlers, which
    # could wake a program: set them aside to see the rule itself.
    aside = {}
    for number in signal.valid_signals():
        handler = signal.getsignal(number)
        if callable(handler) and handler is not signal.default_int_handler:
            aside[number] = signal.signal(number, signal.SIG_DFL)
    rounds = fresh_scheduler.main()
    try:
        assert threading.active_count() == 1, threading.enumerate()   # none leaked
        Sleeper([]).activate()
        next(rounds)                            # it runs once and pauses
        assert diagnostics._provablyStuck(fresh_scheduler)

        handle = fresh_scheduler.callLater(60, lambda: None)
        assert not diagnostics._provablyStuck(fresh_scheduler)       # a timer
        handle.cancel()
        assert diagnostics._provablyStuck(fresh_scheduler)

        gate = threading.Event()
        other = threading.Thread(target=gate.wait)
        other.start()
        try:
            assert not diagnostics._provablyStuck(fresh_scheduler)   # another thread
        finally:
            gate.set()
            other.join()

        previous = signal.signal(signal.SIGALRM, lambda *args: None)
        try:
            assert not diagnostics._provablyStuck(fresh_scheduler)   # a handler of its own
        finally:
            signal.signal(signal.SIGALRM, previous)

        a, b = socket.socketpair()
        fresh_scheduler.addReader(a, lambda: None)
        try:
            assert not diagnostics._provablyStuck(fresh_scheduler)   # a watched socket
        finally:
            fresh_scheduler.removeReader(a)
            a.close()
            b.close()
    finally:
        rounds.close()
        for number, handler in aside.items():
            signal.signal(number, handler)

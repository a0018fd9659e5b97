"""Tests for Kamaelia._shutdown's loop helpers: forwardControl and runUntilShutdown."""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import attach
from Kamaelia._shutdown import forwardControl, runUntilShutdown

RunRounds = Callable[[int], bool]
SETTLE = 30


class Looper(component):
    """Runs ``runUntilShutdown`` with a scripted ``handle``; records what happens."""

    def __init__(self, outcomes: list[Any] | None = None, timeout: float | None = None,
                 forward: bool = False) -> None:
        super().__init__()
        self.outcomes = list(outcomes or [])
        self.handled: list[Any] = []
        self.calls = 0
        self.timeout = timeout
        self.forward = forward

    def handle(self) -> Any:
        self.calls += 1
        self.handled.extend(self.Inbox("inbox"))
        return self.outcomes.pop(0) if self.outcomes else None

    def main(self) -> Iterator[Any]:
        control = (lambda: forwardControl(self)) if self.forward else None
        result = yield from runUntilShutdown(self, self.handle, control, self.timeout)
        self.send(result, "signal")


def test_handle_runs_once_more_after_the_request_then_the_request_is_returned() -> None:
    loop = Looper()
    stop = shutdownMicroprocess()
    loop.inboxes["inbox"].append("before")
    loop.inboxes["control"].append(stop)
    sink = attach(loop)
    scheduler.run.runThreads()
    assert loop.handled == ["before"] and loop.calls == 2
    assert sink.control == [stop]


def test_the_loop_pauses_when_idle(run_rounds: RunRounds) -> None:
    loop = Looper()
    attach(loop)
    run_rounds(SETTLE)
    assert scheduler.run.isThreadPaused(loop) and loop.calls == 1
    loop.inboxes["inbox"].append("wake")
    run_rounds(SETTLE)
    assert loop.calls == 2 and loop.handled == ["wake"]


def test_a_true_outcome_pauses_even_with_messages_waiting(run_rounds: RunRounds) -> None:
    loop = Looper(outcomes=[True])
    attach(loop)
    loop.inboxes["control"].append("not a shutdown")   # something waits, unhandled
    run_rounds(SETTLE)
    assert scheduler.run.isThreadPaused(loop) and loop.calls == 1


def test_after_producerFinished_it_goes_on_while_handle_is_held_back(
        run_rounds: RunRounds) -> None:
    loop = Looper(outcomes=[True, True, True, None])
    finish = producerFinished()
    loop.inboxes["control"].append(finish)
    sink = attach(loop)
    run_rounds(SETTLE)
    assert loop.calls == 2 and not loop._isStopped()    # held back: waits to be woken
    loop.unpause()
    run_rounds(SETTLE)
    assert loop.calls == 3 and not loop._isStopped()
    loop.unpause()
    run_rounds(SETTLE)
    assert loop.calls == 4 and sink.control == [finish]


def test_shutdownMicroprocess_does_not_wait_for_a_held_back_handle() -> None:
    loop = Looper(outcomes=[True, True])
    stop = shutdownMicroprocess()
    loop.inboxes["control"].append(stop)
    sink = attach(loop)
    scheduler.run.runThreads()
    assert sink.control == [stop] and loop.calls == 2


def test_handle_may_finish_the_loop_by_returning_an_ipc_message(
        run_rounds: RunRounds) -> None:
    done = producerFinished()
    loop = Looper(outcomes=[None, done])
    sink = attach(loop)
    run_rounds(SETTLE)
    assert not loop._isStopped()
    loop.inboxes["inbox"].append("wake")
    assert run_rounds(SETTLE)
    assert sink.control == [done] and loop.calls == 2


def test_a_timeout_sets_a_wake_up_while_paused(run_rounds: RunRounds) -> None:
    loop = Looper(timeout=60)
    attach(loop)
    run_rounds(SETTLE)
    timer = loop._runstate.timer
    assert timer is not None
    timer.callback(*timer.args)
    run_rounds(SETTLE)
    assert loop.calls == 2


def test_other_control_messages_are_logged_by_default(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture) -> None:
    loop = Looper()
    sink = attach(loop)
    loop.inboxes["control"].append("chatter")
    with caplog.at_level(logging.WARNING, logger="Kamaelia"):
        run_rounds(SETTLE)
    assert sink.control == [] and not loop._isStopped()
    assert any("chatter" in r.getMessage() and loop.name in r.getMessage()
               for r in caplog.records)


def test_forwardControl_passes_everything_on_up_to_the_shutdown_message() -> None:
    loop = Looper(forward=True)
    notice, stop = ipc(), shutdownMicroprocess()
    loop.inboxes["control"].extend([notice, "note", stop, "after"])
    sink = attach(loop)
    scheduler.run.runThreads()
    assert sink.control == [notice, "note", stop]
    assert loop.dataReady("control") == 1                 # "after" is left waiting

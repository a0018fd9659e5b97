"""Tests for Kamaelia.Util.PromptedTurnstile: one held item per request."""

from __future__ import annotations

import logging
from typing import Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import assertUnexpectedControlIgnored, attach, run
from Kamaelia.Util.PromptedTurnstile import PromptedTurnstile

Rounds = Callable[[int], bool]


def test_holds_items_until_asked_then_sends_one_per_request(run_rounds: Rounds) -> None:
    gate = PromptedTurnstile()
    sink = attach(gate)
    gate.inboxes["inbox"].extend(["a", "b", "c"])
    run_rounds(5)
    assert sink.got == []
    gate.inboxes["next"].append("go")
    run_rounds(5)
    assert sink.got == ["a"]
    gate.inboxes["next"].extend([None, "any content"])
    run_rounds(5)
    assert sink.got == ["a", "b", "c"]


def test_is_paused_while_items_wait_without_requests(run_rounds: Rounds) -> None:
    gate = PromptedTurnstile()
    attach(gate)
    gate.inboxes["inbox"].extend(range(3))
    run_rounds(5)
    assert scheduler.run.isThreadPaused(gate)


def test_requests_made_while_empty_are_remembered(run_rounds: Rounds) -> None:
    gate = PromptedTurnstile()
    sink = attach(gate)
    gate.inboxes["next"].extend(["r1", "r2"])
    run_rounds(5)
    assert gate.owed == 2
    gate.inboxes["inbox"].extend(["x", "y", "z"])
    run_rounds(5)
    assert sink.got == ["x", "y"]
    assert gate.owed == 0


def test_producerFinished_keeps_answering_requests_until_empty_then_passes_it_on(
        run_rounds: Rounds) -> None:
    gate = PromptedTurnstile()
    sink = attach(gate)
    finished = producerFinished()
    gate.inboxes["inbox"].extend(["a", "b"])
    gate.inboxes["control"].append(finished)
    run_rounds(5)
    assert sink.got == [] and not gate._isStopped()
    gate.inboxes["next"].append(1)
    run_rounds(5)
    assert sink.got == ["a"] and not gate._isStopped()
    gate.inboxes["next"].append(2)
    assert run_rounds(10)
    assert sink.got == ["a", "b"]
    assert sink.control == [finished]
    assert gate._isStopped()


def test_producerFinished_with_nothing_waiting_ends_it_at_once() -> None:
    finished = producerFinished()
    sink = run(PromptedTurnstile(), [], [finished])
    assert sink.got == [] and sink.control == [finished]


def test_shutdownMicroprocess_stops_it_at_once_reporting_unsent_items(
        caplog: pytest.LogCaptureFixture) -> None:
    gate, stop = PromptedTurnstile(), shutdownMicroprocess()
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.PromptedTurnstile"):
        sink = run(gate, ["a", "b"], [stop], next=["one request"])
    assert sink.got == ["a"]          # the request that had arrived was answered
    assert sink.control == [stop]
    texts = [r.getMessage() for r in caplog.records]
    assert any(gate.name in text and "1 message(s)" in text for text in texts)


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(PromptedTurnstile, caplog, [], [])


def test_checkShutdown_returns_canStop_and_mustStop_as_in_1_14() -> None:
    gate = PromptedTurnstile()
    assert gate.checkShutdown() == (False, False)
    finished = producerFinished()
    gate.inboxes["control"].append(finished)
    assert gate.checkShutdown() == (True, False) and gate.shutdownMsg is finished
    stop = shutdownMicroprocess()
    gate.inboxes["control"].append(stop)
    assert gate.checkShutdown() == (True, True) and gate.shutdownMsg is stop


def test_main_stops_through_checkShutdown_which_a_subclass_may_override() -> None:
    class Impatient(PromptedTurnstile):
        def checkShutdown(self) -> tuple[bool, bool]:
            canStop, mustStop = super().checkShutdown()
            return canStop, canStop         # a producerFinished stops it at once

    finished = producerFinished()
    sink = run(Impatient(), ["a", "b"], [finished], next=["go"])
    assert sink.got == ["a"] and sink.control == [finished]

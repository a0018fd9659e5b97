"""Tests for Kamaelia.Util.OneShot: OneShot and TriggeredOneShot."""

from __future__ import annotations

import logging
from typing import Callable

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import assertUnexpectedControlIgnored, attach, run
from Kamaelia.Util.OneShot import OneShot, TriggeredOneShot

RunRounds = Callable[[int], bool]
SETTLE = 30


def test_oneshot_sends_its_message_then_producerFinished_and_ends() -> None:
    target = OneShot({"any": "thing"})
    sink = run(target)
    assert sink.got == [{"any": "thing"}]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert sink.control[0].caller is target
    assert target._isStopped()


def test_oneshot_without_a_message_sends_None() -> None:
    assert run(OneShot()).got == [None]


@pytest.mark.parametrize("make", [OneShot, TriggeredOneShot])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_told_to_stop_before_sending_it_sends_nothing_and_passes_the_message_on(
        make: Callable[[str], OneShot], message_class: type) -> None:
    stop = message_class()
    target = make("never sent")
    sink = run(target, control=[stop])
    assert sink.got == []
    assert sink.control == [stop]
    assert target._isStopped()


def test_other_control_messages_are_logged_and_the_oneshot_still_fires(
        caplog: pytest.LogCaptureFixture) -> None:
    target = OneShot("fired")
    with caplog.at_level(logging.WARNING):
        sink = run(target, control=["just chatting"])
    assert sink.got == ["fired"]
    assert any("just chatting" in r.getMessage() and target.name in r.getMessage()
               for r in caplog.records)


def test_triggered_oneshot_waits_paused_until_triggered(run_rounds: RunRounds) -> None:
    target = TriggeredOneShot("bang")
    sink = attach(target)
    run_rounds(SETTLE)
    assert sink.got == [] and scheduler.run.isThreadPaused(target)
    target.inboxes["inbox"].extend(["trigger", "ignored second trigger"])
    assert run_rounds(SETTLE)
    assert sink.got == ["bang"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert sink.control[0].caller is target


def test_a_trigger_waiting_with_a_shutdown_is_still_honoured() -> None:
    stop = shutdownMicroprocess()
    sink = run(TriggeredOneShot("bang"), ["trigger"], [stop])
    assert sink.got == ["bang"]


def test_triggered_oneshot_logs_other_control_messages(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: TriggeredOneShot("bang"), caplog, [], [])

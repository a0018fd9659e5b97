"""Tests for Kamaelia.Util.PassThrough: send on everything unchanged."""

from __future__ import annotations

from typing import Callable

import pytest

from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, attach, run
from Kamaelia.Util.PassThrough import PassThrough


def test_passes_every_message_on_unchanged_and_in_order() -> None:
    things = [1, None, "x", ("t",), [], 0]
    sink = run(PassThrough(), things, [producerFinished()])
    assert sink.got == things


def test_passes_other_control_messages_on_out_of_signal_and_carries_on() -> None:
    notice = ipc()
    finish = producerFinished()
    target = PassThrough()
    sink = run(target, ["a"], [notice, "note", finish])
    assert sink.control == [notice, "note", finish]
    assert sink.got == ["a"]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_passes_what_waits_then_the_message_and_ends(message_class: type) -> None:
    assertShutdownPassesOn(PassThrough, message_class, [1, 2, 3], [1, 2, 3])


def test_shutdownOn_chooses_the_messages_that_end_it_as_in_1_14(
        run_rounds: Callable[[int], bool]) -> None:
    finished, stop = producerFinished(), shutdownMicroprocess()
    target = PassThrough(shutdownOn=[shutdownMicroprocess])
    sink = attach(target)
    target.inboxes["control"].append(finished)
    run_rounds(20)
    assert sink.control == [finished] and not target._isStopped()   # passed on only
    target.inboxes["control"].append(stop)
    run_rounds(20)
    assert target._isStopped()


def test_mainBody_follows_Connections_one_step() -> None:
    target = PassThrough()
    assert PassThrough.Connections == {"inbox": "outbox", "control": "signal"}
    target.inboxes["inbox"].extend([1, 2])
    assert target.mainBody() == 1 and list(target.outboxes["outbox"]) == [1, 2]
    stop = producerFinished()
    target.inboxes["control"].append(stop)
    assert target.mainBody() == 0 and list(target.outboxes["signal"]) == [stop]


def test_passThrough_is_1_14s_old_name_and_bad_shutdownOn_raises() -> None:
    import Kamaelia.Util.PassThrough as module
    assert module.passThrough is PassThrough
    with pytest.raises(TypeError, match="'stop'"):
        PassThrough(shutdownOn=["stop"])

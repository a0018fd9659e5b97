"""Tests for Kamaelia.Util.PassThrough: send on everything unchanged."""

from __future__ import annotations

import pytest

from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, run
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

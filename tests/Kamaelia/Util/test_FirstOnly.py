"""Tests for Kamaelia.Util.FirstOnly: the first message, nothing after."""

from __future__ import annotations

import logging

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, assertUnexpectedControlIgnored, run
from Kamaelia.Util.FirstOnly import FirstOnly


def test_sends_only_the_first_message_and_counts_the_rest(
        caplog: pytest.LogCaptureFixture) -> None:
    first = FirstOnly()
    with caplog.at_level(logging.DEBUG, logger="Kamaelia.Util.FirstOnly"):
        sink = run(first, ["one", "two", "three"], [producerFinished()])
    assert sink.got == ["one"]
    assert first.discarded == 2
    # Discarding is its job, so it is logged only at DEBUG level.
    assert [r.levelno for r in caplog.records
            if r.name == "Kamaelia.Util.FirstOnly"] == [logging.DEBUG] * 2


def test_None_counts_as_the_first_message() -> None:
    assert run(FirstOnly(), [None, "later"], [producerFinished()]).got == [None]


def test_shut_down_before_any_message_it_sends_nothing() -> None:
    sink = run(FirstOnly(), [], [shutdownMicroprocess()])
    assert sink.got == []
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(FirstOnly, message_class, ["a", "b"], ["a"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(FirstOnly, caplog, ["a", "b"], ["a"])

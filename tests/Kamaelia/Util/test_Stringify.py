"""Tests for Kamaelia.Util.Stringify: str() of every message."""

from __future__ import annotations

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.Stringify import Stringify


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no text for you")

    def __repr__(self) -> str:
        return "<Unprintable>"


def test_sends_str_of_every_message_in_order() -> None:
    sink = run(Stringify(), [1, 2.5, None, ("a", 1), "text", b"raw"], [producerFinished()])
    assert sink.got == ["1", "2.5", "None", "('a', 1)", "text", "b'raw'"]


def test_a_message_whose_str_raises_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    bad = Unprintable()
    record = assertBadMessageSkipped(Stringify, caplog, "Kamaelia.Util.Stringify",
                                     [1, bad, 2], bad, ["1", "2"])
    assert "no text for you" in record.getMessage()


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_converts_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(Stringify, message_class, [1, 2], ["1", "2"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(Stringify, caplog, [7], ["7"])

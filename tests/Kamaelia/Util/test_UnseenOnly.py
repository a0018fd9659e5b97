"""Tests for Kamaelia.Util.UnseenOnly: each distinct message once."""

from __future__ import annotations

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.UnseenOnly import UnseenOnly


def test_sends_each_distinct_message_once_in_first_seen_order() -> None:
    sink = run(UnseenOnly(), ["a", "b", "a", "c", "b", "a", ("t", 1), ("t", 1)],
               [producerFinished()])
    assert sink.got == ["a", "b", "c", ("t", 1)]


def test_equal_messages_count_as_seen() -> None:
    sink = run(UnseenOnly(), [1, 1.0, True, 2], [producerFinished()])
    assert sink.got == [1, 2]


def test_an_unhashable_message_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(UnseenOnly, caplog, "Kamaelia.Util.UnseenOnly",
                            ["a", ["a", "list"], "b", "a"], ["a", "list"], ["a", "b"])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(UnseenOnly, message_class, ["x", "x", "y"], ["x", "y"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(UnseenOnly, caplog, ["z"], ["z"])


def test_it_is_a_PureTransformer_whose_processMessage_filters_as_in_1_14() -> None:
    from Kamaelia.Util.PureTransformer import PureTransformer
    assert issubclass(UnseenOnly, PureTransformer)
    unseen = UnseenOnly()
    assert unseen.processMessage("x") == "x"
    assert unseen.processMessage("x") is None

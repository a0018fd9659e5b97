"""Tests for Kamaelia.Util.Max: the largest value of each collection."""

from __future__ import annotations

from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.Max import Max


def test_sends_the_largest_value_of_each_collection() -> None:
    sink = run(Max(), [[3, 1, 4], (1, 5), {9, 2, 6}, range(4), [2.5]], [producerFinished()])
    assert sink.got == [4, 5, 9, 3, 2.5]


def test_keeps_no_running_maximum_across_messages() -> None:
    sink = run(Max(), [[10], [1, 2]], [producerFinished()])
    assert sink.got == [10, 2]


@pytest.mark.parametrize("bad", [[], 7, [1, "a"]], ids=["empty", "not-iterable",
                                                      "incomparable"])
def test_a_collection_without_a_maximum_is_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(Max, caplog, "Kamaelia.Util.Max", [[1, 2], bad, [0]], bad, [2, 0])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(Max, message_class, [[1, 2]], [2])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(Max, caplog, [[5, 6]], [6])

"""Tests for Kamaelia.Util.Detuple: SimpleDetupler sends one element of each tuple."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.Detuple import SimpleDetupler


@pytest.mark.parametrize("index,expected", [(0, ["a", "c"]), (1, [1, None]),
                                            (-1, [1, None]), (slice(0, 1), [("a",), ("c",)])])
def test_sends_element_index_of_each_message(index: Any, expected: list[Any]) -> None:
    sink = run(SimpleDetupler(index), [("a", 1), ("c", None)], [producerFinished()])
    assert sink.got == expected


def test_lists_and_strings_are_sequences_too() -> None:
    sink = run(SimpleDetupler(1), [[1, 2], "xy"], [producerFinished()])
    assert sink.got == [2, "y"]


@pytest.mark.parametrize("bad", [("only one",), 42, None], ids=["too-short", "int", "None"])
def test_a_message_it_cannot_index_is_logged_and_skipped(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: SimpleDetupler(1), caplog, "Kamaelia.Util.Detuple",
                            [(0, "a"), bad, (0, "b")], bad, ["a", "b"])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_waits_then_passes_the_message_on(message_class: type) -> None:
    assertShutdownPassesOn(lambda: SimpleDetupler(0), message_class, [(1, 2)], [1])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: SimpleDetupler(0), caplog, [(5,)], [5])


@pytest.mark.parametrize("index", ["0", 1.0, True, None])
def test_an_index_that_is_not_an_int_or_slice_raises_TypeError_naming_it(index: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(index))):
        SimpleDetupler(index)

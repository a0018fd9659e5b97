"""Tests for Kamaelia.Util.Filter: Filter and NullFilter."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.Filter import Filter, NullFilter


class EvenOnly:
    def filter(self, n: int) -> int | None:
        return n * 10 if n % 2 == 0 else None


class RunningTotal:
    def __init__(self) -> None:
        self.total = 0

    def filter(self, n: int) -> int:
        self.total += n
        return self.total


def test_sends_what_the_filter_returns_and_drops_None() -> None:
    sink = run(Filter(filter=EvenOnly()), list(range(6)), [producerFinished()])
    assert sink.got == [0, 20, 40]


def test_false_results_other_than_None_are_sent() -> None:
    class Same:
        def filter(self, m: Any) -> Any:
            return m

    assert run(Filter(Same()), [0, "", [], False], [producerFinished()]).got == [0, "", [],
                                                                                 False]


def test_the_filter_may_keep_state_between_messages() -> None:
    assert run(Filter(RunningTotal()), [1, 2, 3], [producerFinished()]).got == [1, 3, 6]


def test_the_default_is_a_NullFilter_that_passes_everything() -> None:
    target = Filter()
    assert isinstance(target.filter, NullFilter)
    assert run(target, ["a", None, 1], [producerFinished()]).got == ["a", 1]
    assert NullFilter().filter("x") == "x"


def test_a_message_the_filter_raises_on_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: Filter(EvenOnly()), caplog, "Kamaelia.Util.Filter",
                            [2, "two", 4], "two", [20, 40])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_filters_what_waits_then_passes_the_message_on(message_class: type) -> None:
    assertShutdownPassesOn(lambda: Filter(EvenOnly()), message_class, [1, 2], [20])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Filter(EvenOnly()), caplog, [2], [20])


@pytest.mark.parametrize("bad", [len, "filter", 3])
def test_a_filter_without_a_filter_method_raises_TypeError_naming_it(bad: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(repr(bad))):
        Filter(bad)

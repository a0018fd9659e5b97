"""Tests for Kamaelia.Util.RangeFilter: (index, ...) items whose index is in range."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.RangeFilter import RangeFilter

LOGGER = "Kamaelia.Util.RangeFilter"


def numbered(count: int) -> list[tuple[int, str]]:
    return [(n, f"item{n}") for n in range(count)]


def test_passes_items_in_any_range_both_ends_included_in_order() -> None:
    sink = run(RangeFilter([(2, 3), (7, 7)]), numbered(10), [producerFinished()])
    assert sink.got == [(2, "item2"), (3, "item3"), (7, "item7")]


def test_overlapping_ranges_send_an_item_once() -> None:
    sink = run(RangeFilter([(0, 5), (3, 8)]), numbered(10), [producerFinished()])
    assert [n for n, _ in sink.got] == list(range(9))


def test_no_ranges_passes_nothing() -> None:
    assert run(RangeFilter([]), numbered(3), [producerFinished()]).got == []


def test_any_sequence_with_a_comparable_first_element_works() -> None:
    sink = run(RangeFilter([(1.5, 2.5)]), [[2, "list"], (1, "no"), (2.5,)],
               [producerFinished()])
    assert sink.got == [[2, "list"], (2.5,)]


@pytest.mark.parametrize("ranges,error,text", [
    (5, TypeError, "5"),
    ([(1, 2), 3], TypeError, "3"),
    ([(1, 2, 3)], TypeError, "(1, 2, 3)"),
    ([(4, 1)], ValueError, "(4, 1)"),
])
def test_bad_ranges_raise_naming_the_bad_value(ranges: Any, error: type, text: str) -> None:
    with pytest.raises(error, match=re.escape(text)):
        RangeFilter(ranges)


def test_an_item_without_an_index_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: RangeFilter([(0, 9)]), caplog, LOGGER,
                            [(1, "a"), 42, (2, "b")], 42, [(1, "a"), (2, "b")])


def test_an_index_that_cannot_be_compared_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: RangeFilter([(0, 9)]), caplog, LOGGER,
                            [("x", "a"), (3, "b")], ("x", "a"), [(3, "b")])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_filters_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lambda: RangeFilter([(1, 1)]), message_class, numbered(3),
                           [(1, "item1")])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: RangeFilter([(0, 0)]), caplog, numbered(2),
                                   [(0, "item0")])


def test_handleControl_canStop_and_mustStop_are_1_14s_methods() -> None:
    target = RangeFilter([(1, 2)])
    assert target.canStop() is False and target.mustStop() is False
    finished = producerFinished()
    target.inboxes["control"].append(finished)
    assert target.canStop() is True and target.mustStop() is False
    stop = shutdownMicroprocess()
    target.inboxes["control"].append(stop)
    target.handleControl()
    assert target.shutdownMsg is stop and target.mustStop() is True


def test_a_subclasss_canStop_decides_when_it_ends() -> None:
    class Eager(RangeFilter):
        def canStop(self) -> bool:
            super().canStop()
            self.shutdownMsg = self.shutdownMsg or producerFinished()
            return True                       # ends without being told

    sink = run(Eager([(0, 9)]), [(1, "a")], [])
    assert sink.got == [(1, "a")] and [type(m) for m in sink.control] == [producerFinished]


def test_waitSend_sends_or_waits_and_stops_when_told_to_at_once() -> None:
    target = RangeFilter([(0, 1)])
    assert list(target.waitSend("x", "outbox")) == []
    assert list(target.outboxes["outbox"]) == ["x"]
    full = RangeFilter([(0, 1)])
    full.outboxes["outbox"].setSize(1)
    full.send("first", "outbox")
    waiting = full.waitSend("second", "outbox")
    assert next(waiting) == 1                 # full: it waits
    full.inboxes["control"].append(shutdownMicroprocess())
    with pytest.raises(UserWarning, match="STOP"):
        next(waiting)

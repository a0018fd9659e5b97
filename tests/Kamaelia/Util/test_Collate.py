"""Tests for Kamaelia.Util.Collate: gather messages into tuples of n."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, assertUnexpectedControlIgnored, run
from Kamaelia.Util.Collate import Collate


def test_sends_each_run_of_n_messages_as_a_tuple_in_order() -> None:
    sink = run(Collate(3), list(range(9)), [producerFinished()])
    assert sink.got == [(0, 1, 2), (3, 4, 5), (6, 7, 8)]


def test_n_of_one_wraps_each_message() -> None:
    sink = run(Collate(1), ["a", None], [producerFinished()])
    assert sink.got == [("a",), (None,)]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_sends_the_leftovers_as_a_shorter_last_tuple(message_class: type) -> None:
    assertShutdownPassesOn(lambda: Collate(2), message_class, [1, 2, 3], [(1, 2), (3,)])


def test_no_leftovers_means_no_extra_tuple() -> None:
    sink = run(Collate(2), [1, 2], [shutdownMicroprocess()])
    assert sink.got == [(1, 2)]


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Collate(2), caplog, [1, 2], [(1, 2)])


@pytest.mark.parametrize("n,error", [(0, ValueError), (-2, ValueError), ("2", TypeError),
                                     (True, TypeError), (2.0, TypeError)])
def test_a_bad_n_raises_naming_it(n: Any, error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(n))):
        Collate(n)

"""Tests for Kamaelia.Util.Sync: one message out per n in."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, assertUnexpectedControlIgnored, run
from Kamaelia.Util.Sync import Sync


def test_sends_the_message_that_completes_each_group_of_n() -> None:
    sink = run(Sync(3), list("abcdefg"), [producerFinished()])
    assert sink.got == ["c", "f"]


def test_the_default_group_is_two() -> None:
    assert run(Sync(), [1, 2, 3, 4], [producerFinished()]).got == [2, 4]


def test_n_of_one_passes_everything_even_None() -> None:
    assert run(Sync(1), [None, 0, "x"], [producerFinished()]).got == [None, 0, "x"]


@pytest.mark.parametrize("n,error", [(0, ValueError), (-2, ValueError), ("2", TypeError),
                                     (True, TypeError), (2.0, TypeError)])
def test_a_bad_n_raises_naming_it(n: Any, error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(n))):
        Sync(n)


def test_an_incomplete_group_at_the_end_is_reported_not_sent(
        caplog: pytest.LogCaptureFixture) -> None:
    sync = Sync(3)
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Util.Sync"):
        sink = run(sync, ["a", "b", "c", "d"], [producerFinished()])
    assert sink.got == ["c"]
    messages = [r.getMessage() for r in caplog.records if r.name == "Kamaelia.Util.Sync"]
    assert len(messages) == 1 and sync.name in messages[0] and "1 of 3" in messages[0]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_counts_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(Sync, message_class, ["a", "b"], ["b"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(Sync, caplog, [1, 2], [2])

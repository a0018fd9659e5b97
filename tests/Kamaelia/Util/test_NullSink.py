"""Tests for Kamaelia.Util.NullSink: accept messages and discard them."""

from __future__ import annotations

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertShutdownPassesOn, assertUnexpectedControlIgnored,
                              run)
from Kamaelia.Util.NullSink import nullSinkComponent


def test_discards_everything_and_counts_it() -> None:
    target = nullSinkComponent()
    sink = run(target, list(range(100)), [producerFinished()])
    assert sink.got == []
    assert target.discarded == 100


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_discards_what_waits_then_passes_the_message_on(message_class: type) -> None:
    assertShutdownPassesOn(nullSinkComponent, message_class, [1, 2], [])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(nullSinkComponent, caplog, [1], [])

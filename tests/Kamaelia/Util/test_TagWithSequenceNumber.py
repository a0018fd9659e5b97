"""Tests for Kamaelia.Util.TagWithSequenceNumber: (n, message), n from 0."""

from __future__ import annotations

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, assertUnexpectedControlIgnored, run
from Kamaelia.Util.TagWithSequenceNumber import TagWithSequenceNumber


def test_tags_messages_with_numbers_counting_from_zero() -> None:
    sink = run(TagWithSequenceNumber(), ["a", "b", "c"], [producerFinished()])
    assert sink.got == [(0, "a"), (1, "b"), (2, "c")]


def test_any_message_can_be_tagged_even_None_and_control_messages() -> None:
    # There is no message it cannot handle: all are tagged, none skipped.
    stray = shutdownMicroprocess()
    sink = run(TagWithSequenceNumber(), [None, stray, 0], [producerFinished()])
    assert sink.got == [(0, None), (1, stray), (2, 0)]


def test_each_instance_counts_on_its_own() -> None:
    first, second = TagWithSequenceNumber(), TagWithSequenceNumber()
    assert run(first, ["x", "y"], [producerFinished()]).got == [(0, "x"), (1, "y")]
    assert run(second, ["z"], [producerFinished()]).got == [(0, "z")]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_tags_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(TagWithSequenceNumber, message_class, ["a"], [(0, "a")])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(TagWithSequenceNumber, caplog, ["a"], [(0, "a")])


def test_numbering_starts_at_initial_as_in_1_14() -> None:
    sink = run(TagWithSequenceNumber(initial=5), ["a", "b"], [producerFinished()])
    assert sink.got == [(5, "a"), (6, "b")]
    assert TagWithSequenceNumber(3).initial == 3


def test_a_non_int_initial_raises_naming_it() -> None:
    with pytest.raises(TypeError, match="'1'"):
        TagWithSequenceNumber(initial="1")

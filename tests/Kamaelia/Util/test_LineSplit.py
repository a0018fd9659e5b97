"""Tests for Kamaelia.Util.LineSplit: one message per line of a chunked stream."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.LineSplit import LineSplit

LOGGER = "Kamaelia.Util.LineSplit"


def test_sends_each_complete_line_without_its_separator() -> None:
    sink = run(LineSplit(), ["one\ntw", "o\nthr", "ee\n"], [producerFinished()])
    assert sink.got == ["one", "two", "three"]


def test_empty_lines_are_sent_as_empty_strings() -> None:
    assert run(LineSplit(), ["a\n\n", "\nb\n"], [producerFinished()]).got == ["a", "", "", "b"]


def test_bytes_streams_use_the_separator_encoded() -> None:
    sink = run(LineSplit(), [b"x\ny", bytearray(b"z\n")], [producerFinished()])
    assert sink.got == [b"x", b"yz"]


def test_a_multi_character_separator_may_be_split_across_chunks() -> None:
    sink = run(LineSplit("\r\n"), ["GET / HTTP/1.1\r", "\nHost: x\r\n\r", "\n"],
               [producerFinished()])
    assert sink.got == ["GET / HTTP/1.1", "Host: x", ""]


def test_a_bytes_separator_works_on_a_str_stream() -> None:
    assert run(LineSplit(b";"), ["a;b;"], [producerFinished()]).got == ["a", "b"]


@pytest.mark.parametrize("separator", ["", b"", None, 10])
def test_a_bad_separator_raises_naming_it(separator: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(separator))):
        LineSplit(separator)


def test_a_chunk_that_is_not_text_is_logged_and_skipped_keeping_the_partial_line(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(LineSplit, caplog, LOGGER, ["par", ("t",), "tial\n"], ("t",),
                            ["partial"])


def test_a_chunk_of_the_other_kind_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(LineSplit, caplog, LOGGER, [b"a", "b\n", b"c\n"], "b\n",
                            [b"ac"])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_sends_the_unterminated_last_line_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(LineSplit, message_class, ["a\nb"], ["a", "b"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(LineSplit, caplog, ["a\n"], ["a"])


def test_it_is_a_PureTransformer_whose_processMessage_sends_the_lines() -> None:
    from Kamaelia.Util.PureTransformer import PureTransformer
    assert issubclass(LineSplit, PureTransformer)
    splitter = LineSplit()
    assert splitter.processMessage("a\nb\nc") is None
    assert list(splitter.outboxes["outbox"]) == ["a", "b"]
    assert list(splitter.finish()) == ["c"]

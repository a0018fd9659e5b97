"""Tests for Kamaelia.Util.Chunkifier: fixed-size chunks out of any chunking in."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.Chunkifier import CharacterFIFO, Chunkifier

LOGGER = "Kamaelia.Util.Chunkifier"


@pytest.mark.parametrize("pieces", [["abcdefghij"], list("abcdefghij"),
                                    ["ab", "", "cdefg", "hij"]])
def test_sends_chunks_of_exactly_chunksize_whatever_the_input_chunking(
        pieces: list[str]) -> None:
    sink = run(Chunkifier(chunksize=4), pieces, [producerFinished()])
    assert sink.got == ["abcd", "efgh", "ij"]


def test_works_on_bytes_and_bytearrays() -> None:
    sink = run(Chunkifier(3), [b"ab", bytearray(b"cd"), b"efg"], [producerFinished()])
    assert sink.got == [b"abc", b"def", b"g"]
    assert all(type(chunk) is bytes for chunk in sink.got)


def test_an_exact_multiple_leaves_no_short_last_chunk() -> None:
    assert run(Chunkifier(2), ["abcd"], [producerFinished()]).got == ["ab", "cd"]


def test_a_large_message_is_cut_into_many_chunks() -> None:
    data = bytes(range(256)) * 40
    sink = run(Chunkifier(100), [data], [producerFinished()])
    assert b"".join(sink.got) == data
    assert [len(chunk) for chunk in sink.got] == [100] * 102 + [40]


def test_nodelay_sends_what_is_left_of_each_message_at_once() -> None:
    sink = run(Chunkifier(4, nodelay=True), ["abcdef", "gh"], [producerFinished()])
    assert sink.got == ["abcd", "ef", "gh"]


@pytest.mark.parametrize("size,error", [(0, ValueError), (-1, ValueError),
                                        (2.5, TypeError), ("4", TypeError)])
def test_a_bad_chunksize_raises_naming_it(size: Any, error: type) -> None:
    with pytest.raises(error, match=re.escape(repr(size))):
        Chunkifier(size)


def test_a_message_that_is_not_text_is_logged_and_skipped_keeping_the_data(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: Chunkifier(3), caplog, LOGGER, ["ab", 42, "cd"], 42,
                            ["abc", "d"])


def test_bytes_in_a_str_stream_are_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    record = assertBadMessageSkipped(lambda: Chunkifier(3), caplog, LOGGER,
                                     ["ab", b"xy", "cd"], b"xy", ["abc", "d"])
    assert "str" in record.getMessage() and "bytes" in record.getMessage()


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_sends_the_short_last_chunk_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lambda: Chunkifier(4), message_class, ["abcdef"], ["abcd", "ef"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: Chunkifier(2), caplog, ["abc"], ["ab", "c"])


def test_CharacterFIFO_is_1_14s_queue_of_characters() -> None:
    queue = CharacterFIFO()
    queue.push("abc")
    queue.push("defg")
    assert len(queue) == 7
    assert queue.poplength(5) == "abcde" and len(queue) == 2
    with pytest.raises(IndexError):
        queue.poplength(3)
    assert queue.poplength(2) == "fg"


def test_chunks_are_sent_through_sendChunk_and_sendPartialChunk() -> None:
    calls: list[str] = []

    class Recording(Chunkifier):
        def sendChunk(self) -> None:
            calls.append("whole")
            super().sendChunk()

        def sendPartialChunk(self) -> None:
            calls.append("partial")
            super().sendPartialChunk()

    sink = run(Recording(chunksize=2), ["abcde"], [producerFinished()])
    assert sink.got == ["ab", "cd", "e"] and calls == ["whole", "whole", "partial"]

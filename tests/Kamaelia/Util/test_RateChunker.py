"""Tests for Kamaelia.Util.RateChunker: chunks of 1/chunkrate seconds of data."""

from __future__ import annotations

import re
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Util.RateChunker import RateChunker

LOGGER = "Kamaelia.Util.RateChunker"


def test_a_whole_number_of_quanta_per_chunk_gives_equal_chunks() -> None:
    sink = run(RateChunker(datarate=4, quantasize=2, chunkrate=2), ["aabbccddeeff"],
               [producerFinished()])
    assert sink.got == ["aabb", "ccdd", "eeff"]


def test_fractional_chunks_vary_by_one_quantum_and_never_drift() -> None:
    # 44100 two-byte samples a second at 7 chunks a second: 6300 samples each;
    # at 9 chunks a second 4900. At 11 a second, 4009.09...: sizes vary, but
    # one second of data is exactly 11 chunks.
    second = b"\x01\x02" * 44100
    sink = run(RateChunker(44100, 2, 11), [second[:1000], second[1000:]],
               [producerFinished()])
    sizes = [len(chunk) // 2 for chunk in sink.got]
    assert len(sizes) == 11 and sum(sizes) == 44100
    assert set(sizes) == {4009, 4010}
    assert b"".join(sink.got) == second


def test_chunks_are_whole_quanta_however_the_input_is_split() -> None:
    sink = run(RateChunker(8, 2, 3), [b"a", b"abbc", b"cddeeffg", b"ghh"],
               [producerFinished()])
    assert sink.got == [b"aabb", b"ccddee", b"ffgghh"]


@pytest.mark.parametrize("argd,error,text", [
    ({"datarate": 0}, ValueError, "0"),
    ({"quantasize": 1.5}, TypeError, "1.5"),
    ({"chunkrate": "3"}, TypeError, "'3'"),
    ({"chunkrate": 9}, ValueError, "9"),
    ({"datarate": float("inf")}, ValueError, "inf"),
])
def test_bad_arguments_raise_naming_the_value(argd: dict[str, Any], error: type,
                                              text: str) -> None:
    arguments: dict[str, Any] = {"datarate": 8, "quantasize": 2, "chunkrate": 3, **argd}
    with pytest.raises(error, match=re.escape(text)):
        RateChunker(**arguments)


def test_a_message_that_is_not_text_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: RateChunker(2, 1, 1), caplog, LOGGER,
                            ["a", [1], "bc"], [1], ["ab", "c"])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_sends_what_is_left_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lambda: RateChunker(4, 1, 2), message_class, ["abcde"],
                           ["ab", "cd", "e"])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: RateChunker(2, 1, 1), caplog, ["abc"],
                                   ["ab", "c"])


def test_checkShutdown_is_1_14s_method_and_main_uses_it() -> None:
    target = RateChunker(datarate=4, quantasize=1, chunkrate=2)
    assert target.checkShutdown() == (False, False) and target.quanta == 1
    finished = producerFinished()
    target.inboxes["control"].append(finished)
    assert target.checkShutdown() == (True, False) and target.shutdownMsg is finished

    class Eager(RateChunker):
        def checkShutdown(self) -> tuple[bool, bool]:
            super().checkShutdown()
            self.shutdownMsg = self.shutdownMsg or producerFinished()
            return True, False                # ends without being told

    sink = run(Eager(datarate=4, quantasize=1, chunkrate=2), ["abcde"], [])
    assert sink.got == ["ab", "cd", "e"] and len(sink.control) == 1

"""chunks_to_lines: bytes and str chunks into lines, \\r dropped, UTF-8 across chunks, shutdown; fuzzed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Visualisation.PhysicsGraph.chunks_to_lines import chunks_to_lines

from componentharness import assertBadMessageSkipped, run

LOGGER = "Kamaelia.Visualisation.PhysicsGraph"


def lines(chunks: list[Any], ending: Any = None) -> list[str]:
    sink = run(chunks_to_lines(), chunks, [ending if ending is not None else producerFinished()])
    assert len(sink.control) == 1
    return sink.got


def test_lines_are_sent_without_their_line_break() -> None:
    assert lines([b"ADD NODE 1 a auto -\nADD NO", b"DE 2 b auto -\n"]) == \
        ["ADD NODE 1 a auto -", "ADD NODE 2 b auto -"]


def test_str_chunks_are_taken_as_they_are() -> None:
    assert lines(["DEL ", "ALL\n", "\n"]) == ["DEL ALL", ""]


def test_carriage_returns_are_removed_wherever_they_are() -> None:
    assert lines([b"DEL ALL\r\n", b"a\rb\r", b"\n"]) == ["DEL ALL", "ab"]


def test_a_character_split_between_chunks_is_decoded_whole() -> None:
    text = "ADD NODE é \"naïve – ☃\" auto -\n".encode()
    assert lines([text[i:i + 1] for i in range(len(text))]) == \
        ["ADD NODE é \"naïve – ☃\" auto -"]


def test_bytes_that_are_not_utf8_become_replacement_characters() -> None:
    assert lines([b"bad \xff byte\n"]) == ["bad \ufffd byte"]


def test_producer_finished_sends_the_last_unfinished_line() -> None:
    assert lines([b"one\ntwo"]) == ["one", "two"]
    assert lines([b"one\n\xe2\x98"]) == ["one", "\ufffd"]      # cut off mid-character


def test_shutdown_microprocess_drops_the_unfinished_line() -> None:
    assert lines([b"one\ntwo"], shutdownMicroprocess()) == ["one"]


@pytest.mark.parametrize("message", [producerFinished, shutdownMicroprocess])
def test_the_shutdown_message_is_passed_on(message: Any) -> None:
    target, shutdown = chunks_to_lines(), message()
    sink = run(target, [b"x\n"], [shutdown])
    assert sink.got == ["x"] and sink.control == [shutdown] and target._isStopped()


def test_a_chunk_that_is_not_text_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(chunks_to_lines, caplog, LOGGER, [b"par", 3.5, b"tial\n"], 3.5,
                            ["partial"])


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=80),
       st.lists(st.integers(0, 200), max_size=10), st.booleans())
def test_fuzz_however_text_is_cut_the_lines_are_the_same(text: str, cuts: list[int],
                                                         asBytes: bool) -> None:
    data: Any = text.encode() if asBytes else text
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    chunks = [data[a:b] for a, b in zip(points, points[1:])]
    expected = text.replace("\r", "").split("\n")
    if expected[-1] == "":
        expected.pop()
    assert lines(chunks) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(max_size=20), max_size=6))
def test_fuzz_any_bytes_give_lines_of_text(chunks: list[bytes]) -> None:
    got = lines(chunks)
    assert all(isinstance(line, str) and "\n" not in line and "\r" not in line for line in got)
    assert got == b"".join(chunks).decode("utf-8", "replace").replace("\r", "") \
        .split("\n")[:len(got)]

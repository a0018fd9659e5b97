"""Tests for Kamaelia.Util.ChunkNamer: [basepath + n + suffix, chunk]."""

from __future__ import annotations

import re

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import assertShutdownPassesOn, assertUnexpectedControlIgnored, run
from Kamaelia.Util.ChunkNamer import ChunkNamer


def test_names_chunks_with_numbers_from_one_and_passes_them_untouched() -> None:
    chunk = bytearray(b"\x00\x01")
    sink = run(ChunkNamer("out/frame", ".bin"), [b"first", chunk, "text"],
               [producerFinished()])
    assert sink.got == [["out/frame1.bin", b"first"], ["out/frame2.bin", chunk],
                        ["out/frame3.bin", "text"]]
    assert sink.got[1][1] is chunk


def test_default_names_are_bare_numbers() -> None:
    sink = run(ChunkNamer(), ["a", "b"], [producerFinished()])
    assert sink.got == [["1", "a"], ["2", "b"]]


def test_any_message_is_a_chunk_even_None() -> None:
    # There is no message it cannot handle: each one is named.
    assert run(ChunkNamer("c"), [None], [producerFinished()]).got == [["c1", None]]


@pytest.mark.parametrize("argd", [{"basepath": 3}, {"suffix": None}])
def test_non_string_name_parts_raise_TypeError_naming_them(argd: dict[str, object]) -> None:
    (name, value), = argd.items()
    with pytest.raises(TypeError, match=re.escape(f"{name} must be a str, not {value!r}")):
        ChunkNamer(**argd)  # type: ignore[arg-type]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_names_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lambda: ChunkNamer("f"), message_class, ["a"], [["f1", "a"]])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(ChunkNamer, caplog, ["a"], [["1", "a"]])

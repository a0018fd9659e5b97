"""Tests for Kamaelia.Util.LineSplit: one message per line of a chunked stream."""

from __future__ import annotations

import gc
import logging
import re
import sys
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Util.LineSplit import MAX_LINE_LENGTH, LineDecoder, LineSplit, LineTooLong

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


# ------------------------------------------------ limits and hostile input
def lines(decoder: LineDecoder, chunks: list[Any]) -> list[Any]:
    """Feed ``chunks``; the lines, with each LineTooLong as (LineTooLong, its lines)."""
    found: list[Any] = []
    for chunk in chunks:
        try:
            found += decoder.feed(chunk)
        except LineTooLong as exc:
            found.append((LineTooLong, exc.lines))
    return found


def test_the_default_line_limit_is_64_KiB() -> None:
    assert MAX_LINE_LENGTH == 65536 == LineSplit().maxlength == LineDecoder().maxlength


def test_a_line_of_exactly_maxlength_is_sent() -> None:
    assert lines(LineDecoder("\r\n", maxlength=3), ["abc\r", "\n"]) == ["abc"]


@pytest.mark.parametrize("separator", ["\n", "\r\n"])
def test_a_line_too_long_is_dropped_even_before_its_end_arrives(separator: str) -> None:
    decoder = LineDecoder(separator, maxlength=4)
    found = lines(decoder, ["ok" + separator + "toolo", "ng still", separator + "fine",
                            separator])
    flat = [line for item in found
            for line in (item[1] if isinstance(item, tuple) else [item])]
    assert flat == ["ok", "fine"]
    assert sum(isinstance(item, tuple) for item in found) == 1


def test_a_complete_line_too_long_is_dropped_with_its_neighbours_kept() -> None:
    decoder = LineDecoder(maxlength=3)
    assert lines(decoder, ["a\nTOO LONG\nb\nc"]) == [(LineTooLong, ["a", "b"])]
    assert decoder.close() == "c"


def test_a_separator_split_between_chunks_is_found() -> None:
    decoder = LineDecoder("<EOL>")
    assert lines(decoder, ["one<E", "O", "L>two<EO", "L", ">"]) == ["one", "two"]


def test_LineDecoder_refuses_what_is_not_text_and_mixed_kinds() -> None:
    decoder = LineDecoder()
    with pytest.raises(TypeError, match="takes str or bytes, not 5"):
        decoder.feed(5)
    decoder.feed(b"x")
    with pytest.raises(TypeError, match="cannot mix in str"):
        decoder.feed("y")


def test_LineSplit_past_its_limit_logs_sends_what_it_had_and_ends(
        caplog: pytest.LogCaptureFixture) -> None:
    splitter = LineSplit(maxlength=10)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(splitter, ["one\ntwo\n" + "x" * 11, "never read\n"])
    assert sink.got == ["one", "two"]
    assert [type(m) for m in sink.control] == [producerFinished]
    assert isinstance(sink.control[0].message, LineTooLong)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxlength=10" in errors[0] and splitter.name in errors[0]


def test_LineSplit_with_no_limit_takes_any_line() -> None:
    assert run(LineSplit(maxlength=None), ["y" * 100_000, "\n"],
               [producerFinished()]).got == ["y" * 100_000]


def test_LineSplit_keeps_no_reference_to_a_line_it_has_sent(
        run_rounds: Callable[[int], bool]) -> None:
    splitter = LineSplit()
    sink = attach(splitter)
    splitter.inboxes["inbox"].append("".join(map(chr, range(100, 3000))) + "\npartial")
    run_rounds(20)
    line = sink.got.pop()
    assert len(line) == 2900 and not splitter._isStopped()
    gc.collect()
    assert sys.getrefcount(line) == 2      # ``line`` and getrefcount's argument


TEXT_ATOMS = st.sampled_from(["\n", "\r\n", "\r", "\x00", "\ud800", "\udfff", "9" * 50, ""])


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(separator=st.sampled_from(["\n", "\r\n", "ab", b"\n", b"\x00\x00"]),
       limit=st.one_of(st.none(), st.integers(1, 20)),
       chunks=st.lists(st.text(max_size=15) | TEXT_ATOMS, max_size=10),
       asBytes=st.booleans())
def test_LineDecoder_gives_lines_or_LineTooLong_only(separator: Any, limit: int | None,
                                                     chunks: list[str], asBytes: bool) -> None:
    decoder = LineDecoder(separator, maxlength=limit)
    data: list[Any] = [c.encode("utf-8", "surrogatepass") if asBytes else c for c in chunks]
    for item in lines(decoder, data):
        if isinstance(item, tuple):
            assert item[0] is LineTooLong
            item = item[1]
        else:
            item = [item]
        for line in item:
            assert isinstance(line, bytes if asBytes else str)
            assert limit is None or len(line) <= limit
    last = decoder.close()
    assert last is None or isinstance(last, bytes if asBytes else str)


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(text=st.text(st.sampled_from("ab\r\n"), max_size=60),
       cuts=st.lists(st.integers(0, 60), max_size=6))
def test_lines_are_those_of_the_whole_text_however_it_is_cut(text: str,
                                                             cuts: list[int]) -> None:
    points = sorted(min(c, len(text)) for c in cuts)
    decoder = LineDecoder("\r\n", maxlength=None)
    found = lines(decoder, [text[a:b] for a, b in zip([0] + points, points + [len(text)])])
    last = decoder.close()
    *expected, rest = text.split("\r\n")
    assert found == expected and last == (rest or None)

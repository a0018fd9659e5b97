"""Tests for Kamaelia.Protocol.Framing: frames, chunks, and their components."""

from __future__ import annotations

import copy
import gc
import logging
import pickle
import random
import re
import sys
from typing import Any, Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import (Collector, assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol import Framing
from Kamaelia.Protocol.Framing import (DEFAULT_SYNC_BYTES, DEFAULT_SYNC_MESSAGE, ChunkTooLarge,
                                       DEFAULT_SYNC_TEXT, ESCAPINGS, ChunkDecoder,
                                       ChunkEncoder, CorruptChunk, CorruptFrame,
                                       DataChunker, DataDeChunker, DeFramer, Framer,
                                       FramingError, IncompleteChunk, ShortFrame, SimpleFrame)
from Kamaelia.Protocol.Packetise import MaxSizePacketiser
from Kamaelia.Util.DataSource import DataSource

LOGGER = "Kamaelia.Protocol.Framing"
STUFFING = "stuffing"
RunRounds = Callable[[int], bool]
Text = Any          # str or bytes


# =================================================================== SimpleFrame
def test_the_str_wire_form_is_that_of_1_14() -> None:
    assert str(SimpleFrame(1, "hello")) == "1 5\nhello"


def test_the_bytes_wire_form_has_the_same_layout() -> None:
    frame = SimpleFrame(42, b"a\nb")
    assert bytes(frame) == b"42 3\na\nb"
    assert frame.toBytes() == b"42 3\na\nb"


def test_a_frame_is_the_tuple_of_stamp_and_data() -> None:
    frame = SimpleFrame(7, b"data")
    assert (frame.stamp, frame.data) == (7, b"data")
    assert frame == (7, b"data")
    assert issubclass(SimpleFrame, tuple)
    stamp, data = frame
    assert (stamp, data) == (7, b"data")


def test_a_frame_shows_itself_as_a_constructor_call() -> None:
    assert repr(SimpleFrame(3, "x")) == "SimpleFrame(3, 'x')"


def test_bytearray_data_is_kept_as_bytes() -> None:
    frame = SimpleFrame(1, bytearray(b"ab"))
    assert type(frame.data) is bytes and frame.data == b"ab"


def test_a_frame_survives_copy_and_pickle() -> None:
    frame = SimpleFrame(9, b"payload")
    for again in (copy.copy(frame), copy.deepcopy(frame), pickle.loads(pickle.dumps(frame))):
        assert type(again) is SimpleFrame and again == frame


def test_str_of_a_frame_holding_bytes_is_its_repr_as_for_bytes_themselves() -> None:
    # str(b"x") is "b'x'"; so printing or logging a bytes frame works, and
    # its wire form is bytes(frame).
    assert str(SimpleFrame(1, b"x")) == "SimpleFrame(1, b'x')"
    assert bytes(SimpleFrame(1, b"x")) == b"1 1\nx"


def test_bytes_of_a_frame_holding_str_is_refused() -> None:
    with pytest.raises(TypeError, match=re.escape("holds str: its wire form is str(frame)")):
        bytes(SimpleFrame(1, "x"))


@pytest.mark.parametrize("stamp", [True, 1.0, "1", None])
def test_a_stamp_that_is_not_an_int_is_refused(stamp: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(f"frame_stamp must be an int, not {stamp!r}")):
        SimpleFrame(stamp, b"x")


@pytest.mark.parametrize("data", [5, None, ["x"]])
def test_data_that_is_not_text_is_refused(data: Any) -> None:
    with pytest.raises(TypeError, match=re.escape(f"data must be str or bytes, not {data!r}")):
        SimpleFrame(1, data)


@pytest.mark.parametrize("frame", [
    SimpleFrame(1, "hello"), SimpleFrame(0, ""), SimpleFrame(-5, "neg"),
    SimpleFrame(2, "line\nbreaks\n"), SimpleFrame(3, "h\xe9llo \u2603"),
    SimpleFrame(1, b"hello"), SimpleFrame(0, b""), SimpleFrame(10**30, b"\x00\n\xff"),
], ids=repr)
def test_fromString_reads_back_what_was_written(frame: SimpleFrame) -> None:
    wire = str(frame) if isinstance(frame.data, str) else bytes(frame)
    again = SimpleFrame.fromString(wire)
    assert type(again) is SimpleFrame
    assert again == frame and type(again.data) is type(frame.data)


def test_the_length_of_str_data_counts_characters() -> None:
    assert str(SimpleFrame(1, "\u2603\u2603")) == "1 2\n\u2603\u2603"
    assert SimpleFrame.fromString("1 2\n\u2603\u2603") == (1, "\u2603\u2603")


def test_fromString_accepts_a_bytearray() -> None:
    assert SimpleFrame.fromString(bytearray(b"4 2\nok")) == (4, b"ok")


def test_data_shorter_than_the_header_says_is_a_ShortFrame_naming_it() -> None:
    with pytest.raises(ShortFrame, match=re.escape(
            "frame 1 is short: its header b'1 5' promises 5 bytes of data but only 2 follow")):
        SimpleFrame.fromString(b"1 5\nhe")


def test_data_longer_than_the_header_says_is_a_CorruptFrame_naming_it() -> None:
    with pytest.raises(CorruptFrame, match=re.escape(
            "frame 1 is too long: its header '1 1' promises 1 character of data but 3 follow")):
        SimpleFrame.fromString("1 1\nabc")


def test_a_frame_without_a_header_line_is_a_CorruptFrame() -> None:
    with pytest.raises(CorruptFrame, match=re.escape("no header line (no newline) in the "
                                                     "frame b'hello'")):
        SimpleFrame.fromString(b"hello")


@pytest.mark.parametrize("header", [
    b"", b"1", b"1 ", b" 1 1", b"1  1", b"1 1 ", b"1 1 1", b"a 1", b"1 b", b"+1 1",
    b"1 -1", b"1_0 1", b"1 0x1", b"1\t1", b"1.0 1",
])
def test_a_malformed_header_is_a_CorruptFrame_naming_the_header(header: bytes) -> None:
    with pytest.raises(CorruptFrame, match=re.escape(f"malformed frame header {header!r}")):
        SimpleFrame.fromString(header + b"\nx")


def test_digits_other_than_ascii_are_not_accepted_in_a_header() -> None:
    # int() would accept them; the wire format is ASCII decimal.
    with pytest.raises(CorruptFrame, match="malformed frame header"):
        SimpleFrame.fromString("\u0661 1\nx")


def test_fromString_refuses_what_is_not_text() -> None:
    with pytest.raises(TypeError, match=re.escape("a frame must be str or bytes, not 42")):
        SimpleFrame.fromString(42)  # type: ignore[arg-type]


def test_the_errors_share_one_base_class() -> None:
    for error in (CorruptFrame, ShortFrame, CorruptChunk, IncompleteChunk):
        assert issubclass(error, FramingError) and issubclass(error, Exception)
    assert not issubclass(ShortFrame, CorruptFrame)


# ============================================================ Framer, DeFramer
def test_Framer_sends_the_wire_form_of_bytes_frames_as_bytes() -> None:
    sink = run(Framer(), [(1, b"hello"), (2, b"")], [producerFinished()])
    assert sink.got == [b"1 5\nhello", b"2 0\n"]


def test_Framer_sends_the_wire_form_of_str_frames_as_str() -> None:
    sink = run(Framer(), [(1, "hello"), [2, "x"], SimpleFrame(3, "y")], [producerFinished()])
    assert sink.got == ["1 5\nhello", "2 1\nx", "3 1\ny"]


@pytest.mark.parametrize("bad", ["not a pair", (1, 2, 3), (1,), ("one", b"x"), (1, 2.5)],
                         ids=repr)
def test_Framer_logs_and_skips_what_is_not_a_stamped_pair(
        bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(Framer, caplog, LOGGER, [(1, b"a"), bad, (2, b"b")], bad,
                            [b"1 1\na", b"2 1\nb"])


def test_DeFramer_sends_stamp_and_data_as_plain_tuples() -> None:
    sink = run(DeFramer(), [b"1 5\nhello", "2 2\nhi"], [producerFinished()])
    assert sink.got == [(1, b"hello"), (2, "hi")]
    assert [type(m) for m in sink.got] == [tuple, tuple]


@pytest.mark.parametrize("bad,error", [
    (b"1 9\nshort", "ShortFrame"), (b"1 1\ntoo long", "CorruptFrame"),
    (b"no header", "CorruptFrame"), (b"x y\nz", "CorruptFrame"),
])
def test_DeFramer_logs_a_bad_frame_as_a_warning_and_carries_on(
        bad: bytes, error: str, caplog: pytest.LogCaptureFixture) -> None:
    deframer = DeFramer()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(deframer, [b"1 1\na", bad, b"2 1\nb"], [producerFinished()])
    assert sink.got == [(1, b"a"), (2, b"b")]
    assert [type(m) for m in sink.control] == [producerFinished]
    warnings = [r for r in caplog.records if r.name == LOGGER]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    text = warnings[0].getMessage()
    assert deframer.name in text and error in text


def test_DeFramer_logs_and_skips_a_message_that_is_not_text(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(DeFramer, caplog, LOGGER, [b"1 1\na", 99, b"2 1\nb"], 99,
                            [(1, b"a"), (2, b"b")])


def test_Framer_then_DeFramer_gives_back_the_pairs() -> None:
    pairs = [(n, bytes(range(n))) for n in range(0, 256, 17)]
    sink = Collector()
    Pipeline(DataSource(pairs), Framer(), DeFramer(), sink).run()
    assert sink.got == pairs


@pytest.mark.parametrize("make", [Framer, DeFramer])
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_frame_components_handle_what_waits_then_pass_the_shutdown_on(
        make: type, message_class: type) -> None:
    inbox = [(1, b"x")] if make is Framer else [b"1 1\nx"]
    expected = [b"1 1\nx"] if make is Framer else [(1, b"x")]
    assertShutdownPassesOn(make, message_class, inbox, expected)


@pytest.mark.parametrize("make", [Framer, DeFramer])
def test_frame_components_log_and_ignore_other_control_messages(
        make: type, caplog: pytest.LogCaptureFixture) -> None:
    inbox = [(1, b"x")] if make is Framer else [b"1 1\nx"]
    expected = [b"1 1\nx"] if make is Framer else [(1, b"x")]
    assertUnexpectedControlIgnored(make, caplog, inbox, expected)


# ================================================================ ChunkEncoder
# The stuffing escaping, the option: its tests name it through these.
def StuffingChunkEncoder(syncmessage: Text | None = None) -> ChunkEncoder:
    return ChunkEncoder(syncmessage, escaping=STUFFING)


def StuffingChunkDecoder(syncmessage: Text | None = None) -> ChunkDecoder:
    return ChunkDecoder(syncmessage, escaping=STUFFING)


def StuffingDataChunker(syncmessage: Text | None = None) -> DataChunker:
    return DataChunker(syncmessage, escaping=STUFFING)


def StuffingDataDeChunker(syncmessage: Text | None = None) -> DataDeChunker:
    return DataDeChunker(syncmessage, escaping=STUFFING)


M = DEFAULT_SYNC_BYTES          # b"\xc0SYNC": S = 0xC0, escape E = 0xC1, F = 0xC2
P = b"X" * 24                   # 1.14's sync message, the default (percent escaping)


def test_a_chunk_is_the_sync_message_then_the_data() -> None:
    assert StuffingChunkEncoder().encode(b"hello") == M + b"hello"
    assert StuffingChunkEncoder().encode(b"") == M


def test_the_defaults_are_documented_values() -> None:
    assert DEFAULT_SYNC_BYTES == b"\xc0SYNC"
    assert DEFAULT_SYNC_TEXT == "\ufdd0SYNC"


def test_the_start_of_the_sync_message_and_the_escape_are_escaped() -> None:
    encoder = StuffingChunkEncoder()
    assert encoder.encode(b"a\xc0b") == M + b"a\xc1\xc2b"
    assert encoder.encode(b"a\xc1b") == M + b"a\xc1\xc1b"
    assert encoder.encode(b"\xc1\xc2\xc0") == M + b"\xc1\xc1\xc2\xc1\xc2"


def test_utf8_text_is_never_escaped_with_the_default() -> None:
    text = "na\xefve caf\xe9 \u2603 \U0001f600".encode()
    assert StuffingChunkEncoder().encode(text) == M + text


def test_str_messages_get_the_str_default() -> None:
    encoder = StuffingChunkEncoder()
    assert encoder.encode("caf\xe9") == DEFAULT_SYNC_TEXT + "caf\xe9"
    assert encoder.encode("\ufdd0") == DEFAULT_SYNC_TEXT + "\ufdd1\ufdd2"


def test_a_given_sync_message_sets_the_escape_to_the_character_after_its_first() -> None:
    encoder = StuffingChunkEncoder(b"#!")
    assert encoder.encode(b"#$%") == b"#!" + b"$%" + b"$$%"
    wrapped = StuffingChunkEncoder(b"\xff")               # the escape wraps round to 0x00
    assert wrapped.encode(b"\xff\x00\x01") == b"\xff" + b"\x00\x01" + b"\x00\x00" + b"\x01"


@pytest.mark.parametrize("sync", [DEFAULT_SYNC_BYTES, b"\x00", b"\xff", b"XXX", b"\xfe\xff"])
def test_an_encoded_body_never_holds_the_start_of_the_sync_message(sync: bytes) -> None:
    body = StuffingChunkEncoder(sync).encode(bytes(range(256)) * 2)[len(sync):]
    assert sync[:1] not in body


def test_a_stream_carries_one_kind_of_data() -> None:
    encoder = StuffingChunkEncoder()
    encoder.encode(b"bytes first")
    with pytest.raises(TypeError, match=re.escape(
            "ChunkEncoder: this stream carries bytes (its sync message is b'\\xc0SYNC'), "
            "not str: 'text'")):
        encoder.encode("text")


def test_a_sync_message_of_the_other_kind_is_converted_with_utf8() -> None:
    # 1.14 programs give str sync messages; sockets deliver bytes.
    assert StuffingChunkEncoder("--").encode(b"bytes") == b"--bytes"
    assert StuffingChunkEncoder("\u2603").encode(b"x") == "\u2603".encode() + b"x"
    assert StuffingChunkEncoder(b"#!").encode("text") == "#!text"
    with pytest.raises(TypeError, match=re.escape(
            "this stream carries str, and its sync message b'\\xff' is not UTF-8")):
        StuffingChunkEncoder(b"\xff").encode("text")


@pytest.mark.parametrize("make", [ChunkEncoder, ChunkDecoder, DataChunker, DataDeChunker])
def test_a_sync_message_that_is_not_text_is_refused_naming_it(make: type) -> None:
    with pytest.raises(TypeError, match=re.escape(
            f"{make.__name__}: syncmessage must be str or bytes, not 7")):
        make(7)


@pytest.mark.parametrize("make", [ChunkEncoder, ChunkDecoder, DataChunker, DataDeChunker])
@pytest.mark.parametrize("empty", ["", b""])
def test_an_empty_sync_message_is_refused(make: type, empty: Text) -> None:
    with pytest.raises(ValueError, match=re.escape(
            f"{make.__name__}: syncmessage must not be empty, not {empty!r}")):
        make(syncmessage=empty)


def test_a_message_that_is_not_text_is_refused() -> None:
    with pytest.raises(TypeError, match=re.escape("a message must be str or bytes, not 3")):
        StuffingChunkEncoder().encode(3)  # type: ignore[arg-type]


# ================================================================ ChunkDecoder
def drain(decoder: ChunkDecoder) -> list[Any]:
    """Everything nextChunk() gives now: messages, and errors as (type, str) pairs."""
    found: list[Any] = []
    while True:
        try:
            chunk = decoder.nextChunk()
        except IncompleteChunk as exc:
            found.append((IncompleteChunk, exc.data))
            continue
        except CorruptChunk as exc:
            found.append((CorruptChunk, str(exc)))
            continue
        if chunk is None:
            return found
        found.append(chunk)


def decodePieces(pieces: list[Text], sync: Text | None = None,
                 escaping: str | None = STUFFING) -> list[Any]:
    """Feed ``pieces`` then close; everything the decoder gives (escaping None: the default)."""
    decoder = ChunkDecoder(sync) if escaping is None else ChunkDecoder(sync, escaping)
    found: list[Any] = []
    for piece in pieces:
        decoder.feed(piece)
        found += drain(decoder)
    decoder.close()
    return found + drain(decoder)


def encodeAll(messages: list[Text], sync: Text | None = None,
              escaping: str | None = STUFFING) -> Text:
    encoder = ChunkEncoder(sync) if escaping is None else ChunkEncoder(sync, escaping)
    chunks: list[Any] = [encoder.encode(m) for m in messages]
    return chunks[0][:0].join(chunks)


TRICKY = [b"plain", b"", b"\xc0", b"\xc1", b"\xc1\xc2", b"\xc0\xc0\xc1\xc1", b"", b"SYNC",
          b"\xc0SYNC", b"\xc1\xc0SYNC\xc1", b"\x00\xff\n", b"end\xc1"]
SYNCS: list[tuple[Text | None, list[Text]]] = [
    (None, TRICKY),
    (b"\x00", TRICKY + [b"\x00\x01\x02", b"\x01\x00"]),
    (b"\xff", TRICKY + [b"\xff\x00\x01"]),
    (b"XXX", TRICKY + [b"XXX", b"XYZ", b"YYX"]),
    (b"ABAC", [b"ABACAB", b"BA", b"", b"CABA"]),
    (None, ["text", "", "\ufdd0\ufdd1", "\ufdd0SYNC", "snow\u2603man"]),
    ("<>", ["a<b>c", "", "<<>>", "==", "<"]),
]


@pytest.mark.parametrize("sync,messages", SYNCS, ids=lambda v: repr(v)[:30])
def test_the_messages_come_back_whatever_the_single_split_point(
        sync: Text | None, messages: list[Text]) -> None:
    stream = encodeAll(messages, sync)
    for cut in range(len(stream) + 1):
        assert decodePieces([stream[:cut], stream[cut:]], sync) == messages, cut


@pytest.mark.parametrize("sync,messages", SYNCS, ids=lambda v: repr(v)[:30])
def test_the_messages_come_back_fed_one_character_at_a_time(
        sync: Text | None, messages: list[Text]) -> None:
    stream = encodeAll(messages, sync)
    assert decodePieces([stream[i:i + 1] for i in range(len(stream))], sync) == messages


def test_the_messages_come_back_whatever_two_split_points() -> None:
    messages = [b"a\xc0", b"", b"\xc1b", b"SY"]
    stream = encodeAll(messages)
    for first in range(len(stream) + 1):
        for second in range(first, len(stream) + 1):
            pieces = [stream[:first], stream[first:second], stream[second:]]
            assert decodePieces(pieces) == messages, (first, second)


def test_random_messages_in_random_pieces_come_back() -> None:
    rng = random.Random(1414)
    alphabet = b"\xc0\xc1\xc2SYNCab"                # rich in the special bytes
    for _ in range(200):
        messages = [bytes(rng.choice(alphabet) for _ in range(rng.randrange(12)))
                    for _ in range(rng.randrange(1, 6))]
        stream = encodeAll(messages)
        cuts = sorted(rng.randrange(len(stream) + 1) for _ in range(rng.randrange(6)))
        pieces = [stream[a:b] for a, b in zip([0] + cuts, cuts + [len(stream)])]
        assert decodePieces(pieces) == messages, (messages, cuts)


def test_garbage_gives_only_bytes_and_framing_errors() -> None:
    rng = random.Random(2024)
    for _ in range(300):
        garbage = bytes(rng.choice(b"\xc0\xc1\xc2SYNCx") for _ in range(rng.randrange(40)))
        for item in decodePieces([garbage[:7], garbage[7:]]):
            assert isinstance(item, bytes) or item[0] in (CorruptChunk, IncompleteChunk)


def test_the_last_chunk_is_held_until_the_next_one_starts() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(M + b"first")
    assert decoder.nextChunk() is None
    decoder.feed(M[:1])
    assert decoder.nextChunk() == b"first"
    assert decoder.nextChunk() is None


def test_close_completes_the_last_chunk_and_ends_the_stream() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(M + b"only")
    decoder.close()
    assert decoder.nextChunk() == b"only"
    assert decoder.nextChunk() is None
    decoder.close()                                  # a second close changes nothing
    assert decoder.nextChunk() is None


def test_feeding_after_close_is_an_error() -> None:
    decoder = StuffingChunkDecoder()
    decoder.close()
    with pytest.raises(RuntimeError, match=re.escape("feed() after close()")):
        decoder.feed(b"x")


def test_an_empty_stream_gives_nothing() -> None:
    assert decodePieces([]) == []
    assert decodePieces([b"", b""]) == []


def test_flush_completes_the_chunk_in_progress() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(M + b"first" + M + b"sec")
    decoder.flush()
    assert drain(decoder) == [b"first", b"sec"]
    decoder.feed(M + b"third")                       # the stream goes on after a flush
    decoder.close()
    assert drain(decoder) == [b"third"]


def test_flush_of_a_chunk_with_no_data_gives_an_empty_message() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(M)
    decoder.flush()
    assert drain(decoder) == [b""]


def test_flush_with_no_chunk_in_progress_gives_nothing() -> None:
    decoder = StuffingChunkDecoder()
    decoder.flush()
    decoder.feed(M + b"a")
    decoder.flush()
    decoder.flush()
    assert drain(decoder) == [b"a"]


def test_flush_inside_a_sync_message_waits_for_the_rest_of_it() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(M[:3])
    decoder.flush()
    assert drain(decoder) == []
    decoder.feed(M[3:] + b"data")
    decoder.close()
    assert drain(decoder) == [b"data"]


def test_data_before_the_first_sync_message_is_reported_then_dropped() -> None:
    found = decodePieces([b"junk!" + M + b"good"])
    assert found == [(CorruptChunk, "dropped 5 bytes that were not part of a chunk, "
                                    "starting b'junk!': a chunk starts with the sync "
                                    "message b'\\xc0SYNC'"), b"good"]


def test_joining_a_stream_part_way_through_starts_with_the_next_whole_chunk() -> None:
    stream = encodeAll([b"one", b"two", b"three"])
    found = decodePieces([stream[len(M) + 1:]])       # inside the first chunk
    assert found[1:] == [b"two", b"three"]
    assert found[0][0] is CorruptChunk and "dropped 2 bytes" in found[0][1]


def test_a_stream_of_nothing_but_junk_is_reported_when_it_ends() -> None:
    found = decodePieces([b"abc", b"def"])
    assert len(found) == 1 and found[0][0] is CorruptChunk
    assert "dropped 6 bytes" in found[0][1] and "b'abcdef'" in found[0][1]


def test_the_report_of_a_long_run_of_junk_shows_only_its_start() -> None:
    found = decodePieces([b"z" * 1000 + M + b"ok"])
    assert found[1] == b"ok"
    assert "dropped 1000 bytes" in found[0][1]
    assert repr(b"z" * 24) in found[0][1] and repr(b"z" * 25) not in found[0][1]


def test_a_damaged_sync_message_is_dropped_up_to_the_next_one() -> None:
    stream = encodeAll([b"one"]) + b"\xc0SYNX" + b"lost" + encodeAll([b"two"])
    for cut in range(len(stream) + 1):
        found = decodePieces([stream[:cut], stream[cut:]])
        assert found == [b"one", (CorruptChunk, found[1][1]), b"two"], cut
        assert "dropped 9 bytes" in found[1][1] and "b'\\xc0SYNXlost'" in found[1][1]


def test_a_sync_message_can_begin_inside_a_damaged_one() -> None:
    # "ABA" looks like the start of "ABAC" and its second "A" could begin it again.
    good = encodeAll([b"xy"], b"ABAC")
    stream = b"ABA" + good
    for cut in range(len(stream) + 1):
        found = decodePieces([stream[:cut], stream[cut:]], b"ABAC")
        assert len(found) == 2 and found[1] == b"xy", (cut, found)
        assert found[0][0] is CorruptChunk and "dropped 3 bytes" in found[0][1]


def test_a_bad_escape_sequence_drops_that_chunk_only() -> None:
    stream = M + b"one" + M + b"b\xc1ad" + M + b"three"
    found = decodePieces([stream])
    assert found == [b"one", (CorruptChunk, "dropped a chunk of 4 bytes with a bad escape "
                                            "sequence b'\\xc1a' at 1: after b'\\xc1' only "
                                            "b'\\xc1' or b'\\xc2' may follow"), b"three"]


def test_an_escape_just_before_the_next_sync_message_is_corrupt() -> None:
    found = decodePieces([M + b"cut\xc1" + M + b"next"])
    assert found[0][0] is CorruptChunk and "bad escape sequence b'\\xc1' at 3" in found[0][1]
    assert found[1:] == [b"next"]


def test_a_stream_ending_inside_an_escape_gives_what_came_before_as_incomplete() -> None:
    assert decodePieces([M + b"ab\xc1\xc2cd\xc1"]) == [(IncompleteChunk, b"ab\xc0cd")]


def test_a_flush_inside_an_escape_gives_what_came_before_as_incomplete() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(M + b"ab\xc1")
    decoder.flush()
    assert drain(decoder) == [(IncompleteChunk, b"ab")]


def test_a_stream_ending_inside_a_sync_message_is_incomplete_with_no_data() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(M + b"whole" + M[:2])
    decoder.close()
    assert decoder.nextChunk() == b"whole"
    with pytest.raises(IncompleteChunk, match=re.escape(
            "the stream ended inside a sync message: got b'\\xc0S' of b'\\xc0SYNC'")) as caught:
        decoder.nextChunk()
    assert caught.value.data is None
    assert decoder.nextChunk() is None


def test_the_decoder_refuses_data_of_the_other_kind() -> None:
    decoder = StuffingChunkDecoder()
    decoder.feed(b"")
    with pytest.raises(TypeError, match="carries bytes"):
        decoder.feed("text")
    with pytest.raises(TypeError, match=re.escape("stream data must be str or bytes, not 5")):
        decoder.feed(5)  # type: ignore[arg-type]


def test_the_decoder_takes_bytearray_and_memoryview_as_bytes() -> None:
    stream = encodeAll([b"one", b"two"])
    assert decodePieces([bytearray(stream[:4]), memoryview(stream[4:])]) == [b"one", b"two"]


# ================================================ DataChunker, DataDeChunker
def test_DataChunker_sends_a_chunk_for_each_message() -> None:
    sink = run(StuffingDataChunker(), [b"a", b"\xc0"], [producerFinished()])
    assert sink.got == [M + b"a", M + b"\xc1\xc2"]


def test_DataChunker_uses_the_given_sync_message() -> None:
    sink = run(StuffingDataChunker(syncmessage="--"), ["a-b"], [producerFinished()])
    assert sink.got == ["--a./b"]       # escape ".", then "/"


def test_DataChunker_logs_and_skips_a_message_of_the_other_kind(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(DataChunker, caplog, LOGGER, [b"a", "str!", b"b"], "str!",
                            [P + b"a", P + b"b"])


@pytest.mark.parametrize("size", [1, 2, 3, 7, 1000])
def test_messages_survive_a_stream_cut_anywhere(size: int) -> None:
    messages = TRICKY * 3
    sink = Collector()
    Pipeline(DataSource(messages), StuffingDataChunker(), MaxSizePacketiser(size), StuffingDataDeChunker(),
             sink).run()
    assert sink.got == messages
    assert [type(m) for m in sink.control] == [producerFinished]


def test_str_messages_survive_a_stream_cut_anywhere() -> None:
    messages = ["text", "", "\ufdd0\ufdd1\ufdd2", "snow\u2603man"]
    sink = Collector()
    Pipeline(DataSource(messages), StuffingDataChunker(syncmessage="#SYNC"), MaxSizePacketiser(2),
             StuffingDataDeChunker(syncmessage="#SYNC"), sink).run()
    assert sink.got == messages


def test_DataDeChunker_sends_a_message_once_the_next_begins_or_on_flush(
        run_rounds: RunRounds) -> None:
    dechunker = StuffingDataDeChunker()
    sink = attach(dechunker)
    dechunker.inboxes["inbox"].append(M + b"one" + M + b"tw")
    run_rounds(10)
    assert sink.got == [b"one"]
    assert not dechunker._isRunnable() and not dechunker._isStopped()   # idle: paused
    dechunker.inboxes["inbox"].append(b"o")
    run_rounds(10)
    assert sink.got == [b"one"]
    dechunker.inboxes["flush"].append("now")
    run_rounds(10)
    assert sink.got == [b"one", b"two"]
    dechunker.inboxes["control"].append(producerFinished())
    assert run_rounds(20)
    assert sink.got == [b"one", b"two"]
    assert [type(m) for m in sink.control] == [producerFinished]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_DataDeChunker_sends_the_last_message_then_passes_the_shutdown_on(
        message_class: type) -> None:
    assertShutdownPassesOn(DataDeChunker, message_class, [P + b"one" + P, b"two"],
                           [b"one", b"two"])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_DataChunker_handles_what_waits_then_passes_the_shutdown_on(
        message_class: type) -> None:
    assertShutdownPassesOn(DataChunker, message_class, [b"x"], [P + b"x"])


@pytest.mark.parametrize("make", [DataChunker, DataDeChunker])
def test_chunk_components_log_and_ignore_other_control_messages(
        make: type, caplog: pytest.LogCaptureFixture) -> None:
    inbox = [b"x"] if make is DataChunker else [P + b"x"]
    expected = [P + b"x"] if make is DataChunker else [b"x"]
    assertUnexpectedControlIgnored(make, caplog, inbox, expected)


def test_DataDeChunker_sends_an_incomplete_last_chunk_and_logs_it(
        caplog: pytest.LogCaptureFixture) -> None:
    dechunker = StuffingDataDeChunker()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(dechunker, [M + b"whole" + M + b"par", b"t\xc1"], [producerFinished()])
    assert sink.got == [b"whole", b"part"]
    records = [r for r in caplog.records if r.name == LOGGER]
    assert len(records) == 1 and records[0].levelno == logging.WARNING
    assert "IncompleteChunk" in records[0].getMessage()
    assert dechunker.name in records[0].getMessage()


def test_DataDeChunker_logs_damage_and_carries_on(caplog: pytest.LogCaptureFixture) -> None:
    dechunker = StuffingDataDeChunker()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(dechunker, [b"junk" + M + b"one", b"\xc0SYxx" + M + b"two"],
                   [producerFinished()])
    assert sink.got == [b"one", b"two"]
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(messages) == 2
    assert all("CorruptChunk" in m and dechunker.name in m for m in messages)
    assert "dropped 4 bytes" in messages[0] and "dropped 5 bytes" in messages[1]


def test_DataDeChunker_logs_and_skips_data_of_the_other_kind(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(DataDeChunker, caplog, LOGGER, [P + b"a", "str!", P + b"b"],
                            "str!", [b"a", b"b"])


# ============================================ 1.14's wire format (percent escaping)
# Each literal below is what Kamaelia 1.14.32's DataChunker produced (run under
# Python 2.7, whose str is bytes) for the message beside it.
CHUNKS_114: list[tuple[bytes | None, bytes, bytes]] = [
    (None, b"hello", b"XXXXXXXXXXXXXXXXXXXXXXXXhello"),
    (None, b"", b"XXXXXXXXXXXXXXXXXXXXXXXX"),
    (None, b"X", b"XXXXXXXXXXXXXXXXXXXXXXXX%58"),
    (None, b"%", b"XXXXXXXXXXXXXXXXXXXXXXXX%25"),
    (None, b"%58", b"XXXXXXXXXXXXXXXXXXXXXXXX%2558"),
    (None, b"a%Xb", b"XXXXXXXXXXXXXXXXXXXXXXXXa%25%58b"),
    (None, bytes(range(256)),
     b"X" * 24 + bytes(range(37)) + b"%25" + bytes(range(38, 88)) + b"%58" + bytes(range(89, 256))),
    (b"--", b"a-b%", b"--a%2db%25"),
    (b"--", b"ABBA%41", b"--ABBA%2541"),
    (b"--", b"x\xc0SYNCy", b"--x\xc0SYNCy"),
    (b"AB", b"a-b%", b"ABa-b%25"),
    (b"AB", b"ABBA%41", b"AB%41%42%42%41%2541"),
    (b"\xc0SYNC", b"x\xc0SYNCy", b"\xc0SYNCx%c0%53%59%4e%43y"),
    (b"\xc0SYNC", b"\xff%", b"\xc0SYNC\xff%25"),
    (b"\xff\xfe", b"\xff%", b"\xff\xfe%ff%25"),
    (b"\xff\xfe", b"x\xc0SYNCy", b"\xff\xfex\xc0SYNCy"),
]


@pytest.mark.parametrize("sync,message,chunk", CHUNKS_114, ids=repr)
def test_the_default_chunk_is_byte_for_byte_that_of_1_14(sync: bytes | None, message: bytes,
                                                         chunk: bytes) -> None:
    assert ChunkEncoder(sync).encode(message) == chunk
    assert DataChunker(sync).encodeChunk(message) == chunk


@pytest.mark.parametrize("sync,message,chunk", CHUNKS_114, ids=repr)
def test_the_same_holds_for_str_messages(sync: bytes | None, message: bytes,
                                         chunk: bytes) -> None:
    text = None if sync is None else sync.decode("latin-1")
    assert ChunkEncoder(text).encode(message.decode("latin-1")) == chunk.decode("latin-1")


@pytest.mark.parametrize("sync", sorted({s for s, _, _ in CHUNKS_114}, key=repr), ids=repr)
def test_a_stream_made_by_1_14_decodes_to_its_messages(sync: bytes | None) -> None:
    rows = [(m, c) for s, m, c in CHUNKS_114 if s == sync]
    stream = b"".join(c for _, c in rows)
    for cut in range(0, len(stream) + 1, 3):
        assert decodePieces([stream[:cut], stream[cut:]], sync, escaping=None) == [
            m for m, _ in rows], cut


def test_the_default_sync_message_is_1_14s() -> None:
    assert DEFAULT_SYNC_MESSAGE == "X" * 24
    assert ChunkEncoder().encode("") == "X" * 24
    assert ChunkEncoder().encode(b"") == b"X" * 24


def test_default_chunks_survive_a_stream_cut_into_packets() -> None:
    messages = [b"%58", b"X" * 30, b"", b"%%XX%", bytes(range(256))]
    sink = Collector()
    Pipeline(DataSource(messages), DataChunker(), MaxSizePacketiser(5), DataDeChunker(),
             sink).run()
    assert sink.got == messages


@pytest.mark.parametrize("sync", ["%sync", "0XX", "fX", b"%", b"9"])
def test_a_percent_sync_message_starting_with_an_escape_character_is_refused(
        sync: Text) -> None:
    for make in (ChunkEncoder, ChunkDecoder, DataChunker, DataDeChunker):
        with pytest.raises(ValueError, match=re.escape(
                f"{make.__name__}: with percent escaping the sync message cannot start "
                f"with '%' or a hex digit 0-9a-f")):
            make(sync)
    ChunkEncoder(sync, escaping=STUFFING)          # the other escaping does not mind


def test_a_percent_sync_message_1_14_could_confuse_is_accepted_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        chunker = DataChunker("X5\x01")
    assert chunker.syncmessage == "X5\x01"
    [record] = [r for r in caplog.records if r.name == LOGGER]
    assert "some messages may not come back unchanged" in record.getMessage()
    assert "'5'" in record.getMessage() and "'\\x01'" in record.getMessage()


def test_the_escaping_must_be_one_of_the_two(caplog: pytest.LogCaptureFixture) -> None:
    assert ESCAPINGS == ("percent", "stuffing")
    for make in (ChunkEncoder, ChunkDecoder, DataChunker, DataDeChunker):
        with pytest.raises(ValueError, match=re.escape(
                f"{make.__name__}: escaping must be 'percent' or 'stuffing', not 'slip'")):
            make(escaping="slip")


def test_percent_escaping_never_reports_damage_it_cannot_see() -> None:
    # 1.14's format has no invalid escapes: an unknown one is kept as it is.
    assert decodePieces([P + b"a%zz%5" + P + b"b"], escaping=None) == [b"a%zz%5", b"b"]


# -------------------------------------------------------------- 1.14's methods
def test_DataChunker_escapeSyncMessage_and_encodeChunk_are_1_14s() -> None:
    chunker = DataChunker()
    assert chunker.escapeSyncMessage("a%X") == "a%25%58"
    assert chunker.encodeChunk("a%X") == "X" * 24 + "a%25%58"


def test_DataDeChunker_unEscapeSyncMessage_and_decodeChunk_are_1_14s() -> None:
    dechunker = DataDeChunker()
    assert dechunker.unEscapeSyncMessage("hello%58%25") == "helloX%"
    assert dechunker.unEscapeSyncMessage("%2558") == "%58"
    assert dechunker.decodeChunk("X" * 24 + "a%25") == "a%"
    with pytest.raises(IncompleteChunk, match="does not start with the sync message"):
        dechunker.decodeChunk("no sync here")


def test_shouldFlush_takes_one_flush_message_at_a_time() -> None:
    dechunker = DataDeChunker()
    assert dechunker.shouldFlush() == 0
    dechunker.inboxes["flush"].extend(["first", "second"])
    assert dechunker.shouldFlush() == 1 and dechunker.last_message == "first"
    assert dechunker.shouldFlush() == 1 and dechunker.last_message == "second"
    assert dechunker.shouldFlush() == 0


def test_shutdown_passes_the_message_on_after_what_waits(
        caplog: pytest.LogCaptureFixture) -> None:
    chunker = DataChunker()
    sink = attach(chunker)
    assert chunker.shutdown() is False
    chunker.inboxes["control"].append("chatter")
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert chunker.shutdown() is False
    assert chunker.last_control_message == "chatter"
    chunker.inboxes["inbox"].append(b"last")
    finished = producerFinished()
    chunker.inboxes["control"].append(finished)
    assert chunker.shutdown() is True
    assert [*sink.inboxes["inbox"].q] == [P + b"last"]
    assert [*sink.inboxes["control"].q] == [finished]


class Shouting(DataChunker):
    """A 1.14-style subclass: its encodeChunk is what the component sends."""

    def encodeChunk(self, message: Text) -> Text:
        return super().encodeChunk(message.upper())


class Quoting(DataDeChunker):
    def decodeChunk(self, chunk: Text) -> Text:
        return b"<" + super().decodeChunk(chunk) + b">"


class Stubborn(DataChunker):
    """Ends only on a control message saying "stop" (overriding shutdown)."""

    def shutdown(self) -> bool:
        while self.dataReady("control"):
            if self.recv("control") == "stop":
                self.send(producerFinished(self), "signal")
                return True
        return False


def test_main_calls_the_overridden_encodeChunk_and_decodeChunk() -> None:
    assert run(Shouting(), [b"abc"], [producerFinished()]).got == [P + b"ABC"]
    assert run(Quoting(), [P + b"a" + P + b"b"], [producerFinished()]).got == [b"<a>", b"<b>"]


def test_main_asks_the_overridden_shutdown_whether_to_end(run_rounds: RunRounds) -> None:
    chunker = Stubborn()
    sink = attach(chunker)
    chunker.inboxes["control"].append(producerFinished())
    assert not run_rounds(20)
    assert not chunker._isStopped()
    chunker.inboxes["control"].append("stop")
    assert run_rounds(20)
    assert [type(m) for m in sink.control] == [producerFinished]


def test_simple_frame_keeps_1_14s_signature_and_attribute() -> None:
    frame = SimpleFrame(*(3, b"abc"))
    assert frame.t == (3, b"abc") and type(frame.t) is tuple


def test_COUNT_counts_the_frames_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Framing, "COUNT", 0)
    SimpleFrame.fromString(b"1 1\na")
    with pytest.raises(ShortFrame):
        SimpleFrame.fromString(b"1 5\na")
    run(DeFramer(), [b"2 1\nb"], [producerFinished()])
    assert Framing.COUNT == 2


def test_frames_are_byte_for_byte_those_of_1_14() -> None:
    # 1.14.32 (Python 2.7): str(SimpleFrame(1, "hello")), str(SimpleFrame(12345, "\0\n\xff"))
    assert bytes(SimpleFrame(1, b"hello")) == b"1 5\nhello"
    assert bytes(SimpleFrame(12345, b"\x00\n\xff")) == b"12345 3\n\x00\n\xff"
    assert run(DeFramer(), [b"12345 3\n\x00\n\xff"], [producerFinished()]).got == [
        (12345, b"\x00\n\xff")]


def test_the_module_lists_its_components() -> None:
    assert Framing.__kamaelia_components__ == (Framer, DeFramer, DataChunker, DataDeChunker)


# ------------------------------------------------------------------- fuzzing
NICE_SYNC = st.text(st.characters(min_codepoint=16, max_codepoint=255,
                                  exclude_characters="%0123456789abcdef"),
                    min_size=1, max_size=6).map(lambda t: t.encode("latin-1"))
FUZZ = settings(max_examples=150, derandomize=True, database=None, deadline=None)


@FUZZ
@given(sync=st.one_of(st.none(), NICE_SYNC),
       messages=st.lists(st.binary(max_size=40), min_size=1, max_size=6),
       cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=5))
def test_percent_escaped_messages_always_come_back(sync: bytes | None, messages: list[bytes],
                                                   cuts: list[int]) -> None:
    stream = encodeAll(messages, sync, escaping=None)
    points = sorted(min(c, len(stream)) for c in cuts)
    pieces = [stream[a:b] for a, b in zip([0] + points, points + [len(stream)])]
    assert decodePieces(pieces, sync, escaping=None) == messages


@FUZZ
@given(escaping=st.sampled_from(ESCAPINGS),
       garbage=st.lists(st.binary(max_size=30) | st.sampled_from(
           [b"X" * 24, b"X" * 5, b"%", b"%5", M, b"\xc1", b"\xc1\xc2"]), max_size=8))
def test_the_decoder_gives_only_data_and_its_documented_errors(
        escaping: str, garbage: list[bytes]) -> None:
    decoder = ChunkDecoder(escaping=escaping)
    for piece in garbage:
        decoder.feed(piece)
        for item in drain(decoder):
            assert isinstance(item, bytes) or item[0] in (CorruptChunk, IncompleteChunk)
        if piece[:1] == b"%":
            decoder.flush()
    decoder.close()
    for item in drain(decoder):
        assert isinstance(item, bytes) or item[0] in (CorruptChunk, IncompleteChunk)


@FUZZ
@given(data=st.binary(max_size=60) | st.text(max_size=30))
def test_fromString_raises_only_its_documented_errors(data: Text) -> None:
    try:
        frame = SimpleFrame.fromString(data)
    except (CorruptFrame, ShortFrame):
        return
    assert SimpleFrame.fromString(bytes(frame) if isinstance(data, bytes) else str(frame)) == frame


# ================================================= limits and hostile input
def test_the_default_limits_are_16_MiB() -> None:
    assert Framing.DEFAULT_MAX_CHUNK_SIZE == Framing.DEFAULT_MAX_FRAME_SIZE == 16 * 1024 * 1024
    assert ChunkDecoder().maxchunksize == DataDeChunker().maxchunksize == 16 * 1024 * 1024
    assert DeFramer().maxframesize == 16 * 1024 * 1024


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_a_bad_limit_is_refused_naming_it(bad: Any) -> None:
    with pytest.raises(ValueError, match=re.escape(f"maxchunksize must be a positive int or "
                                                   f"None, not {bad!r}")):
        ChunkDecoder(maxchunksize=bad)
    with pytest.raises(ValueError, match="maxframesize"):
        DeFramer(maxframesize=bad)


@pytest.mark.parametrize("escaping", ESCAPINGS)
def test_a_chunk_of_exactly_maxchunksize_is_accepted(escaping: str) -> None:
    encoder = ChunkEncoder(escaping=escaping)
    decoder = ChunkDecoder(escaping=escaping, maxchunksize=10)
    decoder.feed(encoder.encode(b"0123456789") + encoder.encode(b"next"))
    assert drain(decoder) == [b"0123456789"]


@pytest.mark.parametrize("escaping", ESCAPINGS)
@pytest.mark.parametrize("cut", [1, 3, 1000])
def test_a_chunk_over_maxchunksize_is_dropped_and_the_next_one_read(escaping: str,
                                                                    cut: int) -> None:
    encoder = ChunkEncoder(escaping=escaping)
    stream = encoder.encode(b"ok") + encoder.encode(b"y" * 30) + encoder.encode(b"after")
    decoder = ChunkDecoder(escaping=escaping, maxchunksize=10)
    found: list[Any] = []
    for at in range(0, len(stream), cut):
        decoder.feed(stream[at:at + cut])
        while True:
            try:
                chunk = decoder.nextChunk()
            except ChunkTooLarge as exc:
                found.append((ChunkTooLarge, exc.limit))
                assert "more than maxchunksize=10" in str(exc)
                continue
            if chunk is None:
                break
            found.append(chunk)
    decoder.close()
    assert found + drain(decoder) == [b"ok", (ChunkTooLarge, 10), b"after"]


def test_the_decoder_never_holds_more_than_maxchunksize_of_a_chunk() -> None:
    decoder = ChunkDecoder(escaping=STUFFING, maxchunksize=1000)
    decoder.feed(M)
    raised = 0
    for _ in range(300):                 # a chunk that never ends, 30 KB
        decoder.feed(b"z" * 100)
        try:
            assert decoder.nextChunk() is None
        except ChunkTooLarge:
            raised += 1
        assert sum(map(len, decoder._body)) <= 1000
        assert sum(len(p) for p in decoder._input if isinstance(p, bytes)) <= 100
    assert raised == 1                   # once; the rest of the chunk is dropped quietly


def test_ChunkTooLarge_is_a_CorruptChunk_so_old_callers_carry_on() -> None:
    assert issubclass(ChunkTooLarge, CorruptChunk)
    assert issubclass(Framing.FrameTooLarge, CorruptFrame)


@pytest.mark.parametrize("escaping", ESCAPINGS)
def test_DataDeChunker_past_its_limit_logs_signals_and_ends(
        escaping: str, caplog: pytest.LogCaptureFixture) -> None:
    encoder = ChunkEncoder(escaping=escaping)
    dechunker = DataDeChunker(escaping=escaping, maxchunksize=100)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(dechunker, [encoder.encode(b"first") + encoder.encode(b"second"),
                               encoder.encode(b"x" * 50)[:40], b"x" * 100, b"never read"])
    assert sink.got == [b"first", b"second"]
    assert len(sink.control) == 1 and isinstance(sink.control[0], producerFinished)
    assert isinstance(sink.control[0].message, ChunkTooLarge)
    assert dechunker._isStopped()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert dechunker.name in errors[0] and "maxchunksize=100" in errors[0]


def test_DataDeChunker_with_no_limit_takes_any_chunk() -> None:
    big = bytes(range(256)) * 400
    sink = run(DataDeChunker(maxchunksize=None), [ChunkEncoder().encode(big)],
               [producerFinished()])
    assert sink.got == [big]


def test_a_flood_of_broken_chunks_is_logged_once_with_a_count(
        caplog: pytest.LogCaptureFixture) -> None:
    flood = (M + b"\xc1x") * 500                       # 500 chunks with a bad escape
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(StuffingDataDeChunker(), [flood, M + b"good"], [producerFinished()])
    assert sink.got == [b"good"]
    messages = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(messages) == 2                           # the first, then the count
    assert "bad escape" in messages[0]
    assert "499 times more" in messages[1]


def test_fromString_reads_a_header_with_numbers_too_long_for_int_as_corrupt() -> None:
    for header in (b"9" * 5000 + b" 1\nx", b"1 " + b"9" * 5000 + b"\nx",
                   b"-" + b"1" * 4301 + b" 0\n"):
        with pytest.raises(CorruptFrame, match="too long to read"):
            SimpleFrame.fromString(header)
        with pytest.raises(CorruptFrame, match="too long to read"):
            SimpleFrame.fromString(header.decode())


def test_fromString_refuses_a_frame_over_maxframesize_before_copying_it() -> None:
    assert SimpleFrame.fromString(b"1 4\nabcd", maxframesize=4) == (1, b"abcd")
    with pytest.raises(Framing.FrameTooLarge, match="more than maxframesize=3") as caught:
        SimpleFrame.fromString(b"1 4\nabcd", maxframesize=3)
    assert caught.value.limit == 3
    with pytest.raises(Framing.FrameTooLarge):       # even when the data is not there
        SimpleFrame.fromString(b"1 99999999999999999999\n", maxframesize=3)


def test_DeFramer_drops_a_frame_over_its_limit_as_an_error_and_carries_on(
        caplog: pytest.LogCaptureFixture) -> None:
    deframer = DeFramer(maxframesize=4)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        sink = run(deframer, [b"1 5\nhello", b"2 2\nok"], [producerFinished()])
    assert sink.got == [(2, b"ok")]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "maxframesize=4" in errors[0] and deframer.name in errors[0]


@pytest.mark.parametrize("escaping", ESCAPINGS)
def test_DataDeChunker_keeps_no_reference_to_a_message_it_has_sent(
        escaping: str, run_rounds: RunRounds) -> None:
    encoder = ChunkEncoder(escaping=escaping)
    dechunker = DataDeChunker(escaping=escaping)
    sink = attach(dechunker)
    payload = bytes(range(256)) * 40
    dechunker.inboxes["inbox"].append(encoder.encode(payload) + encoder.encode(b"next")[:3])
    run_rounds(20)                     # the dechunker is paused, waiting for more
    assert not dechunker._isStopped()
    message = sink.got.pop()
    assert message == payload
    gc.collect()
    assert sys.getrefcount(message) == 2   # ``message`` and getrefcount's argument


@pytest.mark.parametrize("escaping", ESCAPINGS)
def test_unescaping_in_passes_gives_what_reading_pair_by_pair_gives(escaping: str) -> None:
    rng = random.Random(77)
    for kind in (bytes, str):
        syntax = ChunkDecoder(escaping=escaping)._makeSyntax(kind)
        alphabet = (b"\xc1\xc2ab%X58" if kind is bytes else "\ufdd1\ufdd2ab%X58")
        for _ in range(400):
            body = alphabet[:0].join(alphabet[i:i + 1] for i in
                                     (rng.randrange(len(alphabet))
                                      for _ in range(rng.randrange(80))))
            for cutShort in (False, True):
                expected = slow = None
                try:
                    if isinstance(syntax, Framing._StuffingSyntax):
                        expected = syntax._unescapeSlowly(body, cutShort)
                    else:
                        expected = Framing._percentUnescape(
                            body.decode("latin-1") if kind is bytes else body,
                            syntax._text)
                        if kind is bytes:
                            expected = expected.encode("latin-1")
                except (CorruptChunk, IncompleteChunk) as exc:
                    slow = (type(exc), getattr(exc, "data", None))
                try:
                    got: Any = syntax.unescape(body, cutShort)
                except (CorruptChunk, IncompleteChunk) as exc:
                    got = (type(exc), getattr(exc, "data", None))
                assert got == (expected if slow is None else slow), (body, cutShort)


HOSTILE_BYTES = st.sampled_from([b"\xc0", b"\xc1", b"\xc2", b"\xc0SYN", b"\xc1\xc1\xc1",
                                 b"X" * 23, b"X" * 24, b"%", b"%5", b"%58", b"%25", b"\x00",
                                 b"\xff\xfe", b"9" * 30])


@FUZZ
@given(escaping=st.sampled_from(ESCAPINGS),
       limit=st.one_of(st.none(), st.integers(1, 40)),
       pieces=st.lists(st.binary(max_size=30) | HOSTILE_BYTES, max_size=12),
       flushes=st.sets(st.integers(0, 12), max_size=3))
def test_the_decoder_raises_only_its_documented_errors_whatever_the_limit(
        escaping: str, limit: int | None, pieces: list[bytes], flushes: set[int]) -> None:
    decoder = ChunkDecoder(escaping=escaping, maxchunksize=limit)
    for number, piece in enumerate(pieces):
        decoder.feed(piece)
        if number in flushes:
            decoder.flush()
        for item in drain(decoder):
            assert isinstance(item, bytes) or item[0] in (CorruptChunk, IncompleteChunk)
            if limit is not None and isinstance(item, bytes):
                assert len(item) <= limit
    decoder.close()
    for item in drain(decoder):
        assert isinstance(item, bytes) or item[0] in (CorruptChunk, IncompleteChunk)


@FUZZ
@given(escaping=st.sampled_from(ESCAPINGS),
       pieces=st.lists(st.text(max_size=12) | st.sampled_from(
           ["\ud800", "\udfff", "\x00", "\ufdd0", "\ufdd1", "\ufdd1\ufdd1", "X" * 24, "%58"]),
           max_size=10))
def test_a_str_stream_with_lone_surrogates_and_nuls_gives_only_documented_errors(
        escaping: str, pieces: list[str]) -> None:
    decoder = ChunkDecoder(escaping=escaping, maxchunksize=20)
    for piece in pieces:
        decoder.feed(piece)
        for item in drain(decoder):
            assert isinstance(item, str) or item[0] in (CorruptChunk, IncompleteChunk)
    decoder.close()
    for item in drain(decoder):
        assert isinstance(item, str) or item[0] in (CorruptChunk, IncompleteChunk)


@FUZZ
@given(stamp=st.integers(-10 ** 30, 10 ** 30) | st.sampled_from([10 ** 4299, -10 ** 4299]),
       data=st.binary(max_size=40),
       junk=st.binary(max_size=20) | st.sampled_from([b"9" * 4400, b"\xff\n", b"\x00 \n"]))
def test_fromString_of_frames_and_their_damage_raises_only_framing_errors(
        stamp: int, data: bytes, junk: bytes) -> None:
    wire = bytes(SimpleFrame(stamp, data))
    assert SimpleFrame.fromString(wire) == (stamp, data)
    for damaged in (junk + wire, wire + junk, wire[:len(wire) // 2] + junk,
                    junk.replace(b"\n", b"") + b" " + str(len(data)).encode() + b"\n" + data):
        for limit in (None, 10):
            try:
                SimpleFrame.fromString(damaged, maxframesize=limit)
                SimpleFrame.fromString(damaged.decode("latin-1"), maxframesize=limit)
            except (CorruptFrame, ShortFrame):
                pass

"""Hostile input cannot slow a parser: each is linear, within 10x of valid input (issue 11).

For every parser, 1 MiB of its worst inputs -- partial sync markers, dense
escapes, stray escape characters, separators split across pieces, a unit
(chunk, line, token) that never ends, junk -- is fed in one piece and in
64-byte pieces, and timed against 1 MiB of valid input cut the same way,
in the same test, best of three interleaved runs. The ratio of the times
must be at most 10. A quadratic parser fails by a wide margin: 1 MiB of
the issue's all-0xC0 input took ~900 times as long as valid chunks.

Inputs made of many tiny units (empty chunks, 1-byte lines, broken tiny
chunks) cost per unit, not per byte, whatever the parser: for those the
time *per unit* is compared with that of valid input of small (16-byte)
messages, with the same bound.

Limits are off (None) where a case measures how a long unit is read; the
cases "with the default limit" show the limits cost nothing.
"""

from __future__ import annotations

import gc
import random
import time
from typing import Any, Callable

import pytest

from Axon.experimental._pipes import FrameDecoder, FrameTooLarge, encodeFrame
from Kamaelia.Protocol.Framing import (ChunkEncoder, ChunkDecoder, CorruptFrame, FramingError,
                                       ShortFrame, SimpleFrame)
from Kamaelia.Protocol.IRC.IRCClient import IRC_Client
from Kamaelia.Protocol.SDP import SDPError, SessionDescriptionParser
from Kamaelia.Support.Data.MimeDict import MimeDict
from Kamaelia.Util.LineSplit import LineDecoder, LineTooLong
from Kamaelia.Util.Tokenisation.Simple import EscapedListMarshalling
from Kamaelia.XML.SimpleXMLParser import IncrementalFeeder, newIncrementalParser

SIZE = 1 << 20
#: Inputs of tiny units are timed per unit; this much of them is plenty.
UNIT_SIZE = 1 << 18
SMALL_PIECES = 64
RATIO = 10.0
RUNS = 3

#: A driver takes the input as a list of pieces and returns how many units
#: (messages, lines, errors) the parser produced.
Driver = Callable[[list[Any]], int]


def cut(data: Any, step: int | None) -> list[Any]:
    if step is None:
        return [data]
    return [data[at:at + step] for at in range(0, len(data), step)]


def fill(unit: Any, size: int = SIZE) -> Any:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def best(driver: Driver, pieces: list[Any]) -> tuple[float, int]:
    """One timed run, with the cyclic collector off (as ``timeit`` does): its
    full collections walk every object the test process holds, so with it on
    an input that builds many containers (deep nesting) is timed against the
    size of the whole test session's heap rather than the parser's own work."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        units = driver(pieces)
        return time.perf_counter() - start, units
    finally:
        gc.enable()


def compare(driver: Driver, valid: Any, hostile: Any, step: int | None,
            perUnit: bool = False) -> tuple[float, str]:
    """The ratio hostile/valid (of times, or of times per unit), best of RUNS interleaved."""
    validPieces, hostilePieces = cut(valid, step), cut(hostile, step)
    validTimes, hostileTimes = [], []
    for run in range(RUNS):
        validTimes.append(best(driver, validPieces))
        hostileTimes.append(best(driver, hostilePieces))
        (vt, vu), (ht, hu) = min(validTimes), min(hostileTimes)
        if perUnit:
            ratio = (ht / max(hu, 1)) / (vt / max(vu, 1))
            how = f"{ht / max(hu, 1) * 1e6:.2f} us/unit against {vt / max(vu, 1) * 1e6:.2f}"
        else:
            ratio = ht / vt
            how = f"{len(hostile) / ht / 1e6:.1f} MB/s against {len(valid) / vt / 1e6:.1f}"
        if run and ratio <= RATIO / 2:
            break                   # clearly within the bound: a third run changes nothing
    return ratio, how


def check(driver: Driver, valid: Any, hostile: Any, perUnit: bool = False) -> None:
    for step in (None, SMALL_PIECES):
        ratio, how = compare(driver, valid, hostile, step, perUnit)
        assert ratio <= RATIO, (f"{ratio:.1f} times slower than valid input "
                                f"({how}; pieces of {step or 'all'})")


# ------------------------------------------------------------------ chunks
def chunkDriver(escaping: str, limit: int | None = None) -> Driver:
    def drive(pieces: list[Any]) -> int:
        decoder = ChunkDecoder(escaping=escaping, maxchunksize=limit)
        units = 0
        for piece in pieces:
            decoder.feed(piece)
            while True:
                try:
                    if decoder.nextChunk() is None:
                        break
                except FramingError:
                    pass
                units += 1
        decoder.close()
        while True:
            try:
                if decoder.nextChunk() is None:
                    return units
            except FramingError:
                pass
            units += 1
    return drive


def chunks(escaping: str, size: int, total: int = SIZE) -> bytes:
    """Valid chunks of random bytes messages of ``size``, ``total`` bytes in all."""
    rng = random.Random(size)
    encoder = ChunkEncoder(escaping=escaping)
    out, length = [], 0
    while length < total:
        chunk = encoder.encode(rng.randbytes(size))
        out.append(chunk)
        length += len(chunk)
    return b"".join(out)[:total]


STUFFING_WORST = {
    "all 0xC0 after a sync message (the issue's repro)": b"\xc0SYNCx" + b"\xc0" * SIZE,
    "partial sync messages": fill(b"\xc0SYN"),
    "damaged sync messages": fill(b"\xc0SYNx"),
    "escaped escapes": b"\xc0SYNC" + b"\xc1" * SIZE,
    "mixed escapes": b"\xc0SYNC" + fill(b"\xc1\xc1\xc1\xc2"),
    "escapes with data, ending in a lone escape": b"\xc0SYNC" + fill(b"\xc1\xc2x") + b"\xc1",
    "junk without a sync message": fill(b"junk data "),
    "one chunk that never ends": b"\xc0SYNC" + fill(b"never ends "),
}
PERCENT_WORST = {
    "partial sync messages": fill(b"X" * 23 + b"y"),
    "stray percents": b"X" * 24 + b"%" * SIZE,
    "escaped sync characters": b"X" * 24 + fill(b"%58"),
    "escaped percents": b"X" * 24 + fill(b"%25"),
    "escape look-alikes": b"X" * 24 + fill(b"%%5%2558%5"),
    "junk without a sync message": fill(b"junk data "),
    "one chunk that never ends": b"X" * 24 + fill(b"never ends "),
}


@pytest.mark.parametrize("name", STUFFING_WORST)
def test_stuffed_chunks_decode_hostile_input_within_10x_of_valid(name: str) -> None:
    check(chunkDriver("stuffing"), chunks("stuffing", 1024), STUFFING_WORST[name])


@pytest.mark.parametrize("name", PERCENT_WORST)
def test_percent_chunks_decode_hostile_input_within_10x_of_valid(name: str) -> None:
    check(chunkDriver("percent"), chunks("percent", 1024), PERCENT_WORST[name])


@pytest.mark.parametrize("escaping, hostile", [
    ("stuffing", fill(b"\xc0SYNC", UNIT_SIZE)),          # empty chunks
    ("stuffing", fill(b"\xc0SYNC\xc1x", UNIT_SIZE)),     # each with a bad escape
    ("percent", fill(b"X" * 24, UNIT_SIZE)),             # empty chunks
], ids=["empty stuffed chunks", "broken tiny chunks", "empty percent chunks"])
def test_tiny_chunks_cost_per_chunk_within_10x_of_small_valid_ones(escaping: str,
                                                                   hostile: bytes) -> None:
    check(chunkDriver(escaping), chunks(escaping, 16, UNIT_SIZE), hostile, perUnit=True)


def test_the_chunk_limit_costs_nothing_and_drops_an_endless_chunk() -> None:
    check(chunkDriver("stuffing", limit=64 * 1024), chunks("stuffing", 1024),
          STUFFING_WORST["one chunk that never ends"])


# ------------------------------------------------------------------ frames
def fromStringDriver(pieces: list[Any]) -> int:
    units = 0
    for piece in pieces:
        try:
            SimpleFrame.fromString(piece, maxframesize=None)
        except (CorruptFrame, ShortFrame):
            pass
        units += 1
    return units


@pytest.mark.parametrize("hostile", [
    b"9" * SIZE + b" 1\nx",                      # a stamp of a million digits
    b"1 " + b"9" * (SIZE - 4) + b"\nx",          # a length of a million digits
    b"1" * SIZE,                                 # no header line at all
    b"1 5\n" + b"\n" * (SIZE - 4),               # data full of newlines, too long
], ids=["huge stamp", "huge length", "no newline", "newlines"])
def test_a_frame_with_a_hostile_header_is_read_within_10x_of_a_valid_one(hostile: bytes) -> None:
    valid = bytes(SimpleFrame(7, b"d" * (SIZE - 12)))
    for _ in range(RUNS):
        ratio, how = compare(fromStringDriver, valid, hostile, None)
        if ratio <= RATIO:
            return
    raise AssertionError(f"{ratio:.1f} times slower than a valid frame ({how})")


def pipeDriver(limit: int | None = None) -> Driver:
    def drive(pieces: list[Any]) -> int:
        decoder = FrameDecoder(maxframesize=limit)
        units = 0
        for piece in pieces:
            decoder.feed(piece)
            while True:
                try:
                    if decoder.nextFrame() is None:
                        break
                except FrameTooLarge:
                    pass
                units += 1
        return units
    return drive


def pipeFrames(size: int, total: int = SIZE) -> bytes:
    return fill(encodeFrame(b"p" * size), total)


def test_the_pipe_decoder_skips_an_oversized_frame_within_10x_of_valid_frames() -> None:
    hostile = (encodeFrame(b"x" * (SIZE - 8)))             # one frame over the limit
    check(pipeDriver(limit=1024), pipeFrames(1024), hostile)


def test_the_pipe_decoder_reads_one_huge_frame_in_small_pieces_within_10x() -> None:
    check(pipeDriver(), pipeFrames(1024), encodeFrame(b"y" * (SIZE - 8)))


def test_empty_pipe_frames_cost_per_frame_within_10x_of_small_ones() -> None:
    check(pipeDriver(), pipeFrames(16, UNIT_SIZE), fill(encodeFrame(b""), UNIT_SIZE),
          perUnit=True)


# ------------------------------------------------------------------- lines
def lineDriver(separator: Any, limit: int | None = None) -> Driver:
    def drive(pieces: list[Any]) -> int:
        decoder = LineDecoder(separator, maxlength=limit)
        units = 0
        for piece in pieces:
            try:
                units += len(decoder.feed(piece))
            except LineTooLong as exc:
                units += len(exc.lines) + 1
        return units + (decoder.close() is not None)
    return drive


LINES = fill(b"PRIVMSG #channel :a line of text of a usual length, more or less\r\n")
LINE_WORST = {
    "a line that never ends": (b"\r\n", fill(b"no end ")),
    "carriage returns without line feeds": (b"\r\n", b"\r" * SIZE),
    "a long separator, nearly matched": (b"<END-OF-LINE>", fill(b"<END-OF-LINE")),
    "a one-byte separator, never seen": (b"\n", fill(b"no newline ")),
}


@pytest.mark.parametrize("name", LINE_WORST)
def test_lines_are_split_from_hostile_input_within_10x_of_valid(name: str) -> None:
    separator, hostile = LINE_WORST[name]
    check(lineDriver(separator), LINES if separator == b"\r\n" else
          LINES.replace(b"\r\n", separator)[:SIZE], hostile)


def test_empty_lines_cost_per_line_within_10x_of_short_ones() -> None:
    check(lineDriver(b"\n"), fill(b"sixteen chars..\n", UNIT_SIZE), b"\n" * UNIT_SIZE,
          perUnit=True)


def test_the_line_limit_costs_nothing_and_drops_an_endless_line() -> None:
    check(lineDriver(b"\r\n", limit=64 * 1024), LINES, fill(b"no end "))


def ircDriver(pieces: list[Any]) -> int:
    client = IRC_Client(maxlinelength=None)
    for piece in pieces:
        client.handleMessage(piece)
    units = len(client.outboxes["heard"])
    client.outboxes["heard"].clear()
    return units


@pytest.mark.parametrize("hostile", [
    fill(b"no end to this line "),
    fill(b":" * 50 + b" " * 50 + b"\r\n"),
    fill(b":nick!user@host PRIVMSG #c :\x01ACTION" + b" " * 200 + b"\r\n"),
    fill(b"\xff\xfe not utf-8 \xc0\x80\r\n"),
], ids=["no newline", "colons and spaces", "action padding", "not UTF-8"])
def test_the_IRC_client_hears_hostile_input_within_10x_of_valid(hostile: bytes) -> None:
    check(ircDriver, LINES, hostile)


# ------------------------------------------------------------------ tokens
def tokenDriver(pieces: list[Any]) -> int:
    line = "".join(pieces)
    units = 0
    for text in line.split("\n"):
        try:
            EscapedListMarshalling.demarshall(text)
        except ValueError:
            pass
        units += 1
    return units


TOKENS = fill("ADD NODE 42 a%20node%20name auto entity [ x y ] \n")


@pytest.mark.parametrize("hostile", [
    fill("%20"), fill("%"), fill("%%20%2"), fill("%255b"), fill("[ "), fill("] "),
    fill("a "), fill("x" * 1000 + " "),
], ids=["dense escapes", "stray percents", "mixed", "escaped brackets", "nesting",
        "unbalanced", "one-letter tokens", "long tokens"])
def test_token_lines_are_read_from_hostile_input_within_10x_of_valid(hostile: str) -> None:
    for _ in range(RUNS):
        ratio, how = compare(tokenDriver, TOKENS, hostile, None)
        if ratio <= RATIO:
            return
    raise AssertionError(f"{ratio:.1f} times slower than valid lines ({how})")


# --------------------------------------------------------- SDP, MIME, XML
def sdpDriver(pieces: list[Any]) -> int:
    parser = SessionDescriptionParser(maxsize=None)
    units = 0
    for line in "".join(pieces).split("\n"):
        try:
            units += len(parser.feed(line))
        except SDPError:
            units += 1
    return units


SDP_VALID = fill("v=0\no=u 1 2 IN IP4 h\ns=s\nt=0 0\nc=IN IP4 224.2.17.12/127\n"
                 "m=audio 49170 RTP/AVP 0\na=rtpmap:0 PCMU/8000\n")


@pytest.mark.parametrize("hostile", [
    "v=0\no=u 1 2 IN IP4 h\ns=s\nt=0 0\n" + fill("a=" + "x" * 200 + "\n"),
    fill("o=" + " " * 100 + "u" + " " * 100 + "1\n"),
    fill("r=" + "1d " * 100 + "\n"),
    "t=" + "9" * SIZE + " 0\n",
    fill("m=audio 1/" + "9" * 60 + " " * 60 + "\n"),
], ids=["many attributes", "spaces in an origin", "long repeat", "huge number",
        "bad media"])
def test_SDP_is_read_from_hostile_input_within_10x_of_valid(hostile: str) -> None:
    for _ in range(RUNS):
        ratio, how = compare(sdpDriver, SDP_VALID, hostile, None)
        if ratio <= RATIO:
            return
    raise AssertionError(f"{ratio:.1f} times slower than valid SDP ({how})")


def mimeDriver(pieces: list[Any]) -> int:
    return len(MimeDict.fromString("".join(pieces)))


@pytest.mark.parametrize("hostile", [
    "A: b\r\n" + fill(" continued\r\n") + "\r\nbody",
    fill("A: b\r\n") + "\r\nbody",
    fill("x" * 1000) + ":" + fill("\r"),
], ids=["continuation lines", "one key many times", "backtracking bait"])
def test_MIME_headers_are_read_from_hostile_input_within_10x_of_valid(hostile: str) -> None:
    valid = fill("Host: example.com\r\nAccept: text/html\r\nX-Forwarded-For: 10.0.0.1\r\n") \
        + "\r\nbody"
    for _ in range(RUNS):
        ratio, how = compare(mimeDriver, valid, hostile, None)
        if ratio <= RATIO:
            return
    raise AssertionError(f"{ratio:.1f} times slower than a valid header ({how})")


def xmlDriver(pieces: list[Any]) -> int:
    from xml.sax import SAXParseException, handler
    parser = newIncrementalParser(handler.ContentHandler())
    feeder = IncrementalFeeder(parser, maxtokensize=None)
    try:
        for piece in pieces:
            feeder.feed(piece)
        feeder.flush()
    except SAXParseException:
        pass
    return 1


XML_VALID = b"<doc>" + fill(b"<item id='7' kind='x'>some text &amp; more</item>\n")


@pytest.mark.parametrize("hostile", [
    b"<doc><a x='" + b"v" * SIZE,
    b"<doc><a x='" + b">" * SIZE,
    b"<doc><!--" + b"c" * SIZE,
    b"<doc>&" + b"e" * SIZE,
    b"<doc><?pi " + b"p" * SIZE,
], ids=["endless attribute", "greater-thans in a value", "endless comment",
        "endless entity", "endless processing instruction"])
def test_XML_with_an_endless_token_is_fed_within_10x_of_valid(hostile: bytes) -> None:
    check(xmlDriver, XML_VALID, hostile)


# ------------------------------------------- an oversized unit on a connection
def chunkEcho(**argd: Any) -> Any:
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.Framing import DataChunker, DataDeChunker
    return Pipeline(DataDeChunker(maxchunksize=1000), DataChunker())


def lineEcho(**argd: Any) -> Any:
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.LineSplit import LineSplit
    from Kamaelia.Util.PureTransformer import PureTransformer
    return Pipeline(LineSplit(b"\n", maxlength=1000), PureTransformer(lambda line: line + b"\n"))


@pytest.mark.parametrize("protocol, opening, good, endless", [
    # A chunk is complete when the next one starts: each "hello" is sent
    # with the start of the next chunk after it.
    (chunkEcho, b"X" * 24, b"hello" + b"X" * 24, b"y" * 600),
    (lineEcho, b"", b"hello\n", b"z" * 600),
], ids=["DataDeChunker", "LineSplit"])
def test_a_unit_over_its_limit_closes_that_connection_only(
        protocol: Callable[..., Any], opening: bytes, good: bytes, endless: bytes,
        caplog: pytest.LogCaptureFixture) -> None:
    import logging
    from nettools import Background, connect, receiveAll, receiveExactly
    from Kamaelia.Chassis.ConnectedServer import ServerCore

    server = ServerCore(protocol=protocol, port=0, host="127.0.0.1")
    expected = b"X" * 24 + b"hello" if protocol is chunkEcho else b"hello\n"
    with caplog.at_level(logging.ERROR):
        with Background(server):
            with connect(server.port) as steady, connect(server.port) as rude:
                steady.sendall(opening + good)
                assert receiveExactly(steady, len(expected)) == expected
                rude.sendall(opening + endless)
                rude.sendall(endless)                # more of it: past the limit of 1000
                assert receiveAll(rude) == b""       # closed by the server
                steady.sendall(good)
                assert receiveExactly(steady, len(expected)) == expected
            with connect(server.port) as later:
                later.sendall(opening + good)
                assert receiveExactly(later, len(expected)) == expected
    assert "=1000" in caplog.text and "ends, sending producerFinished" in caplog.text

"""parser-worst-case: each parser's speed on its worst input against valid input.

What it measures
----------------
For each main parser -- ``ChunkDecoder`` (the decoder of ``DataDeChunker``)
in its two formats, ``SimpleFrame.fromString`` (``DeFramer``), the line
splitter of ``LineSplit`` (``LineDecoder``), the token lines of
``Tokenisation.Simple``, the IRC client's line parser and the process
pipes' ``FrameDecoder`` -- the throughput in MB/s on valid input and on
the worst input found for it, the same number of bytes of each, fed in
the same pieces (64 bytes, as many small network reads), in the same run;
and the ratio of the two. The target (issue 11) is a ratio of at most 10:
every parser linear in its input, with a constant within 10x of that of
valid input. Before issue 11 the stuffed chunk decoder took ~900 times as
long on the all-0xC0 input as on valid chunks.

The inputs (``tests/stress/test_stress_hostile_parsers.py`` checks many
more; these are the worst of them):

==================  ======================================  ===================================
parser              valid input                             worst input
==================  ======================================  ===================================
chunks, stuffing    chunks of 1 KiB random messages         0xC0 bytes after a sync message
chunks, percent     chunks of 1 KiB random messages         ``XXX...Xy``: 23 of 24 sync bytes
frames              one frame of all the data               a header of a million digits
lines               IRC-like lines of 66 bytes              one line that never ends (CR LF
                                                            separator, no limit)
token lines         whiteboard lines, escapes and a list    ``[ [ [ ...``: one list in another
IRC client          IRC lines of 66 bytes                   one line that never ends
process pipes       frames of 1 KiB                         one 8-byte header over the limit,
                                                            then the frame's bytes to skip
==================  ======================================  ===================================

Why it is fair
--------------
Both inputs go through the same parser object, in the same pieces, timed
the same way, interleaved, best of the repetitions; only the bytes differ.
A ratio near 1 (or below: much hostile input is dropped cheaply) means the
parser cannot be slowed by what it is sent; a quadratic one shows ratios
in the hundreds at this size. ``--quick`` uses 256 KiB inputs instead of
4 MiB and finishes in a few seconds.
"""

from __future__ import annotations

import gc
import random
from time import perf_counter
from typing import Any, Callable

from .harness import Row, interleave

NAME = "parser-worst-case"
TARGET_RATIO = 10.0
PIECE = 64


def _fill(unit: Any, size: int) -> Any:
    return (unit * (size // len(unit) + 1))[:size]


def _cut(data: Any) -> list[Any]:
    return [data[at:at + PIECE] for at in range(0, len(data), PIECE)]


# ------------------------------------------------------------------ drivers
def _chunkDriver(escaping: str) -> Callable[[list[Any]], int]:
    from Kamaelia.Protocol.Framing import ChunkDecoder, FramingError

    def drive(pieces: list[Any]) -> int:
        decoder = ChunkDecoder(escaping=escaping, maxchunksize=None)
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
        return units
    return drive


def _frameDriver(pieces: list[Any]) -> int:
    from Kamaelia.Protocol.Framing import FramingError, SimpleFrame
    try:
        SimpleFrame.fromString(b"".join(pieces))
    except FramingError:
        pass
    return 1


def _lineDriver(pieces: list[Any]) -> int:
    from Kamaelia.Util.LineSplit import LineDecoder
    decoder = LineDecoder(b"\r\n", maxlength=None)
    return sum(len(decoder.feed(piece)) for piece in pieces)


def _tokenDriver(pieces: list[Any]) -> int:
    from Kamaelia.Util.Tokenisation.Simple import EscapedListMarshalling
    units = 0
    for line in "".join(pieces).split("\n"):
        try:
            EscapedListMarshalling.demarshall(line)
        except ValueError:
            pass
        units += 1
    return units


def _ircDriver(pieces: list[Any]) -> int:
    from Kamaelia.Protocol.IRC.IRCClient import IRC_Client
    client = IRC_Client(maxlinelength=None)
    for piece in pieces:
        client.handleMessage(piece)
    return len(client.outboxes["heard"])


def _pipeDriver(pieces: list[Any]) -> int:
    from Axon.experimental._pipes import FrameDecoder, FrameTooLarge
    decoder = FrameDecoder(maxframesize=64 * 1024)
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


# ------------------------------------------------------------------- inputs
def _chunks(escaping: str, size: int) -> bytes:
    from Kamaelia.Protocol.Framing import ChunkEncoder
    rng = random.Random(1024)
    encoder = ChunkEncoder(escaping=escaping)
    out, length = [], 0
    while length < size:
        chunk = encoder.encode(rng.randbytes(1024))
        out.append(chunk)
        length += len(chunk)
    return b"".join(out)[:size]


def _cases(size: int) -> list[tuple[str, Callable[[list[Any]], int], Any, Any]]:
    from Axon.experimental._pipes import encodeFrame
    from Kamaelia.Protocol.Framing import SimpleFrame
    lines = _fill(b"PRIVMSG #channel :a line of text of a usual length, more or less\r\n", size)
    return [
        ("chunks, stuffing", _chunkDriver("stuffing"), _chunks("stuffing", size),
         b"\xc0SYNCx" + b"\xc0" * (size - 6)),
        ("chunks, percent", _chunkDriver("percent"), _chunks("percent", size),
         _fill(b"X" * 23 + b"y", size)),
        ("frames", _frameDriver, bytes(SimpleFrame(7, b"d" * (size - 12))),
         b"9" * (size - 4) + b" 1\nx"),
        ("lines", _lineDriver, lines, _fill(b"no end ", size)),
        ("token lines", _tokenDriver,
         _fill("ADD NODE 42 a%20node%20name auto entity [ x y ] \n", size),
         _fill("[ ", size)),
        ("IRC client", _ircDriver, lines, _fill(b"no end to this line ", size)),
        ("process pipes", _pipeDriver, _fill(encodeFrame(b"p" * 1024), size),
         encodeFrame(b"x" * (size - 8))),
    ]


def _timed(driver: Callable[[list[Any]], int], pieces: list[Any]) -> Callable[[], float]:
    def run() -> float:
        gc.collect()
        start = perf_counter()
        driver(pieces)
        return perf_counter() - start
    return run


def run(quick: bool, reps: int) -> list[Row]:
    size = (256 if quick else 4096) * 1024
    rows: list[Row] = []
    for label, driver, valid, worst in _cases(size):
        samples = interleave(reps, {"valid": _timed(driver, _cut(valid)),
                                    "worst": _timed(driver, _cut(worst))}, warmup=not quick)
        rates = {name: [size / t / 1e6 for t in times] for name, times in samples.items()}
        best = {name: max(values) for name, values in rates.items()}
        ratio = best["valid"] / best["worst"]
        rows.append(Row(f"{label}: valid", best["valid"], "MB/s", rates["valid"]))
        rows.append(Row(f"{label}: worst", best["worst"], "MB/s", rates["worst"]))
        rows.append(Row(f"{label}: valid / worst", ratio, "x",
                        target=f"<= {TARGET_RATIO:g}", ok=ratio <= TARGET_RATIO))
    return rows

"""RateChunker: re-chunk a stream so that each chunk lasts 1/chunkrate seconds.

Example Usage
-------------
Eight 2-byte samples per second, cut into 3 chunks per second (so chunks
of 2 or 3 samples, averaging 8/3)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.RateChunker import RateChunker
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([b"aabbccddeeffgghh"]),
        RateChunker(datarate=8, quantasize=2, chunkrate=3),
        PureTransformer(lambda chunk: chunk.decode() + "\\n"),
        ConsoleEchoer(),
    ).run()                     # prints aabb, ccddee, ffgghh

How does it work?
-----------------
``RateChunker(datarate, quantasize, chunkrate)`` describes a stream of data
(``str`` or ``bytes``) made of *quanta* (for example audio samples) of
``quantasize`` characters each, played at ``datarate`` quanta per second. It
collects what arrives on ``"inbox"`` and sends it out of ``"outbox"`` in
chunks that each hold one ``1/chunkrate`` of a second of data, always a
whole number of quanta. When ``datarate / chunkrate`` is not a whole
number, chunk sizes vary by one quantum so that, over time, exactly
``chunkrate`` chunks are sent per second of data: chunk ``k`` ends at
quantum ``floor((k + 1) * datarate / chunkrate)`` (exact arithmetic, no
drift).

It is a re-chunker, not a timer: it sends chunks as soon as the data for
them has arrived (put a rate limiter after it to pace them in real time).

The first message decides whether the stream is ``str`` or ``bytes``; a
message of the other kind, or something that is not text, is logged as an
error (logger ``Kamaelia.Util.RateChunker``, naming the component and the
message) and skipped, keeping what was collected. Bad arguments raise at
construction, naming the value; ``chunkrate`` may not exceed ``datarate``
(chunks would hold less than one quantum).

Boxes: ``"inbox"`` takes data; ``"outbox"`` sends chunks; ``"control"`` takes
shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it takes in
everything already waiting and sends the complete chunks, then sends what
is left as one shorter chunk (it is never dropped), then sends that same
message out of ``"signal"`` and ends. Other messages on ``"control"`` are
logged and ignored.

What it does not do: it does not pace the chunks in time, look inside the
data, or check that the input is a whole number of quanta (a trailing part
quantum ends up in the last chunk).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable

from Axon.Ipc import ipc
from Kamaelia.Util._arguments import positiveInt, positiveNumber
from Kamaelia.Util._stream import CheckShutdown, StreamTransformer, TextBuffer

__all__ = ["RateChunker"]


class RateChunker(CheckShutdown, StreamTransformer):
    """RateChunker(datarate, quantasize, chunkrate) -> chunks of 1/chunkrate s of data

    - datarate   -- quanta per second in the stream
    - quantasize -- characters (bytes) per quantum
    - chunkrate  -- chunks wanted per second of data (at most datarate)
    """

    Inboxes = {"inbox": "data (str or bytes) to re-chunk", "control": "shutdown signalling"}
    Outboxes = {"outbox": "chunks, each 1/chunkrate seconds of data",
                "signal": "shutdown signalling"}

    def __init__(self, datarate: float, quantasize: int, chunkrate: float,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.datarate = positiveNumber("RateChunker", "datarate", datarate)
        self.quantasize = positiveInt("RateChunker", "quantasize", quantasize)
        self.chunkrate = positiveNumber("RateChunker", "chunkrate", chunkrate)
        self._quantaPerChunk = Fraction(datarate) / Fraction(chunkrate)
        if self._quantaPerChunk < 1:
            raise ValueError(f"RateChunker: chunkrate {chunkrate!r} exceeds datarate "
                             f"{datarate!r}; chunks would hold less than one quantum")
        self.buffer = TextBuffer("RateChunker")
        self.chunksSent = 0
        self._nextSize = self._chunkSize(0)

    @property
    def quanta(self) -> int:
        """1.14's name for ``quantasize``."""
        return self.quantasize

    def controlRequest(self) -> ipc | None:
        """The shutdown message once 1.14's ``checkShutdown()`` says it can stop."""
        canStop, _ = self.checkShutdown()
        return self.shutdownMsg if canStop else None

    def _chunkSize(self, k: int) -> int:
        """Size in characters of chunk ``k`` (counted from 0)."""
        per = self._quantaPerChunk
        return ((k + 1) * per // 1 - k * per // 1) * self.quantasize

    def feed(self, message: Any) -> Iterable[Any]:
        buffer = self.buffer
        buffer.push(message)
        chunks = []
        while len(buffer) >= self._nextSize:
            chunks.append(buffer.cut(self._nextSize))
            self.chunksSent += 1
            self._nextSize = self._chunkSize(self.chunksSent)
        return chunks

    def finish(self) -> Iterable[Any]:
        return (self.buffer.takeAll(),) if len(self.buffer) else ()


__kamaelia_components__ = (RateChunker,)

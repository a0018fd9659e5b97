"""Chunkifier: cut a stream of text or bytes into chunks of a fixed size.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Chunkifier import Chunkifier
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["abc", "defgh", "ij"]),
        Chunkifier(chunksize=4),
        PureTransformer(lambda chunk: chunk + "\\n"),
        ConsoleEchoer(),
    ).run()                     # prints abcd, efgh and ij

How does it work?
-----------------
``Chunkifier(chunksize=1048576, nodelay=False)`` collects the strings (or
bytes) arriving on ``"inbox"`` and sends them out of ``"outbox"`` as chunks
of exactly ``chunksize`` characters (bytes), however the input was split.
With ``nodelay=True`` it does not hold back a partly filled chunk: whatever
is left after cutting the whole chunks out of a message is sent at once.

The first message decides whether this is a stream of ``str`` or of
``bytes`` (``bytearray`` counts as ``bytes``); a message of the other kind,
or something that is not text at all, is logged as an error (logger
``Kamaelia.Util.Chunkifier``, naming the component and the message) and
skipped, and the data collected so far is kept. A bad ``chunksize`` raises
at construction, naming the value.

Boxes: ``"inbox"`` takes ``str`` or ``bytes``; ``"outbox"`` sends chunks;
``"control"`` takes shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` *or* ``shutdownMicroprocess`` it takes in
everything already waiting, sends the whole chunks, then sends the last,
shorter chunk (if any data is left), then sends that same message out of
``"signal"`` and ends. (1.14 threw the partial chunk away on a shutdown; we
never drop data silently.) Other messages on ``"control"`` are logged and
ignored.

What it does not do: it does not respect line or character boundaries
(split text with ``LineSplit``), and sends no empty chunks.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import StreamTransformer, TextBuffer

__all__ = ["Chunkifier"]


class Chunkifier(StreamTransformer):
    """Chunkifier(chunksize=1048576, nodelay=False) -> re-chunks a stream to a fixed size

    - chunksize -- the size of every chunk but the last, in characters or bytes
    - nodelay   -- send partial chunks at once instead of waiting for more data
    """

    Inboxes = {"inbox": "str or bytes to be cut into chunks", "control": "shutdown signalling"}
    Outboxes = {"outbox": "chunks of chunksize (the last may be shorter)",
                "signal": "shutdown signalling"}

    def __init__(self, chunksize: int = 1048576, nodelay: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        self.chunksize = positiveInt("Chunkifier", "chunksize", chunksize)
        self.nodelay = bool(nodelay)
        self.buffer = TextBuffer("Chunkifier")

    def feed(self, message: Any) -> Iterable[Any]:
        buffer, size = self.buffer, self.chunksize
        buffer.push(message)
        chunks = []
        while len(buffer) >= size:
            chunks.append(buffer.cut(size))
        if self.nodelay and len(buffer):
            chunks.append(buffer.takeAll())
        return chunks

    def finish(self) -> Iterable[Any]:
        return (self.buffer.takeAll(),) if len(self.buffer) else ()

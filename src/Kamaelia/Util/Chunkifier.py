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

The data waits in ``forwardqueue``, a :class:`CharacterFIFO` (1.14's queue
of characters: ``push(text)``, ``len()``, ``poplength(n)``); the chunks are
sent by 1.14's ``sendChunk()`` (one whole chunk) and ``sendPartialChunk()``
(whatever is left), which a subclass may override.

What it does not do: it does not respect line or character boundaries
(split text with ``LineSplit``), and sends no empty chunks.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import StreamTransformer, TextBuffer

__all__ = ["Chunkifier", "CharacterFIFO"]


class CharacterFIFO:
    """CharacterFIFO() -> a first-in first-out queue of characters (or bytes)

    ``push(text)`` adds a ``str`` (or ``bytes``: the first push decides which;
    TypeError for the other kind), ``len()`` is the number waiting and
    ``poplength(n)`` takes the first ``n`` (IndexError if fewer wait). Each
    character is copied a bounded number of times, however it was pushed.
    """

    def __init__(self) -> None:
        self._buffer = TextBuffer("CharacterFIFO")

    def push(self, text: Any) -> None:
        self._buffer.push(text)

    def __len__(self) -> int:
        return len(self._buffer)

    def poplength(self, length: int) -> Any:
        if length > len(self._buffer):
            raise IndexError(f"CharacterFIFO: {length} wanted, {len(self._buffer)} waiting")
        return self._buffer.cut(length)


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
        self.forwardqueue = CharacterFIFO()

    def feed(self, message: Any) -> Iterable[Any]:
        queue, size = self.forwardqueue, self.chunksize
        queue.push(message)         # raises (the message is skipped) if it is no text
        while len(queue) >= size:
            self.sendChunk()
        if self.nodelay:
            self.sendPartialChunk()
        return ()

    def finish(self) -> Iterable[Any]:
        self.sendPartialChunk()
        return ()

    def sendChunk(self) -> None:
        """Send one whole chunk from ``forwardqueue``."""
        self.send(self.forwardqueue.poplength(self.chunksize), "outbox")

    def sendPartialChunk(self) -> None:
        """Send whatever waits in ``forwardqueue`` (nothing if it is empty)."""
        if len(self.forwardqueue):
            self.send(self.forwardqueue.poplength(len(self.forwardqueue)), "outbox")


__kamaelia_components__ = (Chunkifier,)

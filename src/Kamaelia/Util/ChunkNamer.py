"""ChunkNamer: give each chunk a numbered file name.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.ChunkNamer import ChunkNamer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([b"first chunk", b"second chunk"]),
        ChunkNamer("frames/frame", ".bin"),
        PureTransformer(lambda named: f"{named[0]}: {len(named[1])} bytes\\n"),
        ConsoleEchoer(),
    ).run()       # prints frames/frame1.bin: 11 bytes, frames/frame2.bin: 12 bytes

How does it work?
-----------------
``ChunkNamer(basepath="", suffix="")`` sends ``[filename, chunk]`` out of
``"outbox"`` for each chunk arriving on ``"inbox"``, where ``filename`` is
``basepath + str(n) + suffix`` and ``n`` counts up from 1. That is the form a
whole-file writer takes, so a stream of chunks becomes a numbered series of
files. The chunk itself is passed on untouched, whatever its type.

Boxes: ``"inbox"`` takes chunks; ``"outbox"`` sends ``[filename, chunk]``
lists; ``"control"`` takes shutdown messages, which leave through
``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first names
everything already waiting, then sends that same message out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it writes no files and creates no folders; the name is
built by plain string concatenation (no path handling).
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer

__all__ = ["ChunkNamer"]


class ChunkNamer(StreamTransformer):
    """ChunkNamer(basepath="", suffix="") -> sends [basepath + n + suffix, chunk]

    - basepath -- put before the number (e.g. a folder and a file name prefix)
    - suffix   -- put after the number (e.g. ".jpg")
    """

    Inboxes = {"inbox": "chunks to be named", "control": "shutdown signalling"}
    Outboxes = {"outbox": "[file name, chunk] lists", "signal": "shutdown signalling"}

    def __init__(self, basepath: str = "", suffix: str = "", **argd: Any) -> None:
        super().__init__(**argd)
        for name, value in (("basepath", basepath), ("suffix", suffix)):
            if not isinstance(value, str):
                raise TypeError(f"ChunkNamer: {name} must be a str, not {value!r}")
        self.basepath = basepath
        self.suffix = suffix
        self.chunkNumber = 0

    def feed(self, message: Any) -> Iterable[Any]:
        self.chunkNumber += 1
        return ([f"{self.basepath}{self.chunkNumber}{self.suffix}", message],)


__kamaelia_components__ = (ChunkNamer,)

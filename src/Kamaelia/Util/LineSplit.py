"""LineSplit: turn a stream of text chunks into one message per line.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.LineSplit import LineSplit
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["one\\ntw", "o\\nthr", "ee"]),
        LineSplit(),
        PureTransformer(lambda line: f"[{line}]\\n"),
        ConsoleEchoer(),
    ).run()                     # prints [one], [two] and [three]

How does it work?
-----------------
``LineSplit(separator="\\n")`` collects the chunks arriving on ``"inbox"``
and sends every complete line out of ``"outbox"`` as soon as its separator
has arrived, without the separator, however the lines were split across
chunks. Empty lines are sent as empty strings. Use ``separator="\\r\\n"``
for network text (with the default, a line ending in ``"\\r\\n"`` keeps its
``"\\r"``).

Chunks may be ``str`` or ``bytes``; the first chunk decides which, and the
separator is converted to match (UTF-8). A chunk of the other kind, or
something that is not text at all, is logged as an error (logger
``Kamaelia.Util.LineSplit``, naming the component and the message) and
skipped, keeping the partial line collected so far. An empty or non-text
``separator`` raises at construction, naming the value.

Boxes: ``"inbox"`` takes text chunks; ``"outbox"`` sends lines;
``"control"`` takes shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it takes in
everything already waiting and sends the lines, then sends the unterminated
last line if there is one (it is never dropped), then sends that same
message out of ``"signal"`` and ends. Other messages on ``"control"`` are
logged and ignored.

It is a ``PureTransformer`` whose ``processMessage(msg)`` sends the lines
itself, as in 1.14. Unlike 1.14's, which split each message on its own (so
a line split across two messages came out as two pieces, and a message
ending in a newline gave an extra empty line), it joins lines across
messages.

What it does not do: it does not decode bytes to text or strip other
whitespace; a trailing separator at the very end produces no extra empty
line.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import TextBuffer
from Kamaelia.Util.PureTransformer import PureTransformer

__all__ = ["LineSplit"]


class LineSplit(PureTransformer):
    """LineSplit(separator="\\n") -> sends each complete line, without its separator

    - separator -- what ends a line (str or bytes, not empty)
    """

    Inboxes = {"inbox": "chunks of str or bytes", "control": "shutdown signalling"}
    Outboxes = {"outbox": "one line per message, separator removed",
                "signal": "shutdown signalling"}

    def __init__(self, separator: str | bytes = "\n", **argd: Any) -> None:
        super().__init__(**argd)
        if not isinstance(separator, (str, bytes)) or not separator:
            raise ValueError(f"LineSplit: separator must be a non-empty str or bytes, "
                             f"not {separator!r}")
        self.separator = separator
        self.buffer = TextBuffer("LineSplit")
        self._sep: Any = None           # the separator, of the stream's kind

    def processMessage(self, msg: Any) -> None:
        """Send the lines that ``msg`` completes (as 1.14's did, returning None)."""
        for line in self._lines(msg):
            self.send(line, "outbox")

    def _lines(self, message: Any) -> list[Any]:
        buffer = self.buffer
        buffer.push(message)
        sep = self._sep
        if sep is None:
            sep = self.separator
            if isinstance(sep, str) and buffer.kind is bytes:
                sep = sep.encode("utf-8")
            elif isinstance(sep, bytes) and buffer.kind is str:
                sep = sep.decode("utf-8")
            self._sep = sep
        if len(sep) == 1 and sep not in message:
            return []                   # cannot have completed a line
        *lines, rest = buffer.takeAll().split(sep)
        buffer.push(rest)
        return lines

    def finish(self) -> Iterable[Any]:
        return (self.buffer.takeAll(),) if len(self.buffer) else ()


__kamaelia_components__ = (LineSplit,)

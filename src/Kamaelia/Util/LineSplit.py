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

Limits and hostile input: a line may be at most ``maxlength`` characters
(bytes), 64 KiB by default, separator not counted (``None``: no limit). A
longer one -- even one whose end has not arrived -- is dropped; the
component logs an error naming the limit, sends the lines completed
before it, then ``producerFinished`` out of ``"signal"``, and ends: on a
network connection, that closes it. The time taken is linear in the
input however it is cut: each chunk is searched once for the separator
(with the end of the previous one, in case the separator is split), and a
partial line is joined once, when it ends.

:class:`LineDecoder` is the splitting as a plain object, for other
parsers: ``feed(chunk)`` returns the lines completed, ``close()`` the
unterminated last one; it raises :class:`LineTooLong` (a ``ValueError``)
past ``maxlength`` and ``TypeError`` for what is not text of the stream's
kind, and nothing else.

What it does not do: it does not decode bytes to text or strip other
whitespace; a trailing separator at the very end produces no extra empty
line.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator

from Kamaelia._shutdown import shutdownRequest
from Kamaelia.Support._limits import MAX_LINE_LENGTH, checkLimit, endOversized
from Kamaelia.Util.PureTransformer import PureTransformer
from Kamaelia.Util._stream import shortRepr

__all__ = ["LineSplit", "LineDecoder", "LineTooLong", "MAX_LINE_LENGTH"]

log = logging.getLogger(__name__)


class LineTooLong(ValueError):
    """A line longer than the decoder's ``maxlength``; it was dropped.

    ``limit`` is the limit; ``lines`` the other lines the same chunk
    completed (they are not lost).
    """

    def __init__(self, message: str, limit: int, lines: list[Any] | None = None) -> None:
        super().__init__(message)
        self.limit = limit
        self.lines = lines if lines is not None else []


class LineDecoder:
    """LineDecoder(separator="\\n", maxlength=MAX_LINE_LENGTH, owner="LineDecoder") -> splits a stream of text into lines

    - separator -- what ends a line (str or bytes, not empty); converted to
      the stream's kind (UTF-8) by the first chunk
    - maxlength -- the longest line, separator not counted (None: no limit)
    - owner     -- the name used in error messages

    ``feed(chunk)`` returns the lines it completes, without separators;
    ``close()`` returns the unterminated last line (None if there is none)
    and starts afresh; ``len()`` is the size of the partial line held.
    After :class:`LineTooLong` the rest of that line, up to the next
    separator, is dropped as it arrives, and splitting carries on after it.
    """

    __slots__ = ("separator", "maxlength", "owner", "kind", "_sep", "_parts", "_size",
                 "_tail", "_skipping")

    def __init__(self, separator: str | bytes = "\n",
                 maxlength: int | None = MAX_LINE_LENGTH, owner: str = "LineDecoder") -> None:
        if not isinstance(separator, (str, bytes)) or not separator:
            raise ValueError(f"{owner}: separator must be a non-empty str or bytes, "
                             f"not {separator!r}")
        self.separator = separator
        self.maxlength = checkLimit(owner, "maxlength", maxlength)
        self.owner = owner
        self.kind: type | None = None
        self._sep: Any = None
        self._parts: list[Any] = []      # the partial line, in pieces
        self._size = 0
        self._tail: Any = None           # its last len(sep) - 1 characters
        self._skipping = False           # dropping the rest of a line too long

    def __len__(self) -> int:
        return self._size

    def _text(self, chunk: Any) -> Any:
        if isinstance(chunk, (bytearray, memoryview)):
            chunk = bytes(chunk)
        kind = type(chunk)
        if kind is not str and kind is not bytes:
            raise TypeError(f"{self.owner} takes str or bytes, not {shortRepr(chunk)}")
        if self.kind is None:
            sep = self.separator
            if isinstance(sep, str) and kind is bytes:
                sep = sep.encode("utf-8")
            elif isinstance(sep, bytes) and kind is str:
                sep = sep.decode("utf-8")
            self.kind, self._sep, self._tail = kind, sep, chunk[:0]
        elif kind is not self.kind:
            raise TypeError(f"{self.owner} was given {self.kind.__name__} so far and cannot "
                            f"mix in {kind.__name__}: {shortRepr(chunk)}")
        return chunk

    def feed(self, chunk: Any) -> list[Any]:
        """The lines that ``chunk`` completes (raises LineTooLong or TypeError)."""
        chunk = self._text(chunk)
        if not chunk:
            return []
        sep = self._sep
        keep = len(sep) - 1
        # Only the new chunk is searched, and where it meets the one before
        # (the separator may be split between them): nothing is read twice.
        tail = self._tail
        found = chunk.find(sep)
        split = -1                  # where, in tail, a separator split across chunks starts
        if keep and tail:
            edge = (tail + chunk[:keep]).find(sep)
            if 0 <= edge < len(tail):
                split = edge
        if self._skipping:
            if found < 0 and split < 0:
                self._tail = self._end(tail, chunk, keep)
                return []
            self._skipping = False
            end = split - len(tail) if split >= 0 else found
            chunk = chunk[end + len(sep):]
            self._tail = tail = chunk[:0]
            if not chunk:
                return []
            found, split = chunk.find(sep), -1
        limit = self.maxlength
        if found < 0 and split < 0:
            self._parts.append(chunk)
            self._size += len(chunk)
            self._tail = self._end(tail, chunk, keep)
            if limit is not None and self._size > limit + keep:
                self._tooLong([], self._size)
            return []
        parts = self._parts
        if parts:
            parts.append(chunk)
            text = chunk[:0].join(parts)
            self._parts = []
        else:
            text = chunk
        *lines, rest = text.split(sep)
        self._size = len(rest)
        self._parts = [rest] if rest else []
        self._tail = rest[-keep:] if keep else rest[:0]
        if limit is not None:
            # (No line of a text shorter than the limit can be too long.)
            if len(text) > limit and max(map(len, lines)) > limit:
                good = [line for line in lines if len(line) <= limit]
                if self._size > limit + keep:
                    self._parts, self._size, self._skipping = [], 0, True
                raise LineTooLong(f"{self.owner}: {len(lines) - len(good)} line(s) of more "
                                  f"than maxlength={limit} "
                                  f"{'bytes' if self.kind is bytes else 'characters'} "
                                  f"dropped", limit, good)
            if self._size > limit + keep:
                self._tooLong(lines, self._size)
        return lines

    @staticmethod
    def _end(tail: Any, chunk: Any, keep: int) -> Any:
        """The last ``keep`` characters of ``tail + chunk`` (copying little)."""
        if not keep:
            return chunk[:0]
        return chunk[-keep:] if len(chunk) >= keep else (tail + chunk)[-keep:]

    def _tooLong(self, lines: list[Any], size: int) -> None:
        limit = self.maxlength
        assert limit is not None
        self._parts, self._size = [], 0
        self._skipping = True
        raise LineTooLong(f"{self.owner}: a line of at least {size} "
                          f"{'bytes' if self.kind is bytes else 'characters'} without its "
                          f"end, more than maxlength={limit}, was dropped", limit, lines)

    def close(self) -> Any:
        """The unterminated last line (None if there is none); the decoder starts afresh."""
        parts, skipping = self._parts, self._skipping
        self._parts, self._size, self._skipping = [], 0, False
        self._tail = None if self.kind is None else self._tail[:0]
        if not parts or skipping:
            return None
        return parts[0][:0].join(parts)


class LineSplit(PureTransformer):
    """LineSplit(separator="\\n", maxlength=MAX_LINE_LENGTH) -> sends each complete line, without its separator

    - separator -- what ends a line (str or bytes, not empty)
    - maxlength -- the longest line accepted, separator not counted (None:
      no limit); past it the component ends (see the module docstring)
    """

    Inboxes = {"inbox": "chunks of str or bytes", "control": "shutdown signalling"}
    Outboxes = {"outbox": "one line per message, separator removed",
                "signal": "shutdown signalling"}

    def __init__(self, separator: str | bytes = "\n",
                 maxlength: int | None = MAX_LINE_LENGTH, **argd: Any) -> None:
        super().__init__(**argd)
        self.decoder = LineDecoder(separator, maxlength, "LineSplit")
        self.separator = separator
        self.maxlength = self.decoder.maxlength
        self._oversized: LineTooLong | None = None

    def processMessage(self, msg: Any) -> None:
        """Send the lines that ``msg`` completes (as 1.14's did, returning None)."""
        try:
            lines = self.decoder.feed(msg)
        except LineTooLong as exc:
            lines, self._oversized = exc.lines, exc
        for line in lines:
            self.send(line, "outbox")

    def finish(self) -> Iterable[Any]:
        last = self.decoder.close()
        return () if last is None else (last,)

    def main(self) -> Iterator[Any]:
        while True:
            self._splitWaiting()
            request = None if self._oversized else shutdownRequest(self)
            if request is not None:
                self._splitWaiting()
            if self._oversized is not None:
                endOversized(self, self._oversized, "maxlength", self.maxlength)
                return
            if request is not None:
                for result in self.finish():
                    self.send(result, "outbox")
                self.send(request, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _splitWaiting(self) -> None:
        while self._oversized is None and self.dataReady("inbox"):
            message = self.recv("inbox")
            try:
                self.processMessage(message)
            except Exception as exc:
                log.error("%s cannot split %s (%s: %s); that message was skipped", self.name,
                          shortRepr(message), type(exc).__name__, exc)


__kamaelia_components__ = (LineSplit,)

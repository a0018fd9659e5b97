"""Framing: stamped frames, and messages carried as chunks of one stream.

Example Usage
-------------
Stamp messages, frame them, and read the frames back::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.Framing import Framer, DeFramer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([(1, b"hello"), (2, b"world")]),
        Framer(),                          # b"1 5\\nhello", b"2 5\\nworld"
        DeFramer(),                        # (1, b"hello"), (2, b"world")
        PureTransformer(lambda frame: f"{frame[0]}: {frame[1].decode()}\\n"),
        ConsoleEchoer(),
    ).run()                                # prints 1: hello and 2: world

Send messages down a byte stream, which may be cut anywhere on the way (as
a TCP connection does), and get the same messages out at the other end::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.Framing import DataChunker, DataDeChunker
    from Kamaelia.Util.Chunkifier import Chunkifier
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([b"one message\\n", b"and another\\n"]),
        DataChunker(),
        Chunkifier(chunksize=3),           # cut the stream into 3-byte pieces
        DataDeChunker(),
        PureTransformer(bytes.decode),
        ConsoleEchoer(),
    ).run()                                # prints one message and and another

The same, without components: the wire format is handled by plain objects
that never touch a scheduler or a socket::

    from Kamaelia.Protocol.Framing import ChunkEncoder, ChunkDecoder, SimpleFrame

    print(str(SimpleFrame(1, "hello")) == "1 5\\nhello")          # True
    print(repr(SimpleFrame.fromString(b"7 2\\nhi")))              # SimpleFrame(7, b'hi')
    print(ChunkEncoder().encode(b"50% X"))        # b'XXXXXXXXXXXXXXXXXXXXXXXX50%25 %58'

    encoder, decoder = ChunkEncoder(), ChunkDecoder()
    stream = encoder.encode(b"first") + encoder.encode(b"second")
    for byte in stream:                     # one byte at a time
        decoder.feed(bytes([byte]))
        while (chunk := decoder.nextChunk()) is not None:
            print(chunk)                    # b'first'
    decoder.close()                         # the end of the stream ends the last chunk
    print(decoder.nextChunk())              # b'second'

How does it work?
-----------------
**Frames.** A :class:`SimpleFrame` is a pair ``(stamp, data)``: an ``int``
stamp (a sequence number, a time, ...) and ``str`` or ``bytes`` data. Its
wire form (Kamaelia 1.14's) is a header line, then the data::

    <stamp> <length of data>\\n<data>

which is what ``str(frame)`` (for ``str`` data) and ``bytes(frame)`` or
``frame.toBytes()`` (for ``bytes`` data) return; the length counts
characters or bytes accordingly. :meth:`SimpleFrame.fromString` reads one
frame back from ``str`` or ``bytes`` and raises :class:`ShortFrame` if the
data is shorter than the header says (more may be on its way) and
:class:`CorruptFrame` if the header is not two decimal numbers separated by
one space or the data is longer. Each frame read adds one to the module's
:data:`COUNT`, as in 1.14. A frame is one whole message: frames sent down a
stream need a layer that keeps messages apart, such as chunks.

``Framer()`` sends the wire form of each ``(stamp, data)`` pair it receives
(``bytes`` data gives ``bytes``, ``str`` gives ``str``); a message that is
not such a pair is logged as an error and skipped. ``DeFramer()`` reads
each message as one frame and sends ``(stamp, data)`` as a plain tuple; a
message that is not a good frame is logged as a warning naming what is
wrong with it (logger ``Kamaelia.Protocol.Framing``) and dropped, and the
component carries on with the next one.

**Chunks.** ``DataChunker(syncmessage=None, escaping="percent")`` turns each
message into a *chunk*: the sync message, then the message with every
character that could be mistaken for part of a sync message escaped.
``DataDeChunker(syncmessage=None, escaping="percent")`` takes the
resulting stream, cut up in any way, and sends the original messages, one
per chunk. A chunk ends where the next sync message starts, so
``DataDeChunker`` holds the last message received until the next one
begins, a message arrives on its ``"flush"`` inbox (then the chunk received
so far is taken to be complete and sent), or the stream ends.

There are two escapings; both ends of a stream must use the same one, and
the same sync message:

* ``escaping="percent"`` (the default) is Kamaelia 1.14's wire format, so
  1.14 peers and these components understand each other. The default sync
  message is 1.14's, 24 ``X`` characters (:data:`DEFAULT_SYNC_MESSAGE`). In
  the data, ``%`` is sent as ``%25`` and each character of the sync message
  as ``%`` and its hexadecimal code (``X`` as ``%58``), as
  :func:`Kamaelia.Support.Data.Escape.escape` does, so no character of the
  sync message occurs in a chunk's data. Every message comes back
  unchanged when the sync message is made of characters from U+0010 to
  U+00FF other than ``%`` and the digits ``0-9a-f`` (the default is); for
  others 1.14's format can confuse some messages, and a warning is logged
  when the component is made. A sync message starting with ``%`` or a
  digit ``0-9a-f`` cannot work at all (its first character would occur in
  escaped data) and is refused with ``ValueError``.
* ``escaping="stuffing"`` is a compact byte-stuffing format: only two
  characters are ever escaped, the first of the sync message, ``S``, and
  the *escape* ``E``, the character after ``S`` (its code plus one,
  wrapping round). ``E`` is sent as ``E E``, and ``S`` as ``E F``, where
  ``F`` is the character after ``E``; all other data is sent as it is. Its
  default sync message is ``b"\\xc0SYNC"`` for ``bytes``
  (:data:`DEFAULT_SYNC_BYTES`): ``0xC0`` and ``0xC1`` never occur in UTF-8,
  so text sent as UTF-8 is never escaped; for ``str`` it is
  ``"\\ufdd0SYNC"`` (:data:`DEFAULT_SYNC_TEXT`), built from Unicode
  noncharacters. This format also reports damaged escapes
  (:class:`CorruptChunk`) and chunks cut short inside an escape
  (:class:`IncompleteChunk`).

A stream carries ``str`` or ``bytes``, decided by its first message; a
message of the other kind is logged and skipped. A sync message of the
other kind than the stream is converted to it with UTF-8, so
``DataDeChunker(syncmessage="MYSYNC")`` reads bytes from a socket.

What the dechunker does with a damaged stream: data before the first sync
message, or a sync message that does not match, is dropped up to the next
start of a sync message and reported as :class:`CorruptChunk` (so a
receiver joining a stream part way through starts with the next whole
chunk). When the stream ends inside a sync message that is reported as
:class:`IncompleteChunk`. Reports go to the log as warnings, naming the
component (at most one a kind every 10 s; see below); the component keeps
going.

:class:`ChunkEncoder` and :class:`ChunkDecoder` are those rules as plain
objects: ``encode(message)`` returns the chunk; ``feed(data)`` takes a
piece of the stream and ``nextChunk()`` returns the next whole message, or
``None`` when it needs more data; ``flush()`` and ``close()`` mark the end
of the chunk in progress and of the stream. The components are thin
wrappers around them, and call the methods 1.14 subclasses override:
``DataChunker.encodeChunk(message)`` (which calls ``escapeSyncMessage``)
for each message, ``DataDeChunker.decodeChunk(chunk)`` (which calls
``unEscapeSyncMessage``) for each chunk as it was in the stream, and, on
each turn, ``shouldFlush()`` and ``shutdown()``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` every component here first handles everything already
waiting on ``"inbox"`` (``DataDeChunker`` then ends the stream, sending the
last message), then passes that message on out of ``"signal"`` and ends;
this is what its ``shutdown()`` method does, returning True. Other messages
on ``"control"`` are kept as ``last_control_message``, logged and ignored.

**Limits and hostile input.** ``DataDeChunker(maxchunksize=...)`` and
``ChunkDecoder(maxchunksize=...)`` accept chunks of up to 16 MiB
(:data:`DEFAULT_MAX_CHUNK_SIZE`) as sent, that is escaped and without the
sync message; ``None`` means no limit. A chunk that grows past it is
dropped as soon as it does, and :class:`ChunkTooLarge` (a
``CorruptChunk``) raised: the decoder holds at most ``maxchunksize`` of a
chunk. ``DataDeChunker`` then logs an error naming the limit, sends
``producerFinished`` (carrying the error) out of ``"signal"`` and ends, so
that on a network connection the connection is closed: the stream comes
from a party that cannot be trusted any more. ``DeFramer(maxframesize=...)``
(16 MiB, :data:`DEFAULT_MAX_FRAME_SIZE`) drops a frame whose header
promises more, logging it as an error; each of its messages is already a
whole frame, so it carries on. ``SimpleFrame.fromString(s,
maxframesize=None)`` raises :class:`FrameTooLarge` (a ``CorruptFrame``).

Every decoder here takes time linear in its input, however it is cut and
whatever it holds (junk, partial sync messages, dense escapes): each piece
is searched from where the last search stopped, with ``find``,
``replace`` and ``count`` doing the per-character work. Warnings about
damage are logged at most once every 10 seconds of each kind per
component, with a count of the others (so a flood of broken chunks does
not flood the log), and the count still pending is logged when the
component ends.

What it does not do: frames carry no checksum and chunks no length, so
damage that leaves the syntax intact (a changed data byte) goes unnoticed.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from typing import Any, Iterable, Iterator, Union

from Axon.Ipc import ipc
from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia._shutdown import isShutdown
from Kamaelia.Support._limits import MAX_MESSAGE_SIZE, checkLimit, endOversized
from Kamaelia.Support.Data.Escape import escape as _percentEscape
from Kamaelia.Support.Data.Escape import replacementPlan as _replacementPlan
from Kamaelia.Support.Data.Escape import unescape as _percentUnescape
from Kamaelia.Util._stream import StreamTransformer, logFor, shortRepr

__all__ = ["FramingError", "CorruptFrame", "ShortFrame", "FrameTooLarge", "CorruptChunk",
           "ChunkTooLarge", "IncompleteChunk", "DEFAULT_MAX_CHUNK_SIZE", "DEFAULT_MAX_FRAME_SIZE",
           "SimpleFrame", "Framer", "DeFramer", "ChunkEncoder", "ChunkDecoder",
           "DataChunker", "DataDeChunker", "DEFAULT_SYNC_MESSAGE", "DEFAULT_SYNC_BYTES",
           "DEFAULT_SYNC_TEXT", "ESCAPINGS", "COUNT"]

log = logging.getLogger(__name__)

Text = Union[str, bytes]

#: 1.14's sync message, the default of the "percent" escaping (bytes streams
#: use its ASCII form).
DEFAULT_SYNC_MESSAGE = "XXXXXXXXXXXXXXXXXXXXXXXX"
#: The sync message of a ``bytes`` stream with "stuffing" escaping, when none is given.
DEFAULT_SYNC_BYTES = b"\xc0SYNC"
#: The sync message of a ``str`` stream with "stuffing" escaping, when none is given.
DEFAULT_SYNC_TEXT = "\ufdd0SYNC"
#: The escapings a stream of chunks may use (see the module docstring).
ESCAPINGS = ("percent", "stuffing")

#: ``DataDeChunker``'s and ``ChunkDecoder``'s default ``maxchunksize``: 16 MiB.
DEFAULT_MAX_CHUNK_SIZE = MAX_MESSAGE_SIZE
#: ``DeFramer``'s default ``maxframesize``: 16 MiB.
DEFAULT_MAX_FRAME_SIZE = MAX_MESSAGE_SIZE

#: The most digits :meth:`SimpleFrame.fromString` reads in each number of a
#: header (Python's own default limit for int(), which also bounds the work).
MAX_HEADER_DIGITS = 4300

#: How many frames :meth:`SimpleFrame.fromString` has read (1.14 kept this count).
COUNT = 0


# ------------------------------------------------------------------ errors
class FramingError(Exception):
    """A frame or a stream of chunks that cannot be read as it should."""


class CorruptFrame(FramingError):
    """The frame's header is malformed, or its data is longer than the header says."""


class ShortFrame(FramingError):
    """The frame's data is shorter than its header says."""


class CorruptChunk(FramingError):
    """Part of a stream of chunks was not a well-formed chunk; it was dropped."""


class ChunkTooLarge(CorruptChunk):
    """A chunk grew past the decoder's ``maxchunksize``; it was dropped.

    ``limit`` is the limit, in bytes or characters of the chunk as sent.
    """

    def __init__(self, message: str = "", limit: int | None = None) -> None:
        super().__init__(message)
        self.limit = limit


class FrameTooLarge(CorruptFrame):
    """A frame's header promises more data than ``maxframesize`` allows.

    ``limit`` is the limit, in bytes or characters of data.
    """

    def __init__(self, message: str = "", limit: int | None = None) -> None:
        super().__init__(message)
        self.limit = limit


class IncompleteChunk(FramingError):
    """The stream (or a flush) ended part way through a chunk.

    ``data`` is what could be read of the chunk (``None`` if nothing could).
    """

    def __init__(self, message: str = "", data: Text | None = None) -> None:
        super().__init__(message)
        self.data = data


def _asText(owner: str, what: str, value: Any) -> Text:
    """``value`` as str or bytes (bytearray and memoryview become bytes)."""
    if isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{owner}: {what} must be str or bytes, not {_short(value)}")


def _short(value: Any) -> str:
    """A short repr for a log line or an error (of a few characters, however
    long ``value``: reprlib would repr all of a bytes object first)."""
    if isinstance(value, (bytes, bytearray)) and len(value) > 80:
        return shortRepr(bytes(value[:60])) + f"... ({len(value)} bytes)"
    return shortRepr(value)


def _count(number: int, kind: type) -> str:
    """``"1 byte"``, ``"2 bytes"``, ``"3 characters"``..."""
    unit = "byte" if kind is bytes else "character"
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


# ------------------------------------------------------------------ frames
_HEADER: dict[type, re.Pattern[Any]] = {str: re.compile(r"(-?[0-9]+) ([0-9]+)"),
                                        bytes: re.compile(rb"(-?[0-9]+) ([0-9]+)")}


class SimpleFrame(tuple[int, Text]):
    """SimpleFrame(frame_stamp, data) -> the pair (frame_stamp, data) as a frame

    - frame_stamp -- an int (a sequence number, a time, ...)
    - data        -- str or bytes (bytearray is taken as bytes)

    ``str(frame)`` (str data) and ``bytes(frame)`` (bytes data) give the
    wire form ``"<stamp> <len(data)>\\n<data>"``; :meth:`fromString` reads
    it back. (``str()`` of a frame holding bytes is its repr, as ``str()`` of
    bytes is.)
    """

    __slots__ = ()

    def __new__(cls, frame_stamp: int, data: Text | bytearray) -> SimpleFrame:
        if isinstance(frame_stamp, bool) or not isinstance(frame_stamp, int):
            raise TypeError(f"SimpleFrame: frame_stamp must be an int, not {frame_stamp!r}")
        return super().__new__(cls, (frame_stamp, _asText("SimpleFrame", "data", data)))

    def __init__(self, *args: Any) -> None:
        # The pair is made by __new__; 1.14's signature was SimpleFrame(*args).
        super().__init__()

    def __getnewargs__(self) -> tuple[int, Text]:      # for copy and pickle
        return (self[0], self[1])

    @property
    def t(self) -> tuple[int, Text]:
        """The pair as a plain tuple (1.14's attribute)."""
        return (self[0], self[1])

    @property
    def stamp(self) -> int:
        """The frame's stamp."""
        return self[0]

    @property
    def data(self) -> Text:
        """The frame's data."""
        return self[1]

    def __repr__(self) -> str:
        return f"SimpleFrame({self[0]!r}, {self[1]!r})"

    def __str__(self) -> str:
        data = self[1]
        if not isinstance(data, str):
            # As str(b"x") gives "b'x'": printing and logging work; the wire
            # form of a bytes frame is bytes(frame).
            return repr(self)
        return f"{self[0]} {len(data)}\n{data}"

    def __bytes__(self) -> bytes:
        data = self[1]
        if not isinstance(data, bytes):
            raise TypeError(f"{self!r:.80} holds str: its wire form is str(frame)")
        return b"%d %d\n" % (self[0], len(data)) + data

    def toBytes(self) -> bytes:
        """The wire form of a frame holding bytes (the same as ``bytes(frame)``)."""
        return self.__bytes__()

    @staticmethod
    def fromString(s: Text | bytearray, *, maxframesize: int | None = None) -> SimpleFrame:
        """The frame whose wire form is ``s`` (str or bytes; the data is of the same kind).

        Raises :class:`CorruptFrame` if the header is malformed (a number
        of more than :data:`MAX_HEADER_DIGITS` digits counts as malformed,
        as does one too long for ``int()``) or the data longer
        than it says, :class:`ShortFrame` if the data is shorter, and
        :class:`FrameTooLarge` (a ``CorruptFrame``) if the header promises
        more than ``maxframesize`` (default: no limit) of data. Nothing
        else, for any str or bytes; the time taken is linear in ``len(s)``.
        Each frame read adds one to :data:`COUNT`.
        """
        global COUNT
        s = _asText("SimpleFrame.fromString", "a frame", s)
        # The header is looked for only where it can be: two numbers of at
        # most MAX_HEADER_DIGITS digits, a sign and a space.
        window = 2 * MAX_HEADER_DIGITS + 2
        end = s.find("\n", 0, window + 1) if isinstance(s, str) else s.find(b"\n", 0, window + 1)
        if end < 0:
            where = f" in its first {window + 1} characters" if len(s) > window else ""
            raise CorruptFrame(f"no header line (no newline{where}) in the frame "
                               f"{_short(s)}")
        header: Any = s[:end]
        found = _HEADER[type(s)].fullmatch(header)
        if found is None:
            raise CorruptFrame(f"malformed frame header {_short(header)}: expected "
                               f"'<stamp> <length>' in decimal")
        digits = max(len(found[1].lstrip(b"-" if isinstance(s, bytes) else "-")),
                     len(found[2]))
        try:
            if digits > MAX_HEADER_DIGITS:
                raise ValueError
            stamp, length = int(found[1]), int(found[2])
        except ValueError:      # also: more digits than sys.get_int_max_str_digits()
            raise CorruptFrame(f"malformed frame header {_short(header)}: a number of "
                               f"{digits} digits is too long to read") from None
        if maxframesize is not None and length > maxframesize:
            raise FrameTooLarge(f"frame {_short(stamp)} is too large: its header "
                                f"promises {_count(length, type(s))} of data, more than "
                                f"maxframesize={maxframesize}", maxframesize)
        data = s[end + 1:]
        if len(data) < length:
            raise ShortFrame(f"frame {_short(stamp)} is short: its header "
                             f"{_short(header)} promises {_count(length, type(s))} of "
                             f"data but only {len(data)} follow")
        if len(data) > length:
            raise CorruptFrame(f"frame {_short(stamp)} is too long: its header "
                               f"{_short(header)} promises {_count(length, type(s))} of "
                               f"data but {len(data)} follow")
        COUNT += 1
        return SimpleFrame(stamp, data)


def _wireForm(frame: SimpleFrame) -> Text:
    return str(frame) if isinstance(frame[1], str) else bytes(frame)


class _ShutdownLoop(StreamTransformer):
    """The loop of 1.14's framing components: work, then ask ``shutdown()``.

    ``main`` handles what waits on "inbox", then calls :meth:`shutdown` on
    every turn, as 1.14 did, so a subclass that overrides it still decides
    when the component ends. A decoder whose input went past its size limit
    sets ``_oversized`` (the error); the loop then stops taking input and
    ends at once (see :func:`Kamaelia.Support._limits.endOversized`).
    """

    _oversized: FramingError | None = None
    _limitName = ""
    _repeats: RepeatLimiter | None = None

    def main(self) -> Iterator[Any]:
        try:
            while True:
                self._feedWaiting()
                if self._oversized is None:
                    self._turn()
                if self._oversized is not None:
                    endOversized(self, self._oversized, self._limitName,
                                 getattr(self, self._limitName))
                    return
                if self.shutdown():
                    return
                if not self.anyReady():
                    self.pause()
                yield 1
        finally:
            if self._repeats is not None:
                self._repeats.flush()       # the count of damage not yet logged

    def _warnRepeated(self, message: str, *args: Any, level: int = logging.WARNING) -> None:
        """Log a warning about bad input, at most one of each kind every 10 s
        per component (then with a count of the others), so that a stream of
        tiny broken messages costs no more than a stream of good ones."""
        if self._repeats is None:
            self._repeats = RepeatLimiter(logFor(self))
        self._repeats.log(level, message, *args)

    def _feedWaiting(self) -> None:
        feed, deliver = self.feed, self.deliver
        while self._oversized is None and self.dataReady("inbox"):
            message = self.recv("inbox")
            try:
                results = list(feed(message))
            except Exception as exc:
                logFor(self).error(
                    "%s cannot handle %s (%s: %s); that message was skipped", self.name,
                    _short(message), type(exc).__name__, exc, exc_info=exc)
                continue
            for result in results:
                deliver(result)

    def _turn(self) -> None:
        """Anything else to do on each turn (the dechunker's flushes)."""

    def shutdown(self) -> bool:
        """True if a shutdown message has arrived on "control": then what
        waits on "inbox" has been handled, what the component still holds
        sent, and the message passed on out of "signal". Other control
        messages are kept as ``last_control_message`` and logged."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isShutdown(message):
                self._feedWaiting()
                if self._oversized is not None:
                    endOversized(self, self._oversized, self._limitName,
                                 getattr(self, self._limitName))
                    return True
                for result in self.finish():
                    self.deliver(result)
                self.send(message, "signal")
                return True
            self.last_control_message = message
            logFor(self).warning("%s ignored an unexpected message on 'control': %s",
                                 self.name, _short(message))
        return False


class Framer(_ShutdownLoop):
    """Framer() -> sends the wire form of each (stamp, data) pair"""

    Inboxes = {"inbox": "(stamp, data) pairs: an int and str or bytes",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "frames: b'<stamp> <length>\\n<data>' (str for str data)",
                "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        if not isinstance(message, (tuple, list)) or len(message) != 2:
            raise TypeError(f"Framer takes (stamp, data) pairs, not {_short(message)}")
        return (_wireForm(SimpleFrame(message[0], message[1])),)


class DeFramer(_ShutdownLoop):
    """DeFramer(maxframesize=DEFAULT_MAX_FRAME_SIZE) -> sends (stamp, data) for each frame; bad frames are logged and dropped

    - maxframesize -- the most data a frame may promise, in bytes (or
      characters); None for no limit. A frame over it is logged as an
      error, naming the limit, and dropped.
    """

    Inboxes = {"inbox": "frames, one per message (str or bytes)",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "(stamp, data) tuples", "signal": "shutdown signalling"}

    def __init__(self, maxframesize: int | None = DEFAULT_MAX_FRAME_SIZE, **argd: Any) -> None:
        super().__init__(**argd)
        self.maxframesize = checkLimit("DeFramer", "maxframesize", maxframesize)

    def feed(self, message: Any) -> Iterable[Any]:
        try:
            frame = SimpleFrame.fromString(message, maxframesize=self.maxframesize)
        except FrameTooLarge as exc:
            self._warnRepeated("%s dropped a frame over its limit (maxframesize=%s): %s",
                               self.name, self.maxframesize, exc, level=logging.ERROR)
            return ()
        except FramingError as exc:
            self._warnRepeated("%s dropped a bad frame (%s: %s)", self.name,
                               type(exc).__name__, exc)
            return ()
        return ((frame[0], frame[1]),)


# ------------------------------------------------------------------ chunks
#: Characters that occur in percent escapes ("%" and lower-case hex digits).
_ESCAPE_CHARACTERS = "%0123456789abcdef"


def _code(character: Any) -> int:
    return character if isinstance(character, int) else ord(character)


class _Syntax:
    """A stream's sync message and how its chunks' data is escaped."""

    __slots__ = ("kind", "marker", "empty", "start")

    def __init__(self, marker: Text) -> None:
        # Typed Any: mypy cannot say "str with str, bytes with bytes".
        self.kind: type = type(marker)
        self.marker: Any = marker
        self.empty: Any = marker[:0]
        self.start: Any = marker[:1]

    def escape(self, data: Any) -> Any:
        raise NotImplementedError

    def unescape(self, body: Any, cutShort: bool) -> Any:
        raise NotImplementedError


class _PercentSyntax(_Syntax):
    """1.14's format: "%" as "%25", each character of the sync message as "%<hex>"."""

    __slots__ = ("_characters", "_text", "_bytesEscapes", "_bytesPlan")

    def __init__(self, marker: Text) -> None:
        super().__init__(marker)
        text = marker.decode("latin-1") if isinstance(marker, bytes) else marker
        self._text = text                      # the sync message as str, for Escape
        self._characters = set(text)
        # For bytes, both directions are bytes.replace passes (C speed, linear):
        # escaping as 1.14 defined it, "%" first, then each character, when no
        # character of the sync message occurs in an escape ("%", 0-9a-f);
        # unescaping as Escape.replacementPlan orders it.
        exact = self._characters.isdisjoint(_ESCAPE_CHARACTERS)
        self._bytesEscapes: tuple[tuple[bytes, bytes], ...] | None = None
        if exact and isinstance(marker, bytes):
            self._bytesEscapes = ((b"%", b"%25"),) + tuple(
                (c.encode("latin-1"), f"%{ord(c):x}".encode("ascii"))
                for c in dict.fromkeys(text))
        plan = _replacementPlan(tuple(text))
        self._bytesPlan: tuple[tuple[bytes, bytes], ...] | None = None
        if plan is not None and isinstance(marker, bytes):
            self._bytesPlan = tuple((word.encode("latin-1"), char.encode("latin-1"))
                                    for word, char in plan)

    def escape(self, data: Any) -> Any:
        if isinstance(data, bytes):
            # Bytes are escaped as the latin-1 characters of the same codes,
            # which is what 1.14 did with Python 2 strings.
            if b"%" not in data and not any(c in data for c in self.marker):
                return data
            if self._bytesEscapes is not None:
                for char, word in self._bytesEscapes:
                    data = data.replace(char, word)
                return data
            return _percentEscape(data.decode("latin-1"), self._text).encode("latin-1")
        if "%" not in data and self._characters.isdisjoint(data):
            return data
        return _percentEscape(data, self._text)

    def unescape(self, body: Any, cutShort: bool) -> Any:
        if isinstance(body, bytes):
            if b"%" not in body:
                return body
            if self._bytesPlan is not None:
                for word, char in self._bytesPlan:
                    body = body.replace(word, char)
                return body
            return _percentUnescape(body.decode("latin-1"), self._text).encode("latin-1")
        return _percentUnescape(body, self._text)


class _StuffingSyntax(_Syntax):
    """S (the sync message's first character) as E F, E (the one after S) as E E."""

    __slots__ = ("escapeCharacter", "escapedEscape", "escapedStart", "_swap", "_marks",
                 "_badEscape")

    def __init__(self, marker: Text) -> None:
        super().__init__(marker)
        escape: Any
        follower: Any
        if isinstance(marker, bytes):
            escape = bytes([(marker[0] + 1) % 256])
            follower = bytes([(marker[0] + 2) % 256])
        else:
            escape = chr((ord(marker[0]) + 1) % 0x110000)
            follower = chr((ord(marker[0]) + 2) % 0x110000)
        self.escapeCharacter: Any = escape
        self.escapedEscape: Any = escape + escape
        self.escapedStart: Any = escape + follower
        start = self.start
        # See unescape. An escaped E is marked by S (bytes) or by S and a
        # digit (str: translate is slow for non-ASCII str); an escaped S by E
        # (bytes, then S and E are swapped) or by S and another digit (str).
        self._swap: bytes | None = None
        if isinstance(marker, bytes):
            self._swap = bytes.maketrans(start + escape, escape + start)
            self._marks: tuple[Any, Any] = (start, escape)
        else:
            digits = [d for d in "0123" if d not in (escape, start)]
            self._marks = (start + digits[0], start + digits[1])
        # After the escaped Es are marked, an E not followed by F is a bad escape.
        self._badEscape: re.Pattern[Any] = re.compile(
            re.escape(escape) + (b"(?!" if isinstance(marker, bytes) else "(?!")
            + re.escape(follower) + (b")" if isinstance(marker, bytes) else ")"))

    def escape(self, data: Any) -> Any:
        if self.escapeCharacter in data:
            data = data.replace(self.escapeCharacter, self.escapedEscape)
        if self.start in data:
            data = data.replace(self.start, self.escapedStart)
        return data

    def unescape(self, body: Any, cutShort: bool) -> Any:
        """``cutShort``: the chunk was ended by a flush or the end of the
        stream, not by the next sync message, so it may end inside an escape.

        Linear, in a few C-speed passes: the escape pairs are found by
        ``replace`` (its leftmost, non-overlapping matches of E E are
        exactly the pairs read left to right). S, which a chunk's body never
        holds, marks their places meanwhile. A body with few escapes, or
        one that does hold S (given to unescape() directly), is read pair
        by pair instead.
        """
        escape = self.escapeCharacter
        escapes = body.count(escape)
        if not escapes:                          # the usual case: nothing escaped
            return body
        if escapes * 32 < len(body) or self.start in body:
            # A few escapes are quicker to take one by one (and that is still
            # linear: at most one step per 32 characters).
            return self._unescapeSlowly(body, cutShort)
        forEscape = self._marks[0]
        marked = body.replace(self.escapedEscape, forEscape)
        bad = self._badEscape.search(marked)
        if bad is None:
            return self._unmark(marked)
        at = bad.start()
        if self._swap is not None:               # each one-character mark stood for two
            at += marked.count(forEscape, 0, at)
        if at == len(body) - 1 and cutShort:
            raise IncompleteChunk(
                f"the chunk ended inside an escape sequence ({escape!r} after "
                f"{_count(at, self.kind)}); what came before it is kept",
                self._unmark(marked[:bad.start()]))
        raise CorruptChunk(
            f"dropped a chunk of {_count(len(body), self.kind)} with a bad escape "
            f"sequence {body[at:at + 2]!r} at {at}: after {escape!r} only {escape!r} or "
            f"{self.escapedStart[1:]!r} may follow")

    def _unmark(self, marked: Any) -> Any:
        """The message, from a body whose escaped Es are marked (and all valid)."""
        forEscape, forStart = self._marks
        if self._swap is not None:
            return marked.replace(self.escapedStart, forStart).translate(self._swap)
        marked = marked.replace(self.escapedStart, forStart)
        return marked.replace(forEscape, self.escapeCharacter).replace(forStart, self.start)

    def _unescapeSlowly(self, body: Any, cutShort: bool) -> Any:
        escape = self.escapeCharacter
        parts: list[Any] = []
        at = 0
        while True:
            found = body.find(escape, at)
            if found < 0:
                parts.append(body[at:])
                return self.empty.join(parts)
            parts.append(body[at:found])
            pair = body[found:found + 2]
            if pair == self.escapedEscape:
                parts.append(escape)
            elif pair == self.escapedStart:
                parts.append(self.start)
            elif len(pair) == 1 and cutShort:
                raise IncompleteChunk(
                    f"the chunk ended inside an escape sequence ({pair!r} after "
                    f"{_count(found, self.kind)}); what came before it is kept",
                    self.empty.join(parts))
            else:
                raise CorruptChunk(
                    f"dropped a chunk of {_count(len(body), self.kind)} with a bad escape "
                    f"sequence {pair!r} at {found}: after {escape!r} only {escape!r} or "
                    f"{self.escapedStart[1:]!r} may follow")
            at = found + 2


_SYNTAXES: dict[str, type[_Syntax]] = {"percent": _PercentSyntax, "stuffing": _StuffingSyntax}
_DEFAULTS: dict[tuple[str, type], Text] = {
    ("percent", str): DEFAULT_SYNC_MESSAGE, ("percent", bytes): DEFAULT_SYNC_MESSAGE.encode(),
    ("stuffing", str): DEFAULT_SYNC_TEXT, ("stuffing", bytes): DEFAULT_SYNC_BYTES}


def _syncMessage(owner: str, value: Any, escaping: str = "stuffing") -> Text | None:
    """Check a ``syncmessage`` argument: None, or non-empty str or bytes."""
    if value is None:
        return None
    if isinstance(value, bytearray):
        value = bytes(value)
    if not isinstance(value, (str, bytes)):
        raise TypeError(f"{owner}: syncmessage must be str or bytes, not {value!r}")
    if not value:
        raise ValueError(f"{owner}: syncmessage must not be empty, not {value!r}")
    if escaping == "percent":
        first = chr(_code(value[0]))
        if first in _ESCAPE_CHARACTERS:
            raise ValueError(f"{owner}: with percent escaping the sync message cannot start "
                             f"with '%' or a hex digit 0-9a-f (they occur in escaped data), "
                             f"not {value!r}")
        doubtful = sorted({chr(_code(c)) for c in value
                           if chr(_code(c)) in _ESCAPE_CHARACTERS or not 16 <= _code(c) <= 255})
        if doubtful:
            log.warning("%s: with the sync message %r, some messages may not come back "
                        "unchanged: 1.14's percent escaping is only exact for sync messages "
                        "of characters U+0010 to U+00FF other than '%%' and 0-9a-f (not %s)",
                        owner, value, ", ".join(map(repr, doubtful)))
    return value


def _escaping(owner: str, value: Any) -> str:
    if value not in ESCAPINGS:
        raise ValueError(f"{owner}: escaping must be 'percent' or 'stuffing', not {value!r}")
    return str(value)


class _ChunkStream:
    """What the encoder and the decoder share: the syntax, fixed by the first use."""

    __slots__ = ("syncmessage", "escaping", "_syntax")

    def __init__(self, syncmessage: Text | None = None, escaping: str = "percent", *,
                 _owner: str | None = None) -> None:
        owner = _owner or type(self).__name__
        self.escaping = _escaping(owner, escaping)
        self.syncmessage = _syncMessage(owner, syncmessage, self.escaping)
        self._syntax: _Syntax | None = None

    @property
    def syncmessageInUse(self) -> Text | None:
        """The sync message of the stream (of its kind), once its first data is seen."""
        return self._syntax.marker if self._syntax is not None else None

    def _syntaxFor(self, data: Any, what: str) -> tuple[Any, _Syntax]:
        text = _asText(type(self).__name__, what, data)
        syntax = self._syntax
        if syntax is None:
            syntax = self._syntax = self._makeSyntax(type(text))
        elif type(text) is not syntax.kind:
            raise TypeError(f"{type(self).__name__}: this stream carries "
                            f"{syntax.kind.__name__} (its sync message is "
                            f"{syntax.marker!r}), not {type(text).__name__}: "
                            f"{_short(data)}")
        return text, syntax

    def _makeSyntax(self, kind: type) -> _Syntax:
        marker = self.syncmessage
        if marker is None:
            marker = _DEFAULTS[self.escaping, kind]
        elif kind is bytes and isinstance(marker, str):
            marker = marker.encode("utf-8")
        elif kind is str and isinstance(marker, bytes):
            try:
                marker = marker.decode("utf-8")
            except UnicodeDecodeError:
                raise TypeError(f"{type(self).__name__}: this stream carries str, and its "
                                f"sync message {marker!r} is not UTF-8") from None
        return _SYNTAXES[self.escaping](marker)


class ChunkEncoder(_ChunkStream):
    """ChunkEncoder(syncmessage=None, escaping="percent") -> turns messages into chunks of one stream

    - syncmessage -- str or bytes that starts every chunk (default: 1.14's
      24 ``X`` for percent escaping; ``DEFAULT_SYNC_BYTES`` or
      ``DEFAULT_SYNC_TEXT`` for stuffing)
    - escaping    -- ``"percent"`` (1.14's format) or ``"stuffing"``
    """

    __slots__ = ()

    def escape(self, message: Text | bytearray) -> Text:
        """``message`` with what could be taken for a sync message escaped."""
        data, syntax = self._syntaxFor(message, "a message")
        escaped: Text = syntax.escape(data)
        return escaped

    def encode(self, message: Text | bytearray) -> Text:
        """The chunk carrying ``message``: the sync message, then the escaped data."""
        data, syntax = self._syntaxFor(message, "a message")
        chunk: Text = syntax.marker + syntax.escape(data)
        return chunk


# The decoder's states, and the rules it keeps:
#   HUNTING  -- looking for a whole sync message. Everything before the next
#               one is junk: counted, and reported (CorruptChunk) once a whole
#               sync message follows, or at the end. Then BODY.
#   BODY     -- the chunk's data runs up to the next S (the first character of
#               the sync message): there the chunk is complete (returned) and
#               HUNTING starts again at that S, which normally begins the next
#               sync message. Data beyond maxchunksize: ChunkTooLarge, the
#               chunk is dropped, then SKIPPING.
#   SKIPPING -- the rest of an oversized chunk is dropped, up to the next S
#               (then HUNTING), a flush (HUNTING) or the end.
#   DONE     -- after close().
# flush() in BODY completes the chunk (then HUNTING); elsewhere it changes nothing.
# close() completes it too and ends the stream (DONE). A chunk completed by either
# inside an escape sequence, and a stream closed inside a sync message, are
# reported as IncompleteChunk.
#
# Theory of operation (why it is linear): every search is a str/bytes find()
# from where the last one stopped, never from the start of what is held; no
# input is copied more than a bounded number of times: a piece read in
# HUNTING has at most the last len(sync message) - 1 characters of the piece
# before it put in front of it (the "carry": a sync message may be split
# between pieces), and a chunk's data is joined once, when it is complete.
HUNTING, MARKER, BODY, SKIPPING, DONE = "hunting", "marker", "body", "skipping", "done"

_FLUSH = object()           # a flush() or close() waiting in the queue of input
_CLOSE = object()

#: How much of the dropped data a CorruptChunk report shows.
_SAMPLE = 24


class ChunkDecoder(_ChunkStream):
    """ChunkDecoder(syncmessage=None, escaping="percent", maxchunksize=DEFAULT_MAX_CHUNK_SIZE) -> reads messages back from a stream of chunks

    - syncmessage  -- as given to the encoder (default: by the escaping and
      the kind of the first data)
    - escaping     -- as given to the encoder
    - maxchunksize -- the longest chunk accepted, in bytes (characters) as
      sent: escaped, without its sync message (default 16 MiB; None: no
      limit)

    ``feed(data)`` the stream in pieces cut anywhere; ``nextChunk()`` returns
    each message in turn, then ``None`` when it needs more. A chunk is
    complete when the next one starts, or at ``flush()`` or ``close()``.
    ``nextChunk()`` raises :class:`CorruptChunk` or :class:`IncompleteChunk`
    for damage, and :class:`ChunkTooLarge` (a ``CorruptChunk``) as soon as a
    chunk grows past ``maxchunksize`` (what it held is dropped at once, and
    the rest of it as it comes); the decoder has already moved past it, so
    calling it again carries on with the next chunk. Those are the only
    errors it raises for any data, and its time is linear in the data,
    however it is cut.
    """

    __slots__ = ("maxchunksize", "_input", "_offset", "_state", "_carry", "_body",
                 "_bodySize", "_junk", "_sample", "_closed")

    def __init__(self, syncmessage: Text | None = None, escaping: str = "percent",
                 maxchunksize: int | None = DEFAULT_MAX_CHUNK_SIZE, *,
                 _owner: str | None = None) -> None:
        super().__init__(syncmessage, escaping, _owner=_owner)
        self.maxchunksize = checkLimit(_owner or "ChunkDecoder", "maxchunksize", maxchunksize)
        self._input: deque[Any] = deque()   # pieces of stream, _FLUSH and _CLOSE, in order
        self._offset = 0                     # how much of _input[0] has been read
        self._state = HUNTING
        self._carry: Any = None              # HUNTING: the end of the last piece
        self._body: list[Text] = []          # the escaped data so far, in BODY
        self._bodySize = 0
        self._junk = 0                       # characters dropped since the last report
        self._sample: list[Text] = []        # the first of them
        self._closed = False

    def feed(self, data: Text | bytearray) -> None:
        """Add the next piece of the stream (str or bytes, as the stream carries)."""
        if self._closed:
            raise RuntimeError("ChunkDecoder: feed() after close()")
        text, _ = self._syntaxFor(data, "stream data")
        if text:
            self._input.append(text)

    def flush(self) -> None:
        """The chunk fed so far is complete: ``nextChunk()`` will return it."""
        if not self._closed:
            self._input.append(_FLUSH)

    def close(self) -> None:
        """The stream has ended: ``nextChunk()`` will return the last chunk."""
        if not self._closed:
            self._closed = True
            self._input.append(_CLOSE)

    def nextChunk(self) -> Text | None:
        """The next whole message, or None if more data is needed."""
        raw = self._nextBody()
        if raw is None:
            return None
        body, cutShort = raw
        message: Text = self._syntax.unescape(body, cutShort)  # type: ignore[union-attr]
        return message

    def unescape(self, data: Text | bytearray, cutShort: bool = False) -> Text:
        """The message that the escaped ``data`` (a chunk without its sync message) carries.

        With stuffing escaping it raises :class:`CorruptChunk` for a bad
        escape, and :class:`IncompleteChunk` (carrying what came before) for
        data ending inside an escape when ``cutShort`` (ended by a flush or
        the end of the stream); percent escaping never raises.
        """
        text, syntax = self._syntaxFor(data, "a chunk")
        message: Text = syntax.unescape(text, cutShort)
        return message

    def nextRawChunk(self) -> tuple[Text, bool] | None:
        """The next whole chunk as it was in the stream (its sync message, then
        its escaped data) and True if it was ended by a flush or the end of the
        stream rather than by the next sync message; None if more data is needed.

        Raises :class:`CorruptChunk` for junk dropped, :class:`ChunkTooLarge`
        for a chunk over ``maxchunksize`` and :class:`IncompleteChunk` for a
        stream ending inside a sync message.
        """
        raw = self._nextBody()
        if raw is None:
            return None
        body, cutShort = raw
        return self._syntax.marker + body, cutShort  # type: ignore[union-attr]

    # ----------------------------------------------------------- the states
    def _nextBody(self) -> tuple[Text, bool] | None:
        """The next chunk's escaped data and whether it was cut short, or None."""
        pieces = self._input
        while pieces:
            piece = pieces[0]
            if piece is _FLUSH or piece is _CLOSE:
                raw = self._endChunk(final=piece is _CLOSE)
                if raw is not None:
                    return raw
                continue
            syntax = self._syntax
            assert syntax is not None            # set by the first feed()
            state = self._state
            if state is BODY:
                offset = self._offset
                end = piece.find(syntax.start, offset)
                size = (len(piece) if end < 0 else end) - offset
                limit = self.maxchunksize
                if limit is not None and self._bodySize + size > limit:
                    self._tooLarge(end, syntax)
                if end < 0:
                    self._body.append(piece[offset:] if offset else piece)
                    self._bodySize += size
                    self._nextPiece()
                    continue
                body = self._body
                if body:
                    body.append(piece[offset:end])
                    data = syntax.empty.join(body)
                    self._body, self._bodySize = [], 0
                else:
                    data = piece[offset:end]
                marker = syntax.marker
                if piece.startswith(marker, end):     # the next chunk, as it should be
                    self._offset = end + len(marker)
                    if self._offset == len(piece):
                        self._nextPiece()
                else:                                 # what starts at S is read HUNTING
                    self._offset = end
                    self._state = HUNTING
                return data, False
            if state is HUNTING:
                self._hunt(piece, syntax)
            else:                                # SKIPPING
                end = piece.find(syntax.start, self._offset)
                if end < 0:
                    self._nextPiece()
                else:
                    self._offset, self._state = end, HUNTING
        return None

    def _nextPiece(self) -> None:
        self._input.popleft()
        self._offset = 0

    def _hunt(self, piece: Any, syntax: _Syntax) -> None:
        """HUNTING: find the next whole sync message; count what comes before as junk."""
        marker = syntax.marker
        offset = self._offset
        carry = self._carry
        if carry is not None:
            # The end of the last piece may begin a sync message: read it again
            # in front of this piece (at most len(marker) - 1 characters).
            self._carry = None
            piece = self._input[0] = carry + piece[offset:]
            offset = self._offset = 0
        found = piece.find(marker, offset)
        if found >= 0:
            self._dropJunk(piece, offset, found)
            self._offset = found + len(marker)
            if self._offset == len(piece):
                self._nextPiece()
            self._state, self._body, self._bodySize = BODY, [], 0
            self._reportJunk()              # once per damaged stretch, not per S in it
            return
        # No whole sync message: the last len(marker) - 1 characters, from the
        # first S among them, may begin one; keep them for the next piece.
        tail = piece.find(syntax.start, max(offset, len(piece) - len(marker) + 1))
        if tail < 0:
            self._dropJunk(piece, offset, len(piece))
        else:
            self._dropJunk(piece, offset, tail)
            self._carry = piece[tail:]
        self._nextPiece()

    def _tooLarge(self, end: int, syntax: _Syntax) -> None:
        """BODY: the chunk goes past maxchunksize; drop it and raise ChunkTooLarge."""
        held = self._bodySize + (end if end >= 0 else len(self._input[0])) - self._offset
        self._body, self._bodySize = [], 0
        if end < 0:
            self._nextPiece()
            self._state = SKIPPING
        else:
            self._offset, self._state = end, HUNTING
        raise ChunkTooLarge(f"dropped a chunk of {'at least ' if end < 0 else ''}"
                            f"{_count(held, syntax.kind)}, more than maxchunksize="
                            f"{self.maxchunksize}", self.maxchunksize)

    def _dropJunk(self, piece: Any, start: int, end: int) -> None:
        if end > start:
            self._junk += end - start
            if sum(map(len, self._sample)) < _SAMPLE:
                self._sample.append(piece[start:min(end, start + _SAMPLE)])

    def _reportJunk(self) -> None:
        if not self._junk:
            return
        syntax = self._syntax
        assert syntax is not None
        count, sample = self._junk, syntax.empty.join(self._sample)[:_SAMPLE]
        self._junk, self._sample = 0, []
        raise CorruptChunk(f"dropped {_count(count, syntax.kind)} that were not part of "
                           f"a chunk, starting {sample!r}: a chunk starts with the sync "
                           f"message {syntax.marker!r}")

    def _endChunk(self, final: bool) -> tuple[Text, bool] | None:
        """A flush or the end of the stream (still first in the queue): complete
        what is in progress. The marker is taken off the queue before anything
        is returned or raised, except that junk is reported first, leaving it."""
        state = self._state
        if state is BODY:
            self._input.popleft()
            self._state = DONE if final else HUNTING
            return self._completeChunk(cutShort=True)
        if state is SKIPPING:
            self._state = HUNTING
        if not final:
            self._input.popleft()
            return None
        syntax = self._syntax
        carry, self._carry = self._carry, None
        partial = 0
        if carry is not None and syntax is not None:
            # How much of the end of the stream begins a sync message.
            partial = next((size for size in range(len(carry), 0, -1)
                            if syntax.marker.startswith(carry[-size:])), 0)
            self._dropJunk(carry, 0, len(carry) - partial)
            if partial:
                self._carry = carry[len(carry) - partial:]
        self._reportJunk()                      # raises, leaving _CLOSE for the next call
        self._input.popleft()
        self._state, self._carry = DONE, None
        if partial:
            assert syntax is not None
            raise IncompleteChunk(f"the stream ended inside a sync message: got "
                                  f"{syntax.marker[:partial]!r} of {syntax.marker!r}")
        return None

    def _completeChunk(self, cutShort: bool) -> tuple[Text, bool]:
        """The chunk read so far (its escaped data) and ``cutShort``."""
        syntax = self._syntax
        assert syntax is not None
        body: Text = syntax.empty.join(self._body)
        self._body, self._bodySize = [], 0
        return body, cutShort


class DataChunker(_ShutdownLoop):
    """DataChunker(syncmessage=None, escaping="percent") -> sends each message as a chunk of one stream

    - syncmessage -- str or bytes starting every chunk (default: 1.14's 24
      ``X`` with percent escaping; with stuffing ``b"\\xc0SYNC"`` for bytes
      messages, ``"\\ufdd0SYNC"`` for str, decided by the first message)
    - escaping    -- ``"percent"`` (1.14's wire format) or ``"stuffing"``
    """

    Inboxes = {"inbox": "messages (str or bytes, one kind per stream)",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "chunks: the sync message, then the escaped message",
                "signal": "shutdown signalling"}

    def __init__(self, syncmessage: Text | None = None, escaping: str = "percent",
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.encoder = ChunkEncoder(syncmessage, escaping, _owner="DataChunker")
        self.syncmessage = self.encoder.syncmessage
        self.escaping = self.encoder.escaping

    def escapeSyncMessage(self, message: Text) -> Text:
        """``message`` with everything that could be taken for the sync message escaped."""
        return self.encoder.escape(message)

    def encodeChunk(self, message: Text) -> Text:
        """The chunk for ``message``: the sync message, then ``escapeSyncMessage(message)``."""
        data, syntax = self.encoder._syntaxFor(message, "a message")
        chunk: Text = syntax.marker + self.escapeSyncMessage(data)
        return chunk

    def feed(self, message: Any) -> Iterable[Any]:
        return (self.encodeChunk(message),)


class DataDeChunker(_ShutdownLoop):
    """DataDeChunker(syncmessage=None, escaping="percent", maxchunksize=DEFAULT_MAX_CHUNK_SIZE) -> sends the messages carried by a stream of chunks

    - syncmessage  -- as given to the DataChunker (default: by the escaping
      and the kind of the first data)
    - escaping     -- as given to the DataChunker
    - maxchunksize -- the longest chunk accepted (escaped, as sent), in
      bytes or characters; None for no limit. Past it the component logs an
      error naming the limit, sends ``producerFinished`` (carrying the
      :class:`ChunkTooLarge`) out of ``"signal"`` and ends: on a network
      connection, that closes it.
    """

    Inboxes = {"inbox": "the stream of chunks, cut anywhere (str or bytes)",
               "flush": "any message: the chunk received so far is complete; send it",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the messages, one per chunk", "signal": "shutdown signalling"}

    _limitName = "maxchunksize"

    def __init__(self, syncmessage: Text | None = None, escaping: str = "percent",
                 maxchunksize: int | None = DEFAULT_MAX_CHUNK_SIZE, **argd: Any) -> None:
        super().__init__(**argd)
        self.decoder = ChunkDecoder(syncmessage, escaping, maxchunksize,
                                    _owner="DataDeChunker")
        self.syncmessage = self.decoder.syncmessage
        self.escaping = self.decoder.escaping
        self.maxchunksize = self.decoder.maxchunksize
        self._cutShort = False

    def unEscapeSyncMessage(self, message: Text) -> Text:
        """The message that ``message`` (escaped data, without the sync message) carries."""
        return self.decoder.unescape(message, self._cutShort)

    def decodeChunk(self, chunk: Text) -> Text:
        """The message a chunk carries: ``unEscapeSyncMessage`` of what follows its
        sync message. Raises :class:`IncompleteChunk` if it does not start with
        the sync message."""
        text, syntax = self.decoder._syntaxFor(chunk, "a chunk")
        if not text.startswith(syntax.marker):
            raise IncompleteChunk(f"the chunk {_short(text)} does not start with the sync "
                                  f"message {syntax.marker!r}")
        return self.unEscapeSyncMessage(text[len(syntax.marker):])

    def shouldFlush(self) -> int:
        """1 if a message was waiting on "flush" (it is taken and kept as
        ``last_message``), else 0."""
        if self.dataReady("flush"):
            self.last_message = self.recv("flush")
            return 1
        return 0

    def feed(self, message: Any) -> Iterable[Any]:
        self.decoder.feed(message)
        return self._chunks()

    def finish(self) -> Iterable[Any]:
        self.decoder.close()
        return self._chunks()

    def _turn(self) -> None:
        # Messages on two inboxes carry no order between them: a flush applies
        # to all the data that has arrived by the time it is seen.
        while self._oversized is None and self.shouldFlush():
            self.decoder.flush()
            for message in self._chunks():
                self.deliver(message)

    def _chunks(self) -> list[Text]:
        """The messages the decoder can complete now; damage is logged. A
        chunk over the limit stops the component (``_oversized``)."""
        decoder = self.decoder
        found: list[Text] = []
        while True:
            try:
                raw = decoder.nextRawChunk()
                if raw is None:
                    return found
                chunk, self._cutShort = raw
                found.append(self.decodeChunk(chunk))
            except ChunkTooLarge as exc:
                self._oversized = exc
                return found
            except IncompleteChunk as exc:
                self._warnRepeated("%s: IncompleteChunk: %s", self.name, exc)
                if exc.data is not None:
                    found.append(exc.data)
            except CorruptChunk as exc:
                self._warnRepeated("%s: CorruptChunk: %s", self.name, exc)


__kamaelia_components__ = (Framer, DeFramer, DataChunker, DataDeChunker)

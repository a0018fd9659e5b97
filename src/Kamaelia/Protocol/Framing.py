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
component; the component keeps going.

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

What it does not do: frames carry no checksum and chunks no length, so
damage that leaves the syntax intact (a changed data byte) goes unnoticed;
and the dechunker sets no limit on the size of a chunk, so a stream from a
party you do not trust needs a limit in front of it.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from typing import Any, Iterable, Iterator, Union

from Axon.Ipc import ipc
from Kamaelia._shutdown import isShutdown
from Kamaelia.Support.Data.Escape import escape as _percentEscape
from Kamaelia.Support.Data.Escape import unescape as _percentUnescape
from Kamaelia.Util._stream import StreamTransformer, logFor, shortRepr

__all__ = ["FramingError", "CorruptFrame", "ShortFrame", "CorruptChunk", "IncompleteChunk",
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
    raise TypeError(f"{owner}: {what} must be str or bytes, not {shortRepr(value)}")


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
    def fromString(s: Text | bytearray) -> SimpleFrame:
        """The frame whose wire form is ``s`` (str or bytes; the data is of the same kind).

        Raises :class:`CorruptFrame` if the header is malformed or the data
        longer than it says, :class:`ShortFrame` if the data is shorter.
        Each frame read adds one to :data:`COUNT`.
        """
        global COUNT
        s = _asText("SimpleFrame.fromString", "a frame", s)
        end = s.find("\n") if isinstance(s, str) else s.find(b"\n")
        if end < 0:
            raise CorruptFrame(f"no header line (no newline) in the frame {shortRepr(s)}")
        header: Any = s[:end]
        found = _HEADER[type(s)].fullmatch(header)
        if found is None:
            raise CorruptFrame(f"malformed frame header {shortRepr(header)}: expected "
                               f"'<stamp> <length>' in decimal")
        stamp, length = int(found[1]), int(found[2])
        data = s[end + 1:]
        if len(data) < length:
            raise ShortFrame(f"frame {stamp} is short: its header {shortRepr(header)} "
                             f"promises {_count(length, type(s))} of data but only "
                             f"{len(data)} follow")
        if len(data) > length:
            raise CorruptFrame(f"frame {stamp} is too long: its header {shortRepr(header)} "
                               f"promises {_count(length, type(s))} of data but "
                               f"{len(data)} follow")
        COUNT += 1
        return SimpleFrame(stamp, data)


def _wireForm(frame: SimpleFrame) -> Text:
    return str(frame) if isinstance(frame[1], str) else bytes(frame)


class _ShutdownLoop(StreamTransformer):
    """The loop of 1.14's framing components: work, then ask ``shutdown()``.

    ``main`` handles what waits on "inbox", then calls :meth:`shutdown` on
    every turn, as 1.14 did, so a subclass that overrides it still decides
    when the component ends.
    """

    def main(self) -> Iterator[Any]:
        while True:
            self._feedWaiting()
            self._turn()
            if self.shutdown():
                return
            if not self.anyReady():
                self.pause()
            yield 1

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
                for result in self.finish():
                    self.deliver(result)
                self.send(message, "signal")
                return True
            self.last_control_message = message
            logFor(self).warning("%s ignored an unexpected message on 'control': %s",
                                 self.name, shortRepr(message))
        return False


class Framer(_ShutdownLoop):
    """Framer() -> sends the wire form of each (stamp, data) pair"""

    Inboxes = {"inbox": "(stamp, data) pairs: an int and str or bytes",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "frames: b'<stamp> <length>\\n<data>' (str for str data)",
                "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        if not isinstance(message, (tuple, list)) or len(message) != 2:
            raise TypeError(f"Framer takes (stamp, data) pairs, not {shortRepr(message)}")
        return (_wireForm(SimpleFrame(message[0], message[1])),)


class DeFramer(_ShutdownLoop):
    """DeFramer() -> sends (stamp, data) for each frame; bad frames are logged and dropped"""

    Inboxes = {"inbox": "frames, one per message (str or bytes)",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "(stamp, data) tuples", "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        try:
            frame = SimpleFrame.fromString(message)
        except FramingError as exc:
            logFor(self).warning("%s dropped a bad frame (%s: %s)", self.name,
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

    __slots__ = ("_characters", "_text")

    def __init__(self, marker: Text) -> None:
        super().__init__(marker)
        text = marker.decode("latin-1") if isinstance(marker, bytes) else marker
        self._text = text                      # the sync message as str, for Escape
        self._characters = set(text)

    def escape(self, data: Any) -> Any:
        if isinstance(data, bytes):
            # Bytes are escaped as the latin-1 characters of the same codes,
            # which is what 1.14 did with Python 2 strings.
            if b"%" not in data and not any(c in data for c in self.marker):
                return data
            return _percentEscape(data.decode("latin-1"), self._text).encode("latin-1")
        if "%" not in data and self._characters.isdisjoint(data):
            return data
        return _percentEscape(data, self._text)

    def unescape(self, body: Any, cutShort: bool) -> Any:
        if isinstance(body, bytes):
            if b"%" not in body:
                return body
            return _percentUnescape(body.decode("latin-1"), self._text).encode("latin-1")
        return _percentUnescape(body, self._text)


class _StuffingSyntax(_Syntax):
    """S (the sync message's first character) as E F, E (the one after S) as E E."""

    __slots__ = ("escapeCharacter", "escapedEscape", "escapedStart")

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

    def escape(self, data: Any) -> Any:
        if self.escapeCharacter in data:
            data = data.replace(self.escapeCharacter, self.escapedEscape)
        if self.start in data:
            data = data.replace(self.start, self.escapedStart)
        return data

    def unescape(self, body: Any, cutShort: bool) -> Any:
        """``cutShort``: the chunk was ended by a flush or the end of the
        stream, not by the next sync message, so it may end inside an escape."""
        escape = self.escapeCharacter
        if escape not in body:                   # the usual case: nothing escaped
            return body
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
                            f"{shortRepr(data)}")
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


# The decoder's states. The rules, for each character read:
#   HUNTING  -- S: start matching a sync message (MARKER); anything else is junk,
#               reported (CorruptChunk) once a whole sync message or the end follows.
#   MARKER   -- the next character of the sync message: go on (BODY once it is all
#               there); anything else: the S that began it is junk, and the
#               characters after it are read again, HUNTING.
#   BODY     -- S: the chunk is complete (it is returned) and a sync message begins
#               (MARKER); anything else is data, unescaped when the chunk is complete.
# flush() in BODY completes the chunk (then HUNTING); elsewhere it changes nothing.
# close() completes it too and ends the stream (DONE). A chunk completed by either
# inside an escape sequence, and a stream closed inside a sync message, are
# reported as IncompleteChunk.
HUNTING, MARKER, BODY, DONE = "hunting", "marker", "body", "done"

_FLUSH = object()           # a flush() or close() waiting in the queue of input
_CLOSE = object()

#: How much of the dropped data a CorruptChunk report shows.
_SAMPLE = 24


class ChunkDecoder(_ChunkStream):
    """ChunkDecoder(syncmessage=None, escaping="percent") -> reads messages back from a stream of chunks

    - syncmessage -- as given to the encoder (default: by the escaping and
      the kind of the first data)
    - escaping    -- as given to the encoder

    ``feed(data)`` the stream in pieces cut anywhere; ``nextChunk()`` returns
    each message in turn, then ``None`` when it needs more. A chunk is
    complete when the next one starts, or at ``flush()`` or ``close()``.
    ``nextChunk()`` raises :class:`CorruptChunk` or :class:`IncompleteChunk`
    for damage; the decoder has already moved past it, so calling it again
    carries on with the next chunk.
    """

    __slots__ = ("_input", "_offset", "_state", "_matched", "_body", "_junk", "_sample",
                 "_closed")

    def __init__(self, syncmessage: Text | None = None, escaping: str = "percent", *,
                 _owner: str | None = None) -> None:
        super().__init__(syncmessage, escaping, _owner=_owner)
        self._input: deque[Any] = deque()   # pieces of stream, _FLUSH and _CLOSE, in order
        self._offset = 0                     # how much of _input[0] has been read
        self._state = HUNTING
        self._matched = 0                    # of the sync message, in MARKER
        self._body: list[Text] = []          # the escaped data so far, in BODY
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
        raw = self.nextRawChunk()
        if raw is None:
            return None
        chunk, cutShort = raw
        return self.unescape(chunk[len(self._syntax.marker):], cutShort)  # type: ignore[union-attr]

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

        Raises :class:`CorruptChunk` for junk dropped and
        :class:`IncompleteChunk` for a stream ending inside a sync message.
        """
        pieces = self._input
        while pieces:
            piece = pieces[0]
            if piece is _FLUSH or piece is _CLOSE:
                pieces.popleft()
                raw = self._endChunk(final=piece is _CLOSE)
                if raw is not None:
                    return raw
                continue
            syntax = self._syntax
            assert syntax is not None            # set by the first feed()
            state = self._state
            if state is BODY:
                end = piece.find(syntax.start, self._offset)
                if end < 0:
                    self._body.append(piece[self._offset:] if self._offset else piece)
                    self._nextPiece()
                    continue
                self._body.append(piece[self._offset:end])
                self._offset = end
                self._state, self._matched = MARKER, 0
                return self._completeChunk(cutShort=False)
            if state is MARKER:
                self._readMarker(piece, syntax.marker)
            else:
                self._hunt(piece, syntax.start)

        return None

    # ----------------------------------------------------------- the states
    def _nextPiece(self) -> None:
        self._input.popleft()
        self._offset = 0

    def _hunt(self, piece: Text, start: Any) -> None:
        """HUNTING: skip to the next S; report what was skipped."""
        found = piece.find(start, self._offset)
        self._dropJunk(piece[self._offset:found if found >= 0 else None])
        if found < 0:
            self._nextPiece()
            return
        self._offset = found
        self._state, self._matched = MARKER, 0

    def _readMarker(self, piece: Text, marker: Any) -> None:
        """MARKER: match as much of the sync message as this piece holds."""
        offset, matched = self._offset, self._matched
        got = piece[offset:offset + len(marker) - matched]
        same = len(got) if marker.startswith(got, matched) else 0
        while same < len(got) and got[same] == marker[matched + same]:
            same += 1
        if same == len(got):                               # all of it matches
            self._matched = matched + same
            self._offset = offset + same
            if self._offset == len(piece):
                self._nextPiece()
            if self._matched == len(marker):
                self._state, self._body = BODY, []
                self._reportJunk()              # once per damaged stretch, not per S in it
            return
        # Not a sync message. Its S is junk; read what followed the S again,
        # HUNTING, in case another sync message begins inside it.
        self._state = HUNTING
        if matched == 0:
            self._dropJunk(piece[offset:offset + 1])
            self._offset = offset + 1
            return
        self._dropJunk(marker[:1])
        self._input[0] = piece[offset:]
        self._offset = 0
        if matched > 1:
            self._input.appendleft(marker[1:matched])

    def _dropJunk(self, junk: Text) -> None:
        if junk:
            self._junk += len(junk)
            if sum(map(len, self._sample)) < _SAMPLE:
                self._sample.append(junk[:_SAMPLE])

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
        """A flush or the end of the stream: complete what is in progress."""
        state = self._state
        if final:
            self._state = DONE
        if state is BODY:
            if not final:
                self._state = HUNTING
            return self._completeChunk(cutShort=True)
        if state is MARKER and final:
            syntax = self._syntax
            assert syntax is not None
            raise IncompleteChunk(f"the stream ended inside a sync message: got "
                                  f"{syntax.marker[:self._matched]!r} of "
                                  f"{syntax.marker!r}")
        if final:
            self._reportJunk()
        return None

    def _completeChunk(self, cutShort: bool) -> tuple[Text, bool]:
        """The chunk read so far, as it was in the stream, and ``cutShort``."""
        syntax = self._syntax
        assert syntax is not None
        body: Text = syntax.empty.join(self._body)
        self._body = []
        return syntax.marker + body, cutShort
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
    """DataDeChunker(syncmessage=None, escaping="percent") -> sends the messages carried by a stream of chunks

    - syncmessage -- as given to the DataChunker (default: by the escaping
      and the kind of the first data)
    - escaping    -- as given to the DataChunker
    """

    Inboxes = {"inbox": "the stream of chunks, cut anywhere (str or bytes)",
               "flush": "any message: the chunk received so far is complete; send it",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the messages, one per chunk", "signal": "shutdown signalling"}

    def __init__(self, syncmessage: Text | None = None, escaping: str = "percent",
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.decoder = ChunkDecoder(syncmessage, escaping, _owner="DataDeChunker")
        self.syncmessage = self.decoder.syncmessage
        self.escaping = self.decoder.escaping
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
            raise IncompleteChunk(f"the chunk {shortRepr(text)} does not start with the sync "
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
        while self.shouldFlush():
            self.decoder.flush()
            for message in self._chunks():
                self.deliver(message)

    def _chunks(self) -> Iterator[Text]:
        """The messages the decoder can complete now; damage is logged."""
        decoder = self.decoder
        while True:
            try:
                raw = decoder.nextRawChunk()
                if raw is None:
                    return
                chunk, self._cutShort = raw
                message = self.decodeChunk(chunk)
            except IncompleteChunk as exc:
                logFor(self).warning("%s: IncompleteChunk: %s", self.name, exc)
                data = getattr(exc, "data", None)
                if data is None:
                    continue
                message = data
            except CorruptChunk as exc:
                logFor(self).warning("%s: CorruptChunk: %s", self.name, exc)
                continue
            yield message


__kamaelia_components__ = (Framer, DeFramer, DataChunker, DataDeChunker)

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
wire form is a header line, then the data::

    <stamp> <length of data>\\n<data>

which is what ``str(frame)`` (for ``str`` data) and ``bytes(frame)`` or
``frame.toBytes()`` (for ``bytes`` data) return; the length counts
characters or bytes accordingly. :meth:`SimpleFrame.fromString` reads one
frame back from ``str`` or ``bytes`` and raises :class:`ShortFrame` if the
data is shorter than the header says (more may be on its way) and
:class:`CorruptFrame` if the header is not two decimal numbers separated by
one space or the data is longer. A frame is one whole message: frames
sent down a stream need a layer that keeps messages apart, such as chunks.

``Framer()`` sends the wire form of each ``(stamp, data)`` pair it receives
(``bytes`` data gives ``bytes``, ``str`` gives ``str``); a message that is
not such a pair is logged as an error and skipped. ``DeFramer()`` reads
each message as one frame and sends ``(stamp, data)`` as a plain tuple; a
message that is not a good frame is logged as a warning naming what is
wrong with it (logger ``Kamaelia.Protocol.Framing``) and dropped, and the
component carries on with the next one.

**Chunks.** ``DataChunker(syncmessage=...)`` turns each message into a
*chunk*: the sync message, then the message with every character that
could be mistaken for the start of a sync message escaped.
``DataDeChunker(syncmessage=...)`` takes the resulting stream, cut up in
any way, and sends the original messages, one per chunk. The rules:

* the first character of the sync message, ``S``, never appears inside a
  chunk's data, so each ``S`` in the stream starts a sync message and ends
  the chunk before it. The escape character ``E`` is the character after
  ``S`` (its code plus one, wrapping round at the end of the range);
* in the data, ``E`` is sent as ``E E``, and ``S`` as ``E F``, where ``F``
  is the character after ``E``. Nothing else changes, so data that holds
  neither ``S`` nor ``E`` is sent as it is;
* the default sync message is ``b"\\xc0SYNC"`` for ``bytes``
  (:data:`DEFAULT_SYNC_BYTES`): ``S`` = ``0xC0`` and ``E`` = ``0xC1``
  never occur in UTF-8, so text sent as UTF-8 is never escaped. For
  ``str`` it is ``"\\ufdd0SYNC"`` (:data:`DEFAULT_SYNC_TEXT`), built from
  Unicode noncharacters that ordinary text does not contain. Without a
  ``syncmessage`` the first message decides which; a stream carries only
  one kind, and a message of the other kind is logged and skipped;
* a chunk ends where the next sync message starts, so ``DataDeChunker``
  holds the last message received until the next one begins, a message
  arrives on its ``"flush"`` inbox (then the chunk received so far is taken
  to be complete and sent), or the stream ends.

What the dechunker does with a damaged stream: data before the first sync
message, or a sync message that does not match, is dropped up to the next
``S`` and reported as :class:`CorruptChunk` (so a receiver joining a stream
part way through starts with the next whole chunk); a chunk with a bad
escape sequence is dropped and reported the same way. When the stream ends
(or is flushed) inside an escape sequence, what came before it is sent and
:class:`IncompleteChunk` reported; a stream that ends inside a sync message
is reported the same way. Reports go to the log as warnings, naming the
component; the component keeps going.

:class:`ChunkEncoder` and :class:`ChunkDecoder` are those rules as plain
objects: ``encode(message)`` returns the chunk; ``feed(data)`` takes a
piece of the stream and ``nextChunk()`` returns the next whole message, or
``None`` when it needs more data; ``flush()`` and ``close()`` mark the end
of the chunk in progress and of the stream. The components are thin
wrappers around them.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` every component here first handles everything already
waiting on ``"inbox"`` (``DataDeChunker`` then ends the stream, sending the
last message), then passes that message on out of ``"signal"`` and ends.
Other messages on ``"control"`` are logged and ignored.

What it does not do: frames carry no checksum and chunks no length, so
damage that leaves the syntax intact (a changed data byte) goes unnoticed;
and the dechunker sets no limit on the size of a chunk, so a stream from a
party you do not trust needs a limit in front of it.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any, Iterable, Iterator, Union

from Axon.Ipc import ipc
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._stream import StreamTransformer, logFor, shortRepr

__all__ = ["FramingError", "CorruptFrame", "ShortFrame", "CorruptChunk", "IncompleteChunk",
           "SimpleFrame", "Framer", "DeFramer", "ChunkEncoder", "ChunkDecoder",
           "DataChunker", "DataDeChunker", "DEFAULT_SYNC_BYTES", "DEFAULT_SYNC_TEXT"]

Text = Union[str, bytes]

#: The sync message of a ``bytes`` stream when none is given.
DEFAULT_SYNC_BYTES = b"\xc0SYNC"
#: The sync message of a ``str`` stream when none is given.
DEFAULT_SYNC_TEXT = "\ufdd0SYNC"


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

    def __init__(self, message: str, data: Text | None = None) -> None:
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

    def __getnewargs__(self) -> tuple[int, Text]:      # for copy and pickle
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
        """
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
        return SimpleFrame(stamp, data)


def _wireForm(frame: SimpleFrame) -> Text:
    return str(frame) if isinstance(frame[1], str) else bytes(frame)


class Framer(StreamTransformer):
    """Framer() -> sends the wire form of each (stamp, data) pair"""

    Inboxes = {"inbox": "(stamp, data) pairs: an int and str or bytes",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "frames: b'<stamp> <length>\\n<data>' (str for str data)",
                "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        if not isinstance(message, (tuple, list)) or len(message) != 2:
            raise TypeError(f"Framer takes (stamp, data) pairs, not {shortRepr(message)}")
        return (_wireForm(SimpleFrame(message[0], message[1])),)


class DeFramer(StreamTransformer):
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
class _Syntax:
    """The special characters of a stream of chunks, from its sync message."""

    __slots__ = ("kind", "marker", "empty", "start", "escape", "escapedEscape", "escapedStart")

    def __init__(self, marker: Text) -> None:
        # Typed Any: mypy cannot say "str with str, bytes with bytes".
        self.kind: type = type(marker)
        self.marker: Any = marker
        self.empty: Any = marker[:0]
        self.start: Any
        self.escape: Any
        follower: Any
        if isinstance(marker, bytes):
            self.start = marker[:1]
            self.escape = bytes([(marker[0] + 1) % 256])
            follower = bytes([(marker[0] + 2) % 256])
        else:
            self.start = marker[0]
            self.escape = chr((ord(marker[0]) + 1) % 0x110000)
            follower = chr((ord(marker[0]) + 2) % 0x110000)
        self.escapedEscape: Any = self.escape + self.escape
        self.escapedStart: Any = self.escape + follower


def _syncMessage(owner: str, value: Any) -> Text | None:
    """Check a ``syncmessage`` argument: None, or non-empty str or bytes."""
    if value is None:
        return None
    if isinstance(value, bytearray):
        value = bytes(value)
    if not isinstance(value, (str, bytes)):
        raise TypeError(f"{owner}: syncmessage must be str or bytes, not {value!r}")
    if not value:
        raise ValueError(f"{owner}: syncmessage must not be empty, not {value!r}")
    return value


class _ChunkStream:
    """What the encoder and the decoder share: the syntax, fixed by the first use."""

    __slots__ = ("syncmessage", "_syntax")

    def __init__(self, syncmessage: Text | None = None) -> None:
        self.syncmessage = _syncMessage(type(self).__name__, syncmessage)
        self._syntax = _Syntax(self.syncmessage) if self.syncmessage is not None else None

    def _syntaxFor(self, data: Any, what: str) -> tuple[Any, _Syntax]:
        text = _asText(type(self).__name__, what, data)
        syntax = self._syntax
        if syntax is None:
            syntax = self._syntax = _Syntax(DEFAULT_SYNC_BYTES if isinstance(text, bytes)
                                            else DEFAULT_SYNC_TEXT)
        elif type(text) is not syntax.kind:
            raise TypeError(f"{type(self).__name__}: this stream carries "
                            f"{syntax.kind.__name__} (its sync message is "
                            f"{syntax.marker!r}), not {type(text).__name__}: "
                            f"{shortRepr(data)}")
        return text, syntax


class ChunkEncoder(_ChunkStream):
    """ChunkEncoder(syncmessage=None) -> turns messages into chunks of one stream

    - syncmessage -- str or bytes that starts every chunk (default: by the
      kind of the first message, ``DEFAULT_SYNC_BYTES`` or ``DEFAULT_SYNC_TEXT``)
    """

    __slots__ = ()

    def encode(self, message: Text | bytearray) -> Text:
        """The chunk carrying ``message``: the sync message, then the escaped data."""
        data, syntax = self._syntaxFor(message, "a message")
        escape, start = syntax.escape, syntax.start
        if escape in data:
            data = data.replace(escape, syntax.escapedEscape)
        if start in data:
            data = data.replace(start, syntax.escapedStart)
        chunk: Text = syntax.marker + data
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
    """ChunkDecoder(syncmessage=None) -> reads messages back from a stream of chunks

    - syncmessage -- as given to the encoder (default: by the kind of the first data)

    ``feed(data)`` the stream in pieces cut anywhere; ``nextChunk()`` returns
    each message in turn, then ``None`` when it needs more. A chunk is
    complete when the next one starts, or at ``flush()`` or ``close()``.
    ``nextChunk()`` raises :class:`CorruptChunk` or :class:`IncompleteChunk`
    for damage; the decoder has already moved past it, so calling it again
    carries on with the next chunk.
    """

    __slots__ = ("_input", "_offset", "_state", "_matched", "_body", "_junk", "_sample",
                 "_closed")

    def __init__(self, syncmessage: Text | None = None) -> None:
        super().__init__(syncmessage)
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
        pieces = self._input
        while pieces:
            piece = pieces[0]
            if piece is _FLUSH or piece is _CLOSE:
                pieces.popleft()
                message = self._endChunk(final=piece is _CLOSE)
                if message is not None:
                    return message
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

    def _endChunk(self, final: bool) -> Text | None:
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

    def _completeChunk(self, cutShort: bool) -> Text:
        """Unescape the chunk read so far, or raise for damage.

        ``cutShort``: it was ended by a flush or the end of the stream, not
        by the next sync message, so it may end inside an escape sequence.
        """
        syntax = self._syntax
        assert syntax is not None
        body: Text = syntax.empty.join(self._body)
        self._body = []
        escape = syntax.escape
        if escape not in body:                   # the usual case: nothing escaped
            return body
        parts: list[Text] = []
        at = 0
        while True:
            found = body.find(escape, at)
            if found < 0:
                parts.append(body[at:])
                whole: Text = syntax.empty.join(parts)
                return whole
            parts.append(body[at:found])
            pair = body[found:found + 2]
            if pair == syntax.escapedEscape:
                parts.append(escape)
            elif pair == syntax.escapedStart:
                parts.append(syntax.start)
            elif len(pair) == 1 and cutShort:
                raise IncompleteChunk(
                    f"the chunk ended inside an escape sequence ({pair!r} after "
                    f"{_count(found, syntax.kind)}); what came before it is kept",
                    syntax.empty.join(parts))
            else:
                raise CorruptChunk(
                    f"dropped a chunk of {_count(len(body), syntax.kind)} with a bad escape "
                    f"sequence {pair!r} at {found}: after {escape!r} only {escape!r} or "
                    f"{syntax.escapedStart[1:]!r} may follow")
            at = found + 2


class DataChunker(StreamTransformer):
    """DataChunker(syncmessage=None) -> sends each message as a chunk of one stream

    - syncmessage -- str or bytes starting every chunk (default: ``b"\\xc0SYNC"``
      for bytes messages, ``"\\ufdd0SYNC"`` for str, decided by the first message)
    """

    Inboxes = {"inbox": "messages (str or bytes, one kind per stream)",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "chunks: the sync message, then the escaped message",
                "signal": "shutdown signalling"}

    def __init__(self, syncmessage: Text | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.syncmessage = _syncMessage("DataChunker", syncmessage)
        self.encoder = ChunkEncoder(self.syncmessage)

    def feed(self, message: Any) -> Iterable[Any]:
        return (self.encoder.encode(message),)


class DataDeChunker(StreamTransformer):
    """DataDeChunker(syncmessage=None) -> sends the messages carried by a stream of chunks

    - syncmessage -- as given to the DataChunker (default: by the kind of the
      first data)
    """

    Inboxes = {"inbox": "the stream of chunks, cut anywhere (str or bytes)",
               "flush": "any message: the chunk received so far is complete; send it",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the messages, one per chunk", "signal": "shutdown signalling"}

    def __init__(self, syncmessage: Text | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.syncmessage = _syncMessage("DataDeChunker", syncmessage)
        self.decoder = ChunkDecoder(self.syncmessage)

    def feed(self, message: Any) -> Iterable[Any]:
        self.decoder.feed(message)
        return self._chunks()

    def finish(self) -> Iterable[Any]:
        self.decoder.close()
        return self._chunks()

    def main(self) -> Iterator[Any]:
        request: ipc = yield from runUntilShutdown(self, self._handleWaiting)
        for message in self.finish():
            self.deliver(message)
        self.send(request, "signal")

    def _handleWaiting(self) -> None:
        # Messages on two inboxes carry no order between them: a flush applies
        # to all the data that has arrived by the time it is seen.
        self._feedWaiting()
        for _ in self.Inbox("flush"):
            self.decoder.flush()
            for message in self._chunks():
                self.deliver(message)

    def _chunks(self) -> Iterator[Text]:
        """The messages the decoder can complete now; damage is logged."""
        decoder = self.decoder
        while True:
            try:
                message = decoder.nextChunk()
            except IncompleteChunk as exc:
                logFor(self).warning("%s: IncompleteChunk: %s", self.name, exc)
                if exc.data is None:
                    continue
                message = exc.data
            except CorruptChunk as exc:
                logFor(self).warning("%s: CorruptChunk: %s", self.name, exc)
                continue
            if message is None:
                return
            yield message

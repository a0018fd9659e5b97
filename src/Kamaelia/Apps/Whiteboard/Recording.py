"""Recording: record a whiteboard session to a file, and replay it at its pace.

Example Usage
-------------
A record is one line of the file: the time in seconds since the recording
began, a space, the wire line without its newline::

    from Kamaelia.Apps.Whiteboard.Recording import formatRecord, parseRecord

    record = formatRecord(0.25, b"[ LINE 0 0 0 1 2 3 4 ] ")
    assert record == b"0.25 [ LINE 0 0 0 1 2 3 4 ] \\n"
    assert parseRecord(record) == (0.25, b"[ LINE 0 0 0 1 2 3 4 ] ")
    print(parseRecord(b"1e-05 [ CLEAR ] \\r\\n"))     # (1e-05, b'[ CLEAR ] ')

Replay a recording (here written by hand, in 1.14's format) to the
console, ten times faster than it was recorded::

    import os, tempfile
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.File.Reading import PromptedFileReader
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.Recording import DeTimestamp

    path = os.path.join(tempfile.mkdtemp(), "session.rec")
    with open(path, "wb") as f:
        f.write(b"0.0 [ GETIMG ] \\n0.25 [ LINE 0 0 0 1 2 3 4 ] \\n1.0 [ CLEAR ] \\n")

    Graphline(
        READ=PromptedFileReader(path, "lines", encoding=None),
        PLAY=DeTimestamp(speed=10.0),
        SHOW=PureTransformer(lambda line: line.decode()),
        OUT=ConsoleEchoer(),
        linkages={("READ", "outbox"): ("PLAY", "inbox"),
                  ("PLAY", "next"): ("READ", "inbox"),     # "read me more records"
                  ("READ", "signal"): ("PLAY", "control"),
                  ("PLAY", "outbox"): ("SHOW", "inbox"),
                  ("PLAY", "signal"): ("SHOW", "control"),
                  ("SHOW", "outbox"): ("OUT", "inbox"),
                  ("SHOW", "signal"): ("OUT", "control")},
    ).run()                 # the three lines, the last 0.1 s after the first

Record a hub's session, then play it back into a hub, twice as fast (this
needs a whiteboard hub listening on port 1500; each call runs until its
connection ends; give ``token`` when the hub has a ``--token``)::

    from Kamaelia.Apps.Whiteboard.Recording import player, recorder

    recorder("session.rec", "127.0.0.1", 1500, token="s3cret").run()
    player("session.rec", "127.0.0.1", 1500, speed=2.0, token="s3cret").run()

How does it work?
-----------------
The file format is Kamaelia 1.14's (``WhiteboardRecorder.py`` /
``WhiteboardPlayer.py``), so a recording made by either replays on the
other: one record per line, ``<seconds> <line>\\n``, in bytes, where
``<seconds>`` is Python's ``str()`` of a float (``0.25``, ``12.000731``,
``1e-05``) and ``<line>`` the wire line without its final ``\\n``. Wire
lines never hold a raw LF (the tokeniser escapes it, as ``%a``); a raw CR
is no part of a line (the whiteboard's readers drop it), so none is
recorded, and one read back (a file with CRLF endings) is dropped.

The pure helpers, for code without Axon:

* :func:`formatRecord` ``(seconds, line) -> bytes`` -- the record, with its
  ``\\n``. ``seconds`` must be a finite number >= 0 (else ``ValueError``);
  ``line`` bytes (else ``TypeError``), without a raw LF inside (one at its
  end is taken off; else ``ValueError``).
* :func:`parseRecord` ``(record) -> (seconds, line)`` -- reads one record
  (bytes, its ``\\n`` or ``\\r\\n`` optional). It raises :class:`BadRecord`
  (a ``ValueError``) for anything that is no record -- no space in the
  first 65 bytes, a time that is not a finite decimal number >= 0 (``nan``,
  ``inf``, ``-1``, ``1_0``, ``0x1`` are refused), a line break inside --
  and ``TypeError`` for what is not bytes; nothing else, whatever the bytes.

The components (1.14's names and boxes):

* ``Timestamp(clock=time.monotonic)`` sends ``b"<seconds> <line>"`` for each
  line arriving on ``"inbox"`` (``bytes``; ``str`` is written as UTF-8),
  the seconds elapsed since it started; no newline, as in 1.14.
* ``IntersperseNewlines()`` sends each message, then a newline
  (``b"\\n"`` after bytes, ``"\\n"`` after anything else), as in 1.14.
* ``DeTimestamp(speed=1.0, clock=time.monotonic, source=None)`` takes
  records on ``"inbox"`` -- any number per message, whole or in pieces, as
  bytes or ``str`` -- and sends each record's line, with ``b"\\n"``
  appended (a wire line, ready for a connection), out of ``"outbox"`` at its
  time: the first record at once, each later one ``(t - t_first) / speed``
  seconds after the first. Between records it is paused with
  ``self.pause(timeout)``, so the scheduler wakes it when the next one is
  due (or when a message arrives): it uses no CPU while it waits. It asks
  for records on ``"next"``: ``readahead`` (10) at the start, then one for
  each record played or skipped (a ``PromptedFileReader`` in ``"lines"``
  mode answers with that many lines), so it holds at most about
  ``readahead`` records. A malformed record (no space, a bad time, a time
  more than :data:`BACKWARDS_TOLERANCE` before the previous record's) is
  logged as a warning naming its line number (and ``source``, if given)
  and skipped; replay goes on. ``clock`` is a clock in seconds that moves
  with real time (the waits are real seconds).
* ``recorder(filename, host, port, token=None, maxlength=MAX_WHITEBOARD_LINE)``
  -- a Graphline: a ``TCPClient`` to the hub is sent ``AUTH token`` (when
  a token is given), then ``GETIMG`` (so the recording begins with the
  board as it is); what the hub sends is cut into lines
  (``Kamaelia.Util.LineSplit``, ``maxlength`` bytes at most), stamped
  (``Timestamp``), given their newlines (``IntersperseNewlines``) and
  written as it comes (``SimpleFileWriter``, replacing the file, flushed
  whenever the writer has caught up), so the session is never held in
  memory. It runs until the hub closes the connection; then the file is
  closed and it ends. A last line cut off by the closing (no ``\\n``) is
  not a line: it is dropped with a warning. A line longer than
  ``maxlength`` ends the recording (logged): the connection is closed and
  the file closed with what came before.
* ``player(filename, host, port, speed=1.0, token=None)`` -- a Graphline:
  ``AUTH token`` (when given) is sent first, then a ``PromptedFileReader``
  reads the file a few records at a time for a ``DeTimestamp``, whose lines
  go to a ``TCPClient``. When everything has been sent the client shuts its
  sending side (the hub reads end of file) and the player ends when the hub
  closes the connection. What the hub sends meanwhile is discarded. If the
  connection cannot be made, or ends early, the replay stops at once.

Errors at the door: ``player`` opens the file once when made, so a missing
or unreadable one raises there (the ``OSError`` names the path);
``recorder`` raises ``FileNotFoundError`` naming the folder if the file's
folder does not exist. A port that is not an int from 1 to 65535, or a
speed that is not a finite number > 0, raises ``ValueError`` showing the
value; a token that is not a non-empty ``str`` raises ``TypeError`` /
``ValueError``.

Shutdown: ``Timestamp`` and ``IntersperseNewlines``, on ``producerFinished``
or ``shutdownMicroprocess`` on ``"control"``, first handle everything
already waiting, then pass that message on out of ``"signal"`` and end.
``DeTimestamp``, on ``producerFinished``, plays everything it has and what
is waiting at the records' times (an unterminated last record included),
then passes the message on; on ``shutdownMicroprocess`` it stops at once
(records not yet played are dropped) and passes it on. Other control
messages are logged and ignored. ``recorder``: a ``shutdownMicroprocess``
on its ``"control"`` closes the connection; the lines received so far are
written, the file closed, and the writer's ``"signal"`` (the shutdown
message it received, or a ``fileError`` if the file could not be written)
comes out of the recorder's. ``player``: its ``"control"`` goes to the connection: a
``shutdownMicroprocess`` closes it at once (a ``producerFinished`` shuts
our sending side after what was sent), and the connection's end stops the
replay, as any end of the connection does; the client's final
``producerFinished`` (or ``connectionFailed``) comes out of ``"signal"``.

Differences from 1.14
---------------------
* 1.14's ``DeTimestamp`` busy-waited: while a record was waiting for its
  time it ran every round (``yield 1`` without pausing), taking a whole
  core for the length of the replay. This one sleeps until the record is
  due.
* 1.14's ``PromptedFileReader`` answered the first request, for 10 lines,
  with one message holding all ten, which 1.14's ``DeTimestamp`` took for
  one record: the first ten records were sent at once, their time stamps
  with them, to the hub. Here a message may hold any number of records,
  or part of one.
* 1.14 waited the first record's own time before playing it; here the
  first record's time is the start, so playback begins at once.
* A malformed record made 1.14's player crash (no space: the unpacking
  failed; a bad time: ``float`` failed). Here it is skipped with a warning
  naming the line, and still counted in ``"next"`` (else the read-ahead
  would shrink and the replay stall). A record whose time goes backwards
  (more than :data:`BACKWARDS_TOLERANCE`) is skipped as damaged; 1.14
  played it straight after the one before.
* 1.14's ``DeTimestamp`` went on playing its waiting records after a
  ``shutdownMicroprocess``; this one stops at once.
* 1.14's ``Timestamp`` and ``IntersperseNewlines`` ended on a shutdown
  message without handling the lines that came with it, and passed every
  control message on; these handle what is waiting first and pass on only
  the shutdown message (others are logged).
* ``Timestamp`` uses ``time.monotonic`` (1.14: ``time.time``, which jumps
  when the system clock is set, so a recording could go backwards); its
  times never decrease.
* Bytes throughout (1.14 was Python 2, whose ``str`` was bytes), so lines
  holding raw image data are recorded and replayed byte for byte.
* The recorder: 1.14's chain had no line length limit, and nothing to
  stop a connection whose lines could not be recorded; here a line over
  ``maxlength`` ends the recording and closes the connection. It keeps
  the connection open after ``GETIMG`` explicitly
  (``wait_for_serverclose``): our ``TCPClient`` would otherwise shut its
  sending side when its producer finished.
* The player: 1.14's left what the hub sent back in an unlinked outbox,
  growing for the whole replay, and played on after its connection had
  failed; this one discards it and stops. ``speed``, ``token`` (``AUTH``)
  and the checks at the door are new.

What it does not do: it does not decode or check the lines it records or
plays (the hub does); it does not retry a failed connection; a recording is
written as it comes, not atomically (a crash keeps what was recorded so
far).
"""

from __future__ import annotations

import logging
import math
import os
import re
import time
from collections import deque
from typing import Any, Callable, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.File.Reading import PromptedFileReader
from Kamaelia.File.Writing import SimpleFileWriter
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Util.DataSource import DataSource
from Kamaelia.Util.LineSplit import LineDecoder, LineSplit
from Kamaelia.Util._stream import StreamTransformer, shortRepr
from Kamaelia.Apps.Whiteboard.Tokenisation import MAX_WHITEBOARD_LINE, encodeTokens

__all__ = ["BadRecord", "BACKWARDS_TOLERANCE", "MAX_TIME_FIELD", "formatRecord",
           "parseRecord", "Timestamp", "DeTimestamp", "IntersperseNewlines", "recorder",
           "player"]

log = logging.getLogger(__name__)

#: Longest time field read, in bytes: ``str()`` of any float is far shorter;
#: the limit keeps a damaged record from costing a long number parse.
MAX_TIME_FIELD = 64

#: Seconds a record's time may be before the previous one's and still play
#: (as at the previous one's time): room for rounding in a hand-edited or
#: converted file, far below anything a person could see.
BACKWARDS_TOLERANCE = 1e-6

# A decimal number >= 0 as ``str(float)`` writes it (and as a person would):
# no sign, no underscores, no "nan"/"inf", no hex.
_TIME = re.compile(rb"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class BadRecord(ValueError):
    """A record that cannot be read: no ``<seconds> <line>``, or a bad time."""


# ------------------------------------------------------------- pure helpers
def _seconds(seconds: Any) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"seconds must be a number, not {shortRepr(seconds)}")
    value = float(seconds)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"seconds must be a finite number >= 0, not {seconds!r}")
    return value


def _lineBytes(line: Any) -> bytes:
    if isinstance(line, str):
        # (1.14's lines were str; the whiteboard's text is UTF-8, rule 3 of
        # Tokenisation: surrogateescape gives raw bytes back as they were.)
        return line.encode("utf-8", "surrogateescape")
    if isinstance(line, (bytes, bytearray, memoryview)):
        return bytes(line)
    raise TypeError(f"a line must be bytes, not {shortRepr(line)}")


def _record(seconds: float, line: bytes, end: bytes) -> bytes:
    """``<seconds> <line><end>``, the line's final LF and raw CRs taken off."""
    if line.endswith(b"\n"):
        line = line[:-1]
    if b"\n" in line:
        raise ValueError(f"a wire line cannot hold a raw line feed: {shortRepr(line)}")
    if b"\r" in line:
        line = line.replace(b"\r", b"")
    return b"%b %b%b" % (str(seconds).encode("ascii"), line, end)


def formatRecord(seconds: float, line: bytes) -> bytes:
    """formatRecord(seconds, line) -> the record ``b"<seconds> <line>\\n"``

    - seconds -- time since the recording began (a finite number >= 0)
    - line    -- the wire line (bytes), with or without its final ``\\n``
    """
    if not isinstance(line, (bytes, bytearray, memoryview)):
        raise TypeError(f"a line must be bytes, not {shortRepr(line)}")
    return _record(_seconds(seconds), bytes(line), b"\n")


def parseRecord(record: bytes) -> tuple[float, bytes]:
    """parseRecord(record) -> (seconds, line) of one record (bytes); raises BadRecord

    The record's final ``\\n`` (or ``\\r\\n``) is optional; the line comes
    back without it and without raw CRs.
    """
    if not isinstance(record, (bytes, bytearray)):
        raise TypeError(f"a record must be bytes, not {shortRepr(record)}")
    end = len(record) - 1 if record.endswith(b"\n") else len(record)
    space = record.find(b" ", 0, min(end, MAX_TIME_FIELD + 1))
    if space < 0:
        raise BadRecord(f"no '<seconds> <line>': no space in the first "
                        f"{MAX_TIME_FIELD + 1} bytes of {shortRepr(bytes(record[:80]))}")
    field = bytes(record[:space])
    if not _TIME.fullmatch(field):
        raise BadRecord(f"the time {shortRepr(field)} is not a decimal number >= 0")
    seconds = float(field)
    if not math.isfinite(seconds):
        raise BadRecord(f"the time {shortRepr(field)} is not finite")
    if record.find(b"\n", space, end) >= 0:
        raise BadRecord(f"a line break inside the record {shortRepr(bytes(record[:80]))}: "
                        "records are one a line")
    line = bytes(record[space + 1:end])
    if b"\r" in line:
        line = line.replace(b"\r", b"")
    return seconds, line


def _checkSpeed(owner: str, speed: Any) -> float:
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or \
            not (math.isfinite(speed) and speed > 0):
        raise ValueError(f"{owner}: speed must be a finite number > 0, not {speed!r}")
    return float(speed)


def _checkPort(owner: str, port: Any) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ValueError(f"{owner}: port must be an int from 1 to 65535, not {port!r}")
    return port


def _checkClock(owner: str, clock: Any) -> Callable[[], float]:
    if not callable(clock):
        raise TypeError(f"{owner}: clock must be callable, not {clock!r}")
    return clock


def _authLines(owner: str, token: Any) -> list[bytes]:
    if token is None:
        return []
    if not isinstance(token, str):
        raise TypeError(f"{owner}: token must be a str, not {shortRepr(token)}")
    if not token:
        raise ValueError(f"{owner}: token must not be empty")
    return [encodeTokens([["AUTH", token]])]


# --------------------------------------------------------------- components
class Timestamp(StreamTransformer):
    """Timestamp(clock=time.monotonic) -> sends b"<seconds> <line>" for each line

    - clock -- a clock in seconds; the times are from when the component starts
    """

    Inboxes = {"inbox": "wire lines, without their final newline (bytes; str is "
                        "written as UTF-8)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "b'<seconds> <line>' per line, without a newline",
                "signal": "the shutdown message, passed on"}

    def __init__(self, clock: Callable[[], float] = time.monotonic, **argd: Any) -> None:
        super().__init__(**argd)
        self.clock = _checkClock("Timestamp", clock)
        #: The clock's reading when the component started (None until then).
        self.start: float | None = None
        self._latest = 0.0

    def main(self) -> Iterator[Any]:
        self.start = self.clock()
        yield from super().main()

    def feed(self, message: Any) -> Iterable[Any]:
        line = _lineBytes(message)
        assert self.start is not None
        # Never earlier than the line before: a replay skips records going back.
        elapsed = max(self._latest, self.clock() - self.start)
        self._latest = elapsed
        return (_record(elapsed, line, b""),)


class IntersperseNewlines(StreamTransformer):
    """IntersperseNewlines() -> sends each message, then a newline"""

    Inboxes = {"inbox": "messages (bytes, or str)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each message, then b'\\n' (after bytes) or '\\n'",
                "signal": "the shutdown message, passed on"}

    def feed(self, message: Any) -> Iterable[Any]:
        newline = b"\n" if isinstance(message, (bytes, bytearray, memoryview)) else "\n"
        return (message, newline)


class DeTimestamp(component):
    """DeTimestamp(speed=1.0, clock=time.monotonic, source=None) -> sends each record's line at its time

    - speed  -- how much faster than recorded (2.0: twice as fast); a finite number > 0
    - clock  -- a clock in seconds, moving with real time
    - source -- what the records come from (a file name), for the warnings
    """

    Inboxes = {"inbox": "records b'<seconds> <line>\\n': any number per message, or "
                        "part of one (bytes, or str)",
               "control": "producerFinished: play what is left, then end; "
                          "shutdownMicroprocess: end now"}
    Outboxes = {"outbox": "each record's line, with b'\\n', at its time",
                "signal": "the shutdown message, passed on",
                "next": "requests for more records: how many (an int)"}

    #: Records asked for at the start (1.14's BUFFERSIZE); at most about
    #: this many are held.
    readahead: int = 10

    def __init__(self, speed: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 source: str | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.speed = _checkSpeed("DeTimestamp", speed)
        self.clock = _checkClock("DeTimestamp", clock)
        self.source = source
        readahead = self.readahead
        if isinstance(readahead, bool) or not isinstance(readahead, int) or readahead < 1:
            raise ValueError(f"DeTimestamp: readahead must be an int >= 1, not {readahead!r}")
        self._decoder = LineDecoder(b"\n", None, "DeTimestamp")
        self._pending: deque[tuple[float, bytes]] = deque()   # (when due, line + LF)
        self._start: float | None = None      # clock reading at the first record
        self._first = 0.0                     # the first record's time
        self._previous: float | None = None   # the last good record's time
        self._lineNumber = 0
        self._consumed = 0                    # records taken, not yet asked for again
        self._finishing: ipc | None = None
        self._stopping: ipc | None = None
        self._ended = False                   # the end of the records was read

    def main(self) -> Iterator[Any]:
        self.send(self.readahead, "next")
        while True:
            self._takeControl()
            if self._stopping is not None:
                self._stop()
                return
            self._takeRecords()
            if self._finishing is not None and not self._ended and \
                    not self.dataReady("inbox"):
                self._endOfRecords()
            wait = self._playDue()
            if self._finishing is not None and self._ended and not self._pending:
                self.send(self._finishing, "signal")
                return
            self._askForMore()
            if not self.anyReady():
                self.pause(wait)
            yield 1

    def _takeControl(self) -> None:
        for message in self.Inbox("control"):
            if isinstance(message, shutdownMicroprocess):
                self._stopping = message
                return
            if isinstance(message, producerFinished):
                if self._finishing is None:
                    self._finishing = message
            else:
                log.warning("%s ignored an unexpected message on 'control': %s",
                            self.name, shortRepr(message))

    def _stop(self) -> None:
        if self._pending:
            log.debug("%s stopped with %d record(s) not played", self.name,
                      len(self._pending))
        self._pending.clear()
        self.send(self._stopping, "signal")

    def _takeRecords(self) -> None:
        for message in self.Inbox("inbox"):
            try:
                records = self._decoder.feed(_lineBytes(message))
            except TypeError as exc:
                log.warning("%s cannot read %s (%s); skipped", self.name,
                            shortRepr(message), exc)
                continue
            for record in records:
                self._take(record)

    def _endOfRecords(self) -> None:
        self._ended = True
        last = self._decoder.close()
        if last is not None:
            self._take(last)

    def _where(self) -> str:
        where = f"line {self._lineNumber}"
        return where if self.source is None else f"{where} of {self.source!r}"

    def _take(self, record: bytes) -> None:
        self._lineNumber += 1
        try:
            seconds, line = parseRecord(record)
        except BadRecord as exc:
            self._skip(str(exc))
            return
        previous = self._previous
        if previous is not None and seconds < previous:
            if seconds < previous - BACKWARDS_TOLERANCE:
                self._skip(f"its time {seconds!r} is before the previous record's "
                           f"({previous!r})")
                return
            seconds = previous
        self._previous = seconds
        if self._start is None:
            self._start, self._first = self.clock(), seconds
        due = self._start + (seconds - self._first) / self.speed
        self._pending.append((due, line + b"\n"))

    def _skip(self, reason: str) -> None:
        log.warning("%s: %s skipped: %s; replay goes on", self.name, self._where(), reason)
        self._consumed += 1

    def _playDue(self) -> float | None:
        """Send the records that are due; the seconds until the next one (None: none)."""
        pending = self._pending
        if not pending:
            return None
        now = self.clock()
        while pending and pending[0][0] <= now:
            self.send(pending.popleft()[1], "outbox")
            self._consumed += 1
        return pending[0][0] - now if pending else None

    def _askForMore(self) -> None:
        if self._consumed and not self._ended:
            self.send(self._consumed, "next")
        self._consumed = 0


class _EndTogether(component):
    """Ends with the component feeding its "control", and stops another one.

    On a shutdown message on "control" it sends ``shutdownMicroprocess`` out
    of "stop" and "stopAlso" (to end other parts of the system at once:
    harmless if they have ended already), passes the message on out of
    "signal" and ends. What arrives on "inbox" is discarded (what a hub sends a player).
    """

    Inboxes = {"inbox": "discarded", "control": "the end of what this follows"}
    Outboxes = {"outbox": "not used", "signal": "the shutdown message, passed on",
                "stop": "shutdownMicroprocess, for what must end too",
                "stopAlso": "shutdownMicroprocess, for another part that must end too"}

    def main(self) -> Iterator[Any]:
        while True:
            for _ in self.Inbox("inbox"):
                pass
            if self._ending():
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _ending(self) -> bool:
        for message in self.Inbox("control"):
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self.send(shutdownMicroprocess(self), "stop")
                self.send(shutdownMicroprocess(self), "stopAlso")
                self.send(message, "signal")
                return True
            log.warning("%s ignored an unexpected message on 'control': %s",
                        self.name, shortRepr(message))
        return False


class _Preface(StreamTransformer):
    """Sends ``lines`` first, then passes on what arrives (and the shutdown)."""

    Inboxes = {"inbox": "messages to pass on", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the lines, then the messages", "signal": "shutdown signalling"}

    def __init__(self, lines: list[bytes], **argd: Any) -> None:
        super().__init__(**argd)
        self.lines = list(lines)

    def main(self) -> Iterator[Any]:
        for line in self.lines:
            self.send(line, "outbox")
        yield from super().main()


class _WholeLines(LineSplit):
    """LineSplit that drops (with a warning) an unterminated last line: the
    connection closed in the middle of it, so it is no wire line."""

    def finish(self) -> Iterable[Any]:
        last = self.decoder.close()
        if last:
            log.warning("%s: the connection ended in the middle of a line (%d bytes "
                        "without their newline); that part line was not recorded",
                        self.name, len(last))
        return ()


# ------------------------------------------------------------------ prefabs
def recorder(filename: str | os.PathLike[str], host: str, port: int,
             token: str | None = None, maxlength: int | None = MAX_WHITEBOARD_LINE
             ) -> Graphline:
    """recorder(filename, host, port, token=None, maxlength=MAX_WHITEBOARD_LINE) -> records a hub's session

    - filename  -- the recording to write (replaced)
    - host      -- the hub's host name or address
    - port      -- the hub's TCP port
    - token     -- sent as ``AUTH token`` first, for a hub with a ``--token``
    - maxlength -- the longest line recorded, in bytes (None: no limit)
    """
    path = os.fspath(filename)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"recorder: there is no folder {folder!r} to write the "
                                f"recording {path!r} in")
    if os.path.isdir(path):
        raise IsADirectoryError(f"recorder: the recording {path!r} is a folder")
    port = _checkPort("recorder", port)
    ask = _authLines("recorder", token) + [encodeTokens([["GETIMG"]])]
    return Graphline(
        ASK=DataSource(ask),
        # The hub answers GETIMG and then sends what its peers draw: the
        # connection stays open (both ways) until the hub closes it.
        TCP=TCPClient(host, port, wait_for_serverclose=True),
        SPLIT=_WholeLines(b"\n", maxlength),
        END=_EndTogether(),
        STAMP=Timestamp(),
        NEWLINES=IntersperseNewlines(),
        WRITE=SimpleFileWriter(path, "wb"),
        linkages={
            ("self", "control"): ("TCP", "control"),
            ("ASK", "outbox"): ("TCP", "inbox"),
            ("ASK", "signal"): ("TCP", "control"),
            ("TCP", "outbox"): ("SPLIT", "inbox"),
            ("TCP", "signal"): ("SPLIT", "control"),
            ("SPLIT", "outbox"): ("STAMP", "inbox"),
            # A line too long ends the splitter before the connection: END
            # closes the connection then (else it would fill memory).
            ("SPLIT", "signal"): ("END", "control"),
            ("END", "stop"): ("TCP", "control"),
            ("END", "signal"): ("STAMP", "control"),
            ("STAMP", "outbox"): ("NEWLINES", "inbox"),
            ("STAMP", "signal"): ("NEWLINES", "control"),
            ("NEWLINES", "outbox"): ("WRITE", "inbox"),
            ("NEWLINES", "signal"): ("WRITE", "control"),
            ("WRITE", "signal"): ("self", "signal"),
        })


def player(filename: str | os.PathLike[str], host: str, port: int, speed: float = 1.0,
           token: str | None = None) -> Graphline:
    """player(filename, host, port, speed=1.0, token=None) -> replays a recording into a hub

    - filename -- the recording to play (read a few records at a time)
    - host     -- the hub's host name or address
    - port     -- the hub's TCP port
    - speed    -- how much faster than recorded (2.0: twice as fast); > 0
    - token    -- sent as ``AUTH token`` first, for a hub with a ``--token``
    """
    path = os.fspath(filename)
    with open(path, "rb"):      # a missing or unreadable file is reported now
        pass
    port = _checkPort("player", port)
    speed = _checkSpeed("player", speed)
    auth = _authLines("player", token)
    parts: dict[str, Any] = {
        "READ": PromptedFileReader(path, "lines", encoding=None),
        "PLAY": DeTimestamp(speed=speed, source=path),
        "TCP": TCPClient(host, port),
        "END": _EndTogether(),
    }
    linkages = {
        # A shutdown closes the connection, whose end stops the rest.
        ("self", "control"): ("TCP", "control"),
        ("READ", "outbox"): ("PLAY", "inbox"),
        ("READ", "signal"): ("PLAY", "control"),
        ("PLAY", "next"): ("READ", "inbox"),
        ("PLAY", "outbox"): ("TCP", "inbox"),
        ("PLAY", "signal"): ("TCP", "control"),
        ("TCP", "outbox"): ("END", "inbox"),
        # The connection's end (the hub closed it, or it failed) stops the
        # replay: the reader and the player each (a message sent to the
        # reader alone would be lost if it was ending by itself just then).
        ("TCP", "signal"): ("END", "control"),
        ("END", "stop"): ("READ", "control"),
        ("END", "stopAlso"): ("PLAY", "control"),
        ("END", "signal"): ("self", "signal"),
    }
    if auth:
        # In the stream, so AUTH is sure to be the first line the hub reads.
        parts["AUTH"] = _Preface(auth)
        linkages.update({("PLAY", "outbox"): ("AUTH", "inbox"),
                         ("PLAY", "signal"): ("AUTH", "control"),
                         ("AUTH", "outbox"): ("TCP", "inbox"),
                         ("AUTH", "signal"): ("TCP", "control")})
    return Graphline(linkages=linkages, **parts)


__kamaelia_components__ = (Timestamp, DeTimestamp, IntersperseNewlines)
__kamaelia_prefabs__ = (recorder, player)

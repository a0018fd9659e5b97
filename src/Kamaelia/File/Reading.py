"""File readers: on request, simply, or at a controlled rate.

Example Usage
-------------
Print a text file a line at a time, ten lines a second::

    import tempfile
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.Reading import RateControlledFileReader
    from Kamaelia.Util.Console import ConsoleEchoer

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("one\\ntwo\\nthree\\n")

    Pipeline(
        RateControlledFileReader(f.name, "lines", rate=10, chunksize=1),
        ConsoleEchoer(),
    ).run()

Read a file whole, line by line (text) or in chunks (binary)::

    Pipeline(SimpleReader("notes.txt"), ConsoleEchoer()).run()

How does it work?
-----------------
Every reader here does its disk I/O in its own thread (each is an
``Axon.ThreadedComponent.threadedcomponent``), so a slow disk never holds up
the scheduler. Byte modes send ``bytes``; line modes send ``str`` decoded
with ``encoding`` (default UTF-8; pass ``encoding=None`` for ``bytes``
lines). Line endings are kept as they are in the file.

A file may also be a FIFO, a pipe or a character device such as a terminal:
it is opened without waiting (a FIFO with no writer yet is read once one
connects, to the end of what it writes), and while there is nothing to read
the reader's thread waits for the scheduler to say there is, not in
``read()``, so a shutdown message ends the wait (see below).

``PromptedFileReader(filename, readmode="bytes")`` reads when asked: each
number ``n`` arriving on ``"inbox"`` makes it read ``n`` bytes (or ``n``
lines, sent together as one message) and send them out of ``"outbox"``. When
a request finds the end of the file it sends ``producerFinished`` out of
``"signal"`` and ends. A request for 0 (or fewer) reads nothing and sends
nothing (1.14 took it for the end of the file); one that is not a whole
number is logged and skipped.

1.14's methods are kept: the reader reads with
:meth:`PromptedFileReader.readNBytes` or :meth:`PromptedFileReader.readNLines`
(a subclass may override them), which raise :class:`EOF` at the end of the
file; ``file`` is the open file. ``shutdown()`` (on both readers) answers
True, passing the message on, once ``shutdownMicroprocess`` has arrived, as
1.14's did; the readers' loops do not use it (they finish what came before
the message first).

``SimpleReader(filename, mode="r", buffering=1)`` sends the whole file as
fast as its consumer takes it: lines in text mode (``"r"``), chunks of up to
``chunksize`` (64 KiB) bytes in binary mode (``"rb"``), then
``producerFinished``. ``buffering`` is accepted for 1.14 code and ignored.
(Like every reader that streams a whole file, it stops reading while
``maxqueue`` pieces wait for its consumer; see
:mod:`Kamaelia.File.MaxSpeedFileReader`.)

Prefabs, built as in Kamaelia 1.14 from
:class:`Kamaelia.Util.RateFilter.ByteRate_RequestControl` (which sends the
read requests at a steady rate), :class:`Kamaelia.Chassis.Graphline.Graphline`
and :class:`Kamaelia.Chassis.Carousel.Carousel`:

* ``RateControlledFileReader(filename, readmode="bytes", **rateargs)`` -- a
  ``PromptedFileReader`` driven by a ``ByteRate_RequestControl(**rateargs)``
  (``rate`` bytes or lines a second, ``chunksize`` per message).
* ``ReusableFileReader(readmode)`` -- a Carousel of PromptedFileReaders:
  each filename sent to ``"next"`` starts reading that file; requests go to
  ``"inbox"``; ``"NEXT"`` comes out of ``"requestNext"`` when a file is done.
* ``RateControlledReusableFileReader(readmode)`` -- a Carousel of
  RateControlledFileReaders: send ``(filename, rateargs)`` to ``"next"``.
* ``FixedRateControlledReusableFileReader(readmode="bytes", **rateargs)`` --
  filenames sent to ``"inbox"`` (or ``"next"``) are read one after another at
  one fixed rate.

Errors and shutdown
-------------------
A file that cannot be opened or read (missing, a folder, not allowed, not
valid text in the encoding) is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the reader ends. Inside a Carousel
the error ends that one child (the Carousel asks for the next file); it is
logged, not passed on.

``PromptedFileReader``: on ``producerFinished`` arriving on ``"control"`` it
first answers the requests already waiting, then passes the message on out of
``"signal"`` and ends; on ``shutdownMicroprocess`` likewise (the requests
waiting are answered first, as they arrived before it), except that a
``shutdownMicroprocess`` arriving while it waits for data from a FIFO,
pipe or device ends the wait and the reader at once. ``SimpleReader``
stops reading on either, including while it waits for data, and passes it
on.

Names from elsewhere: the reusable readers open each name they are sent.
Give them (or a ``PromptedFileReader``) ``root="/some/folder"`` to confine
those names to that folder: a name that leads outside it (``..``, an
absolute path elsewhere, a symbolic link out), names the folder itself or
holds a NUL byte is refused with a ``fileError`` (whose ``exception`` is a
:class:`~Kamaelia.File.messages.NameRefused`), logged; in a Carousel that
ends that one child and the next name is read as usual. The default,
``root=None``, opens any name, as 1.14 did.

The prefabs shut down as their chassis do: a shutdown message sent to a
RateControlledFileReader reaches its reader, whose ending stops the rate
controller.
"""

from __future__ import annotations

from typing import Any, Callable

from Axon.AxonExceptions import noSpaceInBox
from Axon.Ipc import shutdownMicroprocess
from Kamaelia.Chassis.Carousel import Carousel
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.File._base import (FileThread, StreamingReader, checkRoot, confine, log,
                                 openToRead, reportFailure)
from Kamaelia.Util.RateFilter import ByteRate_RequestControl

__all__ = ["EOF", "PromptedFileReader", "SimpleReader", "RateControlledFileReader",
           "ReusableFileReader", "RateControlledReusableFileReader",
           "FixedRateControlledReusableFileReader"]

READMODES = ("bytes", "lines")


class EOF(Exception):
    """Raised by :meth:`PromptedFileReader.readNBytes` / ``readNLines`` at the end of the file."""


def _passOnStop(component: Any) -> bool:
    """1.14's ``shutdown()``: True (passing it on) if shutdownMicroprocess arrived."""
    while component.dataReady("control"):
        message = component.recv("control")
        if isinstance(message, shutdownMicroprocess):
            component.send(message, "signal")
            return True
    return False


def checkReadmode(readmode: Any) -> None:
    if readmode not in READMODES:
        raise ValueError(f"readmode must be 'bytes' or 'lines', not {readmode!r}")


def openForReading(owner: FileThread, filename: Any, lines: bool,
                   encoding: str | None, noFollow: bool = False) -> Any:
    """Binary file, or text file (line endings untouched) when reading lines with
    an encoding; a FIFO, pipe or device is read without blocking ``owner``'s thread."""
    text = lines and encoding is not None
    return openToRead(owner, filename, text=text, encoding=encoding if text else None,
                      noFollow=noFollow)


class PromptedFileReader(FileThread):
    """PromptedFileReader(filename, readmode="bytes", encoding="utf-8", root=None) -> reads when asked

    - filename -- the file to read
    - readmode -- ``"bytes"`` or ``"lines"``: what a request counts
    - encoding -- for ``"lines"``: decode to ``str`` with it (None: send ``bytes``)
    - root     -- None, or a folder: ``filename`` must lead inside it (a name
      from a message, in the reusable readers); else it is refused with a
      ``fileError``
    """

    Inboxes = {"inbox": "requests: read this many bytes (or lines) and send them",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "what each request read",
                "signal": "producerFinished at the end of the file; fileError if it "
                          "cannot be read; else the shutdown message received"}

    #: A wait for data ends at once on shutdownMicroprocess; producerFinished
    #: waits until the requests that came before it are answered.
    interruptedBy = (shutdownMicroprocess,)

    def __init__(self, filename: str, readmode: str = "bytes", encoding: str | None = "utf-8",
                 root: Any = None, **argd: Any) -> None:
        checkReadmode(readmode)
        super().__init__(**argd)
        self.filename = filename
        self.readmode = readmode
        self.encoding = encoding
        self.root = checkRoot(root)

    def readNBytes(self, n: int) -> Any:
        """The next ``n`` bytes of the file; :class:`EOF` if there are none."""
        data = self.file.read(n)
        if not data:
            raise EOF("EOF")
        return data

    def readNLines(self, n: int) -> Any:
        """The next ``n`` lines of the file, as one message; :class:`EOF` if none."""
        data = self._readLines(n)
        if not data:
            raise EOF("EOF")
        return data

    def shutdown(self) -> bool:
        """True (having passed it on out of "signal") if ``shutdownMicroprocess``
        has arrived on "control" (1.14's method; the loop does not use it)."""
        return _passOnStop(self)

    def main(self) -> None:
        try:
            path = self.filename if self.root is None else confine(self.root, self.filename)
            file = openForReading(self, path, self.readmode == "lines", self.encoding,
                                  noFollow=self.root is not None)
        except (OSError, ValueError) as exc:       # (NameRefused is a ValueError)
            reportFailure(self, self.filename, exc, "read")
            return
        self.file = file
        read = self.readNLines if self.readmode == "lines" else self.readNBytes

        def answer(request: Any) -> bool:
            try:
                count = int(request)
            except (TypeError, ValueError):
                log.warning("%s: a request must be a whole number of %s, not %r; skipped",
                            self.name, self.readmode, request)
                return True
            if count <= 0:
                return True
            try:
                data = read(count)
            except EOF:
                data = None
            except (OSError, ValueError) as exc:
                reportFailure(self, self.filename, exc, "read")
                return False
            if not data:
                self.finished()
                return False
            try:
                self.send(data, "outbox", block=True)
            except noSpaceInBox:            # told to stop while waiting for room
                return True
            return True

        with file:
            request = self.serve(answer)
        if request is not None:
            self.send(request, "signal")

    def _readLines(self, count: int) -> Any:
        readline = self.file.readline
        lines = []
        for _ in range(count):
            line = readline()
            if not line:
                break
            lines.append(line)
        return lines[0][:0].join(lines) if lines else b""


class SimpleReader(StreamingReader):
    """SimpleReader(filename, mode="r", buffering=1, encoding="utf-8") -> sends a whole file

    - filename  -- the file to read
    - mode      -- ``"r"`` (text: one message per line) or ``"rb"`` (binary: chunks)
    - buffering -- accepted for 1.14 compatibility; ignored
    - encoding  -- text mode's encoding
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to stop reading"}
    Outboxes = {"outbox": "the file: lines (text mode) or chunks of bytes (binary mode)",
                "signal": "producerFinished at the end; fileError if the file cannot be "
                          "read; else the shutdown message received"}

    #: Largest chunk sent in binary mode.
    chunksize: int = 65536
    #: 1.14's defaults, as class attributes (a subclass may set them).
    mode: str = "r"
    buffering: int = 1

    def __init__(self, filename: str, mode: str | None = None, buffering: int | None = None,
                 encoding: str = "utf-8", **argd: Any) -> None:
        if mode is not None:
            argd["mode"] = mode
        if buffering is not None:
            argd["buffering"] = buffering
        super().__init__(**argd)
        if self.mode not in ("r", "rt", "rb"):
            raise ValueError(f"SimpleReader reads; mode must be 'r', 'rt' or 'rb', "
                             f"not {self.mode!r}")
        self.filename = self.path = filename
        self.encoding = encoding

    def shutdown(self) -> bool:
        """True (having passed it on out of "signal") if ``shutdownMicroprocess``
        has arrived on "control" (1.14's method; the loop does not use it)."""
        return _passOnStop(self)

    def openSource(self) -> Any:
        return openForReading(self, self.filename, self.mode != "rb", self.encoding)

    def readPiece(self, source: Any, pieces: int) -> Any:
        if self.mode == "rb":
            return source.read(self.chunksize)
        return source.readline()


def RateControlledFileReader(filename: str, readmode: str = "bytes", root: Any = None,
                             **rateargs: Any) -> Graphline:
    """RateControlledFileReader(filename, readmode="bytes", root=None, **rateargs) -> reads at a set rate

    - filename   -- the file to read
    - readmode   -- ``"bytes"`` or ``"lines"``
    - root       -- None, or a folder ``filename`` must lead inside (see PromptedFileReader)
    - rateargs   -- for :class:`~Kamaelia.Util.RateFilter.ByteRate_RequestControl`:
      ``rate`` (bytes or lines a second), ``chunksize`` (per message),
      ``allowchunkaggregation``
    """
    checkReadmode(readmode)
    return Graphline(RC=ByteRate_RequestControl(**rateargs),
                     RFA=PromptedFileReader(filename, readmode, root=root),
                     linkages={("RC", "outbox"): ("RFA", "inbox"),
                               ("RFA", "outbox"): ("self", "outbox"),
                               ("RFA", "signal"): ("RC", "control"),
                               ("RC", "signal"): ("self", "signal"),
                               ("self", "control"): ("RFA", "control")})


def _factory(readmode: str, root: Any) -> Callable[[Any], PromptedFileReader]:
    def PromptedFileReaderFactory(filename: Any) -> PromptedFileReader:
        return PromptedFileReader(filename=filename, readmode=readmode, root=root)
    return PromptedFileReaderFactory


def ReusableFileReader(readmode: str, root: Any = None) -> Carousel:
    """ReusableFileReader(readmode, root=None) -> reads each file named on "next", when prompted

    - readmode -- ``"bytes"`` or ``"lines"``
    - root     -- None (any name is opened, as in 1.14), or a folder: names
      leading outside it are refused (a ``fileError``, logged; the next name
      is read as usual)
    """
    checkReadmode(readmode)
    return Carousel(_factory(readmode, checkRoot(root)))


def RateControlledReusableFileReader(readmode: str, root: Any = None) -> Carousel:
    """RateControlledReusableFileReader(readmode, root=None) -> reads each (filename, rateargs) on "next"

    - readmode -- ``"bytes"`` or ``"lines"``
    - root     -- as for :func:`ReusableFileReader`
    """
    checkReadmode(readmode)
    root = checkRoot(root)

    def RateControlledFileReaderFactory(args: Any) -> Graphline:
        filename, rateargs = args
        return RateControlledFileReader(filename, readmode, root=root, **rateargs)

    return Carousel(RateControlledFileReaderFactory)


def FixedRateControlledReusableFileReader(readmode: str = "bytes", root: Any = None,
                                          **rateargs: Any) -> Graphline:
    """FixedRateControlledReusableFileReader(readmode="bytes", root=None, **rateargs) -> reads files in turn

    Each filename sent to "inbox" (or "next") is read, one file after
    another, at the rate ``rateargs`` give ``ByteRate_RequestControl``;
    ``"NEXT"`` comes out of ``"requestNext"`` after each file. ``root``: as
    for :func:`ReusableFileReader`.
    """
    checkReadmode(readmode)
    return Graphline(RC=ByteRate_RequestControl(**rateargs),
                     CAR=ReusableFileReader(readmode, root),
                     linkages={("self", "inbox"): ("CAR", "next"),
                               ("self", "next"): ("CAR", "next"),
                               ("self", "control"): ("RC", "control"),
                               ("RC", "outbox"): ("CAR", "inbox"),
                               ("RC", "signal"): ("CAR", "control"),
                               ("CAR", "outbox"): ("self", "outbox"),
                               ("CAR", "signal"): ("self", "signal"),
                               ("CAR", "requestNext"): ("self", "requestNext")})


__kamaelia_components__ = (PromptedFileReader, SimpleReader)
__kamaelia_prefabs__ = (RateControlledFileReader, ReusableFileReader,
                        RateControlledReusableFileReader, FixedRateControlledReusableFileReader)

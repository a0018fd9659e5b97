"""ReadFileAdaptor: send a file, a command's output or standard input, at a steady pace.

Example Usage
-------------
A line every tenth of a second::

    import tempfile
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
    from Kamaelia.Util.Console import ConsoleEchoer

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("tick\\ntock\\n")
    Pipeline(ReadFileAdaptor(f.name, readmode="line", steptime=0.1), ConsoleEchoer()).run()

A command's output, as 8 kbit/s of bytes in 4 chunks a second::

    Pipeline(ReadFileAdaptor(command="seq 1 100", readmode="bitrate", bitrate=8000,
                             chunkrate=4), ConsoleEchoer()).run()

How does it work?
-----------------
``ReadFileAdaptor(filename="", command="", readmode="", readsize=1450,
steptime=0.0, bitrate=65536.0, chunkrate=24, debug=0)`` reads ``filename``,
or the standard output of the shell ``command``, or (given neither, as in
1.14) this program's standard input, in its own thread, and sends what it
reads out of ``"outbox"``:

* ``readmode=""`` or ``"line"`` -- one line every ``steptime`` seconds, as
  ``str`` decoded with ``encoding`` (default UTF-8; ``encoding=None`` sends
  ``bytes``). As in 1.14, lines are the default.
* ``readmode="block"`` -- ``readsize`` bytes every ``steptime`` seconds
  (``steptime=0``: as fast as the consumer takes them). 1.14 took any other
  value for ``"block"`` too; so does this, with a warning logged.
* ``readmode="bitrate"`` -- ``bitrate`` bits a second in ``chunkrate``
  chunks a second: every ``1 / chunkrate`` seconds, ``int(bitrate / 8 /
  chunkrate)`` bytes (at least 1), which becomes ``readsize``, as in 1.14.
  With ``chunkrate=None``, chunks of ``readsize`` bytes, as often as the
  bitrate allows.

Pacing is 1.14's: the first piece is read one ``steptime`` (or ``1 /
chunkrate``) after it starts, then one each period. The pace is kept
against the clock, so it does not drift (1.14's drifted later by however
late each read was); a consumer that falls behind slows the reader down (it
stops reading while ``maxqueue`` pieces wait for the consumer), after
which it catches up. At the end it waits until its consumer has taken
everything, then sends ``producerFinished`` out of ``"signal"`` and ends. A
command that exits with a failure status is logged as a warning. With
``debug`` true, what is read is also written to standard output (1.14 did
the same).

1.14's methods are here: :meth:`ReadFileAdaptor.getDataReadline` and
:meth:`ReadFileAdaptor.getDataByteLen` read one piece from ``f`` (the open
source), raising :class:`EOF` at its end; ``getData`` is the one the mode
uses (as in 1.14, set when it is made), and the reader calls it for each
piece, so a subclass may override them.

A FIFO, a pipe or a character device (a terminal) may be read as a file,
and a command's output is a pipe: while there is nothing to read, the
thread waits for the scheduler to say there is, not in ``read()`` (and a
FIFO with no writer yet does not make it wait in ``open()``), so a shutdown
message ends the wait at once. Standard input is still read by the thread
itself (it is shared with other programs, so it is left as it is).

A file that cannot be opened or read is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the component ends.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` stops it at once (between pieces, including while it waits for
the next one or for data); it passes the message on out of ``"signal"`` and ends. A
command still running is given ``gracePeriod`` seconds to end after its
output is closed, then killed. (1.14 did not listen to ``"control"``.)
"""

from __future__ import annotations

import sys
from typing import Any

from Kamaelia.File._base import PacedReader, checkPositive, log

__all__ = ["ReadFileAdaptor", "EOF"]


class EOF(Exception):
    """Raised by :meth:`ReadFileAdaptor.getDataByteLen` / ``getDataReadline`` at the end."""


class ReadFileAdaptor(PacedReader):
    """ReadFileAdaptor(filename="", command="", readmode="", readsize=1450, steptime=0.0,
    bitrate=65536.0, chunkrate=24, debug=0) -> sends a file or a command's output, paced

    - filename  -- the file to read (or:)
    - command   -- a shell command whose standard output to read (neither: stdin)
    - readmode  -- ``""``/``"line"``, ``"block"`` or ``"bitrate"`` (see the module docstring)
    - readsize  -- bytes per read (``"block"`` mode, and ``"bitrate"`` without chunkrate)
    - steptime  -- seconds between reads (``"line"`` and ``"block"`` modes)
    - bitrate   -- bits per second (``"bitrate"`` mode)
    - chunkrate -- reads per second (``"bitrate"`` mode)
    - debug     -- also write what is read to standard output
    - encoding  -- lines are decoded with it (None: send bytes)
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to stop reading"}
    Outboxes = {"outbox": "what was read: lines, or bytes",
                "signal": "producerFinished at the end; fileError if the file cannot be "
                          "read; else the shutdown message received"}

    firstWaits = True

    def __init__(self, filename: str = "", command: str = "", readmode: str = "",
                 readsize: int = 1450, steptime: float = 0.0, bitrate: float = 65536.0,
                 chunkrate: float | None = 24, debug: int = 0,
                 encoding: str | None = "utf-8", **argd: Any) -> None:
        if filename and command:
            log.warning("ReadFileAdaptor given both filename=%r and command=%r: reading "
                        "the file (as 1.14 did)", filename, command)
            command = ""
        if readmode in ("", "line"):
            unit, amount, interval = "lines", 1, steptime
        elif readmode == "bitrate":
            checkPositive("bitrate", bitrate)
            unit = "bytes"
            if chunkrate is None:
                amount, interval = readsize, readsize * 8 / bitrate
            else:
                checkPositive("chunkrate", chunkrate)
                readsize = max(1, int(bitrate / 8 / chunkrate))     # 1.14's arithmetic
                amount, interval = readsize, 1 / chunkrate
        else:
            if readmode != "block":
                log.warning("ReadFileAdaptor: readmode %r is taken as 'block' (as 1.14 "
                            "did); use 'line', 'block' or 'bitrate'", readmode)
            unit, amount, interval = "bytes", readsize, steptime
        super().__init__(filename=filename, command=command, unit=unit, amount=amount,
                         interval=interval, encoding=encoding, useStdin=True, **argd)
        self.readmode = readmode
        self.readsize = readsize
        self.steptime = steptime
        self.bitrate = bitrate
        self.chunkrate = chunkrate
        self.debug = debug
        self.f: Any = None
        #: The read for this mode (1.14 set it when the adaptor was made).
        self.getData = self.getDataReadline if unit == "lines" else self.getDataByteLen

    def openSource(self) -> Any:
        self.f = super().openSource()
        return self.f

    def getDataByteLen(self) -> Any:
        """The next ``readsize`` bytes of the source; :class:`EOF` at its end."""
        data = self.f.read(self.readsize)
        if not data:
            raise EOF("End of Data")
        return data

    def getDataReadline(self) -> Any:
        """The next line of the source; :class:`EOF` at its end."""
        data = self.f.readline()
        if not data:
            raise EOF("End of Data")
        return data

    def readPiece(self, source: Any, pieces: int) -> Any:
        try:
            data = self.getData()
        except EOF:
            return b""
        if self.debug:
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            sys.stdout.write(text)
            sys.stdout.flush()
        return data


__kamaelia_components__ = (ReadFileAdaptor,)

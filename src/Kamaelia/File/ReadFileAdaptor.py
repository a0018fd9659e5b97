"""ReadFileAdaptor: send a file, or a command's output, at a steady pace.

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
steptime=0, bitrate=65000.0, chunkrate=24)`` reads ``filename``, or the
standard output of the shell ``command`` (give exactly one), in its own
thread, and sends what it reads out of ``"outbox"``:

* ``readmode=""`` -- ``readsize`` bytes every ``steptime`` seconds
  (``steptime=0``: as fast as the consumer takes them);
* ``readmode="bitrate"`` -- ``bitrate`` bits a second in ``chunkrate``
  chunks a second (so ``bitrate / 8 / chunkrate`` bytes each; with
  ``chunkrate=None``, chunks of ``readsize`` bytes);
* ``readmode="line"`` -- one line every ``steptime`` seconds, as ``str``
  decoded with ``encoding`` (default UTF-8; ``encoding=None`` sends bytes).

Byte modes send ``bytes``. The pace is kept against the clock, so it does
not drift; a consumer that falls behind slows the reader down (it stops
reading while ``maxqueue`` pieces wait for the consumer), after which it
catches up. At the end it waits until its consumer has taken everything,
then sends ``producerFinished`` out of ``"signal"`` and ends. A command that
exits with a failure status is logged as a warning.

A file that cannot be opened or read is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``, and the component ends.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` stops it at once (between pieces, including while it waits for
the next one); it passes the message on out of ``"signal"`` and ends. A
command still running is given ``gracePeriod`` seconds to end after its
output is closed, then killed. ``debug`` is accepted for 1.14 code and
ignored.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.File._base import PacedReader, checkPositive

__all__ = ["ReadFileAdaptor"]


class ReadFileAdaptor(PacedReader):
    """ReadFileAdaptor(filename="", command="", readmode="", readsize=1450, steptime=0,
    bitrate=65000.0, chunkrate=24, debug=0) -> sends a file or a command's output, paced

    - filename  -- the file to read (or:)
    - command   -- a shell command whose standard output to read
    - readmode  -- ``""``, ``"bitrate"`` or ``"line"`` (see the module docstring)
    - readsize  -- bytes per read (``""`` mode, and ``"bitrate"`` without chunkrate)
    - steptime  -- seconds between reads (``""`` and ``"line"`` modes)
    - bitrate   -- bits per second (``"bitrate"`` mode)
    - chunkrate -- reads per second (``"bitrate"`` mode)
    - encoding  -- ``"line"`` mode: decode lines with it (None: send bytes)
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to stop reading"}
    Outboxes = {"outbox": "what was read: bytes, or lines",
                "signal": "producerFinished at the end; fileError if the file cannot be "
                          "read; else the shutdown message received"}

    def __init__(self, filename: str = "", command: str = "", readmode: str = "",
                 readsize: int = 1450, steptime: float = 0, bitrate: float = 65000.0,
                 chunkrate: float | None = 24, debug: int = 0,
                 encoding: str | None = "utf-8", **argd: Any) -> None:
        if readmode == "line":
            unit, amount, interval = "lines", 1, steptime
        elif readmode == "":
            unit, amount, interval = "bytes", readsize, steptime
        elif readmode == "bitrate":
            checkPositive("bitrate", bitrate)
            unit = "bytes"
            if chunkrate is None:
                amount, interval = readsize, readsize * 8 / bitrate
            else:
                checkPositive("chunkrate", chunkrate)
                amount, interval = max(1, round(bitrate / 8 / chunkrate)), 1 / chunkrate
        else:
            raise ValueError(f"readmode must be '', 'bitrate' or 'line', not {readmode!r}")
        super().__init__(filename=filename, command=command, unit=unit, amount=amount,
                         interval=interval, encoding=encoding, **argd)
        self.readmode = readmode
        self.readsize = readsize
        self.steptime = steptime
        self.bitrate = bitrate
        self.chunkrate = chunkrate
        self.debug = debug

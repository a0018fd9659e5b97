"""Append: add what arrives to the end of a file.

Example Usage
-------------
Keep a log file of what passes through, and pass it on::

    import tempfile, os
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.Append import Append
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    log = os.path.join(tempfile.mkdtemp(), "seen.log")
    Pipeline(DataSource(["a\\n", "b\\n"]), Append(log), ConsoleEchoer()).run()
    assert open(log).read() == "a\\nb\\n"

How does it work?
-----------------
``Append(filename, forwarder=True, blat_file=False, hold_open=True)`` appends
each message arriving on ``"inbox"`` (``bytes``, or ``str`` as UTF-8) to the
file, in its own thread (each through :meth:`Append.writeChunk`, 1.14's
method, which a subclass may override), and, with ``forwarder``, sends the
message on out of ``"outbox"``. The four options are also class
attributes (1.14's defaults), so a subclass can set them. With ``blat_file`` the file is emptied first. With
``hold_open`` the file stays open (and is flushed whenever the inbox is
empty); without it the file is opened and closed for each message, so other
programs may move it between messages (log rotation).

Errors: a file that cannot be opened or written is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``; it then takes and drops what still
arrives until a message comes on ``"control"``, and ends.

Shutdown: as in 1.14, *any* message arriving on ``"control"`` ends it: it
first appends what arrived before, closes the file, then passes that
message on out of ``"signal"`` and ends.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.File._base import FileTarget, FileWriter

__all__ = ["Append"]


class Append(FileWriter):
    """Append(filename, forwarder=True, blat_file=False, hold_open=True) -> appends to a file

    - filename  -- the file to append to
    - forwarder -- also send each message on out of "outbox"
    - blat_file -- empty the file first
    - hold_open -- keep the file open between messages
    """

    Inboxes = {"inbox": "data to append to the end of the file",
               "control": "any message: close the file and end (the message is passed on)"}
    Outboxes = {"outbox": "each message, once appended (if forwarder)",
                "signal": "the message that ended it; fileError if the file cannot be "
                          "written"}

    filename: str | None = None
    forwarder: bool = True
    blat_file: bool = False
    hold_open: bool = True

    def __init__(self, filename: str | None = None, forwarder: bool | None = None,
                 blat_file: bool | None = None, hold_open: bool | None = None,
                 **argd: Any) -> None:
        for name, value in (("filename", filename), ("forwarder", forwarder),
                            ("blat_file", blat_file), ("hold_open", hold_open)):
            if value is not None:
                argd[name] = value
        super().__init__(**argd)
        if self.filename is None:
            raise ValueError("Append needs a filename")
        self._target = FileTarget(self.filename, append=True)

    def writeChunk(self, chunk: Any) -> bool:
        """Append one message to the file (1.14's method). With ``hold_open``
        the file stays open (and is flushed whenever the inbox is empty);
        without, it is opened and closed around the write. False if that
        failed (and was reported)."""
        target = self._target
        if target.file is None and not self.attempt(target, target.open):
            return False
        if not self.writeTo(target, chunk):
            return False
        if not self.hold_open:
            return self.attempt(target, target.commit)
        return True

    def main(self) -> None:
        target = self._target
        def anyMessage() -> Any:
            return self.recv("control") if self.dataReady("control") else None

        if self.blat_file and not self.attempt(target, lambda: open(self.filename, "wb").close()):
            return self.discardAfterFailure(anyMessage)
        if self.hold_open and not self.attempt(target, target.open):
            return self.discardAfterFailure(anyMessage)

        def append(data: Any) -> bool:
            # (a 1.14-style writeChunk returns None: only False means it failed)
            if self.writeChunk(data) is False:
                return False
            if self.forwarder:
                self.send(data, "outbox", block=True)
            return True

        request = self.serve(append, idle=lambda: self.attempt(target, target.flush),
                             stopOn=anyMessage)
        if request is None or not self.attempt(target, target.commit):
            return self.discardAfterFailure(anyMessage)
        self.send(request, "signal")


__kamaelia_components__ = (Append,)

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
file, in its own thread, and, with ``forwarder``, sends the message on out
of ``"outbox"``. With ``blat_file`` the file is emptied first. With
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

    def __init__(self, filename: str | None = None, forwarder: bool = True,
                 blat_file: bool = False, hold_open: bool = True, **argd: Any) -> None:
        if filename is None:
            raise ValueError("Append needs a filename")
        super().__init__(**argd)
        self.filename = filename
        self.forwarder = forwarder
        self.blat_file = blat_file
        self.hold_open = hold_open

    def main(self) -> None:
        target = FileTarget(self.filename, append=True)
        def anyMessage() -> Any:
            return self.recv("control") if self.dataReady("control") else None

        if self.blat_file and not self.attempt(target, lambda: open(self.filename, "wb").close()):
            return self.discardAfterFailure(anyMessage)
        if self.hold_open and not self.attempt(target, target.open):
            return self.discardAfterFailure(anyMessage)

        def append(data: Any) -> bool:
            if not self.hold_open and not self.attempt(target, target.open):
                return False
            if not self.writeTo(target, data):
                return False
            if not self.hold_open and not self.attempt(target, target.commit):
                return False
            if self.forwarder:
                self.send(data, "outbox", block=True)
            return True

        request = self.serve(append, idle=lambda: self.attempt(target, target.flush),
                             stopOn=anyMessage)
        if request is None or not self.attempt(target, target.commit):
            return self.discardAfterFailure(anyMessage)
        self.send(request, "signal")

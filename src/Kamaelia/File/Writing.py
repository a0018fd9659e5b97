"""SimpleFileWriter: write what arrives to a file.

Example Usage
-------------
Save lines to a file, replacing it only once all of them are written::

    import tempfile, os
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.Writing import SimpleFileWriter
    from Kamaelia.Util.DataSource import DataSource

    path = os.path.join(tempfile.mkdtemp(), "out.txt")
    Pipeline(DataSource(["one\\n", "two\\n"]), SimpleFileWriter(path, atomic=True)).run()
    assert open(path).read() == "one\\ntwo\\n"

How does it work?
-----------------
``SimpleFileWriter(filename, mode="wb", atomic=False)`` opens the file when
it starts (``"w"``/``"wb"`` replace it, ``"a"``/``"ab"`` append to it) and
writes each message arriving on ``"inbox"``: ``bytes`` as they are, ``str``
as UTF-8 (the file is always written in binary, so text is never altered). A
message of any other type is logged as an error and skipped. All disk I/O
happens in the component's own thread. What has been written is flushed to
the operating system whenever the inbox is empty.

With ``atomic=True`` the data goes to a temporary file beside the target,
which replaces the target in one step when the writer finishes (after
``fsync``); until then the old file is untouched, and if the writer fails or
is told to stop, the temporary file is deleted and the old file stays as it
was. A replaced file keeps its permissions. Atomic appending is refused
(``ValueError``).

A writer that is killed (``kill -9``, a crash) cannot delete its temporary
file, so the name says whose it is::

    .<name>.kamaelia-<host>-<pid>-<start>-<random>.tmp

(hidden, in the target's folder: ``<name>`` is the target's file name,
``<host>`` 8 hex digits standing for this boot of this machine, ``<pid>``
and ``<start>`` the writer's process id and start time, ``<random>`` 8 hex
digits). The next atomic write of the same target removes the ones whose
writer has ended (and those of another machine or boot not modified for a
day), logging a warning for each; a temporary file of a writer that is still
running is never removed. :mod:`Kamaelia.File._atomic` has the details.

Errors: a file that cannot be opened or written (no such folder, permission
denied, disk full, ...) is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"`` (and the temporary file, if any,
deleted). The writer then takes and drops what still arrives, so that its
producers are not left waiting, until a shutdown message comes; then it
ends.

Shutdown: on ``producerFinished`` arriving on ``"control"`` it writes
everything that arrived before it, flushes and closes the file (with
``atomic``: moves it into place), then passes the message on out of
``"signal"`` and ends. On ``shutdownMicroprocess`` it does the same, except
that with ``atomic`` the unfinished file is deleted instead (the target keeps
its old contents). If closing fails, it sends a ``fileError`` instead.
"""

from __future__ import annotations

from typing import Any

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File._base import FileTarget, FileWriter

__all__ = ["SimpleFileWriter"]

MODES = {"w": False, "wb": False, "wt": False, "a": True, "ab": True, "at": True}


class SimpleFileWriter(FileWriter):
    """SimpleFileWriter(filename, mode="wb", atomic=False) -> writes what arrives to a file

    - filename -- the file to write
    - mode     -- ``"wb"`` (or ``"w"``): replace the file; ``"ab"`` (or ``"a"``): append
    - atomic   -- write a temporary file and move it into place at the end
    """

    Inboxes = {"inbox": "data to write: bytes, or str (written as UTF-8)",
               "control": "producerFinished or shutdownMicroprocess: close the file and end"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message received, once the file is closed; "
                          "fileError if the file cannot be written"}

    def __init__(self, filename: str, mode: str = "wb", atomic: bool = False,
                 **argd: Any) -> None:
        if mode not in MODES:
            raise ValueError(f"SimpleFileWriter writes; mode must be one of "
                             f"{', '.join(map(repr, MODES))}, not {mode!r}")
        self.target = FileTarget(filename, append=MODES[mode], atomic=atomic)
        super().__init__(**argd)
        self.filename = filename
        self.mode = mode
        self.atomic = atomic

    def writeData(self, data: Any) -> bool:
        """Write one message to the file (1.14's method; ``main`` calls it for
        each message, so a subclass may override it). False if writing failed
        (and was reported); a message that is not bytes or str is logged and
        skipped."""
        return self.writeTo(self.target, data)

    def shutdown(self) -> bool:
        """True (having passed it on out of "signal") if ``producerFinished`` or
        ``shutdownMicroprocess`` has arrived on "control" (1.14's method).
        ``main`` does not use it: it closes the file before passing the
        message on."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                self.send(message, "signal")
                return True
        return False

    def main(self) -> None:
        target = self.target
        if not self.attempt(target, target.open):
            return self.discardAfterFailure()
        # (a 1.14-style writeData returns None: only False means it failed)
        request = self.serve(lambda data: self.writeData(data) is not False,
                             idle=lambda: self.attempt(target, target.flush))
        if request is None or not self.finish(target, request):
            return self.discardAfterFailure()
        self.send(request, "signal")


__kamaelia_components__ = (SimpleFileWriter,)

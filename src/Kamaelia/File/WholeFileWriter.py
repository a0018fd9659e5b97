"""WholeFileWriter: write each (filename, contents) that arrives as a whole file.

Example Usage
-------------
::

    import tempfile, os
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.WholeFileWriter import WholeFileWriter
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer

    folder = tempfile.mkdtemp()
    Pipeline(
        DataSource([[os.path.join(folder, "a.txt"), b"first"],
                    [os.path.join(folder, "b.txt"), "second"]]),
        WholeFileWriter(),
        PureTransformer(lambda path: "wrote " + os.path.basename(path) + "\\n"),
        ConsoleEchoer(),
    ).run()                                 # wrote a.txt, wrote b.txt

How does it work?
-----------------
``WholeFileWriter(atomic=False)`` takes each ``[filename, contents]`` (a list
or tuple) arriving on ``"inbox"``, writes ``contents`` (``bytes``, or ``str``
as UTF-8) to that file, replacing it, in its own thread, and sends the
filename out of ``"outbox"`` once the file is closed. With ``atomic=True``
each file is written to a temporary file beside it and moved into place, so
a reader never sees a partly written file. A message of another shape or
type is logged as an error and skipped.

Errors: a file that cannot be written is reported: a
:class:`~Kamaelia.File.messages.fileError` naming the path and the reason is
logged and sent out of ``"signal"``; the writer then takes and drops what
still arrives until a shutdown message comes, and ends.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it first writes the files sent before it, then passes the
message on out of ``"signal"`` and ends.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.File._base import FileTarget, FileWriter, log

__all__ = ["WholeFileWriter"]


class WholeFileWriter(FileWriter):
    """WholeFileWriter(atomic=False) -> writes each [filename, contents] as a file

    - atomic -- write each file to a temporary file, then move it into place
    """

    Inboxes = {"inbox": "[filename, contents]: a file to write",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the filename of each file written",
                "signal": "the shutdown message received; fileError if a file "
                          "cannot be written"}

    def __init__(self, atomic: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        self.atomic = atomic

    def writeFile(self, filename: str, data: Any) -> bool:
        """Write one whole file; False if that failed (and was reported)."""
        target = FileTarget(filename, atomic=self.atomic)
        return (self.attempt(target, target.open) and self.writeTo(target, data)
                and self.attempt(target, target.commit))

    def main(self) -> None:
        def write(command: Any) -> bool:
            try:
                filename, data = command
            except (TypeError, ValueError):
                log.error("%s: expected [filename, contents], not %.80r; skipped",
                          self.name, command)
                return True
            if not self.writeFile(filename, data):
                return False
            self.send(filename, "outbox", block=True)
            return True

        request = self.serve(write)
        if request is None:
            return self.discardAfterFailure()
        self.send(request, "signal")


__kamaelia_components__ = (WholeFileWriter,)

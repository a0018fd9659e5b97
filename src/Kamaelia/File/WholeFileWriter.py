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
a reader never sees a partly written file; the temporary files of writers
that were killed mid-write are cleared away by the next atomic write of the
same file (see :mod:`Kamaelia.File.Writing` for their names). A message of
another shape or type is logged as an error and skipped. The contents are
not kept once written, even while it waits for the next message.

Names from elsewhere
--------------------
``WholeFileWriter(atomic=False, root=None)``: by default any filename is
written, as in 1.14 -- ``../``, absolute paths and symbolic links lead
anywhere. Where names come from the network, give it a folder,
``root="/srv/uploads"``: each filename is then taken relative to that folder
(an absolute name must lie inside it) and resolved, symbolic links and all
(the last one too, even if what it points to does not exist yet); a name
that leads outside the folder, names the folder itself, or holds a NUL byte
is refused. A refused name is logged as an error (naming it) and, if the
``"error"`` outbox is linked, a :class:`~Kamaelia.File.messages.fileError`
(whose ``exception`` is a :class:`~Kamaelia.File.messages.NameRefused`) is
sent out of it; nothing is written, and the next message is handled as
usual. The file is then opened without following a symbolic link put in its
place since the check (an atomic write replaces such a link). Folders are
not created. ``root`` must be an existing folder (``ValueError`` otherwise).

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

from Kamaelia.File._base import (FileTarget, FileWriter, NameRefused, checkRoot, confine, log,
                                 refuseName)

__all__ = ["WholeFileWriter"]


class WholeFileWriter(FileWriter):
    """WholeFileWriter(atomic=False, root=None) -> writes each [filename, contents] as a file

    - atomic -- write each file to a temporary file, then move it into place
    - root   -- None: write any filename (1.14); a folder: refuse names leading outside it
    """

    Inboxes = {"inbox": "[filename, contents]: a file to write",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the filename of each file written",
                "signal": "the shutdown message received; fileError if a file "
                          "cannot be written",
                "error": "with root: a fileError for each filename refused (if linked)"}

    def __init__(self, atomic: bool = False, root: Any = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.atomic = atomic
        self.root = checkRoot(root)

    def writeFile(self, filename: str, data: Any) -> bool:
        """Write one whole file; False if that failed (and was reported).

        With ``root``, ``main`` calls it with the name already checked and
        resolved (so a subclass that overrides it is confined too).
        """
        target = FileTarget(filename, atomic=self.atomic, noFollow=self.root is not None)
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
            path = filename
            if self.root is not None:
                try:
                    path = confine(self.root, filename)
                except NameRefused as refusal:
                    refuseName(self, refusal, "write")
                    return True
            written = self.writeFile(path, data)
            del command, data         # the contents are not kept once written
            if written:
                self.send(filename, "outbox", block=True)
            return written

        request = self.serve(write)
        if request is None:
            return self.discardAfterFailure()
        self.send(request, "signal")


__kamaelia_components__ = (WholeFileWriter,)

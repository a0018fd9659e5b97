"""UnixProcess2: a UnixProcess with extra named pipes and inbox size limits.

Example Usage
-------------
Give a program a second output: it writes a summary to a named pipe, which
comes out of the ``"summary"`` outbox::

    import os, tempfile
    from Axon.Component import component
    from Kamaelia.File.UnixProcess2 import UnixProcess2
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Chassis.Pipeline import Pipeline

    class Show(component):
        Inboxes = {"inbox": "output", "summary": "the named pipe", "control": "end"}
        def main(self):
            while not self.dataReady("control"):
                for box in ("inbox", "summary"):
                    for data in self.Inbox(box):
                        print(box, data.decode().strip())
                self.pause()
                yield 1

    fifo = os.path.join(tempfile.mkdtemp(), "summary")
    process = UnixProcess2(f"wc -l | tee {fifo}", outpipes={fifo: "summary"})
    show = Show()
    process.link((process, "summary"), (show, "summary"))
    Pipeline(DataSource([b"a\\n", b"b\\n"]), process, show).run()   # inbox 2, summary 2

How does it work?
-----------------
``UnixProcess2(command, buffersize=32768, outpipes={}, inpipes={},
boxsizes={})`` behaves exactly like
:class:`~Kamaelia.File.UnixProcess.UnixProcess` (read its docstring for the
pipes, the ending and the errors), and also:

* ``outpipes`` maps named-pipe paths to outbox names: each named pipe is
  made (``mkfifo``, unless it already is one) before the program starts,
  and what the program writes into it is sent out of that outbox;
* ``inpipes`` maps named-pipe paths to inbox names: what arrives on that
  inbox is written into the named pipe, for the program to read;
* ``boxsizes`` maps inbox names (``"inbox"`` or those of ``inpipes``) to
  size limits, so that producers feeding a slow program are held back
  rather than filling memory.

The named pipes are opened without blocking and registered with the
scheduler like the standard ones, so a program that never opens one holds
nothing up. An output named pipe ends when the program has ended and
everything written into it has been read; an input named pipe is closed
(the program sees end of input) on ``producerFinished``, once its inbox has
been written, like standard input. The named pipes the component made are
removed when it ends.

Argument errors are raised at once: a box name used twice or clashing with
the standard boxes, a size limit for an inbox that does not exist.

1.14's methods: :meth:`UnixProcess2.setupNamedInPipes` and
:meth:`UnixProcess2.setupNamedOutPipes` set up the named pipes (``main``
calls them as the program starts, so a subclass may override them). 1.14
made a child component per named pipe and chained their shutdowns through
the ``pipeshutdown`` argument; here this component serves the pipes itself,
so the argument comes back unchanged (``setupNamedInPipes`` returns
``(pipeshutdown, None)``, 1.14's shape) and the ``"_shutdownPipes"``
outbox is unused. :meth:`UnixProcess2.childrenDone` removes child
components that have ended and says whether none are left.
``makeNonBlocking`` is :func:`Kamaelia.File.UnixProcess.makeNonBlocking`.
"""

from __future__ import annotations

import os
import stat
import threading
from typing import Any, Mapping, Sequence

from Kamaelia.File.UnixProcess import (UnixProcess, _Drain, _enlargePipe, _Feed, log,
                                       makeNonBlocking)

__all__ = ["UnixProcess2", "makeNonBlocking"]


def _fifo(path: str) -> bool:
    """Make a named pipe at ``path`` unless one is there; True if it was made."""
    try:
        os.mkfifo(path)
        return True
    except FileExistsError:
        if not stat.S_ISFIFO(os.stat(path).st_mode):
            raise FileExistsError(17, "exists and is not a named pipe", path) from None
        return False


class UnixProcess2(UnixProcess):
    """UnixProcess2(command, buffersize=32768, outpipes={}, inpipes={}, boxsizes={})

    - command    -- a shell command line (str), or a program and its arguments (list)
    - buffersize -- largest piece of output sent as one message
    - outpipes   -- {named pipe path: outbox name} for extra outputs
    - inpipes    -- {named pipe path: inbox name} for extra inputs
    - boxsizes   -- {inbox name: size limit}
    """

    Outboxes = {**UnixProcess.Outboxes, "_shutdownPipes": "(1.14 compatibility; unused)"}

    def __init__(self, command: str | Sequence[str], buffersize: int = 32768,
                 outpipes: Mapping[str, str] | None = None,
                 inpipes: Mapping[str, str] | None = None,
                 boxsizes: Mapping[str, int] | None = None, **argd: Any) -> None:
        outpipes, inpipes = dict(outpipes or {}), dict(inpipes or {})
        inboxes = dict(type(self).Inboxes)
        outboxes = dict(type(self).Outboxes)
        for pipes, boxes, kind in ((inpipes, inboxes, "inbox"), (outpipes, outboxes, "outbox")):
            for path, name in pipes.items():
                if name in boxes:
                    raise ValueError(f"named pipe {path!r}: {kind} {name!r} is already "
                                     f"taken (by {boxes[name]!r})")
                boxes[name] = (f"data to write into named pipe {path!r}" if kind == "inbox"
                               else f"what the program writes into named pipe {path!r}")
        super().__init__(command, buffersize, Inboxes=inboxes, Outboxes=outboxes, **argd)
        for name, size in (boxsizes or {}).items():
            self.setInboxSize(name, size)
        self.outpipes = outpipes
        self.inpipes = inpipes
        self.boxsizes = dict(boxsizes or {})
        self._madeFifos: list[str] = []
        self._openers: list[_FifoOpener] = []

    def _start(self) -> None:
        # Named pipes first: the program may open them as soon as it starts.
        self.setupNamedInPipes(None)
        self.setupNamedOutPipes(None)
        super()._start()
        for opener in self._openers:
            opener.start()

    def setupNamedInPipes(self, pipeshutdown: Any) -> tuple[Any, None]:
        """Make the input named pipes (``inpipes``) and arrange for what
        arrives on their inboxes to be written into them, once the program
        opens them. Returns ``(pipeshutdown, None)`` (see the module docstring)."""
        for path, box in self.inpipes.items():
            if _fifo(path):
                self._madeFifos.append(path)
            feed = _Feed(None, box)
            self._feeds.append(feed)
            self._openers.append(_FifoOpener(self, path, feed))
        return pipeshutdown, None

    def setupNamedOutPipes(self, pipeshutdown: Any) -> Any:
        """Make the output named pipes (``outpipes``) and open them, so that what
        the program writes into them comes out of their outboxes. Returns
        ``pipeshutdown`` (see the module docstring)."""
        for path, box in self.outpipes.items():
            if _fifo(path):
                self._madeFifos.append(path)
            reader = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb", buffering=0)
            # A spare write end we hold until the program ends: without it,
            # reading before the program opened the pipe would say "end".
            holder = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            self._drains.append(_Drain(reader, box, holder))
        return pipeshutdown

    def childrenDone(self) -> bool:
        """Remove the child components that have ended; True if none are left."""
        for child in self.childComponents():
            if child._isStopped():
                self.removeChild(child)
        return not self.childComponents()

    def _fifoOpened(self, opener: "_FifoOpener") -> None:
        """Scheduler thread: the program has opened an input named pipe."""
        fd = opener.take()
        if fd is None:
            return
        feed = opener.feed
        if feed.closed:
            os.close(fd)
            return
        feed.file = os.fdopen(fd, "wb", buffering=0)
        feed.fd = fd
        os.set_blocking(fd, False)
        _enlargePipe(fd)
        self.unpause()

    def _release(self) -> None:
        super()._release()
        for opener in self._openers:
            opener.cancel()
        self._openers.clear()
        for path in self._madeFifos:
            try:
                os.unlink(path)
            except OSError:
                pass
        self._madeFifos.clear()


class _FifoOpener(threading.Thread):
    """Opens an input named pipe for writing, which waits until the program
    opens it for reading; then hands the descriptor to the component."""

    def __init__(self, owner: UnixProcess2, path: str, feed: _Feed) -> None:
        super().__init__(name=f"{owner.name} opening {path}", daemon=True)
        self.owner = owner
        self.path = path
        self.feed = feed
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._cancelled = False

    def run(self) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY)
        except OSError as exc:
            log.warning("%s: cannot open named pipe %r: %s", self.owner.name, self.path, exc)
            return
        with self._lock:
            if self._cancelled:
                os.close(fd)
                return
            self._fd = fd
        self.owner.scheduler.callFromThread(self.owner._fifoOpened, self)

    def take(self) -> int | None:
        """The opened descriptor, once (None if not opened or already taken)."""
        with self._lock:
            fd, self._fd = self._fd, None
            return fd

    def cancel(self) -> None:
        """Stop waiting (opening the pipe for reading releases a waiting open) and
        close what was opened but not taken."""
        with self._lock:
            self._cancelled = True
        if self.is_alive():
            try:
                releaser = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                releaser = None
            self.join()
            if releaser is not None:
                os.close(releaser)
        fd = self.take()
        if fd is not None:
            os.close(fd)


__kamaelia_components__ = (UnixProcess2,)

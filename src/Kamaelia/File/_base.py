"""What the components of ``Kamaelia.File`` share (not public API).

How does it work?
-----------------
Disk I/O never runs in the scheduler's thread: every component here that
touches files is a :class:`FileThread`, a ``threadedcomponent`` whose
blocking ``main`` runs in its own thread. Its queues are short
(``queuelengths=8``), so what waits between a reader and a writer stays in
the real inboxes, where it is visible and bounded (see ``maxqueue`` below).

:func:`reportFailure` is the one way a component here says it cannot use a
file: it logs the :class:`~Kamaelia.File.messages.fileError` (logger
``Kamaelia.File``) and sends it out of ``"signal"``; the caller then ends.
:func:`refuseName` is how a component given ``root=`` (see
:mod:`Kamaelia.File._confine`) turns down a name from a message: logged,
and sent out of ``"error"`` when that is linked; the component goes on.

Readers open what they read with :func:`~Kamaelia.File._readiness.openToRead`,
which never waits in ``open()``: regular files are read by the thread as
usual; FIFOs, pipes and character devices are read without blocking, and
when there is nothing to read the thread waits in
:meth:`FileThread.waitUntilReadable`, the scheduler watching the descriptor
(``addReader``). That wait ends at once when the component is stopped or a
shutdown message arrives (:attr:`FileThread.interruptedBy`): it raises
:class:`WaitInterrupted`, which the loops below turn into their usual
ending, passing the message on. So a reader of a FIFO that no writer ever
opens can be shut down, and leaves no thread behind.

:class:`StreamingReader` is the loop shared by the readers that send a whole
file in pieces (``SimpleReader``, ``MaxSpeedFileReader``,
``IntelligentFileReader``, and, through :class:`PacedReader`, which reads a
file or a command's output in bytes or lines at a steady pace,
``ReadFileAdaptor``):

* a subclass says how to open the source (:meth:`StreamingReader.openSource`)
  and how to read one piece (:meth:`StreamingReader.readPiece`); ``interval``
  (seconds, 0 = as fast as possible) paces the pieces against a clock that
  does not drift, and with ``aggregate`` a reader that fell behind reads the
  missed pieces as one;
* *bounded read-ahead*: once ``maxqueue`` pieces wait in the inbox of the
  component it sends to, it stops reading until that component takes one
  (it asks to be told through the box's take notification, so there is no
  polling). Memory stays bounded however large the file, which is what
  lets a reader and a writer copy files larger than memory. An unlinked
  outbox has no consumer to wait for: pieces then pile up in it as in 1.14;
* ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"`` stop it
  between pieces, or while it waits for data from a FIFO, pipe or device,
  and it passes the message on out of ``"signal"``;
* at the end of the file it waits until its consumer has taken every piece
  (so a consumer that looks at ``"control"`` before ``"inbox"`` loses
  nothing), then sends ``producerFinished``. A shutdown message it receives
  is passed on at once.

:meth:`FileThread.serve` is the loop of the components that handle each
message on ``"inbox"`` (``PromptedFileReader``, ``TriggeredFileReader`` and
the writers): it handles what arrived, pauses, and returns the shutdown
request once everything sent before it has been handled (a
``shutdownMicroprocess`` that ends a reader's wait for data is returned at
once). It keeps no reference to the last message while it pauses: a
writer's last message may be a whole file.

:class:`FileWriter` adds what the writers share: running a step on a
:class:`FileTarget` and reporting an ``OSError`` as a ``fileError``;
closing as the request asks (``shutdownMicroprocess`` abandons an atomic
file, anything else commits it); and, after a failure, taking and dropping
what still arrives until told to end, so that a reader waiting for the
writer to take its data runs to its end instead of waiting for ever.

:class:`FileTarget` is a file being written, optionally *atomically*: the
data goes to a temporary file in the same folder, which replaces the target
in one ``os.replace`` on :meth:`FileTarget.commit` (after ``fsync``, so a
crash leaves the old file or the new one, never a part), and is deleted on
:meth:`FileTarget.abandon`. The temporary file's name says whose it is
(``.<name>.kamaelia-<host>-<pid>-<start>-<random>.tmp``), and each atomic
write first removes those of the same target whose writer has provably
ended (killed mid-write): see :mod:`Kamaelia.File._atomic`.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import threading
import time
from typing import Any, BinaryIO, Callable

from Axon.AxonExceptions import noSpaceInBox
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia._shutdown import isShutdown, shutdownRequest
from Kamaelia.File import _atomic
from Kamaelia.File._confine import checkRoot, confine
from Kamaelia.File._readiness import openToRead, wrapDescriptor
from Kamaelia.File.messages import NameRefused, describeExit, fileError

__all__ = ["FileThread", "FileWriter", "StreamingReader", "PacedReader", "FileTarget",
           "WaitInterrupted", "reportFailure", "reasonFor", "asBytes", "checkPositive",
           "log", "openToRead", "wrapDescriptor", "checkRoot", "confine", "NameRefused",
           "refuseName"]

log = logging.getLogger("Kamaelia.File")


def reasonFor(exc: BaseException) -> str:
    """The reason an operation failed, in words (``strerror`` for OS errors)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, NameRefused):
        return exc.reason
    return str(exc) or type(exc).__name__


def reportFailure(component: Any, path: Any, exc: BaseException, action: str) -> fileError:
    """Log, and send out of ``"signal"``, a fileError: ``component`` cannot ``action`` ``path``."""
    error = fileError(component, path, reasonFor(exc), exc, action)
    log.error("%s", error.message)
    component.send(error, "signal")
    return error


def refuseName(component: Any, refusal: NameRefused, action: str) -> fileError:
    """Log (with the name ``!r``), and send out of ``"error"`` if that is linked,
    a fileError: ``component`` refused to ``action`` a name from a message.

    Not sent when nothing is linked, so that a flood of bad names cannot
    fill memory; not sent out of ``"signal"``, since a fileError there would
    tell the next component to stop, and the component goes on.
    """
    error = fileError(component, refusal.name, refusal.reason, refusal, action)
    log.error("%s refused to %s %r: %s (root %r)", component.name, action, refusal.name,
              refusal.reason, refusal.root)
    box = component.outboxes.get("error")
    if box is not None and box.sink is not box:
        component.send(error, "error", block=True)
    return error


def asBytes(data: Any) -> bytes | bytearray | memoryview:
    """``data`` as something a binary file accepts: str is encoded as UTF-8."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return data
    if isinstance(data, str):
        return data.encode("utf-8")
    raise TypeError(f"expected bytes or str, not {type(data).__name__}: {data!r:.80}")


def checkPositive(name: str, value: Any, allowZero: bool = False) -> None:
    """Raise ValueError with the bad value unless ``value`` is a positive number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            value >= 0 if allowZero else value > 0):
        kind = "non-negative" if allowZero else "positive"
        raise ValueError(f"{name} must be a {kind} number, not {value!r}")


class WaitInterrupted(Exception):
    """Raised in a component's thread by :meth:`FileThread.waitUntilReadable`
    when a shutdown message ends a wait for data; :meth:`FileThread.stopRequest`
    returns that message."""


class FileThread(threadedcomponent):
    """A threaded component with short thread-side queues (see module docstring)."""

    #: The shutdown messages that end a wait for data at once. Readers that
    #: answer requests (which finish what was asked before a producerFinished)
    #: leave out producerFinished: it waits until they have.
    interruptedBy: tuple[type, ...] = (producerFinished, shutdownMicroprocess)

    def __init__(self, **argd: Any) -> None:
        argd.setdefault("queuelengths", 8)
        super().__init__(**argd)
        self._wakeup = threading.Event()          # thread: data may be ready, or control
        self._heldRequest: ipc | None = None      # a shutdown message taken while waiting
        self._readinesses: set[Any] = set()       # the Readiness of each source read

    def discard(self, boxname: str, why: str | None = None) -> None:
        """Take everything waiting in ``boxname``, logging each message if ``why`` is given."""
        while self.dataReady(boxname):
            self._drop(self.recv(boxname), why)

    def _drop(self, message: Any, why: str | None) -> None:
        if why is not None:
            log.warning("%s %s; dropped %r", self.name, why, message)

    # ------------------------------------------- waiting for data (any thread)
    def forwardInboxToThread(self, box: str) -> None:
        super().forwardInboxToThread(box)
        if box == "control":
            self._wakeup.set()

    def stop(self) -> None:
        super().stop()
        self._wakeup.set()

    def wakeFromWait(self) -> None:
        """End the current :meth:`waitUntilReadable` round (the source may be ready)."""
        self._wakeup.set()

    def _closeDownMicroprocess(self) -> Any:
        knockon = super()._closeDownMicroprocess()       # (joins the thread)
        for readiness in list(self._readinesses):
            readiness.finishClosing()        # closed by the thread, still watched
        return knockon

    def waitUntilReadable(self, readiness: Any) -> None:
        """(The component's thread) wait until ``readiness`` (a
        :class:`~Kamaelia.File._readiness.Readiness`) says its source can be
        read, the scheduler watching it meanwhile: no thread waits in
        ``open()`` or ``read()``.

        Raises :class:`WaitInterrupted` if the component is stopped, or if
        one of :attr:`interruptedBy` arrives on ``"control"`` (another
        shutdown message is kept for :meth:`stopRequest`; anything else there
        is logged and dropped). Messages on other inboxes wait.
        """
        readiness.arm()
        wakeup = self._wakeup
        while not readiness.ready:
            if self._takeControl():
                raise WaitInterrupted(self.name)
            wakeup.clear()
            if not (readiness.ready or self.dataReady("control") or self._isStopped()):
                wakeup.wait()

    def _takeControl(self) -> bool:
        """Take what waits on "control" into ``_heldRequest``; True if the wait must end."""
        while self.dataReady("control") and not isinstance(self._heldRequest,
                                                           shutdownMicroprocess):
            message = self.recv("control")
            if isShutdown(message):
                self._heldRequest = message          # (a shutdownMicroprocess wins)
            else:
                log.warning("%s ignored an unexpected message on 'control': %r",
                            self.name, message)
        held = self._heldRequest
        return self._isStopped() or (held is not None and isinstance(held, self.interruptedBy))

    def stopRequest(self) -> ipc | None:
        """The shutdown message taken while waiting for data, else the first one
        waiting on "control" (:func:`~Kamaelia._shutdown.shutdownRequest`); None if none."""
        held, self._heldRequest = self._heldRequest, None
        return held if held is not None else shutdownRequest(self)

    def interrupted(self) -> ipc:
        """After :class:`WaitInterrupted`: the request to pass on out of "signal"."""
        return self.stopRequest() or shutdownMicroprocess(self)

    # --------------------------------------------------- the loop of "inbox"

    def serve(self, handle: Callable[[Any], bool], idle: Callable[[], bool] | None = None,
              stopOn: Callable[[], ipc | None] | None = None) -> ipc | None:
        """The thread's loop: ``handle(message)`` for each message on ``"inbox"``.

        ``idle()`` runs whenever the inbox has been emptied. Both return
        False when they have ended the component (having reported why): the
        loop then returns None. Otherwise it returns the shutdown request
        found by ``stopOn()`` (default: :meth:`stopRequest`), after
        handling every message that arrived before it.
        A reader whose wait for data is ended by a shutdown message
        (:class:`WaitInterrupted`) returns that message at once.
        """
        check = stopOn if stopOn is not None else self.stopRequest
        try:
            while True:
                if not self._handleWaiting(handle):
                    return None
                if idle is not None and not idle():
                    return None
                request = check()
                if request is not None:
                    # Messages sent before the request are in "inbox" by now
                    # (control never overtakes data), perhaps after the drain above.
                    return request if self._handleWaiting(handle) else None
                self.pause()
        except WaitInterrupted:
            return self.interrupted()

    def _handleWaiting(self, handle: Callable[[Any], bool]) -> bool:
        # A function of its own, so that no message stays referenced by the
        # loop while it pauses (a writer's last message may be a whole file).
        while self.dataReady("inbox"):
            if not handle(self.recv("inbox")):
                return False
        return True

    def finishSending(self) -> None:
        """Wait until the consumer of "outbox" (if any) has taken everything sent."""
        box = self.outboxes["outbox"]
        if box.sink is not box:
            self.waitForConsumer("outbox")

    def finished(self) -> None:
        """At the end of its data: once the consumer has taken all of it (so
        none is lost to a consumer that looks at "control" first), send
        ``producerFinished`` out of "signal"."""
        self.finishSending()
        self.send(producerFinished(self), "signal")


class FileWriter(FileThread):
    """Base of the writers: runs a step on a :class:`FileTarget`, reporting failures."""

    def attempt(self, target: "FileTarget", step: Callable[[], Any]) -> bool:
        """Run ``step()``; if it raises OSError, abandon ``target``, report the
        failure and return False."""
        try:
            step()
        except OSError as exc:
            target.abandon()
            reportFailure(self, target.path, exc, "write")
            return False
        return True

    def writeTo(self, target: "FileTarget", data: Any) -> bool:
        """Write one message; a message that is not bytes or str is logged and skipped."""
        try:
            return self.attempt(target, lambda: target.write(data))
        except TypeError as exc:
            log.error("%s: cannot write %s to %r; message skipped", self.name, exc, target.path)
            return True

    def finish(self, target: "FileTarget", request: ipc) -> bool:
        """Close ``target`` as ``request`` asks; False if that failed (and was reported).

        ``shutdownMicroprocess`` means "stop now": an atomic target is
        abandoned (the file is left as it was); anything else commits.
        """
        if target.atomic and isinstance(request, shutdownMicroprocess):
            target.abandon()
            return True
        return self.attempt(target, target.commit)

    def discardAfterFailure(self, stopOn: Callable[[], Any] | None = None) -> None:
        """After a reported failure: take and drop what arrives until told to end
        (by ``stopOn()``, default :func:`shutdownRequest`, returning a message).

        Producers that wait for this writer to take their data (readers
        stop reading while their consumer is behind) then run to their end
        instead of waiting for ever; the failure was already reported.
        """
        check = stopOn if stopOn is not None else (lambda: shutdownRequest(self))
        dropped = 0
        while not self._isStopped():
            while self.dataReady("inbox"):
                self.recv("inbox")              # (not kept: each may be large)
                dropped += 1
            if check() is not None:
                break
            self.pause()
        if dropped:
            log.warning("%s dropped %d message(s) that arrived after it failed",
                        self.name, dropped)


class StreamingReader(FileThread):
    """Base of the readers that send a whole file, piece by piece (see module docstring).

    Subclasses set ``path`` (for messages), implement :meth:`openSource`
    and :meth:`readPiece`, and may set ``interval`` and ``aggregate``.
    """

    #: Stop reading while this many pieces wait for the consumer to take them.
    maxqueue: int = 8
    #: Seconds between pieces; 0 sends them as fast as the consumer takes them.
    interval: float = 0.0
    #: When behind schedule, read the pieces missed as one (instead of catching up).
    aggregate: bool = False
    #: True: "inbox" only carries wake-ups, dropped quietly. False: it is not
    #: used, so what arrives there is logged and dropped.
    inboxWakesOnly: bool = False
    #: With an ``interval``: the first piece, too, waits one interval (1.14's
    #: ReadFileAdaptor), instead of going at once.
    firstWaits: bool = False
    #: The clock pieces are paced by (seconds; it must not go backwards).
    clock: Any = staticmethod(time.monotonic)

    def __init__(self, **argd: Any) -> None:
        inboxes = dict(type(self).Inboxes)
        inboxes["_room"] = "internal: told when the consumer takes a piece"
        super().__init__(Inboxes=inboxes, **argd)
        self.path: Any = None

    # -------------------------------------------------- for subclasses
    def openSource(self) -> Any:
        """Open and return what :meth:`readPiece` reads from (raise OSError if impossible)."""
        raise NotImplementedError

    def readPiece(self, source: Any, pieces: int) -> Any:
        """Read the next ``pieces`` pieces as one message; empty at the end."""
        raise NotImplementedError

    def closeSource(self, source: Any) -> None:
        """Release what :meth:`openSource` returned."""
        source.close()

    # ------------------------------------------------------- the loop
    def main(self) -> None:
        try:
            source = self.openSource()
        except (OSError, ValueError) as exc:
            reportFailure(self, self.path, exc, "read")
            return
        try:
            request = self._stream(source)
        except (OSError, ValueError) as exc:     # ValueError: e.g. bad text encoding
            reportFailure(self, self.path, exc, "read")
            return
        finally:
            self.closeSource(source)
        if request is None:
            self.finished()
        else:
            self.send(request, "signal")

    def _stream(self, source: Any) -> ipc | None:
        """Send pieces until the end (None) or a shutdown request (returned)."""
        interval = self.interval
        due = self.clock() + (interval if self.firstWaits else 0.0)
        while True:
            request = self.waitForPiece(due) if interval else self._idleChecks()
            if request is not None:
                return request
            pieces = 1
            if interval:
                late = self.clock() - due
                if self.aggregate and late >= interval:
                    pieces += int(late / interval)
                due += pieces * interval
            try:
                data = self.readPiece(source, pieces)
            except WaitInterrupted:              # told to stop while waiting for data
                return self.interrupted()
            if not data:
                return None
            request = self._awaitConsumer()
            if request is not None:
                return request
            try:
                self.send(data, "outbox", block=True)
            except noSpaceInBox:                 # only when told to stop while waiting
                return self.stopRequest() or producerFinished(self)
            del data                             # not held while waiting for the next

    def _idleChecks(self) -> ipc | None:
        """Deal with what arrived on the inboxes; a shutdown request if there is one."""
        if self.dataReady("inbox"):
            self.discard("inbox", None if self.inboxWakesOnly else "does not use its inbox")
        if self.dataReady("_room"):
            self.discard("_room")
        if self._heldRequest is not None or self.dataReady("control"):
            return self.stopRequest()
        return None

    def waitForPiece(self, due: float) -> ipc | None:
        """Wait until ``clock()`` reaches ``due`` (when the next piece is due);
        a shutdown request that arrives meanwhile is returned at once."""
        while True:
            request = self._idleChecks()
            if request is not None:
                return request
            remaining = due - self.clock()
            if remaining <= 0 or self._isStopped():
                return None
            self.pause(remaining)

    def _awaitConsumer(self) -> ipc | None:
        """Wait while ``maxqueue`` pieces wait in the consumer's inbox."""
        box = self.outboxes["outbox"]
        while True:
            # Reading another thread's deque length is safe; at worst it is a
            # moment old, which the scheduler-side check below puts right.
            sink = box.sink
            if sink is box or len(sink) < self.maxqueue or self._isStopped():
                return None
            request = self._idleChecks()
            if request is not None:
                return request
            self.scheduler.callFromThread(self._watchConsumer, sink)
            self.pause()

    def _watchConsumer(self, sink: Any) -> None:
        # Scheduler thread: be told of the next take, unless there is room already.
        if len(sink) < self.maxqueue:
            self._consumerTook()
        else:
            sink.notifyOnTake(self._consumerTook)

    def _consumerTook(self) -> None:
        self.inboxes["_room"].append(True)


class PacedReader(StreamingReader):
    """Reads ``amount`` bytes or lines per piece, one piece every ``interval`` seconds.

    The source is the file ``filename`` or, if ``command`` is given, what
    that shell command writes to its standard output; with ``useStdin`` (and
    neither), this process's standard input (which is left open at the end).
    Lines are sent as ``str`` decoded with ``encoding`` (``None``: as
    ``bytes``); bytes as ``bytes``.
    """

    #: Seconds a command is given to end after its output is closed, before it is killed.
    gracePeriod: float = 2.0

    def __init__(self, filename: str = "", unit: str = "bytes", amount: int = 1,
                 interval: float = 0.0, aggregate: bool = False, command: str = "",
                 encoding: str | None = "utf-8", useStdin: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        if bool(filename) == bool(command) and not (useStdin and not filename):
            raise ValueError(f"give a filename or a command, not both or neither "
                             f"(filename={filename!r}, command={command!r})")
        if unit not in ("bytes", "lines"):
            raise ValueError(f"unit must be 'bytes' or 'lines', not {unit!r}")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
            raise ValueError(f"each piece must be at least 1 {unit[:-1]}, not {amount!r}")
        checkPositive("interval", interval, allowZero=True)
        self.filename = filename
        self.command = command
        self.useStdin = useStdin and not filename and not command
        self.path = filename or command or "<stdin>"
        self.unit = unit
        self.amount = amount
        self.interval = float(interval)
        self.aggregate = aggregate
        self.encoding = encoding
        self._process: subprocess.Popen[bytes] | None = None

    def openSource(self) -> Any:
        if self.useStdin:
            stdin = sys.stdin
            if self.unit == "lines" and self.encoding is not None:
                return stdin
            return getattr(stdin, "buffer", stdin)
        text = self.unit == "lines" and self.encoding is not None
        if not self.command:
            return openToRead(self, self.filename, text=text, encoding=self.encoding)
        process = self._process = subprocess.Popen(self.command, shell=True,
                                                   stdout=subprocess.PIPE)
        # The output pipe is read through the scheduler like any pipe, so a
        # quiet command cannot keep this thread from noticing a shutdown.
        pipe: Any = process.stdout
        fd = os.dup(pipe.fileno())
        pipe.close()
        process.stdout = None
        return wrapDescriptor(self, fd, self.command, text=text, encoding=self.encoding)

    def readPiece(self, source: Any, pieces: int) -> Any:
        count = self.amount * pieces
        if self.unit == "bytes":
            return source.read(count)
        lines = []
        for _ in range(count):
            line = source.readline()
            if not line:
                break
            lines.append(line)
        return lines[0][:0].join(lines) if lines else b""

    def closeSource(self, source: Any) -> None:
        if self.useStdin:
            return                        # not ours to close
        source.close()
        process, self._process = self._process, None
        if process is None:
            return
        try:
            status = process.wait(self.gracePeriod)
        except subprocess.TimeoutExpired:
            process.kill()
            status = process.wait()
        if status:
            log.warning("%s: %s", self.name, describeExit(self.command, status))


class FileTarget:
    """FileTarget(path, append=False, atomic=False, noFollow=False) -> a file being written

    ``open()``, ``write(data)``, ``flush()``, then ``commit()`` (the data is
    in place) or ``abandon()`` (with ``atomic``, the target is untouched).
    Every method may raise ``OSError``; ``abandon`` never does.

    With ``atomic``, ``open()`` first removes the stale temporary files of
    earlier atomic writes of ``path`` (writers that were killed), then
    writes to a new one; :mod:`Kamaelia.File._atomic` describes their names
    and when one counts as stale. ``noFollow``: a symbolic link at ``path``
    is not followed (the write fails with ``ELOOP``; with ``atomic``, the
    link is replaced, as ``os.replace`` always does).
    """

    #: Another host's temporary files older than this (seconds) are stale; None: never.
    staleAfter: float | None = _atomic.STALE_AFTER

    def __init__(self, path: str, append: bool = False, atomic: bool = False,
                 noFollow: bool = False) -> None:
        if append and atomic:
            raise ValueError(f"cannot append to {path!r} atomically: atomic writing "
                             "replaces the whole file")
        self.path = path
        self.append = append
        self.atomic = atomic
        self.noFollow = noFollow
        self.file: BinaryIO | None = None
        self._temp: str | None = None

    def open(self) -> None:
        if not self.atomic:
            flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (
                os.O_APPEND if self.append else os.O_TRUNC) | (
                os.O_NOFOLLOW if self.noFollow else 0)
            self.file = open(self.path, "ab" if self.append else "wb",
                             opener=lambda path, _: os.open(path, flags, 0o666))
            return
        _atomic.removeStale(self.path, self.staleAfter)
        temp = _atomic.tempName(self.path)
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        self._temp = temp
        try:
            os.chmod(fd, stat.S_IMODE(os.stat(self.path).st_mode))   # keep its permissions
        except FileNotFoundError:
            pass
        except OSError:
            os.close(fd)
            raise
        self.file = os.fdopen(fd, "wb")

    def write(self, data: Any) -> None:
        assert self.file is not None, "open() first"
        self.file.write(asBytes(data))

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def commit(self) -> None:
        """Flush and close; with ``atomic``, sync and move the data into place."""
        file, self.file = self.file, None
        if file is None:
            return
        try:
            file.flush()
            if self._temp is not None:
                os.fsync(file.fileno())
        finally:
            file.close()
        if self._temp is not None:
            os.replace(self._temp, self.path)
            self._temp = None

    def abandon(self) -> None:
        """Close without raising; with ``atomic``, delete the temporary file."""
        file, self.file = self.file, None
        if file is not None:
            try:
                file.close()
            except OSError:
                pass                     # the failure being handled was already reported
        if self._temp is not None:
            try:
                os.unlink(self._temp)
            except OSError:
                pass
            self._temp = None

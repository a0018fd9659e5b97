"""UnixProcess: run a program as a component.

Example Usage
-------------
Filter lines through ``grep``::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.UnixProcess import UnixProcess
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["apple\\n", "banana\\n", "cherry\\n"]),
        UnixProcess("grep an"),
        PureTransformer(bytes.decode),
        ConsoleEchoer(),
    ).run()                                            # prints banana

How does it work?
-----------------
``UnixProcess(command, buffersize=32768)`` starts ``command`` -- a string
is run by the shell (``/bin/sh -c``), a list of strings is run directly --
in a process group of its own, with three pipes:

* what arrives on ``"inbox"`` (``bytes``; ``str`` is sent as UTF-8) is
  written to the program's standard input, in order;
* what the program writes to standard output is sent out of ``"outbox"``
  and what it writes to standard error out of ``"error"``, as ``bytes`` in
  pieces of at most ``buffersize``.

No thread is used and nothing blocks: the pipes are non-blocking and
registered with the scheduler (``addReader`` / ``addWriter``), which wakes
the component when one is ready; the end of the program is noticed the same
way through a Linux *pidfd* (elsewhere, by looking every 50 ms while it
runs). So a program that floods standard error, or stops reading standard
input, or writes a lot before reading anything, cannot deadlock the
component: it keeps reading both outputs whatever happens to the input.
Messages wait in ``"inbox"`` until the program can take them, so a size
limit on ``"inbox"`` pushes back on whatever feeds it; likewise, when a
component it sends to has a full inbox, it stops reading that output until
there is room, and the program waits (that is ordinary back-pressure).

When the program stops reading its standard input (it closes it or ends),
what is still waiting for it, and what arrives later, is dropped, with a
log line saying how much.

Ending
------
* When the program ends by itself, the component sends the rest of its
  output, waits until the consumers have taken it, then sends
  :class:`~Kamaelia.File.messages.processExited` (a ``producerFinished``
  carrying ``returncode``) out of ``"signal"`` and ends. Whatever a program
  it started in the background still writes to the same pipes keeps it
  going until they are closed.
* ``producerFinished`` arriving on ``"control"``: once everything that
  arrived on ``"inbox"`` has been written, standard input is closed (the
  program sees end of input); then as above.
* ``shutdownMicroprocess`` arriving on ``"control"``: standard input is
  closed, what is waiting for it dropped, and the program's process group is
  sent ``SIGTERM``, then ``SIGKILL`` if it is still running ``gracePeriod``
  seconds (default 2) later. Its output is no longer passed on. Once it has
  ended, the component sends
  :class:`~Kamaelia.File.messages.processStopped` (a
  ``shutdownMicroprocess`` carrying ``returncode`` and the request) out of
  ``"signal"`` and ends.
* Stopped from outside (``stop()``, the scheduler stopping, Ctrl-C): the
  pipes are closed and the process group is sent ``SIGTERM`` at once, then
  ``SIGKILL`` after ``gracePeriod`` by a small reaper thread, which also
  collects the exit status (no zombie is left).

A program that cannot be started (a list command naming a missing or
non-executable file) is reported: a
:class:`~Kamaelia.File.messages.fileError` naming it and the reason is
logged and sent out of ``"signal"``, and the component ends. (A string
command goes through the shell, which reports a missing program itself:
status 127 and a message on ``"error"``.)

:class:`~Kamaelia.File.UnixProcess2.UnixProcess2` adds named pipes and
inbox size limits.

1.14's parts
------------
:meth:`UnixProcess.openSubprocess` starts the program (a ``Popen`` with
three non-blocking pipes); ``main`` calls it, so a subclass may override it.
The ``"stdinready"``, ``"stdoutready"`` and ``"stderrready"`` inboxes (where
1.14's Selector said a pipe was ready) are kept: a message there makes it
try at once; nothing needs to send them (the pipes are watched by the
scheduler), and the ``"selector"`` and ``"selectorsignal"`` outboxes are
unused. Module functions: ``makeNonBlocking(fd)``; ``Pipethrough(*args)``,
1.14's deprecated name (a warning is logged) for ``UnixProcess(*args)``;
``run_command(command, datasource)``, which runs a command with the items
of ``datasource`` as its input and prints (and returns) its output; and
``Chargen()`` / :class:`ChargenComponent`, 1.14's little sources of
``"hello\n"`` for trying it out.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shlex
import signal
import subprocess
import threading
import time
from typing import Any, Iterator, Sequence

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.File._base import asBytes, reportFailure
from Kamaelia.File._readiness import PIPE_SIZE, enlargePipe as _enlargePipe
from Kamaelia.File.messages import processExited, processStopped

__all__ = ["UnixProcess", "ChargenComponent", "Chargen", "Pipethrough", "makeNonBlocking",
           "run_command"]

log = logging.getLogger("Kamaelia.File")

#: Reads of one output per time slice before letting other components run.
READS_PER_TURN = 16
#: Without a pidfd, how often to look whether the program has ended.
EXIT_POLL_SECONDS = 0.05


def makeNonBlocking(fd: Any) -> None:
    """Make reads and writes of ``fd`` (a descriptor, or a file with ``fileno()``)
    return at once instead of waiting."""
    flags = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)


class _Feed:
    """Our writing end of a pipe into the program, fed from an inbox."""

    __slots__ = ("file", "fd", "box", "pending", "closed", "watching", "dropped")

    def __init__(self, file: Any, box: str) -> None:
        self.file = file              # None while a named pipe waits to be opened
        self.fd: int = file.fileno() if file is not None else -1
        self.box = box
        self.pending: memoryview | None = None
        self.closed = False
        self.watching = False
        self.dropped = 0


class _Drain:
    """Our reading end of a pipe out of the program, sent out of an outbox."""

    __slots__ = ("file", "fd", "box", "pending", "eof", "watching", "holder")

    def __init__(self, file: Any, box: str, holder: int | None = None) -> None:
        self.file = file
        self.fd: int = file.fileno()
        self.box = box
        self.pending: bytes | None = None
        self.eof = False
        self.watching = False
        self.holder = holder          # a named pipe's spare write end (see UnixProcess2)


def _describe(command: str | Sequence[str]) -> str:
    return command if isinstance(command, str) else shlex.join(command)


class UnixProcess(component):
    """UnixProcess(command, buffersize=32768) -> runs a program as a component

    - command    -- a shell command line (str), or a program and its arguments (list)
    - buffersize -- largest piece of output sent as one message
    - gracePeriod -- seconds between SIGTERM and SIGKILL when stopping it (default 2)
    """

    Inboxes = {"inbox": "data for the program's standard input (bytes; str is sent as UTF-8)",
               "control": "producerFinished: close standard input once written; "
                          "shutdownMicroprocess: stop the program",
               "stdinready": "(1.14) anything: try writing now (the pipes are watched anyway)",
               "stdoutready": "(1.14) anything: try reading standard output now",
               "stderrready": "(1.14) anything: try reading standard error now"}
    Outboxes = {"outbox": "what the program writes to standard output (bytes)",
                "error": "what the program writes to standard error (bytes)",
                "signal": "processExited or processStopped (with the exit status) when "
                          "it has ended; fileError if it cannot be started",
                "selector": "(1.14 compatibility; unused)",
                "selectorsignal": "(1.14 compatibility; unused)"}

    gracePeriod: float = 2.0

    def __init__(self, command: str | Sequence[str], buffersize: int = 32768,
                 **argd: Any) -> None:
        if isinstance(command, str):
            if not command.strip():
                raise ValueError(f"command must not be empty, not {command!r}")
        elif (not isinstance(command, (list, tuple)) or not command
              or not all(isinstance(part, (str, bytes, os.PathLike)) for part in command)):
            raise TypeError(f"command must be a str or a non-empty list of str, not {command!r}")
        if isinstance(buffersize, bool) or not isinstance(buffersize, int) or buffersize < 1:
            raise ValueError(f"buffersize must be a positive int, not {buffersize!r}")
        super().__init__(**argd)
        self.command = command
        self.buffersize = buffersize
        #: The exit status, once the program has ended (negative: killed by that signal).
        self.returncode: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._feeds: list[_Feed] = []
        self._drains: list[_Drain] = []
        self._pidfd: int | None = None
        self._closeInputsWhenDone = False
        self._killTimer: Any = None
        self._reaper: threading.Thread | None = None

    # ------------------------------------------------------------ starting
    def openSubprocess(self) -> subprocess.Popen[bytes]:
        """Start the program, in a process group of its own, with its standard
        input, output and error as non-blocking pipes; return the ``Popen``
        (raises OSError if it cannot be started)."""
        process = subprocess.Popen(
            self.command, shell=isinstance(self.command, str), bufsize=0, process_group=0,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                makeNonBlocking(pipe)
        return process

    def _start(self) -> None:
        """Start the program and register its pipes (raise OSError if impossible)."""
        process = self._process = self.openSubprocess()
        self._feeds.insert(0, _Feed(process.stdin, "inbox"))
        self._drains[:0] = [_Drain(process.stdout, "outbox"), _Drain(process.stderr, "error")]
        ends: list[_Feed | _Drain] = [*self._feeds, *self._drains]
        for end in ends:
            if end.file is not None:
                os.set_blocking(end.fd, False)
                _enlargePipe(end.fd)
        try:
            self._pidfd = os.pidfd_open(process.pid)
        except (AttributeError, OSError):
            self._pidfd = None        # not Linux >= 5.3: look now and then instead
        else:
            self.scheduler.addReader(self._pidfd, self.unpause)

    def _program(self) -> str:
        return "/bin/sh" if isinstance(self.command, str) else os.fsdecode(self.command[0])

    # ---------------------------------------------------------------- main
    def main(self) -> Iterator[Any]:
        try:
            self._start()
        except OSError as exc:
            self._release()
            reportFailure(self, exc.filename or self._program(), exc, "run")
            return
        request: shutdownMicroprocess | None = None
        nudges = [self.inboxes[name] for name in ("stdinready", "stdoutready", "stderrready")]
        while True:
            for box in nudges:
                if box.q:             # 1.14's "ready" notes: this turn tries anyway
                    box.q.clear()
            busy = self._pumpFeeds()
            busy = self._pumpDrains(passOn=request is None) or busy
            self._noticeExit()
            message = shutdownRequest(self)
            if isinstance(message, shutdownMicroprocess):
                if request is None:
                    request = message
                    self._terminate()
            elif message is not None:
                self._closeInputsWhenDone = busy = True
            if self.returncode is not None and (request is not None or self._drained()):
                break
            if not busy:
                self.pause(EXIT_POLL_SECONDS if self._pidfd is None and
                           self.returncode is None else None)
            yield 1
        self._release()
        command, returncode = _describe(self.command), self.returncode
        if request is not None:
            self.send(processStopped(self, command, returncode, request), "signal")
            return
        yield from self._waitForConsumers()
        self.send(processExited(self, command, returncode), "signal")

    def _drained(self) -> bool:
        return all(drain.eof and drain.pending is None for drain in self._drains)

    def _waitForConsumers(self) -> Iterator[Any]:
        """Pause until every consumer has taken all the output sent to it."""
        for name in {drain.box for drain in self._drains}:
            box = self.outboxes[name]
            while box.sink is not box and len(box.sink) and not self._isStopped():
                box.sink.notifyOnTake(self.unpause)
                self.pause()
                yield 1

    # ---------------------------------------------------------------- input
    def _pumpFeeds(self) -> bool:
        """Write what is waiting into the program; True if anything moved."""
        moved = False
        for feed in self._feeds:
            if feed.closed:
                feed.dropped += sum(1 for _ in self.Inbox(feed.box))
                continue
            if feed.file is None:
                continue                    # a named pipe the program has not opened yet
            while True:
                if feed.pending is None:
                    if not self.dataReady(feed.box):
                        break
                    feed.pending = self._nextInput(feed)
                    if feed.pending is None:
                        continue
                try:
                    written = os.write(feed.fd, feed.pending)
                except BlockingIOError:
                    break                   # pipe full: the scheduler tells us when not
                except OSError:             # EPIPE: the program stopped reading
                    self._closeFeed(feed)
                    break
                moved = True
                feed.pending = feed.pending[written:] if written < len(feed.pending) else None
            if (not feed.closed and feed.pending is None and self._closeInputsWhenDone
                    and not self.dataReady(feed.box)):
                self._closeFeed(feed)
            self._watch(feed, not feed.closed and feed.pending is not None, writer=True)
        return moved

    def _nextInput(self, feed: _Feed) -> memoryview | None:
        message = self.recv(feed.box)
        try:
            data = memoryview(asBytes(message))
        except TypeError as exc:
            log.error("%s: cannot write %s to the program; message skipped", self.name, exc)
            return None
        return data.cast("B") if data.nbytes else None

    def _closeFeed(self, feed: _Feed) -> None:
        if feed.closed:
            return
        if feed.pending is not None:
            feed.dropped += 1
            feed.pending = None
        feed.dropped += sum(1 for _ in self.Inbox(feed.box))
        self._watch(feed, False, writer=True)
        feed.closed = True
        try:
            if feed.file is not None:
                feed.file.close()
        except OSError:
            pass

    # --------------------------------------------------------------- output
    def _pumpDrains(self, passOn: bool) -> bool:
        """Read what the program wrote and send it; True if there may be more now."""
        more = False
        for drain in self._drains:
            if drain.eof or (drain.pending is not None and not self._sendPending(drain, passOn)):
                self._watch(drain, False)
                continue
            for _ in range(READS_PER_TURN):
                try:
                    data = os.read(drain.fd, self.buffersize)
                except BlockingIOError:
                    break
                except OSError as exc:
                    log.warning("%s: reading the program's %s failed: %s", self.name,
                                drain.box, exc)
                    data = b""
                if not data:
                    drain.eof = True
                    break
                drain.pending = data
                if not self._sendPending(drain, passOn):
                    break
            else:
                more = True
            self._watch(drain, not drain.eof and drain.pending is None)
            if drain.eof:
                drain.file.close()
        return more

    def _sendPending(self, drain: _Drain, passOn: bool) -> bool:
        """Send ``drain``'s waiting output (dropped when not ``passOn``); False if no room."""
        if passOn:
            try:
                self.send(drain.pending, drain.box)
            except noSpaceInBox:
                return False          # we are woken when the consumer takes something
        drain.pending = None
        return True

    def _watch(self, end: _Feed | _Drain, wanted: bool, writer: bool = False) -> None:
        """Have the scheduler wake us when ``end`` is ready, or stop it doing so."""
        if wanted == end.watching:
            return
        end.watching = wanted
        scheduler = self.scheduler
        if wanted:
            (scheduler.addWriter if writer else scheduler.addReader)(end.fd, self.unpause)
        else:
            (scheduler.removeWriter if writer else scheduler.removeReader)(end.fd)

    # ----------------------------------------------------------- the process
    def _noticeExit(self) -> None:
        if self.returncode is not None or self._process is None:
            return
        returncode = self._process.poll()
        if returncode is None:
            return
        self.returncode = returncode
        self._forgetPidfd()
        if self._killTimer is not None:
            self._killTimer.cancel()
            self._killTimer = None
        for feed in self._feeds:
            self._closeFeed(feed)
        for drain in self._drains:
            self._closeHolder(drain)

    def _forgetPidfd(self) -> None:
        if self._pidfd is not None:
            self.scheduler.removeReader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None

    def _closeHolder(self, drain: _Drain) -> None:
        if drain.holder is not None:
            os.close(drain.holder)
            drain.holder = None

    def _signalGroup(self, signum: int) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            pass
        except PermissionError:
            process.send_signal(signum)

    def _terminate(self) -> None:
        for feed in self._feeds:
            self._closeFeed(feed)
        self._signalGroup(signal.SIGTERM)
        self._killTimer = self.scheduler.callLater(self.gracePeriod, self._signalGroup,
                                                   signal.SIGKILL)

    # ------------------------------------------------------------- cleaning up
    def _release(self) -> None:
        """Unregister and close every pipe; log dropped input. Safe to call twice."""
        for feed in self._feeds:
            self._closeFeed(feed)
            if feed.dropped:
                log.info("%s: %d message(s) on %r were dropped: the program no longer "
                         "read them (it closed that input, ended or was stopped)",
                         self.name, feed.dropped, feed.box)
                feed.dropped = 0
        for drain in self._drains:
            self._watch(drain, False)
            self._closeHolder(drain)
            drain.file.close()
        self._forgetPidfd()
        if self._killTimer is not None:
            self._killTimer.cancel()
            self._killTimer = None

    def _closeDownMicroprocess(self) -> Any:
        self._release()
        process = self._process
        if process is not None and self.returncode is None and process.poll() is None:
            # Stopped from outside while the program runs: ask it to end, and
            # leave a thread to make sure it does and to collect its status.
            self._signalGroup(signal.SIGTERM)
            self._reaper = threading.Thread(target=self._reap, name=f"{self.name} reaper",
                                            daemon=True)
            self._reaper.start()
        return super()._closeDownMicroprocess()

    def _reap(self) -> None:
        process = self._process
        assert process is not None
        try:
            self.returncode = process.wait(self.gracePeriod)
        except subprocess.TimeoutExpired:
            self._signalGroup(signal.SIGKILL)
            self.returncode = process.wait()


def Pipethrough(*args: Any) -> UnixProcess:
    """1.14's deprecated name: ``UnixProcess(*args)``, with a warning logged."""
    log.warning("Pipethrough is deprecated (as in 1.14): use "
                "Kamaelia.File.UnixProcess.UnixProcess instead")
    return UnixProcess(*args)


def run_command(command: str, datasource: Any) -> bytes:
    """Run the shell ``command`` with the items of ``datasource`` (bytes, or str
    as UTF-8) as its standard input; print its standard output (as 1.14 did)
    and return it. Blocks until the command ends: not for use in a component."""
    data = b"".join(asBytes(item) for item in datasource)
    output = subprocess.run(command, shell=True, input=data, stdout=subprocess.PIPE).stdout
    print(output)
    return output


def Chargen() -> Iterator[str]:
    """1.14's test source: yields ``"hello\n"`` for one second."""
    start = time.monotonic()
    while time.monotonic() - start < 1:
        yield "hello\n"


class ChargenComponent(component):
    """ChargenComponent() -> sends ``"hello\n"`` each time slice for a tenth of a
    second, then ``producerFinished``; prints how much it sent (1.14's test source)"""

    Inboxes = {"inbox": "not used", "control": "not used"}
    Outboxes = {"outbox": "\"hello\\n\", over and over", "signal": "producerFinished at the end"}

    def main(self) -> Iterator[Any]:
        start = time.monotonic()
        sent = 0
        while time.monotonic() - start < 0.1:
            yield 1
            self.send("hello\n", "outbox")
            sent += len("hello\n")
        self.send(producerFinished(self), "signal")
        print("total sent", sent)


__kamaelia_components__ = (UnixProcess, ChargenComponent)

"""Helpers shared by the Kamaelia.File tests (imported by them; not a test file)."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.messages import fileError
from componentharness import SHUTDOWN, Collector, attach, run

__all__ = ["SHUTDOWN", "Collector", "attach", "run", "through", "runAll", "readOnlyFolder",
           "assertFileError", "SlowTaker", "Hoarder", "Gate", "CountsReads", "SignalsWrites",
           "mostAhead", "PATIENCE", "openDescriptors", "threads"]

#: Upper bound for any handshake; reaching it means the behaviour under test is broken.
PATIENCE = 10.0


def through(*components: component) -> Collector:
    """Run ``Pipeline(*components, Collector())`` to the end; return the collector."""
    sink = Collector()
    Pipeline(*components, sink).run()
    return sink


def runAll(*components: component) -> None:
    """Activate the components and run the scheduler until everything has ended."""
    for each in components:
        each.activate()
    scheduler.run.runThreads()


def assertFileError(sink: Collector, path: Any, reason: str, action: str) -> fileError:
    """The collector ended on one fileError naming ``path`` and ``reason``."""
    assert len(sink.control) == 1, sink.control
    error = sink.control[0]
    assert isinstance(error, fileError), error
    assert error.path == path and error.action == action
    assert error.reason == reason
    assert repr(str(path)) in error.message and reason in error.message
    return error


@contextmanager
def readOnlyFolder(folder: Path) -> Iterator[Path]:
    """``folder``, made so that not even root may create files in it.

    chmod is enough for other users; root ignores it, so for root the
    folder is made immutable (``chattr +i``) instead. Undone afterwards.
    """
    folder.mkdir()
    probe = folder / "probe"
    undo: list[str] = []
    folder.chmod(0o555)
    try:
        probe.touch()
    except PermissionError:
        pass
    else:
        probe.unlink()
        folder.chmod(0o755)
        if shutil.which("chattr") is None:
            raise RuntimeError("running as root without chattr: cannot make a read-only folder")
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        undo = ["chattr", "-i", str(folder)]
    try:
        yield folder
    finally:
        if undo:
            subprocess.run(undo, check=True)
        folder.chmod(0o755)


class SlowTaker(component):
    """Takes one message every ``interval`` seconds (a consumer slower than any
    disk) and records, at each take, how many pieces its producer had read
    but this consumer not yet taken (``producer.readsSoFar`` minus taken)."""

    def __init__(self, producer: Any, interval: float = 0.002, **argd: Any) -> None:
        super().__init__(**argd)
        self.producer = producer
        self.interval = interval
        self.got: list[Any] = []
        self.ahead: list[int] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while True:
            if self.dataReady("inbox"):
                self.got.append(self.recv("inbox"))
                self.ahead.append(self.producer.readsSoFar - len(self.got))
                self.pause(self.interval)
            elif self.dataReady("control"):
                self.control.append(self.recv("control"))
                return
            else:
                self.pause()
            yield 1


def mostAhead(readerClass: type, folder: Path, chunks: int, chunksize: int,
              maxqueue: int) -> int:
    """Stream a file of ``chunks`` chunks from ``readerClass`` (a CountsReads
    reader) to a SlowTaker; the most chunks it ever had read ahead of it.

    The bound to expect is ``maxqueue`` waiting in the taker's inbox, at most
    8 in the reader's own queue (its queuelengths) and the one in hand."""
    path = folder / "data"
    path.write_bytes(b"c" * chunks * chunksize)
    reader = readerClass(str(path), chunksize=chunksize, maxqueue=maxqueue)
    taker = SlowTaker(reader)
    Pipeline(reader, taker).run()
    assert len(taker.got) == chunks
    return max(taker.ahead)


class Hoarder(component):
    """Takes nothing from "inbox" until a message arrives on "control"; then
    takes everything waiting, records that message and ends. Its producer
    can never finish a large file before being told to stop."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.control.append(self.recv("control"))
        self.got.extend(self.Inbox("inbox"))


class CountsReads:
    """Mixin for a reader of Kamaelia.File: counts the pieces read (``readsSoFar``)."""

    readsSoFar = 0

    def readPiece(self, source: Any, pieces: int) -> Any:
        data = super().readPiece(source, pieces)          # type: ignore[misc]
        if data:
            self.readsSoFar += 1
        return data


class SignalsWrites:
    """Mixin for a writer of Kamaelia.File: sets ``wrote`` once a message is written."""

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self.wrote = threading.Event()

    def writeTo(self, target: Any, data: Any) -> bool:
        done: bool = super().writeTo(target, data)        # type: ignore[misc]
        self.wrote.set()
        return done


class Gate(threadedcomponent):
    """Sends ``before``, waits until ``opened`` is set (by the test), sends
    ``after``, then producerFinished."""

    def __init__(self, before: list[Any], after: list[Any], **argd: Any) -> None:
        super().__init__(**argd)
        self.before, self.after = before, after
        self.opened = threading.Event()

    def main(self) -> None:
        for message in self.before:
            self.send(message, "outbox", block=True)
        if not self.opened.wait(PATIENCE):
            raise AssertionError("the test never opened the gate")
        for message in self.after:
            self.send(message, "outbox", block=True)
        self.send(producerFinished(self), "signal")


def openDescriptors() -> set[str]:
    """The file descriptors this process has open (compare: nothing new left open)."""
    return set(os.listdir("/proc/self/fd"))


def threads() -> set[threading.Thread]:
    """The threads running now (compare: nothing new left running)."""
    return set(threading.enumerate())

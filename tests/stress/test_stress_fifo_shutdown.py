"""Stress: readers of FIFOs, pipes and terminals wait through the scheduler.

The probe of issue 11: a reader given a FIFO with no writer blocked its
thread in ``open()`` for ever; it could not be shut down and the thread
leaked. Here every reader of ``Kamaelia.File`` that can be given such a path
is started on one with nothing to read, told to stop while it waits, and
must end within 0.1 s leaving no thread and no descriptor behind. Then the
same readers are given a writer that connects late and must read every byte
it writes, to the end.

The test knows the reader is waiting through ``FileThread.waitUntilReadable``
(the one place a reader waits for data), which a subclass here notes in an
Event; nothing sleeps.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.File.BetterReading import IntelligentFileReader
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from Kamaelia.File.Reading import PromptedFileReader, SimpleReader
from Kamaelia.File.TriggeredFileReader import TriggeredFileReader

#: The issue's bound for a reader told to stop while it waits for data.
SHUTDOWN_BOUND = 0.1
#: Upper bound for everything else; reaching it means the behaviour is broken.
PATIENCE = 10.0


def noteWaits(cls: type) -> type:
    """A subclass of reader ``cls`` whose ``waiting`` Event is set once it waits for data."""

    class Noting(cls):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **argd: Any) -> None:
            super().__init__(*args, **argd)
            self.waiting = threading.Event()

        def waitUntilReadable(self, readiness: Any) -> None:
            self.waiting.set()
            super().waitUntilReadable(readiness)

    Noting.__name__ = f"Noting{cls.__name__}"
    return Noting


#: name -> (make a reader of ``path``, messages for its "inbox", join what it sent).
READERS: dict[str, tuple[Callable[[str], Any], Callable[[str], list[Any]],
                         Callable[[list[Any]], bytes]]] = {
    "MaxSpeedFileReader": (lambda p: noteWaits(MaxSpeedFileReader)(p, chunksize=65536),
                           lambda p: [], b"".join),
    "SimpleReader-binary": (lambda p: noteWaits(SimpleReader)(p, mode="rb"),
                            lambda p: [], b"".join),
    "SimpleReader-text": (lambda p: noteWaits(SimpleReader)(p),
                          lambda p: [], lambda got: "".join(got).encode()),
    "ReadFileAdaptor-block": (lambda p: noteWaits(ReadFileAdaptor)(p, readmode="block",
                                                                 readsize=4096),
                              lambda p: [], b"".join),
    "ReadFileAdaptor-line": (lambda p: noteWaits(ReadFileAdaptor)(p),
                             lambda p: [], lambda got: "".join(got).encode()),
    "IntelligentFileReader": (lambda p: noteWaits(IntelligentFileReader)(p, chunksize=8192),
                              lambda p: [], b"".join),
    # (asked for 64 KiB at a time: more requests than the data needs, so the
    # last ones find the end)
    "PromptedFileReader": (lambda p: noteWaits(PromptedFileReader)(p),
                           lambda p: [65536] * 64, b"".join),
    "TriggeredFileReader": (lambda p: noteWaits(TriggeredFileReader)(),
                            lambda p: [p], b"".join),
}


class Recorder(component):
    """Records what reaches "inbox" and the message that reaches "control"; then ends."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.got: list[Any] = []
        self.control: list[Any] = []
        self.arrived = threading.Event()        # set once something reached "inbox"

    def main(self) -> Iterator[int]:
        while not self.dataReady("control"):
            self.got.extend(self.Inbox("inbox"))
            if self.got:
                self.arrived.set()
            if not self.anyReady():
                self.pause()
            yield 1
        self.got.extend(self.Inbox("inbox"))
        self.control.append(self.recv("control"))


class Running:
    """``reader`` linked to a Recorder, the default scheduler running in a thread."""

    def __init__(self, reader: Any, inbox: list[Any]) -> None:
        self.reader = reader
        self.sink = Recorder()
        reader.link((reader, "outbox"), (self.sink, "inbox"))
        reader.link((reader, "signal"), (self.sink, "control"))
        reader.inboxes["inbox"].extend(inbox)
        reader.activate()
        self.sink.activate()
        self.errors: list[BaseException] = []
        self.loop = threading.Thread(target=self._run, name="scheduler", daemon=True)
        self.loop.start()

    def _run(self) -> None:
        try:
            scheduler.run.runThreads()
        except BaseException as exc:      # noqa: BLE001 - re-raised by the test
            self.errors.append(exc)

    def tell(self, message: Any) -> None:
        """Deliver ``message`` to the reader's "control" (in the scheduler's thread)."""
        scheduler.run.callFromThread(self.reader.inboxes["control"].append, message)

    def ended(self, timeout: float) -> bool:
        self.loop.join(timeout)
        if self.errors:
            raise self.errors[0]
        return not self.loop.is_alive()

    def abandon(self) -> None:
        """(After a failure) stop everything so the next test starts clean."""
        scheduler.run.stop()
        self.loop.join(PATIENCE)


def openDescriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


class Source:
    """Something with nothing to read yet, at ``path``; ``write(data)`` then ``close()``
    writes into it from this thread (the writer connecting late)."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind = kind
        self._keep: list[int] = []
        if kind == "fifo":
            self.path = str(folder / "fifo")
            os.mkfifo(self.path)
        elif kind == "pipe":
            read, write = os.pipe()
            self._keep = [read]
            self._write = write
            self.path = f"/proc/self/fd/{read}"
        else:                                       # a terminal: a character device
            master, slave = os.openpty()
            self._keep = [slave]
            self._write = master
            self.path = os.ttyname(slave)

    def connect(self) -> None:
        if self.kind == "fifo":
            self._write = os.open(self.path, os.O_WRONLY)   # the reader has it open: no wait

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._write, view):]

    def close(self) -> None:
        for fd in [*self._keep, getattr(self, "_write", -1)]:
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._keep, self._write = [], -1


@pytest.fixture
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Source]:
    made = Source(request.param, tmp_path)
    yield made
    made.close()


@pytest.mark.parametrize("source", ["fifo", "pipe", "terminal"], indirect=True)
@pytest.mark.parametrize("name", list(READERS))
def test_a_reader_waiting_for_data_ends_at_once_when_told_to_stop(
        name: str, source: Source) -> None:
    make, inbox, _ = READERS[name]
    threadsBefore = set(threading.enumerate())
    descriptorsBefore = openDescriptors()
    reader = make(source.path)
    running = Running(reader, inbox(source.path))
    try:
        assert reader.waiting.wait(PATIENCE), "the reader never waited for data"
        stop = shutdownMicroprocess()
        running.tell(stop)
        assert running.ended(SHUTDOWN_BOUND), \
            f"{name} still running {SHUTDOWN_BOUND}s after being told to stop"
    finally:
        if running.loop.is_alive():
            running.abandon()
    assert running.sink.control == [stop]
    assert running.sink.got == []
    assert set(threading.enumerate()) == threadsBefore
    assert openDescriptors() == descriptorsBefore


@pytest.mark.parametrize("source", ["fifo", "pipe"], indirect=True)
@pytest.mark.parametrize("name", list(READERS))
def test_a_writer_that_connects_late_is_read_in_full(name: str, source: Source) -> None:
    make, inbox, joined = READERS[name]
    # Lines, so that line readers have something to split; 2 MiB, many pipefuls.
    data = b"".join(b"line %07d of the late writer\n" % i for i in range(70_000))
    reader = make(source.path)
    running = Running(reader, inbox(source.path))
    try:
        assert reader.waiting.wait(PATIENCE), "the reader never waited for data"
        if name == "TriggeredFileReader":
            # It ends only when told to; a producerFinished, unlike a
            # shutdownMicroprocess, lets it finish reading the file named first.
            running.tell(producerFinished())
        source.connect()
        source.write(data)
        source.close()                            # the end of the data
        assert running.ended(PATIENCE), f"{name} never reached the end of the data"
    finally:
        if running.loop.is_alive():
            running.abandon()
    assert joined(running.sink.got) == data
    assert len(running.sink.control) == 1
    assert isinstance(running.sink.control[0], producerFinished)


@pytest.mark.parametrize("name", ["MaxSpeedFileReader", "SimpleReader-text",
                                  "ReadFileAdaptor-line"])
def test_a_terminal_is_read_as_it_is_typed(name: str, tmp_path: Path) -> None:
    make, inbox, joined = READERS[name]
    terminal = Source("terminal", tmp_path)
    threadsBefore = set(threading.enumerate())
    reader = make(terminal.path)
    running = Running(reader, inbox(terminal.path))
    try:
        assert reader.waiting.wait(PATIENCE), "the reader never waited for data"
        terminal.write(b"typed\n")
        assert running.sink.arrived.wait(PATIENCE), "what was typed never arrived"
        stop = shutdownMicroprocess()
        running.tell(stop)
        assert running.ended(PATIENCE), f"{name} did not stop"
    finally:
        if running.loop.is_alive():
            running.abandon()
        terminal.close()
    assert joined(running.sink.got) == b"typed\n"
    assert running.sink.control == [stop]
    assert set(threading.enumerate()) == threadsBefore

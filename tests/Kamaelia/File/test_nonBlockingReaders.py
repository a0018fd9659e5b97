"""Readers open FIFOs, pipes and devices without blocking; regular files as before.

(``tests/stress/test_stress_fifo_shutdown.py`` has the FIFO, pipe and
terminal probes of issue 11: shut down mid-wait, and a late writer.)
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from Kamaelia.File._readiness import WaitingReader, openToRead
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from filehelpers import PATIENCE, Collector, openDescriptors, run, runAll, threads


class TakeThenStop(component):
    """Takes ``count`` messages, then sends shutdownMicroprocess out of "stop"
    and records the message that comes back on "control"."""

    Outboxes = {"outbox": "not used", "signal": "not used", "stop": "to the producer's control"}

    def __init__(self, count: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.count = count
        self.got: list[Any] = []
        self.control: list[Any] = []

    def main(self) -> Iterator[int]:
        while len(self.got) < self.count:
            self.got.extend(self.Inbox("inbox"))
            if len(self.got) < self.count:
                self.pause()
            yield 1
        self.send(shutdownMicroprocess(), "stop")
        while not self.dataReady("control"):
            self.pause()
            yield 1
        self.control.append(self.recv("control"))


def test_a_character_device_at_its_end_ends_the_reader() -> None:
    sink = run(MaxSpeedFileReader("/dev/null"))
    assert sink.got == []
    assert [type(m) for m in sink.control] == [producerFinished]


def test_a_device_that_cannot_be_watched_is_read_flat_out_and_still_stops() -> None:
    # epoll refuses /dev/zero (it is always ready): the reader simply reads it.
    reader = MaxSpeedFileReader("/dev/zero", chunksize=4096)
    taker = TakeThenStop(3)
    reader.link((reader, "outbox"), (taker, "inbox"))
    reader.link((taker, "stop"), (reader, "control"))
    reader.link((reader, "signal"), (taker, "control"))
    runAll(reader, taker)
    assert taker.got[:3] == [bytes(4096)] * 3
    assert [type(m) for m in taker.control] == [shutdownMicroprocess]


class Owner:
    """Enough of a FileThread for openToRead (a regular file needs none of it)."""

    def __init__(self) -> None:
        self._readinesses: set[Any] = set()


def test_a_regular_file_is_read_the_ordinary_way(tmp_path: Path) -> None:
    path = tmp_path / "plain"
    path.write_bytes(b"abc")
    with openToRead(Owner(), str(path)) as file:
        assert not isinstance(file.raw, WaitingReader)
        assert os.get_blocking(file.fileno())
        assert file.name == str(path)
        assert file.read() == b"abc"
    with openToRead(Owner(), str(path), text=True, encoding="utf-8") as text:
        assert text.read() == "abc"


def test_a_fifo_is_read_through_a_waiting_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    owner = Owner()
    file = openToRead(owner, str(fifo), buffered=False)   # no writer: no wait
    try:
        assert isinstance(file, WaitingReader)
        assert not os.get_blocking(file.fileno())
        assert len(owner._readinesses) == 1
    finally:
        file.close()
    assert owner._readinesses == set()


def test_a_folder_is_refused_as_open_refuses_it(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match="Is a directory"):
        openToRead(Owner(), str(tmp_path))


class Noting(ReadFileAdaptor):
    """A ReadFileAdaptor whose ``waiting`` Event is set once it waits for data."""

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self.waiting = threading.Event()

    def waitUntilReadable(self, readiness: Any) -> None:
        self.waiting.set()
        super().waitUntilReadable(readiness)


def test_a_quiet_command_does_not_keep_its_reader_from_stopping() -> None:
    before = threads()
    descriptors = openDescriptors()
    reader = Noting(command="exec sleep 30", readmode="block", gracePeriod=0.05)
    sink = Collector()
    reader.link((reader, "outbox"), (sink, "inbox"))
    reader.link((reader, "signal"), (sink, "control"))
    loop = threading.Thread(target=lambda: runAll(reader, sink), daemon=True)
    loop.start()
    try:
        assert reader.waiting.wait(PATIENCE), "the reader never waited for the command"
        stop = shutdownMicroprocess()
        scheduler.run.callFromThread(reader.inboxes["control"].append, stop)
        loop.join(PATIENCE)
        assert not loop.is_alive()
    finally:
        if loop.is_alive():
            scheduler.run.stop()
            loop.join(PATIENCE)
    assert sink.control == [stop]
    assert threads() == before
    assert openDescriptors() == descriptors


class NotingMaxSpeed(MaxSpeedFileReader):
    """A MaxSpeedFileReader whose ``waiting`` Event is set once it waits for data."""

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self.waiting = threading.Event()

    def waitUntilReadable(self, readiness: Any) -> None:
        self.waiting.set()
        super().waitUntilReadable(readiness)


def test_a_reader_waiting_on_a_fifo_is_closed_down_when_the_scheduler_stops(
        tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    before = threads()
    descriptors = openDescriptors()
    reader = NotingMaxSpeed(str(fifo))
    loop = threading.Thread(target=lambda: runAll(reader), daemon=True)
    loop.start()
    try:
        assert reader.waiting.wait(PATIENCE), "the reader never waited for a writer"
        scheduler.run.stop()                   # as Ctrl-C does: stop everything
        loop.join(PATIENCE)
        assert not loop.is_alive()
    finally:
        if loop.is_alive():
            scheduler.run.stop()
            loop.join(PATIENCE)
    assert threads() == before
    assert openDescriptors() == descriptors
    assert reader._readinesses == set()

"""Tests for Kamaelia.File.WholeFileWriter."""

from __future__ import annotations

import gc
import logging
import weakref
from pathlib import Path
from typing import Any, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished
from Axon.Scheduler import scheduler
from Kamaelia.File.WholeFileWriter import WholeFileWriter
from Kamaelia.Util.DataSource import DataSource
from filehelpers import SHUTDOWN, assertFileError, run, through


def test_writes_each_file_whole_and_sends_its_name(tmp_path: Path) -> None:
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    sink = through(DataSource([[a, b"first"], (b, "second")]), WholeFileWriter())
    assert sink.got == [a, b]
    assert (tmp_path / "a").read_bytes() == b"first" and (tmp_path / "b").read_text() == "second"
    assert [type(m) for m in sink.control] == [producerFinished]


def test_atomic_mode_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "a"
    target.write_bytes(b"old")
    through(DataSource([[str(target), b"new"]]), WholeFileWriter(atomic=True))
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["a"]


def test_a_message_of_the_wrong_shape_is_logged_and_skipped(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = str(tmp_path / "good")
    with caplog.at_level(logging.ERROR, logger="Kamaelia.File"):
        sink = through(DataSource(["just a name", [good, b"ok"]]), WholeFileWriter())
    assert sink.got == [good]
    assert any("'just a name'" in r.getMessage() for r in caplog.records)


def test_a_file_that_cannot_be_written_is_reported_and_the_writer_ends(tmp_path: Path) -> None:
    bad = str(tmp_path / "missing" / "a")
    writer = WholeFileWriter()
    sink = through(DataSource([[bad, b"x"], [str(tmp_path / "later"), b"y"]]), writer)
    assertFileError(sink, bad, "No such file or directory", "write")
    assert not (tmp_path / "later").exists() and writer._isStopped()


@pytest.mark.parametrize("kind", SHUTDOWN)
def test_writes_the_files_sent_before_a_shutdown_then_passes_it_on(
        tmp_path: Path, kind: type) -> None:
    path = str(tmp_path / "f")
    message = kind()
    sink = run(WholeFileWriter(), inbox=[[path, b"data"]], control=[message])
    assert sink.got == [path] and sink.control == [message]


class Payload(bytearray):
    """Contents that can be weakly referenced (bytes cannot)."""


class Prober(component):
    """Sends one large file to write, waits until it is written, then looks
    whether anything still holds its contents while the writer waits for more."""

    def __init__(self, path: str, **argd: Any) -> None:
        super().__init__(**argd)
        self.path = path
        self.heldAfterWriting: bool | None = None

    def main(self) -> Iterator[int]:
        payload = Payload(b"x" * (8 << 20))
        contents = weakref.ref(payload)
        self.send([self.path, payload], "outbox")
        del payload
        while not self.dataReady("inbox"):            # the filename: written
            self.pause()
            yield 1
        self.recv("inbox")
        gc.collect()
        self.heldAfterWriting = contents() is not None
        self.send(producerFinished(self), "signal")


def test_the_contents_of_a_file_written_are_not_kept_while_it_waits_for_more(
        tmp_path: Path) -> None:
    prober, writer = Prober(str(tmp_path / "big")), WholeFileWriter()
    prober.link((prober, "outbox"), (writer, "inbox"))
    prober.link((prober, "signal"), (writer, "control"))
    writer.link((writer, "outbox"), (prober, "inbox"))
    prober.activate()
    writer.activate()
    scheduler.run.runThreads()
    assert (tmp_path / "big").stat().st_size == 8 << 20
    assert prober.heldAfterWriting is False

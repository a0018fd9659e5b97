"""Tests for Kamaelia.File.Writing.SimpleFileWriter."""

from __future__ import annotations

import logging
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.File.Writing import SimpleFileWriter
from Kamaelia.Util.DataSource import DataSource
from filehelpers import PATIENCE, Gate, SignalsWrites, assertFileError, readOnlyFolder, run, through


def leftovers(folder: Path) -> list[str]:
    """Temporary files an atomic writer left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writer_writes_bytes_and_str_in_order_then_passes_producerFinished_on(
        tmp_path: Path) -> None:
    path = tmp_path / "out"
    sink = through(DataSource([b"bytes ", "text é ", bytearray(b"more")]),
                   SimpleFileWriter(str(path)))
    assert path.read_bytes() == "bytes text é more".encode()
    assert [type(m) for m in sink.control] == [producerFinished]


def test_writer_replaces_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(b"a much longer old content")
    through(DataSource([b"new"]), SimpleFileWriter(str(path), "w"))
    assert path.read_bytes() == b"new"


def test_writer_in_append_mode_appends(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(b"old,")
    through(DataSource([b"new"]), SimpleFileWriter(str(path), "ab"))
    assert path.read_bytes() == b"old,new"


def test_writer_logs_and_skips_a_message_it_cannot_write(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "out"
    with caplog.at_level(logging.ERROR, logger="Kamaelia.File"):
        through(DataSource([b"a", 42, b"b"]), SimpleFileWriter(str(path)))
    assert path.read_bytes() == b"ab"
    assert any("int" in r.getMessage() and str(path) in r.getMessage() for r in caplog.records)


def test_writer_on_shutdownMicroprocess_keeps_and_closes_what_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "out"
    message = shutdownMicroprocess()
    sink = run(SimpleFileWriter(str(path)), inbox=[b"kept"], control=[message])
    assert path.read_bytes() == b"kept" and sink.control == [message]


class Observed(SignalsWrites, SimpleFileWriter):
    """Sets ``wrote`` once a message has been written."""


def test_atomic_writer_leaves_the_target_untouched_until_it_finishes(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(b"old")
    gate = Gate([b"new ", b"data"], [b" and the rest"])
    writer = Observed(str(path), atomic=True)
    seen: list[Any] = []

    def look() -> None:
        writer.wrote.wait(PATIENCE)
        seen.append((path.read_bytes(), len(leftovers(tmp_path))))
        gate.opened.set()

    watcher = threading.Thread(target=look)
    watcher.start()
    through(gate, writer)
    watcher.join()
    assert seen == [(b"old", 1)]                 # mid-way: old file, one temporary file
    assert path.read_bytes() == b"new data and the rest"
    assert leftovers(tmp_path) == []


def test_atomic_writer_told_to_stop_at_once_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(b"old")
    message = shutdownMicroprocess()
    sink = run(SimpleFileWriter(str(path), atomic=True), inbox=[b"half-done"], control=[message])
    assert path.read_bytes() == b"old"
    assert leftovers(tmp_path) == [] and sink.control == [message]


def test_atomic_writer_keeps_the_permissions_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_bytes(b"old")
    path.chmod(0o640)
    through(DataSource([b"new"]), SimpleFileWriter(str(path), atomic=True))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_bytes() == b"new"


def test_atomic_writer_gives_a_new_file_the_usual_permissions(tmp_path: Path) -> None:
    path = tmp_path / "new"
    umask = os.umask(0o022)
    try:
        through(DataSource([b"x"]), SimpleFileWriter(str(path), atomic=True))
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_full_disk_is_reported_on_signal(tmp_path: Path) -> None:
    writer = SimpleFileWriter("/dev/full")
    sink = through(DataSource([b"x" * 100_000]), writer)
    assertFileError(sink, "/dev/full", "No space left on device", "write")
    assert writer._isStopped()


def test_a_folder_that_may_not_be_written_is_reported_on_signal(tmp_path: Path) -> None:
    with readOnlyFolder(tmp_path / "locked") as folder:
        path = str(folder / "out")
        sink = through(DataSource([b"x"]), SimpleFileWriter(path))
    error = sink.control[0]
    assert error.path == path and error.reason in ("Permission denied", "Operation not permitted")
    assert repr(path) in error.message


def test_an_atomic_write_into_a_folder_that_may_not_be_written_is_reported(
        tmp_path: Path) -> None:
    with readOnlyFolder(tmp_path / "locked") as folder:
        path = str(folder / "out")
        sink = through(DataSource([b"x"]), SimpleFileWriter(path, atomic=True))
        assert list(folder.iterdir()) == []
    assert sink.control[0].path == path


def test_a_missing_folder_is_reported_on_signal(tmp_path: Path) -> None:
    path = str(tmp_path / "no" / "such" / "folder" / "out")
    sink = through(DataSource([b"x"]), SimpleFileWriter(path))
    assertFileError(sink, path, "No such file or directory", "write")


def test_a_writer_that_failed_lets_its_reader_run_to_the_end(tmp_path: Path) -> None:
    source = tmp_path / "big"
    source.write_bytes(b"s" * 100_000)
    reader = MaxSpeedFileReader(str(source), chunksize=100, maxqueue=2)
    sink = through(reader, SimpleFileWriter("/dev/full"))
    assert reader._isStopped()
    assert sink.control[0].reason == "No space left on device"


def test_writer_rejects_a_reading_mode() -> None:
    with pytest.raises(ValueError, match="mode must be one of .*, not 'r'"):
        SimpleFileWriter("x", "r")


def test_writer_refuses_to_append_atomically() -> None:
    with pytest.raises(ValueError, match="cannot append to 'x' atomically"):
        SimpleFileWriter("x", "ab", atomic=True)

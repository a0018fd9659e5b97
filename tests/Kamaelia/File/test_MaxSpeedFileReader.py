"""Tests for Kamaelia.File.MaxSpeedFileReader, and copying files through a reader and a writer."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.File.Writing import SimpleFileWriter
from filehelpers import (SHUTDOWN, Collector, CountsReads, Hoarder, assertFileError, mostAhead,
                         run, through)

MiB = 1 << 20


class CountingReader(CountsReads, MaxSpeedFileReader):
    """Counts the chunks it has read."""


def test_reader_sends_the_file_in_chunks_of_chunksize(tmp_path: Path) -> None:
    path = tmp_path / "data"
    data = os.urandom(10_000)
    path.write_bytes(data)
    sink = through(MaxSpeedFileReader(str(path), chunksize=4096))
    assert [len(chunk) for chunk in sink.got] == [4096, 4096, 1808]
    assert b"".join(sink.got) == data
    assert [type(m) for m in sink.control] == [producerFinished]


def test_reader_of_an_empty_file_sends_only_producerFinished(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    sink = through(MaxSpeedFileReader(str(path)))
    assert sink.got == [] and [type(m) for m in sink.control] == [producerFinished]


def test_reader_never_gets_more_than_maxqueue_chunks_ahead_of_its_consumer(
        tmp_path: Path) -> None:
    assert mostAhead(CountingReader, tmp_path, chunks=200, chunksize=100, maxqueue=4) <= 4 + 9


def test_reader_with_an_unlinked_outbox_reads_the_whole_file_into_it(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"y" * 50)
    reader = MaxSpeedFileReader(str(path), chunksize=5, maxqueue=2)
    reader.run()
    assert len(reader.outboxes["outbox"]) == 10
    assert isinstance(reader.outboxes["signal"].pop(), producerFinished)


@pytest.mark.parametrize("kind", SHUTDOWN)
def test_reader_stops_on_shutdown_and_passes_it_on(tmp_path: Path, kind: type) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"z" * 10_000)
    message = kind()
    reader = MaxSpeedFileReader(str(path), chunksize=10, maxqueue=2)
    reader.inboxes["control"].append(message)
    sink = Hoarder()
    Pipeline(reader, sink).run()
    assert sink.control == [message]
    assert len(sink.got) < 1000


def test_reader_reports_a_missing_file_on_signal_and_ends(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.bin")
    reader = MaxSpeedFileReader(missing)
    sink = run(reader)
    assertFileError(sink, missing, "No such file or directory", "read")
    assert reader._isStopped() and sink.got == []


def test_reader_reports_a_folder_on_signal_and_ends(tmp_path: Path) -> None:
    sink = run(MaxSpeedFileReader(str(tmp_path)))
    assertFileError(sink, str(tmp_path), "Is a directory", "read")


def test_a_failing_reader_leaves_the_rest_of_the_system_running(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.write_bytes(b"fine")
    working, broken = Collector(), Collector()
    Pipeline(MaxSpeedFileReader(str(good)), working).activate()
    Pipeline(MaxSpeedFileReader(str(tmp_path / "bad")), broken).run()
    assert working.got == [b"fine"] and [type(m) for m in working.control] == [producerFinished]
    assert broken.control[0].reason == "No such file or directory"


@pytest.mark.parametrize("chunksize", [0, -1, 1.5, True])
def test_reader_rejects_a_chunksize_that_is_not_a_positive_int(chunksize: Any) -> None:
    with pytest.raises(ValueError, match=f"chunksize must be a positive int, not {chunksize!r}"):
        MaxSpeedFileReader("x", chunksize)


def test_copying_a_file_of_hundreds_of_megabytes_reproduces_it_byte_for_byte(
        tmp_path: Path) -> None:
    source, copy = tmp_path / "source.bin", tmp_path / "copy.bin"
    block = bytearray(os.urandom(MiB))
    expected = hashlib.sha256()
    try:
        with open(source, "wb") as out:
            for n in range(300):                  # 300 MiB; every block different
                block[:8] = n.to_bytes(8, "little")
                expected.update(block)
                out.write(block)
        Pipeline(MaxSpeedFileReader(str(source), chunksize=MiB),
                 SimpleFileWriter(str(copy))).run()
        copied = hashlib.sha256()
        with open(copy, "rb") as result:
            while chunk := result.read(MiB):
                copied.update(chunk)
        assert copy.stat().st_size == 300 * MiB
        assert copied.hexdigest() == expected.hexdigest()
    finally:
        source.unlink(missing_ok=True)
        copy.unlink(missing_ok=True)

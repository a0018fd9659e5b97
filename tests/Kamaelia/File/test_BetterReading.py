"""Tests for Kamaelia.File.BetterReading.IntelligentFileReader."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.File.BetterReading import IntelligentFileReader
from filehelpers import CountsReads, assertFileError, mostAhead, run, through


class CountingReader(CountsReads, IntelligentFileReader):
    """Counts the chunks it has read."""


def test_intelligent_reader_sends_the_file_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "data"
    data = os.urandom(2500)
    path.write_bytes(data)
    sink = through(IntelligentFileReader(str(path)))
    assert [len(chunk) for chunk in sink.got] == [1024, 1024, 452]
    assert b"".join(sink.got) == data
    assert [type(m) for m in sink.control] == [producerFinished]


def test_intelligent_reader_keeps_at_most_maxqueue_chunks_waiting(tmp_path: Path) -> None:
    assert mostAhead(CountingReader, tmp_path, chunks=200, chunksize=64, maxqueue=2) <= 2 + 9


def test_intelligent_reader_takes_1_14_wake_ups_on_its_inbox_quietly(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "data"
    path.write_bytes(b"abc")
    with caplog.at_level(logging.WARNING, logger="Kamaelia.File"):
        sink = run(IntelligentFileReader(str(path)), inbox=["wake up"] * 5)
    assert sink.got == [b"abc"]
    assert caplog.records == []


def test_intelligent_reader_reports_a_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nothing")
    sink = run(IntelligentFileReader(missing))
    assertFileError(sink, missing, "No such file or directory", "read")


@pytest.mark.parametrize("maxqueue", [0, -3, 2.5])
def test_intelligent_reader_rejects_a_maxqueue_that_is_not_a_positive_int(
        maxqueue: Any) -> None:
    with pytest.raises(ValueError, match=f"maxqueue must be a positive int, not {maxqueue!r}"):
        IntelligentFileReader("x", 10, maxqueue)

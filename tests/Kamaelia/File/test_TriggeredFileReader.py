"""Tests for Kamaelia.File.TriggeredFileReader."""

from __future__ import annotations

from pathlib import Path

import pytest

from Kamaelia.File.TriggeredFileReader import TriggeredFileReader
from filehelpers import SHUTDOWN, assertFileError, run


def test_reads_each_named_file_whole_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "1", tmp_path / "2"
    first.write_bytes(b"one" * 1000)
    second.write_bytes(b"")
    sink = run(TriggeredFileReader(), inbox=[str(first), second, str(first)],
               control=[SHUTDOWN[0]()])
    assert sink.got == [b"one" * 1000, b"", b"one" * 1000]


@pytest.mark.parametrize("kind", SHUTDOWN)
def test_reads_the_files_named_before_a_shutdown_then_passes_it_on(
        tmp_path: Path, kind: type) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"data")
    message = kind()
    sink = run(TriggeredFileReader(), inbox=[str(path)], control=[message])
    assert sink.got == [b"data"] and sink.control == [message]


def test_a_missing_file_is_reported_and_the_reader_ends(tmp_path: Path) -> None:
    good = tmp_path / "good"
    good.write_bytes(b"ok")
    missing = str(tmp_path / "missing")
    reader = TriggeredFileReader()
    sink = run(reader, inbox=[str(good), missing, str(good)])
    assert sink.got == [b"ok"]
    assertFileError(sink, missing, "No such file or directory", "read")
    assert reader._isStopped()

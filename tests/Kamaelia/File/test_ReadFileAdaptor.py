"""Tests for Kamaelia.File.ReadFileAdaptor."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor
from filehelpers import SHUTDOWN, assertFileError, run, through


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    path = tmp_path / "lines.txt"
    path.write_text("alpha\nbeta\ngamma\n")
    return path


def test_default_mode_sends_readsize_bytes_at_a_time(lines: Path) -> None:
    sink = through(ReadFileAdaptor(str(lines), readsize=6))
    assert sink.got == [b"alpha\n", b"beta\ng", b"amma\n"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_line_mode_sends_one_str_line_at_a_time(lines: Path) -> None:
    sink = through(ReadFileAdaptor(str(lines), readmode="line"))
    assert sink.got == ["alpha\n", "beta\n", "gamma\n"]


def test_line_mode_without_encoding_sends_bytes_lines(lines: Path) -> None:
    sink = through(ReadFileAdaptor(str(lines), readmode="line", encoding=None))
    assert sink.got == [b"alpha\n", b"beta\n", b"gamma\n"]


def test_steptime_spaces_the_reads(lines: Path) -> None:
    started = time.monotonic()
    sink = through(ReadFileAdaptor(str(lines), readmode="line", steptime=0.05))
    assert len(sink.got) == 3
    assert time.monotonic() - started >= 0.1       # three reads, two gaps at least


def test_bitrate_mode_sends_bitrate_over_8_over_chunkrate_bytes_per_chunk(lines: Path) -> None:
    started = time.monotonic()
    sink = through(ReadFileAdaptor(str(lines), readmode="bitrate", bitrate=4000, chunkrate=100))
    assert sink.got == [b"alpha", b"\nbeta", b"\ngamm", b"a\n"]
    assert time.monotonic() - started >= 3 / 100


def test_bitrate_mode_without_chunkrate_uses_readsize_chunks(lines: Path) -> None:
    sink = through(ReadFileAdaptor(str(lines), readmode="bitrate", bitrate=80_000,
                                   chunkrate=None, readsize=9))
    assert sink.got == [b"alpha\nbet", b"a\ngamma\n"]


def test_command_mode_reads_what_the_command_prints() -> None:
    sink = through(ReadFileAdaptor(command="printf 'one\\ntwo\\n'", readmode="line"))
    assert sink.got == ["one\n", "two\n"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_command_mode_logs_a_command_that_fails(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.File"):
        sink = through(ReadFileAdaptor(command="echo partial; exit 4"))
    assert sink.got == [b"partial\n"]
    assert any("exited with status 4" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("kind", SHUTDOWN)
def test_stops_at_once_while_waiting_for_the_next_read(lines: Path, kind: type) -> None:
    message = kind()
    reader = ReadFileAdaptor(str(lines), readmode="line", steptime=3600)
    sink = run(reader, control=[message])      # would wait an hour between lines
    assert sink.control == [message]
    assert len(sink.got) <= 1


def test_stopping_a_command_reader_ends_the_command() -> None:
    reader = ReadFileAdaptor(command="yes", readsize=10, steptime=3600)
    message = shutdownMicroprocess()
    sink = run(reader, control=[message])
    assert sink.control == [message]
    assert reader._process is None            # closed and collected, not left running


def test_a_missing_file_is_reported_on_signal(tmp_path: Path) -> None:
    missing = str(tmp_path / "absent")
    sink = run(ReadFileAdaptor(missing))
    assertFileError(sink, missing, "No such file or directory", "read")


@pytest.mark.parametrize("arguments, message", [
    ({}, "give a filename or a command, not both or neither"),
    ({"filename": "f", "command": "c"}, "give a filename or a command, not both or neither"),
    ({"filename": "f", "readmode": "fast"},
     "readmode must be '', 'bitrate' or 'line', not 'fast'"),
    ({"filename": "f", "readmode": "bitrate", "bitrate": 0},
     "bitrate must be a positive number, not 0"),
    ({"filename": "f", "readmode": "bitrate", "chunkrate": -1},
     "chunkrate must be a positive number, not -1"),
    ({"filename": "f", "steptime": -0.5}, "interval must be a non-negative number, not -0.5"),
    ({"filename": "f", "readsize": 0}, "each piece must be at least 1 byte, not 0"),
])
def test_bad_arguments_are_rejected_with_the_value(arguments: dict[str, Any],
                                                   message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ReadFileAdaptor(**arguments)

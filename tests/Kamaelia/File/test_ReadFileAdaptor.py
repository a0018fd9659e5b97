"""Tests for Kamaelia.File.ReadFileAdaptor."""

from __future__ import annotations

import io
import logging
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File.ReadFileAdaptor import EOF, ReadFileAdaptor
from filehelpers import SHUTDOWN, assertFileError, run, through


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    path = tmp_path / "lines.txt"
    path.write_text("alpha\nbeta\ngamma\n")
    return path


def test_block_mode_sends_readsize_bytes_at_a_time(lines: Path) -> None:
    sink = through(ReadFileAdaptor(str(lines), readmode="block", readsize=6))
    assert sink.got == [b"alpha\n", b"beta\ng", b"amma\n"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_the_default_mode_is_lines_as_in_1_14(lines: Path) -> None:
    sink = through(ReadFileAdaptor(str(lines)))
    assert sink.got == ["alpha\n", "beta\n", "gamma\n"]


def test_an_unknown_readmode_is_block_mode_with_a_warning_as_in_1_14(
        lines: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.File"):
        reader = ReadFileAdaptor(str(lines), readmode="flibble", readsize=6)
    assert "readmode 'flibble' is taken as 'block'" in caplog.text
    assert through(reader).got == [b"alpha\n", b"beta\ng", b"amma\n"]


def test_given_a_filename_and_a_command_it_reads_the_file_with_a_warning(
        lines: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="Kamaelia.File"):
        reader = ReadFileAdaptor(str(lines), command="echo not this")
    assert "reading the file (as 1.14 did)" in caplog.text
    assert through(reader).got == ["alpha\n", "beta\n", "gamma\n"]


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
    assert sink.got == ["partial\n"]
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
    ({"filename": "f", "readmode": "bitrate", "bitrate": 0},
     "bitrate must be a positive number, not 0"),
    ({"filename": "f", "readmode": "bitrate", "chunkrate": -1},
     "chunkrate must be a positive number, not -1"),
    ({"filename": "f", "steptime": -0.5}, "interval must be a non-negative number, not -0.5"),
    ({"filename": "f", "readmode": "block", "readsize": 0},
     "each piece must be at least 1 byte, not 0"),
])
def test_bad_arguments_are_rejected_with_the_value(arguments: dict[str, Any],
                                                   message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ReadFileAdaptor(**arguments)


# ------------------------------------------------------------- 1.14's pacing
class Schedule(ReadFileAdaptor):
    """Records when each piece is due instead of waiting for it (a clock
    that moves only when a piece is due), so the pacing is checked exactly."""

    now = 1000.0

    @classmethod
    def clock(cls) -> float:
        return cls.now

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self.dues: list[float] = []

    def waitForPiece(self, due: float) -> Any:
        self.dues.append(due - 1000.0)
        type(self).now = due
        return None


def test_line_pacing_is_1_14s_first_line_after_one_steptime_then_one_each(
        lines: Path) -> None:
    Schedule.now = 1000.0
    reader = Schedule(str(lines), readmode="line", steptime=0.5)
    sink = through(reader)
    assert sink.got == ["alpha\n", "beta\n", "gamma\n"]
    assert reader.dues == [0.5, 1.0, 1.5, 2.0]       # the fourth finds the end


def test_bitrate_pacing_is_1_14s_chunkrate_chunks_of_bitrate_over_8_over_chunkrate(
        lines: Path) -> None:
    Schedule.now = 1000.0
    reader = Schedule(str(lines), readmode="bitrate", bitrate=420, chunkrate=30)
    sink = through(reader)
    assert reader.readsize == 1                      # int(420 / 8 / 30), as 1.14
    assert b"".join(sink.got) == b"alpha\nbeta\ngamma\n"
    assert all(len(chunk) == 1 for chunk in sink.got)
    assert reader.dues == pytest.approx([n / 30 for n in range(1, len(sink.got) + 2)])


def test_bitrate_defaults_are_1_14s() -> None:
    reader = ReadFileAdaptor("unused", readmode="bitrate")
    assert (reader.bitrate, reader.chunkrate) == (65536.0, 24)
    assert reader.readsize == int(65536 / 8 / 24) and reader.interval == 1 / 24
    reader.stop()


# ---------------------------------------------------------- 1.14's methods
def test_getData_is_the_read_of_the_mode_and_raises_EOF_at_the_end(lines: Path) -> None:
    reader = ReadFileAdaptor(str(lines), readmode="block", readsize=100)
    assert reader.getData == reader.getDataByteLen
    reader.f = open(lines, "rb")
    with reader.f:
        assert reader.getData() == b"alpha\nbeta\ngamma\n"
        with pytest.raises(EOF):
            reader.getData()
    liner = ReadFileAdaptor(str(lines))
    assert liner.getData == liner.getDataReadline
    liner.f = open(lines)
    with liner.f:
        assert [liner.getData() for _ in range(3)] == ["alpha\n", "beta\n", "gamma\n"]
        with pytest.raises(EOF):
            liner.getData()


def test_a_subclass_overriding_getDataReadline_changes_what_is_sent(lines: Path) -> None:
    class Shouting(ReadFileAdaptor):
        def getDataReadline(self) -> Any:
            return super().getDataReadline().upper()

    assert through(Shouting(str(lines))).got == ["ALPHA\n", "BETA\n", "GAMMA\n"]


def test_with_neither_filename_nor_command_it_reads_standard_input(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"typed\nlines\n")))
    sink = through(ReadFileAdaptor())
    assert sink.got == ["typed\n", "lines\n"]
    assert not sys.stdin.closed                      # not ours to close


def test_debug_also_writes_what_is_read_to_standard_output(
        lines: Path, capsys: pytest.CaptureFixture[str]) -> None:
    through(ReadFileAdaptor(str(lines), debug=1))
    assert capsys.readouterr().out == "alpha\nbeta\ngamma\n"

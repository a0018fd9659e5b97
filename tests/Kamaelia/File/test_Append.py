"""Tests for Kamaelia.File.Append."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.Append import Append
from Kamaelia.Util.DataSource import DataSource
from filehelpers import PATIENCE, Gate, Hoarder, SignalsWrites, assertFileError, run, through


def test_appends_each_message_and_forwards_it(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"before\n")
    sink = through(DataSource([b"one\n", "two\n"]), Append(str(path)))
    assert path.read_bytes() == b"before\none\ntwo\n"
    assert sink.got == [b"one\n", "two\n"]
    assert [type(m) for m in sink.control] == [producerFinished]


def test_without_forwarder_sends_nothing_on(tmp_path: Path) -> None:
    sink = through(DataSource([b"x"]), Append(str(tmp_path / "log"), forwarder=False))
    assert sink.got == [] and (tmp_path / "log").read_bytes() == b"x"


def test_blat_file_empties_the_file_first(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"stale")
    through(DataSource([b"fresh"]), Append(str(path), blat_file=True))
    assert path.read_bytes() == b"fresh"


class Observed(SignalsWrites, Append):
    """Sets ``wrote`` once a message has been written."""


def test_without_hold_open_a_file_moved_away_between_messages_is_made_anew(
        tmp_path: Path) -> None:
    path, rotated = tmp_path / "log", tmp_path / "log.1"
    gate = Gate([b"before rotation\n"], [b"after rotation\n"])
    appender = Observed(str(path), hold_open=False)

    def rotate() -> None:
        appender.wrote.wait(PATIENCE)
        path.rename(rotated)
        gate.opened.set()

    rotator = threading.Thread(target=rotate)
    rotator.start()
    through(gate, appender)
    rotator.join()
    assert rotated.read_bytes() == b"before rotation\n"
    assert path.read_bytes() == b"after rotation\n"


def test_any_control_message_ends_it_after_appending_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "log"
    appender, after = Append(str(path)), Hoarder()
    appender.inboxes["inbox"].extend([b"1", b"2"])
    appender.inboxes["control"].append("any message")
    Pipeline(appender, after).run()
    assert path.read_bytes() == b"12"
    assert after.got == [b"1", b"2"] and after.control == ["any message"]


def test_a_file_that_cannot_be_appended_to_is_reported(tmp_path: Path) -> None:
    sink = run(Append(str(tmp_path)), inbox=[b"x"], control=[producerFinished()])
    assertFileError(sink, str(tmp_path), "Is a directory", "write")


def test_append_needs_a_filename() -> None:
    with pytest.raises(ValueError, match="Append needs a filename"):
        Append()

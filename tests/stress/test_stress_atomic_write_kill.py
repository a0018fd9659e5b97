"""Stress: an atomic write killed half way leaves the old file, and no orphan for long.

The probe of issue 11: a process writing a large file atomically was
``kill -9``'d mid-write; the target kept its old contents, as it should,
but the temporary file (92 MiB in the probe) stayed for ever. Here a child
process streams ``/dev/zero`` into ``SimpleFileWriter(target, atomic=True)``,
says when it has written 8 MiB, and is killed. The target must be intact,
the temporary file recognisable as the dead child's, and the next atomic
write of the same target must remove it -- but never the temporary file of a
writer that is still alive.
"""

from __future__ import annotations

import logging
import os
import selectors
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.Writing import SimpleFileWriter
from Kamaelia.File.WholeFileWriter import WholeFileWriter
from Kamaelia.Util.DataSource import DataSource

#: Upper bound for any handshake with the child; reaching it means something broke.
PATIENCE = 10.0
#: How much the child has written before it says so (and may be killed).
WRITTEN = 8 << 20

#: The child: copies /dev/zero into an atomic SimpleFileWriter of argv[1],
#: writing "written" to stdout once WRITTEN bytes are in. With argv[2] ==
#: "stall" it then stops reading (it stays alive, mid-write, for ever).
CHILD = f"""
import os, sys, threading
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.File.Writing import SimpleFileWriter

stall = sys.argv[2] == "stall"
never = threading.Event()

class Telling(SimpleFileWriter):
    written = 0
    def writeData(self, data):
        done = super().writeData(data)
        self.written += len(data)
        if self.written >= {WRITTEN} and self.written - len(data) < {WRITTEN}:
            self.target.flush()
            os.write(1, b"written\\n")
            if stall:
                never.wait()
        return done

Pipeline(MaxSpeedFileReader("/dev/zero", chunksize=1 << 20),
         Telling(sys.argv[1], atomic=True)).run()
"""


class Writer:
    """The child process writing ``target``; ``started()`` once it has written WRITTEN."""

    def __init__(self, target: Path, mode: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", CHILD, str(target), mode],
                                        stdout=subprocess.PIPE)

    def started(self) -> None:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            assert selector.select(PATIENCE), "the child never said it had written"
        assert self.process.stdout.readline() == b"written\n"

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(PATIENCE)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "big.bin"
    path.write_bytes(b"the old contents\n")
    return path


@pytest.fixture
def writers() -> Iterator[list[Writer]]:
    started: list[Writer] = []
    yield started
    for writer in started:
        writer.kill()


def temporaries(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.kamaelia-*.tmp"))


def pidOf(temporary: Path) -> int:
    return int(temporary.name.rsplit(".kamaelia-", 1)[1].split("-")[1])


def writeAtomically(target: Path, data: bytes, whole: bool) -> None:
    if whole:
        Pipeline(DataSource([[str(target), data]]), WholeFileWriter(atomic=True)).run()
    else:
        Pipeline(DataSource([data]), SimpleFileWriter(str(target), atomic=True)).run()


@pytest.mark.parametrize("whole", [False, True], ids=["SimpleFileWriter", "WholeFileWriter"])
def test_a_killed_atomic_write_leaves_the_old_file_and_the_next_removes_its_orphan(
        target: Path, writers: list[Writer], whole: bool,
        caplog: pytest.LogCaptureFixture) -> None:
    writer = Writer(target, "run")
    writers.append(writer)
    writer.started()
    writer.kill()                                    # kill -9, mid-write
    assert writer.process.returncode == -signal.SIGKILL

    assert target.read_bytes() == b"the old contents\n"
    [orphan] = temporaries(target)
    assert pidOf(orphan) == writer.process.pid
    assert orphan.stat().st_size >= WRITTEN

    with caplog.at_level(logging.WARNING, logger="Kamaelia.File"):
        writeAtomically(target, b"the new contents\n", whole)
    assert target.read_bytes() == b"the new contents\n"
    assert temporaries(target) == []
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert any(repr(str(orphan)) in r.getMessage() and "has ended" in r.getMessage()
               for r in caplog.records)


def test_the_temporary_file_of_a_live_writer_is_never_removed(
        target: Path, writers: list[Writer]) -> None:
    stalled = Writer(target, "stall")              # alive, mid-write, for as long as we like
    writers.append(stalled)
    stalled.started()
    [theirs] = temporaries(target)

    writeAtomically(target, b"ours\n", whole=False)
    assert target.read_bytes() == b"ours\n"
    assert temporaries(target) == [theirs]          # still there: its writer lives
    assert theirs.stat().st_size >= WRITTEN

    stalled.kill()
    writeAtomically(target, b"ours again\n", whole=True)
    assert temporaries(target) == []
    assert target.read_bytes() == b"ours again\n"

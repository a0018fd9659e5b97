"""The temporary files of atomic writes: recognisable names, and only stale ones removed."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from Kamaelia.File import _atomic
from Kamaelia.File._base import FileTarget


def endedPid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def temporary(target: Path, host: str, pid: int, start: int, tail: str = "0123abcd") -> Path:
    path = target.parent / f".{target.name}.kamaelia-{host}-{pid}-{start}-{tail}.tmp"
    path.write_bytes(b"left behind")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def target(tmp_path: Path) -> Path:
    path = tmp_path / "data.bin"
    path.write_bytes(b"old")
    return path


def test_a_temporary_name_is_hidden_beside_the_target_and_says_whose_it_is(
        target: Path) -> None:
    host, pid, start = _atomic.processIdentity()
    name = _atomic.tempName(str(target))
    assert os.path.dirname(name) == str(target.parent)
    assert re.fullmatch(rf"\.data\.bin\.kamaelia-{host}-{pid}-{start}-[0-9a-f]{{8}}\.tmp",
                        os.path.basename(name))
    assert pid == os.getpid() and start > 0 and re.fullmatch("[0-9a-f]{8}", host)
    assert _atomic.tempName(str(target)) != name


def test_a_long_target_name_still_gives_a_temporary_name_that_fits(tmp_path: Path) -> None:
    long = "é" * 127                                   # 254 bytes: the longest that fits
    target = FileTarget(str(tmp_path / long), atomic=True)
    target.open()
    target.write(b"x")
    target.commit()
    assert (tmp_path / long).read_bytes() == b"x"
    assert len(os.fsencode(os.path.basename(_atomic.tempName(str(tmp_path / long))))) <= 255


def test_an_atomic_write_removes_the_temporaries_of_writers_that_ended(
        target: Path, caplog: pytest.LogCaptureFixture) -> None:
    host, pid, start = _atomic.processIdentity()
    dead = temporary(target, host, endedPid(), 12345)
    reused = temporary(target, host, pid, start + 1)   # our pid, but an earlier process
    with caplog.at_level(logging.WARNING, logger="Kamaelia.File"):
        written = FileTarget(str(target), atomic=True)
        written.open()
        written.write(b"new")
        written.commit()
    assert target.read_bytes() == b"new"
    assert leftovers(target.parent) == []
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert repr(str(dead)) in messages and repr(str(reused)) in messages
    assert "now another process" in messages


def test_the_temporary_of_a_live_writer_is_kept_however_old(target: Path) -> None:
    host, pid, start = _atomic.processIdentity()
    ours = temporary(target, host, pid, start)
    os.utime(ours, (0, 0))                              # 1970: very old
    parent = temporary(target, host, os.getppid(), 0)   # alive, start time unknown
    assert _atomic.removeStale(str(target)) == []
    assert leftovers(target.parent) == sorted([ours.name, parent.name])


def test_another_hosts_temporary_is_removed_only_once_it_is_older_than_stale_after(
        target: Path) -> None:
    recent = temporary(target, "ffffffff", 1, 1, tail="00000001")
    old = temporary(target, "ffffffff", 1, 1, tail="00000002")
    os.utime(old, (time.time() - 2 * 24 * 3600,) * 2)
    assert _atomic.removeStale(str(target), staleAfter=None) == []
    assert _atomic.removeStale(str(target)) == [str(old)]
    assert leftovers(target.parent) == [recent.name]


def test_files_that_only_look_like_temporaries_are_left_alone(target: Path) -> None:
    host = _atomic.processIdentity()[0]
    dead = endedPid()
    others = [f".data.bin.{'0' * 8}.tmp",                           # the old naming
              f".data.bin.kamaelia-{host}-{dead}-1-0123abcd.tmp.keep",
              f".data.bin.kamaelia-{host}-{dead}-1-XYZ.tmp",
              f".other.bin.kamaelia-{host}-{dead}-1-0123abcd.tmp",   # another target's
              f".data.bin.old.kamaelia-{host}-{dead}-1-0123abcd.tmp"]
    for name in others:
        (target.parent / name).write_bytes(b"not ours to remove")
    link = target.parent / f".data.bin.kamaelia-{host}-{dead}-1-0123abcd.tmp"
    link.symlink_to(target)                               # matches, but is a link
    folder = target.parent / f".data.bin.kamaelia-{host}-{dead}-1-0123abce.tmp"
    folder.mkdir()                                        # matches, but is a folder
    assert _atomic.removeStale(str(target)) == []
    assert leftovers(target.parent) == sorted([*others, link.name, folder.name])


def test_an_abandoned_atomic_write_leaves_no_temporary(target: Path) -> None:
    written = FileTarget(str(target), atomic=True)
    written.open()
    written.write(b"half")
    written.abandon()
    assert target.read_bytes() == b"old"
    assert leftovers(target.parent) == []


def test_no_follow_refuses_to_write_through_a_symbolic_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.write_bytes(b"real")
    (tmp_path / "link").symlink_to(real)
    plain = FileTarget(str(tmp_path / "link"), noFollow=True)
    with pytest.raises(OSError, match="Too many levels of symbolic links"):
        plain.open()
    atomic = FileTarget(str(tmp_path / "link"), atomic=True, noFollow=True)
    atomic.open()
    atomic.write(b"new")
    atomic.commit()                                       # replaces the link itself
    assert real.read_bytes() == b"real"
    assert not (tmp_path / "link").is_symlink()

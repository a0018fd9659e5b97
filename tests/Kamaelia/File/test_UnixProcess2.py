"""Tests for Kamaelia.File.UnixProcess2: named pipes and inbox sizes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from Axon.Ipc import producerFinished
from Kamaelia.File.UnixProcess2 import UnixProcess2
from filehelpers import assertFileError, openDescriptors, run, threads


def test_what_the_program_writes_into_an_output_named_pipe_comes_out_of_its_outbox(
        tmp_path: Path) -> None:
    fifo = str(tmp_path / "summary")
    process = UnixProcess2(f"wc -l | tee {fifo}", outpipes={fifo: "summary"})
    summary = process.outboxes["summary"]
    out = run(process, inbox=[b"a\n", b"b\n", b"c\n"], control=[producerFinished()])
    assert b"".join(out.got).strip() == b"3" == b"".join(summary).strip()
    assert out.control[0].returncode == 0


def test_what_arrives_on_an_input_named_pipes_inbox_is_written_into_it(tmp_path: Path) -> None:
    fifo = str(tmp_path / "extra")
    process = UnixProcess2(f"cat {fifo} -", inpipes={fifo: "extra"})
    out = run(process, inbox=[b"from stdin\n"], control=[producerFinished()],
              extra=[b"from the named pipe\n"])
    assert b"".join(out.got) == b"from the named pipe\nfrom stdin\n"


def test_the_named_pipes_it_made_are_removed_when_it_ends(tmp_path: Path) -> None:
    made, existing = tmp_path / "made", tmp_path / "existing"
    os.mkfifo(existing)
    process = UnixProcess2("true", outpipes={str(made): "a", str(existing): "b"})
    run(process)
    assert not made.exists() and existing.exists()


def test_a_program_that_never_opens_its_input_named_pipe_still_ends_cleanly(
        tmp_path: Path) -> None:
    beforeThreads, beforeFds = threads(), openDescriptors()
    fifo = str(tmp_path / "ignored")
    out = run(UnixProcess2("echo done", inpipes={fifo: "extra"}), extra=[b"unread"])
    assert b"".join(out.got) == b"done\n" and out.control[0].returncode == 0
    assert threads() - beforeThreads == set() and openDescriptors() - beforeFds == set()


def test_boxsizes_limit_the_inboxes(tmp_path: Path) -> None:
    fifo = str(tmp_path / "in")
    process = UnixProcess2("cat", inpipes={fifo: "extra"}, boxsizes={"inbox": 3, "extra": 1})
    assert process.inboxes["inbox"].getSize() == 3 and process.inboxes["extra"].getSize() == 1


def test_a_path_that_is_not_a_named_pipe_is_reported(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("not a pipe")
    out = run(UnixProcess2("true", outpipes={str(plain): "extra"}))
    assertFileError(out, str(plain), "exists and is not a named pipe", "run")
    assert plain.read_text() == "not a pipe"


@pytest.mark.parametrize("pipes", [{"outpipes": {"/x": "outbox"}}, {"inpipes": {"/x": "control"}},
                                   {"outpipes": {"/x": "error"}}])
def test_a_named_pipe_box_may_not_take_a_standard_box_name(pipes: dict) -> None:
    with pytest.raises(ValueError, match="named pipe '/x': .* is already taken"):
        UnixProcess2("true", **pipes)


def test_a_size_for_an_inbox_that_does_not_exist_is_rejected() -> None:
    with pytest.raises(KeyError, match="has no inbox 'nowhere'"):
        UnixProcess2("true", boxsizes={"nowhere": 2})

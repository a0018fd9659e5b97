"""Tests for Kamaelia.File.UnixProcess."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pytest

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.File.UnixProcess import UnixProcess
from Kamaelia.File.messages import processExited, processStopped
from filehelpers import PATIENCE, Collector, assertFileError, openDescriptors, run, runAll

MB = 1_000_000


def runProcess(process: UnixProcess, inbox: Iterable[Any] = (),
               control: Iterable[Any] = ()) -> tuple[Collector, bytes]:
    """Run ``process`` to its end; return the collector of "outbox" and
    signal, and what piled up in its (unlinked) "error" outbox."""
    out = run(process, inbox=inbox, control=control)
    return out, b"".join(process.outboxes["error"])


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_what_arrives_goes_to_standard_input_and_standard_output_comes_out() -> None:
    out, _ = runProcess(UnixProcess("cat"), inbox=[b"hello ", "wörld"],
                        control=[producerFinished()])
    assert b"".join(out.got) == "hello wörld".encode()


def test_a_list_command_runs_without_a_shell() -> None:
    out, _ = runProcess(UnixProcess(["tr", "a-z", "A-Z"]), inbox=[b"quiet; $HOME"],
                        control=[producerFinished()])
    assert b"".join(out.got) == b"QUIET; $HOME"


def test_standard_error_comes_out_of_the_error_outbox() -> None:
    out, err = runProcess(UnixProcess("echo out; echo err >&2"))
    assert b"".join(out.got) == b"out\n" and err == b"err\n"


def test_the_exit_status_is_reported_when_the_program_ends() -> None:
    process = UnixProcess("exit 3")
    out, _ = runProcess(process)
    [ended] = out.control
    assert isinstance(ended, processExited) and isinstance(ended, producerFinished)
    assert ended.returncode == 3 == process.returncode
    assert ended.message == "'exit 3' exited with status 3" and ended.caller is process


def test_producerFinished_closes_standard_input_once_everything_is_written() -> None:
    data = os.urandom(5 * MB)
    chunks = [data[i:i + 65536] for i in range(0, len(data), 65536)]
    out, _ = runProcess(UnixProcess("cat"), inbox=chunks, control=[producerFinished()])
    assert b"".join(out.got) == data
    assert out.control[0].returncode == 0


def test_output_comes_in_pieces_of_at_most_buffersize() -> None:
    out, _ = runProcess(UnixProcess("head -c 100000 /dev/zero", buffersize=1000))
    assert sum(map(len, out.got)) == 100_000 and max(map(len, out.got)) <= 1000


def test_shutdownMicroprocess_terminates_the_program_and_reports_how_it_ended() -> None:
    request = shutdownMicroprocess()
    process = UnixProcess("sleep 30")
    out, _ = runProcess(process, control=[request])
    [ended] = out.control
    assert isinstance(ended, processStopped) and isinstance(ended, shutdownMicroprocess)
    assert ended.returncode == -signal.SIGTERM and ended.request is request
    assert ended.message == "'sleep 30' was killed by SIGTERM"


class StopWhenReady(component):
    """Collects a program's output; when a line "ready" has come, sends
    shutdownMicroprocess out of "outbox" (to the program's "control")."""

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.output = b""
        self.control: list[Any] = []

    def main(self) -> Iterator[Any]:
        asked = False
        while not self.dataReady("control"):
            for data in self.Inbox("inbox"):
                self.output += data
            if not asked and b"ready\n" in self.output:
                self.send(shutdownMicroprocess(self), "outbox")
                asked = True
            self.pause()
            yield 1
        self.control.append(self.recv("control"))


def stopOnceReady(process: UnixProcess) -> StopWhenReady:
    stopper = StopWhenReady()
    process.link((process, "outbox"), (stopper, "inbox"))
    process.link((stopper, "outbox"), (process, "control"))
    process.link((process, "signal"), (stopper, "control"))
    runAll(process, stopper)
    return stopper


def test_a_program_that_ignores_SIGTERM_is_killed_after_the_grace_period() -> None:
    stopper = stopOnceReady(UnixProcess("trap '' TERM; echo ready; sleep 30", gracePeriod=0.2))
    assert stopper.control[0].returncode == -signal.SIGKILL


def gone(pid: int) -> bool:
    """True once ``pid`` has ended (it is not our child, so we cannot wait for it)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.01)
    return False


def test_stopping_a_program_stops_what_it_started_too() -> None:
    stopper = stopOnceReady(UnixProcess("sleep 30 & echo $!; echo ready; wait"))
    background = int(stopper.output.split(b"\n")[0])
    assert stopper.control[0].returncode == -signal.SIGTERM
    assert gone(background)


def test_a_program_flooding_standard_error_does_not_deadlock() -> None:
    code = ("import sys\n"
            "for _ in range(100):\n"
            "    sys.stderr.write('e' * 50_000); sys.stderr.flush()\n"
            "    sys.stdout.write('o' * 50_000); sys.stdout.flush()\n"
            "sys.stdin.read()\n")
    data = b"i" * (5 * MB)                 # more than the pipes hold, sent before it reads
    out, err = runProcess(UnixProcess(python(code)), inbox=[data],
                          control=[producerFinished()])
    assert len(err) == 5 * MB and sum(map(len, out.got)) == 5 * MB
    assert out.control[0].returncode == 0


def test_a_program_that_stops_reading_its_input_does_not_deadlock(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="Kamaelia.File"):
        out, _ = runProcess(UnixProcess("head -c 10 >/dev/null; echo done"),
                            inbox=[b"x" * 65536] * 200, control=[producerFinished()])
    assert b"".join(out.got) == b"done\n" and out.control[0].returncode == 0
    assert any("were dropped" in r.getMessage() for r in caplog.records)


def test_a_program_that_never_reads_can_still_be_stopped() -> None:
    process = UnixProcess(python("import time; time.sleep(30)"))
    out, _ = runProcess(process, inbox=[b"x" * MB] * 10, control=[shutdownMicroprocess()])
    assert out.control[0].returncode == -signal.SIGTERM


def test_a_full_consumer_holds_the_output_back_without_losing_any() -> None:
    process = UnixProcess("head -c 3000000 /dev/urandom | tee /dev/stderr")
    out = Collector()
    out.setInboxSize("inbox", 2)
    process.link((process, "outbox"), (out, "inbox"))
    process.link((process, "signal"), (out, "control"))
    runAll(process, out)
    copy = b"".join(process.outboxes["error"])
    assert len(copy) == 3_000_000 and b"".join(out.got) == copy


def test_a_program_that_cannot_be_started_is_reported_on_signal(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-such-program")
    process = UnixProcess([missing, "--help"])
    out, _ = runProcess(process)
    assertFileError(out, missing, "No such file or directory", "run")
    assert process._isStopped()


def test_a_file_that_is_not_executable_is_reported_on_signal(tmp_path: Path) -> None:
    script = tmp_path / "script"
    script.write_text("#!/bin/sh\necho hi\n")
    out, _ = runProcess(UnixProcess([str(script)]))
    assertFileError(out, str(script), "Permission denied", "run")


def test_a_shell_command_that_does_not_exist_ends_with_status_127() -> None:
    out, err = runProcess(UnixProcess("no-such-command-anywhere"))
    assert out.control[0].returncode == 127 and b"not found" in err


def test_every_pipe_is_closed_when_it_ends() -> None:
    before = openDescriptors()
    runProcess(UnixProcess("cat"), inbox=[b"x"], control=[producerFinished()])
    assert openDescriptors() - before == set()


def test_a_component_stopped_from_outside_ends_its_program(
        run_rounds: Callable[[int], bool]) -> None:
    before = openDescriptors()
    process = UnixProcess("sleep 30", gracePeriod=PATIENCE).activate()
    run_rounds(3)                                 # started, waiting for the program
    assert process._process is not None and process.returncode is None
    process.stop()
    run_rounds(3)
    assert process._reaper is not None
    process._reaper.join(PATIENCE)
    assert process.returncode == -signal.SIGTERM
    assert openDescriptors() - before == set()


@pytest.mark.parametrize("command, error, message", [
    ("", ValueError, "command must not be empty, not ''"),
    ([], TypeError, r"command must be a str or a non-empty list of str, not \[\]"),
    (42, TypeError, "command must be a str or a non-empty list of str, not 42"),
])
def test_a_bad_command_is_rejected(command: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        UnixProcess(command)


def test_a_bad_buffersize_is_rejected() -> None:
    with pytest.raises(ValueError, match="buffersize must be a positive int, not 0"):
        UnixProcess("cat", 0)


class KillWhenReady(component):
    """Once the program says "ready", kills it (``kill -9``) from outside, as a
    user or the OOM killer would; records the message its end brings."""

    def __init__(self, process: UnixProcess, **argd: Any) -> None:
        super().__init__(**argd)
        self.process = process
        self.output = b""
        self.control: list[Any] = []
        self.killed: int | None = None

    def main(self) -> Iterator[int]:
        while not self.dataReady("control"):
            for data in self.Inbox("inbox"):
                self.output += data
            if self.killed is None and b"ready\n" in self.output:
                self.killed = self.process._process.pid    # (exec'd: the program itself)
                os.kill(self.killed, signal.SIGKILL)
            self.pause()
            yield 1
        self.control.append(self.recv("control"))


def test_a_program_killed_from_outside_is_reported_and_leaves_no_zombie() -> None:
    process = UnixProcess("echo ready; exec sleep 30")
    killer = KillWhenReady(process)
    process.link((process, "outbox"), (killer, "inbox"))
    process.link((process, "signal"), (killer, "control"))
    runAll(process, killer)
    [ended] = killer.control
    assert isinstance(ended, processExited) and ended.returncode == -signal.SIGKILL
    assert killer.killed is not None
    with pytest.raises(ChildProcessError):          # already reaped: no zombie
        os.waitpid(killer.killed, os.WNOHANG)

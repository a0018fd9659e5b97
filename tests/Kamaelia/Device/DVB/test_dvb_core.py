"""Kamaelia.Device.DVB.Core: DVB_Multiplex (a fixed set of PIDs from a tuner) and DVB_Demuxer.

DVB_Multiplex runs on the stand-in kernel (``ReplayKernel``: no DVB adapter
here), whose dvr0 is a file holding a multiplex ffmpeg made; DVB_Demuxer
on packets made here.
"""

from __future__ import annotations

import ast
import os
import queue
import re
import struct
import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Handle import Handle
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.background import background
from Kamaelia.Device.DVB import Core
from Kamaelia.Device.DVB.Core import (DVB_PACKET_SIZE, DVB_RESYNC, DVB_Demuxer, DVB_Multiplex,
                                      addPIDS, notLocked, tune_DVB)
from Kamaelia.Device.DVB.Tuner import Tuner
from Kamaelia.Support.DVB.LinuxDVB import Frontend, ReplayKernel
from test_docs import assert_runs_cleanly
from tsfixtures import Service, makeMultiplex

PACKET = 188
WAIT = 5.0
FEPARAMS = {"inversion": 2, "constellation": 1, "code_rate_HP": 3, "code_rate_LP": 3}
RunRounds = Callable[[int], bool]


def packet(pid: int, counter: int, tei: bool = False, scrambling: int = 0) -> bytes:
    return bytes([0x47, (0x80 if tei else 0) | pid >> 8, pid & 0xFF,
                  scrambling << 6 | 0x10 | counter & 15]).ljust(PACKET, bytes([counter]))


def pidOf(data: bytes) -> int:
    return (data[1] & 0x1F) << 8 | data[2]


def packetsOf(data: bytes) -> list[bytes]:
    return [data[i:i + PACKET] for i in range(0, len(data), PACKET)]


def frequencySent(kernel: ReplayKernel) -> int:
    (call,) = kernel.calls("FE_SET_PROPERTY")
    command, value = struct.unpack_from("=I12xI", call.properties, 2 * 76)
    assert command == 3                                    # DTV_FREQUENCY
    return int(value)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = makeMultiplex(tmp_path_factory.mktemp("mux") / "mux.ts",
                         [Service(1, "BBC ONE", "BBC"), Service(2, "BBC TWO", "BBC")], seconds=1.0)
    return made.path


@pytest.fixture
def background_scheduler() -> Iterator[Callable[[component], Handle]]:
    before = set(os.listdir("/proc/self/fd"))
    runner = background()
    runner.start()
    handles: list[Handle] = []

    def start(target: component) -> Handle:
        handles.append(Handle(target).activate())
        return handles[-1]

    yield start
    for handle in handles:
        try:
            handle.put(shutdownMicroprocess(), "control")
        except RuntimeError:
            pass                                            # it has ended already
    runner.join(WAIT)
    assert not runner.is_alive(), "a component did not end"
    assert set(os.listdir("/proc/self/fd")) <= before, "descriptors left open"


# ---------------------------------------------------------- DVB_Multiplex

def test_dvb_multiplex_sends_the_packets_of_its_pids(
        background_scheduler: Callable[[component], Handle], recording: Path) -> None:
    kernel = ReplayKernel(dvr=recording)
    receiver = background_scheduler(DVB_Multiplex(505.833333, [0x101, 0x102], FEPARAMS,
                                                  kernel=kernel))
    # everything it sends before its signal is there once the signal is
    assert isinstance(receiver.get("signal", block=True, timeout=WAIT), producerFinished)
    data = bytearray()
    while True:
        try:
            data += receiver.get("outbox")
        except queue.Empty:
            break
    stream = recording.read_bytes()
    assert packetsOf(bytes(data)) == [p for p in packetsOf(stream) if pidOf(p) in (0x101, 0x102)]
    assert kernel.passedPids() == set()                      # every filter closed
    assert frequencySent(kernel) == 505_833_333


def test_dvb_multiplex_is_a_tuner_that_also_takes_requests(
        background_scheduler: Callable[[component], Handle]) -> None:
    kernel = ReplayKernel()
    receiver = background_scheduler(DVB_Multiplex(0, [0], {"frequency": 650_000_000, **FEPARAMS},
                                                  kernel=kernel))
    kernel.waitFor(lambda: kernel.passedPids() == {0})
    receiver.put(["ADD", [18]], "inbox")
    kernel.waitFor(lambda: kernel.passedPids() == {0, 18})
    stop = shutdownMicroprocess()
    receiver.put(stop, "control")
    assert receiver.get("signal", block=True, timeout=WAIT) is stop
    assert frequencySent(kernel) == 650_000_000               # freq 0: feparams' Hz, as 1.14
    assert kernel.openFds() == {}


@pytest.mark.parametrize("args,message", [
    ((0, [18], {}), "no frequency"),
    ((505.8, 18), "pids is a list of PIDs, not 18"),
    ((505.8, [18, 0x2001]), "a PID is an int from 0 to 0x1FFF \\(or 0x2000 for all\\), not 8193"),
    ((505.8, ["18"]), "not '18'"),
])
def test_dvb_multiplex_checks_its_arguments(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DVB_Multiplex(*args)


def test_1_14s_functions_on_a_frontend() -> None:
    kernel = ReplayKernel(statuses=(0x03, 0x1F))
    with Frontend(0, kernel=kernel) as fe:
        tune_DVB(fe, 505.833333, FEPARAMS)
        assert notLocked(fe) and not notLocked(fe)
    filters = addPIDS([600, 601], kernel=kernel)
    assert [f.pid for f in filters] == [600, 601] and kernel.passedPids() == {600, 601}
    for pidFilter in filters:
        pidFilter.stop()
    assert kernel.openFds() == {} and frequencySent(kernel) == 505_833_333
    assert issubclass(DVB_Multiplex, Tuner)
    assert DVB_PACKET_SIZE == 188 and DVB_RESYNC == b"\x47"


# ------------------------------------------------------------ DVB_Demuxer

class Client(component):
    """A destination that is never run: what is sent to it waits in its inbox."""


def test_dvb_demuxer_sends_each_pid_where_mapped(run_rounds: RunRounds) -> None:
    demuxer = DVB_Demuxer({600: ["outbox", "video"], 601: ["outbox", "audio"],
                           610: ["two"], 611: ["two"], "default": ["rest"]})
    clients = {box: Client() for box in ("outbox", "video", "audio", "two", "rest", "signal")}
    for box, client in clients.items():
        demuxer.link((demuxer, box), (client, "inbox"))
    demuxer.activate()
    stream = [packet(pid, n) for n in range(3) for pid in (600, 601, 610, 611, 18)]
    damaged = [packet(600, 7, tei=True), packet(601, 8, scrambling=2)]
    data = b"\x00junk" + b"".join(stream[:7]) + b"".join(damaged) + b"".join(stream[7:])
    demuxer.inboxes["inbox"].extend([data[:100], data[100:1000], data[1000:]])
    demuxer.inboxes["control"].append(producerFinished())
    run_rounds(20)

    def got(box: str) -> list[Any]:
        return list(clients[box].inboxes["inbox"])

    def of(*pids: int) -> list[bytes]:
        return [p for p in stream if pidOf(p) in pids]

    assert got("outbox") == of(600, 601)
    assert (got("video"), got("audio"), got("two"), got("rest")) == (
        of(600), of(601), of(610, 611), of(18))
    assert isinstance(got("signal")[0], producerFinished)
    assert demuxer.errorIndicatorSet(damaged[0]) and not demuxer.errorIndicatorSet(stream[0])
    assert demuxer.scrambledPacket(damaged[1]) and not demuxer.scrambledPacket(stream[0])


def test_the_demuxer_example_runs_as_printed() -> None:
    doc = ast.get_docstring(ast.parse(Path(Core.__file__).read_text(encoding="utf-8")),
                            clean=False) or ""
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    block = textwrap.dedent(re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)[0])
    assert "DVB_Demuxer" in block
    assert_runs_cleanly("Core#0", block)

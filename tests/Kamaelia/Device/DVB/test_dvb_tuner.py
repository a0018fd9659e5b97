"""Kamaelia.Device.DVB.Tuner: tuning, PIDs asked for while running, shutdown, against a stand-in kernel.

There is no DVB adapter here: the Tuner runs on ``ReplayKernel``, whose
descriptors are real (its dvr0 is a FIFO the test writes a multiplex made
by ffmpeg into, or a file), so what leaves the Tuner is what the kernel
would pass for the PIDs it was asked for, and every descriptor it opens is
checked closed. The scheduler runs in the background; each test drives the
Tuner through a ``Handle``.
"""

from __future__ import annotations

import ast
import errno
import logging
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
from Kamaelia.Device.DVB import Tuner as TunerModule
from Kamaelia.Device.DVB.Tuner import DVB_PACKET_SIZE, DVB_RESYNC, Tuner, frequencyInHz
from Kamaelia.Support.DVB.ChannelsConf import parseChannels
from Kamaelia.Support.DVB.LinuxDVB import DVBDeviceError, ReplayKernel
from test_docs import assert_runs_cleanly
from tsfixtures import Service, makeMultiplex

LOGGER = "Kamaelia.Device.DVB.Tuner"
PACKET = 188
WAIT = 5.0
FEPARAMS = {"inversion": 2, "constellation": 1, "code_rate_HP": 3, "code_rate_LP": 3}
# What FE_SET_PROPERTY gets for Tuner(505.833333, FEPARAMS) on a DVB-T card:
# DTV_CLEAR, DELIVERY_SYSTEM DVBT, FREQUENCY, MODULATION QAM_16, INVERSION_AUTO,
# CODE_RATE_HP/LP FEC_3_4, DTV_TUNE (one LP64 struct dtv_property each).
TUNING = b"".join(struct.pack("=I12xI52xi", command, value, 0) for command, value in
                  [(2, 0), (17, 3), (3, 505_833_333), (4, 1), (6, 2), (36, 3), (37, 3), (1, 0)])

Start = Callable[[component], Handle]


def pidOf(data: bytes) -> int:
    return (data[1] & 0x1F) << 8 | data[2]


def packetsOf(data: bytes) -> list[bytes]:
    return [data[i:i + PACKET] for i in range(0, len(data), PACKET)]


def ofPids(data: bytes, *pids: int) -> list[bytes]:
    return [p for p in packetsOf(data) if pidOf(p) in pids]


def openDescriptors() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/fd")}


@pytest.fixture(scope="module")
def multiplex(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    made = makeMultiplex(tmp_path_factory.mktemp("mux") / "mux.ts",
                         [Service(1, "BBC ONE", "BBC"), Service(2, "BBC TWO", "BBC")], seconds=1.0)
    return made.path.read_bytes()


@pytest.fixture
def start() -> Iterator[Start]:
    """Runs the scheduler in the background; ``start(component)`` activates a
    Handle on it. Afterwards every component has ended, the scheduler's
    thread with them, and no descriptor is left open."""
    before = openDescriptors()
    runner = background()
    runner.start()
    handles: list[Handle] = []

    def starter(target: component) -> Handle:
        handles.append(Handle(target).activate())
        return handles[-1]

    yield starter
    if not handles:
        starter(component())                    # (the scheduler waits for a first one)
    for handle in handles:
        try:
            handle.put(shutdownMicroprocess(), "control")
        except RuntimeError:
            pass                                # it has ended already
    runner.join(WAIT)
    assert not runner.is_alive(), "a component did not end"
    leaked = openDescriptors() - before
    assert not leaked, f"descriptors left open: {leaked}"


def take(handle: Handle, count: int) -> list[bytes]:
    """The next ``count`` packets the Tuner sends (in whatever messages they come)."""
    packets: list[bytes] = []
    while len(packets) < count:
        data = handle.get("outbox", block=True, timeout=WAIT)
        assert isinstance(data, bytes) and len(data) % PACKET == 0
        packets += packetsOf(data)
    return packets


def ending(handle: Handle) -> Any:
    return handle.get("signal", block=True, timeout=WAIT)


def nothingMore(handle: Handle) -> None:
    with pytest.raises(queue.Empty):
        handle.get("outbox")


class Fifo:
    """A FIFO standing in for dvr0, written once the Tuner has opened it."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.path = path
        self.fd: int | None = None

    def write(self, kernel: ReplayKernel, data: bytes) -> None:
        if self.fd is None:
            kernel.waitFor(lambda: "/dev/dvb/adapter0/dvr0" in kernel.openFds().values())
            self.fd = os.open(self.path, os.O_WRONLY)
        os.write(self.fd, data)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Fifo]:
    made = Fifo(tmp_path / "dvr0")
    yield made
    made.close()


# ---------------------------------------------------------------- running

def test_packets_of_the_pids_asked_for_while_running(start: Start, fifo: Fifo,
                                                     multiplex: bytes) -> None:
    kernel = ReplayKernel(dvr=fifo.path)
    tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel, readTimeout=0.05))
    thirds = [multiplex[i * 228 * PACKET:(i + 1) * 228 * PACKET] for i in range(3)]

    tuner.put(["ADD", [0x101, 0x0]], "inbox")                 # 1.14's list form
    kernel.waitFor(lambda: kernel.passedPids() == {0x101, 0x0})
    fifo.write(kernel, thirds[0])
    first = ofPids(thirds[0], 0x101, 0x0)
    assert take(tuner, len(first)) == first

    tuner.put(("ADD", [0x102]), "inbox")                      # the DemuxerService's tuple form
    kernel.waitFor(lambda: kernel.passedPids() == {0x101, 0x0, 0x102})
    fifo.write(kernel, thirds[1])
    second = ofPids(thirds[1], 0x101, 0x0, 0x102)
    assert take(tuner, len(second)) == second

    tuner.put(["REMOVE", [0x101, 0x0]], "inbox")
    kernel.waitFor(lambda: kernel.passedPids() == {0x102})
    fifo.write(kernel, thirds[2])
    third = ofPids(thirds[2], 0x102)
    assert take(tuner, len(third)) == third and len(third) > 10

    stop = shutdownMicroprocess()
    tuner.put(stop, "control")
    assert ending(tuner) is stop
    nothingMore(tuner)
    assert kernel.openFds() == {}
    assert kernel.calls("FE_SET_PROPERTY")[0].properties == TUNING
    # one filter per PID: three set, two stopped by REMOVE, the last at shutdown
    assert [bytes(call.argument)[:2] for call in kernel.calls("DMX_SET_PES_FILTER")] == [
        struct.pack("=H", pid) for pid in (0x101, 0x0, 0x102)]
    assert len(kernel.calls("DMX_STOP")) == 3
    assert [call.argument for call in kernel.calls("DMX_SET_BUFFER_SIZE")] == [4 * 1024 * 1024]


def test_requests_before_the_lock_are_carried_out_once_it_comes(start: Start) -> None:
    kernel = ReplayKernel(statuses=(0x00, 0x01, 0x03, 0x1F))
    tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel, lockPollInterval=0.01))
    tuner.put(["ADD", [18]], "inbox")
    kernel.waitFor(lambda: kernel.passedPids() == {18})
    names = [call.name for call in kernel.ioctls]
    lastStatus = len(names) - 1 - names[::-1].index("FE_READ_STATUS")
    assert names.count("FE_READ_STATUS") >= 4
    assert lastStatus < names.index("DMX_SET_PES_FILTER")     # filters only after the lock
    assert names.index("DMX_SET_BUFFER_SIZE") < names.index("DMX_SET_PES_FILTER")


def test_no_lock_is_warned_about_and_shutdown_still_works(start: Start,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    kernel = ReplayKernel(statuses=(0x03,))                   # signal and carrier, no lock
    with caplog.at_level(logging.WARNING, LOGGER):
        tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel, lockPollInterval=0.01,
                            lockTimeout=0.03))
        kernel.waitFor(lambda: len(kernel.calls("FE_READ_STATUS")) >= 8)
        stop = producerFinished()
        tuner.put(stop, "control")
        assert ending(tuner) is stop
    assert re.search(r"no lock on /dev/dvb/adapter0/frontend0 yet \(the frontend has: signal, "
                     r"carrier\); still trying", caplog.text)
    assert kernel.openFds() == {} and kernel.calls("DMX_SET_PES_FILTER") == []


def test_a_replayed_dvr_stream_comes_out_whole_then_the_tuner_ends(
        start: Start, tmp_path: Path, multiplex: bytes, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "dvr0.ts").write_bytes(multiplex)
    kernel = ReplayKernel(dvr=tmp_path / "dvr0.ts")
    with caplog.at_level(logging.INFO, LOGGER):
        tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel))
        tuner.put(["ADD", [0x2000]], "inbox")
        assert b"".join(take(tuner, len(multiplex) // PACKET)) == multiplex
        assert isinstance(ending(tuner), producerFinished)
    assert "the stream from /dev/dvb/adapter0/dvr0 ended" in caplog.text
    assert kernel.openFds() == {}


def test_a_channel_of_a_channels_conf_tunes(start: Start) -> None:
    (channel,) = parseChannels("BBC ONE:505833333:INVERSION_AUTO:BANDWIDTH_AUTO:FEC_3_4:FEC_3_4:"
                               "QAM_16:TRANSMISSION_MODE_AUTO:GUARD_INTERVAL_AUTO:"
                               "HIERARCHY_AUTO:600:601:4165")
    kernel = ReplayKernel()
    start(Tuner(0, channel, kernel=kernel))
    kernel.waitFor(lambda: kernel.calls("FE_SET_PROPERTY"))
    (call,) = kernel.calls("FE_SET_PROPERTY")
    sent = [struct.unpack_from("=I12xI", call.properties, offset)
            for offset in range(0, len(call.properties), 76)]
    assert sent == [(2, 0), (17, 3), (3, 505_833_333), (4, 1), (5, 0), (6, 2), (36, 3), (37, 3),
                    (38, 4), (39, 2), (40, 4), (1, 0)]


def test_the_frontend_kind_is_the_default_delivery_system(start: Start) -> None:
    cable = struct.pack("=128s10I", b"Replay DVB-C", 1, 47_000_000, 862_000_000, 62_500, 0,
                        870_000, 11_700_000, 0, 0, 0)
    kernel = ReplayKernel(frontendInfo=cable, deliverySystems=None)
    start(Tuner(410, {"symbol_rate": 6_900_000, "modulation": "QAM_256"}, kernel=kernel))
    kernel.waitFor(lambda: kernel.calls("FE_SET_PROPERTY"))
    properties = kernel.calls("FE_SET_PROPERTY")[0].properties
    assert struct.unpack_from("=I12xI", properties, 76) == (17, 1)       # DVB-C annex A
    assert struct.unpack_from("=I12xI", properties, 152) == (3, 410_000_000)


# ------------------------------------------------------------- failures

def test_no_adapter_is_logged_and_the_tuner_finishes(start: Start,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    target = Tuner(505.833333, FEPARAMS, card=2, kernel=ReplayKernel(adapters=(0,)))
    with caplog.at_level(logging.ERROR, LOGGER):
        tuner = start(target)
        assert isinstance(ending(tuner), producerFinished)
    assert "no DVB adapter 2 (/dev/dvb/adapter2/frontend0 does not exist)" in caplog.text
    assert isinstance(target.error, DVBDeviceError) and target.error.errno == errno.ENOENT


def test_a_card_that_cannot_receive_it_is_logged(start: Start,
                                                caplog: pytest.LogCaptureFixture) -> None:
    kernel = ReplayKernel(deliverySystems=(5, 6))             # a satellite card
    with caplog.at_level(logging.ERROR, LOGGER):
        tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel))
        assert isinstance(ending(tuner), producerFinished)
    assert "cannot receive DVB-T; it receives DVB-S, DVB-S2" in caplog.text
    assert kernel.openFds() == {}


def test_a_refused_buffer_size_keeps_the_drivers(start: Start,
                                                caplog: pytest.LogCaptureFixture) -> None:
    kernel = ReplayKernel(ioctlErrors={"DMX_SET_BUFFER_SIZE": errno.EINVAL})
    with caplog.at_level(logging.WARNING, LOGGER):
        tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel))
        tuner.put(["ADD", [18]], "inbox")
        kernel.waitFor(lambda: kernel.passedPids() == {18})
    assert "keeping the driver's buffer size: DMX_SET_BUFFER_SIZE on /dev/dvb/adapter0/dvr0 " \
           "failed: Invalid argument" in caplog.text


def test_bad_requests_are_logged_and_skipped(start: Start,
                                            caplog: pytest.LogCaptureFixture) -> None:
    kernel = ReplayKernel()
    with caplog.at_level(logging.WARNING, LOGGER):
        tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel))
        for bad in ["ADD 18", ["ADD"], ["ADD", 18], ["JOIN", [18]], None]:
            tuner.put(bad, "inbox")
        tuner.put(["ADD", [[18], -1, "19", 0x2001, True, 20]], "inbox")
        kernel.waitFor(lambda: kernel.passedPids() == {20})
    text = caplog.text
    assert text.count("ignored a request that is not [\"ADD\"|\"REMOVE\", [pids]]") == 5
    for pid in ("[18]", "-1", "'19'", "8193", "True"):
        assert f"ignored PID {pid} of a request" in text


def test_a_pid_the_kernel_refuses_is_logged_and_the_others_pass(
        start: Start, caplog: pytest.LogCaptureFixture) -> None:
    kernel = ReplayKernel(ioctlErrors={"DMX_SET_PES_FILTER": errno.EINVAL})
    with caplog.at_level(logging.ERROR, LOGGER):
        tuner = start(Tuner(505.833333, FEPARAMS, kernel=kernel))
        tuner.put(["ADD", [18]], "inbox")
        kernel.waitFor(lambda: kernel.calls("DMX_SET_PES_FILTER"))
        kernel.waitFor(lambda: "/dev/dvb/adapter0/demux0" not in kernel.openFds().values())
        stop = shutdownMicroprocess()
        tuner.put(stop, "control")
        assert ending(tuner) is stop                          # (so the error is logged by now)
    assert "could not add PID 0x12: DMX_SET_PES_FILTER on /dev/dvb/adapter0/demux0 failed " \
           "(PID 18): Invalid argument" in caplog.text


# ----------------------------------------------- arguments, 1.14's methods

@pytest.mark.parametrize("args,message", [
    ((0, {}), "no frequency: give it in Hz"),
    ((-5, {}), "a frequency is a positive number \\(MHz, or Hz\\), not -5"),
    ((505.8, {"constellation": "QAM_99"}), "constellation 'QAM_99' is not one of"),
    ((505.8, {"bogus": 1}), "unknown tuning parameter\\(s\\) 'bogus'"),
    ((505.8, {}, -1), "a DVB adapter number is an int from 0, not -1"),
])
def test_arguments_that_cannot_tune_are_refused_at_once(args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Tuner(*args)


def test_frequency_units() -> None:
    assert frequencyInHz(505.833333) == 505_833_333             # MHz, 1.14's unit
    assert frequencyInHz(537833330.0) == 537_833_330             # Hz, as 1.14's examples also gave
    assert frequencyInHz(0) is None and frequencyInHz(None) is None
    assert DVB_PACKET_SIZE == 188 and DVB_RESYNC == b"\x47"


def test_1_14s_methods_work_without_the_scheduler() -> None:
    kernel = ReplayKernel()
    tuner = Tuner(505.833333, FEPARAMS, kernel=kernel)
    tuner.tune_DVB(505.833333, FEPARAMS)
    assert not tuner.notLocked()
    demuxers = tuner.handleCommand(["ADD", [600, 601]], {})
    assert sorted(demuxers) == [600, 601] and kernel.passedPids() == {600, 601}
    assert tuner.handleCommand(["REMOVE", [600, 999]], demuxers) is demuxers
    assert sorted(demuxers) == [601] and kernel.passedPids() == {601}
    assert tuner.addPID(18).pid == 18
    assert not tuner.shutdown()
    tuner._closeAll()
    assert kernel.openFds() == {}
    assert kernel.calls("FE_SET_PROPERTY")[0].properties == TUNING


def test_the_replay_example_runs_as_printed() -> None:
    doc = ast.get_docstring(ast.parse(Path(TunerModule.__file__).read_text(encoding="utf-8")),
                            clean=False) or ""
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    block = textwrap.dedent(re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)[2])
    assert "ReplayKernel" in block
    assert_runs_cleanly("Tuner#2", block)

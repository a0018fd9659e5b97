"""Kamaelia.Device.DVB.Receiver: a tuner shared by clients asking for PIDs, on a stand-in kernel.

No DVB adapter here: the Receiver's Tuner runs on ``ReplayKernel``, whose
dvr0 is a FIFO this test writes a multiplex (made by ffmpeg) into. Clients
are PassThrough components read through Handles.
"""

from __future__ import annotations

import inspect
import os
import queue
from pathlib import Path
from typing import Callable, Iterator

import pytest

from Axon.Component import component
from Axon.Handle import Handle
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.background import background
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Device.DVB.Receiver import Receiver
from Kamaelia.Support.DVB.LinuxDVB import ReplayKernel
from Kamaelia.Util.PassThrough import PassThrough
from tsfixtures import Service, makeMultiplex

PACKET = 188
WAIT = 5.0
FEPARAMS = {"inversion": 2, "constellation": 1, "code_rate_HP": 3, "code_rate_LP": 3}
Start = Callable[[component], Handle]


def pidOf(data: bytes) -> int:
    return (data[1] & 0x1F) << 8 | data[2]


def packetsOf(data: bytes) -> list[bytes]:
    return [data[i:i + PACKET] for i in range(0, len(data), PACKET)]


@pytest.fixture(scope="module")
def multiplex(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    made = makeMultiplex(tmp_path_factory.mktemp("mux") / "mux.ts",
                         [Service(1, "BBC ONE", "BBC"), Service(2, "BBC TWO", "BBC")], seconds=1.0)
    return made.path.read_bytes()


@pytest.fixture
def start() -> Iterator[Start]:
    before = set(os.listdir("/proc/self/fd"))
    runner = background()
    runner.start()
    handles: list[Handle] = []

    def starter(target: component) -> Handle:
        handles.append(Handle(target).activate())
        return handles[-1]

    yield starter
    for handle in handles:
        try:
            handle.put(shutdownMicroprocess(), "control")
        except RuntimeError:
            pass                                            # it has ended already
    runner.join(WAIT)
    assert not runner.is_alive(), "a component did not end"
    assert set(os.listdir("/proc/self/fd")) <= before, "descriptors left open"


def everything(client: Handle) -> list[bytes]:
    """All a client PassThrough was sent: it is told to finish, and what it
    passed on before its signal is taken."""
    client.put(producerFinished(), "control")
    client.get("signal", block=True, timeout=WAIT)
    got = []
    while True:
        try:
            got.append(client.get("outbox"))
        except queue.Empty:
            return got


def test_clients_get_their_pids_and_the_tuner_passes_only_what_is_wanted(
        start: Start, tmp_path: Path, multiplex: bytes) -> None:
    fifo = tmp_path / "dvr0"
    os.mkfifo(fifo)
    kernel = ReplayKernel(dvr=fifo)
    receiver = start(Receiver(505.833333, FEPARAMS, kernel=kernel, readTimeout=0.05))
    one, two = start(PassThrough()), start(PassThrough())
    receiver.put(("ADD", [0x101, 0x0], (one.comp, "inbox")), "inbox")
    receiver.put(("ADD", [0x0, 0x202], (two.comp, "inbox")), "inbox")
    kernel.waitFor(lambda: kernel.passedPids() == {0x101, 0x0, 0x202})

    packets = packetsOf(multiplex)
    # cut the stream just after a PAT (PID 0, wanted by both clients): the
    # demuxer holds a packet back until the next one begins, and this one is
    # then still for the second client
    pats = [i for i, p in enumerate(packets) if pidOf(p) == 0]
    cut = pats[len(pats) // 2] + 1
    first, second = packets[:cut], packets[cut:]
    writer = os.open(fifo, os.O_WRONLY)
    try:
        os.write(writer, b"".join(first))
        expectOne = [p for p in first if pidOf(p) in (0x101, 0x0)]
        assert len(expectOne) > 20 and pidOf(expectOne[-1]) == 0
        for expected in expectOne[:-1]:
            assert one.get("outbox", block=True, timeout=WAIT) == expected
        receiver.put(("REMOVE", [0x101, 0x0], (one.comp, "inbox")), "inbox")
        kernel.waitFor(lambda: kernel.passedPids() == {0x0, 0x202})   # 0 is still wanted
        os.write(writer, b"".join(second))
    finally:
        os.close(writer)                     # the stand-in's stream ends: so does the receiver
    assert isinstance(receiver.get("signal", block=True, timeout=WAIT), producerFinished)
    assert everything(one) == []             # nothing after the REMOVE (the PAT held went to two)
    assert everything(two) == [p for p in first + second if pidOf(p) in (0x0, 0x202)]
    assert kernel.openFds() == {}


def test_shutdown_goes_through_the_tuner_and_the_demuxer(start: Start) -> None:
    kernel = ReplayKernel()
    receiver = start(Receiver(505.833333, FEPARAMS, kernel=kernel))
    client = start(PassThrough())
    receiver.put(("ADD", [18], (client.comp, "inbox")), "inbox")
    kernel.waitFor(lambda: kernel.passedPids() == {18})
    stop = shutdownMicroprocess()
    receiver.put(stop, "control")
    assert receiver.get("signal", block=True, timeout=WAIT) is stop
    kernel.waitFor(lambda: kernel.openFds() == {})


def test_without_an_adapter_the_receiver_ends(start: Start) -> None:
    receiver = start(Receiver(505.833333, FEPARAMS, card=1, kernel=ReplayKernel(adapters=(0,))))
    assert isinstance(receiver.get("signal", block=True, timeout=WAIT), producerFinished)


def test_1_14s_signature_and_shape() -> None:
    assert list(inspect.signature(Receiver).parameters)[:3] == ["frequency", "feparams", "card"]
    made = Receiver(505.833333, FEPARAMS, kernel=ReplayKernel())
    assert isinstance(made, Graphline)
    with pytest.raises(ValueError, match="constellation 'QAM_99' is not one of"):
        Receiver(505.833333, {"constellation": "QAM_99"})

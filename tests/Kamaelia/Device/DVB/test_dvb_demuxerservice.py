"""Kamaelia.Device.DVB.DemuxerService: clients ask for PIDs and get their packets."""

from __future__ import annotations

import ast
import logging
import re
import textwrap
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

import Kamaelia.Device.DVB.DemuxerService as Service
from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker as CAT
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Device.DVB.DemuxerService import DVB_PACKET_SIZE, DVB_RESYNC, DemuxerService
from Kamaelia.Experimental.Services import RegisterService, Subscribe

RunRounds = Callable[[int], bool]
LOGGER = "Kamaelia.Device.DVB.DemuxerService"


def makePacket(pid: int, counter: int, tei: bool = False, scrambling: int = 0) -> bytes:
    return bytes([0x47, (0x80 if tei else 0) | pid >> 8, pid & 0xFF,
                  scrambling << 6 | 0x10 | counter & 0x0F]).ljust(188, bytes([counter]))


def pidOf(packet: bytes) -> int:
    return (packet[1] & 0x1F) << 8 | packet[2]


STREAM = [makePacket(pid, n) for n in range(8) for pid in (0x100, 0x101, 0x12)]
# The stream and the first byte of the packet after it: a packet is passed on
# once the next one's sync byte is there (a stream's last, at its end).
DATA = b"".join(STREAM) + b"\x47"


def ofPids(packets: list[bytes], *pids: int) -> list[bytes]:
    return [p for p in packets if pidOf(p) in pids]


class Client(component):
    """A destination that is never run: what is sent to it waits in its inbox."""


def got(client: Client) -> list[Any]:
    return list(client.inboxes["inbox"])


@pytest.fixture
def demuxer(run_rounds: RunRounds) -> DemuxerService:
    service = DemuxerService()
    service.activate()
    run_rounds(2)
    return service


def deliver(target: component, run_rounds: RunRounds, box: str, *messages: Any) -> None:
    target.inboxes[box].extend(messages)
    run_rounds(3)


def test_a_client_gets_the_packets_of_its_pids_and_the_source_is_asked(
        demuxer: DemuxerService, run_rounds: RunRounds) -> None:
    client = Client()
    deliver(demuxer, run_rounds, "request", ("ADD", [0x100, 0x12], (client, "inbox")))
    assert list(demuxer.outboxes["pid_request"]) == [("ADD", [0x100]), ("ADD", [0x12])]
    deliver(demuxer, run_rounds, "inbox", DATA[:1000], DATA[1000:])
    assert got(client) == ofPids(STREAM, 0x100, 0x12)


def test_requests_are_followed_before_the_stream_that_came_with_them(
        demuxer: DemuxerService, run_rounds: RunRounds) -> None:
    client = Client()
    demuxer.inboxes["inbox"].append(DATA)
    deliver(demuxer, run_rounds, "request", ("ADD", 0x101, (client, "inbox")))
    assert got(client) == ofPids(STREAM, 0x101)


def test_two_clients_then_removes(demuxer: DemuxerService, run_rounds: RunRounds) -> None:
    one, two = Client(), Client()
    deliver(demuxer, run_rounds, "request", ("ADD", [0x100], (one, "inbox")),
            ("ADD", [0x100, 0x101], (two, "inbox")))
    assert len(demuxer.boxes) == 2 and demuxer.pid2outboxes[0x100] == [demuxer.boxes[(one, "inbox")],
                                                                       demuxer.boxes[(two, "inbox")]]
    deliver(demuxer, run_rounds, "inbox", DATA)
    assert got(one) == ofPids(STREAM, 0x100)
    assert got(two) == ofPids(STREAM, 0x100, 0x101)
    deliver(demuxer, run_rounds, "request", ("REMOVE", [0x100], (two, "inbox")))
    deliver(demuxer, run_rounds, "inbox", DATA)
    assert got(one) == ofPids(STREAM, 0x100) * 2
    assert got(two) == ofPids(STREAM, 0x100, 0x101) + ofPids(STREAM, 0x101)
    deliver(demuxer, run_rounds, "request", ("REMOVE", [0x100], (one, "inbox")),
            ("REMOVE", [0x101, 0x999], (two, "inbox")))
    assert list(demuxer.outboxes["pid_request"]) == [
        ("ADD", [0x100]), ("ADD", [0x101]), ("REMOVE", [0x100]), ("REMOVE", [0x101])]
    assert demuxer.boxes == {} and demuxer.pid2outboxes == {} and demuxer.linkages == {}
    assert set(demuxer.outboxes) == {"outbox", "signal", "pid_request"}


def test_0x2000_asks_for_every_packet_once(demuxer: DemuxerService,
                                           run_rounds: RunRounds) -> None:
    client = Client()
    deliver(demuxer, run_rounds, "request", ("ADD", [0x2000, 0x100], (client, "inbox")))
    assert list(demuxer.outboxes["pid_request"]) == [("ADD", [0x2000]), ("ADD", [0x100])]
    deliver(demuxer, run_rounds, "inbox", DATA)
    assert got(client) == STREAM


def test_junk_and_fragments_are_dealt_with(demuxer: DemuxerService,
                                           run_rounds: RunRounds) -> None:
    client = Client()
    deliver(demuxer, run_rounds, "request", ("ADD", [0x12], (client, "inbox")))
    # Junk that starts with 0x47 (and has a PID in it), after a packet: not
    # taken for a packet, since one starts inside it.
    data = b"\x47junk" + DATA[:188 * 5] + b"\x47\x00\x12" + DATA[188 * 5:]
    deliver(demuxer, run_rounds, "inbox", *(data[i:i + 7] for i in range(0, len(data), 7)))
    assert got(client) == ofPids(STREAM, 0x12)
    assert demuxer.reader.junkBytes == 8 and demuxer.reader.resyncs == 2


def test_damaged_and_scrambled_packets_are_dropped(demuxer: DemuxerService,
                                                   run_rounds: RunRounds) -> None:
    client = Client()
    packets = [makePacket(0x100, 0), makePacket(0x100, 1, tei=True),
               makePacket(0x100, 2, scrambling=3), makePacket(0x100, 3)]
    deliver(demuxer, run_rounds, "request", ("ADD", [0x100], (client, "inbox")))
    deliver(demuxer, run_rounds, "inbox", b"".join(packets) + b"\x47")
    assert got(client) == [packets[0], packets[3]]
    assert (demuxer.erroneousPackets, demuxer.scrambledPackets) == (1, 1)
    assert demuxer.errorIndicatorSet(packets[1]) and not demuxer.errorIndicatorSet(packets[0])
    assert demuxer.scrambledPacket(packets[2]) and not demuxer.scrambledPacket(packets[0])


@pytest.mark.parametrize("request_,why", [
    (("ADD", [1]), "not (command, pids, (component, inboxname))"),
    (("DROP", [1], None), "the command is 'ADD' or 'REMOVE'"),
    (("ADD", [0x2001], None), "a PID is 0 to 0x2000"),
    (("ADD", [True], None), "a PID must be an int"),
    (("ADD", [1], ("c", "inbox")), "the destination has no inbox 'inbox'"),
    (("ADD", [1], Client()), "the destination is (component, inboxname)"),
])
def test_a_request_it_cannot_follow_is_logged_and_ignored(
        demuxer: DemuxerService, run_rounds: RunRounds, caplog: pytest.LogCaptureFixture,
        request_: Any, why: str) -> None:
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        deliver(demuxer, run_rounds, "request", request_)
    assert any(why in r.getMessage() and demuxer.name in r.getMessage()
               for r in caplog.records if r.name == LOGGER)
    assert list(demuxer.outboxes["pid_request"]) == [] and not demuxer._isStopped()


def test_a_message_that_is_not_bytes_is_logged_and_skipped(
        demuxer: DemuxerService, run_rounds: RunRounds,
        caplog: pytest.LogCaptureFixture) -> None:
    client = Client()
    deliver(demuxer, run_rounds, "request", ("ADD", [0x101], (client, "inbox")))
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        deliver(demuxer, run_rounds, "inbox", DATA[:600], ["not", "bytes"], DATA[600:])
    assert got(client) == ofPids(STREAM, 0x101)
    assert [r.name for r in caplog.records if "['not', 'bytes']" in r.getMessage()] == [LOGGER]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_waits_then_unlinks_its_clients(
        demuxer: DemuxerService, run_rounds: RunRounds, message_class: type) -> None:
    client = Client()
    demuxer.inboxes["request"].append(("ADD", [0x12], (client, "inbox")))
    demuxer.inboxes["inbox"].append(DATA[:188 * 5])          # the last waits for the next
    message = message_class()
    deliver(demuxer, run_rounds, "control", message)
    assert got(client) == ofPids(STREAM[:5], 0x12)
    assert demuxer._isStopped() and list(demuxer.outboxes["signal"]) == [message]
    assert demuxer.boxes == {} and demuxer.postoffice.linkagesOf(client) == []


def test_the_1_14_shutdown_method_and_names() -> None:
    demuxer = DemuxerService()
    assert demuxer.shutdown() is False
    demuxer.inboxes["control"].append(producerFinished())
    assert demuxer.shutdown() is True and len(demuxer.outboxes["signal"]) == 1
    assert (DVB_RESYNC, DVB_PACKET_SIZE) == (b"\x47", 188)


@pytest.fixture
def registered() -> Iterator[DemuxerService]:
    demuxer = RegisterService(DemuxerService(), {"TEST_DVB_DEMUXER": "request"})
    try:
        yield demuxer
    finally:
        CAT.getcat().deRegisterService("TEST_DVB_DEMUXER")


def test_as_a_named_service_with_subscribe(registered: DemuxerService,
                                           run_rounds: RunRounds) -> None:
    registered.activate()
    subscriber = Subscribe("TEST_DVB_DEMUXER", [0x100, 0x101])
    subscriber.activate()
    run_rounds(5)
    deliver(registered, run_rounds, "inbox", DATA)
    assert list(subscriber.outboxes["outbox"]) == ofPids(STREAM, 0x100, 0x101)
    deliver(subscriber, run_rounds, "control", producerFinished())
    run_rounds(3)
    assert list(registered.outboxes["pid_request"]) == [
        ("ADD", [0x100]), ("ADD", [0x101]), ("REMOVE", [0x100]), ("REMOVE", [0x101])]


def test_the_module_docstring_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    doc = ast.get_docstring(ast.parse(Path(Service.__file__).read_text()), clean=False) or ""
    part = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", part)
    assert len(blocks) == 1
    exec(compile(textwrap.dedent(blocks[0]), "example", "exec"), {})
    assert capsys.readouterr().out.splitlines() == [
        f"PID 0x100, counter {n}" for n in range(3)]

"""Kamaelia.Device.DVB.Parse.ReassemblePSITables: sections from packets, alone and as a service."""

from __future__ import annotations

import ast
import logging
import re
import subprocess
import textwrap
from pathlib import Path
from typing import Any, Callable, Sequence

import pytest

import Kamaelia.Device.DVB.Parse.ReassemblePSITables as Reassemble
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Device.DVB.Parse.ReassemblePSITables import (ReassemblePSITables,
                                                           ReassemblePSITablesService)
from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
from Kamaelia.Support.DVB.CRC import crc32mpeg2, dvbcrc

RunRounds = Callable[[int], bool]
LOGGER = "Kamaelia.Device.DVB.Parse.ReassemblePSITables"


def section(tableId: int, extension: int, body: bytes) -> bytes:
    length = 5 + len(body) + 4
    head = bytes([tableId, 0xB0 | length >> 8, length & 0xFF, extension >> 8, extension & 0xFF,
                  0xC1, 0, 0])
    return head + body + crc32mpeg2(head + body).to_bytes(4, "big")


def packetise(pid: int, sections: Sequence[bytes], counter: int = 0) -> list[bytes]:
    """Each section from a fresh packet (pointer_field 0), stuffed with 0xFF."""
    packets = []
    for s in sections:
        payload = b"\x00" + s
        for start in range(0, len(payload), 184):
            packets.append(bytes([0x47, (0x40 if start == 0 else 0) | pid >> 8, pid & 0xFF,
                                  0x10 | counter]) + payload[start:start + 184].ljust(184, b"\xff"))
            counter = (counter + 1) & 0x0F
    return packets


PAT = section(0x00, 1, bytes.fromhex("0001f020"))
SDT = section(0x42, 1, bytes(range(256)) + bytes(200))          # three packets
EIT = section(0x4E, 7, b"event" * 20)


# ------------------------------------------------------- ReassemblePSITables

def test_sections_come_out_whole_in_order() -> None:
    sink = run(ReassemblePSITables(), packetise(0x11, [SDT, SDT, PAT]), [producerFinished()])
    assert sink.got == [SDT, SDT, PAT]
    assert all(type(s) is bytes for s in sink.got)


def test_packets_of_several_pids_are_reassembled_apart() -> None:
    one, two = packetise(0x11, [SDT]), packetise(0x12, [EIT, EIT])
    mixed = [one[0], two[0], one[1], two[1], one[2]]
    sink = run(ReassemblePSITables(), mixed, [producerFinished()])
    assert sink.got == [EIT, EIT, SDT]


def test_a_bad_crc_drops_the_section_and_the_next_copy_comes_through() -> None:
    damaged = SDT[:100] + bytes([SDT[100] ^ 4]) + SDT[101:]
    target = ReassemblePSITables()
    sink = run(target, packetise(0x11, [damaged, SDT]), [producerFinished()])
    assert sink.got == [SDT] and target.assembler.crcErrors == 1
    sink = run(ReassemblePSITables(checkCrc=False), packetise(0x11, [damaged]),
               [producerFinished()])
    assert sink.got == [damaged]


def test_a_lost_packet_drops_the_section_it_was_in() -> None:
    packets = packetise(0x11, [SDT, SDT])
    target = ReassemblePSITables()
    sink = run(target, packets[:1] + packets[2:], [producerFinished()])
    assert sink.got == [SDT] and target.assembler.dropped == 1


def test_a_message_that_is_not_a_packet_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(ReassemblePSITables, caplog, LOGGER,
                            packetise(0, [PAT]) + [b"\x47 short"] + packetise(0, [PAT], 1),
                            b"\x47 short", [PAT, PAT])


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(ReassemblePSITables, message_class, packetise(0, [PAT]), [PAT])


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(ReassemblePSITables, caplog, packetise(0, [PAT]), [PAT])


def test_a_full_destination_holds_it_back_and_nothing_is_lost() -> None:
    target = ReassemblePSITables()
    sink = attach(target)
    sink.setInboxSize("inbox", 1)
    target.inboxes["inbox"].extend(packetise(0x12, [EIT] * 20))
    target.inboxes["control"].append(producerFinished())
    scheduler.run.runThreads()
    assert sink.got == [EIT] * 20


def test_the_1_14_shutdown_method() -> None:
    target = ReassemblePSITables()
    assert target.shutdown() is False
    target.inboxes["control"].append(shutdownMicroprocess())
    assert target.shutdown() is True and len(target.outboxes["signal"]) == 1


def test_behind_the_soft_demuxer_ffmpegs_pat_comes_out(tmp_path: Path) -> None:
    path = tmp_path / "out.ts"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "testsrc=size=160x120:rate=25", "-t", "1", "-c:v", "mpeg2video",
                    "-f", "mpegts", str(path)], check=True)
    data = path.read_bytes()
    starts = sum(1 for i in range(0, len(data), 188)
                 if data[i + 1] & 0x5F == 0x40 and data[i + 2] == 0)   # PAT packets that start one
    sink = run(Pipeline(DVB_SoftDemuxer({0x00: "outbox"}), ReassemblePSITables()),
               [data[i:i + 1000] for i in range(0, len(data), 1000)], [producerFinished()])
    assert len(sink.got) == starts > 0
    assert all(s[0] == 0 and dvbcrc(s) for s in sink.got)
    assert len(set(sink.got)) == 1


def test_the_module_docstring_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    doc = ast.get_docstring(ast.parse(Path(Reassemble.__file__).read_text()), clean=False) or ""
    part = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", part)
    assert len(blocks) == 1
    exec(compile(textwrap.dedent(blocks[0]), "example", "exec"), {})
    assert capsys.readouterr().out.splitlines() == ["table 0x00, 16 bytes"] * 2


# ------------------------------------------------ ReassemblePSITablesService

class Client(component):
    """A destination that is never run: what is sent to it waits in its inbox."""

    Inboxes = {"inbox": "sections", "control": "", "tables": "sections too"}


def got(client: Client, box: str = "inbox") -> list[Any]:
    return list(client.inboxes[box])


def started(run_rounds: RunRounds) -> ReassemblePSITablesService:
    service = ReassemblePSITablesService()
    service.activate()
    run_rounds(2)
    return service


def deliver(service: component, run_rounds: RunRounds, box: str, *messages: Any) -> None:
    service.inboxes[box].extend(messages)
    run_rounds(3)


def test_a_client_gets_the_sections_of_the_pids_it_asked_for(run_rounds: RunRounds) -> None:
    service, client = started(run_rounds), Client()
    deliver(service, run_rounds, "request", ("ADD", [0x11, 0x12], (client, "inbox")))
    assert list(service.outboxes["pid_request"]) == [("ADD", [0x11], (service, "inbox")),
                                                     ("ADD", [0x12], (service, "inbox"))]
    deliver(service, run_rounds, "inbox",
            *packetise(0x11, [SDT]), *packetise(0x00, [PAT]), *packetise(0x12, [EIT]))
    assert got(client) == [SDT, EIT]


def test_a_request_is_followed_before_the_packets_that_came_with_it(
        run_rounds: RunRounds) -> None:
    service, client = started(run_rounds), Client()
    service.inboxes["inbox"].extend(packetise(0x00, [PAT]))
    deliver(service, run_rounds, "request", ("ADD", 0x00, (client, "tables")))    # one PID
    assert got(client, "tables") == [PAT]


def test_two_clients_and_a_remove(run_rounds: RunRounds) -> None:
    service, one, two = started(run_rounds), Client(), Client()
    deliver(service, run_rounds, "request", ("ADD", [0x00], (one, "inbox")),
            ("ADD", [0x00, 0x12], (two, "inbox")))
    deliver(service, run_rounds, "inbox", *packetise(0x00, [PAT]), *packetise(0x12, [EIT]))
    assert (got(one), got(two)) == ([PAT], [PAT, EIT])
    boxes = set(service.outboxes)
    deliver(service, run_rounds, "request", ("REMOVE", [0x00], (one, "inbox")))
    assert len(service.outboxes) == len(boxes) - 1          # one's outbox is gone
    assert list(service.outboxes["pid_request"])[2:] == []   # two still wants PID 0
    deliver(service, run_rounds, "inbox", *packetise(0x00, [PAT], 1))
    assert (got(one), got(two)) == ([PAT], [PAT, EIT, PAT])
    deliver(service, run_rounds, "request", ("REMOVE", [0x00, 0x12], (two, "inbox")))
    assert list(service.outboxes["pid_request"])[2:] == [("REMOVE", [0x00], (service, "inbox")),
                                                         ("REMOVE", [0x12], (service, "inbox"))]
    deliver(service, run_rounds, "inbox", *packetise(0x00, [PAT], 2))
    assert got(two) == [PAT, EIT, PAT]
    assert service.subscribers.boxes == {} and service.subscribers.pid2outboxes == {}


def test_a_pid_given_up_starts_afresh_when_asked_for_again(run_rounds: RunRounds) -> None:
    service, client = started(run_rounds), Client()
    first, *rest = packetise(0x11, [SDT])
    deliver(service, run_rounds, "request", ("ADD", [0x11], (client, "inbox")))
    deliver(service, run_rounds, "inbox", first)
    deliver(service, run_rounds, "request", ("REMOVE", [0x11], (client, "inbox")),
            ("ADD", [0x11], (client, "inbox")))
    deliver(service, run_rounds, "inbox", *rest, *packetise(0x11, [SDT], 3))
    assert got(client) == [SDT]          # the half seen before the REMOVE is not used


@pytest.mark.parametrize("request_,why", [
    ("ADD", "not (command, pids, (component, inboxname))"),
    (("JOIN", [1], None), "the command is 'ADD' or 'REMOVE'"),
    (("ADD", ["x"], None), "a PID must be an int"),
    (("ADD", [0x2000], None), "a PID is 0 to 0x1fff"),
    (("ADD", [1], "client"), "the destination is (component, inboxname)"),
    (("ADD", [1], (object(), "inbox")), "the destination has no inbox 'inbox'"),
])
def test_a_request_it_cannot_follow_is_logged_and_ignored(
        run_rounds: RunRounds, caplog: pytest.LogCaptureFixture, request_: Any,
        why: str) -> None:
    service = started(run_rounds)
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        deliver(service, run_rounds, "request", request_)
    assert [r.getMessage() for r in caplog.records if why in r.getMessage()
            and service.name in r.getMessage()]
    assert list(service.outboxes["pid_request"]) == [] and not service._isStopped()


def test_a_remove_of_what_was_never_added_is_ignored(run_rounds: RunRounds) -> None:
    service, client = started(run_rounds), Client()
    deliver(service, run_rounds, "request", ("REMOVE", [0x11], (client, "inbox")))
    deliver(service, run_rounds, "request", ("ADD", [0x11], (client, "inbox")),
            ("REMOVE", [0x12], (client, "inbox")))
    assert list(service.outboxes["pid_request"]) == [("ADD", [0x11], (service, "inbox"))]


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_the_service_shuts_down_unlinking_its_clients(
        run_rounds: RunRounds, message_class: type) -> None:
    service, client = started(run_rounds), Client()
    service.inboxes["request"].append(("ADD", [0x00], (client, "inbox")))
    service.inboxes["inbox"].extend(packetise(0x00, [PAT]))
    message = message_class()
    deliver(service, run_rounds, "control", message)
    assert got(client) == [PAT]
    assert service._isStopped() and list(service.outboxes["signal"]) == [message]
    assert service.subscribers.boxes == {} and service.postoffice.linkagesOf(client) == []


def test_the_service_skips_what_is_not_a_packet(run_rounds: RunRounds,
                                                caplog: pytest.LogCaptureFixture) -> None:
    service, client = started(run_rounds), Client()
    deliver(service, run_rounds, "request", ("ADD", [0x00], (client, "inbox")))
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        deliver(service, run_rounds, "inbox", 42, b"\x47\x00\x00\x10 short", *packetise(0, [PAT]))
    assert got(client) == [PAT]
    assert len([r for r in caplog.records if "not a transport stream packet" in r.getMessage()]) == 2

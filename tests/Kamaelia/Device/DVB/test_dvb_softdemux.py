"""Kamaelia.Device.DVB.SoftDemux: DVB_SoftDemuxer routes each PID's packets."""

from __future__ import annotations

import ast
import logging
import random
import re
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

import Kamaelia.Device.DVB.SoftDemux as SoftDemux
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, attach, run)
from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer


def makePacket(pid: int, counter: int, fill: int = 0, tei: bool = False,
               scrambling: int = 0) -> bytes:
    return bytes([0x47, (0x80 if tei else 0) | pid >> 8, pid & 0xFF,
                  scrambling << 6 | 0x10 | counter & 0x0F]).ljust(188, bytes([fill]))


def pidOf(packet: bytes) -> int:
    return (packet[1] & 0x1F) << 8 | packet[2]


STREAM = [makePacket(pid, n, fill=n) for n in range(12) for pid in (0x100, 0x101, 0x200)]
DATA = b"".join(STREAM)


def chunks(data: bytes, size: int = 1000) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def ofPids(*pids: int) -> list[bytes]:
    return [p for p in STREAM if pidOf(p) in pids]


def test_the_packets_of_a_mapped_pid_go_out_of_its_outbox() -> None:
    sink = run(DVB_SoftDemuxer({0x100: ["outbox"]}), chunks(DATA), [producerFinished()])
    assert sink.got == ofPids(0x100)
    assert all(type(p) is bytes for p in sink.got)


def test_pids_go_to_several_outboxes_and_outboxes_take_several_pids() -> None:
    demux = DVB_SoftDemuxer({0x100: ["outbox", "video"], 0x101: "outbox", 0x200: ["other"]})
    assert {"video", "other"} <= set(demux.outboxes)
    sink = run(demux, chunks(DATA, 777), [producerFinished()])
    assert sink.got == ofPids(0x100, 0x101)
    assert list(demux.outboxes["video"]) == ofPids(0x100)
    assert list(demux.outboxes["other"]) == ofPids(0x200)


def test_default_takes_the_pids_not_named_and_0x2000_every_pid() -> None:
    demux = DVB_SoftDemuxer({0x100: "video", "default": "rest", 0x2000: ["outbox", "rest"]})
    sink = run(demux, chunks(DATA), [producerFinished()])
    assert sink.got == STREAM
    assert list(demux.outboxes["video"]) == ofPids(0x100)
    assert list(demux.outboxes["rest"]) == STREAM         # once each, though two keys lead there


def test_a_fragmented_stream_with_junk_between_packets_comes_out_whole() -> None:
    # 1.14's own test of this component, with junk that holds 0x47 bytes
    rng = random.Random(114)
    payloads = [f"packet {i:5d} ".encode().ljust(184, b".") for i in range(600)]
    packets = [bytes([0x47, (i % 0x1FFF) >> 8, i % 0x1FFF & 0xFF, 0x10]) + payload
               for i, payload in enumerate(payloads)]
    data = b""
    for i, packet in enumerate(packets):
        if i % 4 == 3:
            data += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))) + b"\x47"
        data += packet
    pieces, pos = [], 0
    while pos < len(data):
        size = rng.randrange(1, 400)
        pieces.append(data[pos:pos + size])
        pos += size
    demux = DVB_SoftDemuxer({"default": "outbox"})
    sink = run(demux, pieces, [producerFinished()])
    assert [p[4:] for p in sink.got] == payloads
    assert demux.reader.resyncs == 150


def test_damaged_and_scrambled_packets_are_dropped_and_counted() -> None:
    packets = [makePacket(0x100, 0), makePacket(0x100, 1, tei=True),
               makePacket(0x100, 2, scrambling=2), makePacket(0x100, 3)]
    demux = DVB_SoftDemuxer({0x100: "outbox"})
    sink = run(demux, [b"".join(packets)], [producerFinished()])
    assert sink.got == [packets[0], packets[3]]
    assert (demux.erroneousPackets, demux.scrambledPackets) == (1, 1)


def test_producer_finished_sends_what_the_reader_held_back() -> None:
    # Two packets only: the reader waits for a third sync byte, until the end.
    sink = run(DVB_SoftDemuxer({0x100: "outbox"}), [DATA[:188 * 2]], [producerFinished()])
    assert sink.got == STREAM[:1]


def test_a_packet_is_sent_once_the_next_ones_sync_byte_has_come(run_rounds: Any) -> None:
    demux = DVB_SoftDemuxer({0x200: "outbox"})
    sink = attach(demux)
    demux.inboxes["inbox"].append(DATA[:188 * 3])
    run_rounds(3)
    assert sink.got == []                   # the third packet might be the start of junk
    demux.inboxes["inbox"].append(b"\x47")
    run_rounds(3)
    assert sink.got == ofPids(0x200)[:1]
    demux.inboxes["control"].append(shutdownMicroprocess())
    run_rounds(3)
    assert sink.got == ofPids(0x200)[:1] and demux._isStopped()


@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_demuxes_what_is_waiting_then_passes_the_message_on(
        message_class: type) -> None:
    assertShutdownPassesOn(lambda: DVB_SoftDemuxer({0x200: "outbox"}), message_class,
                           chunks(DATA), ofPids(0x200))


def test_other_control_messages_are_logged_and_ignored(
        caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(lambda: DVB_SoftDemuxer({0x200: "outbox"}), caplog,
                                   [DATA], ofPids(0x200))


def test_a_message_that_is_not_bytes_is_logged_and_skipped(
        caplog: pytest.LogCaptureFixture) -> None:
    assertBadMessageSkipped(lambda: DVB_SoftDemuxer({0x101: "outbox"}), caplog,
                            "Kamaelia.Device.DVB.SoftDemux",
                            [DATA[:500], "not a stream", DATA[500:]], "not a stream",
                            ofPids(0x101))


def test_a_full_destination_loses_packets_not_the_demuxer(
        caplog: pytest.LogCaptureFixture) -> None:
    demux = DVB_SoftDemuxer({0x100: "outbox"})
    sink = attach(demux)
    sink.setInboxSize("inbox", 1)
    demux.inboxes["inbox"].append(DATA)
    demux.inboxes["control"].append(producerFinished())
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Device.DVB.SoftDemux"):
        scheduler.run.runThreads()
    assert sink.got == ofPids(0x100)[:1]
    assert demux.overflowedPackets == len(ofPids(0x100)) - 1
    assert sum("is full" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize("pidmap,error,message", [
    ([0x100], TypeError, "pidmap must be a dict"),
    ({"0x100": "outbox"}, TypeError, "a PID must be an int, not '0x100'"),
    ({0x2001: "outbox"}, ValueError, "a PID is 0 to 0x2000, not 8193"),
    ({0x100: 5}, TypeError, "must be a name or a list of names, not 5"),
    ({0x100: ["outbox", ""]}, TypeError, "outbox names must be non-empty strings"),
])
def test_a_bad_pidmap_is_refused(pidmap: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        DVB_SoftDemuxer(pidmap)         # type: ignore[arg-type]


def test_the_1_14_shutdown_method() -> None:
    demux = DVB_SoftDemuxer({0x100: "outbox"})
    assert demux.shutdown() is False
    message = producerFinished()
    demux.inboxes["control"].append(message)
    assert demux.shutdown() is True and list(demux.outboxes["signal"]) == [message]


def test_an_ffmpeg_stream_is_split_by_pid(tmp_path: Path) -> None:
    path = tmp_path / "out.ts"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine", "-t", "1",
                    "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpegts", str(path)], check=True)
    data = path.read_bytes()
    packets = [data[i:i + 188] for i in range(0, len(data), 188)]
    demux = DVB_SoftDemuxer({0x100: "video", 0x101: "audio", 0x00: "outbox"})
    sink = run(demux, chunks(data, 4096), [producerFinished()])
    assert sink.got == [p for p in packets if pidOf(p) == 0]
    assert list(demux.outboxes["video"]) == [p for p in packets if pidOf(p) == 0x100]
    assert list(demux.outboxes["audio"]) == [p for p in packets if pidOf(p) == 0x101]
    assert demux.reader.junkBytes == 0


def test_the_module_docstring_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    doc = ast.get_docstring(ast.parse(Path(SoftDemux.__file__).read_text()), clean=False) or ""
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
    exec(compile(textwrap.dedent(blocks[0]), "example", "exec"), {})
    assert capsys.readouterr().out.splitlines() == [
        f"PID 0x100, counter {n}" for n in range(3)]

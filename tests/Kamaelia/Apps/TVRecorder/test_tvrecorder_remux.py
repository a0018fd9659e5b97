"""Kamaelia.Apps.TVRecorder.remux: one service cut out of a multiplex, PAT rewritten."""

from __future__ import annotations

import ast
import logging
import re
import subprocess
import textwrap
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import pytest
from hypothesis import given, settings, strategies as st

import Kamaelia.Apps.TVRecorder.remux as remux
from Axon.Ipc import producerFinished, shutdownMicroprocess
from componentharness import Collector, run
from Kamaelia.Apps.TVRecorder.remux import ServiceRemux, ServiceRemuxer
from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import \
    parseProgramAssociationTableSection
from Kamaelia.Device.DVB.Parse.ParseProgramMapTable import parseProgramMapTableSection
from Kamaelia.Support.DVB.CRC import crc32mpeg2
from tsfixtures import (BASE, Multiplex, Programme, Service, corruptSection, dropPackets,
                        ffprobeDuration,
                        ffprobePrograms, insertEIT, makeMultiplex, packetise, sections,
                        withJunk)

PACKET = 188
SERVICE = 2
VIDEO, AUDIO, PMT_PID = 0x201, 0x202, 0x1001     # service 2 of makeMultiplex's layout
SERVICE_PIDS = {0x0000, PMT_PID, VIDEO, AUDIO}
UDP_CHUNK = 7 * PACKET


# ---------------------------------------------------------------- helpers
def packetsOf(data: bytes) -> list[bytes]:
    return [data[i:i + PACKET] for i in range(0, len(data), PACKET)]


def pidOf(packet: bytes) -> int:
    return (packet[1] & 0x1F) << 8 | packet[2]


def startsUnit(packet: bytes) -> bool:
    return bool(packet[1] & 0x40)


def randomAccess(packet: bytes) -> bool:
    return bool(packet[3] & 0x20 and packet[4] and packet[5] & 0x40)


def ofPids(data: bytes | Sequence[bytes], pids: Iterable[int]) -> list[bytes]:
    wanted = set(pids)
    packets = packetsOf(data) if isinstance(data, bytes) else data
    return [p for p in packets if pidOf(p) in wanted]


def remuxFiles(data: bytes, splitAt: Sequence[int] = (), chunk: int = UDP_CHUNK,
               remuxer: ServiceRemuxer | None = None) -> list[bytes]:
    """The files the remuxer makes of ``data`` fed in ``chunk``-byte pieces,
    a new file asked for before the chunk holding each offset of ``splitAt``."""
    remuxer = remuxer or ServiceRemuxer(SERVICE)
    files = [bytearray()]
    pending = sorted(splitAt)

    def take(parts: list[bytes]) -> None:
        files[-1] += parts[0]
        files.extend(bytearray(part) for part in parts[1:])

    for at in range(0, len(data), chunk):
        while pending and pending[0] < at + chunk:
            pending.pop(0)
            remuxer.startNewFile()
        take(remuxer.feedParts(data[at:at + chunk]))
    take(remuxer.flushParts())
    return [bytes(f) for f in files]


def section(body: bytes) -> bytes:
    return body + crc32mpeg2(body).to_bytes(4, "big")


def patSection(tsid: int, version: int, programs: dict[int, int]) -> bytes:
    loop = b"".join(sid.to_bytes(2, "big") + (0xE000 | pid).to_bytes(2, "big")
                    for sid, pid in programs.items())
    length = 5 + len(loop) + 4
    return section(bytes([0x00, 0xB0, length]) + tsid.to_bytes(2, "big")
                   + bytes([0xC1 | version << 1, 0, 0]) + loop)


def pmtSection(program: int, version: int, pcrPid: int,
               streams: Sequence[tuple[int, int]]) -> bytes:
    loop = b"".join(bytes([kind]) + (0xE000 | pid).to_bytes(2, "big") + b"\xf0\x00"
                    for kind, pid in streams)
    length = 9 + len(loop) + 4
    return section(bytes([0x02, 0xB0, length]) + program.to_bytes(2, "big")
                   + bytes([0xC1 | version << 1, 0, 0]) + (0xE000 | pcrPid).to_bytes(2, "big")
                   + b"\xf0\x00" + loop)


def tsPacket(pid: int, counter: int, payload: bytes = b"", start: bool = False,
             rai: bool = False) -> bytes:
    head = bytes([0x47, (0x40 if start else 0) | pid >> 8, pid & 0xFF])
    head += bytes([0x30 | counter & 15, 1, 0x40]) if rai else bytes([0x10 | counter & 15])
    return (head + payload).ljust(PACKET, b"\xff")


PES = bytes.fromhex("000001e00000800000")       # a PES header with no optional fields


def replaceTables(data: bytes, pid: int, fromPacket: int, table: bytes,
                  newPid: int | None = None) -> bytes:
    """``data`` with each packet of ``pid`` from packet ``fromPacket`` on
    replaced by one carrying ``table`` (same continuity counter), on ``newPid``."""
    out = packetsOf(data)
    for index in range(fromPacket, len(out)):
        packet = out[index]
        if pidOf(packet) == pid:
            replacement, _ = packetise(newPid if newPid is not None else pid, [table],
                                       packet[3] & 0x0F)
            assert len(replacement) == PACKET
            out[index] = replacement
    return b"".join(out)


def decodeErrors(path: Path) -> str:
    result = subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(path),
                             "-f", "null", "-"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


def continuityGaps(data: bytes) -> list[tuple[int, int, int]]:
    """(packet index, PID, counter) where a PID's counter does not follow on."""
    last: dict[int, int] = {}
    gaps = []
    for index, packet in enumerate(packetsOf(data)):
        pid, counter = pidOf(packet), packet[3] & 0x0F
        if not packet[3] & 0x10:
            continue
        if pid in last and counter != (last[pid] + 1) & 0x0F:
            gaps.append((index, pid, counter))
        last[pid] = counter
    return gaps


def firstIndex(packets: Sequence[bytes], test: Callable[[bytes], bool], after: int = 0) -> int:
    return next(i for i in range(after, len(packets)) if test(packets[i]))


def expectedStreams(source: bytes, fromPacket: int) -> list[bytes]:
    """What a file starting at the video packet ``fromPacket`` of ``source``
    carries of service 2's streams: the video from there, the audio from its
    next PES start."""
    packets = packetsOf(source)
    audioFrom = firstIndex(packets, lambda p: pidOf(p) == AUDIO and startsUnit(p), fromPacket)
    return [p for i, p in enumerate(packets)
            if (pidOf(p) == VIDEO and i >= fromPacket) or (pidOf(p) == AUDIO and i >= audioFrom)]


def withoutRandomAccessFlags(data: bytes) -> bytes:
    out = bytearray(data)
    for at in range(0, len(out), PACKET):
        if out[at + 3] & 0x20 and out[at + 4]:
            out[at + 5] &= ~0x40 & 0xFF
    return bytes(out)


# --------------------------------------------------------------- fixtures
@dataclass(frozen=True)
class Source:
    mux: Multiplex
    path: Path           # the multiplex with EIT and TDT added
    data: bytes

    def firstKeyframe(self, after: int = 0) -> int:
        packets = packetsOf(self.data)
        return firstIndex(packets, lambda p: pidOf(p) == VIDEO and randomAccess(p), after)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    folder = tmp_path_factory.mktemp("remux")
    mux = makeMultiplex(folder / "mux.ts", [Service(1, "ONE", "P"), Service(2, "TWO", "P"),
                                            Service(3, "THREE", "P")])
    schedule = {2: [Programme(201, "Quiz", "A quiz.", BASE, timedelta(seconds=60))]}
    tables = insertEIT(mux.path, folder / "eit.ts", schedule)
    return Source(mux, tables.path, tables.path.read_bytes())


@pytest.fixture(scope="module")
def remuxed(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    [data] = remuxFiles(source.data)
    path = tmp_path_factory.mktemp("out") / "service2.ts"
    path.write_bytes(data)
    return path


# ------------------------------------------------------------- the output
def test_ffprobe_finds_one_programme_with_the_services_video_and_audio(remuxed: Path) -> None:
    [programme] = ffprobePrograms(remuxed)
    assert programme["program_num"] == SERVICE and programme["pmt_pid"] == PMT_PID
    assert programme["pcr_pid"] == VIDEO
    streams = sorted((s["codec_type"], int(s["id"], 16)) for s in programme["streams"])
    assert streams == [("audio", AUDIO), ("video", VIDEO)]


def test_the_duration_is_the_sources(source: Source, remuxed: Path) -> None:
    assert abs(ffprobeDuration(remuxed) - source.mux.duration) < 0.1


def test_ffmpeg_decodes_the_output_without_an_error(remuxed: Path) -> None:
    assert decodeErrors(remuxed) == ""


def test_every_packet_is_of_one_of_the_services_pids(source: Source, remuxed: Path) -> None:
    assert {pidOf(p) for p in packetsOf(source.data)} > SERVICE_PIDS | {0x11, 0x12, 0x14}
    assert {pidOf(p) for p in packetsOf(remuxed.read_bytes())} == SERVICE_PIDS


def test_the_pat_lists_only_the_service(source: Source, remuxed: Path) -> None:
    pats = sections(remuxed.read_bytes(), 0)
    assert pats
    for pat in pats:
        table = parseProgramAssociationTableSection(pat)        # (its CRC is checked)
        assert table["transport_streams"] == {source.mux.transportStreamId: {SERVICE: PMT_PID}}
        assert "NIT_PID" not in table and table["version"] == 0


def test_the_pmt_is_the_sources(source: Source, remuxed: Path) -> None:
    [original] = set(sections(source.data, PMT_PID))
    assert set(sections(remuxed.read_bytes(), PMT_PID)) == {original}
    pmt = parseProgramMapTableSection(original)
    assert [s["pid"] for s in pmt["services"][SERVICE]["streams"]] == [VIDEO, AUDIO]


def test_a_file_begins_with_pat_pmt_and_a_keyframe(remuxed: Path) -> None:
    first, second, third = packetsOf(remuxed.read_bytes())[:3]
    assert pidOf(first) == 0 and pidOf(second) == PMT_PID
    assert pidOf(third) == VIDEO and randomAccess(third)


def test_the_streams_are_the_sources_packets_from_the_keyframe_on(
        source: Source, remuxed: Path) -> None:
    out = ofPids(remuxed.read_bytes(), {VIDEO, AUDIO})
    assert out == expectedStreams(source.data, source.firstKeyframe())


def test_pat_and_pmt_come_where_the_sources_do(source: Source, remuxed: Path) -> None:
    # Once at the start, then one for each of the source's after it.
    start = source.firstKeyframe()
    after = packetsOf(source.data)[start:]
    out = packetsOf(remuxed.read_bytes())
    assert len(ofPids(out, {0})) == 1 + len(ofPids(after, {0}))
    assert len(ofPids(out, {PMT_PID})) == 1 + len(ofPids(after, {PMT_PID}))


def test_continuity_counters_are_continuous_per_pid(remuxed: Path) -> None:
    assert continuityGaps(remuxed.read_bytes()) == []


def test_counters_count_packets_in_and_out(source: Source, remuxed: Path) -> None:
    remuxer = ServiceRemuxer(SERVICE)
    out = remuxer.feed(source.data) + remuxer.flush()
    assert remuxer.packetsIn == len(source.data) // PACKET
    assert remuxer.packetsOut == len(out) // PACKET == len(remuxed.read_bytes()) // PACKET
    assert (remuxer.junkBytes, remuxer.continuityErrors, remuxer.erroneousPackets) == (0, 0, 0)
    assert (remuxer.present, remuxer.pmtPid, remuxer.pcrPid) == (True, PMT_PID, VIDEO)
    assert remuxer.streams == {VIDEO: 0x02, AUDIO: 0x03}


def test_the_output_does_not_depend_on_how_the_input_is_cut(
        source: Source, remuxed: Path) -> None:
    for chunk in (97, PACKET, 100_003):
        assert remuxFiles(source.data, chunk=chunk) == [remuxed.read_bytes()]


# ----------------------------------------------------------- new files
def splitFiles(source: Source, tmp_path: Path, at: Sequence[int]) -> list[Path]:
    paths = []
    for number, data in enumerate(remuxFiles(source.data, splitAt=at)):
        paths.append(tmp_path / f"part{number}.ts")
        paths[-1].write_bytes(data)
    return paths


def test_a_split_gives_two_files_that_each_open_and_add_up(
        source: Source, remuxed: Path, tmp_path: Path) -> None:
    first, second = splitFiles(source, tmp_path, [len(source.data) // 2])
    for path in (first, second):
        [programme] = ffprobePrograms(path)
        assert sorted(int(s["id"], 16) for s in programme["streams"]) == [VIDEO, AUDIO]
        assert decodeErrors(path) == ""
        assert continuityGaps(path.read_bytes()) == []
    total = ffprobeDuration(first) + ffprobeDuration(second)
    # (the two files overlap by at most an audio PES packet, ffmpeg's are ~0.35 s)
    assert source.mux.duration - 0.05 < total < source.mux.duration + 0.5


def test_a_split_loses_and_repeats_nothing(source: Source, remuxed: Path,
                                           tmp_path: Path) -> None:
    first, second = (p.read_bytes() for p in splitFiles(source, tmp_path, [len(source.data) // 2]))
    whole = remuxed.read_bytes()
    for pid in (VIDEO, AUDIO):
        assert ofPids(first, {pid}) + ofPids(second, {pid}) == ofPids(whole, {pid})


def test_the_new_file_begins_at_the_next_keyframe_after_the_request(
        source: Source, tmp_path: Path) -> None:
    middle = len(source.data) // 2
    first, second = (p.read_bytes() for p in splitFiles(source, tmp_path, [middle]))
    # The request came before the chunk holding ``middle``.
    keyframe = source.firstKeyframe(after=middle // UDP_CHUNK * UDP_CHUNK // PACKET)
    packets = packetsOf(second)
    assert [pidOf(p) for p in packets[:2]] == [0, PMT_PID]
    assert ofPids(packets, {VIDEO, AUDIO}) == expectedStreams(source.data, keyframe)
    assert ofPids(first, {VIDEO})[-1] == ofPids(packetsOf(source.data)[:keyframe], {VIDEO})[-1]
    # The old file's audio goes on to the end of the PES packet under way.
    lastAudio = ofPids(first, {AUDIO})[-1]
    nextAudio = ofPids(second, {AUDIO})[0]
    assert startsUnit(nextAudio)
    assert (lastAudio[3] + 1) & 0x0F == nextAudio[3] & 0x0F


def test_three_files_from_two_splits_cover_the_stream(source: Source, remuxed: Path,
                                                      tmp_path: Path) -> None:
    size = len(source.data)
    paths = splitFiles(source, tmp_path, [size // 4, size * 5 // 8])
    assert len(paths) == 3
    for path in paths:
        assert len(ffprobePrograms(path)) == 1 and decodeErrors(path) == ""
    video = [p for path in paths for p in ofPids(path.read_bytes(), {VIDEO})]
    assert video == ofPids(remuxed.read_bytes(), {VIDEO})


def test_start_new_file_says_whether_a_new_file_will_come(source: Source) -> None:
    remuxer = ServiceRemuxer(SERVICE)
    remuxer.feed(source.data[:len(source.data) // 2])
    assert remuxer.startNewFile() is True
    assert remuxer.startNewFile() is False          # the first has not begun
    parts = remuxer.feedParts(source.data[len(source.data) // 2:]) + remuxer.flushParts()[1:]
    assert len(parts) == 2
    assert remuxer.startNewFile() is True


def test_the_old_file_is_closed_after_a_bounded_wait(source: Source,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remux, "TRANSITION_PACKETS", 60)     # (this stream is short)
    # No audio PES starts after the middle: the old file cannot end by itself.
    packets = packetsOf(source.data)
    middle = len(packets) // 2
    for index in range(middle, len(packets)):
        if pidOf(packets[index]) == AUDIO:
            packets[index] = packets[index][:1] + bytes([packets[index][1] & ~0x40]) \
                + packets[index][2:]
    data = b"".join(packets)
    remuxer = ServiceRemuxer(SERVICE)
    remuxer.feed(data[:middle * PACKET])
    remuxer.startNewFile()
    parts: list[bytes] = []
    for at in range(middle * PACKET, len(data), UDP_CHUNK):
        parts += remuxer.feedParts(data[at:at + UDP_CHUNK])[1:]
        if parts:
            break
    [newFile] = parts
    # Held back no longer than the limit (give or take the chunk it was decided in).
    assert remux.TRANSITION_PACKETS <= len(newFile) // PACKET < remux.TRANSITION_PACKETS + 8
    assert ofPids(newFile, {AUDIO}) == []           # its audio waits for a PES start


def test_a_split_of_a_service_without_video_is_at_once() -> None:
    pat = tsPacket(0, 0, b"\0" + patSection(1, 0, {5: 0x500}), start=True)
    pmt = tsPacket(0x500, 0, b"\0" + pmtSection(5, 0, 0x501, [(0x03, 0x501)]), start=True)
    audio = [tsPacket(0x501, n, PES if n % 2 == 0 else b"", start=n % 2 == 0)
             for n in range(8)]
    remuxer = ServiceRemuxer(5)
    before = remuxer.feed(pat + pmt + b"".join(audio[:4]))   # (audio[3] is held back:
    assert packetsOf(before)[2:] == audio[:3]                # it waits for the next 0x47)
    remuxer.startNewFile()
    old, new = remuxer.feedParts(b"".join(audio[4:]) + tsPacket(0x1FFF, 0))
    assert packetsOf(old) == audio[3:4]               # the rest of its PES packet
    assert [pidOf(p) for p in packetsOf(new)[:2]] == [0, 0x500]
    assert packetsOf(new)[2:] == audio[4:]


# ------------------------------------------------------ before the tables
def withoutFirstTables(data: bytes, packets: int) -> bytes:
    """``data`` without the PAT and PMT packets among its first ``packets``."""
    return b"".join(p for i, p in enumerate(packetsOf(data))
                    if i >= packets or pidOf(p) not in (0, 0x1000, 0x1001, 0x1002))


def test_a_keyframe_before_the_tables_is_kept(source: Source, tmp_path: Path) -> None:
    keyframe = source.firstKeyframe()
    data = withoutFirstTables(source.data, keyframe + 100)     # the tables come later
    [out] = remuxFiles(data)
    assert ofPids(out, {VIDEO, AUDIO}) == expectedStreams(source.data, keyframe)
    (tmp_path / "late.ts").write_bytes(out)
    assert len(ffprobePrograms(tmp_path / "late.ts")) == 1


def test_without_a_buffer_output_begins_at_the_keyframe_after_the_tables(
        source: Source, tmp_path: Path) -> None:
    late = source.firstKeyframe() + 100
    data = withoutFirstTables(source.data, late)
    [out] = remuxFiles(data, remuxer=ServiceRemuxer(SERVICE, bufferPackets=0))
    packets = packetsOf(out)
    assert [pidOf(p) for p in packets[:2]] == [0, PMT_PID]
    tablesAt = firstIndex(packetsOf(data), lambda p: pidOf(p) == PMT_PID)
    assert tablesAt > source.firstKeyframe()
    keyframe = firstIndex(packetsOf(data), lambda p: pidOf(p) == VIDEO and randomAccess(p),
                          tablesAt)
    assert packets[2] == packetsOf(data)[keyframe]
    (tmp_path / "late.ts").write_bytes(out)
    assert decodeErrors(tmp_path / "late.ts") == ""


def test_nothing_goes_out_before_the_tables(source: Source) -> None:
    data = withoutFirstTables(source.data, len(source.data))
    remuxer = ServiceRemuxer(SERVICE)
    assert remuxer.feed(data) + remuxer.flush() == b""
    assert remuxer.present is None and remuxer.pmtPid is None


def test_a_service_not_in_the_multiplex_gives_nothing(source: Source) -> None:
    remuxer = ServiceRemuxer(9)
    assert remuxer.feed(source.data) + remuxer.flush() == b""
    assert remuxer.present is False


def test_a_pat_with_a_bad_crc_is_skipped(source: Source, remuxed: Path) -> None:
    damaged = corruptSection(source.data, 0, 0)         # the first PAT
    remuxer = ServiceRemuxer(SERVICE)
    [out] = remuxFiles(damaged, remuxer=remuxer)
    assert remuxer._sections.crcErrors == 1
    # The next PAT does; the buffer still holds the first keyframe.
    assert [pidOf(p) for p in packetsOf(out)[:2]] == [0, PMT_PID]
    assert ofPids(out, {VIDEO, AUDIO}) == ofPids(remuxed.read_bytes(), {VIDEO, AUDIO})


# ------------------------------------------------------------ damage
def test_junk_between_packets_changes_nothing(source: Source, remuxed: Path) -> None:
    damaged = withJunk(source.data, every=25, size=61)
    remuxer = ServiceRemuxer(SERVICE)
    [out] = remuxFiles(damaged, remuxer=remuxer)
    assert out == remuxed.read_bytes()
    assert remuxer.junkBytes == len(damaged) - len(source.data)


def test_lost_packets_are_counted_and_the_output_still_opens(source: Source,
                                                             tmp_path: Path) -> None:
    damaged = dropPackets(source.data, VIDEO, every=50)
    lost = len(ofPids(source.data, {VIDEO})) - len(ofPids(damaged, {VIDEO}))
    remuxer = ServiceRemuxer(SERVICE)
    [out] = remuxFiles(damaged, remuxer=remuxer)
    assert remuxer.continuityErrors == lost
    (tmp_path / "lossy.ts").write_bytes(out)
    [programme] = ffprobePrograms(tmp_path / "lossy.ts")
    assert programme["program_num"] == SERVICE
    assert subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-i", str(tmp_path / "lossy.ts"),
                           "-f", "null", "-"], capture_output=True, timeout=60).returncode == 0


def test_subtitles_and_a_pcr_of_its_own_go_out_too() -> None:
    pat = tsPacket(0, 0, b"\0" + patSection(1, 0, {5: 0x500, 6: 0x600}), start=True)
    pmt = tsPacket(0x500, 0, b"\0" + pmtSection(5, 0, 0x504, [(0x02, 0x501), (0x06, 0x503)]),
                   start=True)
    video = tsPacket(0x501, 0, PES + b"\0\0\1\xb3", start=True, rai=True)
    subtitles = tsPacket(0x503, 0, bytes.fromhex("000001bd00008000000f"), start=True)
    pcr = bytes([0x47, 0x05, 0x04, 0x20, 183, 0x10]) + bytes(6) + b"\xff" * 176
    other = tsPacket(0x601, 0, PES, start=True, rai=True)
    remuxer = ServiceRemuxer(5)
    stream = [pat, pmt, video, other, subtitles, pcr, tsPacket(0x1FFF, 0)]
    out = remuxer.feed(b"".join(stream)) + remuxer.flush()
    assert packetsOf(out)[2:] == [video, subtitles, pcr]
    assert remuxer.pcrPid == 0x504 and remuxer.streams == {0x501: 0x02, 0x503: 0x06}


def test_damaged_and_repeated_packets_are_dropped() -> None:
    pat = tsPacket(0, 0, b"\0" + patSection(1, 0, {5: 0x500}), start=True)
    pmt = tsPacket(0x500, 0, b"\0" + pmtSection(5, 0, 0x501, [(0x03, 0x501)]), start=True)
    first = tsPacket(0x501, 0, PES, start=True)
    damaged = bytearray(tsPacket(0x501, 1, b"x"))
    damaged[1] |= 0x80                                 # transport_error_indicator
    remuxer = ServiceRemuxer(5)
    out = remuxer.feed(pat + pmt + first + first + bytes(damaged)) + remuxer.flush()
    assert packetsOf(out)[2:] == [first]
    assert remuxer.erroneousPackets == 1


# ------------------------------------------------------- table changes
def test_the_service_vanishing_and_coming_back(source: Source, tmp_path: Path) -> None:
    packets = packetsOf(source.data)
    tsid = source.mux.transportStreamId
    gone, back = len(packets) // 3, len(packets) * 2 // 3
    without = patSection(tsid, 1, {1: 0x1000, 3: 0x1002})
    data = replaceTables(source.data, 0, gone, without)
    data = replaceTables(data, 0, back, patSection(tsid, 2, {1: 0x1000, 2: 0x1001, 3: 0x1002}))
    remuxer = ServiceRemuxer(SERVICE)
    out = packetsOf(remuxer.feed(data[:back * PACKET]))
    assert remuxer.present is False and remuxer.pmtPid is None
    lastPat = firstIndex(packets, lambda p: pidOf(p) == 0, gone)
    assert ofPids(out, {VIDEO, AUDIO})[-1] in packets[:lastPat]     # nothing after it
    rest = packetsOf(remuxer.feed(data[back * PACKET:]) + remuxer.flush())
    assert remuxer.present is True
    assert [pidOf(p) for p in rest[:3]] == [0, PMT_PID, VIDEO] and randomAccess(rest[2])
    path = tmp_path / "gap.ts"
    path.write_bytes(b"".join(out + rest))
    [programme] = ffprobePrograms(path)
    assert programme["program_num"] == SERVICE
    assert decodeErrors(path) == ""


def test_a_new_pmt_version_brings_its_pids(source: Source, tmp_path: Path) -> None:
    # From the middle, service 2's PMT lists service 3's audio instead of its own.
    middle = len(packetsOf(source.data)) // 2
    changed = pmtSection(SERVICE, 1, VIDEO, [(0x02, VIDEO), (0x03, 0x302)])
    data = replaceTables(source.data, PMT_PID, middle, changed)
    remuxer = ServiceRemuxer(SERVICE)
    [out] = remuxFiles(data, remuxer=remuxer)
    assert remuxer.streams == {VIDEO: 0x02, 0x302: 0x03}
    packets = packetsOf(out)
    newPmt = packets.index(next(p for p in packets if pidOf(p) == PMT_PID
                                and sections(p, PMT_PID) == [changed]))
    assert AUDIO not in {pidOf(p) for p in packets[newPmt:]}
    joined = [p for p in packets[newPmt:] if pidOf(p) == 0x302]
    # The new PID is taken up from the chunk after the one with the new PMT,
    # at its first PES start there.
    sourcePackets = packetsOf(data)
    announced = firstIndex(sourcePackets, lambda p: pidOf(p) == PMT_PID, middle)
    nextChunk = (announced // 7 + 1) * 7
    start = firstIndex(sourcePackets, lambda p: pidOf(p) == 0x302 and startsUnit(p), nextChunk)
    assert joined == ofPids(sourcePackets[start:], {0x302})
    path = tmp_path / "changed.ts"
    path.write_bytes(out)
    assert decodeErrors(path) == ""


def test_a_new_pmt_pid_is_followed_and_the_pat_version_goes_up(source: Source) -> None:
    middle = len(packetsOf(source.data)) // 2
    tsid = source.mux.transportStreamId
    moved = patSection(tsid, 1, {1: 0x1000, 2: 0x1005, 3: 0x1002})
    data = replaceTables(source.data, 0, middle, moved)
    [original] = set(sections(source.data, PMT_PID))
    data = replaceTables(data, PMT_PID, middle, original, newPid=0x1005)
    [out] = remuxFiles(data)
    tables = [parseProgramAssociationTableSection(s) for s in sections(out, 0)]
    versions = [(t["version"], t["transport_streams"][tsid]) for t in tables]
    before, after = (0, {SERVICE: PMT_PID}), (1, {SERVICE: 0x1005})
    assert versions[0] == before and versions[-1] == after
    assert versions == [before] * versions.count(before) + [after] * versions.count(after)
    assert set(sections(out, 0x1005)) == {original}
    assert ofPids(out, {VIDEO}) == ofPids(expectedStreams(source.data, source.firstKeyframe()),
                                          {VIDEO})


# -------------------------------------------------- where files begin
@pytest.fixture(scope="module")
def h264(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    return makeMultiplex(tmp_path_factory.mktemp("h264") / "mux.ts",
                         [Service(1, "ONE", "P"), Service(2, "TWO", "P")],
                         seconds=3.0, codec="libx264", audio="aac")


@pytest.mark.parametrize("codec", ["mpeg2video", "libx264"])
def test_keyframes_are_found_without_the_random_access_flag(
        codec: str, source: Source, h264: Multiplex, tmp_path: Path) -> None:
    original = source.mux.path.read_bytes() if codec == "mpeg2video" else h264.path.read_bytes()
    keyframes = [i for i, p in enumerate(packetsOf(original))
                 if pidOf(p) == VIDEO and randomAccess(p)]
    data = withoutRandomAccessFlags(original)
    # Asked for a new file just after the first keyframe: the next one starts it.
    # (The reader holds the packet after the keyframe back when the request comes.)
    first, new = remuxFiles(data, splitAt=[(keyframes[0] + 2) * PACKET], chunk=PACKET)
    assert packetsOf(first)[2] == packetsOf(data)[keyframes[0]]
    assert packetsOf(new)[2] == packetsOf(data)[keyframes[1]]
    path = tmp_path / "new.ts"
    path.write_bytes(new)
    assert decodeErrors(path) == ""


def test_a_stream_without_random_access_points_starts_after_a_while() -> None:
    pat = tsPacket(0, 0, b"\0" + patSection(1, 0, {5: 0x500}), start=True)
    pmt = tsPacket(0x500, 0, b"\0" + pmtSection(5, 0, 0x501, [(0x10, 0x501)]), start=True)
    video = [tsPacket(0x501, n, PES + b"\0\0\1\xb6", start=True) for n in range(300)]
    remuxer = ServiceRemuxer(5)
    out = packetsOf(remuxer.feed(pat + pmt + b"".join(video)) + remuxer.flush())
    assert out[2:] == video[remux.KEYFRAME_PATIENCE:]


@given(st.binary(min_size=1, max_size=400))
@settings(max_examples=200, deadline=None)
def test_finding_decodable_starts_never_fails(data: bytes) -> None:
    for streamType in (0x01, 0x02, 0x1B, 0x24, 0x10, 0x06):
        remux._startsDecodable(data, streamType)


# ---------------------------------------------------------------- fuzz
@given(st.binary(max_size=6000), st.integers(1, 3000))
@settings(max_examples=200, deadline=None)
def test_random_bytes_do_not_upset_it(data: bytes, chunk: int) -> None:
    [out] = remuxFiles(data, chunk=chunk)
    assert len(out) % PACKET == 0


@pytest.fixture(scope="module")
def prefix(source: Source) -> bytes:
    """The first 1500 packets: tables, keyframes and some of every stream."""
    return source.data[:1500 * PACKET]


def test_a_mutated_stream_does_not_upset_it(prefix: bytes) -> None:
    start = prefix[:400 * PACKET]               # (the tables and service 2's first keyframe)

    @given(st.lists(st.tuples(st.integers(0, len(start) - 1), st.integers(0, 255)),
                    max_size=40),
           st.integers(50, 5000), st.lists(st.integers(0, len(start)), max_size=3))
    @settings(max_examples=200, deadline=None)
    def check(flips: list[tuple[int, int]], chunk: int, splits: list[int]) -> None:
        data = bytearray(start)
        for at, value in flips:
            data[at] = value
        for out in remuxFiles(bytes(data), splitAt=splits, chunk=chunk):
            assert len(out) % PACKET == 0
            assert all(p[0] == 0x47 for p in packetsOf(out))

    check()


def fuzzedTable(tableId: int, body: bytes) -> bytes:
    length = min(len(body) + 4, 1021)
    return section(bytes([tableId, 0xB0 | length >> 8, length & 0xFF]) + body[:length - 4])


def test_tables_with_good_crcs_and_odd_contents_do_not_upset_it(prefix: bytes) -> None:
    packets = packetsOf(prefix)

    @given(st.lists(st.tuples(st.sampled_from([0, PMT_PID]), st.binary(min_size=5, max_size=300),
                              st.integers(0, len(packets) - 1)), min_size=1, max_size=8))
    @settings(max_examples=250, deadline=None)
    def check(tables: list[tuple[int, bytes, int]]) -> None:
        changed = list(packets)
        for pid, body, at in tables:
            table = fuzzedTable(0x00 if pid == 0 else 0x02, body)
            made, _ = packetise(pid, [table], changed[at][3] & 0x0F)
            changed[at:at + 1] = packetsOf(made)
        remuxer = ServiceRemuxer(SERVICE)
        for out in remuxFiles(b"".join(changed), remuxer=remuxer, splitAt=[len(prefix) // 2]):
            assert len(out) % PACKET == 0
        assert all(0x10 <= pid < 0x1FFF for pid in remuxer.streams)

    check()


def test_where_the_chunks_are_cut_does_not_matter(prefix: bytes) -> None:
    whole = ServiceRemuxer(SERVICE)
    expected = whole.feed(prefix) + whole.flush()
    assert len(expected) > 100 * PACKET

    @given(st.lists(st.integers(0, len(prefix)), max_size=10))
    @settings(max_examples=100, deadline=None)
    def check(cuts: list[int]) -> None:
        pieces = ServiceRemuxer(SERVICE)
        bounds = [0, *sorted(cuts), len(prefix)]
        got = b"".join(pieces.feed(prefix[a:b]) for a, b in zip(bounds, bounds[1:]))
        assert got + pieces.flush() == expected

    check()


# ----------------------------------------------------------- arguments
@pytest.mark.parametrize("bad,error,message", [
    (0, ValueError, r"service_id .* not 0"),
    (65536, ValueError, r"not 65536"),
    ("2", TypeError, r"must be an int, not '2'"),
    (True, TypeError, r"not True"),
])
def test_a_bad_service_id_is_refused(bad: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        ServiceRemuxer(bad)


def test_a_bad_buffer_size_is_refused() -> None:
    with pytest.raises(ValueError, match=r"bufferPackets .* not -1"):
        ServiceRemuxer(1, bufferPackets=-1)


def test_feed_takes_bytes_only() -> None:
    with pytest.raises(TypeError, match="bytes"):
        ServiceRemuxer(1).feed("a string")          # type: ignore[arg-type]


def test_the_module_docstring_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    doc = ast.get_docstring(ast.parse(Path(remux.__file__).read_text()), clean=False) or ""
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    [block] = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
    exec(compile(textwrap.dedent(block), "example", "exec"), {})
    assert capsys.readouterr().out.splitlines() == [
        "['0x0', '0x200', '0x201', '0x201']", "[1, 3]"]


# ----------------------------------------------------------- component
def chunksOf(data: bytes, size: int = UDP_CHUNK) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def test_the_component_sends_the_services_stream(source: Source, remuxed: Path) -> None:
    sink = run(ServiceRemux(SERVICE), chunksOf(source.data), [producerFinished()])
    assert b"".join(sink.got) == remuxed.read_bytes()
    assert [type(m) for m in sink.control] == [producerFinished]


def test_the_component_flushes_on_shutdown_microprocess(source: Source, remuxed: Path) -> None:
    sink = run(ServiceRemux(SERVICE), chunksOf(source.data), [shutdownMicroprocess()])
    assert b"".join(sink.got) == remuxed.read_bytes()
    assert [type(m) for m in sink.control] == [shutdownMicroprocess]


def test_the_component_marks_where_each_new_file_begins(
        source: Source, run_rounds: Callable[[int], bool]) -> None:
    middle = len(source.data) // 2 // UDP_CHUNK * UDP_CHUNK
    target = ServiceRemux(SERVICE)
    sink = Collector()
    for box in ("outbox", "newfile"):               # both into one inbox: in stream order
        target.link((target, box), (sink, "inbox"))
    target.link((target, "signal"), (sink, "control"))
    target.inboxes["inbox"].extend(chunksOf(source.data[:middle]))
    target.activate()
    sink.activate()
    run_rounds(20)
    assert not target.dataReady("inbox")
    target.inboxes["split"].extend(["first.ts", "second.ts"])   # (the second wins)
    target.inboxes["inbox"].extend(chunksOf(source.data[middle:]))
    target.inboxes["control"].append(producerFinished())
    target.unpause()
    assert run_rounds(1000)
    assert [m for m in sink.got if isinstance(m, str)] == ["second.ts"]
    at = sink.got.index("second.ts")
    expected = remuxFiles(source.data, splitAt=[middle])
    assert [b"".join(sink.got[:at]), b"".join(sink.got[at + 1:])] == expected


def test_the_component_waits_for_a_full_destination(source: Source, remuxed: Path,
                                                    run_rounds: Callable[[int], bool]) -> None:
    target = ServiceRemux(SERVICE)
    sink = Collector()
    sink.setInboxSize("inbox", 2)
    target.link((target, "outbox"), (sink, "inbox"))
    target.link((target, "signal"), (sink, "control"))
    target.inboxes["inbox"].extend(chunksOf(source.data, 20 * PACKET))
    target.inboxes["control"].append(producerFinished())
    target.activate()
    run_rounds(20)                                  # the sink is not running yet
    assert len(sink.inboxes["inbox"]) == 2 and not target._isStopped()
    sink.activate()
    run_rounds(100_000)
    assert target._isStopped()
    assert b"".join(sink.got) == remuxed.read_bytes()


def test_the_component_skips_what_is_not_bytes(source: Source, remuxed: Path,
                                               caplog: pytest.LogCaptureFixture) -> None:
    chunks = chunksOf(source.data)
    inbox = chunks[:5] + [{"not": "bytes"}] + chunks[5:]
    target = ServiceRemux(SERVICE)
    with caplog.at_level(logging.ERROR, logger="Kamaelia.Apps.TVRecorder.remux"):
        sink = run(target, inbox, [producerFinished()])
    assert b"".join(sink.got) == remuxed.read_bytes()
    [record] = [r for r in caplog.records if r.name == "Kamaelia.Apps.TVRecorder.remux"]
    assert target.name in record.getMessage() and "not" in record.getMessage()

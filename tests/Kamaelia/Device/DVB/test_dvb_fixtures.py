"""The transport-stream fixtures (``tests/tsfixtures.py``) make what they say.

The multiplex is checked with ffprobe; the inserted tables with a small
reader written here (packets, PCRs, sections, EIT/TDT fields, a bit-at-a-time
CRC-32/MPEG-2), independent of both the fixtures' writer and the library,
and with ffmpeg's own demuxer, which checks each EIT section's CRC before it
hands the section on as a packet of its "epg" stream.
"""

from __future__ import annotations

import socket
import struct
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tsfixtures import (BASE, EIT_PID, TDT_PID, InsertedTables, Multiplex, Programme,
                        RTPStreamer, Service, UDPStreamer, bcdDuration, corruptSection,
                        dropPackets, dvbText, eitSection, extendedEventDescriptors,
                        ffprobeDuration, ffprobeJson, ffprobePrograms, ffprobeStreams, insertEIT,
                        makeMultiplex, mjdTime, packetise, presentFollowing, withJunk)

SECOND = timedelta(seconds=1)
IO_TIMEOUT = 10.0

SERVICES = [Service(1, "BBC ONE", "BBC"), Service(2, "BBC TWO", "BBC"),
            Service(3, "ITV1", "ITV plc")]
LONG_TEXT = ("The day's news from around the United Kingdom and the rest of the world, "
             "with the weather for the week ahead, the sport, and a look at tomorrow's "
             "papers. Presented from the studio in Salford (subtitled).")
SCHEDULE: dict[int, list[Programme]] = {
    1: [Programme(101, "Six O'Clock News", LONG_TEXT, BASE - 600 * SECOND, 602 * SECOND),
        Programme(102, "Café Society", "A film about a café.", BASE + 2 * SECOND, 2 * SECOND,
                  extendedText="Directed by Woody Allen, 2016.",
                  items=(("Director", "Woody Allen"), ("Year", "2016"))),
        Programme(103, "Late Film", "Another film.", BASE + 4 * SECOND, 3600 * SECOND)],
    2: [Programme(201, "Quiz", "A quiz.", BASE - 30 * SECOND, 33 * SECOND),
        Programme(202, "Gardening", "Roses.", BASE + 3 * SECOND, 1800 * SECOND)],
    3: [Programme(301, "Weather", "Rain.", BASE - 5 * SECOND, 6 * SECOND),
        Programme(302, "Drama", "A drama.", BASE + 3 * SECOND, 3600 * SECOND)],
}
PROGRAMMES = {p.event_id: p for programmes in SCHEDULE.values() for p in programmes}
# Stream times at which a service's present/following pair changes.
BOUNDARIES = {1: [2.0, 4.0], 2: [3.0], 3: [1.0, 3.0]}
# (present, following) event ids, written out by hand, at stream times well
# clear of the boundaries (0.3 s: more than the 0.08 s between ffmpeg's PCRs,
# by which this test's clock may lag the fixtures' interpolated one).
EXPECTED: dict[int, dict[float, tuple[int | None, int | None]]] = {
    1: {0.3: (101, 102), 1.7: (101, 102), 2.3: (102, 103), 3.7: (102, 103),
        4.3: (103, None), 5.5: (103, None)},
    2: {0.3: (201, 202), 2.7: (201, 202), 3.3: (202, None), 5.5: (202, None)},
    3: {0.3: (301, 302), 0.7: (301, 302), 1.3: (None, 302), 2.7: (None, 302),
        3.3: (302, None), 5.5: (302, None)},
}


# ------------------------------------------------------------ a small reader
@dataclass
class Packet:
    index: int
    pid: int
    unitStart: bool
    continuity: int
    adaptation: int         # adaptation_field_control
    payload: bytes
    pcr: int | None


def readPackets(data: bytes) -> list[Packet]:
    packets = []
    for index in range(len(data) // 188):
        raw = data[index * 188:(index + 1) * 188]
        control = (raw[3] >> 4) & 3
        start, pcr = 4, None
        if control & 2:
            length = raw[4]
            if length and raw[5] & 0x10:
                value = int.from_bytes(raw[6:12], "big")
                pcr = (value >> 15) * 300 + (value & 0x1FF)
            start = 5 + length
        packets.append(Packet(index, int.from_bytes(raw[1:3], "big") & 0x1FFF,
                              bool(raw[1] & 0x40), raw[3] & 0x0F, control,
                              raw[start:] if control & 1 else b"", pcr))
    return packets


def clock(packets: list[Packet], pid: int = 0x101) -> list[float]:
    """Per packet: seconds since the first PCR on ``pid``, by the last PCR
    seen at or before it (0 before the first)."""
    times, first, now = [], None, 0.0
    for packet in packets:
        if packet.pid == pid and packet.pcr is not None:
            first = packet.pcr if first is None else first
            now = (packet.pcr - first) / 27e6
        times.append(now)
    return times


@dataclass
class Found:
    data: bytes
    packet: int             # index of the packet the section starts in


def readSections(packets: list[Packet], pid: int) -> list[Found]:
    """Every section on ``pid``: its payloads joined, walked from each
    pointer_field's start; checks that sections begin only where a pointer
    (or the end of the section before) says."""
    stream = bytearray()
    owner: list[int] = []
    pointed: list[int] = []
    for packet in packets:
        if packet.pid != pid or not packet.payload:
            continue
        payload = packet.payload
        if packet.unitStart:
            pointed.append(len(stream) + payload[0])
            payload = payload[1:]
        stream += payload
        owner += [packet.index] * len(payload)
    found: list[Found] = []
    beginnings: dict[int, int] = {}         # packet index -> first section start in it
    pos = 0
    for start in pointed:
        if start < pos:                     # (walked to already, from the section before)
            continue
        pos = start
        while pos < len(stream) and stream[pos] != 0xFF:
            length = 3 + (int.from_bytes(stream[pos + 1:pos + 3], "big") & 0x0FFF)
            if pos + length > len(stream):
                break
            beginnings.setdefault(owner[pos], pos)
            found.append(Found(bytes(stream[pos:pos + length]), owner[pos]))
            pos += length
    # A section may begin only in a packet that says so, whose pointer_field
    # gives the first section beginning in it.
    starts = {owner[start]: start for start in pointed if start < len(stream)}
    assert beginnings == {index: starts[index] for index in beginnings}, "a start without PUSI"
    assert set(starts) <= set(beginnings), "a pointer to no section"
    return found


def crcBitwise(data: bytes) -> int:
    """CRC-32/MPEG-2 one bit at a time, as ISO/IEC 13818-1 Annex A draws it."""
    crc = 0xFFFFFFFF
    for byte in data:
        for bit in range(7, -1, -1):
            feedback = ((crc >> 31) ^ (byte >> bit)) & 1
            crc = (crc << 1) & 0xFFFFFFFF
            if feedback:
                crc ^= 0x04C11DB7
    return crc


def fromMjd(raw: bytes) -> datetime:
    """EN 300 468 Annex C's formula (MJD to year, month, day) and BCD time."""
    mjd = int.from_bytes(raw[:2], "big")
    y1 = int((mjd - 15078.2) / 365.25)
    m1 = int((mjd - 14956.1 - int(y1 * 365.25)) / 30.6001)
    day = mjd - 14956 - int(y1 * 365.25) - int(m1 * 30.6001)
    k = 1 if m1 in (14, 15) else 0
    hour, minute, second = [(b >> 4) * 10 + (b & 15) for b in raw[2:5]]
    return datetime(1900 + y1 + k, m1 - 1 - k * 12, day, hour, minute, second,
                    tzinfo=timezone.utc)


def fromBcd(raw: bytes) -> timedelta:
    h, m, s = [(b >> 4) * 10 + (b & 15) for b in raw]
    return timedelta(hours=h, minutes=m, seconds=s)


def text(raw: bytes) -> str:
    if raw[:1] == b"\x15":
        return raw[1:].decode("utf-8")
    assert not raw or raw[0] >= 0x20, f"an unexpected character table {raw[0]:#x}"
    return raw.decode("ascii")


def decodeEit(section: bytes) -> dict[str, Any]:
    assert section[1] & 0x80, "section_syntax_indicator"
    out: dict[str, Any] = {
        "table": section[0], "service": int.from_bytes(section[3:5], "big"),
        "version": (section[5] >> 1) & 0x1F, "current": section[5] & 1,
        "number": section[6], "last": section[7],
        "tsid": int.from_bytes(section[8:10], "big"), "onid": int.from_bytes(section[10:12], "big"),
        "segmentLast": section[12], "lastTable": section[13], "events": []}
    pos = 14
    while pos < len(section) - 4:
        loop = int.from_bytes(section[pos + 10:pos + 12], "big") & 0x0FFF
        descriptors: list[tuple[int, bytes]] = []
        at, end = pos + 12, pos + 12 + loop
        while at < end:
            descriptors.append((section[at], section[at + 2:at + 2 + section[at + 1]]))
            at += 2 + section[at + 1]
        assert at == end, "descriptors overrun their loop"
        out["events"].append({
            "id": int.from_bytes(section[pos:pos + 2], "big"),
            "start": fromMjd(section[pos + 2:pos + 7]), "duration": fromBcd(section[pos + 7:pos + 10]),
            "running": section[pos + 10] >> 5, "freeCA": (section[pos + 10] >> 4) & 1,
            "descriptors": descriptors})
        pos = end
    assert pos == len(section) - 4, "the event loop overruns the section"
    return out


def shortEvent(body: bytes) -> tuple[str, str, str]:
    nameEnd = 4 + body[3]
    return body[:3].decode("ascii"), text(body[4:nameEnd]), text(body[nameEnd + 1:nameEnd + 1 + body[nameEnd]])


def extendedEvent(body: bytes) -> tuple[int, int, list[tuple[str, str]], str]:
    items, at, end = [], 5, 5 + body[4]
    while at < end:
        description = text(body[at + 1:at + 1 + body[at]])
        at += 1 + body[at]
        items.append((description, text(body[at + 1:at + 1 + body[at]])))
        at += 1 + body[at]
    return body[0] >> 4, body[0] & 15, items, text(body[end + 1:end + 1 + body[end]])


def dataPackets(path: Path) -> list[bytes]:
    """The sections ffmpeg's demuxer accepted on the EIT PID (its "epg" stream)."""
    probe = ffprobeJson(path, "-show_packets", "-show_data", "-select_streams", "d")
    found = []
    for packet in probe.get("packets", []):
        lines = packet["data"].strip().split("\n")
        found.append(bytes.fromhex("".join(line.split(": ", 1)[1][:39].replace(" ", "")
                                           for line in lines)))
    return found


# --------------------------------------------------------------- fixtures
@dataclass
class Made:
    mux: Multiplex
    source: bytes
    tables: InsertedTables
    data: bytes
    packets: list[Packet]
    times: list[float]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    folder = tmp_path_factory.mktemp("dvbfixtures")
    mux = makeMultiplex(folder / "mux.ts", SERVICES, seconds=6.0)
    tables = insertEIT(mux.path, folder / "eit.ts", SCHEDULE)
    data = tables.path.read_bytes()
    packets = readPackets(data)
    return Made(mux, mux.path.read_bytes(), tables, data, packets, clock(packets))


def eitSections(made: Made) -> list[tuple[float, dict[str, Any], bytes]]:
    return [(made.times[found.packet], decodeEit(found.data), found.data)
            for found in readSections(made.packets, EIT_PID)]


# -------------------------------------------------------------- the multiplex
def test_the_multiplex_has_each_service_by_name_provider_id_and_pid(made: Made) -> None:
    programs = {p["program_num"]: p for p in ffprobePrograms(made.mux.path)}
    assert sorted(programs) == [1, 2, 3]
    for i, service in enumerate(SERVICES):
        program = programs[service.serviceId]
        assert program["tags"] == {"service_name": service.name, "service_provider": service.provider}
        assert program["pmt_pid"] == 0x1000 + i
        pids = {s["codec_type"]: (int(s["id"], 16), s["codec_name"]) for s in program["streams"]}
        assert pids == {"video": (0x100 * (i + 1) + 1, "mpeg2video"),
                        "audio": (0x100 * (i + 1) + 2, "mp2")}
        info = made.mux.service(service.name)
        assert (info.serviceId, info.provider, info.pmtPid, info.videoPid, info.audioPid) == \
            (service.serviceId, service.provider, 0x1000 + i, pids["video"][0], pids["audio"][0])
    assert 5.9 < made.mux.duration < 6.2
    with pytest.raises(KeyError, match="'BBC THREE'"):
        made.mux.service("BBC THREE")


def test_the_multiplex_ids_and_clock_are_those_in_its_tables(made: Made) -> None:
    packets = readPackets(made.source)
    pat = readSections(packets, 0x00)[0].data
    sdt = next(f.data for f in readSections(packets, 0x11) if f.data[0] == 0x42)
    assert int.from_bytes(pat[3:5], "big") == made.mux.transportStreamId == 0x1044
    assert int.from_bytes(sdt[8:10], "big") == made.mux.originalNetworkId == 0x233A
    pcrs = [p.pcr for p in packets if p.pid == made.mux.pcrPid and p.pcr is not None]
    assert (pcrs[0], pcrs[-1]) == (made.mux.firstPcr, made.mux.lastPcr)
    assert made.mux.span == pytest.approx((pcrs[-1] - pcrs[0]) / 27e6)
    assert made.mux.clockAt(1.0) == pytest.approx(pcrs[0] / 27e6 + 1.0)


def test_the_services_can_be_told_apart(made: Made) -> None:
    digests = set()
    for i in range(len(SERVICES)):
        for kind in "va":
            result = subprocess.run(
                ["ffmpeg", "-v", "error", "-nostdin", "-i", str(made.mux.path),
                 "-map", f"0:p:{SERVICES[i].serviceId}:{kind}", "-t", "1", "-f", "md5", "-"],
                capture_output=True, text=True, timeout=60, check=True)
            digests.add((kind, result.stdout.strip()))
    assert len(digests) == 2 * len(SERVICES)


def test_a_multiplex_in_h264_and_aac(tmp_path: Path) -> None:
    mux = makeMultiplex(tmp_path / "h264.ts", SERVICES[:2], seconds=2.0, codec="libx264", audio="aac")
    codecs = sorted((s["codec_type"], s["codec_name"], s["id"]) for s in ffprobeStreams(mux.path))
    assert codecs == [("audio", "aac", "0x102"), ("audio", "aac", "0x202"),
                      ("video", "h264", "0x101"), ("video", "h264", "0x201")]
    assert [s.name for s in mux.services] == ["BBC ONE", "BBC TWO"]
    assert 1.9 < ffprobeDuration(mux.path) < 2.2


@pytest.mark.parametrize("argd, message", [
    ({"services": []}, "from 1 to 8 services, not 0"),
    ({"services": [(1, "A", "p"), (1, "B", "p")]}, r"distinct.*\[1, 1\]"),
    ({"codec": "vp9"}, "codec must be one of .* not 'vp9'"),
    ({"audio": "opus"}, "audio must be one of .* not 'opus'"),
    ({"seconds": 0}, "seconds must be positive, not 0"),
])
def test_makeMultiplex_refuses_bad_arguments(tmp_path: Path, argd: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"services": SERVICES, **argd}
    with pytest.raises(ValueError, match=message):
        makeMultiplex(tmp_path / "x.ts", **arguments)
    assert not (tmp_path / "x.ts").exists()


# ------------------------------------------------------------ insertEIT
def test_insertEIT_keeps_the_programs_streams_and_durations(made: Made) -> None:
    def programs(path: Path) -> list[Any]:
        return [(p["program_num"], p["tags"], p["pmt_pid"], p["pcr_pid"],
                 [(s["id"], s["codec_name"], s["duration"]) for s in p["streams"]])
                for p in ffprobePrograms(path)]

    assert programs(made.tables.path) == programs(made.mux.path)
    assert ffprobeDuration(made.tables.path) == pytest.approx(made.mux.duration, abs=0.05)
    before = [(s["id"], s["codec_name"], s["duration"]) for s in ffprobeStreams(made.mux.path)]
    after = [(s["id"], s["codec_name"], s.get("duration")) for s in ffprobeStreams(made.tables.path)]
    # ffmpeg's demuxer shows the EIT it found as an "epg" data stream.
    assert [a for a in after if a[1] != "epg"] == before
    assert [a[:2] for a in after if a[1] == "epg"] == [("0x12", "epg")]


def test_every_packet_is_188_bytes_from_a_sync_byte(made: Made) -> None:
    for data in (made.source, made.data):
        assert len(data) % 188 == 0
        assert all(data[at] == 0x47 for at in range(0, len(data), 188))


def test_the_source_packets_are_all_kept_in_order(made: Made) -> None:
    kept = b"".join(made.data[p.index * 188:(p.index + 1) * 188]
                    for p in made.packets if p.pid not in (EIT_PID, TDT_PID))
    assert kept == made.source
    assert len(made.data) > len(made.source)


def test_continuity_counters_on_the_new_pids_count_from_zero(made: Made) -> None:
    for pid in (EIT_PID, TDT_PID):
        mine = [p for p in made.packets if p.pid == pid]
        assert len(mine) > (16 if pid == EIT_PID else 5)    # (the EIT's counter wraps)
        assert [p.continuity for p in mine] == [i % 16 for i in range(len(mine))]
        assert {p.adaptation for p in mine} == {1}  # payload only


def test_every_inserted_eit_section_has_a_valid_crc(made: Made) -> None:
    assert crcBitwise(b"123456789") == 0x0376E6E7
    # This CRC also agrees with ffmpeg's, on the tables ffmpeg wrote.
    packets = readPackets(made.source)
    for pid in (0x00, 0x11, 0x1000):
        assert crcBitwise(readSections(packets, pid)[0].data) == 0
    found = readSections(made.packets, EIT_PID)
    assert len(found) == len([s for s in made.tables.sections if s.pid == EIT_PID]) > 50
    for section in found:
        assert section.data[0] == 0x4E
        assert crcBitwise(section.data) == 0, section.data.hex()


def test_ffmpeg_accepts_every_eit_section(made: Made, tmp_path: Path) -> None:
    # ffmpeg's demuxer hands on only the last section completed in a TS
    # packet, so for this check every section starts a packet of its own.
    tables = insertEIT(made.mux.path, tmp_path / "unpacked.ts", SCHEDULE, pack=False)
    ours = [s.section for s in tables.sections if s.pid == EIT_PID]
    assert dataPackets(tables.path) == ours
    assert ours == [s.section for s in made.tables.sections if s.pid == EIT_PID]


def test_sections_are_split_across_packets_and_packed_together(made: Made) -> None:
    eit = [p for p in made.packets if p.pid == EIT_PID]
    assert any(not p.unitStart for p in eit), "no section went on into a next packet"
    assert any(p.unitStart and p.payload[0] > 0 for p in eit), "no section began mid-packet"
    # Each PUSI packet's pointer names the first section beginning in it.
    found = readSections(made.packets, EIT_PID)
    firsts = {f.packet for f in found}
    assert firsts == {p.index for p in eit if p.unitStart}


def test_a_section_that_would_start_at_a_packets_last_byte_waits_for_the_next() -> None:
    # 183 bytes after the first pointer_field, then 183 of the 184 of a
    # continuation packet: the next section cannot start in its last byte.
    first = bytes([0x4E, 0xF1, 0x6B]) + bytes(363)       # 366 bytes
    second = bytes([0x4E, 0xF0, 5]) + bytes(range(1, 6))
    packets, continuity = packetise(0x12, [first, second], continuity=15)
    assert (len(packets), continuity) == (3 * 188, 2)
    parsed = readPackets(packets)
    assert [(p.unitStart, p.continuity) for p in parsed] == [(True, 15), (False, 0), (True, 1)]
    assert parsed[1].payload[-1] == 0xFF and parsed[2].payload[0] == 0
    assert [f.data for f in readSections(parsed, 0x12)] == [first, second]


def test_a_section_header_may_straddle_two_packets() -> None:
    first = bytes([0x4E, 0xF0, 179]) + bytes(179)        # 182 bytes: 1 byte left
    second = bytes([0x4E, 0xF0, 200]) + bytes(range(200))
    packets, _ = packetise(0x12, [first, second])
    parsed = readPackets(packets)
    assert parsed[0].payload[0] == 0 and parsed[0].payload[-1] == 0x4E
    assert [p.unitStart for p in parsed] == [True, False, False]
    assert [f.data for f in readSections(parsed, 0x12)] == [first, second]


def test_present_and_following_at_several_times_are_the_scheduled_ones(made: Made) -> None:
    eit = eitSections(made)
    for serviceId, expected in EXPECTED.items():
        for t, (present, following) in expected.items():
            latest: dict[int, dict[str, Any]] = {}
            for when, table, _ in eit:
                if when <= t and table["service"] == serviceId:
                    latest[table["number"]] = table
            got = tuple(latest[n]["events"][0]["id"] if latest[n]["events"] else None
                        for n in (0, 1))
            assert got == (present, following), f"service {serviceId} at {t} s"


def servicePairs(made: Made, serviceId: int) -> list[tuple[float, int, tuple[Any, ...]]]:
    """(time, version, (present id, following id)) of each present/following
    pair sent for the service (its sections 0 and 1 go out together)."""
    tables = [(when, table) for when, table, _ in eitSections(made) if table["service"] == serviceId]
    assert [table["number"] for _, table in tables] == [0, 1] * (len(tables) // 2)
    pairs = []
    for (when, present), (_, following) in zip(tables[0::2], tables[1::2]):
        assert present["version"] == following["version"]
        pairs.append((when, present["version"],
                      tuple(t["events"][0]["id"] if t["events"] else None for t in (present, following))))
    return pairs


@pytest.mark.parametrize("interval", [0.5, 1.7])
def test_a_programme_change_is_announced_at_once(made: Made, tmp_path: Path,
                                                 interval: float) -> None:
    if interval != 0.5:     # (between repeats too: the change does not wait for one)
        tables = insertEIT(made.mux.path, tmp_path / "slow.ts", SCHEDULE, interval=interval)
        packets = readPackets(tables.path.read_bytes())
        made = Made(made.mux, made.source, tables, tables.path.read_bytes(), packets,
                    clock(packets))
    for serviceId, boundaries in BOUNDARIES.items():
        pairs = servicePairs(made, serviceId)
        changes = [b[0] for a, b in zip(pairs, pairs[1:]) if a[2] != b[2]]
        assert len(changes) == len(boundaries)
        for when, boundary in zip(changes, boundaries):
            assert boundary - 0.1 <= when <= boundary + 0.01, (serviceId, boundary)
        if interval != 0.5:
            assert 1.7 - 0.1 < max(b[0] - a[0] for a, b in zip(pairs, pairs[1:])) < 1.7 + 0.1


def test_eit_repeats_at_least_every_half_second_per_service(made: Made) -> None:
    eit = eitSections(made)
    for serviceId in SCHEDULE:
        times = [when for when, table, _ in eit if table["service"] == serviceId
                 and table["number"] == 0]
        assert times[0] == 0.0
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert max(gaps) < 0.5 + 0.1            # (this clock steps every 0.08 s)
        assert times[-1] > made.mux.span - 0.6


def test_eit_versions_change_exactly_when_the_pair_changes(made: Made) -> None:
    for serviceId in SCHEDULE:
        pairs = servicePairs(made, serviceId)
        assert pairs[0][1] == 0
        for (_, v0, p0), (_, v1, p1) in zip(pairs, pairs[1:]):
            assert (v1 == v0) == (p1 == p0) and v1 in (v0, v0 + 1), (serviceId, v0, p0, v1, p1)


def test_eit_events_carry_the_scheduled_times_names_and_texts(made: Made) -> None:
    seen = set()
    for _, table, _ in eitSections(made):
        assert (table["table"], table["current"], table["last"], table["segmentLast"],
                table["lastTable"]) == (0x4E, 1, 1, 1, 0x4E)
        assert (table["tsid"], table["onid"]) == (0x1044, 0x233A)
        assert len(table["events"]) <= 1
        for event in table["events"]:
            programme = PROGRAMMES[event["id"]]
            assert programme.event_id in [p.event_id for p in SCHEDULE[table["service"]]]
            assert (event["start"], event["duration"]) == (programme.start, programme.duration)
            assert (event["running"], event["freeCA"]) == ((4, 0) if table["number"] == 0 else (1, 0))
            tags = [tag for tag, _ in event["descriptors"]]
            assert shortEvent(event["descriptors"][0][1]) == ("eng", programme.title, programme.text)
            if programme.event_id == 102:
                assert tags == [0x4D, 0x4E]
                assert extendedEvent(event["descriptors"][1][1]) == \
                    (0, 0, [("Director", "Woody Allen"), ("Year", "2016")],
                     "Directed by Woody Allen, 2016.")
            else:
                assert tags == [0x4D]
            seen.add(event["id"])
    assert seen == set(PROGRAMMES)


def test_times_are_written_as_en_300_468_annex_c_says() -> None:
    # Annex C's example: 93/10/13 12:45:00 is 0xC079124500 (MJD 49273).
    example = datetime(1993, 10, 13, 12, 45, tzinfo=timezone.utc)
    assert mjdTime(example) == bytes.fromhex("C079124500")
    assert fromMjd(bytes.fromhex("C079124500")) == example
    assert bcdDuration(timedelta(hours=1, minutes=45, seconds=30)) == bytes.fromhex("014530")
    assert fromMjd(mjdTime(BASE + 600 * SECOND)) == BASE + 600 * SECOND


def test_the_tdt_gives_base_plus_stream_time_each_second(made: Made) -> None:
    found = readSections(made.packets, TDT_PID)
    assert len(found) in (int(made.mux.span) + 1, int(made.mux.span) + 2)
    for k, section in enumerate(found):
        assert section.data[:3] == bytes([0x70, 0x70, 0x05])      # no CRC: 5 bytes of time
        assert fromMjd(section.data[3:]) == BASE + k * SECOND
        assert k - 0.1 <= made.times[section.packet] <= k + 0.01


def test_the_text_encoding_and_extended_event_splitting() -> None:
    assert dvbText("BBC ONE") == b"BBC ONE"
    assert dvbText("Café") == b"\x15Caf\xc3\xa9"
    assert dvbText("#1 $") == b"\x15#1 $"       # (not in the default table's ASCII share)
    descriptors = extendedEventDescriptors("word " * 120, [("Cast", "Someone")])
    assert len(descriptors) == 3
    parsed = [extendedEvent(d[2:]) for d in descriptors]
    assert all(d[0] == 0x4E and d[1] == len(d) - 2 <= 255 for d in descriptors)
    assert [(n, last) for n, last, _, _ in parsed] == [(0, 2), (1, 2), (2, 2)]
    assert [items for _, _, items, _ in parsed] == [[("Cast", "Someone")], [], []]
    assert "".join(t for _, _, _, t in parsed) == "word " * 120


def test_an_empty_section_when_there_is_no_event() -> None:
    section = eitSection(7, 1, 2, 3, 1, None)
    assert len(section) == 18 and crcBitwise(section) == 0
    assert decodeEit(section)["events"] == []


def test_presentFollowing_across_a_gap() -> None:
    programmes = SCHEDULE[3]
    assert presentFollowing(programmes, BASE) == (programmes[0], programmes[1])
    assert presentFollowing(programmes, BASE + 2 * SECOND) == (None, programmes[1])
    assert presentFollowing(programmes, BASE + 4000 * SECOND) == (None, None)


@pytest.mark.parametrize("schedule, message", [
    ({9: []}, r"services \[9\] are not in the stream"),
    ({1: [Programme(1, "A", "", BASE, 10 * SECOND), Programme(2, "B", "", BASE + SECOND, SECOND)]},
     "'B' starts before 'A' ends"),
    ({1: [Programme(1, "A", "", BASE, SECOND), Programme(1, "B", "", BASE + SECOND, SECOND)]},
     "event ids must be distinct"),
    ({1: [Programme(1, "A", "", BASE, timedelta(seconds=1.5))]}, "'A' does not start and last whole"),
])
def test_insertEIT_refuses_bad_schedules(made: Made, tmp_path: Path,
                                         schedule: dict[int, list[Programme]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        insertEIT(made.mux.path, tmp_path / "x.ts", schedule)
    assert not (tmp_path / "x.ts").exists()


def test_insertEIT_refuses_a_source_with_eit_already(made: Made, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="already carries PID 0x12"):
        insertEIT(made.tables.path, tmp_path / "x.ts", {})


# ------------------------------------------------------------- damage
def test_withJunk_puts_junk_after_every_nth_packet(made: Made) -> None:
    data = made.data[:188 * 100]
    junky = withJunk(data, every=7, size=50)
    assert len(junky) == len(data) + 14 * 50
    rebuilt, junks = bytearray(), []
    at = 0
    for block in range(15):
        rebuilt += junky[at:at + 7 * 188]
        at += 7 * 188
        if block < 14:
            junks.append(junky[at:at + 50])
            at += 50
    assert bytes(rebuilt) == data
    assert len(set(junks)) == 14                  # different each time
    assert withJunk(data, 7, 50) == junky         # and the same each run
    with pytest.raises(ValueError, match="at least 1, not 0"):
        withJunk(data, 0, 5)


def test_dropPackets_drops_every_nth_packet_of_a_pid(made: Made) -> None:
    dropped = dropPackets(made.data, EIT_PID, every=4)
    before = [p for p in made.packets if p.pid == EIT_PID]
    after = readPackets(dropped)
    assert [p.continuity for p in after if p.pid == EIT_PID] == \
        [p.continuity for i, p in enumerate(before, 1) if i % 4]
    assert [p.payload for p in after if p.pid != EIT_PID] == \
        [p.payload for p in made.packets if p.pid != EIT_PID]


def test_corruptSection_breaks_only_the_nth_sections_crc(made: Made) -> None:
    damaged = corruptSection(made.data, EIT_PID, 5)
    assert sum(a != b for a, b in zip(damaged, made.data)) == 1 and len(damaged) == len(made.data)
    good = readSections(made.packets, EIT_PID)
    bad = readSections(readPackets(damaged), EIT_PID)
    assert len(bad) == len(good)
    assert [i for i, found in enumerate(bad) if crcBitwise(found.data) != 0] == [5]
    assert bad[5].data[:3] == good[5].data[:3]
    with pytest.raises(ValueError, match="fewer than 100000 sections"):
        corruptSection(made.data, EIT_PID, 99999)


# ------------------------------------------------------------- streaming
def receiver(host: str = "127.0.0.1", group: str | None = None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((group or host, 0))
    if group is not None:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                        socket.inet_aton(group) + socket.inet_aton("127.0.0.1"))
    sock.settimeout(IO_TIMEOUT)
    return sock


def receiveDatagrams(sock: socket.socket, total: int) -> list[bytes]:
    got, size = [], 0
    while size < total:
        datagram = sock.recv(65536)
        got.append(datagram)
        size += len(datagram)
    return got


def test_the_udp_streamer_delivers_every_byte_in_order(made: Made) -> None:
    with receiver() as sock:
        with UDPStreamer(made.tables.path, sock.getsockname()[1], realtime=False) as streamer:
            got = receiveDatagrams(sock, len(made.data))
            assert streamer.done.wait(IO_TIMEOUT)
    assert b"".join(got) == made.data
    assert {len(d) for d in got[:-1]} == {7 * 188} and 0 < len(got[-1]) <= 7 * 188
    assert (streamer.sentBytes, streamer.sentDatagrams) == (len(made.data), len(got))


def test_the_rtp_streamer_adds_rfc2250_headers(made: Made) -> None:
    with receiver() as sock:
        with RTPStreamer(made.tables.path, sock.getsockname()[1], realtime=False,
                         firstSequence=65530, ssrc=0x12345678) as streamer:
            got = receiveDatagrams(sock, len(made.data) + 12 * len(streamer.chunks))
    headers = [struct.unpack("!BBHII", d[:12]) for d in got]
    assert {(h[0], h[1], h[4]) for h in headers} == {(0x80, 33, 0x12345678)}
    assert [h[2] for h in headers] == [(65530 + i) & 0xFFFF for i in range(len(got))]
    stamps = [h[3] for h in headers]
    assert stamps[0] == 0 and stamps == sorted(stamps)
    assert stamps[-1] / 90_000 == pytest.approx(made.mux.span, abs=0.1)
    assert b"".join(d[12:] for d in got) == made.data


def test_the_streamer_sends_to_a_multicast_group_on_loopback(made: Made) -> None:
    with receiver(group="239.255.18.1") as sock:
        with UDPStreamer(made.tables.path, sock.getsockname()[1], host="239.255.18.1",
                         realtime=False):
            got = receiveDatagrams(sock, len(made.data))
    assert b"".join(got) == made.data


def test_a_realtime_stream_takes_at_least_its_duration_over_speed(made: Made) -> None:
    speed = 8.0
    # The last datagram leaves no earlier than the time of the PCR before it.
    lastStart = (len(made.packets) - 1) // 7 * 7
    pcrs = [p.pcr for p in made.packets[:lastStart + 1] if p.pid == 0x101 and p.pcr is not None]
    lowerBound = (pcrs[-1] - made.mux.firstPcr) / 27e6 / speed
    with receiver() as sock:
        began = time.monotonic()
        with UDPStreamer(made.tables.path, sock.getsockname()[1], speed=speed) as streamer:
            got = receiveDatagrams(sock, len(made.data))
            took = time.monotonic() - began
            assert streamer.done.wait(IO_TIMEOUT)
    assert b"".join(got) == made.data
    assert took >= lowerBound > 0.6


def test_a_looping_streamer_starts_again_until_stopped(made: Made) -> None:
    with receiver() as sock:
        streamer = UDPStreamer(made.tables.path, sock.getsockname()[1], speed=40.0, loop=True)
        with streamer:
            got = b"".join(receiveDatagrams(sock, 2 * len(made.data)))
            assert not streamer.done.is_set()
        assert streamer.done.is_set()
    assert got[:2 * len(made.data)] == made.data * 2


def test_streamer_arguments_are_checked(made: Made) -> None:
    with pytest.raises(ValueError, match="speed must be positive, not 0"):
        UDPStreamer(made.tables.path, 9, speed=0)
    with pytest.raises(ValueError, match="at least 1, not 0"):
        UDPStreamer(made.tables.path, 9, packetsPerDatagram=0)


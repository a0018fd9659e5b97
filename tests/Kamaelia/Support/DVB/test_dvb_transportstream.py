"""Kamaelia.Support.DVB.TransportStream: packet sync, headers, continuity, sections.

Packets are built here (``makePacket``, ``packetise``: an independent
multiplexer's view of 13818-1), and a real stream is made by ffmpeg; the
PAT is read back with a parser written in this file.
"""

from __future__ import annotations

import ast
import random
import re
import subprocess
import textwrap
from pathlib import Path
from typing import Sequence

import pytest
from hypothesis import given, settings, strategies as st

import Kamaelia.Support.DVB.TransportStream as TS
from Kamaelia.Support.DVB.CRC import crc32mpeg2, dvbcrc
from Kamaelia.Support.DVB.TransportStream import (
    ALL_PIDS, NULL_PID, Continuity, ContinuityChecker, Header, PacketReader, SectionAssembler,
    TransportStreamError, detectPacketSize, packetHeader, pidOf)


# ------------------------------------------------------------------ helpers

def makePacket(pid: int, counter: int = 0, payload: bytes | None = b"", pusi: bool = False,
               adaptation: bytes | None = None, tei: bool = False, scrambling: int = 0,
               priority: bool = False) -> bytes:
    """One packet: ``adaptation`` is the adaptation field after its length byte
    (stuffed with 0xFF to fill the packet when there is no payload);
    ``payload=None`` for none; the payload is padded with 0xFF."""
    control = (2 if adaptation is not None else 0) | (1 if payload is not None else 0)
    header = bytes([0x47, (0x80 if tei else 0) | (0x40 if pusi else 0) | (0x20 if priority else 0)
                    | pid >> 8, pid & 0xFF, scrambling << 6 | control << 4 | counter & 0x0F])
    field = b""
    if adaptation is not None:
        if payload is None:
            adaptation = adaptation.ljust(183, b"\xff")
        field = bytes([len(adaptation)]) + adaptation
    body = header + field + (payload or b"")
    assert len(body) <= 188
    return body.ljust(188, b"\xff")


def longSection(tableId: int, extension: int, body: bytes, version: int = 0) -> bytes:
    """A long-form section (section_syntax_indicator 1) with its CRC."""
    length = 5 + len(body) + 4
    head = bytes([tableId, 0xB0 | length >> 8, length & 0xFF, extension >> 8, extension & 0xFF,
                  0xC1 | version << 1, 0, 0])
    return head + body + crc32mpeg2(head + body).to_bytes(4, "big")


def pat(programmes: dict[int, int], tsid: int = 1, version: int = 0) -> bytes:
    body = b"".join(n.to_bytes(2, "big") + (0xE000 | pid).to_bytes(2, "big")
                    for n, pid in programmes.items())
    return longSection(0x00, tsid, body, version)


def packetise(pid: int, sections: Sequence[bytes], counter: int = 0) -> list[bytes]:
    """Sections one after another in packets, as a multiplexer packs them: a
    packet in which a section starts has PUSI and a pointer_field to the
    first such; the last packet is stuffed with 0xFF."""
    data = b"".join(sections)
    starts, offset = [], 0
    for section in sections:
        starts.append(offset)
        offset += len(section)
    packets, pos = [], 0
    while pos < len(data):
        first = next((s for s in starts if pos <= s < pos + 183), None)
        if first is not None:
            payload, pusi, pos = bytes([first - pos]) + data[pos:pos + 183], True, pos + 183
        elif pos + 183 in starts:
            # The next section would start in the last byte: not in a packet
            # without PUSI; stuff that byte and start it in the next.
            payload, pusi, pos = data[pos:pos + 183], False, pos + 183
        else:
            payload, pusi, pos = data[pos:pos + 184], False, pos + 184
        packets.append(makePacket(pid, counter, payload, pusi))
        counter = (counter + 1) & 0x0F
    return packets


def assemble(packets: Sequence[bytes], assembler: SectionAssembler | None = None) -> list[bytes]:
    assembler = assembler or SectionAssembler()
    return [section for packet in packets for section in assembler.feed(packet)]


def readAll(reader: PacketReader, data: bytes, cuts: Sequence[int] = (),
            pids: set[int] | None = None) -> list[bytes]:
    out, last = [], 0
    for cut in sorted(cuts) + [len(data)]:
        out += reader.feed(data[last:cut], pids)
        last = cut
    return out + reader.flush(pids)


def parsePat(section: bytes) -> dict[int, int]:
    """programme_number -> PMT PID (13818-1 2.4.4.3), written for this test."""
    length = (section[1] & 0x0F) << 8 | section[2]
    loop = section[8:3 + length - 4]
    return {int.from_bytes(loop[i:i + 2], "big"): int.from_bytes(loop[i + 2:i + 4], "big") & 0x1FFF
            for i in range(0, len(loop), 4)}


def junk(size: int, seed: int) -> bytes:
    """Random bytes, 0x47 among them (as real junk has)."""
    rng = random.Random(seed)
    data = bytearray(rng.randrange(256) for _ in range(size))
    if size:
        data[rng.randrange(size)] = 0x47
    return bytes(data)


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = Path(tmp_path_factory.mktemp("ts")) / "out.ts"
    subprocess.run(["ffmpeg", "-v", "error", "-nostdin", "-f", "lavfi", "-i",
                    "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine", "-t", "2",
                    "-c:v", "mpeg2video", "-c:a", "mp2", "-metadata", "service_name=Test One",
                    "-metadata", "service_provider=Kamaelia", "-f", "mpegts", str(path)],
                   check=True)
    return path.read_bytes()


def test_the_module_docstring_example_runs() -> None:
    doc = ast.get_docstring(ast.parse(Path(TS.__file__).read_text()), clean=False) or ""
    section = doc.split("Example Usage", 1)[1].split("How does it work?", 1)[0]
    blocks = re.findall(r"::\n\n((?:    .*\n|[ \t]*\n)+)", section)
    assert blocks
    for block in blocks:
        exec(compile(textwrap.dedent(block), "example", "exec"), {})


# --------------------------------------------------------------- the reader

PACKETS = [makePacket(pid, n, bytes([n, pid & 0xFF]) * 30, pusi=n % 3 == 0)
           for n in range(20) for pid in (0x100, 0x200, 0x1FFF)]
CLEAN = b"".join(PACKETS)


def test_an_aligned_stream_comes_out_as_its_packets() -> None:
    reader = PacketReader()
    got = readAll(reader, CLEAN)
    assert got == PACKETS
    assert all(type(p) is bytes for p in got)
    assert (reader.packets, reader.junkBytes, reader.resyncs) == (len(PACKETS), 0, 0)


def test_the_packets_come_out_as_soon_as_sync_is_confirmed() -> None:
    reader = PacketReader()
    assert reader.feed(CLEAN[:376]) == []               # two packets: not yet sure
    assert reader.feed(CLEAN[376:377]) == PACKETS[:2]   # the third sync byte confirms
    # in sync: each packet as soon as the next one's sync byte is there
    assert reader.feed(CLEAN[377:188 * 4]) == PACKETS[2:3]
    assert reader.feed(CLEAN[188 * 4:188 * 4 + 1]) == PACKETS[3:4]


def test_feeding_a_byte_at_a_time_gives_the_same_packets() -> None:
    reader = PacketReader()
    assert readAll(reader, CLEAN, cuts=range(1, len(CLEAN))) == PACKETS


def test_memoryview_and_bytearray_chunks_are_taken() -> None:
    reader = PacketReader()
    got = reader.feed(memoryview(CLEAN)[:1000]) + reader.feed(bytearray(CLEAN[1000:]))
    assert got + reader.flush() == PACKETS


def test_junk_before_the_first_packet_is_skipped_and_counted() -> None:
    reader = PacketReader()
    rubbish = b"\x47\x00\x47" + junk(500, 1)
    assert readAll(reader, rubbish + CLEAN) == PACKETS
    assert reader.junkBytes == len(rubbish) and reader.resyncs == 1


def test_junk_between_packets_loses_nothing_and_is_counted() -> None:
    data, lengths = b"", []
    for i, packet in enumerate(PACKETS):
        if i % 5 == 4:
            lengths.append(1 + i % 190)
            data += junk(lengths[-1], i)
        data += packet
    reader = PacketReader()
    assert readAll(reader, data, cuts=range(0, len(data), 777)) == PACKETS
    assert reader.junkBytes == sum(lengths)
    assert reader.resyncs == len(lengths)


def test_a_damaged_sync_byte_loses_that_packet_only() -> None:
    data = bytearray(CLEAN)
    data[188 * 10] = 0x48
    reader = PacketReader()
    assert readAll(reader, bytes(data)) == PACKETS[:10] + PACKETS[11:]
    assert reader.junkBytes == 188 and reader.resyncs == 1


def test_a_packet_cut_short_is_not_taken_for_a_packet() -> None:
    # It starts with 0x47 where the next packet was due, but a packet starts inside it.
    for cut in (1, 3, 100, 187):
        data = CLEAN[:188 * 5] + PACKETS[5][:cut] + CLEAN[188 * 5:]
        reader = PacketReader()
        assert readAll(reader, data, cuts=range(0, len(data), 150)) == PACKETS
        assert (reader.junkBytes, reader.resyncs) == (cut, 1)


def test_a_stream_of_pure_junk_gives_nothing() -> None:
    reader = PacketReader()
    data = bytes(range(256)) * 20
    assert readAll(reader, data, cuts=[100, 3000]) == []
    assert reader.junkBytes == len(data) and reader.packets == 0


def test_flush_gives_what_waited_for_confirmation_and_counts_a_cut_off_packet() -> None:
    reader = PacketReader()
    assert reader.feed(CLEAN[:188 * 2]) == []
    assert reader.flush() == PACKETS[:2]
    assert reader.junkBytes == 0
    assert reader.feed(CLEAN[:188 * 3 + 100]) == PACKETS[:3]
    assert reader.flush() == [] and reader.junkBytes == 100
    # and it starts afresh: junk, then a stream
    assert readAll(reader, b"xx" + CLEAN) == PACKETS


def test_pid_filtering_passes_only_the_pids_asked_for() -> None:
    reader = PacketReader()
    assert readAll(reader, CLEAN, pids={0x200}) == [p for p in PACKETS if pidOf(p) == 0x200]
    assert reader.packets == len(PACKETS)       # every packet was seen
    assert readAll(PacketReader(), CLEAN, pids=set()) == []


@pytest.mark.parametrize("size", [192, 204])
def test_m2ts_and_reed_solomon_packets_come_out_as_188_bytes(size: int) -> None:
    def unit(packet: bytes, n: int) -> bytes:
        if size == 192:
            return n.to_bytes(4, "big") + packet       # the M2TS timestamp first
        return packet + bytes([n]) * 16                # 16 parity bytes after
    data = b"".join(unit(p, n) for n, p in enumerate(PACKETS))
    for packetSize in (size, None):
        reader = PacketReader(packetSize)
        assert readAll(reader, b"\x47junk" + data, cuts=range(0, len(data), 500)) == PACKETS
        assert reader.junkBytes == 5
    assert detectPacketSize(data) == size
    assert detectPacketSize(CLEAN) == 188
    assert detectPacketSize(b"\x00" * 4000) is None
    # a 188-byte stream taken as auto-detected
    assert readAll(PacketReader(None), CLEAN) == PACKETS


def test_bad_arguments_are_refused_at_the_door() -> None:
    with pytest.raises(TransportStreamError, match="packetSize must be 188, 192, 204 or None, "
                                                   "not 100"):
        PacketReader(100)
    with pytest.raises(TypeError, match="takes bytes, not str"):
        PacketReader().feed("text")                 # type: ignore[arg-type]
    assert issubclass(TransportStreamError, ValueError)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.lists(st.integers(0, 2000), max_size=6))
def test_random_bytes_never_raise_and_give_only_packets(data: bytes, cuts: list[int]) -> None:
    reader = PacketReader()
    cuts = [c for c in cuts if c <= len(data)]
    got = readAll(reader, data, cuts)
    assert all(len(p) == 188 and p[0] == 0x47 for p in got)
    assert reader.junkBytes + 188 * len(got) == len(data)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, len(CLEAN) + 2000), max_size=12),
       st.lists(st.tuples(st.integers(0, len(PACKETS)), st.binary(max_size=300)), max_size=4))
def test_the_cut_points_do_not_change_the_packets(cuts: list[int],
                                                  inserts: list[tuple[int, bytes]]) -> None:
    units = [[p] for p in PACKETS]
    for where, rubbish in inserts:
        units.insert(where, [rubbish])
    data = b"".join(b for unit in units for b in unit)
    whole, pieces = PacketReader(), PacketReader()
    expected = readAll(whole, data)
    assert readAll(pieces, data, [c for c in cuts if c <= len(data)]) == expected
    assert (pieces.junkBytes, pieces.resyncs) == (whole.junkBytes, whole.resyncs)


def test_every_packet_of_an_ffmpeg_stream_is_found(stream: bytes) -> None:
    reader = PacketReader()
    got = readAll(reader, stream, cuts=range(0, len(stream), 1316))
    assert len(got) == len(stream) // 188 and reader.junkBytes == 0
    assert b"".join(got) == stream


# -------------------------------------------------------------- the header

def test_the_header_fields_of_a_packet() -> None:
    header = packetHeader(makePacket(0x1ABC, 9, b"x", pusi=True, tei=True, scrambling=2,
                                     priority=True))
    assert header == Header(pid=0x1ABC, payloadUnitStart=True, transportError=True,
                            priority=True, scrambling=2, adaptationFieldControl=1,
                            continuityCounter=9, payloadOffset=4)
    assert header.hasPayload and header.pcr is None


def test_the_adaptation_field_flags_and_the_pcr() -> None:
    base, extension = 0x1_2345_6789, 0x155          # a 33-bit base, a 9-bit extension
    pcrBytes = (base << 15 | 0x7E << 9 | extension).to_bytes(6, "big")
    header = packetHeader(makePacket(0x100, 3, b"data", adaptation=bytes([0xD0]) + pcrBytes))
    assert (header.discontinuity, header.randomAccess) == (True, True)
    assert header.pcr == base * 300 + extension
    assert header.adaptationFieldControl == 3 and header.payloadOffset == 4 + 1 + 7
    only = packetHeader(makePacket(0x100, 3, None, adaptation=b"\x00"))
    assert only.adaptationFieldControl == 2 and not only.hasPayload
    assert packetHeader(makePacket(0x100, 0, b"", adaptation=b"")).payloadOffset == 5


def test_pcrs_of_an_ffmpeg_stream_go_up(stream: bytes) -> None:
    pcrs = [h.pcr for h in map(packetHeader, (stream[i:i + 188] for i in range(0, len(stream), 188)))
            if h.pcr is not None]
    assert len(pcrs) > 10 and pcrs == sorted(pcrs)
    # ffmpeg starts its clock near a second in and sends a PCR at least every 0.1 s
    assert 0.1 < pcrs[0] / 27e6 < 2.0
    assert max(b - a for a, b in zip(pcrs, pcrs[1:])) <= 0.1 * 27e6


def test_pid_of() -> None:
    assert pidOf(makePacket(0x1FFF, pusi=True, tei=True)) == NULL_PID
    assert pidOf(b"\x47\x01\x02") == 0x102
    with pytest.raises(TransportStreamError, match="not a transport stream packet"):
        pidOf(b"\x47")


@pytest.mark.parametrize("packet,message", [
    (b"\x47" * 187, "is 188 bytes, not 187"),
    (b"\x48" + b"\x00" * 187, "starts with 0x47, not 0x48"),
    (bytes([0x47, 0, 0, 0x30, 183]).ljust(188, b"\x00"), "adaptation_field_length 183"),
    (bytes([0x47, 0, 0, 0x20, 184]).ljust(188, b"\x00"), "adaptation_field_length 184"),
    (bytes([0x47, 0, 0, 0x30, 3, 0x10]).ljust(188, b"\x00"), "PCR_flag set in an adaptation "
                                                           "field of 3 bytes"),
])
def test_a_bad_packet_given_directly_raises(packet: bytes, message: str) -> None:
    with pytest.raises(TransportStreamError, match=message):
        packetHeader(packet)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=187, max_size=187))
def test_any_188_bytes_give_a_header_or_a_transport_stream_error(rest: bytes) -> None:
    try:
        header = packetHeader(b"\x47" + rest)
    except TransportStreamError:
        return
    assert 4 <= header.payloadOffset <= 188


# ------------------------------------------------------------- continuity

def test_counters_that_follow_are_ok_and_wrap() -> None:
    checker = ContinuityChecker()
    statuses = [checker.check(makePacket(0x100, n % 16, bytes([n]))) for n in range(40)]
    assert statuses == [Continuity.OK] * 40 and checker.discontinuities == 0


def test_a_missing_packet_is_a_discontinuity() -> None:
    checker = ContinuityChecker()
    got = [checker.check(makePacket(0x100, n, bytes([n]))) for n in (0, 1, 3, 4)]
    assert got == [Continuity.OK, Continuity.OK, Continuity.DISCONTINUITY, Continuity.OK]
    assert checker.discontinuities == 1


def test_one_duplicate_is_allowed_a_second_is_not() -> None:
    checker = ContinuityChecker()
    packet = makePacket(0x100, 5, b"same")
    got = [checker.check(packet) for _ in range(3)]
    assert got == [Continuity.OK, Continuity.DUPLICATE, Continuity.DISCONTINUITY]
    assert (checker.duplicates, checker.discontinuities) == (1, 1)


def test_a_repeated_counter_with_other_bytes_is_a_discontinuity() -> None:
    # (sixteen packets lost, or a damaged one: not the standard's duplicate)
    checker = ContinuityChecker()
    checker.check(makePacket(0x100, 5, b"one"))
    assert checker.check(makePacket(0x100, 5, b"two")) is Continuity.DISCONTINUITY


def test_a_duplicate_may_differ_in_its_pcr() -> None:
    checker = ContinuityChecker()
    first = makePacket(0x100, 5, b"same", adaptation=b"\x10" + bytes(6))
    second = makePacket(0x100, 5, b"same", adaptation=b"\x10" + bytes(5) + b"\x01")
    assert [checker.check(first), checker.check(second)] == [Continuity.OK, Continuity.DUPLICATE]


def test_packets_without_payload_do_not_count() -> None:
    checker = ContinuityChecker()
    got = [checker.check(makePacket(0x100, 1, b"a")),
           checker.check(makePacket(0x100, 1, None, adaptation=b"\x00")),   # counter stays
           checker.check(makePacket(0x100, 9, None, adaptation=b"\x00")),   # not judged
           checker.check(makePacket(0x100, 2, b"b"))]
    assert got == [Continuity.OK] * 4


def test_the_discontinuity_indicator_starts_the_count_afresh() -> None:
    checker = ContinuityChecker()
    checker.check(makePacket(0x100, 1, b"a"))
    assert checker.check(makePacket(0x100, 7, b"b", adaptation=b"\x80")) is Continuity.OK
    assert checker.check(makePacket(0x100, 8, b"c")) is Continuity.OK
    checker.check(makePacket(0x100, 8, None, adaptation=b"\x80"))     # without payload too
    assert checker.check(makePacket(0x100, 2, b"d")) is Continuity.OK
    assert checker.discontinuities == 0


def test_pids_are_followed_apart_and_the_null_pid_not_at_all() -> None:
    checker = ContinuityChecker()
    assert [checker.check(makePacket(pid, 0, b"x")) for pid in (1, 2, 3)] == [Continuity.OK] * 3
    assert [checker.check(makePacket(NULL_PID, n, b"x")) for n in (4, 4, 9)] == [Continuity.OK] * 3
    assert checker.check(makePacket(2, 1, b"y")) is Continuity.OK
    checker.reset(1)
    assert checker.check(makePacket(1, 9, b"z")) is Continuity.OK
    assert checker.check(makePacket(3, 9, b"z")) is Continuity.DISCONTINUITY


def test_the_checker_refuses_a_bad_packet() -> None:
    with pytest.raises(TransportStreamError, match="not 10"):
        ContinuityChecker().check(b"\x47" * 10)


# ---------------------------------------------------------------- sections

PAT = pat({1: 0x1000, 2: 0x1010})


def test_a_section_in_one_packet() -> None:
    assembler = SectionAssembler()
    assert assemble(packetise(0, [PAT]), assembler) == [PAT]
    assert (assembler.sections, assembler.crcErrors, assembler.dropped) == (1, 0, 0)


def test_two_sections_in_one_packet() -> None:
    other = pat({3: 0x30}, tsid=2)
    packets = packetise(0, [PAT, other])
    assert len(packets) == 1
    assert assemble(packets) == [PAT, other]


def test_a_section_over_five_packets() -> None:
    section = longSection(0x42, 7, bytes(range(256)) * 3 + b"end")     # an SDT-sized one
    packets = packetise(0x11, [section])
    assert len(packets) == 5
    assembler = SectionAssembler()
    assert [assembler.feed(p) for p in packets] == [[], [], [], [], [section]]


def test_sections_running_on_across_packets_with_the_pointer_field() -> None:
    sections = [longSection(0x4E, n, bytes([n]) * (50 + 37 * n)) for n in range(12)]
    packets = packetise(0x12, sections)
    assert any(p[4] for p in packets)       # some pointer_fields are not 0
    assert assemble(packets) == sections


def test_stuffing_ends_a_packets_sections() -> None:
    # 0xFF after the first section: what follows is not a section, even if it looks like one
    packet = makePacket(0, 0, b"\x00" + PAT + b"\xff" + PAT, pusi=True)
    assert assemble([packet]) == [PAT]


def test_a_header_split_across_packets() -> None:
    section = longSection(0x42, 1, bytes(300))
    first = makePacket(0x11, 0, bytes([181]) + bytes([0xFF]) * 181 + section[:2], pusi=True)
    rest = [makePacket(0x11, 1 + i, section[2 + 184 * i:2 + 184 * (i + 1)])   # no PUSI
            for i in range(2)]
    assert assemble([first] + rest) == [section]


def test_a_packet_lost_mid_section_drops_it_and_the_next_copy_is_taken() -> None:
    section = longSection(0x42, 1, bytes(range(200)) * 2)
    packets = packetise(0x11, [section, section])
    assert len(packets) == 5 and packets[2][1] & 0x40     # the second starts in the third
    assembler = SectionAssembler()
    assert assemble(packets[:1] + packets[2:], assembler) == [section]
    assert assembler.dropped == 1 and assembler.continuity.discontinuities == 1


def test_a_new_section_before_the_last_one_ended_drops_it() -> None:
    section = longSection(0x42, 1, bytes(400))
    packets = packetise(0x11, [section])
    # The second packet is replaced by a (continuous) one starting a PAT-like section.
    fresh = makePacket(0x11, 1, b"\x00" + PAT, pusi=True)
    assembler = SectionAssembler()
    assert assemble([packets[0], fresh], assembler) == [PAT]
    assert assembler.dropped == 1


def test_a_corrupted_crc_drops_the_section_and_the_next_copy_is_taken() -> None:
    damaged = PAT[:-1] + bytes([PAT[-1] ^ 0x01])
    assembler = SectionAssembler()
    assert assemble(packetise(0, [damaged, PAT]), assembler) == [PAT]
    assert assembler.crcErrors == 1
    # without the check, the damaged one is passed on
    assert assemble(packetise(0, [damaged]), SectionAssembler(checkCrc=False)) == [damaged]


def test_a_corrupted_byte_inside_a_copy_seen_before_is_caught() -> None:
    assembler = SectionAssembler()
    damaged = PAT[:9] + bytes([PAT[9] ^ 0x40]) + PAT[10:]
    packets = packetise(0, [PAT, damaged, PAT, damaged])
    assert assemble(packets, assembler) == [PAT, PAT]
    assert assembler.crcErrors == 2


def test_a_duplicate_packet_does_not_duplicate_a_section() -> None:
    section = longSection(0x42, 1, bytes(300))
    packets = packetise(0x11, [section])
    assert assemble([packets[0], packets[0], packets[1]]) == [section]


def test_a_damaged_or_scrambled_packet_is_not_read() -> None:
    section = longSection(0x42, 1, bytes(300))
    first, second = packetise(0x11, [section])
    damaged = bytes([first[0], first[1] | 0x80]) + first[2:]
    assembler = SectionAssembler()
    assert assemble([damaged, second], assembler) == []       # its start was never seen
    scrambled = second[:3] + bytes([second[3] | 0x80]) + second[4:]
    assert assemble([first, scrambled], assembler) == []
    assert assembler.dropped == 1
    # a damaged packet's PID may be wrong: it changes nothing, and the gap shows next
    assembler = SectionAssembler()
    assert assemble([first, bytes([0x47, 0x80 | first[1]]) + second[2:]], assembler) == []
    assert assemble([second], assembler) == [section]


def test_a_short_form_section_needs_no_crc_but_the_tot_has_one() -> None:
    tdt = bytes([0x70, 0x70, 0x05]) + bytes.fromhex("e4c1123456")     # no CRC
    totBody = bytes([0x73, 0x70, 0x0B]) + bytes.fromhex("e4c1123456") + b"\xf0\x00"
    tot = totBody + crc32mpeg2(totBody).to_bytes(4, "big")
    badTot = tot[:-1] + bytes([tot[-1] ^ 1])
    assembler = SectionAssembler()
    assert assemble(packetise(0x14, [tdt, badTot, tot]), assembler) == [tdt, tot]
    assert assembler.crcErrors == 1


def test_sections_over_the_limits_are_dropped() -> None:
    def raw(tableId: int, length: int, syntax: int = 0x80) -> bytes:
        return bytes([tableId, syntax | 0x30 | length >> 8, length & 0xFF]) + bytes(length)
    # A PSI table over 1021, and any section over 4093 (the limit of private
    # sections); the next section, which starts in a later packet, is found.
    for section in (raw(0x02, 1022), raw(0x4E, 4094), raw(0x70, 4095, syntax=0)):
        assembler = SectionAssembler()
        assert assemble(packetise(0x20, [section, PAT]), assembler) == [PAT]
        assert assembler.dropped == 1
    # A long-form section too short for its own fields and CRC.
    assembler = SectionAssembler()
    assert assemble([makePacket(0, 0, b"\x00" + raw(0x00, 8) + PAT, pusi=True)], assembler) == []
    # The longest private section there can be is taken.
    body = bytes(4093 - 9)
    longest = longSection(0x50, 1, body)
    assert len(longest) == 4096 and assemble(packetise(0x12, [longest])) == [longest]
    psi = longSection(0x02, 1, bytes(1021 - 9))
    assert len(psi) == 1024 and assemble(packetise(0x20, [psi])) == [psi]


def test_a_pointer_beyond_the_packet_drops_the_sections() -> None:
    assembler = SectionAssembler()
    packet = makePacket(0, 0, b"\xf0" + PAT, pusi=True)
    assert assemble([packet], assembler) == [] and assembler.dropped == 1


def test_packets_of_several_pids_are_assembled_apart() -> None:
    one = longSection(0x42, 1, bytes([1]) * 300)
    two = longSection(0x4E, 2, bytes([2]) * 300)
    a, b = packetise(0x11, [one]), packetise(0x12, [two])
    mixed = [a[0], b[0], a[1], b[1]]
    assert assemble(mixed) == [one, two]


def test_a_payload_after_an_adaptation_field() -> None:
    packet = makePacket(0, 0, b"\x00" + PAT, pusi=True, adaptation=b"\x00" * 10)
    assert assemble([packet]) == [PAT]


def test_reset_forgets_a_section_in_progress() -> None:
    section = longSection(0x42, 1, bytes(300))
    first, second = packetise(0x11, [section])
    assembler = SectionAssembler()
    assembler.feed(first)
    assembler.reset(0x11)
    assert assembler.feed(second) == []
    assembler.feed(first)
    assembler.reset()
    assert assembler.feed(second) == []


def test_the_assembler_refuses_a_bad_packet() -> None:
    with pytest.raises(TransportStreamError, match="is 188 bytes, not 187"):
        SectionAssembler().feed(PAT.ljust(187, b"\xff"))


def sectionsOf(packets: list[bytes], pids: set[int],
               assembler: SectionAssembler) -> dict[int, list[bytes]]:
    byPid: dict[int, list[bytes]] = {}
    for packet in packets:
        if pidOf(packet) in pids:
            for section in assembler.feed(packet):
                byPid.setdefault(pidOf(packet), []).append(section)
    return byPid


def test_ffmpegs_tables_come_out_intact(stream: bytes) -> None:
    packets = readAll(PacketReader(), stream)
    assembler = SectionAssembler()
    byPid = sectionsOf(packets, {0x00, 0x11}, assembler)
    pats, sdts = byPid[0x00], byPid[0x11]
    assert all(dvbcrc(s) for s in pats + sdts)
    programmes = parsePat(pats[0])
    assert list(programmes) == [1]
    pmtPid = programmes[1]
    assert pmtPid == 0x1000                                  # ffmpeg's default PMT PID
    pmts = sectionsOf(packets, {pmtPid}, assembler)[pmtPid]
    assert (assembler.crcErrors, assembler.dropped) == (0, 0)
    assert pmts and all(s[0] == 0x02 and dvbcrc(s) for s in pmts)
    assert all(s[0] == 0x42 and b"Test One" in s and b"Kamaelia" in s for s in sdts)
    # as many as the packets that start them (a scanner of this test's own)
    starts = sum(1 for p in packets if pidOf(p) in (0, 0x11, pmtPid) and p[1] & 0x40)
    assert len(pats) + len(sdts) + len(pmts) == starts == assembler.sections


def test_ffmpegs_tables_with_junk_drops_and_damage(stream: bytes) -> None:
    packets = [stream[i:i + 188] for i in range(0, len(stream), 188)]
    patPackets = [i for i, p in enumerate(packets) if pidOf(p) == 0]
    damagedAt = patPackets[3]
    damaged = bytearray(packets[damagedAt])
    damaged[20] ^= 0xFF                       # inside the PAT section: its CRC fails
    packets[damagedAt] = bytes(damaged)
    data = b"".join(p + (junk(50, i) if i % 97 == 0 else b"") for i, p in enumerate(packets))
    reader, assembler = PacketReader(), SectionAssembler()
    got = [s for p in readAll(reader, data, pids={0}) for s in assembler.feed(p)]
    assert reader.resyncs == len(range(0, len(packets), 97))
    assert assembler.crcErrors == 1
    assert len(got) == len(patPackets) - 1 - assembler.continuity.discontinuities
    assert all(s == got[0] for s in got)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0x00, 0x11, 0x14]), st.integers(0, 255),
                          st.binary(min_size=185, max_size=185)), max_size=12))
def test_random_packets_never_raise_and_give_only_whole_checked_sections(
        packets: list[tuple[int, int, bytes]]) -> None:
    assembler = SectionAssembler()
    for pid, flags, body in packets:
        packet = bytes([0x47, (flags & 0xE0) | pid >> 8, pid & 0xFF, body[0]]) + body[1:]
        for section in assembler.feed(packet):
            assert len(section) == 3 + ((section[1] & 0x0F) << 8 | section[2])
            if section[1] & 0x80 or (section[0] == 0x73 and pid == 0x14):
                assert dvbcrc(section)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 40), max_size=8), st.lists(st.integers(0, 60), max_size=5),
       st.randoms(use_true_random=False))
def test_a_damaged_section_stream_gives_only_its_sections(sizes: list[int], lost: list[int],
                                                         rng: random.Random) -> None:
    sections = [longSection(0x4E, n, bytes([n]) * (9 * size)) for n, size in enumerate(sizes)]
    packets = packetise(0x12, sections)
    for index in sorted(set(lost), reverse=True):
        if index < len(packets):
            if rng.random() < 0.5:
                del packets[index]
            else:
                damaged = bytearray(packets[index])
                damaged[rng.randrange(4, 188)] ^= 1 << rng.randrange(8)
                packets[index] = bytes(damaged)
    got = assemble(packets)
    assert all(section in sections for section in got)
    if not lost:
        assert got == sections


def test_constants() -> None:
    assert (TS.PACKET_SIZE, TS.SYNC_BYTE, NULL_PID, ALL_PIDS) == (188, 0x47, 0x1FFF, 0x2000)


# ------------------------------------------------------------ StreamClock

def _pcrPacket(pid: int, pcr: int) -> bytes:
    """A packet of ``pid`` whose adaptation field carries ``pcr`` (27 MHz ticks)."""
    base, extension = divmod(pcr, 300)
    field = bytes([0x10]) + ((base << 15) | (0x3F << 9) | extension).to_bytes(6, "big")
    return (bytes([0x47, pid >> 8, pid & 0xFF, 0x20, len(field)]) + field).ljust(188, b"\xff")


def test_the_clock_counts_seconds_of_the_first_pcr_pid_across_the_wrap() -> None:
    from Kamaelia.Support.DVB.TransportStream import PCR_HZ, StreamClock

    clock = StreamClock()
    wrap = (1 << 33) * 300
    clock.feed(bytes([0x47, 0x01, 0x00, 0x10]).ljust(188, b"\0"))    # no adaptation field
    assert clock.pid is None and clock.seconds == 0.0
    clock.feed(_pcrPacket(0x100, wrap - PCR_HZ))                       # a second before the wrap
    clock.feed(_pcrPacket(0x200, 5 * PCR_HZ))                          # another PID: not followed
    clock.feed(_pcrPacket(0x100, PCR_HZ // 2))                         # after the wrap
    assert clock.pid == 0x100 and clock.seconds == 1.5
    clock.feed(_pcrPacket(0x100, 60 * PCR_HZ))                         # a jump: not time
    assert clock.seconds == 1.5
    clock.feed(_pcrPacket(0x100, 61 * PCR_HZ))
    assert clock.seconds == 2.5


# --------------------------------------------------------- sectionPackets

@settings(max_examples=200, deadline=None)
@given(st.integers(0, 0x1FFE), st.binary(min_size=5, max_size=1000), st.integers(0, 15))
def test_written_sections_are_read_back_whole(pid: int, body: bytes, counter: int) -> None:
    from Kamaelia.Support.DVB.TransportStream import sectionPackets

    length = len(body) + 4
    head = bytes([0x80, 0xB0 | length >> 8, length & 0xFF])   # table 0x80, long form (5+ bytes)
    section = head + body + crc32mpeg2(head + body).to_bytes(4, "big")
    packets, after = sectionPackets(pid, section, counter)
    assert all(len(p) == TS.PACKET_SIZE and pidOf(p) == pid for p in packets)
    assert [p[3] & 0x0F for p in packets] == [(counter + n) % 16 for n in range(len(packets))]
    assert after == (counter + len(packets)) % 16
    assembler = SectionAssembler()
    assert [s for p in packets for s in assembler.feed(p)] == [section]


def test_writing_refuses_a_pid_or_counter_out_of_range() -> None:
    from Kamaelia.Support.DVB.TransportStream import sectionPackets

    with pytest.raises(TransportStreamError, match="not 8191"):
        sectionPackets(0x1FFF, b"\x00\x00\x00")
    with pytest.raises(TransportStreamError, match="and 16"):
        sectionPackets(0, b"\x00\x00\x00", 16)

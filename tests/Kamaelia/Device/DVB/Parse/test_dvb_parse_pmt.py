"""Kamaelia.Device.DVB.Parse.ParseProgramMapTable: ffmpeg's PMTs, made-up ones, damage, fuzz."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, strategies as st

from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseProgramMapTable import (
    AUDIO_STREAM_TYPES, VIDEO_STREAM_TYPES, ParseProgramMapTable, parseProgramMapTableSection)
from test_dvb_parse_sections import (COMPONENT_FUZZ, FUZZ, SERVICES, assertExamplesRun,
                                     fromStream, longSectionBytes, multiplex, mutated, outcome,
                                     parsedBy, randomSection, resealed)
from tsfixtures import Multiplex, corruptSection, makeMultiplex, sections

#: ffprobe's codec names -> the stream_type ffmpeg's muxer writes for them
STREAM_TYPES = {"mpeg2video": 0x02, "mp2": 0x03, "h264": 0x1B, "aac": 0x0F}


@pytest.fixture(scope="module")
def mux(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    return multiplex(tmp_path_factory.mktemp("pmt"))


def pmtSection(program: int, pcrPid: int, streams: list[tuple[int, int, bytes]],
               programInfo: bytes = b"", **header: Any) -> bytes:
    """A PMT section: ``streams`` are (stream_type, PID, descriptor bytes)."""
    payload = ((0xE000 | pcrPid).to_bytes(2, "big")
               + (0xF000 | len(programInfo)).to_bytes(2, "big") + programInfo)
    for streamType, pid, descriptors in streams:
        payload += (bytes([streamType]) + (0xE000 | pid).to_bytes(2, "big")
                    + (0xF000 | len(descriptors)).to_bytes(2, "big") + descriptors)
    return longSectionBytes(0x02, program, payload, **header)


def expectedService(mux: Multiplex, serviceId: int) -> dict[str, object]:
    """The PMT's service as ffprobe saw it."""
    info = next(s for s in mux.services if s.serviceId == serviceId)
    return {"pcr_pid": info.pcrPid, "descriptors": [],
            "video_pid": info.videoPid, "audio_pid": info.audioPid,
            "streams": [{"type": STREAM_TYPES[info.videoCodec], "pid": info.videoPid,
                         "descriptors": []},
                        {"type": STREAM_TYPES[info.audioCodec], "pid": info.audioPid,
                         "descriptors": []}]}


# ------------------------------------------------------------ ffmpeg's PMTs

def test_each_ffmpeg_pmt_comes_once_with_what_ffprobe_found(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    for info in mux.services:
        got = fromStream(data, info.pmtPid, ParseProgramMapTable())
        assert got == [{"table_type": "PMT", "table_id": 2, "current": 1, "version": 0,
                        "last_section_number": 0, "program_number": info.serviceId,
                        "services": {info.serviceId: expectedService(mux, info.serviceId)}}]


def test_h264_and_aac_are_found_as_video_and_audio(tmp_path_factory: pytest.TempPathFactory
                                                   ) -> None:
    mux = makeMultiplex(tmp_path_factory.mktemp("h264") / "mux.ts", SERVICES[:1], seconds=1,
                        codec="libx264", audio="aac")
    info = mux.services[0]
    pmt = parseProgramMapTableSection(sections(mux.path.read_bytes(), info.pmtPid)[0])
    assert pmt["services"] == {info.serviceId: expectedService(mux, info.serviceId)}
    assert [s["type"] for s in pmt["services"][info.serviceId]["streams"]] == [0x1B, 0x0F]


def test_a_crc_corrupted_pmt_is_refused_and_the_next_copy_taken(mux: Multiplex) -> None:
    info = mux.services[1]
    parser = ParseProgramMapTable()
    got = fromStream(corruptSection(mux.path.read_bytes(), info.pmtPid, 0), info.pmtPid,
                     parser, checkCrc=False)
    assert parser.refused == 1
    assert [t["services"] for t in got] == [{info.serviceId: expectedService(mux,
                                                                             info.serviceId)}]


# ------------------------------------------------------------ made-up PMTs

ISO_639 = bytes([0x0A, 4]) + b"eng\x00"
STREAM_ID = bytes([0x52, 1, 7])
AC3 = bytes([0x6A, 1, 0x00])
TELETEXT = bytes([0x56, 5]) + b"eng\x09\x00"
CA = bytes([0x09, 4, 0x09, 0x63, 0xE5, 0x00])


def test_descriptors_are_parsed_and_dvb_ac3_counts_as_audio() -> None:
    section = pmtSection(0x4444, 0x600, [(0x06, 0x603, TELETEXT), (0x1B, 0x601, STREAM_ID),
                                         (0x06, 0x602, ISO_639 + AC3)], programInfo=CA)
    service = parseProgramMapTableSection(section)["services"][0x4444]
    assert service["pcr_pid"] == 0x600
    assert [tag for tag, _ in service["descriptors"]] == [0x09]
    assert [(s["type"], s["pid"], [tag for tag, _ in s["descriptors"]])
            for s in service["streams"]] == [(0x06, 0x603, [0x56]), (0x1B, 0x601, [0x52]),
                                             (0x06, 0x602, [0x0A, 0x6A])]
    assert service["streams"][1]["descriptors"] == [(0x52, {"type": "stream_identifier",
                                                            "component_tag": 7})]
    assert (service["video_pid"], service["audio_pid"]) == (0x601, 0x602)


def test_the_first_video_and_audio_stream_are_picked() -> None:
    section = pmtSection(1, 0x100, [(0x03, 0x102, b""), (0x02, 0x101, b""), (0x04, 0x103, b""),
                                    (0x1B, 0x104, b"")])
    service = parseProgramMapTableSection(section)["services"][1]
    assert (service["video_pid"], service["audio_pid"]) == (0x101, 0x102)


def test_a_service_without_audio_or_video_has_neither_key() -> None:
    service = parseProgramMapTableSection(pmtSection(1, 0x1FFF, [(0x05, 0x200, b"")]))
    assert service["services"][1].keys() == {"pcr_pid", "descriptors", "streams"}
    assert {0x02, 0x1B, 0x24} <= VIDEO_STREAM_TYPES and {0x03, 0x0F, 0x81} <= AUDIO_STREAM_TYPES


def test_pmts_of_several_programs_on_one_pid_are_each_sent_once() -> None:
    one, two = pmtSection(1, 0x100, [(2, 0x101, b"")]), pmtSection(2, 0x200, [(2, 0x201, b"")])
    got = parsedBy(ParseProgramMapTable(), [one, two, one, two, one])
    assert [list(t["services"]) for t in got] == [[1], [2]]


def test_a_new_version_and_the_next_table_are_sent() -> None:
    v0 = pmtSection(1, 0x100, [(2, 0x101, b"")])
    v1 = pmtSection(1, 0x100, [(2, 0x105, b"")], version=1)
    following = pmtSection(1, 0x100, [(2, 0x106, b"")], version=2, current=False)
    got = parsedBy(ParseProgramMapTable(), [v0, following, v0, v1, v1])
    assert [(t["version"], t["current"], t["services"][1]["video_pid"]) for t in got] == [
        (0, 1, 0x101), (2, 0, 0x106), (1, 1, 0x105)]


def test_a_pmt_in_two_sections_is_joined() -> None:
    first = pmtSection(1, 0x100, [(0x1B, 0x101, b"")], programInfo=CA, number=0, last=1)
    second = pmtSection(1, 0x100, [(0x0F, 0x102, b"")], number=1, last=1)
    got = parsedBy(ParseProgramMapTable(), [first, second])
    service = got[0]["services"][1]
    assert [s["pid"] for s in service["streams"]] == [0x101, 0x102]
    assert (service["video_pid"], service["audio_pid"]) == (0x101, 0x102)
    table = ParseProgramMapTable().parseTable(2, 1, [(first, len(first) - 3), second])
    assert table == got[0]
    assert ParseProgramMapTable().parseTable(2, 0, []) == {
        "table_type": "PMT", "table_id": 2, "current": 0, "services": {}}


# ------------------------------------------------------------ bad sections

@pytest.mark.parametrize("payload,message", [
    (bytes.fromhex("e100f0"), "too short for PCR_PID and program_info_length"),
    (bytes.fromhex("e100f005" "0000"), "program_info of 5 bytes at byte 12 runs past"),
    (bytes.fromhex("e100f000" "02e101"), r"3 byte\(s\) at byte 12 are too few for a stream"),
    (bytes.fromhex("e100f000" "02e101f009" "0000"), "ES_info of PID 257 of 9 bytes"),
    (bytes.fromhex("e100f002" "5205"), "bad program descriptors at bytes 12..14"),
])
def test_loops_that_do_not_fit_are_table_errors(payload: bytes, message: str) -> None:
    with pytest.raises(TableError, match=message):
        parseProgramMapTableSection(longSectionBytes(0x02, 1, payload))


def test_garbage_never_stops_the_component() -> None:
    good = pmtSection(1, 0x100, [(2, 0x101, b"")])
    parser = ParseProgramMapTable()
    got = parsedBy(parser, [good[:-1], bytes([2, 0xB0, 9]) + bytes(9), good[:20] + good[21:],
                            good])
    assert len(got) == 1 and parser.refused == 3


def test_examples() -> None:
    assertExamplesRun("ParseProgramMapTable")


# ------------------------------------------------------------ fuzz

VALID = [pmtSection(1, 0x100, [(0x06, 0x603, TELETEXT), (0x1B, 0x601, STREAM_ID),
                               (0x06, 0x602, ISO_639 + AC3)], programInfo=CA),
         pmtSection(0xFFFF, 0x1FFF, [], version=5, current=False)]


@FUZZ
@given(randomSection([0x02]), st.booleans())
def test_random_bytes_raise_only_table_error(data: bytes, checkCRC: bool) -> None:
    outcome(parseProgramMapTableSection, data, checkCRC=checkCRC)


@FUZZ
@given(mutated(VALID), st.booleans())
def test_mutated_sections_raise_only_table_error(data: bytes, reseal: bool) -> None:
    if reseal:
        pmt = outcome(parseProgramMapTableSection, resealed(data))
    else:
        pmt = outcome(parseProgramMapTableSection, data, checkCRC=False)
    if pmt is not None:
        assert list(pmt["services"]) == [pmt["program_number"]]


@COMPONENT_FUZZ
@given(st.lists(mutated(VALID), max_size=8))
def test_the_component_survives_any_sections(sections_: list[bytes]) -> None:
    parser = ParseProgramMapTable()
    got = parsedBy(parser, sections_)
    assert parser._isStopped() and all(t["table_type"] == "PMT" for t in got)

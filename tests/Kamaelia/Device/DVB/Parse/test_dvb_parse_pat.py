"""Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable: ffmpeg's PAT, made-up ones,
damage, fuzz."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, strategies as st

from Axon.Ipc import producerFinished
from componentharness import run
from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import (
    PAT_PID, ParseProgramAssociationTable, parseProgramAssociationTableSection)
from Kamaelia.Device.DVB.Parse.ReassemblePSITables import ReassemblePSITables
from test_dvb_parse_sections import (COMPONENT_FUZZ, FUZZ, assertExamplesRun, fromStream,
                                     longSectionBytes, multiplex, mutated, outcome, parsedBy,
                                     patSection, randomSection, resealed)
from tsfixtures import Multiplex, corruptSection, sections

LOGGER = "Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable"


@pytest.fixture(scope="module")
def mux(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    return multiplex(tmp_path_factory.mktemp("pat"))


def expectedServices(mux: Multiplex) -> dict[int, int]:
    """service id -> PMT PID, as ffprobe read them."""
    return {service.serviceId: service.pmtPid for service in mux.services}


# ------------------------------------------------------------ ffmpeg's PAT

def test_ffmpegs_pat_parses_to_what_ffprobe_found(mux: Multiplex) -> None:
    section = sections(mux.path.read_bytes(), PAT_PID)[0]
    pat = parseProgramAssociationTableSection(section)
    assert pat == {"table_type": "PAT", "table_id": 0, "current": 1, "version": 0,
                   "section_number": 0, "last_section_number": 0,
                   "transport_stream_id": mux.transportStreamId,
                   "transport_streams": {mux.transportStreamId: expectedServices(mux)}}
    assert "NIT_PID" not in pat          # ffmpeg lists no network PID


def test_the_component_sends_ffmpegs_pat_once_from_the_file(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    assert len(sections(data, PAT_PID)) > 1          # ffmpeg sends it again and again
    got = fromStream(data, PAT_PID, ParseProgramAssociationTable())
    assert got == [{"table_type": "PAT", "table_id": 0, "current": 1, "version": 0,
                    "last_section_number": 0, "transport_stream_id": mux.transportStreamId,
                    "transport_streams": {mux.transportStreamId: expectedServices(mux)}}]


def test_a_crc_corrupted_pat_is_refused_and_the_next_copy_taken(mux: Multiplex) -> None:
    damaged = corruptSection(mux.path.read_bytes(), PAT_PID, 0)
    parser = ParseProgramAssociationTable()
    got = fromStream(damaged, PAT_PID, parser, checkCrc=False)
    assert parser.refused == 1
    assert [t["transport_streams"] for t in got] == [
        {mux.transportStreamId: expectedServices(mux)}]
    # with the reassembler checking CRCs (its default) it never gets that far
    reassembler = ReassemblePSITables()
    packets = [damaged[i:i + 188] for i in range(0, len(damaged), 188)
               if (damaged[i + 1] & 0x1F) << 8 | damaged[i + 2] == PAT_PID]
    run(reassembler, packets, [producerFinished()])
    assert reassembler.assembler.crcErrors == 1


# ------------------------------------------------------------ the table's shape

def test_program_zero_is_the_nit_pid() -> None:
    pat = parseProgramAssociationTableSection(patSection(7, {0: 0x10, 5: 0x1005}))
    assert pat["NIT_PID"] == 0x10 and pat["transport_streams"] == {7: {5: 0x1005}}


def test_reserved_bits_of_the_pid_are_masked() -> None:
    loop = bytes.fromhex("0001" "ffff")          # PID field all ones: 0x1FFF
    pat = parseProgramAssociationTableSection(longSectionBytes(0, 1, loop))
    assert pat["transport_streams"] == {1: {1: 0x1FFF}}


def test_the_sections_of_a_table_are_merged() -> None:
    first = patSection(9, {0: 0x10, 1: 0x100}, version=3, number=0, last=1)
    second = patSection(9, {2: 0x200}, version=3, number=1, last=1)
    got = parsedBy(ParseProgramAssociationTable(), [second, first, second])
    assert got == [{"table_type": "PAT", "table_id": 0, "current": 1, "version": 3,
                    "last_section_number": 1, "transport_stream_id": 9, "NIT_PID": 0x10,
                    "transport_streams": {9: {1: 0x100, 2: 0x200}}}]


def test_current_and_next_tables_are_both_sent_and_marked() -> None:
    now, following = patSection(1, {1: 0x100}), patSection(1, {1: 0x101}, 1, current=False)
    got = parsedBy(ParseProgramAssociationTable(), [following, now, following, now])
    assert [(t["current"], t["transport_streams"][1][1]) for t in got] == [(0, 0x101),
                                                                          (1, 0x100)]


def test_another_multiplex_with_the_same_version_is_sent_too() -> None:
    got = parsedBy(ParseProgramAssociationTable(),
                   [patSection(1, {1: 0x100}), patSection(2, {1: 0x100})])
    assert [t["transport_stream_id"] for t in got] == [1, 2]


def test_a_new_version_is_sent_again() -> None:
    versions = [patSection(1, {1: 0x100 + v}, version=v) for v in (30, 31, 0)]
    got = parsedBy(ParseProgramAssociationTable(), [s for s in versions for _ in range(3)])
    assert [t["version"] for t in got] == [30, 31, 0]


def test_parse_table_takes_1_14s_pairs_or_sections() -> None:
    first = patSection(9, {1: 0x100}, number=0, last=1)
    second = patSection(9, {2: 0x200}, number=1, last=1)
    parser = ParseProgramAssociationTable()
    table = parser.parseTable(0, 1, [(first, len(first) - 3), second])
    assert table["transport_streams"] == {9: {1: 0x100, 2: 0x200}}
    assert parser.parseTable(0, 1, []) == {"table_type": "PAT", "table_id": 0, "current": 1,
                                           "transport_streams": {}}
    with pytest.raises(TableError):
        parser.parseTable(0, 1, [first[:-2]])


# ------------------------------------------------------------ bad sections

def test_a_loop_that_is_no_whole_number_of_entries_is_refused() -> None:
    with pytest.raises(TableError, match="program loop of 6 bytes is not a whole number"):
        parseProgramAssociationTableSection(longSectionBytes(0, 1, bytes(6)))


def test_a_truncated_or_foreign_section_is_a_table_error() -> None:
    section = patSection(1, {1: 0x100})
    for bad in (section[:-1], section[:3], b"", longSectionBytes(0x02, 1, bytes(4))):
        with pytest.raises(TableError, match="PAT: "):
            parseProgramAssociationTableSection(bad)


def test_garbage_never_stops_the_component(caplog: pytest.LogCaptureFixture) -> None:
    good = patSection(1, {1: 0x100})
    parser = ParseProgramAssociationTable()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = parsedBy(parser, [b"\x00", b"\x00\xb0", good[:-3], bytes(20), good])
    assert len(got) == 1 and parser.refused == 4


def test_pat_pid_and_examples() -> None:
    assert PAT_PID == 0
    assertExamplesRun("ParseProgramAssociationTable")


# ------------------------------------------------------------ fuzz

VALID = [patSection(1, {0: 0x10, 1: 0x100, 2: 0x200}), patSection(0xFFFF, {}, 31, 1, 2)]


@FUZZ
@given(randomSection([0x00]), st.booleans())
def test_random_bytes_raise_only_table_error(data: bytes, checkCRC: bool) -> None:
    outcome(parseProgramAssociationTableSection, data, checkCRC=checkCRC)


@FUZZ
@given(mutated(VALID), st.booleans())
def test_mutated_sections_raise_only_table_error(data: bytes, reseal: bool) -> None:
    if reseal:
        pat = outcome(parseProgramAssociationTableSection, resealed(data))
    else:
        pat = outcome(parseProgramAssociationTableSection, data, checkCRC=False)
    if pat is not None:
        assert pat["table_type"] == "PAT" and len(pat["transport_streams"]) == 1


@COMPONENT_FUZZ
@given(st.lists(mutated(VALID), max_size=8))
def test_the_component_survives_any_sections(sections_: list[bytes]) -> None:
    parser = ParseProgramAssociationTable()
    got = parsedBy(parser, sections_ + [VALID[0]])
    assert parser._isStopped() and all(t["table_type"] == "PAT" for t in got)
    assert len(got) + parser.refused <= len(sections_) + 1

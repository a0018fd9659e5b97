"""Kamaelia.Device.DVB.Parse.ParseTimeAndDateTable and ParseTimeOffsetTable: the TDTs
tsfixtures.insertEIT writes, TOTs written here (CRC and all), damage, fuzz."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseTimeAndDateTable import (
    TDT_PID, ParseTimeAndDateTable, parseTimeAndDateTableSection)
from Kamaelia.Device.DVB.Parse.ParseTimeOffsetTable import (
    TOT_PID, ParseTimeOffsetTable, parseTimeOffsetTableSection)
from test_dvb_parse_sections import (COMPONENT_FUZZ, FUZZ, assertExamplesRun, fromStream,
                                     multiplex, mutated, outcome, parsedBy, resealed, sealed)
from tsfixtures import BASE, InsertedTables, Programme, insertEIT, mjdTime, packetise

SECOND = timedelta(seconds=1)
UNDEFINED = b"\xff" * 5


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> InsertedTables:
    directory = tmp_path_factory.mktemp("tdt")
    mux = multiplex(directory, seconds=3.0)
    return insertEIT(mux.path, directory / "tdt.ts",
                     {1: [Programme(1, "News", "The news.", BASE, 60 * SECOND)]})


def asList(when: datetime) -> list[int]:
    return [when.year, when.month, when.day, when.hour, when.minute, when.second]


def tdtSection(when: bytes) -> bytes:
    return bytes([0x70, 0x70, 5]) + when


def offsetEntry(country: bytes, region: int, minutes: int, change: bytes,
                nextMinutes: int) -> bytes:
    """One region of a local_time_offset descriptor; offsets in minutes, the
    sign of ``minutes`` the polarity (both offsets share it)."""
    def bcd(value: int) -> int:
        return (value // 10) << 4 | value % 10

    def hhmm(total: int) -> bytes:
        return bytes([bcd(abs(total) // 60), bcd(abs(total) % 60)])
    return (country + bytes([region << 2 | 0x02 | (minutes < 0)]) + hhmm(minutes) + change
            + hhmm(nextMinutes))


def descriptor(*entries: bytes) -> bytes:
    body = b"".join(entries)
    return bytes([0x58, len(body)]) + body


def totSection(when: bytes, descriptors: bytes) -> bytes:
    length = 5 + 2 + len(descriptors) + 4
    return sealed(bytes([0x73, 0x70 | length >> 8, length & 0xFF]) + when
                  + (0xF000 | len(descriptors)).to_bytes(2, "big") + descriptors)


NOW = datetime(2006, 12, 21, 16, 16, 8, tzinfo=timezone.utc)
CHANGE = datetime(2007, 3, 25, 1, 0, 0, tzinfo=timezone.utc)
GBR = offsetEntry(b"GBR", 0, 0, mjdTime(CHANGE), 60)
PRT = offsetEntry(b"PRT", 2, -60, mjdTime(CHANGE), -60)      # the Azores: UTC-1
ESP = offsetEntry(b"ESP", 1, 60, UNDEFINED, 120)
TOT = totSection(mjdTime(NOW), descriptor(GBR, PRT) + bytes([0x5F, 4, 0, 0, 0, 0x28])
                 + descriptor(ESP))
TDT = tdtSection(mjdTime(NOW))


# ------------------------------------------------------------ the TDT

def test_every_tdt_insert_eit_wrote_comes_out_with_its_time(tables: InsertedTables) -> None:
    written = tables.tdt()
    assert len(written) >= 3
    got = fromStream(tables.path.read_bytes(), TDT_PID, ParseTimeAndDateTable())
    assert got == [asList(BASE + k * SECOND) for k in range(len(written))]


def test_the_pure_function_gives_the_list_and_a_datetime(tables: InsertedTables) -> None:
    section = tables.tdt()[1].section
    assert parseTimeAndDateTableSection(section) == {
        "table_type": "TDT", "table_id": 0x70, "UTC_now": asList(BASE + SECOND),
        "utc": BASE + SECOND}


def test_a_tdt_is_sent_every_time_and_the_tot_beside_it_ignored() -> None:
    got = parsedBy(ParseTimeAndDateTable(), [TDT, TOT, TDT])
    assert got == [asList(NOW), asList(NOW)]


@pytest.mark.parametrize("section,message", [
    (tdtSection(UNDEFINED), "UTC_time at byte 3 is 'undefined'"),
    (tdtSection(mjdTime(NOW)[:2] + b"\x25\x61\x00"), "UTC_time at byte 3"),
    (bytes([0x70, 0x70, 3]) + mjdTime(NOW)[:3], "section_length 3 is below the 5"),
    (bytes([0x70, 0xF0, 5]) + mjdTime(NOW), "section_syntax_indicator is 1"),
    (TDT[:-1], "section_length 5 needs 8 bytes, only 7"),
])
def test_bad_tdts_are_table_errors_and_skipped(section: bytes, message: str) -> None:
    with pytest.raises(TableError, match="TDT: " + message):
        parseTimeAndDateTableSection(section)
    parser = ParseTimeAndDateTable()
    assert parsedBy(parser, [section, TDT]) == [asList(NOW)] and parser.refused == 1


def test_a_leap_second_is_the_next_days_first() -> None:
    leap = tdtSection(mjdTime(datetime(2016, 12, 31))[:2] + b"\x23\x59\x60")
    assert parseTimeAndDateTableSection(leap)["UTC_now"] == [2017, 1, 1, 0, 0, 0]


# ------------------------------------------------------------ the TOT

def test_a_tot_gives_every_region_of_every_local_time_offset_descriptor() -> None:
    tot = parseTimeOffsetTableSection(TOT)
    assert tot["UTC_now"] == asList(NOW) and tot["utc"] == NOW
    assert [tag for tag, _ in tot["descriptors"]] == [0x58, 0x5F, 0x58]
    assert tot["offsets"] == [
        {"country": "GBR", "region": 0, "offset": (0, 0), "timeOfChange": asList(CHANGE),
         "nextOffset": (1, 0)},
        {"country": "PRT", "region": 2, "offset": (-1, 0), "timeOfChange": asList(CHANGE),
         "nextOffset": (-1, 0)},
        {"country": "ESP", "region": 1, "offset": (1, 0), "timeOfChange": None,
         "nextOffset": (2, 0)}]


def test_the_component_sends_a_message_per_region_in_1_14s_shape() -> None:
    got = parsedBy(ParseTimeOffsetTable(), [TOT, TDT, TOT])
    assert len(got) == 6 and got[:3] == got[3:]     # every TOT, the TDT ignored
    assert got[0] == {"table_type": "TOT", "UTC_now": asList(NOW), "country": "GBR",
                      "region": 0, "offset": (0, 0),
                      "next": {"offset": (1, 0), "when": asList(CHANGE)}}
    assert [(m["country"], m["offset"], m["next"]["when"]) for m in got[1:3]] == [
        ("PRT", (-1, 0), asList(CHANGE)), ("ESP", (1, 0), None)]


def test_a_tot_without_local_time_offsets_sends_nothing() -> None:
    bare = totSection(mjdTime(NOW), b"")
    assert parseTimeOffsetTableSection(bare)["offsets"] == []
    assert parsedBy(ParseTimeOffsetTable(), [bare]) == []


def test_tdt_and_tot_come_through_the_demultiplexer_from_one_pid() -> None:
    stream, _ = packetise(TDT_PID, [TDT, TOT, TDT, TOT])
    assert TOT_PID == TDT_PID == 0x14
    assert fromStream(stream, TDT_PID, ParseTimeAndDateTable()) == [asList(NOW)] * 2
    assert len(fromStream(stream, TOT_PID, ParseTimeOffsetTable())) == 6


@pytest.mark.parametrize("section,message", [
    (TOT[:-1] + bytes([TOT[-1] ^ 1]), "CRC-32 check failed"),
    (totSection(UNDEFINED, b""), "UTC_time at byte 3 is 'undefined'"),
    (totSection(mjdTime(NOW), b"\x58\x0d" + GBR[:-1]), "bad descriptors at bytes 10..24"),
    (totSection(mjdTime(NOW), descriptor(GBR[:-1])), "bad descriptors"),
    (sealed(bytes([0x73, 0x70, 11]) + mjdTime(NOW) + b"\xf0\x05"), "descriptor loop of 5"),
    (sealed(bytes([0x73, 0x70, 9]) + mjdTime(NOW)), "section_length 9 is below the 11"),
])
def test_bad_tots_are_table_errors_and_skipped(section: bytes, message: str) -> None:
    with pytest.raises(TableError, match="TOT: " + message):
        parseTimeOffsetTableSection(section)
    parser = ParseTimeOffsetTable()
    assert len(parsedBy(parser, [section, TOT])) == 3 and parser.refused == 1


def test_the_crc_check_can_be_turned_off() -> None:
    damaged = TOT[:-1] + bytes([TOT[-1] ^ 1])
    assert parseTimeOffsetTableSection(damaged, checkCRC=False)["UTC_now"] == asList(NOW)


def test_examples() -> None:
    assertExamplesRun("ParseTimeAndDateTable")
    assertExamplesRun("ParseTimeOffsetTable")


# ------------------------------------------------------------ fuzz

@FUZZ
@given(st.builds(lambda rest: b"\x70" + rest, st.binary(max_size=20)) | mutated([TDT]))
def test_tdt_raises_only_table_error(data: bytes) -> None:
    tdt = outcome(parseTimeAndDateTableSection, data)
    if tdt is not None:
        assert tdt["utc"].tzinfo is timezone.utc and len(tdt["UTC_now"]) == 6


@FUZZ
@given(st.builds(lambda rest: b"\x73" + rest, st.binary(max_size=80)), st.booleans())
def test_random_tot_bytes_raise_only_table_error(data: bytes, checkCRC: bool) -> None:
    outcome(parseTimeOffsetTableSection, data, checkCRC=checkCRC)


@FUZZ
@given(mutated([TOT, totSection(mjdTime(NOW), descriptor(ESP))]), st.booleans())
def test_mutated_tots_raise_only_table_error(data: bytes, reseal: bool) -> None:
    if reseal:
        tot = outcome(parseTimeOffsetTableSection, resealed(data))
    else:
        tot = outcome(parseTimeOffsetTableSection, data, checkCRC=False)
    if tot is not None:
        assert all(len(entry["country"]) == 3 for entry in tot["offsets"])


@COMPONENT_FUZZ
@given(st.lists(mutated([TOT, TDT]), max_size=8))
def test_the_components_survive_any_sections(sections_: list[bytes]) -> None:
    for parser in (ParseTimeAndDateTable(), ParseTimeOffsetTable()):
        parsedBy(parser, sections_)
        assert parser._isStopped()

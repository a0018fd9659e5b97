"""Kamaelia.Device.DVB.Parse.ParseNetworkInformationTable: NITs written here (CRC and all),
through the demultiplexer and reassembler too; the factories, damage, fuzz."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, strategies as st

from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseNetworkInformationTable import (
    NIT_PID, ParseNetworkInformationTable, ParseNetworkInformationTable_ActualAndOtherNetwork,
    ParseNetworkInformationTable_ActualNetwork, ParseNetworkInformationTable_OtherNetwork,
    parseNetworkInformationTableSection)
from test_dvb_parse_sections import (COMPONENT_FUZZ, FUZZ, assertExamplesRun, fromStream,
                                     longSectionBytes, mutated, outcome, parsedBy,
                                     randomSection, resealed)
from tsfixtures import corruptSection, packetise

NETWORK_NAME = bytes([0x40, 9]) + b"Freeview1"
SERVICE_LIST = bytes([0x41, 6, 0x10, 0x44, 0x01, 0x10, 0xC4, 0x02])
LCN = bytes([0x83, 4, 0x10, 0x44, 0xFC, 0x01])
TERRESTRIAL_BODY = (506_000_000 // 10).to_bytes(4, "big") + bytes([0x1F, 0x42, 0x02]) + b"\xff" * 4
TERRESTRIAL = bytes([0x5A, len(TERRESTRIAL_BODY)]) + TERRESTRIAL_BODY


def loop(data: bytes) -> bytes:
    """A 12-bit loop length (reserved bits set) and the loop."""
    return (0xF000 | len(data)).to_bytes(2, "big") + data


def nitSection(tableId: int, networkId: int, descriptors: bytes,
               streams: list[tuple[int, int, bytes]], **header: Any) -> bytes:
    """streams: (transport_stream_id, original_network_id, descriptors)."""
    entries = b"".join(tsid.to_bytes(2, "big") + onid.to_bytes(2, "big") + loop(d)
                       for tsid, onid, d in streams)
    return longSectionBytes(tableId, networkId, loop(descriptors) + loop(entries), **header)


ACTUAL = nitSection(0x40, 0x3001, NETWORK_NAME,
                    [(0x1044, 0x233A, SERVICE_LIST + TERRESTRIAL + LCN), (0x2000, 0x233A, b"")])
OTHER = nitSection(0x41, 0x3002, bytes([0x40, 5]) + b"Other", [(7, 8, b"")])


# ------------------------------------------------------------ the table's shape

def test_a_nit_gives_the_network_and_its_transport_streams() -> None:
    nit = parseNetworkInformationTableSection(ACTUAL)
    assert {k: nit[k] for k in ("table_type", "table_id", "actual_other", "current", "version",
                                "section_number", "last_section_number", "network_id")} == {
        "table_type": "NIT", "table_id": 0x40, "actual_other": "ACTUAL", "current": 1,
        "version": 0, "section_number": 0, "last_section_number": 0, "network_id": 0x3001}
    assert nit["descriptors"] == [(0x40, {"type": "network_name", "network_name": "Freeview1"})]
    first, second = nit["transport_streams"]
    assert (first["transport_stream_id"], first["original_network_id"]) == (0x1044, 0x233A)
    assert [tag for tag, _ in first["descriptors"]] == [0x41, 0x5A, 0x83]
    assert first["descriptors"][0][1]["services"] == [
        {"service_id": 0x1044, "service_type": "digital television service"},
        {"service_id": 0x10C4, "service_type": "digital radio sound service"}]
    assert first["descriptors"][1][1]["params"]["frequency"] == 506_000_000
    assert first["descriptors"][2][1]["mappings"] == {0x1044: 1}
    assert second == {"transport_stream_id": 0x2000, "original_network_id": 0x233A,
                      "descriptors": []}


def test_bytes_after_the_transport_stream_loop_are_ignored() -> None:
    payload = loop(NETWORK_NAME) + loop(b"") + b"\x00\x00\x00"
    nit = parseNetworkInformationTableSection(longSectionBytes(0x40, 1, payload))
    assert nit["transport_streams"] == [] and len(nit["descriptors"]) == 1


@pytest.mark.parametrize("make,taken", [
    (ParseNetworkInformationTable_ActualNetwork, ["ACTUAL"]),
    (ParseNetworkInformationTable_OtherNetwork, ["OTHER"]),
    (ParseNetworkInformationTable_ActualAndOtherNetwork, ["ACTUAL", "OTHER"]),
    (ParseNetworkInformationTable, ["ACTUAL", "OTHER"]),
])
def test_the_factories_take_actual_other_or_both(make: Any, taken: list[str]) -> None:
    parser = make()
    got = parsedBy(parser, [ACTUAL, OTHER, OTHER, ACTUAL])
    assert [t["actual_other"] for t in got] == taken and parser.refused == 0
    assert [t["network_id"] for t in got] == [{"ACTUAL": 0x3001, "OTHER": 0x3002}[k]
                                              for k in taken]


def test_accept_tables_gives_the_label_and_checks_the_ids() -> None:
    got = parsedBy(ParseNetworkInformationTable(acceptTables={0x40: "home"}), [OTHER, ACTUAL])
    assert [t["actual_other"] for t in got] == ["home"]
    with pytest.raises(ValueError, match=r"takes table ids 0x40 and 0x41, not \[66\]"):
        ParseNetworkInformationTable(acceptTables={0x42: "SDT"})


def test_sections_are_joined_in_order_and_sent_once_per_version() -> None:
    first = nitSection(0x40, 1, NETWORK_NAME, [(1, 1, b"")], version=4, last=1)
    second = nitSection(0x40, 1, LCN, [(2, 1, b""), (3, 1, b"")], version=4, number=1, last=1)
    newer = nitSection(0x40, 1, NETWORK_NAME, [(9, 1, b"")], version=5)
    got = parsedBy(ParseNetworkInformationTable(), [second, first, second, first, newer, newer])
    assert [[ts["transport_stream_id"] for ts in t["transport_streams"]] for t in got] == [
        [1, 2, 3], [9]]
    assert [tag for tag, _ in got[0]["descriptors"]] == [0x40, 0x83]
    assert "section_number" not in got[0] and got[0]["last_section_number"] == 1
    parser = ParseNetworkInformationTable()
    assert parser.parseTable((0x40, 1, 1), [(first, len(first) - 3), second]) == got[0]
    assert parser.parseTable((0x41, 1, 7), []) == {
        "table_type": "NIT", "table_id": 0x41, "actual_other": "OTHER", "current": 1,
        "network_id": 7, "descriptors": [], "transport_streams": []}


def test_a_nit_comes_through_the_demultiplexer_and_a_corrupted_copy_is_refused() -> None:
    stream, _ = packetise(NIT_PID, [ACTUAL, OTHER, ACTUAL, OTHER])
    got = fromStream(stream, NIT_PID, ParseNetworkInformationTable())
    assert [t["network_id"] for t in got] == [0x3001, 0x3002]
    assert got[0]["transport_streams"] == parseNetworkInformationTableSection(
        ACTUAL)["transport_streams"]
    parser = ParseNetworkInformationTable()
    got = fromStream(corruptSection(stream, NIT_PID, 0), NIT_PID, parser, checkCrc=False)
    assert parser.refused == 1 and [t["network_id"] for t in got] == [0x3002, 0x3001]


# ------------------------------------------------------------ bad sections

@pytest.mark.parametrize("payload,message", [
    (b"\xf0", "network descriptors length field at byte 8 is past the end"),
    (loop(NETWORK_NAME)[:-2], "network descriptors of 11 bytes at byte 10 runs past"),
    (loop(b""), "transport stream loop length field at byte 10 is past the end"),
    (loop(b"") + loop(b"\x00\x01\x00\x01\xf0"), r"5 byte\(s\) at byte 12 are too few"),
    (loop(b"") + loop(b"\x00\x01\x00\x01\xf0\x05"), "descriptors of transport stream 1 of 5"),
    (loop(b"") + b"\xf0\x09" + bytes(4), "transport stream loop of 9 bytes"),
    (loop(b"\x40\x09Free"), "bad network descriptors"),
])
def test_loops_that_do_not_fit_are_table_errors(payload: bytes, message: str) -> None:
    with pytest.raises(TableError, match=message):
        parseNetworkInformationTableSection(longSectionBytes(0x40, 1, payload))


def test_garbage_never_stops_the_component() -> None:
    parser = ParseNetworkInformationTable()
    got = parsedBy(parser, [ACTUAL[:-1], ACTUAL[:11] + bytes(len(ACTUAL) - 11), ACTUAL])
    assert len(got) == 1 and parser.refused == 2


def test_nit_pid_and_examples() -> None:
    assert NIT_PID == 0x10
    assertExamplesRun("ParseNetworkInformationTable")


# ------------------------------------------------------------ fuzz

VALID = [ACTUAL, OTHER, nitSection(0x40, 0xFFFF, b"", [], version=31, number=2, last=3)]


@FUZZ
@given(randomSection([0x40, 0x41]), st.booleans())
def test_random_bytes_raise_only_table_error(data: bytes, checkCRC: bool) -> None:
    outcome(parseNetworkInformationTableSection, data, checkCRC=checkCRC)


@FUZZ
@given(mutated(VALID), st.booleans())
def test_mutated_sections_raise_only_table_error(data: bytes, reseal: bool) -> None:
    if reseal:
        nit = outcome(parseNetworkInformationTableSection, resealed(data))
    else:
        nit = outcome(parseNetworkInformationTableSection, data, checkCRC=False)
    if nit is not None:
        assert all(isinstance(ts["descriptors"], list) for ts in nit["transport_streams"])


@COMPONENT_FUZZ
@given(st.lists(mutated(VALID), max_size=8))
def test_the_component_survives_any_sections(sections_: list[bytes]) -> None:
    parser = ParseNetworkInformationTable()
    got = parsedBy(parser, sections_)
    assert parser._isStopped() and all(t["table_type"] == "NIT" for t in got)

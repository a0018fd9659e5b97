"""Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable: ffmpeg's SDT, the factories,
SDT_to_SimpleServiceList, damage, fuzz."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from hypothesis import given, strategies as st

from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import (
    SDT_PID, ParseServiceDescriptionTable, ParseServiceDescriptionTable_ActualAndOtherTS,
    ParseServiceDescriptionTable_ActualTS, ParseServiceDescriptionTable_OtherTS,
    SDT_to_SimpleServiceList, parseServiceDescriptionTableSection, serviceNames)
from test_dvb_parse_sections import (COMPONENT_FUZZ, FUZZ, assertExamplesRun, fromStream,
                                     longSectionBytes, multiplex, mutated, outcome, parsedBy,
                                     randomSection, resealed)
from tsfixtures import Multiplex, corruptSection, sections

LOGGER = "Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable"


@pytest.fixture(scope="module")
def mux(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    return multiplex(tmp_path_factory.mktemp("sdt"))


def serviceDescriptor(name: bytes, provider: bytes, serviceType: int = 0x01) -> bytes:
    body = bytes([serviceType, len(provider)]) + provider + bytes([len(name)]) + name
    return bytes([0x48, len(body)]) + body


def sdtSection(tableId: int, tsid: int, onid: int,
               services: list[tuple[int, int, int, bytes]], **header: Any) -> bytes:
    """services: (service_id, EIT flags byte, running_status << 1 | free_CA_mode, descriptors)."""
    payload = onid.to_bytes(2, "big") + b"\xff"
    for serviceId, eitFlags, status, descriptors in services:
        payload += (serviceId.to_bytes(2, "big") + bytes([0xFC | eitFlags])
                    + ((status << 12) | len(descriptors)).to_bytes(2, "big") + descriptors)
    return longSectionBytes(tableId, tsid, payload, **header)


ACTUAL = sdtSection(0x42, 4100, 9018, [(4164, 0b11, 4 << 1, serviceDescriptor(b"BBC ONE", b"BBC")),
                                       (4228, 0b01, 2 << 1 | 1,
                                        serviceDescriptor(b"BBC TWO", b"BBC"))])
OTHER = sdtSection(0x46, 4101, 9018, [(8000, 0, 1 << 1, serviceDescriptor(b"ITV1", b"ITV"))])
BAT = longSectionBytes(0x4A, 1, bytes.fromhex("f000f000"))


def names(table: dict[str, Any]) -> dict[int, tuple[str, str]]:
    """service id -> (name, provider) from the service descriptors."""
    found = {}
    for serviceId, service in table["services"].items():
        (tag, descriptor), = service["descriptors"]
        assert tag == 0x48 and descriptor["type"] == "service"
        found[serviceId] = (descriptor["service_name"], descriptor["service_provider_name"])
    return found


# ------------------------------------------------------------ ffmpeg's SDT

def test_ffmpegs_sdt_names_the_services_as_ffprobe_does(mux: Multiplex) -> None:
    sdt = parseServiceDescriptionTableSection(sections(mux.path.read_bytes(), SDT_PID)[0])
    assert {k: sdt[k] for k in ("table_type", "table_id", "actual_other", "current",
                                "transport_stream_id", "original_network_id")} == {
        "table_type": "SDT", "table_id": 0x42, "actual_other": "ACTUAL", "current": 1,
        "transport_stream_id": mux.transportStreamId,
        "original_network_id": mux.originalNetworkId}
    assert names(sdt) == {s.serviceId: (s.name, s.provider) for s in mux.services}
    assert "Télé Ü" in {s.name for s in mux.services}      # decoded, not raw bytes
    for service in sdt["services"].values():
        assert (service["running_status"], service["free_CA_mode"]) == (4, 0)
        assert service["descriptors"][0][1]["service_type"] == "digital television service"


def test_the_component_sends_ffmpegs_sdt_once_and_the_simple_list(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    got = fromStream(data, SDT_PID, ParseServiceDescriptionTable_ActualTS())
    assert len(got) == 1 and "section_number" not in got[0]
    assert names(got[0]) == {s.serviceId: (s.name, s.provider) for s in mux.services}
    simple = parsedBy(SDT_to_SimpleServiceList(), got)
    assert simple == [{s.name: s.serviceId for s in mux.services}]


def test_a_crc_corrupted_sdt_is_refused_and_the_next_copy_taken(mux: Multiplex) -> None:
    parser = ParseServiceDescriptionTable()
    got = fromStream(corruptSection(mux.path.read_bytes(), SDT_PID, 0), SDT_PID, parser,
                     checkCrc=False)
    assert parser.refused == 1 and len(got) == 1
    assert names(got[0]) == {s.serviceId: (s.name, s.provider) for s in mux.services}


# ------------------------------------------------------------ the table's shape

def test_the_service_fields_are_0_or_1_and_the_running_status() -> None:
    sdt = parseServiceDescriptionTableSection(ACTUAL)
    assert sdt["services"][4164] == {
        "eit_schedule": 1, "eit_present_following": 1, "running_status": 4, "free_CA_mode": 0,
        "descriptors": [(0x48, {"type": "service", "service_type": "digital television service",
                                "service_provider_name": "BBC", "service_name": "BBC ONE"})]}
    two = sdt["services"][4228]
    assert (two["eit_schedule"], two["eit_present_following"], two["running_status"],
            two["free_CA_mode"]) == (0, 1, 2, 1)


@pytest.mark.parametrize("make,taken", [
    (ParseServiceDescriptionTable_ActualTS, ["ACTUAL"]),
    (ParseServiceDescriptionTable_OtherTS, ["OTHER"]),
    (ParseServiceDescriptionTable_ActualAndOtherTS, ["ACTUAL", "OTHER"]),
    (ParseServiceDescriptionTable, ["ACTUAL", "OTHER"]),
])
def test_the_factories_take_actual_other_or_both_and_ignore_the_bat(make: Any,
                                                                    taken: list[str]) -> None:
    parser = make()
    got = parsedBy(parser, [BAT, ACTUAL, OTHER, ACTUAL, OTHER, BAT])
    assert [t["actual_other"] for t in got] == taken and parser.refused == 0
    assert [t["table_id"] for t in got] == [{"ACTUAL": 0x42, "OTHER": 0x46}[k] for k in taken]


def test_accept_tables_gives_the_label_and_checks_the_ids() -> None:
    got = parsedBy(ParseServiceDescriptionTable(acceptTables={0x46: "elsewhere"}),
                   [ACTUAL, OTHER])
    assert [t["actual_other"] for t in got] == ["elsewhere"]
    with pytest.raises(ValueError, match=r"takes table ids 0x42 and 0x46, not \[74\]"):
        ParseServiceDescriptionTable(acceptTables={0x4A: "BAT"})


def test_tables_are_told_apart_by_multiplex_network_and_version() -> None:
    sameElsewhere = sdtSection(0x42, 4100, 1, [(1, 0, 4 << 1, b"")])
    v1 = sdtSection(0x42, 4100, 9018, [(4164, 0, 4 << 1, b"")], version=1)
    got = parsedBy(ParseServiceDescriptionTable(),
                   [ACTUAL, sameElsewhere, ACTUAL, v1, v1, ACTUAL])
    assert [(t["original_network_id"], t["version"]) for t in got] == [
        (9018, 0), (1, 0), (9018, 1), (9018, 0)]      # any change of version is news


def test_the_sections_of_a_table_are_merged() -> None:
    first = sdtSection(0x42, 1, 2, [(10, 0, 4 << 1, serviceDescriptor(b"A", b"P"))], last=1)
    second = sdtSection(0x42, 1, 2, [(11, 0, 4 << 1, serviceDescriptor(b"B", b"P"))],
                        number=1, last=1)
    got = parsedBy(ParseServiceDescriptionTable(), [second, second, first])
    assert len(got) == 1 and names(got[0]) == {10: ("A", "P"), 11: ("B", "P")}
    parser = ParseServiceDescriptionTable_ActualTS()
    assert parser.parseTable((0x42, 1, 1, 2), [(first, len(first) - 3), second]) == got[0]
    assert parser.parseTable((0x42, 0, 5, 6), []) == {
        "table_type": "SDT", "table_id": 0x42, "actual_other": "ACTUAL", "current": 0,
        "transport_stream_id": 5, "original_network_id": 6, "services": {}}


# ------------------------------------------------------------ SDT_to_SimpleServiceList

def test_the_simple_list_skips_services_without_a_service_descriptor() -> None:
    other = bytes([0x5F, 4, 0, 0, 0, 0x28])          # private_data_specifier first
    sdt = parseServiceDescriptionTableSection(sdtSection(0x42, 1, 2, [
        (5, 0, 4 << 1, b""), (6, 0, 4 << 1, other + serviceDescriptor(b"Six", b"P")),
        (7, 0, 4 << 1, serviceDescriptor(b"Same", b"P")),
        (3, 0, 4 << 1, serviceDescriptor(b"Same", b"P"))]))
    assert serviceNames(sdt) == {"Six": 6, "Same": 7}
    assert parsedBy(SDT_to_SimpleServiceList(), [sdt]) == [{"Six": 6, "Same": 7}]


def test_the_simple_list_logs_and_skips_what_is_no_sdt(caplog: pytest.LogCaptureFixture) -> None:
    sdt = parseServiceDescriptionTableSection(ACTUAL)
    converter = SDT_to_SimpleServiceList()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        got = parsedBy(converter, ["nonsense", sdt])
    assert got == [{"BBC ONE": 4164, "BBC TWO": 4228}]
    errors = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(errors) == 1 and "'nonsense'" in errors[0] and converter.name in errors[0]
    with pytest.raises(TypeError, match="not a parsed SDT: 'nonsense'"):
        serviceNames("nonsense")        # type: ignore[arg-type]


# ------------------------------------------------------------ bad sections

@pytest.mark.parametrize("payload,message", [
    (bytes.fromhex("2300"), "too short for original_network_id"),
    (bytes.fromhex("2300ff" "1044fd80"), r"4 byte\(s\) at byte 11 are too few for a service"),
    (bytes.fromhex("2300ff" "1044fd8009" "4801"), "descriptors of service 4164 of 9 bytes"),
    (bytes.fromhex("2300ff" "1044fd8002" "4805"), "bad descriptors of service 4164"),
])
def test_loops_that_do_not_fit_are_table_errors(payload: bytes, message: str) -> None:
    with pytest.raises(TableError, match=message):
        parseServiceDescriptionTableSection(longSectionBytes(0x42, 1, payload))


def test_garbage_never_stops_the_component() -> None:
    parser = ParseServiceDescriptionTable()
    got = parsedBy(parser, [ACTUAL[:12], ACTUAL[:-1] + b"\x00", bytes([0x42]) * 40, ACTUAL])
    assert len(got) == 1 and parser.refused == 3


def test_sdt_pid_and_examples() -> None:
    assert SDT_PID == 0x11
    assertExamplesRun("ParseServiceDescriptionTable")


# ------------------------------------------------------------ fuzz

VALID = [ACTUAL, OTHER, sdtSection(0x42, 1, 2, [], version=31, current=False)]


@FUZZ
@given(randomSection([0x42, 0x46]), st.booleans())
def test_random_bytes_raise_only_table_error(data: bytes, checkCRC: bool) -> None:
    outcome(parseServiceDescriptionTableSection, data, checkCRC=checkCRC)


@FUZZ
@given(mutated(VALID), st.booleans())
def test_mutated_sections_raise_only_table_error(data: bytes, reseal: bool) -> None:
    if reseal:
        sdt = outcome(parseServiceDescriptionTableSection, resealed(data))
    else:
        sdt = outcome(parseServiceDescriptionTableSection, data, checkCRC=False)
    if sdt is not None:
        assert all(isinstance(name, str) for name in serviceNames(sdt))


@COMPONENT_FUZZ
@given(st.lists(mutated(VALID), max_size=8))
def test_the_components_survive_any_sections(sections_: list[bytes]) -> None:
    parser = ParseServiceDescriptionTable()
    got = parsedBy(parser, sections_)
    assert parser._isStopped() and all(t["table_type"] == "SDT" for t in got)
    assert all(isinstance(names_, dict) for names_ in parsedBy(SDT_to_SimpleServiceList(), got))

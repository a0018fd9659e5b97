"""Kamaelia.Device.DVB.Parse.PrettifyTables: the text of each table, line for line, from
parsed sections and from a real multiplex; what is not a table."""

from __future__ import annotations

import textwrap
from typing import Any, Callable

import pytest
from hypothesis import given

from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
    ParseEventInformationTable_Subset, eitSection, eitTable, parseEITSection)
from Kamaelia.Device.DVB.Parse.ParseNetworkInformationTable import (
    parseNetworkInformationTableSection)
from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import (
    ParseProgramAssociationTable, parseProgramAssociationTableSection)
from Kamaelia.Device.DVB.Parse.ParseProgramMapTable import parseProgramMapTableSection
from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import (
    ParseServiceDescriptionTable_ActualTS, parseServiceDescriptionTableSection)
from Kamaelia.Device.DVB.Parse.ParseTimeOffsetTable import ParseTimeOffsetTable
from Kamaelia.Device.DVB.Parse.PrettifyTables import (
    RUNNING_STATUS, PrettifyEventInformationTable, PrettifyNetworkInformationTable,
    PrettifyProgramAssociationTable, PrettifyProgramMapTable, PrettifyServiceDescriptionTable,
    PrettifyTimeAndDateTable, PrettifyTimeOffsetTable, formatDescriptors, iif, pformat,
    prettifyEIT, prettifyNIT, prettifyPAT, prettifyPMT, prettifySDT, prettifyTDT, prettifyTOT)
from test_dvb_parse_eit import VALID as EIT_SECTIONS
from test_dvb_parse_nit import ACTUAL as NIT_SECTION
from test_dvb_parse_nit import VALID as NIT_SECTIONS
from test_dvb_parse_pat import VALID as PAT_SECTIONS
from test_dvb_parse_pmt import ISO_639, STREAM_ID, pmtSection
from test_dvb_parse_pmt import VALID as PMT_SECTIONS
from test_dvb_parse_sdt import ACTUAL as SDT_SECTION
from test_dvb_parse_sdt import VALID as SDT_SECTIONS
from test_dvb_parse_sections import (FUZZ, assertExamplesRun, fromStream, multiplex, mutated,
                                     outcome, parsedBy, patSection, resealed)
from test_dvb_parse_tdt_tot import TOT
from tsfixtures import BASE, Multiplex

Prettifier = Callable[[], Any]


def text(block: str) -> str:
    return textwrap.dedent(block).lstrip("\n")


def prettified(make: Prettifier, message: Any) -> str:
    """What the component sends for one message (it must send exactly one string)."""
    out = parsedBy(make(), [message])
    assert len(out) == 1 and isinstance(out[0], str)
    return str(out[0])


# ------------------------------------------------------------ each table's text

def test_pat_text() -> None:
    pat = parseProgramAssociationTableSection(patSection(4100, {0: 16, 4164: 4164, 4228: 4228}))
    assert prettified(PrettifyProgramAssociationTable, pat) == text("""
        PAT received:
            Table ID           : 0
            Table is valid for : CURRENT (valid)
            NIT is in PID      : 16
            For transport stream id : 4100
                For service 4164 : PMT is in PID 4164
                For service 4228 : PMT is in PID 4228
        ----
        """)


def test_pmt_text() -> None:
    pmt = parseProgramMapTableSection(pmtSection(1, 0x100, [(2, 0x101, STREAM_ID),
                                                            (3, 0x102, ISO_639)],
                                                 version=1, current=False))
    assert prettified(PrettifyProgramMapTable, pmt) == text("""
        PMT received:
            Table ID           : 2
            Table is valid for : NEXT (not valid yet)
            Services:
                Service id : 1
                Program Clock Reference in PID : 256
                Service Descriptors:
                    <<NONE>>
                Streams in service:
                    Type : 2
                        PID  : 257
                        Stream Descriptors:
                            Descriptor 0x52 : stream_identifier
                                component_tag : 7
                    Type : 3
                        PID  : 258
                        Stream Descriptors:
                            Descriptor 0xa : ISO_639
                                entries : [{'audio_type': '', 'language_code': 'eng'}]
        ----
        """)


def test_sdt_text() -> None:
    sdt = parseServiceDescriptionTableSection(SDT_SECTION)
    assert prettified(PrettifyServiceDescriptionTable, sdt) == text("""
        SDT received:
            Table ID           : 66
            Table is valid for : CURRENT (valid)
            Actual or Other n/w: ACTUAL
            Transport stream id: 4100
            Original network id: 9018
            Services:
                Service id : 4164
                    EIT present_following? : YES
                    EIT schedule?          : YES
                    Running status         : 4 (RUNNING)
                    Scrambled?             : NO
                    Service descriptors:
                        Descriptor 0x48 : service
                            service_name : 'BBC ONE'
                            service_provider_name : 'BBC'
                            service_type : 'digital television service'
                Service id : 4228
                    EIT present_following? : YES
                    EIT schedule?          : NO
                    Running status         : 2 (STARTS SOON)
                    Scrambled?             : YES
                    Service descriptors:
                        Descriptor 0x48 : service
                            service_name : 'BBC TWO'
                            service_provider_name : 'BBC'
                            service_type : 'digital television service'
        ----
        """)


def test_nit_text_with_a_value_of_many_lines() -> None:
    nit = parseNetworkInformationTableSection(NIT_SECTION)
    got = prettified(PrettifyNetworkInformationTable, nit)
    assert got.startswith(text("""
        NIT received:
            Table ID           : 64
            Table is valid for : CURRENT (valid)
            Actual or Other n/w: ACTUAL
            Network ID         : 12289
            Network descriptors:
                Descriptor 0x40 : network_name
                    network_name : 'Freeview1'
            Transport Stream:
                transport stream id : 4164
                original network id : 9018
                Transport Stream Descriptors:
                    Descriptor 0x41 : service_list
                        services : [{'service_id': 4164, 'service_type': 'digital television service'},
                                    {'service_id': 4292, 'service_type': 'digital radio sound service'}]
                    Descriptor 0x5a : terrestrial_delivery_system
                        other_frequencies : False
                        params : {'bandwidth': 'BANDWIDTH_8_MHZ',
                                  'code_rate_HP': 'FEC_3_4',
        """))
    assert got.endswith(text("""
                    Descriptor 0x83 : logical_channel
                        mappings : {4164: 1}
            Transport Stream:
                transport stream id : 8192
                original network id : 9018
                Transport Stream Descriptors:
                    <<NONE>>
        ----
        """))


def test_tdt_text_from_the_list_or_the_pure_parsers_dict() -> None:
    expected = text("""
        TDT received:
           UTC Date now (y,m,d) : 2006 12 21
           UTC Time now (h,m,s) : 15:01:03
        ----
        """)
    assert prettified(PrettifyTimeAndDateTable, [2006, 12, 21, 15, 1, 3]) == expected
    assert prettifyTDT({"table_type": "TDT", "UTC_now": [2006, 12, 21, 15, 1, 3]}) == expected
    assert prettified(PrettifyTimeAndDateTable,
                      "12:00") == "Not recognised as Time and Date data\n"


def test_tot_text_including_negative_and_undefined() -> None:
    first, azores, spain = parsedBy(ParseTimeOffsetTable(), [TOT])
    assert prettified(PrettifyTimeOffsetTable, first) == text("""
        TOT received:
           DateTime now (UTC)         : 2006-12-21 16:16:08
           Current local offset (h,m) : 00:00
           Country & region in it     : GBR (0)
           Next change of offset:
               Changes to             : 01:00
               Changes on (y,m,d)     : 2007-03-25 01:00:00
        ----
        """)
    assert "Current local offset (h,m) : -01:00\n" in prettifyTOT(azores)
    assert "Changes on (y,m,d)     : undefined\n" in prettifyTOT(spain)


def test_eit_text() -> None:
    section = eitSection(0x4E, 4164, 4100, 9018, 3, 1, 1, [
        {"event_id": 8735, "start": BASE, "duration": BASE - BASE.replace(hour=18, minute=30),
         "running_status": 1, "name": "To Buy or Not to Buy", "text": "Property."},
        {"event_id": 8736, "running_status": 5, "free_CA_mode": True}])
    table = parsedBy(ParseEventInformationTable_Subset(), [section])[0]
    assert prettified(PrettifyEventInformationTable, table) == text("""
        EIT received:
            Table ID                      : 78
            Table is valid for            : CURRENT (valid)
            Actual or Other n/w           : ACTUAL
            Present-Following or Schedule : Present-Following
            Transport stream id           : 4100
            Original network id           : 9018
            Version                       : 3
            Section                       : 1 of 0-1
            Events:
                Service id : 4164
                    Event id               : 8735
                    Running status         : 1 (NOT RUNNING)
                    Start datetime (UTC)   : 2024-03-01 19:00:00
                    Duration               : 00:30:00 (hh:mm:ss)
                    Scrambled?             : NO
                    Event descriptors:
                        Descriptor 0x4d : short_event
                            language_code : 'eng'
                            name : 'To Buy or Not to Buy'
                            text : 'Property.'
                Service id : 4164
                    Event id               : 8736
                    Running status         : 5 (OFF-AIR)
                    Start datetime (UTC)   : undefined
                    Duration               : undefined
                    Scrambled?             : YES
                    Event descriptors:
                        <<NONE>>
        ----
        """)
    empty = eitTable(parseEITSection(eitSection(0x50, 1, 2, 3, 0, 0, 0)))
    assert "Present-Following or Schedule : Schedule\n    Transport" in prettifyEIT(empty)
    assert prettifyEIT(empty).endswith("    Events:\n        <<NONE>>\n----\n")


# ------------------------------------------------------------ a real multiplex

@pytest.fixture(scope="module")
def mux(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    return multiplex(tmp_path_factory.mktemp("prettify"))


def test_a_real_multiplex_prettified(mux: Multiplex) -> None:
    data = mux.path.read_bytes()
    (pat,) = parsedBy(PrettifyProgramAssociationTable(),
                      fromStream(data, 0x00, ParseProgramAssociationTable()))
    for service in mux.services:
        assert f"For service {service.serviceId} : PMT is in PID {service.pmtPid}\n" in pat
    (sdt,) = parsedBy(PrettifyServiceDescriptionTable(),
                      fromStream(data, 0x11, ParseServiceDescriptionTable_ActualTS()))
    for service in mux.services:
        assert f"        Service id : {service.serviceId}\n" in sdt
        assert f"service_name : {service.name!r}\n" in sdt
        assert f"service_provider_name : {service.provider!r}\n" in sdt


# ------------------------------------------------------------ what is not a table

PRETTIFIERS: list[tuple[Prettifier, Callable[[Any], str], str, bytes]] = [
    (PrettifyProgramAssociationTable, prettifyPAT, "PAT", PAT_SECTIONS[0]),
    (PrettifyProgramMapTable, prettifyPMT, "PMT", PMT_SECTIONS[0]),
    (PrettifyServiceDescriptionTable, prettifySDT, "SDT", SDT_SECTIONS[0]),
    (PrettifyNetworkInformationTable, prettifyNIT, "NIT", NIT_SECTIONS[0]),
    (PrettifyEventInformationTable, prettifyEIT, "EIT", EIT_SECTIONS[0]),
    (PrettifyTimeOffsetTable, prettifyTOT, "TOT", TOT),
]


@pytest.mark.parametrize("make,prettify,name,section", PRETTIFIERS,
                         ids=[name for _, _, name, _ in PRETTIFIERS])
def test_what_is_not_a_parsed_table_is_said_and_the_component_goes_on(
        make: Prettifier, prettify: Callable[[Any], str], name: str, section: bytes) -> None:
    other = {"table_type": "XYZ"}
    broken = {"table_type": name, "table_id": 1}
    out = parsedBy(make(), ["junk", other, broken, 42])
    assert out == [f"Unrecognised data received (not a parsed {name})\n"] * 2 + [
        f"Unrecognised data received (not a parsed {name})/error parsing table)\n",
        f"Unrecognised data received (not a parsed {name})\n"]
    assert prettify(other) == out[0]


def test_the_helpers_as_1_14_had_them() -> None:
    assert iif(0, "yes", "no") == "no" and iif([1], "yes", "no") == "yes"
    assert pformat("  ", "key : ", {"a": 1}) == "  key :     {'a': 1}"
    assert formatDescriptors("Title:", "    ", []) == "Title:\n    <<NONE>>\n"
    assert formatDescriptors("T:", "", [(0x52, {"type": "stream_identifier",
                                                "component_tag": 1})]) == (
        "T:\nDescriptor 0x52 : stream_identifier\n    component_tag : 1\n")
    assert RUNNING_STATUS[:6] == ("UNDEFINED", "NOT RUNNING", "STARTS SOON", "PAUSING",
                                  "RUNNING", "OFF-AIR")


def test_examples() -> None:
    assertExamplesRun("PrettifyTables")


# ------------------------------------------------------------ fuzz: parsed means printable

PARSERS = {"PAT": (parseProgramAssociationTableSection, prettifyPAT, PAT_SECTIONS),
           "PMT": (parseProgramMapTableSection, prettifyPMT, PMT_SECTIONS),
           "SDT": (parseServiceDescriptionTableSection, prettifySDT, SDT_SECTIONS),
           "NIT": (parseNetworkInformationTableSection, prettifyNIT, NIT_SECTIONS)}


@pytest.mark.parametrize("name", PARSERS)
def test_every_section_that_parses_prettifies(name: str) -> None:
    parse, prettify, valid = PARSERS[name]

    @FUZZ
    @given(mutated(valid))
    def check(data: bytes) -> None:
        table = outcome(parse, resealed(data))
        if table is not None:
            assert prettify(table).startswith(f"{name} received:\n")
    check()


@FUZZ
@given(mutated(EIT_SECTIONS))
def test_every_eit_section_that_parses_prettifies(data: bytes) -> None:
    section = outcome(parseEITSection, resealed(data))
    if section is not None:
        assert prettifyEIT(eitTable(section)).startswith("EIT received:\n")

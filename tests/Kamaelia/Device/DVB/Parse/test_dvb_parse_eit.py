"""Kamaelia.Device.DVB.Parse.ParseEventInformationTable: the EIT tsfixtures.insertEIT writes
into a real multiplex (programme changes and version bumps), schedules, _Subset,
SimplifyEIT, the section writer, damage, fuzz."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, strategies as st

from Kamaelia.Device.DVB import EIT as EITModule
from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
    EIT_PID, ParseEventInformationTable, ParseEventInformationTable_Subset, SimplifyEIT,
    eitSection, eitTable, parseEITSection, simplifyEIT)
from test_dvb_parse_sections import (COMPONENT_FUZZ, FUZZ, assertExamplesRun, fromStream,
                                     longSectionBytes, multiplex, mutated, outcome, parsedBy,
                                     randomSection, resealed)
from tsfixtures import (BASE, InsertedSection, InsertedTables, Multiplex, Programme,
                        corruptSection, eitSection as fixtureSection, insertEIT, packetise)

LOGGER = "Kamaelia.Device.DVB.Parse.ParseEventInformationTable"
SECOND = timedelta(seconds=1)
SCHEDULE = {
    1: [Programme(101, "News", "The news.", BASE - 10 * SECOND, 12 * SECOND),
        Programme(102, "Café Society", "A film about a café.", BASE + 2 * SECOND, 2 * SECOND,
                  extendedText="Directed by Woody Allen.", items=(("Year", "2016"),)),
        Programme(103, "Late Film", "Another film.", BASE + 4 * SECOND, 3600 * SECOND)],
    2: [Programme(201, "Quiz", "A quiz.", BASE - 30 * SECOND, 60 * SECOND)],
}
PROGRAMMES = {p.event_id: p for programmes in SCHEDULE.values() for p in programmes}


@pytest.fixture(scope="module")
def mux(tmp_path_factory: pytest.TempPathFactory) -> Multiplex:
    return multiplex(tmp_path_factory.mktemp("eit"), seconds=5.0)


@pytest.fixture(scope="module")
def tables(mux: Multiplex) -> InsertedTables:
    return insertEIT(mux.path, mux.path.with_name("eit.ts"), SCHEDULE)


def firstCopies(tables: InsertedTables, serviceId: int) -> list[InsertedSection]:
    """The sections written for a service, each (version, section) once, in order."""
    seen, out = set(), []
    for section in tables.eit(serviceId):
        if (section.version, section.sectionNumber) not in seen:
            seen.add((section.version, section.sectionNumber))
            out.append(section)
    return out


def sentFor(tables: InsertedTables, serviceId: int) -> list[dict[str, Any]]:
    got = fromStream(tables.path.read_bytes(), EIT_PID, ParseEventInformationTable_Subset())
    return [t for t in got if t["service_id"] == serviceId]


# ------------------------------------------------------------ insertEIT's tables

def test_each_section_comes_once_per_version_as_programmes_change(
        mux: Multiplex, tables: InsertedTables) -> None:
    got = sentFor(tables, 1)
    assert len(tables.eit(1)) > 2 * len(got)               # the stream repeats them
    assert [(t["version"], t["section"]) for t in got] == [
        (0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]      # the version bumps
    assert [[e["event_id"] for e in t["events"]] for t in got] == [
        [101], [102], [102], [103], [103], []]
    assert [(s.version, s.sectionNumber, s.eventId) for s in firstCopies(tables, 1)] == [
        (t["version"], t["section"], t["events"][0]["event_id"] if t["events"] else None)
        for t in got]
    for table in got:
        assert {k: table[k] for k in ("table_type", "table_id", "actual_other",
                                      "is_present_following", "current", "service_id",
                                      "transport_stream_id", "original_network_id",
                                      "last_section", "last_table_id")} == {
            "table_type": "EIT", "table_id": 0x4E, "actual_other": "ACTUAL",
            "is_present_following": True, "current": 1, "service_id": 1,
            "transport_stream_id": mux.transportStreamId,
            "original_network_id": mux.originalNetworkId, "last_section": 1,
            "last_table_id": 0x4E}


def test_the_events_carry_the_programmes_names_times_and_status(tables: InsertedTables) -> None:
    for table in sentFor(tables, 1):
        for event in table["events"]:
            programme = PROGRAMMES[event["event_id"]]
            assert event["start"] == programme.start and event["end"] == programme.end
            start = programme.start
            assert event["starttime"] == [start.year, start.month, start.day, start.hour,
                                          start.minute, start.second]
            hours, rest = divmod(int(programme.duration.total_seconds()), 3600)
            assert event["duration"] == (hours, rest // 60, rest % 60)
            assert event["running_status"] == (4 if table["section"] == 0 else 1)
            assert event["free_CA_mode"] == 0 and event["service_id"] == 1
            short = [d for tag, d in event["descriptors"] if tag == 0x4D]
            assert short == [{"type": "short_event", "language_code": "eng",
                              "name": programme.title, "text": programme.text}]
    film = next(e for t in sentFor(tables, 1) for e in t["events"] if e["event_id"] == 102)
    extended = [d for tag, d in film["descriptors"] if tag == 0x4E]
    assert extended[0]["text"] == "Directed by Woody Allen."
    assert extended[0]["items"] == [{"description": "Year", "item": "2016"}]


def test_a_service_whose_programme_does_not_change_is_sent_once(tables: InsertedTables) -> None:
    got = sentFor(tables, 2)
    assert [(t["version"], t["section"], [e["event_id"] for e in t["events"]])
            for t in got] == [(0, 0, [201]), (0, 1, [])]


def test_simplify_eit_says_now_and_next(tables: InsertedTables) -> None:
    got = fromStream(tables.path.read_bytes(), EIT_PID, ParseEventInformationTable_Subset())
    simple = parsedBy(SimplifyEIT(), got)
    ofOne = [(e["when"], e["event_id"], e["name"]) for e in simple if e["service"] == 1]
    assert ofOne == [("NOW", 101, "News"), ("NEXT", 102, "Café Society"),
                     ("NOW", 102, "Café Society"), ("NEXT", 103, "Late Film"),
                     ("NOW", 103, "Late Film")]
    news = next(e for e in simple if e["event_id"] == 101)
    start = PROGRAMMES[101].start
    assert news == {
        "service": 1, "transportstream": got[0]["transport_stream_id"],
        "original_network": got[0]["original_network_id"], "event_id": 101, "when": "NOW",
        "running_status": 4, "startdate": [start.year, start.month, start.day],
        "starttime": [start.hour, start.minute, start.second], "duration": (0, 0, 12),
        "start": start, "end": PROGRAMMES[101].end, "name": "News",
        "description": "The news.", "language_code": "eng"}


def test_a_crc_corrupted_eit_section_is_refused_and_its_next_copy_taken(
        tables: InsertedTables) -> None:
    data = tables.path.read_bytes()
    expected = fromStream(data, EIT_PID, ParseEventInformationTable_Subset())
    parser = ParseEventInformationTable_Subset()
    got = fromStream(corruptSection(data, EIT_PID, 0), EIT_PID, parser, checkCrc=False)
    assert parser.refused == 1

    def keyed(sent: list[dict[str, Any]]) -> dict[tuple[int, int, int], dict[str, Any]]:
        return {(t["service_id"], t["version"], t["section"]): t for t in sent}
    assert len(got) == len(expected) and keyed(got) == keyed(expected)
    # the damaged one (service 1's first) came from its next copy, after others
    assert got[0] == expected[1] and got.index(expected[0]) > 0


def test_the_pure_function_reads_the_fixtures_sections(tables: InsertedTables) -> None:
    written = tables.eit(1)[0]
    section = parseEITSection(written.section)
    assert (section["service_id"], section["version"], section["section_number"],
            section["current_next"]) == (1, written.version, 0, True)
    (event,) = section["events"]
    assert (event["event_id"], event["start"], event["duration"], event["running_status"],
            event["free_CA_mode"]) == (101, PROGRAMMES[101].start, 12 * SECOND, 4, False)
    table = eitTable(section)
    assert table["actual_other"] == "ACTUAL" and table["is_present_following"] is True


# ------------------------------------------------------------ versions, kinds, _Subset

def pf(version: int, number: int = 0, tableId: int = 0x4E, service: int = 1,
       event: Programme | None = None) -> bytes:
    return fixtureSection(service, 10, 20, version, number, event, tableId=tableId)


def test_a_wrap_from_version_31_to_0_is_new() -> None:
    got = parsedBy(ParseEventInformationTable(), [pf(30), pf(31), pf(31), pf(0), pf(0)])
    assert [t["version"] for t in got] == [30, 31, 0]


def test_sub_tables_are_told_apart_by_service_table_and_current_next() -> None:
    following = eitSection(0x4E, 1, 10, 20, 0, 0, 1, current_next=False)
    sections = [pf(0), pf(0, service=2), pf(0, tableId=0x4F), following, pf(0), following]
    got = parsedBy(ParseEventInformationTable(), sections)
    assert [(t["service_id"], t["table_id"], t["current"]) for t in got] == [
        (1, 0x4E, 1), (2, 0x4E, 1), (1, 0x4F, 1), (1, 0x4E, 0)]


SCHEDULES = {tableId: fixtureSection(1, 10, 20, 0, 0, PROGRAMMES[103], 1, tableId, 0)
             for tableId in (0x4E, 0x4F, 0x50, 0x5F, 0x60, 0x6F)}


@pytest.mark.parametrize("kinds,taken", [
    ({}, [0x4E]),
    ({"actual_presentFollowing": False, "other_presentFollowing": True}, [0x4F]),
    ({"actual_presentFollowing": False, "actual_schedule": True}, [0x50, 0x5F]),
    ({"actual_presentFollowing": False, "other_schedule": True}, [0x60, 0x6F]),
    ({"other_presentFollowing": True, "actual_schedule": True, "other_schedule": True},
     [0x4E, 0x4F, 0x50, 0x5F, 0x60, 0x6F]),
])
def test_subset_takes_the_kinds_asked_for(kinds: dict[str, bool], taken: list[int]) -> None:
    got = parsedBy(ParseEventInformationTable_Subset(**kinds), list(SCHEDULES.values()))
    assert [t["table_id"] for t in got] == taken
    labels = {0x4E: ("ACTUAL", True), 0x4F: ("OTHER", True), 0x50: ("ACTUAL", False),
              0x5F: ("ACTUAL", False), 0x60: ("OTHER", False), 0x6F: ("OTHER", False)}
    assert [(t["actual_other"], t["is_present_following"]) for t in got] == [
        labels[t] for t in taken]


def test_subset_of_nothing_is_a_value_error_and_the_default_takes_every_eit() -> None:
    with pytest.raises(ValueError, match="no kind of EIT asked for"):
        ParseEventInformationTable_Subset(actual_presentFollowing=False)
    got = parsedBy(ParseEventInformationTable(), list(SCHEDULES.values()))
    assert [t["table_id"] for t in got] == list(SCHEDULES)


def test_accept_tables_is_checked_and_its_labels_used() -> None:
    got = parsedBy(ParseEventInformationTable(acceptTables={0x50: ("HERE", False)}),
                   list(SCHEDULES.values()))
    assert [(t["table_id"], t["actual_other"]) for t in got] == [(0x50, "HERE")]
    with pytest.raises(ValueError, match=r"acceptTables: 66 is not an EIT table_id \(0x4E-0x6F\)"):
        ParseEventInformationTable(acceptTables={0x42: ("SDT", False)})
    with pytest.raises(ValueError, match=r"acceptTables\[0x4E\] must be a \(label, "):
        ParseEventInformationTable(acceptTables={0x4E: "ACTUAL"})       # type: ignore[dict-item]


def test_schedule_events_are_now_or_scheduled() -> None:
    running = fixtureSection(1, 10, 20, 0, 0, PROGRAMMES[103], 4, 0x50, 1)
    later = fixtureSection(1, 10, 20, 0, 1, PROGRAMMES[102], 1, 0x50, 1)
    got = parsedBy(ParseEventInformationTable(), [running, later])
    assert [e["when"] for t in got for e in simplifyEIT(t)] == ["NOW", "SCHEDULED"]


def test_without_a_section_number_the_running_status_decides() -> None:
    table = parsedBy(ParseEventInformationTable(), [pf(0, 1, event=PROGRAMMES[103])])[0]
    del table["section"]
    assert simplifyEIT(table)[0]["when"] == "NOW"             # running_status 4
    table["events"][0]["running_status"] = 1
    assert simplifyEIT(table)[0]["when"] == "NEXT"


def test_an_event_without_a_short_event_descriptor_has_empty_text() -> None:
    section = eitSection(0x4E, 1, 2, 3, 0, 0, 0, [{"event_id": 5, "running_status": 4}])
    (event,) = simplifyEIT(eitTable(parseEITSection(section)))
    assert (event["name"], event["description"], event["language_code"]) == ("", "", "")
    assert event["startdate"] is None and event["duration"] is None and event["end"] is None


# ------------------------------------------------------------ the writer

def test_eit_section_round_trips_through_the_parser() -> None:
    start = datetime(2024, 5, 1, 18, 0, tzinfo=timezone.utc)
    section = eitSection(0x5A, 0xFFFF, 2, 3, 31, 5, 7, [
        {"event_id": 9, "start": start, "duration": timedelta(hours=99, minutes=59),
         "running_status": 2, "free_CA_mode": True, "name": "Zoë", "text": "Über",
         "language_code": "deu", "descriptors": bytes([0x52, 1, 3])},
        {"event_id": 10}], current_next=False, segment_last_section_number=6,
        last_table_id=0x5B)
    parsed = parseEITSection(section)
    assert {k: v for k, v in parsed.items() if k != "events"} == {
        "table_id": 0x5A, "service_id": 0xFFFF, "transport_stream_id": 2,
        "original_network_id": 3, "version": 31, "current_next": False, "section_number": 5,
        "last_section_number": 7, "segment_last_section_number": 6, "last_table_id": 0x5B}
    first, second = parsed["events"]
    assert (first["start"], first["duration"], first["running_status"],
            first["free_CA_mode"]) == (start, timedelta(hours=99, minutes=59), 2, True)
    assert [tag for tag, _ in first["descriptors"]] == [0x52, 0x4D]
    assert first["descriptors"][1][1]["name"] == "Zoë"
    assert (second["start"], second["duration"], second["descriptors"]) == (None, None, [])


@pytest.mark.parametrize("arguments,message", [
    ((0x42, 1, 2, 3, 0, 0, 0), "table_id must be an EIT's"),
    ((0x4E, 1, 2, 3, 32, 0, 0), "version must be an int from 0 to 31, not 32"),
    ((0x4E, 1, 2, 3, 0, 2, 1), "section_number must be an int from 0 to 1, not 2"),
    ((0x4E, 0x10000, 2, 3, 0, 0, 0), "service_id must be an int from 0 to 65535"),
])
def test_eit_section_names_a_bad_field(arguments: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        eitSection(*arguments)


def test_eit_section_refuses_events_that_do_not_fit() -> None:
    with pytest.raises(ValueError, match="an EIT event needs an 'event_id'"):
        eitSection(0x4E, 1, 2, 3, 0, 0, 0, [{"name": "x"}])
    with pytest.raises(ValueError, match="more than 4096"):
        eitSection(0x4E, 1, 2, 3, 0, 0, 0,
                   [{"event_id": n, "descriptors": bytes(250)} for n in range(17)])


# ------------------------------------------------------------ bad sections

def test_undefined_or_bad_bcd_times_are_none_and_the_event_kept() -> None:
    body = bytearray(eitSection(0x4E, 1, 2, 3, 0, 0, 0, [{"event_id": 7, "start": BASE,
                                                         "duration": SECOND}]))
    body[14 + 4] = 0x9A                 # the start's hours: not BCD
    body[14 + 7:14 + 10] = b"\xff\xff\xff"
    (event,) = parseEITSection(resealed(bytes(body)))["events"]
    assert (event["event_id"], event["start"], event["duration"]) == (7, None, None)


EIT_HEAD = bytes.fromhex("0002" "0003" "00" "4e")     # tsid, onid, segment end, last table
EVENT_HEAD = bytes.fromhex("0007") + b"\xff" * 8       # event 7, start and duration undefined


@pytest.mark.parametrize("payload,message", [
    (EIT_HEAD[:3], r"section_length 12 is too short for the EIT header and CRC \(at least 15\)"),
    (EIT_HEAD + EVENT_HEAD + b"\x80", r"11 byte\(s\) at byte 14 are too few for an event"),
    (EIT_HEAD + EVENT_HEAD + b"\x80\x09", "descriptors of event 7 of 9 bytes at byte 26"),
    (EIT_HEAD + EVENT_HEAD + b"\x80\x01\x52", r"bad descriptors of event 7 at bytes 26\.\.27"),
])
def test_cut_short_or_overrunning_sections_are_table_errors(payload: bytes,
                                                            message: str) -> None:
    with pytest.raises(TableError, match="EIT: " + message):
        parseEITSection(longSectionBytes(0x4E, 1, payload))
    assert parseEITSection(longSectionBytes(0x4E, 1, EIT_HEAD + EVENT_HEAD + b"\x80\x00"))[
        "events"][0]["event_id"] == 7


def test_foreign_and_damaged_sections_are_table_errors() -> None:
    good = pf(0)
    for bad, message in [(b"\x42" + good[1:], "table_id 0x42 is not 0x4e-0x6f"),
                         (good[:-1] + b"\x00", "CRC-32 check failed"), (good[:10], "needs"),
                         ("text", "a section is bytes, not 'text'")]:
        with pytest.raises(TableError, match=message):
            parseEITSection(bad)        # type: ignore[arg-type]
    assert parseEITSection(good[:-1] + b"\x00", checkCRC=False)["service_id"] == 1


def test_the_component_logs_skips_and_counts(caplog: pytest.LogCaptureFixture) -> None:
    good = pf(0)
    parser = ParseEventInformationTable()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        got = parsedBy(parser, [good[:-1] + b"\x00", 42, good[:13], good, good])
    assert len(got) == 1 and parser.refused == 2
    records = [r for r in caplog.records if r.name == LOGGER]
    assert any(r.levelno == logging.ERROR and "42" in r.getMessage() for r in records)
    assert any(r.levelno == logging.WARNING and "CRC-32" in r.getMessage() for r in records)


def test_simplify_eit_logs_and_skips_what_is_no_eit(caplog: pytest.LogCaptureFixture) -> None:
    table = parsedBy(ParseEventInformationTable(), [pf(0, event=PROGRAMMES[101])])[0]
    simplifier = SimplifyEIT()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        got = parsedBy(simplifier, ["no table", {"events": [{}]}, table])
    assert [e["event_id"] for e in got] == [101]
    errors = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert len(errors) == 2 and all(simplifier.name in e for e in errors)
    with pytest.raises(TypeError, match="a parsed EIT is a dict, not str"):
        simplifyEIT("no table")      # type: ignore[arg-type]


def test_parse_table_section_is_1_14s_method() -> None:
    section = pf(3, 1, event=PROGRAMMES[102])
    table = ParseEventInformationTable_Subset().parseTableSection(None, (section, len(section)))
    assert (table["version"], table["section"], table["events"][0]["event_id"]) == (3, 1, 102)
    with pytest.raises(TableError):
        ParseEventInformationTable().parseTableSection(None, (section[:-1], 0))


def test_the_eit_module_shares_the_parse_packages_table_error() -> None:
    from Kamaelia.Device.DVB import Parse
    from Kamaelia.Device.DVB.Parse import ParseEventInformationTable as module
    # (the EIT module's is what Kamaelia.Device.DVB.EIT catches)
    assert module.TableError is Parse.TableError is vars(EITModule)["TableError"]


def test_pid_and_examples() -> None:
    assert EIT_PID == 0x12
    stream, _ = packetise(EIT_PID, [pf(0)])
    assert len(fromStream(stream, EIT_PID, ParseEventInformationTable())) == 1
    assertExamplesRun("ParseEventInformationTable")


# ------------------------------------------------------------ fuzz

VALID = [pf(0, 0, event=PROGRAMMES[102]), pf(31, 1),
         eitSection(0x60, 1, 2, 3, 4, 0, 0, [{"event_id": 1}, {"event_id": 2, "name": "x",
                                                               "start": BASE}])]


@FUZZ
@given(randomSection(list(range(0x4E, 0x70))), st.booleans())
def test_random_bytes_raise_only_table_error(data: bytes, checkCRC: bool) -> None:
    outcome(parseEITSection, data, checkCRC=checkCRC)


@FUZZ
@given(mutated(VALID), st.booleans())
def test_mutated_sections_raise_only_table_error(data: bytes, reseal: bool) -> None:
    if reseal:
        section = outcome(parseEITSection, resealed(data))
    else:
        section = outcome(parseEITSection, data, checkCRC=False)
    if section is not None:
        for event in simplifyEIT(eitTable(section)):
            assert event["when"] in ("NOW", "NEXT", "SCHEDULED")


@COMPONENT_FUZZ
@given(st.lists(mutated(VALID), max_size=8))
def test_the_components_survive_any_sections(sections_: list[bytes]) -> None:
    parser = ParseEventInformationTable()
    got = parsedBy(parser, sections_)
    assert parser._isStopped() and all(t["table_type"] == "EIT" for t in got)
    simplifier = SimplifyEIT()
    parsedBy(simplifier, got)
    assert simplifier._isStopped()

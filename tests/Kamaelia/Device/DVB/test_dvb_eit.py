"""Kamaelia.Device.DVB.EIT: 1.14's all-in-one route from packets to now/next and the time.

Its helpers are checked against the standard (EN 300 468 Annex C's date
formula, CRC-32/MPEG-2's check value, a bit-at-a-time CRC written here),
its components one by one with sections written by ``tsfixtures`` (whose
writer is not the library's), and the whole route -- demultiplexer,
PSIPacketReconstructor, EITPacketParser, NowNextServiceFilter,
NowNextChanges, and TimeAndDatePacketParser beside them, as 1.14's own
example wired it -- on an ffmpeg-made multiplex with EIT and TDT inserted,
undamaged and damaged.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterator

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia._logthrottle import forgetAll
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Device.DVB import NowNext
from Kamaelia.Device.DVB.EIT import (EITPacketParser, NowNextChanges, NowNextServiceFilter,
                                     PSIPacketReconstructor, TimeAndDatePacketParser, crc32,
                                     parseMJD, unBCD)
from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
from Kamaelia.Support.DVB.DateTime import DateError
from Kamaelia.Util.DataSource import DataSource
from tsfixtures import (BASE, EIT_PID, TDT_PID, InsertedTables, Programme, Service,
                        corruptSection, dropPackets, eitSection, insertEIT, makeMultiplex,
                        packetise, sections, tdtSection, withJunk)

LOGGER = "Kamaelia.Device.DVB.EIT"
SECOND = timedelta(seconds=1)
NEWS = Programme(8734, "News", "The news.", BASE, 30 * 60 * SECOND)
FILM = Programme(8735, "Film", "A film.", BASE + 30 * 60 * SECOND, 90 * 60 * SECOND)


def pair(version: int = 0, now: Programme | None = NEWS, following: Programme | None = FILM,
         service: int = 4164, table: int = 0x4E, running: int = 4) -> list[bytes]:
    return [eitSection(service, 4100, 9018, version, 0, now, running, tableId=table),
            eitSection(service, 4100, 9018, version, 1, following, 1, tableId=table)]


LONG = Programme(1, "Long", "A long description.", BASE, SECOND, extendedText="words " * 100)


def packets(pid: int, tableSections: list[bytes], continuity: int = 0) -> list[bytes]:
    data, _ = packetise(pid, tableSections, continuity)
    return [data[i:i + 188] for i in range(0, len(data), 188)]


# --------------------------------------------------------------- the helpers

def bitwiseCrc(data: bytes) -> int:
    """CRC-32/MPEG-2 one bit at a time: polynomial 0x04C11DB7, register
    starting all ones, bits in most significant first, no final inversion."""
    register = 0xFFFFFFFF
    for byte in data:
        for shift in range(7, -1, -1):
            feedback = ((register >> 31) ^ (byte >> shift)) & 1
            register = (register << 1) & 0xFFFFFFFF
            if feedback:
                register ^= 0x04C11DB7
    return register


def test_crc32_has_the_check_value_and_is_zero_over_an_intact_section() -> None:
    assert crc32(b"123456789") == 0x0376E6E7
    section = pair()[0]
    assert crc32(section) == 0
    assert crc32(section[:20] + bytes([section[20] ^ 1]) + section[21:]) != 0
    assert crc32(bytearray(section)) == crc32(memoryview(section)) == 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_crc32_is_the_bit_at_a_time_crc(data: bytes) -> None:
    assert crc32(data) == bitwiseCrc(data)


def annexC(mjd: int) -> tuple[int, int, int]:
    """EN 300 468 Annex C's conversion (valid from 1900-03-01 to 2100-02-28)."""
    y = int((mjd - 15078.2) / 365.25)
    m = int((mjd - 14956.1 - int(y * 365.25)) / 30.6001)
    d = mjd - 14956 - int(y * 365.25) - int(m * 30.6001)
    k = 1 if m in (14, 15) else 0
    return 1900 + y + k, m - 1 - k * 12, d


FIRST_VALID = (date(1900, 3, 1) - date(1858, 11, 17)).days
LAST_VALID = min(0xFFFF, (date(2100, 2, 28) - date(1858, 11, 17)).days)


def test_parse_mjd_gives_the_standards_example() -> None:
    assert parseMJD(45218) == (1982, 9, 6)          # Annex C's worked example
    assert parseMJD(0) == (1858, 11, 17) and parseMJD(0xFFFF) == (2038, 4, 22)


@settings(max_examples=300, deadline=None)
@given(st.integers(FIRST_VALID, LAST_VALID))
def test_parse_mjd_agrees_with_annex_c_where_that_holds(mjd: int) -> None:
    assert parseMJD(mjd) == annexC(mjd)


def test_unbcd_reads_two_digits_and_refuses_what_is_no_bcd() -> None:
    assert [unBCD(b) for b in (0x00, 0x09, 0x10, 0x59, 0x99)] == [0, 9, 10, 59, 99]
    with pytest.raises(DateError, match="0x5a"):
        unBCD(0x5A)
    with pytest.raises(DateError, match="256"):
        unBCD(256)


# ------------------------------------------------------ PSIPacketReconstructor

def test_sections_come_out_one_per_message_from_packets_of_several_pids() -> None:
    eit = pair() * 3                                        # several in a packet
    big = eitSection(4164, 4100, 9018, 0, 0, LONG)
    tdt = [tdtSection(BASE), tdtSection(BASE + SECOND)]
    one = packets(EIT_PID, eit + [big])
    two = packets(TDT_PID, tdt[:1]) + packets(TDT_PID, tdt[1:], continuity=1)
    assert len(one) >= 4
    mixed = [one[0], two[0], *one[1:2], two[1], *one[2:]]
    sink = run(PSIPacketReconstructor(), mixed, [producerFinished()])
    assert sorted(sink.got) == sorted(eit + [big] + tdt)
    assert [s for s in sink.got if s[0] == 0x4E] == eit + [big]
    assert all(type(s) is bytes for s in sink.got)


def test_a_lost_packet_or_a_bad_crc_drops_that_section_only() -> None:
    big = eitSection(4164, 4100, 9018, 0, 0, LONG)
    stream = packets(EIT_PID, [big, pair()[0]])
    target = PSIPacketReconstructor()
    sink = run(target, stream[:1] + stream[2:], [producerFinished()])
    assert sink.got == [pair()[0]] and target.assembler.dropped == 1
    damaged = bytearray(b"".join(packets(EIT_PID, pair())))
    damaged[30] ^= 0xFF
    target = PSIPacketReconstructor()
    sink = run(target, [bytes(damaged[:188])], [producerFinished()])
    assert sink.got == [pair()[1]] and target.assembler.crcErrors == 1


# ------------------------------------------------------------- EITPacketParser

NEWS_EVENT = {"service": 4164, "transportstream": 4100, "original_network": 9018,
              "event_id": 8734, "when": "NOW", "running_status": 4,
              "startdate": (2024, 3, 1), "starttime": (19, 0, 0), "duration": (0, 30, 0),
              "start": BASE, "end": BASE + 30 * 60 * SECOND,
              "name": "News", "description": "The news.", "language_code": "eng"}


def test_the_events_of_present_following_sections_come_out_in_1_14s_shape() -> None:
    sink = run(EITPacketParser(), pair(), [producerFinished()])
    now, following = sink.got
    assert now == NEWS_EVENT
    assert (following["when"], following["name"], following["starttime"]) == (
        "NEXT", "Film", (19, 30, 0))


def test_every_copy_is_sent_and_other_tables_are_not() -> None:
    other_ts = pair(table=0x4F)
    schedule = pair(table=0x50)
    not_current = bytearray(pair()[0])
    not_current[5] &= 0xFE                                  # current_next_indicator 0
    body = bytes(not_current[:-4])
    not_current_section = body + crc32(body).to_bytes(4, "big")
    feed = pair() + other_ts + schedule + [not_current_section, tdtSection(BASE)] + pair()
    sink = run(EITPacketParser(), feed, [producerFinished()])
    assert [(e["event_id"], e["when"]) for e in sink.got] == [
        (8734, "NOW"), (8735, "NEXT")] * 2
    assert sink.got[0] is not sink.got[2]                   # each a dict of its own


def test_section_number_says_now_or_next_whatever_the_running_status() -> None:
    sink = run(EITPacketParser(), pair(running=0) + pair(running=5), [producerFinished()])
    assert [e["when"] for e in sink.got] == ["NOW", "NEXT", "NOW", "NEXT"]


def test_an_empty_section_sends_nothing_and_an_undefined_start_is_none() -> None:
    section = bytearray(eitSection(4164, 4100, 9018, 0, 0, NEWS))
    section[16:21] = b"\xff" * 5                            # start_time undefined
    body = bytes(section[:-4])
    sink = run(EITPacketParser(), [body + crc32(body).to_bytes(4, "big"),
                                   eitSection(4164, 4100, 9018, 0, 1, None)],
               [producerFinished()])
    assert len(sink.got) == 1
    assert (sink.got[0]["startdate"], sink.got[0]["starttime"], sink.got[0]["start"]) == (
        None, None, None)


def test_a_damaged_section_is_dropped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    good = pair()[0]
    bad = good[:20] + bytes([good[20] ^ 0x40]) + good[21:]
    target = EITPacketParser()
    forgetAll(report=False)             # (earlier tests' warnings are not held against it)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(target, [bad, good[:30], good], [producerFinished()])
    assert [e["event_id"] for e in sink.got] == [8734]
    warnings = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert warnings and all(target.name in w and "dropped" in w for w in warnings)
    assert "CRC" in warnings[0]


# -------------------------------------------------------------- NowNextChanges

def simple(event_id: int, when: str = "NOW", service: int = 4164, name: str = "",
           transportstream: int = 4100) -> dict[str, Any]:
    return {"service": service, "transportstream": transportstream, "event_id": event_id,
            "when": when, "name": name or str(event_id)}


def test_now_next_changes_passes_now_events_only_when_they_change() -> None:
    feed = [simple(1), simple(1), simple(2, "NEXT"), simple(1, name="one, amended"),
            simple(1, service=4228), simple(1, transportstream=4200), simple(1, service=4228),
            simple(2), simple(2)]
    sink = run(NowNextChanges(), feed, [producerFinished()])
    assert sink.got == [simple(1), simple(1, name="one, amended"), simple(1, service=4228),
                        simple(1, transportstream=4200), simple(2)]


def test_the_service_filter_is_the_now_next_modules() -> None:
    assert NowNextServiceFilter is NowNext.NowNextServiceFilter
    sink = run(NowNextServiceFilter(4228), [simple(1), simple(2, service=4228)],
               [producerFinished()])
    assert sink.got == [simple(2, service=4228)]


# ---------------------------------------------------- TimeAndDatePacketParser

def test_each_time_and_date_table_gives_the_date_and_time() -> None:
    when = datetime(2024, 12, 31, 23, 59, 58, tzinfo=timezone.utc)
    sink = run(TimeAndDatePacketParser(), [tdtSection(when), pair()[0], tdtSection(BASE)],
               [producerFinished()])
    assert sink.got == [
        {"date": (2024, 12, 31), "time": (23, 59, 58), "utc": when},
        {"date": (2024, 3, 1), "time": (19, 0, 0), "utc": BASE}]


@pytest.mark.parametrize("bad", [
    bytes.fromhex("70700500"),                  # cut short
    bytes.fromhex("7070050000ff0000"),          # hours 0xff: no BCD
    bytes.fromhex("70f005c079124500"),          # the long form's syntax bit
    bytes.fromhex("7070ffffffffffff"),          # undefined
])
def test_a_bad_time_and_date_section_is_dropped_with_a_warning(
        bad: bytes, caplog: pytest.LogCaptureFixture) -> None:
    target = TimeAndDatePacketParser()
    forgetAll(report=False)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        sink = run(target, [bad, tdtSection(BASE)], [producerFinished()])
    assert [t["utc"] for t in sink.got] == [BASE]
    assert any(target.name in r.getMessage() and "time and date section dropped"
               in r.getMessage() for r in caplog.records)


# ------------------------------------------------------------ all of them

COMPONENTS: dict[str, tuple[Callable[[], Any], list[Any], list[Any]]] = {
    # name: (make, good input, what it gives)
    "PSIPacketReconstructor": (PSIPacketReconstructor, packets(EIT_PID, pair()[:1]),
                               pair()[:1]),
    "EITPacketParser": (EITPacketParser, pair()[:1], [NEWS_EVENT]),
    "NowNextChanges": (NowNextChanges, [simple(1)], [simple(1)]),
    "NowNextServiceFilter": (lambda: NowNextServiceFilter(4164), [simple(1)], [simple(1)]),
    "TimeAndDatePacketParser": (TimeAndDatePacketParser, [tdtSection(BASE)],
                                [{"date": (2024, 3, 1), "time": (19, 0, 0), "utc": BASE}]),
}
BAD = {"PSIPacketReconstructor": b"\x47 short", "EITPacketParser": "a string",
       "NowNextChanges": ["not", "a", "dict"], "NowNextServiceFilter": 17,
       "TimeAndDatePacketParser": 3.5}


@pytest.mark.parametrize("name", COMPONENTS)
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        name: str, message_class: type) -> None:
    make, good, gives = COMPONENTS[name]
    assertShutdownPassesOn(make, message_class, good, gives)


@pytest.mark.parametrize("name", COMPONENTS)
def test_other_control_messages_are_logged_and_ignored(
        name: str, caplog: pytest.LogCaptureFixture) -> None:
    make, good, gives = COMPONENTS[name]
    assertUnexpectedControlIgnored(make, caplog, good, gives)


@pytest.mark.parametrize("name", COMPONENTS)
def test_a_message_it_does_not_take_is_logged_and_skipped(
        name: str, caplog: pytest.LogCaptureFixture) -> None:
    make, good, gives = COMPONENTS[name]
    logger = "Kamaelia.Device.DVB.NowNext" if name == "NowNextServiceFilter" else LOGGER
    assertBadMessageSkipped(make, caplog, logger, [BAD[name], *good], BAD[name], gives)


def test_the_classes_keep_1_14s_shutdown_method() -> None:
    for make, _, _ in COMPONENTS.values():
        target = make()
        assert target.shutdown() is False
        target.inboxes["control"].append(producerFinished())
        assert target.shutdown() is True and len(target.outboxes["signal"]) == 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([0x4E, 0x70, 0x4F]), st.integers(0, 0xFF))
def test_no_section_bytes_make_the_parsers_raise(data: bytes, table: int, flags: int) -> None:
    # (bytes that start like the tables they take, so that most get past the first check)
    section = bytes([table, flags]) + data
    for make in (EITPacketParser, TimeAndDatePacketParser):
        target = make()
        target.handleMessage(section)                       # drops it, or sends it
        for message in target.outboxes["outbox"]:
            assert isinstance(message, dict)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.binary(min_size=185, max_size=185)),
                min_size=1, max_size=6), st.integers(0, 0x1FFF))
def test_no_packets_make_the_reconstructor_raise(packets: list[tuple[int, bytes]],
                                                 pid: int) -> None:
    target = PSIPacketReconstructor()
    for flags, rest in packets:         # (flags: error, unit start, priority bits)
        target.handleMessage(bytes([0x47, flags << 5 | pid >> 8, pid & 0xFF]) + rest)
    assert all(type(s) is bytes for s in target.outboxes["outbox"])


# ------------------------------------------------------------------ end to end

SERVICES = [Service(4164, "BBC ONE", "BBC"), Service(4228, "BBC TWO", "BBC")]
SCHEDULE = {
    4164: [Programme(101, "Breakfast", "Morning news.", BASE - 60 * SECOND, 62 * SECOND),
           Programme(102, "Homes Under the Hammer", "Auctions.", BASE + 2 * SECOND,
                     2 * SECOND),
           Programme(103, "Bargain Hunt", "Antiques.", BASE + 4 * SECOND, 3600 * SECOND)],
    4228: [Programme(201, "Gardening", "Roses.", BASE - 120 * SECOND, 121 * SECOND),
           Programme(202, "Quiz", "Questions.", BASE + 1 * SECOND, 2 * SECOND),
           Programme(203, "Film", "A film.", BASE + 3 * SECOND, 5400 * SECOND)],
}


@pytest.fixture(scope="module")
def broadcast(tmp_path_factory: pytest.TempPathFactory) -> InsertedTables:
    folder = tmp_path_factory.mktemp("eit")
    mux = makeMultiplex(folder / "mux.ts", SERVICES, seconds=6.0)
    return insertEIT(mux.path, folder / "eit.ts", SCHEDULE)


class TwoBranchSink(Collector):
    """What the EIT branch and the time and date branch sent."""

    Inboxes = {"inbox": "unused", "eit": "NOW events that changed", "tdt": "dates and times",
               "control": "the last branch's signal"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.eit: list[dict[str, Any]] = []
        self.tdt: list[dict[str, Any]] = []

    def main(self) -> Iterator[Any]:
        while True:
            self.eit.extend(self.Inbox("eit"))
            self.tdt.extend(self.Inbox("tdt"))
            if self.dataReady("control"):
                self.control.append(self.recv("control"))
                self.eit.extend(self.Inbox("eit"))
                self.tdt.extend(self.Inbox("tdt"))
                return
            if not self.anyReady():
                self.pause()
            yield 1


def receive(data: bytes) -> TwoBranchSink:
    """1.14's example, a file for its tuner: one demultiplexer, an EIT branch
    and a time and date branch. (The demultiplexer's signal goes through the
    time branch to the EIT branch, so that both end when the stream does.)"""
    size = 64 * 188 + 11                            # reads that do not end on a packet
    sink = TwoBranchSink()
    Graphline(
        SOURCE=DataSource([data[i:i + size] for i in range(0, len(data), size)]),
        DEMUX=DVB_SoftDemuxer({EIT_PID: ["_EIT_"], TDT_PID: ["_DATETIME_"]}),
        EIT=Pipeline(PSIPacketReconstructor(), EITPacketParser(),
                     NowNextServiceFilter(4164, 4228), NowNextChanges()),
        DATETIME=Pipeline(PSIPacketReconstructor(), TimeAndDatePacketParser()),
        SINK=sink,
        linkages={("SOURCE", "outbox"): ("DEMUX", "inbox"),
                  ("SOURCE", "signal"): ("DEMUX", "control"),
                  ("DEMUX", "_EIT_"): ("EIT", "inbox"),
                  ("DEMUX", "_DATETIME_"): ("DATETIME", "inbox"),
                  ("DEMUX", "signal"): ("DATETIME", "control"),
                  ("DATETIME", "outbox"): ("SINK", "tdt"),
                  ("DATETIME", "signal"): ("EIT", "control"),
                  ("EIT", "outbox"): ("SINK", "eit"),
                  ("EIT", "signal"): ("SINK", "control")}).activate()
    scheduler.run.runThreads()
    assert [type(m) for m in sink.control] == [producerFinished]
    return sink


def assertEverythingCameOut(sink: TwoBranchSink, tables: InsertedTables) -> None:
    for service, programmes in SCHEDULE.items():
        got = [(e["event_id"], e["name"], e["description"], e["start"], e["startdate"],
                e["starttime"]) for e in sink.eit if e["service"] == service]
        assert got == [(p.event_id, p.title, p.text, p.start,
                        (p.start.year, p.start.month, p.start.day),
                        (p.start.hour, p.start.minute, p.start.second)) for p in programmes]
    assert {e["service"] for e in sink.eit} == set(SCHEDULE)
    # insertEIT writes base + k at each whole second k of stream time
    expected = [tables.base + int(s.time) * SECOND for s in tables.tdt()]
    assert len(expected) >= 5
    assert [t["utc"] for t in sink.tdt] == expected
    assert [(t["date"], t["time"]) for t in sink.tdt] == [
        ((u.year, u.month, u.day), (u.hour, u.minute, u.second)) for u in expected]


def test_the_1_14_route_gives_each_programme_once_and_the_broadcast_time(
        broadcast: InsertedTables) -> None:
    assertEverythingCameOut(receive(broadcast.path.read_bytes()), broadcast)


def corruptFirstChanges(data: bytes, tables: InsertedTables) -> bytes:
    eit = [s for s in tables.sections if s.pid == EIT_PID]
    for service, programmes in SCHEDULE.items():
        nth = next(i for i, s in enumerate(eit) if s.serviceId == service
                   and s.sectionNumber == 0 and s.eventId == programmes[1].event_id)
        data = corruptSection(data, EIT_PID, nth)
    return data


DAMAGE = {
    "dropped EIT packets": lambda data, tables: dropPackets(data, EIT_PID, every=3),
    "corrupted sections": corruptFirstChanges,
    "junk between packets": lambda data, tables: withJunk(data, every=40, size=61),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_the_1_14_route_on_a_damaged_stream_loses_and_invents_nothing(
        broadcast: InsertedTables, damage: str) -> None:
    data = broadcast.path.read_bytes()
    damaged = DAMAGE[damage](data, broadcast)
    assert damaged != data
    assertEverythingCameOut(receive(damaged), broadcast)


def test_the_sections_it_reassembles_are_those_inserted(broadcast: InsertedTables) -> None:
    data = broadcast.path.read_bytes()
    one = [data[i:i + 188] for i in range(0, len(data), 188)
           if (data[i + 1] & 0x1F) << 8 | data[i + 2] == EIT_PID]
    sink = run(PSIPacketReconstructor(), one, [producerFinished()])
    assert sink.got == [s.section for s in broadcast.sections if s.pid == EIT_PID]
    assert sink.got == sections(data, EIT_PID)

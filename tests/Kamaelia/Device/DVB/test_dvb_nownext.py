"""Kamaelia.Device.DVB.NowNext: the service filter and the programme junction detector.

The detector is driven first as the pure :class:`JunctionDetector` with
events in SimplifyEIT's shape, then as the component, then end to end from
the bytes of an ffmpeg-made multiplex with EIT inserted by ``tsfixtures``
(through the demultiplexer, section reassembly, the EIT parser and
SimplifyEIT), undamaged and damaged.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from hypothesis import given, settings, strategies as st

from Axon.Ipc import producerFinished, shutdownMicroprocess
from Axon.Scheduler import scheduler
from componentharness import (Collector, assertBadMessageSkipped, assertShutdownPassesOn,
                              assertUnexpectedControlIgnored, run)
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Device.DVB.NowNext import (DETAILS, NEXT, NEXT_UPDATE, NOW, NOW_UPDATE,
                                         JunctionDetector, NowNextProgrammeJunctionDetect,
                                         NowNextServiceFilter, serviceKey)
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
    ParseEventInformationTable_Subset, SimplifyEIT, eitSection)
from Kamaelia.Device.DVB.Parse.ReassemblePSITables import ReassemblePSITables
from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
from Kamaelia.Util.DataSource import DataSource
from tsfixtures import (BASE, EIT_PID, InsertedTables, Programme, Service, corruptSection,
                        dropPackets, insertEIT, makeMultiplex, withJunk)

LOGGER = "Kamaelia.Device.DVB.NowNext"
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
T0 = datetime(2024, 5, 1, 18, 0, tzinfo=timezone.utc)


def event(event_id: int, when: str, name: str = "", start: datetime | None = None,
          minutes: int = 30, service: int = 1, transportstream: int = 4100,
          original_network: int = 9018, running_status: int | None = None,
          description: str = "") -> dict[str, Any]:
    """An event as SimplifyEIT sends it (start defaults to 30 min per event id)."""
    start = T0 + 30 * (event_id % 1000) * MINUTE if start is None else start
    duration = timedelta(minutes=minutes)
    return {"service": service, "transportstream": transportstream,
            "original_network": original_network, "event_id": event_id, "when": when,
            "running_status": (4 if when == "NOW" else 1) if running_status is None
            else running_status,
            "startdate": [start.year, start.month, start.day],
            "starttime": [start.hour, start.minute, start.second],
            "duration": (minutes // 60, minutes % 60, 0),
            "start": start, "end": start + duration,
            "name": name or f"programme {event_id}", "description": description,
            "language_code": "eng"}


def feedAll(detector: JunctionDetector, events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """(kind, event_id) for each event that says something."""
    out = []
    for e in events:
        kind = detector.feed(e)
        if kind is not None:
            out.append((kind, e["event_id"]))
    return out


# ------------------------------------------------------------ the pure detector

def test_the_first_now_is_a_junction_and_its_repeats_say_nothing() -> None:
    detector = JunctionDetector()
    assert feedAll(detector, [event(1, "NOW")] * 5 + [event(2, "NEXT")] * 5) == [
        (NOW, 1), (NEXT, 2)]
    now, nxt = detector.nowAndNext((9018, 4100, 1))
    assert now is not None and now["event_id"] == 1
    assert nxt is not None and nxt["event_id"] == 2


@pytest.mark.parametrize("change", [
    {"minutes": 40},                                            # overran
    {"start": T0 + 35 * MINUTE},                                # started late
    {"name": "programme 1 (repeat)"},                           # retitled
    {"description": "Now with subtitles."},                     # new text
    {"running_status": 3},                                      # pausing
])
def test_an_amended_now_event_is_an_update_not_a_junction(change: dict[str, Any]) -> None:
    detector = JunctionDetector()
    amended = event(1, "NOW", **change)
    got = feedAll(detector, [event(1, "NOW"), amended, amended, event(1, "NOW")])
    # the amendment, its repeat (nothing), then the old details again: an update back
    assert got == [(NOW, 1), (NOW_UPDATE, 1), (NOW_UPDATE, 1)]
    assert detector.nowAndNext((9018, 4100, 1))[0] == event(1, "NOW")


@pytest.mark.parametrize("change", [{"minutes": 45}, {"name": "Film (new title)"},
                                    {"running_status": 2}])
def test_an_amended_next_event_is_a_next_update(change: dict[str, Any]) -> None:
    detector = JunctionDetector()
    got = feedAll(detector, [event(1, "NOW"), event(2, "NEXT"), event(2, "NEXT", **change),
                             event(2, "NEXT", **change)])
    assert got == [(NOW, 1), (NEXT, 2), (NEXT_UPDATE, 2)]


def test_the_next_event_becoming_now_is_a_junction_and_empties_the_next_slot() -> None:
    detector = JunctionDetector()
    got = feedAll(detector, [event(1, "NOW"), event(2, "NEXT"), event(2, "NOW")])
    assert got == [(NOW, 1), (NEXT, 2), (NOW, 2)]
    assert detector.nowAndNext((9018, 4100, 1))[1] is None
    assert feedAll(detector, [event(3, "NEXT"), event(2, "NOW"), event(3, "NEXT")]) == [
        (NEXT, 3)]


def test_a_new_now_event_never_announced_as_next_is_a_junction() -> None:
    detector = JunctionDetector()
    got = feedAll(detector, [event(1, "NOW"), event(2, "NEXT"), event(7, "NOW", "Newsflash"),
                             event(2, "NEXT")])
    assert got == [(NOW, 1), (NEXT, 2), (NOW, 7)]
    # the NEXT slot still holds programme 2: it is still to come
    assert detector.nowAndNext((9018, 4100, 1))[1] == event(2, "NEXT")


def test_a_missing_following_section_does_not_stop_the_junctions() -> None:
    detector = JunctionDetector()
    assert feedAll(detector, [event(1, "NOW"), event(2, "NOW"), event(3, "NOW")]) == [
        (NOW, 1), (NOW, 2), (NOW, 3)]


def test_a_change_of_next_programme_is_a_new_next_not_a_junction() -> None:
    detector = JunctionDetector()
    got = feedAll(detector, [event(1, "NOW"), event(2, "NEXT"), event(5, "NEXT"),
                             event(5, "NEXT"), event(5, "NOW")])
    assert got == [(NOW, 1), (NEXT, 2), (NEXT, 5), (NOW, 5)]


def test_services_are_kept_apart_by_service_transport_stream_and_network() -> None:
    detector = JunctionDetector()
    got = feedAll(detector, [event(1, "NOW"), event(1, "NOW", service=2),
                             event(1, "NOW", transportstream=4200),
                             event(1, "NOW", original_network=9999),
                             event(2, "NOW", service=2), event(1, "NOW", service=2),
                             event(1, "NOW")])
    # each service's first NOW is its junction; service 2 then moves on to
    # event 2 and its old event 1 is stale -- while service 1 still has 1
    assert got == [(NOW, 1), (NOW, 1), (NOW, 1), (NOW, 1), (NOW, 2)]
    assert sorted(detector.services()) == [(9018, 4100, 1), (9018, 4100, 2),
                                           (9018, 4200, 1), (9999, 4100, 1)]


def test_events_without_network_or_transport_stream_are_keyed_by_service_alone() -> None:
    detector = JunctionDetector()
    bare = {"service": 4164, "event_id": 1, "when": "NOW", "name": "News"}
    assert detector.feed(bare) == NOW and detector.feed(dict(bare)) is None
    assert serviceKey(bare) == (None, None, 4164)
    assert detector.nowAndNext((None, None, 4164))[0] == bare


def test_a_late_old_present_section_after_a_junction_is_stale() -> None:
    detector = JunctionDetector()
    got = feedAll(detector, [event(1, "NOW"), event(2, "NEXT"), event(2, "NOW"),
                             event(3, "NEXT"), event(1, "NOW"), event(2, "NEXT"),
                             event(1, "NOW", minutes=45)])      # even amended
    assert got == [(NOW, 1), (NEXT, 2), (NOW, 2), (NEXT, 3)]
    assert detector.nowAndNext((9018, 4100, 1))[0] == event(2, "NOW")


def test_the_new_next_before_the_new_now_then_the_old_sections_after() -> None:
    detector = JunctionDetector()
    # version n: (1, 2); version n+1: (2, 3); its section 1 arrives first,
    # then its section 0, then the old version's sections, late
    got = feedAll(detector, [event(1, "NOW"), event(2, "NEXT"), event(3, "NEXT"),
                             event(2, "NOW"), event(1, "NOW"), event(2, "NEXT")])
    assert got == [(NOW, 1), (NEXT, 2), (NEXT, 3), (NOW, 2)]


def test_an_old_next_between_the_new_next_and_the_new_now_moves_only_the_next_slot() -> None:
    detector = JunctionDetector()
    got = feedAll(detector, [event(1, "NOW"), event(2, "NEXT"), event(3, "NEXT"),
                             event(2, "NEXT"), event(2, "NOW"), event(3, "NEXT")])
    # (the limitation the docstring states: no versions, so the old NEXT
    # takes the slot back; the junction is still right)
    assert [g for g in got if g[0] == NOW] == [(NOW, 1), (NOW, 2)]
    assert got == [(NOW, 1), (NEXT, 2), (NEXT, 3), (NEXT, 2), (NOW, 2), (NEXT, 3)]


def test_an_ended_event_id_used_again_for_a_later_programme_is_a_junction() -> None:
    detector = JunctionDetector()
    weeks_later = T0 + timedelta(days=21)
    got = feedAll(detector, [event(1, "NOW"), event(2, "NOW"),
                             event(1, "NEXT", start=weeks_later),
                             event(1, "NOW", start=weeks_later)])
    assert got == [(NOW, 1), (NOW, 2), (NEXT, 1), (NOW, 1)]


def test_a_late_copy_of_an_event_that_lasted_no_time_is_still_stale() -> None:
    detector = JunctionDetector()
    # start == end: "at or after its end" alone would take it for a reuse
    got = feedAll(detector, [event(1, "NOW", minutes=0), event(2, "NOW"),
                             event(1, "NOW", minutes=0)])
    assert got == [(NOW, 1), (NOW, 2)]


def test_without_start_times_an_ended_id_is_always_stale() -> None:
    detector = JunctionDetector()
    bare = [{"service": 1, "event_id": i, "when": "NOW", "name": str(i)} for i in (1, 2, 1)]
    assert feedAll(detector, bare) == [(NOW, 1), (NOW, 2)]


def test_a_reuse_is_not_guessed_from_times_that_cannot_be_compared() -> None:
    detector = JunctionDetector()
    naive = dict(event(1, "NOW", start=T0 + timedelta(days=21)))
    naive["start"] = naive["start"].replace(tzinfo=None)
    assert feedAll(detector, [event(1, "NOW"), event(2, "NOW"), naive]) == [(NOW, 1), (NOW, 2)]


def test_schedule_events_are_ignored() -> None:
    detector = JunctionDetector()
    assert feedAll(detector, [event(1, "SCHEDULED"), event(2, "SCHEDULED")]) == []
    assert detector.services() == []


def test_details_are_what_the_docstring_says() -> None:
    assert DETAILS == ("startdate", "starttime", "duration", "name", "description",
                       "language_code", "running_status")
    # keys outside the details (e.g. an "end" the sender rounded) are no amendment
    detector = JunctionDetector()
    moved = dict(event(1, "NOW"), end=T0 + 31 * MINUTE)
    assert feedAll(detector, [event(1, "NOW"), moved]) == [(NOW, 1)]


def test_the_ended_events_remembered_are_bounded() -> None:
    detector = JunctionDetector()
    detector.maxEnded = 3
    feedAll(detector, [event(i, "NOW") for i in range(1, 7)])
    assert list(detector._services[(9018, 4100, 1)].ended) == [3, 4, 5]
    # the forgotten event 1 comes back as a junction; 4 is still known stale
    assert feedAll(detector, [event(4, "NOW"), event(1, "NOW")]) == [(NOW, 1)]


def test_the_services_remembered_are_bounded_least_recently_heard_first_out() -> None:
    detector = JunctionDetector()
    detector.maxServices = 2
    feedAll(detector, [event(1, "NOW", service=1), event(1, "NOW", service=2),
                       event(1, "NOW", service=1), event(1, "NOW", service=3)])
    assert detector.services() == [(9018, 4100, 1), (9018, 4100, 3)]


def test_an_event_lacking_a_key_raises_key_error() -> None:
    detector = JunctionDetector()
    with pytest.raises(KeyError, match="event_id"):
        detector.feed({"service": 1, "when": "NOW"})


# ----------------------------------------------- a broadcast, damaged at random

@dataclass
class Broadcast:
    """Per service, the copies of each present/following pair as they arrived."""
    events: list[dict[str, Any]]
    programmes: dict[int, list[int]]        # service -> event ids, in order
    delivered: dict[int, list[int]]         # service -> ids whose NOW got through


@st.composite
def broadcasts(draw: st.DrawFn) -> Broadcast:
    """Services each showing programmes one after another; each pair sent 1-4
    times, in either section order; copies lost, amended, or late."""
    rng = random.Random(draw(st.integers(0, 2 ** 32 - 1)))
    services = draw(st.integers(1, 3))
    streams: dict[int, list[dict[str, Any]]] = {}
    programmes: dict[int, list[int]] = {}
    delivered: dict[int, list[int]] = {}
    for service in range(1, services + 1):
        count = draw(st.integers(1, 6))
        ids = rng.sample(range(1, 200), count)
        programmes[service] = ids
        delivered[service] = []
        sent: list[dict[str, Any]] = []
        for k, event_id in enumerate(ids):
            start = T0 + 30 * k * MINUTE
            following = ids[k + 1] if k + 1 < count else None
            got_now = False
            for _ in range(rng.randint(1, 4)):
                minutes = rng.choice([30, 30, 30, 40])          # an overrun now and then
                pair = [event(event_id, "NOW", start=start, minutes=minutes, service=service)]
                if following is not None:
                    pair.append(event(following, "NEXT", start=start + 30 * MINUTE,
                                      service=service))
                rng.shuffle(pair)
                for e in pair:
                    if rng.random() < 0.3:
                        continue                                # lost
                    got_now = got_now or e["when"] == "NOW"
                    sent.append(e)
                    if sent and rng.random() < 0.2:
                        sent.append(dict(rng.choice(sent)))     # something old, late
            if got_now:
                delivered[service].append(event_id)
        streams[service] = sent
    # interleave the services, keeping each one's order
    merged: list[dict[str, Any]] = []
    cursors = {s: 0 for s in streams if streams[s]}
    while cursors:
        service = rng.choice(sorted(cursors))
        merged.append(streams[service][cursors[service]])
        cursors[service] += 1
        if cursors[service] == len(streams[service]):
            del cursors[service]
    return Broadcast(merged, programmes, delivered)


@settings(max_examples=250, deadline=None)
@given(broadcasts())
def test_each_programme_starts_once_in_order_whatever_is_lost_late_or_amended(
        broadcast: Broadcast) -> None:
    detector = JunctionDetector()
    junctions: dict[int, list[int]] = {s: [] for s in broadcast.programmes}
    for e in broadcast.events:
        kind = detector.feed(e)
        now, nxt = detector.nowAndNext(serviceKey(e))
        if kind == NOW:
            junctions[e["service"]].append(e["event_id"])
        if kind in (NOW, NOW_UPDATE):
            assert now is e
        if kind in (NEXT, NEXT_UPDATE):
            assert nxt is e and (now is None or now["event_id"] != e["event_id"])
    # late copies only ever go back in time, so each programme whose NOW got
    # through starts exactly once, in broadcast order; amendments start none
    assert junctions == broadcast.delivered


# ----------------------------------------------------------------- components

BOXES = ("outbox", "now", "now_update", "next", "next_update")


class BoxCollector(Collector):
    """Records what arrives on each of the detector's outboxes, by box."""

    Inboxes = {"inbox": "unused", "control": "the detector's signal",
               **{box + "_in": f"from the detector's {box!r}" for box in BOXES}}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.boxes: dict[str, list[Any]] = {box: [] for box in BOXES}

    def main(self) -> Iterator[Any]:
        while True:
            self._take()
            while self.dataReady("control"):
                message = self.recv("control")
                self.control.append(message)
                if isinstance(message, (producerFinished, shutdownMicroprocess)):
                    self._take()
                    return
            if not self.anyReady():
                self.pause()
            yield 1

    def _take(self) -> None:
        for box in BOXES:
            self.boxes[box].extend(self.Inbox(box + "_in"))


def detectFrom(source: Any) -> BoxCollector:
    """Run ``source`` (a component sending events) into a junction detector
    to the end; returns what came out of each of its outboxes."""
    sink = BoxCollector()
    linkages = {("SOURCE", "outbox"): ("DETECT", "inbox"),
                ("SOURCE", "signal"): ("DETECT", "control"),
                ("DETECT", "signal"): ("SINK", "control")}
    for box in BOXES:
        linkages[("DETECT", box)] = ("SINK", box + "_in")
    Graphline(SOURCE=source, DETECT=NowNextProgrammeJunctionDetect(), SINK=sink,
              linkages=linkages).activate()
    scheduler.run.runThreads()
    assert [type(m) for m in sink.control] == [producerFinished]
    return sink


def test_each_kind_goes_out_of_its_outboxes() -> None:
    events = [event(1, "NOW"), event(2, "NEXT"), event(1, "NOW"), event(1, "NOW", minutes=40),
              event(2, "NEXT", minutes=20), event(2, "NOW"), event(3, "NEXT")]
    sink = detectFrom(DataSource(events))
    got = {box: [(e["event_id"], e["duration"]) for e in sent]
           for box, sent in sink.boxes.items()}
    assert got == {"outbox": [(1, (0, 30, 0)), (2, (0, 30, 0))],
                   "now": [(1, (0, 30, 0)), (2, (0, 30, 0))],
                   "now_update": [(1, (0, 40, 0))],
                   "next": [(2, (0, 30, 0)), (3, (0, 30, 0))],
                   "next_update": [(2, (0, 20, 0))]}
    assert sink.boxes["outbox"][0] is events[0]         # the event itself is sent on


def test_the_component_keeps_its_detector() -> None:
    target = NowNextProgrammeJunctionDetect()
    run(target, [event(1, "NOW"), event(2, "NEXT")], [producerFinished()])
    now, nxt = target.detector.nowAndNext((9018, 4100, 1))
    assert now is not None and nxt is not None and (now["event_id"], nxt["event_id"]) == (1, 2)


def test_the_filter_passes_only_the_services_asked_for() -> None:
    events = [event(1, "NOW", service=s) for s in (4164, 4228, 4351, 4164)]
    sink = run(NowNextServiceFilter(4164, 4351), events, [producerFinished()])
    assert [e["service"] for e in sink.got] == [4164, 4351, 4164]
    assert run(NowNextServiceFilter(), events, [producerFinished()]).got == []


@pytest.mark.parametrize("bad", ["4164", 41.64, True, None])
def test_the_filter_takes_service_ids_only(bad: Any) -> None:
    with pytest.raises(TypeError, match=f"not {bad!r}"):
        NowNextServiceFilter(4164, bad)


MAKERS = [NowNextProgrammeJunctionDetect, lambda: NowNextServiceFilter(1)]


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("bad", ["not an event", {"when": "NOW", "event_id": 1}])
def test_a_message_that_is_not_an_event_is_logged_and_skipped(
        make: Any, bad: Any, caplog: pytest.LogCaptureFixture) -> None:
    good = event(1, "NOW")
    assertBadMessageSkipped(make, caplog, LOGGER, [bad, good], bad, [good])


@pytest.mark.parametrize("make", MAKERS)
@pytest.mark.parametrize("message_class", [producerFinished, shutdownMicroprocess])
def test_shutdown_handles_what_is_waiting_then_passes_the_message_on(
        make: Any, message_class: type) -> None:
    assertShutdownPassesOn(make, message_class, [event(1, "NOW")], [event(1, "NOW")])


@pytest.mark.parametrize("make", MAKERS)
def test_other_control_messages_are_logged_and_ignored(
        make: Any, caplog: pytest.LogCaptureFixture) -> None:
    assertUnexpectedControlIgnored(make, caplog, [event(1, "NOW")], [event(1, "NOW")])


def test_a_full_destination_drops_the_result_with_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    target = NowNextProgrammeJunctionDetect()
    sink = Collector()
    target.link((target, "outbox"), (sink, "inbox"))
    target.link((target, "signal"), (sink, "control"))
    sink.setInboxSize("inbox", 1)
    target.inboxes["inbox"].extend([event(1, "NOW"), event(2, "NOW"), event(3, "NOW")])
    target.inboxes["control"].append(producerFinished())
    with caplog.at_level(logging.WARNING, logger="Kamaelia.Device.DVB.PSITables"):
        target.activate()
        sink.activate()
        scheduler.run.runThreads()
    assert [e["event_id"] for e in sink.got] == [1]
    assert any("full" in r.getMessage() and target.name in r.getMessage()
               for r in caplog.records)


def pfSections(version: int, now: dict[str, Any] | None, following: dict[str, Any] | None,
               service: int = 1) -> list[bytes]:
    """The two sections of a present/following table, as a broadcaster writes them."""
    return [eitSection(0x4E, service, 4100, 9018, version, number, 1,
                       [] if e is None else [e])
            for number, e in enumerate([now, following])]


NEWS = {"event_id": 1, "running_status": 4, "name": "News", "text": "The news.",
        "start": T0, "duration": 30 * MINUTE}
FILM = {"event_id": 2, "running_status": 1, "name": "Film", "text": "A film.",
        "start": T0 + 30 * MINUTE, "duration": 90 * MINUTE}
QUIZ = {"event_id": 3, "running_status": 1, "name": "Quiz", "text": "Questions.",
        "start": T0 + 120 * MINUTE, "duration": 30 * MINUTE}


def detectSections(sections: list[bytes]) -> BoxCollector:
    return detectFrom(Pipeline(DataSource(sections), ParseEventInformationTable_Subset(True),
                               SimplifyEIT()))


def names(events: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in events]


def test_a_version_bump_with_nothing_changed_is_no_junction_or_update() -> None:
    sink = detectSections(pfSections(3, NEWS, FILM) * 2 + pfSections(4, NEWS, FILM) * 2
                          + pfSections(31, NEWS, FILM) + pfSections(0, NEWS, FILM))  # a wrap
    assert names(sink.boxes["outbox"]) == ["News"] and names(sink.boxes["next"]) == ["Film"]
    assert sink.boxes["now_update"] == [] and sink.boxes["next_update"] == []


def test_sections_of_a_junction_and_an_overrun_as_a_broadcaster_sends_them() -> None:
    overrun = dict(NEWS, duration=40 * MINUTE)
    film_later = dict(FILM, start=T0 + 40 * MINUTE)
    sink = detectSections(
        pfSections(1, NEWS, FILM) + pfSections(2, overrun, film_later) * 2
        + pfSections(3, dict(film_later, running_status=4), QUIZ)
        + pfSections(2, overrun, film_later)[1:]          # the old section 1, late
        + pfSections(2, overrun, film_later)[:1]          # and the old section 0
        + pfSections(4, None, QUIZ)                       # a gap: no event on now
        + pfSections(5, dict(QUIZ, running_status=4), None))
    assert names(sink.boxes["outbox"]) == ["News", "Film", "Quiz"]
    assert [e["start"] for e in sink.boxes["outbox"]] == [T0, T0 + 40 * MINUTE,
                                                          T0 + 120 * MINUTE]
    assert [e["duration"] for e in sink.boxes["now_update"]] == [(0, 40, 0)]
    assert names(sink.boxes["next"]) == ["Film", "Quiz"]
    assert [e["starttime"] for e in sink.boxes["next_update"]] == [[18, 40, 0]]


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
    folder = tmp_path_factory.mktemp("nownext")
    mux = makeMultiplex(folder / "mux.ts", SERVICES, seconds=6.0)
    return insertEIT(mux.path, folder / "eit.ts", SCHEDULE)


def chunks(data: bytes, size: int = 50 * 188 + 7) -> list[bytes]:
    """The stream in pieces that do not end at packet boundaries, as a file is read."""
    return [data[i:i + size] for i in range(0, len(data), size)]


def receive(data: bytes) -> BoxCollector:
    """The recorder's route: stream bytes -> demultiplexer (PID 0x12) -> sections ->
    parsed present/following EIT -> simplified events -> the two services -> junctions."""
    return detectFrom(Pipeline(DataSource(chunks(data)), DVB_SoftDemuxer({EIT_PID: ["outbox"]}),
                               ReassemblePSITables(), ParseEventInformationTable_Subset(True),
                               SimplifyEIT(), NowNextServiceFilter(4164, 4228)))


def summary(events: list[dict[str, Any]], service: int) -> list[tuple[int, str, datetime]]:
    return [(e["event_id"], e["name"], e["start"]) for e in events if e["service"] == service]


def expected(service: int, programmes: list[Programme] | None = None) -> list[
        tuple[int, str, datetime]]:
    return [(p.event_id, p.title, p.start) for p in (programmes or SCHEDULE[service])]


def assertExactJunctions(sink: BoxCollector) -> None:
    for service, programmes in SCHEDULE.items():
        assert summary(sink.boxes["outbox"], service) == expected(service)
        assert summary(sink.boxes["now"], service) == expected(service)
        assert summary(sink.boxes["next"], service) == expected(service, programmes[1:])
    assert sink.boxes["now_update"] == [] and sink.boxes["next_update"] == []


def test_the_junctions_of_a_real_stream_come_out_exactly(broadcast: InsertedTables) -> None:
    sink = receive(broadcast.path.read_bytes())
    assertExactJunctions(sink)
    first = [e for e in sink.boxes["outbox"] if e["service"] == 4164][1]
    assert (first["startdate"], first["starttime"], first["duration"]) == (
        [2024, 3, 1], [19, 0, 2], (0, 0, 2))
    assert first["description"] == "Auctions." and first["transportstream"] == 0x1044


def test_a_junction_comes_with_the_section_that_announces_it_not_before(
        broadcast: InsertedTables) -> None:
    data = broadcast.path.read_bytes()
    announcing = next(s for s in broadcast.eit(4164) if s.eventId == 102 and s.sectionNumber == 0)
    before = receive(data[:announcing.packetIndex * 188])
    assert summary(before.boxes["outbox"], 4164) == expected(4164)[:1]
    with_it = receive(data[:(announcing.packetIndex + 1) * 188])
    assert summary(with_it.boxes["outbox"], 4164) == expected(4164)[:2]


def corruptFirstJunctions(data: bytes, tables: InsertedTables) -> bytes:
    """The first section announcing each service's second programme, damaged."""
    eit = [s for s in tables.sections if s.pid == EIT_PID]
    for service, programmes in SCHEDULE.items():
        nth = next(i for i, s in enumerate(eit) if s.serviceId == service
                   and s.sectionNumber == 0 and s.eventId == programmes[1].event_id)
        data = corruptSection(data, EIT_PID, nth)
    return data


DAMAGE = {
    "dropped EIT packets": lambda data, tables: dropPackets(data, EIT_PID, every=3),
    "corrupted sections": corruptFirstJunctions,
    "junk between packets": lambda data, tables: withJunk(data, every=40, size=61),
    "all of them": lambda data, tables: withJunk(
        dropPackets(corruptFirstJunctions(data, tables), EIT_PID, every=4), every=97, size=5),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_damage_delays_junctions_but_loses_none_and_makes_none_up(
        broadcast: InsertedTables, damage: str) -> None:
    data = broadcast.path.read_bytes()
    damaged = DAMAGE[damage](data, broadcast)
    assert damaged != data
    assertExactJunctions(receive(damaged))


def test_a_corrupted_section_is_refused_and_the_next_copy_makes_the_junction(
        broadcast: InsertedTables) -> None:
    reassemble = ReassemblePSITables()
    damaged = corruptFirstJunctions(broadcast.path.read_bytes(), broadcast)
    sink = detectFrom(Pipeline(DataSource(chunks(damaged)),
                               DVB_SoftDemuxer({EIT_PID: ["outbox"]}), reassemble,
                               ParseEventInformationTable_Subset(True), SimplifyEIT()))
    assert reassemble.assembler.crcErrors == 2
    assert summary(sink.boxes["outbox"], 4164) == expected(4164)

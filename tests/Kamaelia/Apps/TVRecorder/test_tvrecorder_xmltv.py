"""The EPG store and its XMLTV: events dedupe and replace, prune, answer now
and next; EIT messages (from the library's parser, and from a real
ffmpeg-made stream with EIT inserted) become events with every field; the
XMLTV parses back with every field in place and in the DTD's order, whatever
the text (control characters, lone surrogates, non-BMP) holds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings, strategies as st

from tsfixtures import (BASE, EIT_PID, SDT_PID, Programme, Service, insertEIT, makeMultiplex,
                        sections)

from Kamaelia.Apps.TVRecorder.xmltv import (EPG, Channel, Event, channelId, eventFromSimplified,
                                            eventsFromEIT, toXMLTV, xmlSafe, xmltvLanguage)
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (eitSection, eitTable,
                                                                  parseEITSection, simplifyEIT)
from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import \
    parseServiceDescriptionTableSection
from Kamaelia.Support.DVB import Descriptors
from Kamaelia.Support.DVB.CRC import crc32mpeg2

UTC = timezone.utc
T0 = datetime(2024, 3, 1, 19, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def event(event_id: int = 1, start: datetime = T0, minutes: int = 30, service_id: int = 4164,
          network: int | None = 9018, **fields: Any) -> Event:
    return Event(service_id=service_id, event_id=event_id, start=start,
                 duration=minutes * MINUTE, title=fields.pop("title", f"Programme {event_id}"),
                 original_network_id=network, **fields)


# ----------------------------------------------------------------- events

@pytest.mark.parametrize("fields, message", [
    ({"start": datetime(2024, 3, 1, 19)}, "start must be an aware datetime"),
    ({"duration": -MINUTE}, "duration must be a timedelta of 0 or more"),
    ({"service_id": 70000}, "service_id must be an int from 0 to 65535, not 70000"),
    ({"event_id": True}, "event_id must be an int from 0 to 65535, not True"),
    ({"original_network_id": "9018"}, "original_network_id must be an int"),
    ({"title": b"News"}, "title must be a str, not b'News'"),
    ({"genres": "News"}, "genres must be a sequence of str, not 'News'"),
])
def test_an_event_refuses_bad_values_naming_them(fields: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"service_id": 1, "event_id": 1, "start": T0, "duration": MINUTE,
                              "title": "News", **fields}
    with pytest.raises(ValueError, match=re.escape(message)):
        Event(**values)


def test_an_event_knows_its_end_and_service() -> None:
    made = event(start=T0, minutes=45, genres=["News/Current Affairs"])   # a list will do
    assert made.end == T0 + 45 * MINUTE and made.service == (4164, 9018)
    assert made.genres == ("News/Current Affairs",)


# ----------------------------------------------------------------- the store

def test_an_event_sent_again_replaces_the_one_of_its_id() -> None:
    epg = EPG()
    epg.add(event(1, title="Old title"))
    epg.add(event(1, title="New title", minutes=40))
    assert len(epg) == 1
    only, = epg.events()
    assert (only.title, only.duration) == ("New title", 40 * MINUTE)


def test_an_event_replaces_the_ones_of_its_service_it_overlaps() -> None:
    epg = EPG()
    epg.add(event(1, T0))                         # 19:00-19:30
    epg.add(event(2, T0 + 30 * MINUTE))           # 19:30-20:00 (touching: kept)
    epg.add(event(3, T0, network=None))           # another "service": the network differs
    epg.add(event(1, T0, service_id=1))           # another service, same event id
    epg.add(event(9, T0 + 20 * MINUTE, minutes=5))   # moved in over event 1
    assert [(e.service_id, e.original_network_id, e.event_id) for e in epg.events()] == [
        (1, 9018, 1), (4164, None, 3), (4164, 9018, 9), (4164, 9018, 2)]


def test_prune_forgets_events_that_ended_more_than_n_hours_ago() -> None:
    epg = EPG()
    epg.add(event(1, T0, minutes=60))             # ends 20:00
    epg.add(event(2, T0 + 60 * MINUTE))           # ends 20:30
    assert epg.prune(now=T0 + timedelta(hours=7), hours=6) == 0       # 20:00 is not before 20:00
    assert epg.prune(now=T0 + timedelta(hours=7, minutes=1), hours=6) == 1
    assert [e.event_id for e in epg.events()] == [2]
    assert epg.prune(now=T0 + timedelta(hours=2), hours=0) == 1 and len(epg) == 0
    assert epg.channels() == []                    # no events and no name: not a channel
    with pytest.raises(ValueError, match="now must be an aware datetime"):
        epg.prune(now=datetime(2024, 3, 1))


def test_now_next_is_what_is_on_at_a_time_and_what_starts_after_it() -> None:
    epg = EPG()
    epg.add(event(1, T0))                         # 19:00-19:30
    epg.add(event(2, T0 + 40 * MINUTE))           # 19:40-20:10, after a gap
    epg.add(event(3, T0 + 70 * MINUTE))           # 20:10-20:40
    def ids(pair: tuple[Event | None, Event | None]) -> tuple[int | None, ...]:
        return tuple(None if e is None else e.event_id for e in pair)
    assert ids(epg.nowNext(4164, at=T0)) == (1, 2)
    assert ids(epg.nowNext(4164, at=T0 + 35 * MINUTE)) == (None, 2)            # in the gap
    assert ids(epg.nowNext(4164, at=T0 + 70 * MINUTE)) == (3, None)
    assert ids(epg.nowNext(4164, at=T0 - MINUTE)) == (None, 1)
    assert ids(epg.nowNext(4164, at=T0, original_network_id=1)) == (None, None)
    assert ids(epg.nowNext(99, at=T0)) == (None, None)
    with pytest.raises(ValueError, match="at must be an aware datetime"):
        epg.nowNext(4164, at=datetime(2024, 3, 1, 19))


def test_now_next_defaults_to_the_clock() -> None:
    epg = EPG()
    now = datetime.now(UTC)
    epg.add(event(1, now - 10 * MINUTE))
    epg.add(event(2, now + 20 * MINUTE))
    on, following = epg.nowNext(4164)
    assert (on and on.event_id, following and following.event_id) == (1, 2)


def sdtSection(network: int, services: dict[int, str]) -> bytes:
    """An SDT actual section naming ``services`` (written here, by hand)."""
    loop = b""
    for service_id, name in services.items():
        descriptor = bytes([0x48, 3 + len(name) + 3, 0x01, 3]) + b"BBC" + bytes([len(name)])
        descriptor += name.encode("ascii")
        loop += service_id.to_bytes(2, "big") + b"\xfd\x80" + bytes([len(descriptor)]) + descriptor
    body = b"\x00\x01\xc1\x00\x00" + network.to_bytes(2, "big") + b"\xff" + loop
    length = len(body) + 4
    section = bytes([0x42, 0xF0 | length >> 8, length & 0xFF]) + body
    return section + crc32mpeg2(section).to_bytes(4, "big")


def test_service_names_come_from_the_sdt() -> None:
    epg = EPG()
    epg.addSDT(parseServiceDescriptionTableSection(sdtSection(9018, {4164: "BBC ONE",
                                                                      4228: "BBC TWO"})))
    epg.add(event(1, service_id=4351))
    assert epg.serviceName(4164, 9018) == "BBC ONE" and epg.serviceName(4164) is None
    assert epg.channels() == [Channel(4164, 9018, "BBC ONE"), Channel(4228, 9018, "BBC TWO"),
                              Channel(4351, 9018, None)]
    assert [c.displayName for c in epg.channels()] == ["BBC ONE", "BBC TWO", "Service 4351"]
    with pytest.raises(TypeError, match="not a parsed SDT"):
        epg.addSDT({"table_type": "PAT"})


def test_channel_ids_are_service_then_network_then_dvb() -> None:
    assert channelId(4164, 9018) == "4164.9018.dvb" and channelId(4164) == "4164.dvb"
    assert Channel(1, 2, "x").id == "1.2.dvb"


# ----------------------------------------------------------------- from the EIT

def parsed(*events: dict[str, Any], table_id: int = 0x4E, network: int = 9018) -> dict[str, Any]:
    """ParseEventInformationTable's message for one section of ``events``."""
    return eitTable(parseEITSection(eitSection(table_id, 4164, 4100, network, 1, 0, 0, events)))


def test_eit_events_become_events_with_every_field() -> None:
    first = Descriptors.extendedEventDescriptor("eng", "Presented by ", descriptorNumber=0,
                                                lastDescriptorNumber=1)
    second = Descriptors.extendedEventDescriptor("eng", "Fiona Bruce.", descriptorNumber=1,
                                                 lastDescriptorNumber=1)
    genres = Descriptors.contentDescriptor(0x23, 0x20, 0xB3, 0xE0)   # 0xE0: a genre with no name
    table = parsed({"event_id": 8734, "start": T0, "duration": 35 * MINUTE, "running_status": 4,
                    "name": "Panorama", "text": "Current affairs.", "language_code": "eng",
                    "descriptors": second + first + genres})      # (sent out of order)
    made, = eventsFromEIT(table)
    assert made == Event(service_id=4164, event_id=8734, start=T0, duration=35 * MINUTE,
                         title="Panorama", description="Current affairs.", language="eng",
                         extended_text="Presented by Fiona Bruce.",
                         genres=("News/Current Affairs", "Documentary", "Misc",
                                 "Live Broadcast"),
                         original_network_id=9018, transport_stream_id=4100)


def test_the_last_short_event_gives_the_language_and_extended_text_follows_it() -> None:
    descriptors = (Descriptors.shortEventDescriptor("eng", "News", "The news.")
                   + Descriptors.extendedEventDescriptor("eng", "In English.")
                   + Descriptors.extendedEventDescriptor("wel", "Yn Gymraeg.")
                   + Descriptors.shortEventDescriptor("wel", "Newyddion", "Y newyddion."))
    made, = eventsFromEIT(parsed({"event_id": 1, "start": T0, "duration": MINUTE,
                                  "descriptors": descriptors}))
    assert (made.title, made.description, made.language, made.extended_text) == (
        "Newyddion", "Y newyddion.", "wel", "Yn Gymraeg.")


def test_eit_events_without_start_or_duration_are_left_out() -> None:
    table = parsed({"event_id": 1, "start": None, "duration": MINUTE, "name": "a"},
                   {"event_id": 2, "start": T0, "duration": None, "name": "b"},
                   {"event_id": 3, "start": T0, "duration": MINUTE})
    made, = eventsFromEIT(table)
    assert (made.event_id, made.title, made.language) == (3, "", "")
    epg = EPG()
    assert epg.addEIT(table) == 1 and len(epg) == 1


def test_what_is_not_a_parsed_eit_is_refused() -> None:
    with pytest.raises(ValueError, match="not a parsed EIT: a dict with table_type 'SDT'"):
        eventsFromEIT({"table_type": "SDT"})
    with pytest.raises(ValueError, match="not a parsed EIT: a list with table_type None"):
        eventsFromEIT([])  # type: ignore[arg-type]


def test_simplified_events_become_events() -> None:
    table = parsed({"event_id": 7, "start": T0, "duration": 30 * MINUTE, "name": "Quiz",
                    "text": "A quiz.", "language_code": "fre"})
    simple, = simplifyEIT(table)
    made = eventFromSimplified(simple)
    assert made == Event(service_id=4164, event_id=7, start=T0, duration=30 * MINUTE,
                         title="Quiz", description="A quiz.", language="fre",
                         original_network_id=9018, transport_stream_id=4100)
    assert eventFromSimplified({**simple, "start": None}) is None
    epg = EPG()
    assert epg.addSimplified(simple) and not epg.addSimplified({**simple, "end": None})


# ----------------------------------------------------------------- XMLTV

def checkDTDOrder(tv: ET.Element) -> None:
    """The element order xmltv.dtd asks for, as far as we write elements:
    tv (channel*, programme*); channel (display-name+, ...); programme
    (title+, sub-title*, desc*, credits?, date?, category*, ...)."""
    def tags(element: ET.Element) -> str:
        return "".join(child.tag + " " for child in element)
    assert re.fullmatch(r"(channel )*(programme )*", tags(tv)), tags(tv)
    for channel in tv.iter("channel"):
        assert re.fullmatch(r"(display-name )+", tags(channel)) and channel.get("id")
    for programme in tv.iter("programme"):
        assert re.fullmatch(r"(title )+(desc )*(category )*", tags(programme)), tags(programme)
        assert programme.get("start") and programme.get("channel")


def test_the_xmltv_holds_every_channel_and_programme_field_in_order() -> None:
    epg = EPG()
    epg.setServiceName(4228, "BBC TWO", 9018)
    epg.setServiceName(4164, "BBC ONE & <HD>", 9018)
    epg.add(event(2, T0 + 30 * MINUTE, title="EastEnders", description="Walford.",
                  language="eng", extended_text="Long text.", genres=("Drama", "Soap")))
    epg.add(event(1, T0, title="The One Show", description="", language="ger"))
    epg.add(event(5, T0, service_id=4228, title="Newsnight", language="xx1",
                  description="News."))
    data = toXMLTV(epg)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n'
                           b'<!DOCTYPE tv SYSTEM "xmltv.dtd">\n<tv ')
    tv = ET.fromstring(data)
    checkDTDOrder(tv)
    assert tv.tag == "tv" and tv.get("generator-info-name") == "Kamaelia"
    assert [(c.get("id"), [d.text for d in c]) for c in tv.iter("channel")] == [
        ("4164.9018.dvb", ["BBC ONE & <HD>"]), ("4228.9018.dvb", ["BBC TWO"])]
    programmes = [(p.attrib, [(child.tag, child.attrib, child.text) for child in p])
                  for p in tv.iter("programme")]
    assert programmes == [
        ({"start": "20240301190000 +0000", "stop": "20240301193000 +0000",
          "channel": "4164.9018.dvb"},
         [("title", {"lang": "de"}, "The One Show")]),
        ({"start": "20240301193000 +0000", "stop": "20240301200000 +0000",
          "channel": "4164.9018.dvb"},
         [("title", {"lang": "en"}, "EastEnders"), ("desc", {"lang": "en"}, "Walford.\nLong text."),
          ("category", {"lang": "en"}, "Drama"), ("category", {"lang": "en"}, "Soap")]),
        ({"start": "20240301190000 +0000", "stop": "20240301193000 +0000",
          "channel": "4228.9018.dvb"},
         [("title", {}, "Newsnight"), ("desc", {}, "News.")]),
    ]


def test_times_are_written_in_utc() -> None:
    epg = EPG()
    summer = timezone(timedelta(hours=1))
    epg.add(event(1, datetime(2024, 7, 1, 0, 30, tzinfo=summer), minutes=60))
    programme = ET.fromstring(toXMLTV(epg)).find("programme")
    assert programme is not None
    assert (programme.get("start"), programme.get("stop")) == ("20240630233000 +0000",
                                                                "20240701003000 +0000")


def test_an_empty_guide_is_an_empty_tv() -> None:
    tv = ET.fromstring(toXMLTV(EPG()))
    assert tv.tag == "tv" and list(tv) == []


def test_xml_safe_drops_what_xml_cannot_carry() -> None:
    assert xmlSafe("a\x00b\x08c\x0bd\x1fe\x7ff\x85g\x9fh\ud800i\ufffej\uffffk") == "abcdefghijk"
    assert xmlSafe("one\r\ntwo\rthree\tfour\n") == "one\ntwo\nthree\tfour\n"
    assert xmlSafe("caf\u00e9 \U0001F4FA \ufffd &<>") == "caf\u00e9 \U0001F4FA \ufffd &<>"


@pytest.mark.parametrize("code, lang", [("eng", "en"), ("ENG", "en"), ("fre", "fr"),
                                        ("fra", "fr"), ("wel", "cy"), ("en", "en"),
                                        ("qaa", "qaa"), ("", None), ("e1g", None),
                                        ("\x00\x00\x00", None), ("engl", None), ("ééé", None)])
def test_xmltv_languages_are_two_letters_where_there_are_two(code: str, lang: str | None) -> None:
    assert xmltvLanguage(code) == lang


def xml10(text: str) -> str:
    """What XML 1.0 can carry of ``text`` (its Char production; C1 controls
    dropped too), with line ends as an XML parser reports them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    def allowed(char: str) -> bool:
        code = ord(char)
        return (char in "\t\n" or 0x20 <= code < 0x7F or 0xA0 <= code <= 0xD7FF
                or 0xE000 <= code <= 0xFFFD or code >= 0x10000)
    return "".join(char for char in text if allowed(char))


TRICKY = "\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f\x85\x9f\ud800\udfff\ufffe\uffff\U0001F4FA&<>\"']]> "
texts = st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from(TRICKY)),
                max_size=40)


@settings(max_examples=250, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), texts, texts, texts, st.lists(texts, max_size=2),
                          st.integers(0, 200)), max_size=6),
       st.dictionaries(st.integers(0, 3), texts, max_size=4))
def test_any_text_makes_xmltv_that_parses_back_to_it(items: list[Any],
                                                     names: dict[int, str]) -> None:
    epg = EPG()
    for service_id, name in names.items():
        epg.setServiceName(service_id, name, 1)
    for index, (service_id, title, description, extended, genres, minutes) in enumerate(items):
        # (one hour apart, so that none overlaps another)
        epg.add(Event(service_id=service_id, event_id=index, start=T0 + index * 60 * MINUTE,
                      duration=minutes * 0.25 * MINUTE, title=title, description=description,
                      extended_text=extended, genres=tuple(genres), language="eng",
                      original_network_id=1))
    tv = ET.fromstring(toXMLTV(epg))
    checkDTDOrder(tv)
    shown = {c.get("id"): (c[0].text or "") for c in tv.iter("channel")}
    for channel in epg.channels():
        name = xml10(channel.name or "")
        assert shown.pop(channel.id) == (name if name.strip() else f"Service {channel.service_id}")
    assert shown == {}
    programmes = list(tv.iter("programme"))
    assert len(programmes) == len(epg.events())
    for element, made in zip(programmes, epg.events()):
        assert element.get("channel") == channelId(made.service_id, 1)
        assert element.get("start") == made.start.strftime("%Y%m%d%H%M%S +0000")
        assert element.get("stop") == made.end.strftime("%Y%m%d%H%M%S +0000")
        assert (element.findtext("title") or "") == xml10(made.title)
        description = "\n".join(part for part in (made.description, made.extended_text) if part)
        assert [d.text or "" for d in element.iter("desc")] == (
            [xml10(description)] if description else [])
        assert [c.text or "" for c in element.iter("category")] == [xml10(g) for g in made.genres]


# ----------------------------------------------------------------- a real stream

@pytest.fixture(scope="module")
def broadcast(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[int, list[Programme]]]:
    """Three seconds of two services (ffmpeg), with EIT present/following
    and TDT inserted: programmes change at 1 s (BBC TWO) and 2 s (BBC ONE)."""
    folder: Path = tmp_path_factory.mktemp("epg")
    mux = makeMultiplex(folder / "mux.ts", [Service(1, "BBC ONE", "BBC"),
                                            Service(2, "BBC TWO", "BBC")], seconds=3)
    second = timedelta(seconds=1)
    schedule = {
        1: [Programme(101, "News", "The news.", BASE - 10 * second, 12 * second),
            Programme(102, "Caf\u00e9 \U0001F3AC", "A film.", BASE + 2 * second, 60 * second,
                      extendedText="Long " * 70 + "end.", language="fre"),
            Programme(103, "Late", "", BASE + 62 * second, 30 * second)],
        2: [Programme(201, "Quiz", "A quiz & more <fun>.", BASE - 60 * second, 61 * second),
            Programme(202, "Weather", "Rain.", BASE + second, 120 * second)],
    }
    tables = insertEIT(mux.path, folder / "eit.ts", schedule)
    return tables.path.read_bytes(), schedule


XMLTV_LANG = {"eng": "en", "fre": "fr"}


def test_an_epg_from_a_real_stream_lists_every_programme(
        broadcast: tuple[bytes, dict[int, list[Programme]]]) -> None:
    data, schedule = broadcast
    epg = EPG()
    for section in sections(data, SDT_PID):
        epg.addSDT(parseServiceDescriptionTableSection(section))
    for section in sections(data, EIT_PID):
        epg.addEIT(eitTable(parseEITSection(section)))
    assert [(c.service_id, c.name) for c in epg.channels()] == [(1, "BBC ONE"), (2, "BBC TWO")]
    now, following = epg.nowNext(1, at=BASE + timedelta(seconds=2.5))
    assert now is not None and following is not None
    assert (now.event_id, following.event_id) == (102, 103)
    assert now.extended_text == "Long " * 70 + "end." and now.language == "fre"

    tv = ET.fromstring(toXMLTV(epg))
    checkDTDOrder(tv)
    network = epg.channels()[0].original_network_id
    assert [(c.get("id"), c.findtext("display-name")) for c in tv.iter("channel")] == [
        (f"1.{network}.dvb", "BBC ONE"), (f"2.{network}.dvb", "BBC TWO")]
    found = [(p.get("channel"), p.get("start"), p.get("stop"), p.findtext("title"),
              [(d.get("lang"), d.text) for d in p.iter("desc")]) for p in tv.iter("programme")]
    expected = []
    for service_id, programmes in schedule.items():
        for item in programmes:
            text = "\n".join(part for part in (item.text, item.extendedText) if part)
            expected.append((f"{service_id}.{network}.dvb",
                             item.start.strftime("%Y%m%d%H%M%S +0000"),
                             item.end.strftime("%Y%m%d%H%M%S +0000"), item.title,
                             [(XMLTV_LANG[item.language], text)] if text else []))
    assert found == expected

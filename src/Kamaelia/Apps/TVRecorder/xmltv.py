"""Kamaelia.Apps.TVRecorder.xmltv: the EIT collected into an EPG, written as XMLTV.

Example Usage
-------------
Collect events, name the service, ask what is on and write the guide::

    from datetime import datetime, timedelta, timezone
    from Kamaelia.Apps.TVRecorder.xmltv import EPG, Event, toXMLTV

    epg = EPG()
    epg.setServiceName(4164, "BBC ONE", original_network_id=9018)
    start = datetime(2024, 3, 1, 19, 0, tzinfo=timezone.utc)
    epg.add(Event(service_id=4164, original_network_id=9018, event_id=1, start=start,
                  duration=timedelta(minutes=30), title="The One Show",
                  description="Live magazine.", language="eng",
                  genres=("Show/Game show",)))
    epg.add(Event(service_id=4164, original_network_id=9018, event_id=2,
                  start=start + timedelta(minutes=30), duration=timedelta(hours=1),
                  title="EastEnders", description="Drama in Walford."))

    now, following = epg.nowNext(4164, at=start + timedelta(minutes=10))
    print(now.title, "then", following.title)       # The One Show then EastEnders
    print(toXMLTV(epg).decode("utf-8"))

prints::

    <?xml version="1.0" encoding="UTF-8"?>
    <!DOCTYPE tv SYSTEM "xmltv.dtd">
    <tv generator-info-name="Kamaelia" source-info-name="DVB EIT">
      <channel id="4164.9018.dvb">
        <display-name>BBC ONE</display-name>
      </channel>
      <programme start="20240301190000 +0000" stop="20240301193000 +0000" channel="4164.9018.dvb">
        <title lang="en">The One Show</title>
        <desc lang="en">Live magazine.</desc>
        <category lang="en">Show/Game show</category>
      </programme>
      <programme start="20240301193000 +0000" stop="20240301203000 +0000" channel="4164.9018.dvb">
        <title>EastEnders</title>
        <desc>Drama in Walford.</desc>
      </programme>
    </tv>

In a receiver the events come from the EIT: give ``EPG.addEIT`` each
message of ``Kamaelia.Device.DVB.Parse.ParseEventInformationTable`` (or
``EPG.addSimplified`` each of ``SimplifyEIT``'s), and ``EPG.addSDT`` each
parsed SDT (``ParseServiceDescriptionTable``) for the channel names.

How does it work?
-----------------
Rules the store keeps:

* A service is known by its service id and original network id (the
  network may be None when not known; give both or neither, consistently).
* An event is known by its service and event id: adding one again replaces
  it (the EIT sends updates under the same id). An event also replaces the
  events of its service it overlaps in time: the broadcaster has moved or
  renumbered the programme, and the newest word wins.
* ``prune(now, hours)`` forgets the events that ended more than ``hours``
  before ``now``; nothing is forgotten unless asked (the store has no clock).
* ``nowNext(service_id, at)`` is the event on at ``at`` (start <= at < end)
  and the first to start after ``at``. Pass the stream's time (the TDT) when
  the stream is not live.

The normalised event, :class:`Event` (a frozen dataclass)::

    Event(service_id=4164, event_id=8734,
          start=datetime(2024, 3, 1, 19, 0, tzinfo=timezone.utc),  # aware
          duration=timedelta(minutes=30),
          title="The One Show", description="Live magazine.",
          language="eng",                  # ISO 639-2 (the EIT's) or ""
          extended_text="",                # the extended event descriptors' text, joined
          genres=("Show/Game show",),      # content descriptor names, level 1 then 2
          original_network_id=9018,        # or None
          transport_stream_id=4100)        # or None

:func:`eventsFromEIT` makes them from a parsed EIT message: the title,
description and language from the short event descriptor (the last, as
SimplifyEIT takes), the extended text from the extended event descriptors
in that language, in their numbered order, joined without separator (the
standard splits one text across them), and genres from the content
descriptor (each genre's level-1 name, then its level-2 name unless that is
"General"; numbers no table names are left out). Events whose start or
duration the EIT leaves undefined are left out: a guide cannot place them.
:func:`eventFromSimplified` does the same for SimplifyEIT's events, which
carry no extended text or genres.

:func:`toXMLTV` writes the XMLTV document (xmltv.dtd): ``<tv>`` with
``generator-info-name="Kamaelia"``, a ``<channel>`` per service known (from
the SDT or from events), ordered by service id, with its ``<display-name>``
(the SDT's name, or "Service <id>" when it has none, or only white space), then the
``<programme>`` elements in order of channel, then start: ``start`` and
``stop`` in UTC (``20240301190000 +0000``), ``<title>``, ``<desc>`` (the
description, then the extended text on a new line; left out when both are
empty), and a ``<category lang="en">`` per genre. ``lang`` attributes are
ISO 639-1 codes (``eng`` becomes ``en``) as XMLTV asks, or the EIT's three
letters when there is no two-letter code; no ``lang`` when the EIT gives
none. The tree is built with ``xml.etree.ElementTree``, which escapes
markup; text is made safe for XML 1.0 first (:func:`xmlSafe`): characters
XML 1.0 does not allow (C0 controls but tab and newline, lone surrogates,
U+FFFE, U+FFFF), DEL and the C1 controls (U+007F to U+009F; EN 300 468 uses
those for emphasis and line breaks, which the text decoder has dealt with)
are dropped, and carriage returns become newlines (an XML parser would do that).

Channel ids are ``<service_id>.<original_network_id>.dvb`` in decimal (e.g.
``4164.9018.dvb``), ``<service_id>.dvb`` when the network is not known: a
DNS-like name, as XMLTV recommends, stable for as long as the broadcaster
keeps the service's ids (the transport stream id is left out, so a service
moved to another multiplex keeps its id).

What it does not do: no HTTP (the recorder's web server serves
``toXMLTV``'s bytes as ``/epg.xml``), no credits or episode numbers (the
EIT's extended event items are not mapped to XMLTV elements), one language
per event.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence, TypeAlias

from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import serviceNames

__all__ = ["Event", "Channel", "EPG", "channelId", "eventsFromEIT", "eventFromSimplified",
           "toXMLTV", "xmlSafe", "xmltvLanguage"]

_SHORT_EVENT = 0x4D
_EXTENDED_EVENT = 0x4E
_CONTENT = 0x54
_MAX_ID = 0xFFFF

# XML 1.0's Char production, less the C1 controls (and DEL), which mean
# nothing in a programme guide's text.
_NOT_XML = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# ISO 639-2 (bibliographic and terminology codes) to ISO 639-1, for the
# languages European and other DVB networks broadcast in.
_ISO_639_1 = {
    "alb": "sq", "sqi": "sq", "ara": "ar", "baq": "eu", "eus": "eu", "ben": "bn",
    "bos": "bs", "bul": "bg", "cat": "ca", "chi": "zh", "zho": "zh", "cze": "cs",
    "ces": "cs", "cym": "cy", "wel": "cy", "dan": "da", "deu": "de", "ger": "de",
    "dut": "nl", "nld": "nl", "ell": "el", "gre": "el", "eng": "en", "est": "et",
    "fas": "fa", "per": "fa", "fin": "fi", "fra": "fr", "fre": "fr", "gla": "gd",
    "gle": "ga", "glg": "gl", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu",
    "ice": "is", "isl": "is", "ita": "it", "jpn": "ja", "kor": "ko", "lav": "lv",
    "lit": "lt", "ltz": "lb", "mac": "mk", "mkd": "mk", "mlt": "mt", "nor": "no",
    "nob": "nb", "nno": "nn", "pan": "pa", "pol": "pl", "por": "pt", "ron": "ro",
    "rum": "ro", "rus": "ru", "slk": "sk", "slo": "sk", "slv": "sl", "spa": "es",
    "srp": "sr", "swe": "sv", "tam": "ta", "tur": "tr", "ukr": "uk", "urd": "ur",
}
_GENRE_LANGUAGE = "en"           # the content descriptor's names are English
_TIME_FORMAT = "%Y%m%d%H%M%S +0000"
_HEADER = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n'


def xmlSafe(text: str) -> str:
    """xmlSafe(text) -> text with what XML 1.0 cannot carry dropped (see the module's docstring)"""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def xmltvLanguage(code: str) -> str | None:
    """xmltvLanguage(code) -> the XMLTV ``lang`` for an ISO 639 code, or None

    ``"eng"`` -> ``"en"``; a three-letter code without a two-letter one is
    kept; a two-letter code is kept; anything else (empty, not letters) is None.
    """
    code = code.strip().lower()
    if not (code.isascii() and code.isalpha() and len(code) in (2, 3)):
        return None
    return _ISO_639_1.get(code, code)


def channelId(service_id: int, original_network_id: int | None = None) -> str:
    """channelId(service_id[, original_network_id]) -> the XMLTV channel id, e.g. "4164.9018.dvb" """
    if original_network_id is None:
        return f"{service_id}.dvb"
    return f"{service_id}.{original_network_id}.dvb"


# ------------------------------------------------------------ events

def _checkId(name: str, value: Any, optional: bool = False) -> None:
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_ID:
        raise ValueError(f"{name} must be an int from 0 to {_MAX_ID}, not {value!r}")


@dataclass(frozen=True, slots=True)
class Event:
    """Event(service_id, event_id, start, duration, title, description="", language="",
    extended_text="", genres=(), original_network_id=None, transport_stream_id=None)

    One programme of the guide (see the module's docstring). Raises
    ValueError for a value of the wrong kind: ids outside 0-65535, a naive
    ``start``, a negative ``duration``, text that is not ``str``.
    """

    service_id: int
    event_id: int
    start: datetime
    duration: timedelta
    title: str
    description: str = ""
    language: str = ""
    extended_text: str = ""
    genres: tuple[str, ...] = ()
    original_network_id: int | None = None
    transport_stream_id: int | None = None

    def __post_init__(self) -> None:
        _checkId("service_id", self.service_id)
        _checkId("event_id", self.event_id)
        _checkId("original_network_id", self.original_network_id, optional=True)
        _checkId("transport_stream_id", self.transport_stream_id, optional=True)
        if not isinstance(self.start, datetime) or self.start.utcoffset() is None:
            raise ValueError(f"start must be an aware datetime, not {self.start!r}")
        if not isinstance(self.duration, timedelta) or self.duration < timedelta(0):
            raise ValueError(f"duration must be a timedelta of 0 or more, not {self.duration!r}")
        for name in ("title", "description", "language", "extended_text"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a str, not {getattr(self, name)!r}")
        genres = self.genres
        if isinstance(genres, str) or not all(isinstance(g, str) for g in genres):
            raise ValueError(f"genres must be a sequence of str, not {genres!r}")
        object.__setattr__(self, "genres", tuple(genres))

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def service(self) -> tuple[int, int | None]:
        """(service_id, original_network_id): the service the event is on."""
        return (self.service_id, self.original_network_id)


def _genreNames(descriptor: Mapping[str, Any]) -> list[str]:
    names: list[str] = []
    for entry in descriptor.get("entries", ()):
        level1, level2 = entry.get("content_level_1"), entry.get("content_level_2")
        if isinstance(level1, str):
            names.append(level1)
        if isinstance(level2, str) and level2 != "General":
            names.append(level2)
    return names


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _fromDescriptors(descriptors: Sequence[tuple[int, Mapping[str, Any]]]) -> dict[str, Any]:
    """title, description, language, extended_text and genres from an event's descriptors."""
    short: Mapping[str, Any] = {}
    extended: list[Mapping[str, Any]] = []
    genres: list[str] = []
    for tag, descriptor in descriptors:
        if tag == _SHORT_EVENT:
            short = descriptor
        elif tag == _EXTENDED_EVENT:
            extended.append(descriptor)
        elif tag == _CONTENT:
            genres += _genreNames(descriptor)
    language = short.get("language_code", "")
    if short:
        extended = [part for part in extended if part.get("language_code") == language]
    extended.sort(key=lambda part: part.get("descriptor_number", 0))
    return {"title": short.get("name", ""), "description": short.get("text", ""),
            "language": language,
            "extended_text": "".join(part.get("text", "") for part in extended),
            "genres": _unique(genres)}


def eventsFromEIT(table: Mapping[str, Any]) -> list[Event]:
    """eventsFromEIT(table) -> the Events of one ParseEventInformationTable message

    Events without a defined start and duration are left out. Raises
    ValueError for a message that is not a parsed EIT.
    """
    kind = table.get("table_type") if isinstance(table, Mapping) else None
    if kind != "EIT":
        raise ValueError(f"not a parsed EIT: a {type(table).__name__} with table_type {kind!r}")
    events = []
    for event in table.get("events", ()):
        start, end = event.get("start"), event.get("end")
        if start is None or end is None:
            continue
        events.append(Event(
            service_id=event.get("service_id", table.get("service_id")),
            event_id=event["event_id"], start=start, duration=end - start,
            original_network_id=table.get("original_network_id"),
            transport_stream_id=table.get("transport_stream_id"),
            **_fromDescriptors(event.get("descriptors", ()))))
    return events


def eventFromSimplified(event: Mapping[str, Any]) -> Event | None:
    """eventFromSimplified(event) -> the Event of one of SimplifyEIT's events, or None

    None when its start or end is not defined.
    """
    start, end = event.get("start"), event.get("end")
    if start is None or end is None:
        return None
    return Event(service_id=event["service"], event_id=event["event_id"], start=start,
                 duration=end - start, title=event.get("name", ""),
                 description=event.get("description", ""),
                 language=event.get("language_code", ""),
                 original_network_id=event.get("original_network"),
                 transport_stream_id=event.get("transportstream"))


# ------------------------------------------------------------ the store

@dataclass(frozen=True, slots=True)
class Channel:
    """Channel(service_id, original_network_id, name): a service of the guide."""
    service_id: int
    original_network_id: int | None
    name: str | None

    @property
    def id(self) -> str:
        """The XMLTV channel id (see :func:`channelId`)."""
        return channelId(self.service_id, self.original_network_id)

    @property
    def displayName(self) -> str:
        """The name as XMLTV shows it: the SDT's (made XML-safe), or "Service <id>"."""
        name = xmlSafe(self.name or "")
        return name if name.strip() else f"Service {self.service_id}"


_ServiceKey: TypeAlias = "tuple[int, int | None]"     # (service_id, original_network_id)


def _order(key: _ServiceKey) -> tuple[int, int]:
    return (key[0], -1 if key[1] is None else key[1])


def _utcNow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(name: str, when: datetime) -> datetime:
    if not isinstance(when, datetime) or when.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, not {when!r}")
    return when


class EPG:
    """EPG() -> an empty programme guide (see the module's docstring)

    Not thread-safe: keep it in one component, or lock around it.
    """

    def __init__(self) -> None:
        self._events: dict[_ServiceKey, dict[int, Event]] = {}
        self._names: dict[_ServiceKey, str] = {}

    def __len__(self) -> int:
        return sum(len(events) for events in self._events.values())

    # -- adding -------------------------------------------------------------

    def add(self, event: Event) -> None:
        """add(event) -> None; replaces the event of that id and those it overlaps"""
        if not isinstance(event, Event):
            raise TypeError(f"EPG.add takes an Event, not {type(event).__name__}")
        events = self._events.setdefault(event.service, {})
        for other in list(events.values()):
            if (other.event_id != event.event_id
                    and other.start < event.end and event.start < other.end):
                del events[other.event_id]
        events[event.event_id] = event

    def addEIT(self, table: Mapping[str, Any]) -> int:
        """addEIT(table) -> how many events of a ParseEventInformationTable message were added"""
        events = eventsFromEIT(table)
        for event in events:
            self.add(event)
        return len(events)

    def addSimplified(self, event: Mapping[str, Any]) -> bool:
        """addSimplified(event) -> whether one of SimplifyEIT's events was added"""
        made = eventFromSimplified(event)
        if made is not None:
            self.add(made)
        return made is not None

    def setServiceName(self, service_id: int, name: str,
                       original_network_id: int | None = None) -> None:
        """setServiceName(service_id, name[, original_network_id]) -> None"""
        _checkId("service_id", service_id)
        _checkId("original_network_id", original_network_id, optional=True)
        if not isinstance(name, str):
            raise ValueError(f"a service name is a str, not {name!r}")
        self._names[(service_id, original_network_id)] = name

    def addSDT(self, sdt: Mapping[str, Any]) -> None:
        """addSDT(sdt) -> None; names the services of a parsed SDT (TypeError if it is none)"""
        network = sdt.get("original_network_id") if isinstance(sdt, Mapping) else None
        for name, service_id in serviceNames(sdt).items():
            self.setServiceName(service_id, name, network)

    # -- asking -------------------------------------------------------------

    def serviceName(self, service_id: int, original_network_id: int | None = None) -> str | None:
        """serviceName(service_id[, original_network_id]) -> its name from the SDT, or None"""
        return self._names.get((service_id, original_network_id))

    def channels(self) -> list[Channel]:
        """channels() -> every service named or with events, by service id"""
        keys = sorted(set(self._names) | {k for k, v in self._events.items() if v}, key=_order)
        return [Channel(sid, network, self._names.get((sid, network))) for sid, network in keys]

    def events(self, service_id: int | None = None,
               original_network_id: int | None = None) -> list[Event]:
        """events([service_id][, original_network_id]) -> events in order of channel, then start

        With ``service_id``, only that service's (on any network, unless
        ``original_network_id`` is given too).
        """
        found = []
        for key in sorted(self._events, key=_order):
            if service_id is not None and (key[0] != service_id or (
                    original_network_id is not None and key[1] != original_network_id)):
                continue
            found += sorted(self._events[key].values(), key=lambda e: (e.start, e.event_id))
        return found

    def nowNext(self, service_id: int, at: datetime | None = None,
                original_network_id: int | None = None) -> tuple[Event | None, Event | None]:
        """nowNext(service_id[, at][, original_network_id]) -> (event on at ``at``, the next one)

        ``at`` (aware; default: now) -- either may be None.
        """
        at = _utcNow() if at is None else _aware("at", at)
        events = self.events(service_id, original_network_id)
        now = [event for event in events if event.start <= at < event.end]
        later = [event for event in events if event.start > at]
        return (max(now, key=lambda e: e.start) if now else None,
                min(later, key=lambda e: e.start) if later else None)

    def prune(self, now: datetime | None = None, hours: float = 6.0) -> int:
        """prune([now][, hours]) -> how many events that ended over ``hours`` before ``now`` went"""
        cutoff = (_utcNow() if now is None else _aware("now", now)) - timedelta(hours=hours)
        gone = 0
        for events in self._events.values():
            for event in list(events.values()):
                if event.end < cutoff:
                    del events[event.event_id]
                    gone += 1
        return gone


# ------------------------------------------------------------ XMLTV

def _stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime(_TIME_FORMAT)


def _textElement(parent: ET.Element, tag: str, text: str, lang: str | None = None) -> None:
    element = ET.SubElement(parent, tag, {} if lang is None else {"lang": lang})
    element.text = xmlSafe(text)


def _programme(root: ET.Element, event: Event) -> None:
    programme = ET.SubElement(root, "programme", {
        "start": _stamp(event.start), "stop": _stamp(event.end),
        "channel": channelId(event.service_id, event.original_network_id)})
    lang = xmltvLanguage(event.language)
    _textElement(programme, "title", event.title, lang)
    description = "\n".join(part for part in (event.description, event.extended_text) if part)
    if description:
        _textElement(programme, "desc", description, lang)
    for genre in event.genres:
        _textElement(programme, "category", genre, _GENRE_LANGUAGE)


def toXMLTV(epg: EPG) -> bytes:
    """toXMLTV(epg) -> the guide as an XMLTV document (UTF-8 bytes)"""
    root = ET.Element("tv", {"generator-info-name": "Kamaelia", "source-info-name": "DVB EIT"})
    for channel in epg.channels():
        element = ET.SubElement(root, "channel", {"id": channel.id})
        _textElement(element, "display-name", channel.displayName)
    for event in epg.events():
        _programme(root, event)
    ET.indent(root)         # (only between elements: no text is changed)
    return _HEADER + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"

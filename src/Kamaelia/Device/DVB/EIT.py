"""EIT: now and next programmes, and the time, straight from transport stream packets.

Example Usage
-------------
Put a present/following EIT section into transport stream packets (as a
multiplexer would), then get the programme on now back out of them::

    from datetime import datetime, timedelta, timezone

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.EIT import (EITPacketParser, NowNextChanges,
                                         PSIPacketReconstructor)
    from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import eitSection
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    section = eitSection(0x4E, 4164, 4100, 9018, version=0, section_number=0,
                         last_section_number=1, events=[{
                             "event_id": 1, "running_status": 4, "name": "News",
                             "start": datetime(2024, 5, 1, 18, 0, tzinfo=timezone.utc),
                             "duration": timedelta(minutes=30)}])
    packets = [(bytes([0x47, 0x40, 0x12, 0x10 | counter, 0]) + section).ljust(188, b"\\xff")
               for counter in range(3)]              # sent three times, on PID 0x12

    Pipeline(
        DataSource(packets),
        PSIPacketReconstructor(),
        EITPacketParser(),
        NowNextChanges(),                            # only when it changes
        PureTransformer(lambda e: f"{e['when']} on {e['service']}: {e['name']}\\n"),
        ConsoleEchoer(),
    ).run()                                          # prints: NOW on 4164: News

How does it work?
-----------------
This is 1.14's early, all-in-one route to now/next data (the
``Kamaelia.Device.DVB.Parse`` modules and ``NowNext`` are the general one);
it keeps its components, each a thin wrapper around the pure functions of
``Kamaelia.Support.DVB`` and ``ParseEventInformationTable``:

* ``PSIPacketReconstructor()`` takes 188-byte transport stream packets
  (of one PID or several) and sends each PSI/SI section they carry, whole,
  as ``bytes`` (``Kamaelia.Support.DVB.TransportStream.SectionAssembler``:
  pointer fields, sections spanning packets, several in a packet,
  continuity errors dropping the section in progress, CRC checks).
* ``EITPacketParser()`` takes sections and, for each present/following
  section of this transport stream (table 0x4E) that is current, sends its
  event, simplified, as ``SimplifyEIT`` does (keys ``service``,
  ``transportstream``, ``event_id``, ``when`` -- ``"NOW"`` for section 0,
  ``"NEXT"`` for section 1 -- ``startdate``, ``starttime``, ``duration``,
  ``name``, ``description``, ...), but with ``startdate`` and
  ``starttime`` as tuples, as 1.14's parser sent them. Every copy is
  sent: the broadcast repeats them.
* ``NowNextChanges()`` passes on a NOW event only when it differs from the
  last one sent for its service (service, transport stream); NEXT events
  are dropped.
* ``NowNextServiceFilter(*services)`` keeps the events of the services
  given (it is ``Kamaelia.Device.DVB.NowNext.NowNextServiceFilter``).
* ``TimeAndDatePacketParser()`` takes sections and, for each time and date
  table (TDT, table 0x70), sends ``{"date": (year, month, day), "time":
  (hours, minutes, seconds), "utc": datetime}`` (UTC), read by
  ``Kamaelia.Device.DVB.Parse.ParseTimeAndDateTable.parseTimeAndDateTableSection``.
* ``crc32(data)``, ``parseMJD(MJD)`` and ``unBCD(byte)`` are 1.14's helpers
  (``crc32`` of a whole section is 0 when it is intact; the other two are
  ``Kamaelia.Support.DVB.DateTime``'s).

Sections that are malformed or fail their CRC are dropped with a warning
(at most a line per 10 s for a run of them); a message that is not what a
component takes (not bytes; a packet that is not 188 bytes starting with
0x47) is logged as an error and skipped; a result for a full size-limited
inbox is dropped with a warning. Each component, on
``producerFinished`` or ``shutdownMicroprocess`` on ``"control"``, first
deals with everything already waiting on ``"inbox"``, then passes the
message on out of ``"signal"`` and ends.

Differences from 1.14
---------------------
1.14's module imported ``Kamaelia.Device.DVB.Core``, which raised
``NotImplementedError`` ("bit rot"), so it could not be imported at all.
Its ``PSIPacketReconstructor`` took one PID only and sent the bytes
between two packets that start sections, so several sections (and the
stuffing after them) came as one message and ``EITPacketParser`` read only
the first; here each section comes alone, whatever the PIDs. Its
``EITPacketParser`` sent one dict object per section, changed in place for
each of its events, without ``"event_id"``; left ``"when"`` unset (or the
previous event's) for running status 0 or 5; and gave text as raw bytes.
Here each event is a new dict with the keys of ``SimplifyEIT``'s events,
``"when"`` comes from the section number and text is decoded. Its
``unBCD`` turned a byte that is not two BCD digits into a wrong number and
its ``parseMJD`` was right only from 1900-03-01 to 2100-02-28; here the
first raises ``DateError`` and the second is right for every 16-bit date.
``TimeAndDatePacketParser`` adds ``"utc"``. 1.14 had a second,
identical ``NowNextServiceFilter`` class here; this one is ``NowNext``'s. Errors were printed to
stdout; here they are logged. Control messages other than shutdown were
passed on out of ``"signal"``; here they are logged and dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia.Device.DVB.NowNext import NowNextServiceFilter
from Kamaelia.Device.DVB.PSITables import _PerMessage
from Kamaelia.Device.DVB.Parse import TableError as TDTError
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
    TableError, eitTable, parseEITSection, simplifyEIT)
from Kamaelia.Device.DVB.Parse.ParseTimeAndDateTable import parseTimeAndDateTableSection
from Kamaelia.Support.DVB.CRC import crc32mpeg2
from Kamaelia.Support.DVB.DateTime import parseMJD, unBCD
from Kamaelia.Support.DVB.TransportStream import SectionAssembler

__all__ = ["PSIPacketReconstructor", "EITPacketParser", "NowNextChanges",
           "NowNextServiceFilter", "TimeAndDatePacketParser", "crc32", "parseMJD", "unBCD"]

log = logging.getLogger(__name__)
_refusals = RepeatLimiter(log)

_PRESENT_FOLLOWING_ACTUAL = 0x4E
_TIME_AND_DATE = 0x70


def crc32(data: bytes | bytearray | memoryview) -> int:
    """crc32(data) -> the CRC-32/MPEG-2 of data (0 for a whole, intact section)"""
    return crc32mpeg2(data)


def _as114(event: dict[str, Any]) -> dict[str, Any]:
    """A simplified event with its date and time as tuples, as 1.14's parser sent them."""
    for key in ("startdate", "starttime"):
        if event[key] is not None:
            event[key] = tuple(event[key])
    return event


def _bytes(message: Any, what: str) -> bytes:
    if not isinstance(message, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} is bytes, not {type(message).__name__}")
    return bytes(message)


class PSIPacketReconstructor(_PerMessage):
    """PSIPacketReconstructor() -> the PSI/SI sections carried by transport stream packets

    ``assembler`` is the ``SectionAssembler`` it uses (its counters say
    how many sections were dropped and why).
    """

    Inboxes = {"inbox": "transport stream packets (188 bytes)", "control": "shutdown signalling"}
    Outboxes = {"outbox": "PSI/SI sections (bytes), one per message",
                "signal": "shutdown signalling"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.assembler = SectionAssembler()

    def handleMessage(self, message: Any) -> None:
        for section in self.assembler.feed(_bytes(message, "a transport stream packet")):
            self.send(section, "outbox")


class EITPacketParser(_PerMessage):
    """EITPacketParser() -> the now and next events of this transport stream's services

    Takes sections; sends one simplified event (a dict) per event of each
    current present/following section of table 0x4E.
    """

    Inboxes = {"inbox": "PSI/SI sections (bytes), e.g. from PSIPacketReconstructor",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "parsed NOW and NEXT events, simplified (dicts)",
                "signal": "shutdown signalling"}

    def handleMessage(self, message: Any) -> None:
        data = _bytes(message, "a section")
        if not data or data[0] != _PRESENT_FOLLOWING_ACTUAL:
            return
        try:
            section = parseEITSection(data)
        except TableError as exc:
            _refusals.warning("%s: EIT section dropped: %s", self.name, exc)
            return
        if not section["current_next"]:
            return                      # the next version: not in force yet
        for event in simplifyEIT(eitTable(section)):
            self.send(_as114(event), "outbox")


class NowNextChanges(_PerMessage):
    """NowNextChanges() -> passes on NOW events only when they change

    One last event is kept per (service, transportstream).
    """

    Inboxes = {"inbox": "simplified now/next events", "control": "shutdown signalling"}
    Outboxes = {"outbox": "NOW events that differ from the last one of their service",
                "signal": "shutdown signalling"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.current: dict[tuple[Any, Any], Any] = {}

    def handleMessage(self, message: Any) -> None:
        if not isinstance(message, dict):
            raise TypeError(f"an event is a dict, not {type(message).__name__}")
        if message["when"] != "NOW":
            return
        key = (message["service"], message.get("transportstream"))
        if self.current.get(key) != message:
            self.current[key] = message
            self.send(message, "outbox")


class TimeAndDatePacketParser(_PerMessage):
    """TimeAndDatePacketParser() -> the date and time (UTC) of each time and date table

    Takes sections; sends ``{"date": (y, m, d), "time": (h, m, s), "utc":
    datetime}`` for each TDT (table 0x70).
    """

    Inboxes = {"inbox": "PSI/SI sections (bytes), e.g. from PSIPacketReconstructor",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "parsed date and time (dicts)", "signal": "shutdown signalling"}

    def handleMessage(self, message: Any) -> None:
        data = _bytes(message, "a section")
        if not data or data[0] != _TIME_AND_DATE:
            return
        try:
            utc = parseTimeAndDateTableSection(data)["utc"]
        except TDTError as exc:
            _refusals.warning("%s: time and date section dropped: %s", self.name, exc)
            return
        self.send({"date": (utc.year, utc.month, utc.day),
                   "time": (utc.hour, utc.minute, utc.second),
                   "utc": utc}, "outbox")


__kamaelia_components__ = (PSIPacketReconstructor, EITPacketParser, NowNextChanges,
                           NowNextServiceFilter, TimeAndDatePacketParser)

"""ParseEventInformationTable: the DVB Event Information Table (EIT), parsed.

Example Usage
-------------
Write the present/following EIT of one service (as a broadcaster would),
parse it and print what is on now and next::

    from datetime import datetime, timedelta, timezone

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
        ParseEventInformationTable_Subset, SimplifyEIT, eitSection)
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    start = datetime(2006, 12, 22, 10, 30, tzinfo=timezone.utc)
    now = {"event_id": 8734, "start": start, "duration": timedelta(minutes=30),
           "running_status": 4, "name": "Homes Under the Hammer", "text": "Auctions."}
    following = {"event_id": 8735, "start": start + timedelta(minutes=30),
                 "duration": timedelta(minutes=30), "running_status": 1,
                 "name": "To Buy or Not to Buy", "text": "Property series."}
    sections = [eitSection(0x4E, 4164, 4100, 9018, version=1, section_number=n,
                           last_section_number=1, events=[event])
                for n, event in enumerate([now, following])]

    Pipeline(
        DataSource(sections + sections),           # sent twice: parsed once
        ParseEventInformationTable_Subset(actual_presentFollowing=True),
        SimplifyEIT(),
        PureTransformer(lambda e: "%s %02d:%02d %s\\n" % (e["when"], *e["starttime"][:2],
                                                          e["name"])),
        ConsoleEchoer(),
    ).run()            # prints: NOW 10:30 Homes Under the Hammer
                       #         NEXT 11:00 To Buy or Not to Buy

In a receiver the sections come from the EIT's PID (``EIT_PID``, 0x12)
through ``ReassemblePSITables()``; ``PrettifyEventInformationTable()``
(in ``Kamaelia.Device.DVB.Parse.PrettifyTables``) shows a parsed table as
text, and ``Kamaelia.Device.DVB.NowNext.NowNextProgrammeJunctionDetect``
turns SimplifyEIT's events into programme junctions.

How does it work?
-----------------
The EIT (ETSI EN 300 468 5.2.4) says, per service, what programme
("event") is on: *present/following* sub-tables (table_id 0x4E for this
transport stream, 0x4F for others) hold the event on now in section 0 and
the one after it in section 1 (a section may be empty: no event, e.g. a
gap in transmission); *schedule* sub-tables (0x50-0x5F here, 0x60-0x6F
others) hold the days ahead. Each sub-table -- table_id, service,
transport stream, original network, current/next -- has its own version
number (five bits, so 31 is followed by 0) and sections.

The pure part, for code that has bytes and wants values:

* :func:`parseEITSection` ``(section, checkCRC=True) -> dict`` checks one
  section (framing, table id 0x4E-0x6F, every loop inside it, and the
  CRC-32 unless ``checkCRC`` is false) and returns its fields (keys
  below), or raises :class:`~Kamaelia.Device.DVB.Parse.TableError` (a
  ``ValueError``) saying what is wrong and where; it raises nothing else,
  whatever it is given. Bytes after the section's end (stuffing) are
  ignored.
* :func:`eitSection` ``(table_id, service_id, transport_stream_id,
  original_network_id, version, section_number, last_section_number,
  events=())`` writes a section, CRC included: for test streams and EPG
  injection. An event is a mapping with the keys of the parsed events
  below (``"descriptors"`` as the raw bytes of the descriptor loop), all
  but ``"event_id"`` optional, and, for a short event descriptor, ``"name"``,
  ``"text"`` and ``"language_code"`` (default ``"eng"``).
* :func:`eitTable` turns a parsed section into the message
  ``ParseEventInformationTable`` sends (1.14's shape, below);
  :func:`simplifyEIT` turns such a message into SimplifyEIT's events.

``parseEITSection`` returns::

    {"table_id": 0x4E, "service_id": 4164, "transport_stream_id": 4100,
     "original_network_id": 9018, "version": 1, "current_next": True,
     "section_number": 0, "last_section_number": 1,
     "segment_last_section_number": 1, "last_table_id": 0x4E,
     "events": [{"event_id": 8734,
                 "start": datetime(2006, 12, 22, 10, 30, tzinfo=timezone.utc),
                 "duration": timedelta(minutes=30),
                 "running_status": 4, "free_CA_mode": False,
                 "descriptors": [(0x4D, {"type": "short_event", ...})]}]}

``start`` and ``duration`` are None when the section leaves them undefined
(all bits set) or they are not valid BCD; descriptors are as
``Kamaelia.Support.DVB.Descriptors.parseDescriptors`` gives them (a
malformed descriptor loop makes the section a TableError).

The components
--------------
``ParseEventInformationTable(acceptTables=None)``: send table sections
(``bytes``) to ``"inbox"``; each section of an accepted table_id is parsed
and sent out of ``"outbox"`` once per version of its sub-table, as soon as
it comes (a sub-table is never known to be complete: its sections may be
spread over segments): a section seen before, in the same version, is
dropped before its CRC is checked, so the repeats a broadcast is full of
cost little. A new version number (any change, 31 to 0 included), or a new
``last_section_number``, makes every section of that sub-table new again.
``acceptTables`` maps table_id to ``(label, is_present_following)``, e.g.
``{0x4E: ("ACTUAL", True), 0x4F: ("OTHER", True)}``; None (or empty) accepts
every EIT. ``ParseEventInformationTable_Subset(actual_presentFollowing=True,
other_presentFollowing=False, actual_schedule=False, other_schedule=False)``
makes one for the kinds asked for. Sections of other tables are ignored;
sections that fail the checks are counted (``refused``), logged (a warning
on the module's logger, at most one line per 10 s for a run of them) and
dropped. The message sent, one per section::

    {"table_type": "EIT", "table_id": 0x4E, "actual_other": "ACTUAL",
     "is_present_following": True, "current": 1,
     "transport_stream_id": 4100, "original_network_id": 9018,
     "version": 1, "section": 0, "last_section": 1,
     "service_id": 4164, "segment_last_section_number": 1, "last_table_id": 0x4E,
     "events": [{"service_id": 4164, "event_id": 8734, "running_status": 4,
                 "free_CA_mode": 0,
                 "starttime": [2006, 12, 22, 10, 30, 0],   # UTC; None if undefined
                 "duration": (0, 30, 0),                   # h, m, s; None if undefined
                 "start": datetime(...), "end": datetime(...),  # UTC; None if unknown
                 "descriptors": [...]}]}

``SimplifyEIT()``: send such messages to ``"inbox"``; each event comes out
of ``"outbox"`` on its own, as::

    {"service": 4164, "transportstream": 4100, "original_network": 9018,
     "event_id": 8734, "when": "NOW", "running_status": 4,
     "startdate": [2006, 12, 22], "starttime": [10, 30, 0], "duration": (0, 30, 0),
     "start": datetime(...), "end": datetime(...),
     "name": "Homes Under the Hammer", "description": "Auctions.",
     "language_code": "eng"}

``"when"`` is ``"NOW"`` for the event in section 0 of a present/following
table and ``"NEXT"`` for section 1 (as EN 300 468 defines them; a message
without ``"section"`` falls back on running status: 3 or 4 NOW, else NEXT);
for schedule tables it is ``"NOW"`` if the event's running status is 3
(pausing) or 4 (running), else ``"SCHEDULED"``. Name, description and
language come from the event's short event descriptor (the last, if there
are several; empty strings if there is none). An empty section sends
nothing.

Both components, on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"``, first deal with everything already waiting on ``"inbox"``,
then pass the message on out of ``"signal"`` and end. A message on
``"inbox"`` that is not what they take is logged as an error (logger
``Kamaelia.Device.DVB.Parse.ParseEventInformationTable``) and skipped.

Differences from 1.14
---------------------
1.14's module raised ``NotImplementedError`` on import ("bit rot"). Where it
worked: its ``"version"`` was the version number times two (the bits were
not shifted), here it is the version; ``free_CA_mode`` was 0 or 16, here 0
or 1; text is ``str`` (decoded per EN 300 468 Annex A) where 1.14 passed
the raw bytes; a section numbered beyond the ``last_section_number`` first
seen crashed it, here each section is checked by itself; a cut-short or
malformed section raised an ``IndexError``, here it is refused.
``ParseEventInformationTable_Subset()`` with every kind turned off made a
component that took *every* EIT; here it is a ValueError. SimplifyEIT chose
"NOW"/"NEXT" from the running status alone and crashed on a status of 0
(undefined, which many networks send) or 5 (off-air); here the section
number decides, as the standard says. ``"start"``, ``"end"``,
``"service_id"``, ``"segment_last_section_number"``, ``"last_table_id"``,
and in SimplifyEIT's events ``"original_network"`` and
``"running_status"``, are new keys.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import (Any, Callable, Container, Hashable, Iterable, Mapping, TypedDict, TypeVar,
                    cast)

from Kamaelia.Device.DVB.Parse import (MAX_SECTION_LENGTH, TableError, _TableParser,
                                       descriptorLoop, longSection, loopLength)
from Kamaelia.Support.DVB import DateTime, Descriptors
from Kamaelia.Support.DVB.CRC import crc32mpeg2
from Kamaelia.Util._stream import StreamTransformer, passOnShutdown

__all__ = ["EIT_PID", "TableError", "EITEvent", "EITSection", "parseEITSection",
           "eitSection", "eitTable", "simplifyEIT", "ParseEventInformationTable",
           "ParseEventInformationTable_Subset", "SimplifyEIT"]

_T = TypeVar("_T")

#: The PID that carries the EIT in a DVB transport stream.
EIT_PID = 0x12

_TABLE = "EIT"
_EIT_TABLE_IDS = range(0x4E, 0x70)
_SHORT_EVENT = 0x4D
_HEADER = 14                  # bytes before the first event
_EVENT_HEADER = 12
_CRC = 4
_UNDEFINED_START = b"\xff" * 5
_UNDEFINED_DURATION = b"\xff" * 3


class EITEvent(TypedDict):
    """One event of a parsed EIT section (see the module's docstring)."""
    event_id: int
    start: datetime | None
    duration: timedelta | None
    running_status: int
    free_CA_mode: bool
    descriptors: list[tuple[int, dict[str, Any]]]


class EITSection(TypedDict):
    """A parsed EIT section (see the module's docstring)."""
    table_id: int
    service_id: int
    transport_stream_id: int
    original_network_id: int
    version: int
    current_next: bool
    section_number: int
    last_section_number: int
    segment_last_section_number: int
    last_table_id: int
    events: list[EITEvent]


def _tableKind(table_id: int) -> tuple[str, bool]:
    """The 1.14 label and present/following flag of an EIT table_id."""
    return ("ACTUAL" if table_id == 0x4E or 0x50 <= table_id <= 0x5F else "OTHER",
            table_id in (0x4E, 0x4F))


# -- parsing ------------------------------------------------------------------

def parseEITSection(section: bytes | bytearray | memoryview,
                    checkCRC: bool = True) -> EITSection:
    """parseEITSection(section, checkCRC=True) -> dict of the section's fields

    ``section`` is one whole section, from its table_id to its CRC (bytes
    after the end that section_length gives are ignored). Raises
    TableError for anything but a whole, intact EIT section.
    """
    data, header = longSection(section, _TABLE, _EIT_TABLE_IDS, checkCRC)
    if len(data) < _HEADER + _CRC:
        raise TableError(f"{_TABLE}: section_length {len(data) - 3} is too short for the "
                         f"EIT header and CRC (at least {_HEADER + _CRC - 3})")
    return {
        "table_id": header.table_id,
        "service_id": header.table_id_extension,
        "transport_stream_id": (data[8] << 8) | data[9],
        "original_network_id": (data[10] << 8) | data[11],
        "version": header.version,
        "current_next": bool(header.current_next),
        "section_number": header.section_number,
        "last_section_number": header.last_section_number,
        "segment_last_section_number": data[12],
        "last_table_id": data[13],
        "events": _parseEvents(data, _HEADER, len(data) - _CRC),
    }


def _orNone(parse: Callable[[bytes], _T | None], field: bytes) -> _T | None:
    # A start or duration that is not valid BCD is a sender's slip in one
    # field: the event (often the only one of its section) is kept, with the
    # field unknown, rather than the section refused.
    try:
        return parse(field)
    except DateTime.DateError:
        return None


def _parseEvents(data: bytes, pos: int, end: int) -> list[EITEvent]:
    events: list[EITEvent] = []
    while pos < end:
        if pos + _EVENT_HEADER > end:
            raise TableError(f"{_TABLE}: {end - pos} byte(s) at byte {pos} are too few for "
                             f"an event ({_EVENT_HEADER})")
        eventId = (data[pos] << 8) | data[pos + 1]
        what = f"descriptors of event {eventId}"
        _, stop = loopLength(data, pos + 10, end, _TABLE, what)
        events.append({
            "event_id": eventId,
            "start": _orNone(DateTime.parseUTC, data[pos + 2:pos + 7]),
            "duration": _orNone(DateTime.parseDuration, data[pos + 7:pos + 10]),
            "running_status": data[pos + 10] >> 5,
            "free_CA_mode": bool(data[pos + 10] & 0x10),
            "descriptors": descriptorLoop(data, pos + _EVENT_HEADER, stop, _TABLE, what),
        })
        pos = stop
    return events


# -- writing ------------------------------------------------------------------

def _checkInt(name: str, value: Any, high: int, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be an int from {low} to {high}, not {value!r}")
    return value


def _eventBytes(event: Mapping[str, Any]) -> bytes:
    if "event_id" not in event:
        raise ValueError(f"an EIT event needs an 'event_id': {event!r}")
    event_id = _checkInt("event_id", event["event_id"], 0xFFFF)
    running_status = _checkInt("running_status", event.get("running_status", 0), 7)
    start = event.get("start")
    duration = event.get("duration")
    descriptors = event.get("descriptors", b"")
    if not isinstance(descriptors, (bytes, bytearray)):
        raise ValueError("an event's 'descriptors' are the bytes of its descriptor "
                         f"loop, not {descriptors!r}")
    loop = bytes(descriptors)
    if "name" in event or "text" in event:
        loop += Descriptors.shortEventDescriptor(event.get("language_code", "eng"),
                                                 event.get("name", ""), event.get("text", ""))
    if len(loop) > 0x0FFF:
        raise ValueError(f"event {event_id}: {len(loop)} bytes of descriptors, "
                         f"more than the {0x0FFF} an event can carry")
    flags = (running_status << 13) | (0x1000 if event.get("free_CA_mode") else 0) | len(loop)
    return (event_id.to_bytes(2, "big")
            + (_UNDEFINED_START if start is None else DateTime.encodeUTC(start))
            + (_UNDEFINED_DURATION if duration is None else DateTime.encodeDuration(duration))
            + flags.to_bytes(2, "big") + loop)


def eitSection(table_id: int, service_id: int, transport_stream_id: int,
               original_network_id: int, version: int, section_number: int,
               last_section_number: int, events: Iterable[Mapping[str, Any]] = (), *,
               current_next: bool = True, segment_last_section_number: int | None = None,
               last_table_id: int | None = None) -> bytes:
    """eitSection(table_id, service_id, transport_stream_id, original_network_id,
    version, section_number, last_section_number, events=()) -> the section's bytes

    For test streams and EPG injection: one EIT section with its CRC.
    ``segment_last_section_number`` defaults to ``last_section_number``,
    ``last_table_id`` to ``table_id``. Events are mappings (see the module's
    docstring). Raises ValueError, naming the value, for a field out of
    range or a section longer than the 4096 bytes an EIT section may be.
    """
    if not isinstance(table_id, int) or table_id not in _EIT_TABLE_IDS:
        raise ValueError(f"table_id must be an EIT's, 0x4E-0x6F, not {table_id!r}")
    _checkInt("service_id", service_id, 0xFFFF)
    _checkInt("transport_stream_id", transport_stream_id, 0xFFFF)
    _checkInt("original_network_id", original_network_id, 0xFFFF)
    _checkInt("version", version, 31)
    _checkInt("last_section_number", last_section_number, 255)
    _checkInt("section_number", section_number, last_section_number)
    segment_last = _checkInt("segment_last_section_number",
                             last_section_number if segment_last_section_number is None
                             else segment_last_section_number, 255)
    last_table = _checkInt("last_table_id",
                           table_id if last_table_id is None else last_table_id, 255)
    body = b"".join(_eventBytes(event) for event in events)
    length = _HEADER - 3 + len(body) + _CRC
    if length > MAX_SECTION_LENGTH:
        raise ValueError(f"the events take {len(body)} bytes: the section would be "
                         f"{3 + length} bytes, more than 4096")
    head = bytes([table_id, 0xF0 | (length >> 8), length & 0xFF,
                  service_id >> 8, service_id & 0xFF,
                  0xC0 | (version << 1) | (1 if current_next else 0),
                  section_number, last_section_number,
                  transport_stream_id >> 8, transport_stream_id & 0xFF,
                  original_network_id >> 8, original_network_id & 0xFF,
                  segment_last, last_table])
    unprotected = head + body
    return unprotected + crc32mpeg2(unprotected).to_bytes(4, "big")


# -- 1.14's message shapes ----------------------------------------------------

def _startTime(start: datetime | None) -> list[int] | None:
    if start is None:
        return None
    return [start.year, start.month, start.day, start.hour, start.minute, start.second]


def _hms(duration: timedelta | None) -> tuple[int, int, int] | None:
    if duration is None:
        return None
    seconds = int(duration.total_seconds())
    return (seconds // 3600, seconds // 60 % 60, seconds % 60)


def eitTable(section: EITSection, actualOther: str | None = None,
             presentFollowing: bool | None = None) -> dict[str, Any]:
    """eitTable(section[, actualOther][, presentFollowing]) -> ParseEventInformationTable's message

    ``section`` is what :func:`parseEITSection` returns. ``actualOther``
    (the label, e.g. ``"ACTUAL"``) and ``presentFollowing`` default to what
    the table_id says.
    """
    label, isPF = _tableKind(section["table_id"])
    service_id = section["service_id"]
    events = []
    for event in section["events"]:
        start, duration = event["start"], event["duration"]
        events.append({
            "service_id": service_id,
            "event_id": event["event_id"],
            "running_status": event["running_status"],
            "free_CA_mode": int(event["free_CA_mode"]),
            "starttime": _startTime(start),
            "duration": _hms(duration),
            "start": start,
            "end": None if start is None or duration is None else start + duration,
            "descriptors": event["descriptors"],
        })
    return {
        "table_type": _TABLE,
        "table_id": section["table_id"],
        "actual_other": label if actualOther is None else actualOther,
        "is_present_following": isPF if presentFollowing is None else presentFollowing,
        "current": int(section["current_next"]),
        "transport_stream_id": section["transport_stream_id"],
        "original_network_id": section["original_network_id"],
        "version": section["version"],
        "section": section["section_number"],
        "last_section": section["last_section_number"],
        "service_id": service_id,
        "segment_last_section_number": section["segment_last_section_number"],
        "last_table_id": section["last_table_id"],
        "events": events,
    }


def _when(table: Mapping[str, Any], event: Mapping[str, Any]) -> str:
    running = event["running_status"]
    if not table["is_present_following"]:
        return "NOW" if running in (3, 4) else "SCHEDULED"
    section = table.get("section")
    if section == 0:
        return "NOW"
    if section == 1:
        return "NEXT"
    # A message made without a section number (or a broadcaster numbering
    # p/f sections beyond 1): only the running status is left to go on.
    return "NOW" if running in (3, 4) else "NEXT"


def simplifyEIT(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """simplifyEIT(table) -> SimplifyEIT's events for one message of ParseEventInformationTable

    Raises TypeError for what is not such a message and KeyError for one
    missing a field.
    """
    if not isinstance(table, Mapping):
        raise TypeError(f"a parsed EIT is a dict, not {type(table).__name__}")
    simple = []
    for event in table["events"]:
        name = description = language = ""
        for tag, descriptor in event["descriptors"]:
            if tag == _SHORT_EVENT:
                name = descriptor.get("name", "")
                description = descriptor.get("text", "")
                language = descriptor.get("language_code", "")
        starttime = event["starttime"]
        simple.append({
            "service": event["service_id"],
            "transportstream": table["transport_stream_id"],
            "original_network": table.get("original_network_id"),
            "event_id": event["event_id"],
            "when": _when(table, event),
            "running_status": event["running_status"],
            "startdate": None if starttime is None else starttime[0:3],
            "starttime": None if starttime is None else starttime[3:6],
            "duration": event["duration"],
            "start": event.get("start"),
            "end": event.get("end"),
            "name": name,
            "description": description,
            "language_code": language,
        })
    return simple


# -- components ---------------------------------------------------------------

def ParseEventInformationTable_Subset(actual_presentFollowing: bool = True,
                                      other_presentFollowing: bool = False,
                                      actual_schedule: bool = False,
                                      other_schedule: bool = False
                                      ) -> ParseEventInformationTable:
    """ParseEventInformationTable_Subset([actual_presentFollowing][, other_presentFollowing][,
    actual_schedule][, other_schedule]) -> new ParseEventInformationTable component

    Parses the kinds of EIT asked for and ignores the rest:

    - actual_presentFollowing -- now and next, this transport stream (0x4E; default True)
    - other_presentFollowing  -- now and next, other transport streams (0x4F)
    - actual_schedule         -- schedules, this transport stream (0x50-0x5F)
    - other_schedule          -- schedules, other transport streams (0x60-0x6F)

    Raises ValueError if none is asked for.
    """
    chosen = [(actual_presentFollowing, [0x4E]), (other_presentFollowing, [0x4F]),
              (actual_schedule, range(0x50, 0x60)), (other_schedule, range(0x60, 0x70))]
    accept = {table_id: _tableKind(table_id)
              for wanted, table_ids in chosen if wanted for table_id in table_ids}
    if not accept:
        # 1.14 handed {} on, which its component took for "every table".
        raise ValueError("ParseEventInformationTable_Subset: no kind of EIT asked for")
    return ParseEventInformationTable(acceptTables=accept)


def _acceptTables(acceptTables: Mapping[int, tuple[str, bool]] | None
                  ) -> dict[int, tuple[str, bool]]:
    """acceptTables, checked; every EIT table id if None or empty."""
    if not acceptTables:
        return {table_id: _tableKind(table_id) for table_id in _EIT_TABLE_IDS}
    accept = {}
    for table_id, kind in dict(acceptTables).items():
        if not isinstance(table_id, int) or table_id not in _EIT_TABLE_IDS:
            raise ValueError(f"acceptTables: {table_id!r} is not an EIT table_id (0x4E-0x6F)")
        if not (isinstance(kind, tuple) and len(kind) == 2):
            raise ValueError(f"acceptTables[0x{table_id:02X}] must be a "
                             f"(label, is_present_following) pair, not {kind!r}")
        accept[table_id] = (kind[0], bool(kind[1]))
    return accept


class ParseEventInformationTable(_TableParser):
    """ParseEventInformationTable([acceptTables]) -> new ParseEventInformationTable component

    Sends each section once per version of its sub-table (see the module's
    docstring). ``refused`` counts the sections dropped as malformed.

    - acceptTables -- dict of table_id: (label, is_present_following) to
      parse (default: every EIT, 0x4E-0x6F, labelled "ACTUAL"/"OTHER")
    """

    Inboxes = {"inbox": "PSI sections from PID 0x12 (EIT sections; others are ignored)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each EIT section, parsed (once per version of its sub-table)",
                "signal": "the shutdown message, passed on"}

    tableName = _TABLE
    headerLength = 12
    sendEachSection = True
    # A network's schedules: a sub-table per service, table id and current/next.
    maxTables = 65536

    def __init__(self, acceptTables: Mapping[int, tuple[str, bool]] | None = None,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.acceptTables = _acceptTables(acceptTables)

    def accepted(self) -> Container[int]:
        return self.acceptTables

    def sectionKey(self, data: bytes) -> Hashable:
        # 1.14's sub-table: table_id, service_id, current_next, transport
        # stream and original network
        return (data[0], (data[3] << 8) | data[4], data[5] & 0x01,
                (data[8] << 8) | data[9], (data[10] << 8) | data[11])

    def parseSection(self, data: bytes) -> dict[str, Any]:
        return dict(parseEITSection(data))      # (the loop's plain dict type)

    def combine(self, sections: list[dict[str, Any]]) -> dict[str, Any]:
        section = cast(EITSection, sections[0])     # what parseSection made
        label, isPF = self.acceptTables[section["table_id"]]
        return eitTable(section, label, isPF)

    def parseTableSection(self, index: Any, section: tuple[bytes, int]) -> dict[str, Any]:
        """parseTableSection(index, (data, section_length)) -> the message for that section

        1.14's method; ``index`` is not needed (the section says it all) and
        the section's own section_length is used. Raises TableError.
        """
        data, _ = section
        return self.combine([self.parseSection(data)])


class SimplifyEIT(StreamTransformer):
    """SimplifyEIT() -> new SimplifyEIT component

    Send ParseEventInformationTable's messages to "inbox"; one dict per
    event comes out of "outbox" (see :func:`simplifyEIT`).
    """

    Inboxes = {"inbox": "parsed EIT sections, from ParseEventInformationTable",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "one simplified event (dict) per event",
                "signal": "the shutdown message, passed on"}

    def feed(self, message: Any) -> Iterable[Any]:
        return simplifyEIT(message)

    def shutdown(self) -> bool:
        """shutdown() -> True if a shutdown message came on "control" (passed
        on out of "signal"), as 1.14's method"""
        return passOnShutdown(self)


__kamaelia_components__ = (ParseEventInformationTable, SimplifyEIT)
__kamaelia_prefabs__ = (ParseEventInformationTable_Subset,)

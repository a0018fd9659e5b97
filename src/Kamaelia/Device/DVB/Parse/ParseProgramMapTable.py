"""ParseProgramMapTable: the PMT, which lists a service's streams and their PIDs.

Example Usage
-------------
Parse one section with the pure function::

    from Kamaelia.Device.DVB.Parse.ParseProgramMapTable import parseProgramMapTableSection
    from Kamaelia.Support.DVB.CRC import crc32mpeg2

    # service 1, version 0, current; PCR on 0x100; MPEG-2 video on 0x100, MPEG audio on 0x101
    body = bytes.fromhex("02b0170001c10000" "e100f000" "02e100f000" "03e101f000")
    section = body + crc32mpeg2(body).to_bytes(4, "big")
    pmt = parseProgramMapTableSection(section)
    service = pmt["services"][1]
    print(service["video_pid"], service["audio_pid"],            # 256 257
          [(s["type"], s["pid"]) for s in service["streams"]])    # [(2, 256), (3, 257)]

Or collect whole tables from a stream of sections, as 1.14 did::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Device.DVB.Parse.ParseProgramMapTable import ParseProgramMapTable
    from Kamaelia.Device.DVB.Parse.PrettifyTables import PrettifyProgramMapTable

    Pipeline(DataSource([section]),        # the sections of one PMT PID
             ParseProgramMapTable(),
             PrettifyProgramMapTable(),
             ConsoleEchoer()).run()

How does it work?
-----------------
A TS program map section (ISO/IEC 13818-1 2.4.4.8, table id 0x02, on the
PID the PAT gives for the service) has the ``program_number`` (the service
id), the PID carrying the service's PCR, a loop of program descriptors,
then an entry per elementary stream: its ``stream_type`` (0x02 MPEG-2
video, 0x1B H.264, 0x03/0x04 MPEG audio, 0x0F AAC, 0x06 private data such as
DVB subtitles, teletext or AC-3, ...), its PID and its descriptors.

``parseProgramMapTableSection(section, checkCRC=True)`` checks the section
(framing, table id, the CRC-32 unless ``checkCRC`` is false: it *checks the
CRC itself*, and every loop inside the section) and returns 1.14's shape::

    {"table_type": "PMT", "table_id": 2, "current": 1, "version": 0,
     "section_number": 0, "last_section_number": 0,
     "program_number": 1,
     "services": {1: {"pcr_pid": 256,
                      "descriptors": [(tag, {...}), ...],
                      "streams": [{"type": 2, "pid": 256, "descriptors": [...]},
                                  {"type": 3, "pid": 257, "descriptors": [...]}],
                      "video_pid": 256,      # the first video stream, if any
                      "audio_pid": 257}}}    # the first audio stream, if any

Descriptors are parsed by :mod:`Kamaelia.Support.DVB.Descriptors` as
``(tag, dict)`` pairs. ``video_pid`` is the first stream whose type is in
:data:`VIDEO_STREAM_TYPES`; ``audio_pid`` the first in
:data:`AUDIO_STREAM_TYPES` or of type 0x06 with an AC-3, enhanced AC-3,
DTS or AAC descriptor (how DVB signals those). A malformed section raises
:class:`~Kamaelia.Device.DVB.Parse.TableError`.

``ParseProgramMapTable()`` takes sections on ``"inbox"`` (others than
table id 0x02 are ignored), collects each table (a table per
``program_number`` and current/next) and sends it once per version out of
``"outbox"``: the dict above without ``section_number``. A bad section is
counted (``refused``), logged (a warning, logger
``Kamaelia.Device.DVB.Parse.ParseProgramMapTable``) and skipped.
:meth:`~ParseProgramMapTable.parseTable` parses a list of sections as one
table.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it handles the sections waiting, passes the message on out
of ``"signal"`` and ends.

Differences from 1.14
---------------------
* 1.14's module raised ``NotImplementedError`` on import ("bit rot"); this
  one works, on ``bytes``, and has no debugging ``print`` in its loop.
* 1.14 kept one table per current/next, whatever the ``program_number``: a
  PID carrying the PMTs of several services (which 13818-1 allows) made it
  start again at every section and send the tables over and over. Here each
  program is its own table.
* ``video_pid``/``audio_pid`` knew only MPEG-1/2 (types 1-4); H.264, HEVC,
  MPEG-4 video, AAC and (ATSC and DVB) AC-3 count too.
* Truncated sections and loops running past the section made 1.14 raise
  ``IndexError`` and the component die; they are logged and skipped.
* The table carries ``version`` and ``program_number`` as well.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Device.DVB.Parse import (TableError, _sectionsOf, _TableParser, descriptorLoop,
                                       longSection, loopLength)

__all__ = ["VIDEO_STREAM_TYPES", "AUDIO_STREAM_TYPES", "parseProgramMapTableSection",
           "ParseProgramMapTable", "TableError"]

#: Stream types that are video: MPEG-1, MPEG-2, MPEG-4 part 2, H.264, HEVC, VVC.
VIDEO_STREAM_TYPES = frozenset({0x01, 0x02, 0x10, 0x1B, 0x24, 0x33})
#: Stream types that are audio: MPEG-1/2 audio, AAC (ADTS and LATM), ATSC AC-3 and E-AC-3.
AUDIO_STREAM_TYPES = frozenset({0x03, 0x04, 0x0F, 0x11, 0x81, 0x87})
#: Descriptors that make a private-data (0x06) stream audio in DVB: AC-3,
#: enhanced AC-3, DTS, AAC (EN 300 468 6.2.1, 6.4.4.1, G.2, H.2).
_AUDIO_DESCRIPTORS = frozenset({0x6A, 0x7A, 0x7B, 0x7C})
_PRIVATE_DATA = 0x06

_TABLE = "PMT"


def _isAudio(stream: dict[str, Any]) -> bool:
    if stream["type"] in AUDIO_STREAM_TYPES:
        return True
    return stream["type"] == _PRIVATE_DATA and any(
        tag in _AUDIO_DESCRIPTORS for tag, _ in stream["descriptors"])


def parseProgramMapTableSection(section: bytes, checkCRC: bool = True) -> dict[str, Any]:
    """parseProgramMapTableSection(section, checkCRC=True) -> dict (see the module)

    Raises TableError for anything but a whole, intact PMT section.
    """
    data, header = longSection(section, _TABLE, (0x02,), checkCRC)
    end = len(data) - 4
    if end < 12:
        raise TableError(f"{_TABLE}: section_length {len(data) - 3} is too short for "
                         f"PCR_PID and program_info_length")
    service: dict[str, Any] = {"pcr_pid": ((data[8] & 0x1F) << 8) | data[9]}
    _, i = loopLength(data, 10, end, _TABLE, "program_info")
    service["descriptors"] = descriptorLoop(data, 12, i, _TABLE, "program descriptors")
    streams: list[dict[str, Any]] = []
    while i < end:
        if i + 5 > end:
            raise TableError(f"{_TABLE}: {end - i} byte(s) at byte {i} are too few for a "
                             f"stream entry (5)")
        pid = ((data[i + 1] & 0x1F) << 8) | data[i + 2]
        stream: dict[str, Any] = {"type": data[i], "pid": pid}
        _, stop = loopLength(data, i + 3, end, _TABLE, f"ES_info of PID {stream['pid']}")
        stream["descriptors"] = descriptorLoop(data, i + 5, stop, _TABLE,
                                               f"descriptors of PID {stream['pid']}")
        streams.append(stream)
        if "video_pid" not in service and stream["type"] in VIDEO_STREAM_TYPES:
            service["video_pid"] = stream["pid"]
        elif "audio_pid" not in service and _isAudio(stream):
            service["audio_pid"] = stream["pid"]
        i = stop
    service["streams"] = streams
    program = header.table_id_extension
    return {"table_type": _TABLE, "table_id": header.table_id, "current": header.current_next,
            "version": header.version, "section_number": header.section_number,
            "last_section_number": header.last_section_number, "program_number": program,
            "services": {program: service}}


def _combine(sections: list[dict[str, Any]]) -> dict[str, Any]:
    table = {key: value for key, value in sections[0].items()
             if key not in ("section_number", "services")}
    services: dict[int, dict[str, Any]] = {}
    for section in sections:
        for program, service in section["services"].items():
            held = services.get(program)
            if held is None:
                services[program] = dict(service)
                continue
            # 13818-1 puts a PMT in one section; should one come in several,
            # the streams and descriptors of the later ones follow the first's.
            held["descriptors"] = held["descriptors"] + service["descriptors"]
            held["streams"] = held["streams"] + service["streams"]
            for key in ("video_pid", "audio_pid"):
                if key not in held and key in service:
                    held[key] = service[key]
    table["services"] = services
    return table


class ParseProgramMapTable(_TableParser):
    """ParseProgramMapTable() -> new ParseProgramMapTable component

    Sections on "inbox"; each complete PMT, once per version, out of
    "outbox" (see the module's docstring for its shape).
    """

    Inboxes = {"inbox": "PSI sections from a PMT's PID (table id 0x02; others are ignored)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each complete PMT, parsed (only when new or changed)",
                "signal": "the shutdown message, passed on"}

    tableName = _TABLE
    tableIds = (0x02,)

    def parseSection(self, data: bytes) -> dict[str, Any]:
        return parseProgramMapTableSection(data)

    def combine(self, sections: list[dict[str, Any]]) -> dict[str, Any]:
        return _combine(sections)

    def parseTable(self, table_id: int, current_next: int,
                   sections: Iterable[Any]) -> dict[str, Any]:
        """parseTable(table_id, current_next, sections) -> the table as one dict

        ``sections``: the table's sections (bytes, or 1.14's
        ``(bytes, section_length)`` pairs). Raises TableError for a bad one.
        """
        parsed = [parseProgramMapTableSection(s) for s in _sectionsOf(sections)]
        if not parsed:
            return {"table_type": _TABLE, "table_id": table_id, "current": current_next,
                    "services": {}}
        return _combine(parsed)


__kamaelia_components__ = (ParseProgramMapTable,)

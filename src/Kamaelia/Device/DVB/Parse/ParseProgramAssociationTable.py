"""ParseProgramAssociationTable: the PAT, which says where each service's PMT is.

Example Usage
-------------
Parse one section with the pure function::

    from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import \\
        parseProgramAssociationTableSection
    from Kamaelia.Support.DVB.CRC import crc32mpeg2

    # transport stream 1, version 0, current; the NIT on PID 0x10, service 1's PMT on 0x1000
    body = bytes.fromhex("00b0110001c10000" "0000e010" "0001f000")
    section = body + crc32mpeg2(body).to_bytes(4, "big")
    pat = parseProgramAssociationTableSection(section)
    print(pat["transport_streams"], pat["NIT_PID"])     # {1: {1: 4096}} 16

Or collect whole tables from a stream of sections::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import \\
        ParseProgramAssociationTable
    from Kamaelia.Device.DVB.Parse.PrettifyTables import PrettifyProgramAssociationTable

    Pipeline(DataSource([section, section]),         # a repeat is not sent again
             ParseProgramAssociationTable(),
             PrettifyProgramAssociationTable(),
             ConsoleEchoer()).run()

How does it work?
-----------------
The program association section (ISO/IEC 13818-1 2.4.4.3, table id 0x00,
always on ``PAT_PID`` 0x0000) lists ``program_number -> PID`` pairs: the
PID of each service's program map table, and for program number 0 the PID
of the network information table.

``parseProgramAssociationTableSection(section, checkCRC=True)`` checks the
section (framing, table id, syntax indicator, the loop a whole number of
4-byte entries, and the CRC-32 unless ``checkCRC`` is false: it *checks the
CRC itself*) and returns::

    {"table_type": "PAT", "table_id": 0, "current": 1, "version": 0,
     "section_number": 0, "last_section_number": 0,
     "transport_stream_id": 1,
     "NIT_PID": 16,                               # only if program 0 is listed
     "transport_streams": {1: {1: 4096}}}         # {tsid: {service_id: PMT PID}}

or raises :class:`~Kamaelia.Device.DVB.Parse.TableError`.

``ParseProgramAssociationTable()`` takes sections on ``"inbox"`` (others
than table id 0 are ignored), collects all of a table's sections (0 to
``last_section_number``, one version, as
:class:`~Kamaelia.Device.DVB.Parse.SectionCollector` says) and sends the
whole table once, out of ``"outbox"``, as 1.14 did: the dict above
without ``section_number``, the services of every section merged. It is
sent again only when the version changes. 'Current' and 'next' tables
(``current`` 1 and 0) are collected and sent separately. A bad section is
counted (``refused``), logged (a warning, logger
``Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable``) and skipped.
:meth:`~ParseProgramAssociationTable.parseTable` parses a list of sections
as one table, for code that has them already.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it handles the sections waiting, passes the message on out
of ``"signal"`` and ends.

Differences from 1.14
---------------------
* 1.14's module raised ``NotImplementedError`` on import ("bit rot") and
  read Python 2 strings; this one works, on ``bytes``.
* A section numbered past ``last_section_number``, or a table whose
  ``last_section_number`` changed without a new version, made 1.14 raise
  ``IndexError`` and the component die; a truncated section did the same.
  Here the first is skipped and logged, the second starts the table afresh.
* Tables are told apart by ``transport_stream_id`` too, so a source that
  switches to another multiplex whose PAT has the same version number is
  still reported (1.14 went quiet).
* The table carries ``version`` and ``transport_stream_id`` as well.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Device.DVB.Parse import TableError, _sectionsOf, _TableParser, longSection

__all__ = ["PAT_PID", "parseProgramAssociationTableSection", "ParseProgramAssociationTable",
           "TableError"]

#: The PID the PAT is always carried on.
PAT_PID = 0x00

_TABLE = "PAT"


def parseProgramAssociationTableSection(section: bytes, checkCRC: bool = True) -> dict[str, Any]:
    """parseProgramAssociationTableSection(section, checkCRC=True) -> dict (see the module)

    Raises TableError for anything but a whole, intact PAT section.
    """
    data, header = longSection(section, _TABLE, (0x00,), checkCRC)
    end = len(data) - 4
    if (end - 8) % 4:
        raise TableError(f"{_TABLE}: the program loop of {end - 8} bytes is not a whole "
                         f"number of 4-byte entries")
    services: dict[int, int] = {}
    result: dict[str, Any] = {
        "table_type": _TABLE, "table_id": header.table_id, "current": header.current_next,
        "version": header.version, "section_number": header.section_number,
        "last_section_number": header.last_section_number,
        "transport_stream_id": header.table_id_extension,
    }
    for i in range(8, end, 4):
        program = (data[i] << 8) | data[i + 1]
        pid = ((data[i + 2] & 0x1F) << 8) | data[i + 3]
        if program == 0:
            result["NIT_PID"] = pid
        else:
            services[program] = pid
    result["transport_streams"] = {header.table_id_extension: services}
    return result


def _combine(sections: list[dict[str, Any]]) -> dict[str, Any]:
    table = {key: value for key, value in sections[0].items()
             if key not in ("section_number", "transport_streams", "NIT_PID")}
    streams: dict[int, dict[int, int]] = {}
    for section in sections:
        if "NIT_PID" in section:
            table["NIT_PID"] = section["NIT_PID"]
        for tsid, services in section["transport_streams"].items():
            streams.setdefault(tsid, {}).update(services)
    table["transport_streams"] = streams
    return table


class ParseProgramAssociationTable(_TableParser):
    """ParseProgramAssociationTable() -> new ParseProgramAssociationTable component

    Sections on "inbox"; each complete PAT, once per version, out of
    "outbox" (see the module's docstring for its shape).
    """

    Inboxes = {"inbox": "PSI sections from PID 0x00 (PAT sections; others are ignored)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each complete PAT, parsed (only when new or changed)",
                "signal": "the shutdown message, passed on"}

    tableName = _TABLE
    tableIds = (0x00,)

    def parseSection(self, data: bytes) -> dict[str, Any]:
        return parseProgramAssociationTableSection(data)

    def combine(self, sections: list[dict[str, Any]]) -> dict[str, Any]:
        return _combine(sections)

    def parseTable(self, table_id: int, current_next: int,
                   sections: Iterable[Any]) -> dict[str, Any]:
        """parseTable(table_id, current_next, sections) -> the table as one dict

        ``sections``: the table's sections (bytes, or 1.14's
        ``(bytes, section_length)`` pairs). Raises TableError for a bad one.
        """
        parsed = [parseProgramAssociationTableSection(s) for s in _sectionsOf(sections)]
        if not parsed:
            return {"table_type": _TABLE, "table_id": table_id, "current": current_next,
                    "transport_streams": {}}
        return _combine(parsed)


__kamaelia_components__ = (ParseProgramAssociationTable,)

"""ParseNetworkInformationTable: the NIT, which lists a network's multiplexes.

Example Usage
-------------
Parse one section with the pure function::

    from Kamaelia.Device.DVB.Parse.ParseNetworkInformationTable import \\
        parseNetworkInformationTableSection
    from Kamaelia.Support.DVB.CRC import crc32mpeg2

    name = bytes([0x40, 4]) + b"Home"                     # network_name descriptor
    services = bytes([0x41, 3, 0x00, 0x64, 0x01])         # service_list: 100, television
    streams = bytes.fromhex("00010001") + bytes([0xF0, len(services)]) + services
    body = (bytes.fromhex("3001c10000") + bytes([0xF0, len(name)]) + name
            + bytes([0xF0, len(streams)]) + streams)      # network 0x3001, version 0, current
    length = len(body) + 4
    section = bytes([0x40, 0xF0 | length >> 8, length & 0xFF]) + body   # 0x40: NIT actual
    section += crc32mpeg2(section).to_bytes(4, "big")
    nit = parseNetworkInformationTableSection(section)
    print(nit["network_id"], [ts["transport_stream_id"] for ts in nit["transport_streams"]])
    # 12289 [1]

Or collect whole tables, as 1.14 did::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Device.DVB.Parse.ParseNetworkInformationTable import \\
        ParseNetworkInformationTable_ActualNetwork
    from Kamaelia.Device.DVB.Parse.PrettifyTables import PrettifyNetworkInformationTable

    Pipeline(DataSource([section]),            # the sections of PID 0x10
             ParseNetworkInformationTable_ActualNetwork(),
             PrettifyNetworkInformationTable(),
             ConsoleEchoer()).run()

How does it work?
-----------------
A network information section (ETSI EN 300 468 5.2.1, on ``NIT_PID`` 0x10,
the PID the PAT gives for program 0) describes a network: table id 0x40
for the network the stream belongs to ("actual"), 0x41 for another
("other"). It has the network's descriptors (its name, ...) and, per
transport stream, the transport stream id, original network id and
descriptors (how to tune to it: delivery system descriptors; which services
it carries: service_list; logical channel numbers, ...).

``parseNetworkInformationTableSection(section, checkCRC=True)`` checks the
section (framing, table id 0x40 or 0x41, both loops and every descriptor
loop inside them, the CRC-32 unless ``checkCRC`` is false: it *checks the
CRC itself*) and returns 1.14's shape::

    {"table_type": "NIT", "table_id": 64, "actual_other": "ACTUAL",
     "current": 1, "version": 0, "section_number": 0, "last_section_number": 0,
     "network_id": 12289,
     "descriptors": [(64, {"type": "network_name", ...})],
     "transport_streams": [{"transport_stream_id": 1, "original_network_id": 1,
                            "descriptors": [(65, {"type": "service_list", ...})]}]}

Descriptors are ``(tag, dict)`` pairs from
:mod:`Kamaelia.Support.DVB.Descriptors`. A malformed section raises
:class:`~Kamaelia.Device.DVB.Parse.TableError`. Bytes between the end of the
transport stream loop and the CRC (there should be none) are ignored.

``ParseNetworkInformationTable(acceptTables={0x40: "ACTUAL", 0x41: "OTHER"})``
takes sections on ``"inbox"`` (table ids not in ``acceptTables`` are
ignored), collects each table (one per table id, current/next and network
id) and sends it once per version out of ``"outbox"``: the network
descriptors and transport streams of all its sections in section order,
without ``section_number``, its ``actual_other`` the label
``acceptTables`` gives. ``ParseNetworkInformationTable_ActualNetwork()``,
``_OtherNetwork()`` and ``_ActualAndOtherNetwork()`` make one for 0x40,
0x41 or both. A bad section is counted (``refused``), logged (a warning,
logger ``Kamaelia.Device.DVB.Parse.ParseNetworkInformationTable``) and
skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it handles the sections waiting, passes the message on out
of ``"signal"`` and ends.

Differences from 1.14
---------------------
* 1.14's module raised ``NotImplementedError`` on import ("bit rot"); this
  one works, on ``bytes``.
* 1.14 did not check the loop lengths against the section: a loop running
  past it read the CRC as descriptors, or raised ``IndexError`` and ended
  the component. Such sections are logged and skipped here.
* ``acceptTables`` naming a table id other than 0x40 and 0x41 is a
  ``ValueError`` (1.14 parsed such sections as NITs).
* The table carries ``version`` as well.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Container, Iterable, Mapping

from Kamaelia.Device.DVB.Parse import (TableError, _sectionsOf, _TableParser, descriptorLoop,
                                       longSection, loopLength)

__all__ = ["NIT_PID", "parseNetworkInformationTableSection", "ParseNetworkInformationTable",
           "ParseNetworkInformationTable_ActualNetwork",
           "ParseNetworkInformationTable_OtherNetwork",
           "ParseNetworkInformationTable_ActualAndOtherNetwork", "TableError"]

#: The PID the NIT is carried on in DVB.
NIT_PID = 0x10

_TABLE = "NIT"
_KINDS = MappingProxyType({0x40: "ACTUAL", 0x41: "OTHER"})


def parseNetworkInformationTableSection(section: bytes, checkCRC: bool = True) -> dict[str, Any]:
    """parseNetworkInformationTableSection(section, checkCRC=True) -> dict (see the module)

    Raises TableError for anything but a whole, intact NIT section.
    """
    data, header = longSection(section, _TABLE, tuple(_KINDS), checkCRC)
    end = len(data) - 4
    _, i = loopLength(data, 8, end, _TABLE, "network descriptors")
    descriptors = descriptorLoop(data, 10, i, _TABLE, "network descriptors")
    _, loopEnd = loopLength(data, i, end, _TABLE, "transport stream loop")
    i += 2
    streams: list[dict[str, Any]] = []
    while i < loopEnd:
        if i + 6 > loopEnd:
            raise TableError(f"{_TABLE}: {loopEnd - i} byte(s) at byte {i} are too few for "
                             f"a transport stream entry (6)")
        tsid = (data[i] << 8) | data[i + 1]
        _, stop = loopLength(data, i + 4, loopEnd, _TABLE,
                             f"descriptors of transport stream {tsid}")
        streams.append({"transport_stream_id": tsid,
                        "original_network_id": (data[i + 2] << 8) | data[i + 3],
                        "descriptors": descriptorLoop(data, i + 6, stop, _TABLE,
                                                      f"descriptors of transport stream {tsid}")})
        i = stop
    return {"table_type": _TABLE, "table_id": header.table_id,
            "actual_other": _KINDS[header.table_id], "current": header.current_next,
            "version": header.version, "section_number": header.section_number,
            "last_section_number": header.last_section_number,
            "network_id": header.table_id_extension, "descriptors": descriptors,
            "transport_streams": streams}


def _combine(sections: list[dict[str, Any]]) -> dict[str, Any]:
    table = {key: value for key, value in sections[0].items()
             if key not in ("section_number", "descriptors", "transport_streams")}
    table["descriptors"] = [d for section in sections for d in section["descriptors"]]
    table["transport_streams"] = [ts for section in sections
                                  for ts in section["transport_streams"]]
    return table


class ParseNetworkInformationTable(_TableParser):
    """ParseNetworkInformationTable([acceptTables]) -> new ParseNetworkInformationTable component

    Sections on "inbox"; each complete NIT, once per version, out of
    "outbox" (see the module's docstring for its shape).

    - acceptTables -- {table_id: "ACTUAL"/"OTHER" or any label}: the table
      ids to take (0x40 and 0x41 by default; others are a ValueError) and
      the ``actual_other`` each gets
    """

    Inboxes = {"inbox": "PSI sections from the NIT's PID (0x10; others are ignored)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each complete NIT, parsed (only when new or changed)",
                "signal": "the shutdown message, passed on"}

    tableName = _TABLE

    def __init__(self, acceptTables: Mapping[int, str] = _KINDS, **argd: Any) -> None:
        super().__init__(**argd)
        unknown = sorted(set(acceptTables) - set(_KINDS))
        if unknown:
            raise ValueError(f"ParseNetworkInformationTable takes table ids 0x40 and 0x41, "
                             f"not {unknown!r}")
        self.acceptTables = dict(acceptTables)

    def accepted(self) -> Container[int]:
        return tuple(self.acceptTables)

    def parseSection(self, data: bytes) -> dict[str, Any]:
        return parseNetworkInformationTableSection(data)

    def combine(self, sections: list[dict[str, Any]]) -> dict[str, Any]:
        table = _combine(sections)
        table["actual_other"] = self.acceptTables.get(table["table_id"], table["actual_other"])
        return table

    def parseTable(self, index: tuple[int, int, int], sections: Iterable[Any]) -> dict[str, Any]:
        """parseTable(index, sections) -> the table as one dict

        ``index``: 1.14's ``(table_id, current_next, network_id)``, used when
        ``sections`` is empty; ``sections``: the table's sections (bytes, or
        1.14's ``(bytes, section_length)`` pairs). Raises TableError for a
        bad one.
        """
        parsed = [parseNetworkInformationTableSection(s) for s in _sectionsOf(sections)]
        if parsed:
            return self.combine(parsed)
        table_id, current_next, network_id = index
        return {"table_type": _TABLE, "table_id": table_id,
                "actual_other": self.acceptTables.get(table_id, _KINDS.get(table_id)),
                "current": current_next, "network_id": network_id, "descriptors": [],
                "transport_streams": []}


def ParseNetworkInformationTable_ActualNetwork() -> ParseNetworkInformationTable:
    """ParseNetworkInformationTable_ActualNetwork() -> new ParseNetworkInformationTable component

    For 'actual' tables only (table id 0x40: the network this stream is in).
    """
    return ParseNetworkInformationTable(acceptTables={0x40: "ACTUAL"})


def ParseNetworkInformationTable_OtherNetwork() -> ParseNetworkInformationTable:
    """ParseNetworkInformationTable_OtherNetwork() -> new ParseNetworkInformationTable component

    For 'other' tables only (table id 0x41: other networks).
    """
    return ParseNetworkInformationTable(acceptTables={0x41: "OTHER"})


def ParseNetworkInformationTable_ActualAndOtherNetwork() -> ParseNetworkInformationTable:
    """ParseNetworkInformationTable_ActualAndOtherNetwork() -> new ParseNetworkInformationTable component

    For both 'actual' and 'other' tables (table ids 0x40 and 0x41).
    """
    return ParseNetworkInformationTable(acceptTables={0x40: "ACTUAL", 0x41: "OTHER"})


__kamaelia_components__ = (ParseNetworkInformationTable,)
__kamaelia_prefabs__ = (ParseNetworkInformationTable_ActualNetwork,
                        ParseNetworkInformationTable_OtherNetwork,
                        ParseNetworkInformationTable_ActualAndOtherNetwork)

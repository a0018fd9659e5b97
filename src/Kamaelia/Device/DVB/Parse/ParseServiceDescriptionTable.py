"""ParseServiceDescriptionTable: the SDT, which names the services of a multiplex.

Example Usage
-------------
Parse one section with the pure function::

    from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import \\
        parseServiceDescriptionTableSection
    from Kamaelia.Support.DVB.CRC import crc32mpeg2

    service = bytes([0x48, 14, 0x01, 4]) + b"Prov" + bytes([7]) + b"BBC ONE"  # service descriptor
    entry = bytes.fromhex("0064fd80") + bytes([len(service)]) + service  # service 100, running
    body = bytes.fromhex("0001c100000001ff") + entry      # ts 1, version 0, current; network 1
    length = len(body) + 4                                # (with the CRC)
    section = bytes([0x42, 0xF0 | length >> 8, length & 0xFF]) + body   # 0x42: SDT actual
    section += crc32mpeg2(section).to_bytes(4, "big")
    sdt = parseServiceDescriptionTableSection(section)
    (tag, descriptor), = sdt["services"][100]["descriptors"]
    print(sdt["actual_other"], descriptor["service_name"],      # ACTUAL BBC ONE
          descriptor["service_provider_name"])                  # Prov

Or, as 1.14 did, collect whole tables and list the services by name::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import (
        ParseServiceDescriptionTable_ActualTS, SDT_to_SimpleServiceList)

    Pipeline(DataSource([section]),         # the sections of PID 0x11
             ParseServiceDescriptionTable_ActualTS(),
             SDT_to_SimpleServiceList(),
             PureTransformer(lambda names: f"{names}\\n"),
             ConsoleEchoer()).run()          # prints {'BBC ONE': 100}

How does it work?
-----------------
A service description section (ETSI EN 300 468 5.2.3, on ``SDT_PID``
0x11) describes the services of one transport stream: table id 0x42 for
the stream it is carried in ("actual"), 0x46 for other streams of the
network ("other"). Per service: its id, whether EIT schedule and
present/following information is sent for it, its running status (0
undefined, 1 not running, 2 starts in a few seconds, 3 pausing, 4
running, 5 off-air), whether it is scrambled (``free_CA_mode``) and its
descriptors, chiefly the service descriptor (0x48: name, provider and
type, decoded by :mod:`Kamaelia.Support.DVB.Descriptors` into ``str``).

``parseServiceDescriptionTableSection(section, checkCRC=True)`` checks the
section (framing, table id 0x42 or 0x46, every loop, and the CRC-32 unless
``checkCRC`` is false: it *checks the CRC itself*) and returns 1.14's
shape::

    {"table_type": "SDT", "table_id": 66, "actual_other": "ACTUAL",
     "current": 1, "version": 0, "section_number": 0, "last_section_number": 0,
     "transport_stream_id": 1, "original_network_id": 1,
     "services": {100: {"eit_schedule": 0, "eit_present_following": 1,
                        "running_status": 4, "free_CA_mode": 0,
                        "descriptors": [(72, {"type": "service", ...})]}}}

or raises :class:`~Kamaelia.Device.DVB.Parse.TableError`.

``ParseServiceDescriptionTable(acceptTables={0x42: "ACTUAL", 0x46: "OTHER"})``
takes sections on ``"inbox"`` (table ids not in ``acceptTables`` are
ignored: the BAT shares the PID), collects each table (one per table id,
current/next, transport stream id and original network id) and sends it
once per version out of ``"outbox"``, without ``section_number``, its
``actual_other`` the string ``acceptTables`` gives for its table id.
``ParseServiceDescriptionTable_ActualTS()``, ``_OtherTS()`` and
``_ActualAndOtherTS()`` make one for 0x42, 0x46 or both. A bad section is
counted (``refused``), logged (a warning, logger
``Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable``) and skipped.

``SDT_to_SimpleServiceList()`` turns each parsed SDT on ``"inbox"`` into
``{service_name: service_id}`` out of ``"outbox"``, from each service's
service descriptor (services without one are left out; of two services
with one name, the higher id is kept). A message that is no parsed SDT is
logged as an error and skipped.

Shutdown, for both components: on ``producerFinished`` or
``shutdownMicroprocess`` on ``"control"`` they handle what is waiting,
pass the message on out of ``"signal"`` and end.

Differences from 1.14
---------------------
* 1.14's module raised ``NotImplementedError`` on import ("bit rot"); this
  one works, on ``bytes``, and names are ``str`` (decoded as EN 300 468
  Annex A says), not raw bytes.
* ``free_CA_mode`` and ``eit_schedule`` were the masked bits (16 and 2 for
  "yes"); they are 0 or 1 here, as the flags are in the standard.
* ``SDT_to_SimpleServiceList`` took the *first* descriptor of each service
  as its service descriptor, and raised (ending the component) for a
  service without descriptors or whose first one was another kind. It looks
  for the service descriptor here.
* Truncated sections and loops running past the section made 1.14 raise
  ``IndexError`` and the component die; they are logged and skipped.
* ``acceptTables`` naming a table id other than 0x42 and 0x46 is a
  ``ValueError`` (1.14 parsed such sections, the BAT's for one, as SDTs).
* The table carries ``version`` as well.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Container, Hashable, Iterable, Mapping

from Kamaelia.Device.DVB.Parse import (TableError, _sectionsOf, _TableParser, descriptorLoop,
                                       longSection, loopLength)
from Kamaelia.Util._stream import StreamTransformer, passOnShutdown, shortRepr

__all__ = ["SDT_PID", "parseServiceDescriptionTableSection", "ParseServiceDescriptionTable",
           "ParseServiceDescriptionTable_ActualTS", "ParseServiceDescriptionTable_OtherTS",
           "ParseServiceDescriptionTable_ActualAndOtherTS", "SDT_to_SimpleServiceList",
           "serviceNames", "TableError"]

#: The PID the SDT (and the BAT) are carried on.
SDT_PID = 0x11

_TABLE = "SDT"
_KINDS = MappingProxyType({0x42: "ACTUAL", 0x46: "OTHER"})
_SERVICE_DESCRIPTOR = 0x48


def parseServiceDescriptionTableSection(section: bytes, checkCRC: bool = True) -> dict[str, Any]:
    """parseServiceDescriptionTableSection(section, checkCRC=True) -> dict (see the module)

    Raises TableError for anything but a whole, intact SDT section.
    """
    data, header = longSection(section, _TABLE, tuple(_KINDS), checkCRC)
    end = len(data) - 4
    if end < 11:
        raise TableError(f"{_TABLE}: section_length {len(data) - 3} is too short for "
                         f"original_network_id (at least 12)")
    services: dict[int, dict[str, Any]] = {}
    i = 11
    while i < end:
        if i + 5 > end:
            raise TableError(f"{_TABLE}: {end - i} byte(s) at byte {i} are too few for a "
                             f"service entry (5)")
        serviceId = (data[i] << 8) | data[i + 1]
        flags, status = data[i + 2], data[i + 3]
        _, stop = loopLength(data, i + 3, end, _TABLE, f"descriptors of service {serviceId}")
        services[serviceId] = {
            "eit_schedule": (flags >> 1) & 1,
            "eit_present_following": flags & 1,
            "running_status": status >> 5,
            "free_CA_mode": (status >> 4) & 1,
            "descriptors": descriptorLoop(data, i + 5, stop, _TABLE,
                                          f"descriptors of service {serviceId}"),
        }
        i = stop
    return {"table_type": _TABLE, "table_id": header.table_id,
            "actual_other": _KINDS[header.table_id], "current": header.current_next,
            "version": header.version, "section_number": header.section_number,
            "last_section_number": header.last_section_number,
            "transport_stream_id": header.table_id_extension,
            "original_network_id": (data[8] << 8) | data[9], "services": services}


def _combine(sections: list[dict[str, Any]]) -> dict[str, Any]:
    table = {key: value for key, value in sections[0].items()
             if key not in ("section_number", "services")}
    services: dict[int, dict[str, Any]] = {}
    for section in sections:
        services.update(section["services"])
    table["services"] = services
    return table


def serviceNames(sdt: Mapping[str, Any]) -> dict[str, int]:
    """serviceNames(sdt) -> {service_name: service_id} from a parsed SDT

    Services without a service descriptor are left out; of two with one
    name, the higher id is kept. TypeError for what is no parsed SDT.
    """
    try:
        services = sdt["services"].items()
    except (TypeError, KeyError, AttributeError):
        raise TypeError(f"not a parsed SDT: {shortRepr(sdt)}") from None
    names: dict[str, int] = {}
    for serviceId, service in sorted(services):
        for tag, descriptor in service.get("descriptors", ()):
            if tag == _SERVICE_DESCRIPTOR and "service_name" in descriptor:
                names[descriptor["service_name"]] = serviceId
                break
    return names


class ParseServiceDescriptionTable(_TableParser):
    """ParseServiceDescriptionTable([acceptTables]) -> new ParseServiceDescriptionTable component

    Sections on "inbox"; each complete SDT, once per version, out of
    "outbox" (see the module's docstring for its shape).

    - acceptTables -- {table_id: "ACTUAL"/"OTHER" or any label}: the table
      ids to take (0x42 and 0x46 by default) and the ``actual_other`` each
      gets
    """

    Inboxes = {"inbox": "PSI sections from PID 0x11 (SDT sections; others are ignored)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each complete SDT, parsed (only when new or changed)",
                "signal": "the shutdown message, passed on"}

    tableName = _TABLE
    headerLength = 10

    def __init__(self, acceptTables: Mapping[int, str] = _KINDS, **argd: Any) -> None:
        super().__init__(**argd)
        unknown = sorted(set(acceptTables) - set(_KINDS))
        if unknown:
            raise ValueError(f"ParseServiceDescriptionTable takes table ids 0x42 and 0x46, "
                             f"not {unknown!r}")
        self.acceptTables = dict(acceptTables)

    def accepted(self) -> Container[int]:
        return tuple(self.acceptTables)

    def sectionKey(self, data: bytes) -> Hashable:
        # 1.14's index: table id, current_next, transport stream, original network
        return (data[0], data[5] & 0x01, (data[3] << 8) | data[4], (data[8] << 8) | data[9])

    def parseSection(self, data: bytes) -> dict[str, Any]:
        return parseServiceDescriptionTableSection(data)

    def combine(self, sections: list[dict[str, Any]]) -> dict[str, Any]:
        table = _combine(sections)
        table["actual_other"] = self.acceptTables.get(table["table_id"], table["actual_other"])
        return table

    def parseTable(self, index: tuple[int, int, int, int],
                   sections: Iterable[Any]) -> dict[str, Any]:
        """parseTable(index, sections) -> the table as one dict

        ``index``: 1.14's ``(table_id, current_next, transport_stream_id,
        original_network_id)``, used when ``sections`` is empty;
        ``sections``: the table's sections (bytes, or 1.14's ``(bytes,
        section_length)`` pairs). Raises TableError for a bad one.
        """
        parsed = [parseServiceDescriptionTableSection(s) for s in _sectionsOf(sections)]
        if parsed:
            return self.combine(parsed)
        table_id, current_next, tsid, onid = index
        return {"table_type": _TABLE, "table_id": table_id,
                "actual_other": self.acceptTables.get(table_id, _KINDS.get(table_id)),
                "current": current_next, "transport_stream_id": tsid,
                "original_network_id": onid, "services": {}}


def ParseServiceDescriptionTable_ActualTS() -> ParseServiceDescriptionTable:
    """ParseServiceDescriptionTable_ActualTS() -> new ParseServiceDescriptionTable component

    For 'actual' tables only (table id 0x42: the services of this multiplex).
    """
    return ParseServiceDescriptionTable(acceptTables={0x42: "ACTUAL"})


def ParseServiceDescriptionTable_OtherTS() -> ParseServiceDescriptionTable:
    """ParseServiceDescriptionTable_OtherTS() -> new ParseServiceDescriptionTable component

    For 'other' tables only (table id 0x46: services of other multiplexes).
    """
    return ParseServiceDescriptionTable(acceptTables={0x46: "OTHER"})


def ParseServiceDescriptionTable_ActualAndOtherTS() -> ParseServiceDescriptionTable:
    """ParseServiceDescriptionTable_ActualAndOtherTS() -> new ParseServiceDescriptionTable component

    For both 'actual' and 'other' tables (table ids 0x42 and 0x46).
    """
    return ParseServiceDescriptionTable(acceptTables={0x42: "ACTUAL", 0x46: "OTHER"})


class SDT_to_SimpleServiceList(StreamTransformer):
    """SDT_to_SimpleServiceList() -> new SDT_to_SimpleServiceList component

    Parsed SDTs on "inbox"; ``{service_name: service_id}`` for each out of
    "outbox" (see :func:`serviceNames`).
    """

    Inboxes = {"inbox": "parsed SDTs (from ParseServiceDescriptionTable)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "{service_name: service_id} for each SDT",
                "signal": "the shutdown message, passed on"}

    def feed(self, message: Any) -> Iterable[Any]:
        return (serviceNames(message),)

    def shutdown(self) -> bool:
        """shutdown() -> True if a shutdown message came on "control" (passed
        on out of "signal"), as 1.14's method"""
        return passOnShutdown(self)


__kamaelia_components__ = (ParseServiceDescriptionTable, SDT_to_SimpleServiceList)
__kamaelia_prefabs__ = (ParseServiceDescriptionTable_ActualTS,
                        ParseServiceDescriptionTable_OtherTS,
                        ParseServiceDescriptionTable_ActualAndOtherTS)

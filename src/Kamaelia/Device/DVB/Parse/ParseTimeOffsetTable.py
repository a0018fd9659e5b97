"""ParseTimeOffsetTable: the TOT, UTC now plus each region's offset to local time.

Example Usage
-------------
Parse one section with the pure function::

    from Kamaelia.Device.DVB.Parse.ParseTimeOffsetTable import parseTimeOffsetTableSection
    from Kamaelia.Support.DVB.CRC import crc32mpeg2

    # GBR, region 0: now +00:00; from 2007-03-25 01:00:00 UTC +01:00
    offset = bytes([0x58, 13]) + b"GBR" + bytes.fromhex("02" "0000" "d3a8010000" "0100")
    body = (bytes.fromhex("73701a" "d34a161608")          # length 26; 2006-12-21 16:16:08
            + bytes([0xF0, len(offset)]) + offset)
    section = body + crc32mpeg2(body).to_bytes(4, "big")
    tot = parseTimeOffsetTableSection(section)
    region, = tot["offsets"]
    print(tot["UTC_now"], region["country"], region["offset"], region["nextOffset"])
    # [2006, 12, 21, 16, 16, 8] GBR (0, 0) (1, 0)

Or send each one on, as 1.14 did::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Device.DVB.Parse.ParseTimeOffsetTable import ParseTimeOffsetTable
    from Kamaelia.Device.DVB.Parse.PrettifyTables import PrettifyTimeOffsetTable

    Pipeline(DataSource([section]),        # the sections of PID 0x14
             ParseTimeOffsetTable(),
             PrettifyTimeOffsetTable(),
             ConsoleEchoer()).run()

How does it work?
-----------------
The time offset section (ETSI EN 300 468 5.2.6, table id 0x73, on
``TOT_PID`` 0x14, which it shares with the TDT) is a short-form section
with ``UTC_time``, a descriptor loop and a CRC-32. Its local_time_offset
descriptors (0x58) give, per country and region, the offset from UTC to
local time, when it next changes (daylight saving) and the offset after
that.

``parseTimeOffsetTableSection(section, checkCRC=True)`` checks the section
(framing, table id, the descriptor loop inside it, the time, and the
CRC-32 unless ``checkCRC`` is false: it *checks the CRC itself*) and
returns::

    {"table_type": "TOT", "table_id": 115,
     "UTC_now": [2006, 12, 21, 16, 16, 8], "utc": datetime(..., tzinfo=timezone.utc),
     "descriptors": [(88, {"type": "local_time_offset", ...})],
     "offsets": [{"country": "GBR", "region": 0, "offset": (0, 0),
                  "timeOfChange": [2007, 3, 25, 1, 0, 0], "nextOffset": (1, 0)}]}

``offsets`` gathers the regions of every local_time_offset descriptor;
offsets are ``(hours, minutes)``, both negative west of Greenwich;
``timeOfChange`` is None when the table says "undefined". It raises
:class:`~Kamaelia.Device.DVB.Parse.TableError` for a bad section.

``ParseTimeOffsetTable()`` takes sections on ``"inbox"`` (others than table
id 0x73, e.g. the TDT, are ignored) and, for *every* TOT, sends out of
``"outbox"`` one dict per region, in 1.14's shape::

    {"table_type": "TOT", "UTC_now": [2006, 12, 21, 16, 16, 8],
     "country": "GBR", "region": 0, "offset": (0, 0),
     "next": {"offset": (1, 0), "when": [2007, 3, 25, 1, 0, 0]}}

A TOT without a local_time_offset descriptor sends nothing (as in 1.14).
A bad section is counted (``refused``), logged (a warning, logger
``Kamaelia.Device.DVB.Parse.ParseTimeOffsetTable``) and skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it handles the sections waiting, passes the message on out
of ``"signal"`` and ends.

Differences from 1.14
---------------------
* 1.14's component read only the first region of each local_time_offset
  descriptor; a descriptor may list many (a country with several time
  zones, or several countries), and each is sent here.
* It read the fields without looking at the lengths (a short section or
  descriptor raised ``IndexError`` and ended it) and turned digits that are
  no BCD into wrong numbers; such sections are logged and skipped.
* ``country`` is ``str`` (1.14: the raw bytes).
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Device.DVB.Parse import (TableError, _TableParser, descriptorLoop, loopLength,
                                       shortSection, utcTime)

__all__ = ["TOT_PID", "parseTimeOffsetTableSection", "ParseTimeOffsetTable", "TableError"]

#: The PID the TOT (and the TDT) are carried on.
TOT_PID = 0x14

_TABLE = "TOT"
_LOCAL_TIME_OFFSET = 0x58


def parseTimeOffsetTableSection(section: bytes, checkCRC: bool = True) -> dict[str, Any]:
    """parseTimeOffsetTableSection(section, checkCRC=True) -> dict (see the module)

    Raises TableError for anything but a whole, intact TOT section.
    """
    data = shortSection(section, _TABLE, 0x73, 11, hasCRC=True, checkCRC=checkCRC)
    end = len(data) - 4
    now, when = utcTime(data, 3, _TABLE)
    _, stop = loopLength(data, 8, end, _TABLE, "descriptor loop")
    descriptors = descriptorLoop(data, 10, stop, _TABLE, "descriptors")
    offsets = [dict(entry) for tag, descriptor in descriptors if tag == _LOCAL_TIME_OFFSET
               for entry in descriptor.get("entries", ())]
    return {"table_type": _TABLE, "table_id": data[0], "UTC_now": now, "utc": when,
            "descriptors": descriptors, "offsets": offsets}


class ParseTimeOffsetTable(_TableParser):
    """ParseTimeOffsetTable() -> new ParseTimeOffsetTable component

    Sections on "inbox"; for every TOT, a dict per region out of "outbox"
    (see the module's docstring for its shape).
    """

    Inboxes = {"inbox": "PSI sections from PID 0x14 (TOT sections; others are ignored)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "UTC now and a region's time offset, a dict per region of each TOT",
                "signal": "the shutdown message, passed on"}

    tableName = _TABLE
    tableIds = (0x73,)
    collect = False

    def parseSection(self, data: bytes) -> dict[str, Any]:
        return parseTimeOffsetTableSection(data)

    def combine(self, sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
        tot = sections[0]
        return [{"table_type": _TABLE, "UTC_now": list(tot["UTC_now"]),
                 "offset": entry["offset"],
                 "next": {"offset": entry["nextOffset"], "when": entry["timeOfChange"]},
                 "country": entry["country"], "region": entry["region"]}
                for entry in tot["offsets"]]

    def feed(self, section: Any) -> Iterable[Any]:
        # One message per region: combine() gives a list of them per TOT.
        for messages in super().feed(section):
            yield from messages


__kamaelia_components__ = (ParseTimeOffsetTable,)

"""ParseTimeAndDateTable: the TDT, the broadcaster's clock (UTC, to the second).

Example Usage
-------------
Parse one section with the pure function (the TDT has no CRC)::

    from Kamaelia.Device.DVB.Parse.ParseTimeAndDateTable import parseTimeAndDateTableSection

    section = bytes.fromhex("707005" "c079124500")      # 1993-10-13 12:45:00 UTC
    tdt = parseTimeAndDateTableSection(section)
    print(tdt["UTC_now"], tdt["utc"].isoformat())
    # [1993, 10, 13, 12, 45, 0] 1993-10-13T12:45:00+00:00

Or send each one on, as 1.14 did::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Device.DVB.Parse.ParseTimeAndDateTable import ParseTimeAndDateTable
    from Kamaelia.Device.DVB.Parse.PrettifyTables import PrettifyTimeAndDateTable

    Pipeline(DataSource([section]),        # the sections of PID 0x14
             ParseTimeAndDateTable(),      # -> [1993, 10, 13, 12, 45, 0]
             PrettifyTimeAndDateTable(),
             ConsoleEchoer()).run()

How does it work?
-----------------
The time and date section (ETSI EN 300 468 5.2.5, table id 0x70, on
``TDT_PID`` 0x14, which it shares with the TOT) is a short-form section
holding only ``UTC_time``: a Modified Julian Date and hours, minutes and
seconds in BCD (Annex C). Broadcasters send one every few seconds at most
30 s apart; it has no CRC.

``parseTimeAndDateTableSection(section)`` checks the framing (table id,
section_syntax_indicator 0, ``section_length`` at least 5 and within the
data) and the time fields, and returns::

    {"table_type": "TDT", "table_id": 112,
     "UTC_now": [1993, 10, 13, 12, 45, 0],     # year, month, day, hour, minute, second
     "utc": datetime(1993, 10, 13, 12, 45, tzinfo=timezone.utc)}

or raises :class:`~Kamaelia.Device.DVB.Parse.TableError` (also for an
"undefined" time: all bits set, or digits that are no BCD or no time).

``ParseTimeAndDateTable()`` takes sections on ``"inbox"`` (others than
table id 0x70, e.g. the TOT, are ignored) and sends, for *every* TDT, the
list ``[year, month, day, hour, minute, second]`` (UTC) out of
``"outbox"``, as 1.14 did. A bad section is counted (``refused``), logged
(a warning, logger ``Kamaelia.Device.DVB.Parse.ParseTimeAndDateTable``)
and skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it handles the sections waiting, passes the message on out
of ``"signal"`` and ends.

Differences from 1.14
---------------------
* 1.14's component read the five time bytes without looking at the
  section's length (a short section raised ``IndexError`` and ended it) and
  turned digits that are no BCD into wrong numbers; both are skipped and
  logged here.
* A leap second (``23:59:60``) is given as the first second of the next day
  (see :func:`Kamaelia.Support.DVB.DateTime.parseUTC`).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Device.DVB.Parse import TableError, _TableParser, shortSection, utcTime

__all__ = ["TDT_PID", "parseTimeAndDateTableSection", "ParseTimeAndDateTable", "TableError"]

#: The PID the TDT (and the TOT) are carried on.
TDT_PID = 0x14

_TABLE = "TDT"


def parseTimeAndDateTableSection(section: bytes) -> dict[str, Any]:
    """parseTimeAndDateTableSection(section) -> dict (see the module)

    Raises TableError for anything but a whole TDT section with a valid time.
    """
    data = shortSection(section, _TABLE, 0x70, 5, hasCRC=False)
    now, when = utcTime(data, 3, _TABLE)
    return {"table_type": _TABLE, "table_id": data[0], "UTC_now": now, "utc": when}


class ParseTimeAndDateTable(_TableParser):
    """ParseTimeAndDateTable() -> new ParseTimeAndDateTable component

    Sections on "inbox"; for every TDT, ``[year, month, day, hour, minute,
    second]`` (UTC) out of "outbox".
    """

    Inboxes = {"inbox": "PSI sections from PID 0x14 (TDT sections; others are ignored)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the date and time of each TDT (UTC): [y, m, d, hh, mm, ss]",
                "signal": "the shutdown message, passed on"}

    tableName = _TABLE
    tableIds = (0x70,)
    collect = False

    def parseSection(self, data: bytes) -> dict[str, Any]:
        return parseTimeAndDateTableSection(data)

    def combine(self, sections: list[dict[str, Any]]) -> list[int]:
        now: list[int] = sections[0]["UTC_now"]
        return list(now)


__kamaelia_components__ = (ParseTimeAndDateTable,)

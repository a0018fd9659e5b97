"""PrettifyTables: parsed DVB tables as text for people to read.

Example Usage
-------------
Format a parsed table with a pure function::

    from Kamaelia.Device.DVB.Parse.PrettifyTables import prettifyPAT

    print(prettifyPAT({"table_type": "PAT", "table_id": 0, "current": 1, "NIT_PID": 16,
                       "transport_streams": {1: {100: 4096}}}), end="")
    # PAT received:
    #     Table ID           : 0
    #     Table is valid for : CURRENT (valid)
    #     NIT is in PID      : 16
    #     For transport stream id : 1
    #         For service 100 : PMT is in PID 4096
    # ----

Or put a component after a table parser, as 1.14 did::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Device.DVB.Parse.PrettifyTables import PrettifyTimeAndDateTable

    Pipeline(DataSource([[2006, 12, 21, 15, 1, 3]]),   # what ParseTimeAndDateTable sends
             PrettifyTimeAndDateTable(),
             ConsoleEchoer()).run()

How does it work?
-----------------
Each component takes what the matching parser in
``Kamaelia.Device.DVB.Parse`` sends, on ``"inbox"``, and sends a string
out of ``"outbox"``, made by the function beside it:

* ``PrettifyProgramAssociationTable`` -- :func:`prettifyPAT`
* ``PrettifyProgramMapTable`` -- :func:`prettifyPMT`
* ``PrettifyServiceDescriptionTable`` -- :func:`prettifySDT`
* ``PrettifyNetworkInformationTable`` -- :func:`prettifyNIT`
* ``PrettifyTimeAndDateTable`` -- :func:`prettifyTDT` (the list
  ``[y, m, d, hh, mm, ss]``, or the dict of the pure parser)
* ``PrettifyTimeOffsetTable`` -- :func:`prettifyTOT`
* ``PrettifyEventInformationTable`` -- :func:`prettifyEIT` (a section of
  ParseEventInformationTable's)

The text is laid out as 1.14's was, line for line (a heading, then
``Field : value`` lines indented by level, ending ``----``); descriptors
are listed by :func:`formatDescriptors`, one line per field, values by
``pprint``; running status is given with its meaning
(:data:`RUNNING_STATUS`). Something that is not the table a component expects gives the
line ``Unrecognised data received (not a parsed PAT)`` (or PMT, ...), as in
1.14, and a table missing fields gives ``Unrecognised data received (not a
parsed PAT)/error parsing table)``: the component goes on either way.

Shutdown, for every component here: on ``producerFinished`` or
``shutdownMicroprocess`` on ``"control"`` it formats what is waiting,
passes the message on out of ``"signal"`` and ends.

Differences from 1.14
---------------------
* 1.14's components caught errors with bare ``except:`` clauses (and one
  with ``except "DUMMY":``, which cannot catch anything, so a bad PMT ended
  the component; the TOT's re-raised, ending it too). Here every component
  catches only the errors of a malformed table and says so in its output.
* ``formatDescriptors`` called ``keys.remove`` on a dict's keys (Python 2
  only). Its fields are printed ``key : value``, as 1.14's documentation
  shows them (its code printed four more spaces after the colon);
  ``pformat`` is kept as 1.14 wrote it.
* The NIT's text had its "Network descriptors" heading twice; it is there
  once.
* The EIT's text also gives each event's id, and the section's version and
  number, and ``undefined`` for a start or duration the section leaves
  undefined (1.14 printed the numbers the all-ones bits made).
* Running status 5 is named "OFF-AIR" and 0 "UNDEFINED" (1.14 printed the
  bare numbers; 5 was added to EN 300 468 after 1.14's tables were written).
* A TOT whose next change is "undefined" is printed as such (1.14 raised).
"""

from __future__ import annotations

import pprint
from typing import Any, Callable, Iterable, Mapping, Sequence

from Kamaelia.Util._stream import StreamTransformer, passOnShutdown

__all__ = ["prettifyPAT", "prettifyPMT", "prettifySDT", "prettifyNIT", "prettifyTDT",
           "prettifyTOT", "prettifyEIT", "RUNNING_STATUS", "formatDescriptors", "iif", "pformat",
           "PrettifyProgramAssociationTable", "PrettifyNetworkInformationTable",
           "PrettifyProgramMapTable", "PrettifyServiceDescriptionTable",
           "PrettifyEventInformationTable", "PrettifyTimeAndDateTable", "PrettifyTimeOffsetTable"]

#: The meaning of each running_status value (EN 300 468 table 6), as printed.
RUNNING_STATUS = ("UNDEFINED", "NOT RUNNING", "STARTS SOON", "PAUSING", "RUNNING", "OFF-AIR",
                   "RESERVED", "RESERVED")

# What a table missing a field or holding a value of the wrong kind raises
# while being formatted.
_MALFORMED = (KeyError, TypeError, ValueError, IndexError, AttributeError)


def iif(cond: Any, output_if_true: Any, output_if_false: Any) -> Any:
    """iif(cond, output_if_true, output_if_false) -> one or the other (1.14's helper)"""
    return output_if_true if cond else output_if_false


def pformat(lineprefix: str, key: str, value: Any) -> str:
    """pformat(lineprefix, key, value) -> ``lineprefix + key + "    " + pprint``
    of the value, its later lines indented to match"""
    leadin = lineprefix + " " * len(key)
    return lineprefix + key + "    " + pprint.pformat(value).replace("\n", "\n" + leadin)


def formatDescriptors(title: str, lineprefix: str,
                      descriptors: Iterable[tuple[int, Mapping[str, Any]]]) -> str:
    """formatDescriptors(title, lineprefix, descriptors) -> text

    ``title`` on a line, then for each ``(tag, dict)`` a line
    ``Descriptor 0x48 : service`` and a line per field (sorted by name), or
    ``<<NONE>>`` if there are none.
    """
    output = ""
    for tag, descriptor in descriptors:
        output += f"{lineprefix}Descriptor {tag:#x} : {descriptor['type']}\n"
        for key in sorted(k for k in descriptor if k != "type"):
            # "key : value", as 1.14's documentation shows (its code, pformat
            # below, put four more spaces after the colon); a value of many
            # lines goes on under its first
            lead = f"{lineprefix}    {key} : "
            value = pprint.pformat(descriptor[key]).replace("\n", "\n" + " " * len(lead))
            output += lead + value + "\n"
    if not output:
        return f"{title}\n{lineprefix}<<NONE>>\n"
    return f"{title}\n{output}"


def _validity(table: Mapping[str, Any]) -> str:
    return "CURRENT (valid)" if table["current"] else "NEXT (not valid yet)"


def _running(status: int) -> str:
    return f"{status:d} ({RUNNING_STATUS[status & 7]})"


def _guarded(name: str, body: Callable[[Mapping[str, Any]], str]) -> Callable[[Any], str]:
    def prettify(table: Any) -> str:
        if not isinstance(table, Mapping) or table.get("table_type") != name:
            return f"Unrecognised data received (not a parsed {name})\n"
        try:
            return body(table)
        except _MALFORMED:
            return f"Unrecognised data received (not a parsed {name})/error parsing table)\n"
    prettify.__name__ = f"prettify{name}"
    prettify.__qualname__ = prettify.__name__
    prettify.__doc__ = (f"prettify{name}(table) -> the parsed {name} as text "
                        f"(or a line saying it is not one)")
    return prettify


def _pat(pat: Mapping[str, Any]) -> str:
    out = ["PAT received:\n",
           f"    Table ID           : {pat['table_id']:d}\n",
           f"    Table is valid for : {_validity(pat)}\n"]
    if "NIT_PID" in pat:
        out.append(f"    NIT is in PID      : {pat['NIT_PID']:d}\n")
    for tsid, services in pat["transport_streams"].items():
        out.append(f"    For transport stream id : {tsid:d}\n")
        for service, pid in services.items():
            out.append(f"        For service {service:d} : PMT is in PID {pid:d}\n")
    out.append("----\n")
    return "".join(out)


def _pmt(pmt: Mapping[str, Any]) -> str:
    out = ["PMT received:\n",
           f"    Table ID           : {pmt['table_id']:d}\n",
           f"    Table is valid for : {_validity(pmt)}\n",
           "    Services:\n"]
    for serviceId, service in pmt["services"].items():
        out.append(f"        Service id : {serviceId:d}\n")
        out.append(f"        Program Clock Reference in PID : {service['pcr_pid']:d}\n")
        out.append(formatDescriptors("        Service Descriptors:", "            ",
                                     service["descriptors"]))
        out.append("        Streams in service:\n")
        for stream in service["streams"]:
            out.append(f"            Type : {stream['type']:d}\n")
            out.append(f"                PID  : {stream['pid']:d}\n")
            out.append(formatDescriptors("                Stream Descriptors:",
                                         "                    ", stream["descriptors"]))
    out.append("----\n")
    return "".join(out)


def _sdt(sdt: Mapping[str, Any]) -> str:
    out = ["SDT received:\n",
           f"    Table ID           : {sdt['table_id']:d}\n",
           f"    Table is valid for : {_validity(sdt)}\n",
           f"    Actual or Other n/w: {sdt['actual_other']}\n",
           f"    Transport stream id: {sdt['transport_stream_id']:d}\n",
           f"    Original network id: {sdt['original_network_id']:d}\n",
           "    Services:\n"]
    for serviceId, service in sdt["services"].items():
        out.append(f"        Service id : {serviceId:d}\n")
        out.append("            EIT present_following? : "
                   f"{iif(service['eit_present_following'], 'YES', 'NO')}\n")
        out.append(f"            EIT schedule?          : "
                   f"{iif(service['eit_schedule'], 'YES', 'NO')}\n")
        out.append(f"            Running status         : {_running(service['running_status'])}\n")
        out.append(f"            Scrambled?             : "
                   f"{iif(service['free_CA_mode'], 'YES', 'NO')}\n")
        out.append(formatDescriptors("            Service descriptors:", "                ",
                                     service["descriptors"]))
    out.append("----\n")
    return "".join(out)


def _nit(nit: Mapping[str, Any]) -> str:
    out = ["NIT received:\n",
           f"    Table ID           : {nit['table_id']:d}\n",
           f"    Table is valid for : {_validity(nit)}\n",
           f"    Actual or Other n/w: {nit['actual_other']}\n",
           f"    Network ID         : {nit['network_id']}\n",
           formatDescriptors("    Network descriptors:", "        ", nit["descriptors"])]
    for ts in nit["transport_streams"]:
        out.append("    Transport Stream:\n")
        out.append(f"        transport stream id : {ts['transport_stream_id']:d}\n")
        out.append(f"        original network id : {ts['original_network_id']:d}\n")
        out.append(formatDescriptors("        Transport Stream Descriptors:", "            ",
                                     ts["descriptors"]))
    out.append("----\n")
    return "".join(out)


def _duration(duration: Sequence[int] | None) -> str:
    if duration is None:
        return "undefined"
    return "%02d:%02d:%02d (hh:mm:ss)" % tuple(duration)


def _eitEvent(event: Mapping[str, Any]) -> str:
    return "".join([
        f"        Service id : {event['service_id']:d}\n",
        f"            Event id               : {event['event_id']:d}\n",
        f"            Running status         : {_running(event['running_status'])}\n",
        f"            Start datetime (UTC)   : {_dateTime(event['starttime'])}\n",
        f"            Duration               : {_duration(event['duration'])}\n",
        f"            Scrambled?             : {iif(event['free_CA_mode'], 'YES', 'NO')}\n",
        formatDescriptors("            Event descriptors:", "                ",
                          event["descriptors"])])


def _eit(eit: Mapping[str, Any]) -> str:
    out = ["EIT received:\n",
           f"    Table ID                      : {eit['table_id']:d}\n",
           f"    Table is valid for            : {_validity(eit)}\n",
           f"    Actual or Other n/w           : {eit['actual_other']}\n",
           "    Present-Following or Schedule : "
           f"{iif(eit['is_present_following'], 'Present-Following', 'Schedule')}\n",
           f"    Transport stream id           : {eit['transport_stream_id']:d}\n",
           f"    Original network id           : {eit['original_network_id']:d}\n"]
    if "version" in eit:
        out.append(f"    Version                       : {eit['version']:d}\n")
    if "section" in eit:
        out.append(f"    Section                       : {eit['section']:d} of "
                   f"0-{eit.get('last_section', '?')}\n")
    out.append("    Events:\n")
    out.extend(_eitEvent(event) for event in eit["events"])
    if not eit["events"]:
        out.append("        <<NONE>>\n")
    out.append("----\n")
    return "".join(out)


def _dateTime(when: Sequence[int] | None) -> str:
    if when is None:
        return "undefined"
    return "%04d-%02d-%02d %02d:%02d:%02d" % tuple(when)


def _offset(offset: Sequence[int]) -> str:
    hours, minutes = offset
    sign = "-" if hours < 0 or minutes < 0 else ""
    return f"{sign}{abs(hours):02d}:{abs(minutes):02d}"


def _tot(tot: Mapping[str, Any]) -> str:
    return ("TOT received:\n"
            f"   DateTime now (UTC)         : {_dateTime(tot['UTC_now'])}\n"
            f"   Current local offset (h,m) : {_offset(tot['offset'])}\n"
            f"   Country & region in it     : {tot['country']} ({tot['region']:d})\n"
            "   Next change of offset:\n"
            f"       Changes to             : {_offset(tot['next']['offset'])}\n"
            f"       Changes on (y,m,d)     : {_dateTime(tot['next']['when'])}\n"
            "----\n")


prettifyPAT = _guarded("PAT", _pat)
prettifyPMT = _guarded("PMT", _pmt)
prettifySDT = _guarded("SDT", _sdt)
prettifyNIT = _guarded("NIT", _nit)
prettifyTOT = _guarded("TOT", _tot)
prettifyEIT = _guarded("EIT", _eit)


def prettifyTDT(tdt: Any) -> str:
    """prettifyTDT(tdt) -> the time of a TDT as text

    ``tdt`` is what ParseTimeAndDateTable sends, ``[y, m, d, hh, mm, ss]``,
    or the dict of ``parseTimeAndDateTableSection``.
    """
    if isinstance(tdt, Mapping) and tdt.get("table_type") == "TDT":
        tdt = tdt.get("UTC_now")
    try:
        y, m, d, hh, mm, ss = (int(part) for part in tdt)
    except _MALFORMED:
        return "Not recognised as Time and Date data\n"
    return ("TDT received:\n"
            f"   UTC Date now (y,m,d) : {y:04d} {m:02d} {d:02d}\n"
            f"   UTC Time now (h,m,s) : {hh:02d}:{mm:02d}:{ss:02d}\n"
            "----\n")


class _Prettifier(StreamTransformer):
    """A component sending ``prettify(message)`` for each message."""

    Inboxes = {"inbox": "parsed tables",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each table as text", "signal": "the shutdown message, passed on"}

    def prettify(self, table: Any) -> str:
        raise NotImplementedError

    def feed(self, message: Any) -> Iterable[Any]:
        return (self.prettify(message),)

    def shutdown(self) -> bool:
        """shutdown() -> True if a shutdown message came on "control" (passed
        on out of "signal"), as 1.14's method"""
        return passOnShutdown(self)


class PrettifyProgramAssociationTable(_Prettifier):
    """PrettifyProgramAssociationTable() -> new PrettifyProgramAssociationTable component

    Parsed PATs on "inbox"; each as text out of "outbox".
    """

    def prettify(self, table: Any) -> str:
        return prettifyPAT(table)


class PrettifyNetworkInformationTable(_Prettifier):
    """PrettifyNetworkInformationTable() -> new PrettifyNetworkInformationTable component

    Parsed NITs on "inbox"; each as text out of "outbox".
    """

    def prettify(self, table: Any) -> str:
        return prettifyNIT(table)


class PrettifyProgramMapTable(_Prettifier):
    """PrettifyProgramMapTable() -> new PrettifyProgramMapTable component

    Parsed PMTs on "inbox"; each as text out of "outbox".
    """

    def prettify(self, table: Any) -> str:
        return prettifyPMT(table)


class PrettifyServiceDescriptionTable(_Prettifier):
    """PrettifyServiceDescriptionTable() -> new PrettifyServiceDescriptionTable component

    Parsed SDTs on "inbox"; each as text out of "outbox".
    """

    def prettify(self, table: Any) -> str:
        return prettifySDT(table)


class PrettifyEventInformationTable(_Prettifier):
    """PrettifyEventInformationTable() -> new PrettifyEventInformationTable component

    Parsed EIT sections (from ParseEventInformationTable) on "inbox"; each
    as text out of "outbox".
    """

    def prettify(self, table: Any) -> str:
        return prettifyEIT(table)


class PrettifyTimeAndDateTable(_Prettifier):
    """PrettifyTimeAndDateTable() -> new PrettifyTimeAndDateTable component

    TDT times (``[y, m, d, hh, mm, ss]``) on "inbox"; each as text out of "outbox".
    """

    def prettify(self, table: Any) -> str:
        return prettifyTDT(table)


class PrettifyTimeOffsetTable(_Prettifier):
    """PrettifyTimeOffsetTable() -> new PrettifyTimeOffsetTable component

    What ParseTimeOffsetTable sends on "inbox"; each as text out of "outbox".
    """

    def prettify(self, table: Any) -> str:
        return prettifyTOT(table)


__kamaelia_components__ = (PrettifyProgramAssociationTable, PrettifyNetworkInformationTable,
                           PrettifyProgramMapTable, PrettifyServiceDescriptionTable,
                           PrettifyEventInformationTable, PrettifyTimeAndDateTable,
                           PrettifyTimeOffsetTable)

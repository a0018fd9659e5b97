"""Kamaelia.Device.DVB.Parse: the PSI/SI tables of a transport stream, parsed.

Example Usage
-------------
Every table has a pure function that parses one section (bytes in, a dict
out, :class:`TableError` for anything malformed) and a component, with
Kamaelia 1.14's name, that collects a whole table and sends it once per
version::

    from Kamaelia.Device.DVB.Parse import TableError
    from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import \\
        parseProgramAssociationTableSection
    from Kamaelia.Support.DVB.CRC import crc32mpeg2

    body = bytes.fromhex("00b00d0001c100000001e020")   # a PAT: service 1's PMT on 0x20
    section = body + crc32mpeg2(body).to_bytes(4, "big")
    pat = parseProgramAssociationTableSection(section)
    assert pat["transport_streams"] == {1: {1: 0x20}}
    try:
        parseProgramAssociationTableSection(section[:-1])
    except TableError as error:
        print(error)                                     # says it is cut short

In a system, sections come from ``ReassemblePSITables`` (a PID's transport
stream packets in, sections out; here the PAT above, sent three times)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import \\
        ParseProgramAssociationTable
    from Kamaelia.Device.DVB.Parse.PrettifyTables import PrettifyProgramAssociationTable
    from Kamaelia.Device.DVB.Parse.ReassemblePSITables import ReassemblePSITables
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    packets = [(bytes([0x47, 0x40, 0x00, 0x10 | counter, 0]) + section).ljust(188, b"\\xff")
               for counter in range(3)]
    Pipeline(DataSource(packets),
             ReassemblePSITables(),
             ParseProgramAssociationTable(),          # sends the table once
             PrettifyProgramAssociationTable(),
             ConsoleEchoer()).run()

How does it work?
-----------------
A PSI/SI *table* (ISO/IEC 13818-1 2.4.4, ETSI EN 300 468 5.1) is sent as up
to 256 *sections*, numbered 0 to ``last_section_number``; a table is known
by its table id and, for the long form, its ``table_id_extension`` (and, for
some, more ids), ``current_next_indicator`` and ``version_number``. The
parts shared by every table's module live here:

* :class:`TableError` (a ``ValueError``) is the one error the parsing
  functions raise: the message says which table, what is wrong and at which
  byte.
* :func:`longSection` / :func:`shortSection` check a section's framing
  (lengths inside the data and at most :data:`MAX_SECTION_LENGTH`, the
  syntax indicator the table needs, the CRC-32/MPEG-2 where the table
  carries one) and give its bytes cut to ``3 + section_length``
  (anything after that, e.g. stuffing, is ignored);
  :func:`loopLength` reads a loop's 12-bit length field, which must fit,
  :func:`descriptorLoop` parses a descriptor loop and :func:`utcTime` a
  ``UTC_time`` field.
* :class:`SectionCollector` holds the sections of tables being collected
  and says when one is complete (see its docstring for the rules).
* ``_TableParser`` is the component behind every ``Parse*Table`` component:
  a bad section is counted (the component's ``refused``), logged (as a
  warning on the module's logger, at most a line every 10 s per kind of
  fault with a count of the rest) and skipped; a message that is not
  ``bytes`` is logged as an error and skipped; sections of other tables
  sharing the PID (the BAT on the SDT's PID, the TOT beside the TDT) are
  ignored without a word; a complete table is sent once per version (the
  EIT: each section once per version; the TDT and TOT: every one). A
  repeat of a section already taken is dropped on its header alone,
  before its CRC is checked: most of a broadcast's sections are repeats.

Shutdown, for every component here: on ``producerFinished`` or
``shutdownMicroprocess`` on ``"control"`` it handles the sections already
waiting, passes the message on out of ``"signal"`` and ends. Any other
message on ``"control"`` is logged as unexpected and dropped.

What this package does not do: it does not take transport stream packets
(``ReassemblePSITables`` turns them into sections) and does not decide what
a table means for a recording (``Kamaelia.Device.DVB.PSITables`` and the
recorder do).

Differences from 1.14, for every table component (each module lists its own)
----------------------------------------------------------------------------
* 1.14's components ended as soon as a shutdown message came, leaving the
  sections still waiting unparsed; here they are parsed first. 1.14 passed
  *every* control message on out of ``"signal"``; here only the shutdown
  message is.
* 1.14 checked the CRC but nothing else: a section cut short or with a
  loop running past its end raised ``IndexError`` and the component died.
  Here such sections raise :class:`TableError` from the pure functions and
  are counted, logged and skipped by the components.
* A ``last_section_number`` that changed without a new version made 1.14
  index past its list and die; here the table is collected afresh.

Modules
-------
* ``ReassemblePSITables`` -- sections put back together from one PID's transport stream packets
* ``ParseProgramAssociationTable`` -- PAT: service ids to their PMT PIDs (and the NIT's PID)
* ``ParseProgramMapTable`` -- PMT: a service's streams, their types, PIDs and descriptors
* ``ParseServiceDescriptionTable`` -- SDT: service names, providers, types; SDT_to_SimpleServiceList
* ``ParseNetworkInformationTable`` -- NIT: the network's transport streams and how to tune to them
* ``ParseTimeAndDateTable`` -- TDT: the current UTC date and time
* ``ParseTimeOffsetTable`` -- TOT: UTC now and each region's local time offset and its next change
* ``ParseEventInformationTable`` -- EIT: programmes now, next and scheduled, per service
* ``PrettifyTables`` -- parsed tables as human-readable text
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Container, Hashable, Iterable

from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia.Support.DVB.CRC import dvbcrc
from Kamaelia.Support.DVB.DateTime import DateError, parseUTC
from Kamaelia.Support.DVB.Descriptors import DescriptorError, parseDescriptors
from Kamaelia.Util._stream import StreamTransformer, logFor, passOnShutdown, shortRepr

__all__ = ["TableError", "MAX_SECTION_LENGTH", "SectionHeader", "longSection", "shortSection",
           "loopLength", "descriptorLoop", "utcTime", "SectionCollector"]


#: The largest section_length of any MPEG-2 or DVB table (a 4096-byte section;
#: ISO/IEC 13818-1 2.4.4.11, ETSI EN 300 468 5.1.1).
MAX_SECTION_LENGTH = 4093


class TableError(ValueError):
    """A table section that cannot be parsed; the message says what is wrong and where."""


@dataclass(frozen=True, slots=True)
class SectionHeader:
    """The first eight bytes of a long-form section (13818-1 2.4.4.10)."""

    table_id: int
    section_length: int
    table_id_extension: int
    version: int
    current_next: int
    section_number: int
    last_section_number: int


def _framed(section: Any, table: str) -> bytes:
    """``section`` as bytes cut to ``3 + section_length``; TableError if it is
    not bytes or is shorter than its length field says."""
    if not isinstance(section, (bytes, bytearray, memoryview)):
        raise TableError(f"{table}: a section is bytes, not {shortRepr(section)}")
    data = bytes(section)
    if len(data) < 3:
        raise TableError(f"{table}: {len(data)} byte(s) is too short for a section header")
    total = 3 + (((data[1] & 0x0F) << 8) | data[2])
    if total > 3 + MAX_SECTION_LENGTH:
        raise TableError(f"{table}: section_length {total - 3} is past the "
                         f"{MAX_SECTION_LENGTH} a section may have")
    if total > len(data):
        raise TableError(f"{table}: section_length {total - 3} needs {total} bytes, only "
                         f"{len(data)} are there")
    return data[:total]


def _tableIdList(allowed: tuple[int, ...]) -> str:
    """'0x42 or 0x46', or '0x4e-0x6f' for a run of table ids."""
    if len(allowed) > 2 and list(allowed) == list(range(allowed[0], allowed[-1] + 1)):
        return f"{allowed[0]:#04x}-{allowed[-1]:#04x}"
    return " or ".join(f"{t:#04x}" for t in allowed)


def longSection(section: Any, table: str, tableIds: Iterable[int],
                checkCRC: bool = True) -> tuple[bytes, SectionHeader]:
    """longSection(section, table, tableIds, checkCRC=True) -> (bytes, SectionHeader)

    Checks a long-form section (``section_syntax_indicator`` 1: the header
    with table_id_extension, version and section numbers, and a CRC-32 at the
    end): its table id is one of ``tableIds``, its lengths fit the data,
    ``section_number <= last_section_number``, and (unless ``checkCRC`` is
    false) its CRC. ``table`` names the table in error messages.
    """
    data = _framed(section, table)
    allowed = tuple(tableIds)
    if data[0] not in allowed:
        raise TableError(f"{table}: table_id {data[0]:#04x} is not {_tableIdList(allowed)}")
    if not data[1] & 0x80:
        raise TableError(f"{table}: section_syntax_indicator is 0; this table has the long form")
    if len(data) < 12:
        raise TableError(f"{table}: section_length {len(data) - 3} is too short for the "
                         f"long-form header and CRC (at least 9)")
    if checkCRC and not dvbcrc(data):
        raise TableError(f"{table}: CRC-32 check failed over {len(data)} bytes")
    header = SectionHeader(data[0], len(data) - 3, (data[3] << 8) | data[4],
                           (data[5] >> 1) & 0x1F, data[5] & 0x01, data[6], data[7])
    if header.section_number > header.last_section_number:
        raise TableError(f"{table}: section_number {header.section_number} is past "
                         f"last_section_number {header.last_section_number}")
    return data, header


def shortSection(section: Any, table: str, tableId: int, minimumLength: int,
                 hasCRC: bool, checkCRC: bool = True) -> bytes:
    """shortSection(section, table, tableId, minimumLength, hasCRC, checkCRC=True) -> bytes

    Checks a short-form section (``section_syntax_indicator`` 0, as the TDT
    and TOT are): its table id, that ``section_length`` is at least
    ``minimumLength`` and fits the data, and its CRC if the table has one
    (``hasCRC``) and ``checkCRC`` is true.
    """
    data = _framed(section, table)
    if data[0] != tableId:
        raise TableError(f"{table}: table_id {data[0]:#04x} is not {tableId:#04x}")
    if data[1] & 0x80:
        raise TableError(f"{table}: section_syntax_indicator is 1; this table has the short form")
    if len(data) - 3 < minimumLength:
        raise TableError(f"{table}: section_length {len(data) - 3} is below the "
                         f"{minimumLength} this table needs")
    if hasCRC and checkCRC and not dvbcrc(data):
        raise TableError(f"{table}: CRC-32 check failed over {len(data)} bytes")
    return data


def loopLength(data: bytes, at: int, end: int, table: str, what: str) -> tuple[int, int]:
    """The 12-bit length at ``data[at:at+2]`` and where that loop ends;
    TableError if the field or the loop would pass ``end``."""
    if at + 2 > end:
        raise TableError(f"{table}: {what} length field at byte {at} is past the end "
                         f"of the section data ({end})")
    length = ((data[at] & 0x0F) << 8) | data[at + 1]
    stop = at + 2 + length
    if stop > end:
        raise TableError(f"{table}: {what} of {length} bytes at byte {at + 2} runs past "
                         f"the end of the section data ({end})")
    return length, stop


def descriptorLoop(data: bytes, start: int, stop: int, table: str,
                   what: str) -> list[tuple[int, dict[str, Any]]]:
    """The descriptors in ``data[start:stop]`` as ``(tag, dict)`` pairs
    (:func:`Kamaelia.Support.DVB.Descriptors.parseDescriptors`); a malformed
    loop (a descriptor whose length passes ``stop``) is a TableError."""
    if start == stop:
        return []
    try:
        return parseDescriptors(data[start:stop])
    except DescriptorError as error:
        raise TableError(f"{table}: bad {what} at bytes {start}..{stop}: {error}") from error


def utcTime(data: bytes, at: int, table: str) -> tuple[list[int], datetime]:
    """The UTC_time at ``data[at:at+5]`` as 1.14's list and a ``datetime``;
    TableError if it is undefined or not a valid time."""
    try:
        when = parseUTC(data[at:at + 5])
    except DateError as error:
        raise TableError(f"{table}: UTC_time at byte {at}: {error}") from None
    if when is None:
        raise TableError(f"{table}: UTC_time at byte {at} is 'undefined' (all bits set)")
    return [when.year, when.month, when.day, when.hour, when.minute, when.second], when


class SectionCollector:
    """SectionCollector(maxTables=4096) -> collects the sections of tables

    Rules (what the table components rely on):

    1. A table is known by a *key* (any hashable: the ids that make it one
       table) and has a version and a ``last_section_number``.
    2. A section of a known table with the same version and
       ``last_section_number`` fills its slot; a slot already filled keeps
       its first section (a repeat changes nothing).
    3. A section with another version, or another ``last_section_number``
       (a broadcaster changing the table without changing its version),
       starts the table afresh: what was collected of the old one is
       dropped.
    4. When the last empty slot is filled, :meth:`add` returns the sections
       in section order, once. Repeats of a complete table return nothing
       until its version (or ``last_section_number``) changes.
    5. At most ``maxTables`` tables are remembered; past that the one
       least recently started is forgotten (so its next section starts it
       again, and a complete table forgotten this way is sent again).

    :meth:`isNeeded` answers, from the header alone, whether :meth:`add`
    would take a section, so that a caller can skip the CRC and parsing of
    the repeats that make up most of a stream's sections.
    """

    __slots__ = ("maxTables", "_tables")

    def __init__(self, maxTables: int = 4096) -> None:
        if maxTables < 1:
            raise ValueError(f"maxTables must be at least 1, not {maxTables!r}")
        self.maxTables = maxTables
        # key -> [version, last_section_number, slots (None once complete), missing]
        self._tables: OrderedDict[Hashable, list[Any]] = OrderedDict()

    def isNeeded(self, key: Hashable, version: int, sectionNumber: int,
                 lastSectionNumber: int) -> bool:
        """Would :meth:`add` take this section? False for a repeat; True for
        impossible numbers too, so that the caller parses the section and
        finds it bad."""
        state = self._tables.get(key)
        if state is None or state[0] != version or state[1] != lastSectionNumber:
            return True
        slots = state[2]
        return slots is not None and (sectionNumber > lastSectionNumber
                                      or slots[sectionNumber] is None)

    def add(self, key: Hashable, version: int, sectionNumber: int, lastSectionNumber: int,
            item: Any) -> list[Any] | None:
        """Take ``item`` (a section, or what was parsed from it) as section
        ``sectionNumber`` of table ``key``; the table's items in order when
        this completes it, else None."""
        if not 0 <= sectionNumber <= lastSectionNumber <= 255:
            raise TableError(f"section {sectionNumber} of {lastSectionNumber} is not a "
                             f"section number a table can have")
        tables = self._tables
        state = tables.get(key)
        if state is None or state[0] != version or state[1] != lastSectionNumber:
            if state is None and len(tables) >= self.maxTables:
                tables.popitem(last=False)
            state = [version, lastSectionNumber, [None] * (lastSectionNumber + 1),
                     lastSectionNumber + 1]
            tables[key] = state
            tables.move_to_end(key)
        slots = state[2]
        if slots is None or slots[sectionNumber] is not None:
            return None
        slots[sectionNumber] = item
        state[3] -= 1
        if state[3]:
            return None
        state[2] = None          # complete: keep only the version, to know repeats
        complete: list[Any] = slots
        return complete

    def __len__(self) -> int:
        return len(self._tables)

    def clear(self) -> None:
        """Forget every table (each is collected and sent again)."""
        self._tables.clear()


class _TableParser(StreamTransformer):
    """The loop of every ``Parse*Table`` component: sections in, tables out.

    A subclass sets ``tableName`` (for log lines), ``tableIds`` (the table
    ids it takes; other sections are ignored) or overrides :meth:`accepted`,
    and writes ``parseSection(data)`` (the module's pure function) and
    ``combine(sections)`` (the parsed sections of one complete table -> the
    message to send). ``sectionKey(data)`` says which table a raw section
    belongs to (by default table id, current_next and table_id_extension;
    it reads the first ``headerLength`` bytes).

    How sections become messages:

    * ``collect = True`` (the default): the sections of a table are
      collected and the whole table is sent once per version.
    * ``sendEachSection = True`` as well: each section is sent as it comes,
      once per version of its table (the EIT, whose tables are never known
      to be complete, as 1.14 did).
    * ``collect = False``: every section is sent (TDT, TOT).

    ``refused`` counts the sections dropped as malformed.
    """

    Inboxes = {"inbox": "PSI table sections (bytes), e.g. from ReassemblePSITables",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "each table, parsed, when new or changed",
                "signal": "the shutdown message, passed on"}

    tableName = "table"
    tableIds: Container[int] = ()
    headerLength = 8
    collect = True
    sendEachSection = False
    #: Tables remembered at once (see :class:`SectionCollector`).
    maxTables = 4096

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.refused = 0
        self._collector = SectionCollector(self.maxTables)
        self._repeats = RepeatLimiter(logFor(self))

    # -- for subclasses
    def sectionKey(self, data: bytes) -> Hashable:
        """The table a section belongs to; ``data`` has at least ``headerLength`` bytes."""
        return (data[0], data[5] & 0x01, (data[3] << 8) | data[4])

    def parseSection(self, data: bytes) -> dict[str, Any]:
        raise NotImplementedError

    def combine(self, sections: list[dict[str, Any]]) -> Any:
        raise NotImplementedError

    def accepted(self) -> Container[int]:
        """The table ids this component takes."""
        return self.tableIds

    # -- 1.14's method
    def shutdown(self) -> bool:
        """shutdown() -> True if a shutdown message came on "control" (it is
        passed on out of "signal"), as 1.14's components had"""
        return passOnShutdown(self)

    # -- the loop
    def feed(self, section: Any) -> Iterable[Any]:
        if not isinstance(section, (bytes, bytearray, memoryview)):
            logFor(self).error("%s skipped a message that is no section: %s", self.name,
                               shortRepr(section))
            return ()
        data = bytes(section)
        if data and data[0] not in self.accepted():
            return ()               # another table on the same PID
        if self.collect and len(data) >= self.headerLength and not self._collector.isNeeded(
                self.sectionKey(data), (data[5] >> 1) & 0x1F, data[6], data[7]):
            return ()               # a repeat: skipped before its CRC is checked
        try:
            parsed = self.parseSection(data)
        except TableError as error:
            self.refused += 1
            self._repeats.warning("%s skipped a bad %s section: %s", self.name,
                                  self.tableName, error)
            return ()
        if not self.collect:
            return (self.combine([parsed]),)
        complete = self._collector.add(
            self.sectionKey(data), parsed["version"], parsed["section_number"],
            parsed["last_section_number"], True if self.sendEachSection else parsed)
        if self.sendEachSection:
            return (self.combine([parsed]),)
        return () if complete is None else (self.combine(complete),)


def _sectionsOf(sections: Iterable[Any]) -> list[bytes]:
    """1.14's parseTable took ``(data, section_length)`` pairs; ours takes
    those or plain sections."""
    out = []
    for item in sections:
        if isinstance(item, tuple) and item and isinstance(item[0], (bytes, bytearray)):
            item = item[0]
        out.append(item)
    return out


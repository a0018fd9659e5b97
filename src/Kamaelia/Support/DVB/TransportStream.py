"""MPEG-2 transport stream packets, sans-I/O: sync, PIDs, continuity and PSI sections.

Example Usage
-------------
Cut a stream into packets, keep the PAT's (PID 0), and put its sections
back together (here a stream made on the spot: junk, then three copies of
a one-section PAT, each followed by a packet of another PID)::

    from Kamaelia.Support.DVB.CRC import crc32mpeg2
    from Kamaelia.Support.DVB.TransportStream import (
        PacketReader, SectionAssembler, packetHeader, pidOf)

    body = bytes.fromhex("00b00d0001c100000001e020")    # PAT: programme 1 -> PMT PID 0x20
    pat = body + crc32mpeg2(body).to_bytes(4, "big")
    stream = b"junk"
    for counter in range(3):
        stream += (bytes([0x47, 0x40, 0x00, 0x10 | counter, 0]) + pat).ljust(188, b"\\xff")
        stream += bytes([0x47, 0x01, 0x00, 0x10 | counter]).ljust(188, b"\\x00")

    reader, assembler = PacketReader(), SectionAssembler()
    packets = reader.feed(stream[:100], pids={0}) + reader.feed(stream[100:], pids={0})
    packets += reader.flush(pids={0})           # the end: what waited for more is out
    assert [pidOf(p) for p in packets] == [0, 0, 0] and reader.junkBytes == 4
    assert packetHeader(packets[0]).payloadUnitStart

    sections = [s for p in packets for s in assembler.feed(p)]
    print(len(sections), "PAT sections;", assembler.crcErrors, "bad CRCs")
    assert sections == [pat] * 3

prints ``3 PAT sections; 0 bad CRCs``. The reader found sync after the
four bytes of junk and passed on only the PID asked for; the assembler
found each section from its packet's ``pointer_field`` (0: it starts
straight after) and checked its CRC.

How does it work?
-----------------
ISO/IEC 13818-1 section 2.4.3 (packets) and 2.4.4 (PSI sections); the same
sections carry DVB's SI tables (ETSI EN 300 468). Everything here is plain
objects: bytes in, packets, headers and sections out; no Axon, no I/O, so
the components in ``Kamaelia.Device.DVB`` are thin wrappers around it.

Rules this module keeps:

1. *Nothing here raises on stream content.* Junk, lost packets, damaged
   sections and nonsense lengths are counted and skipped. Only an argument
   that is wrong in itself -- a "packet" of 187 bytes or one not starting
   with 0x47 handed straight to :func:`packetHeader`, ``ContinuityChecker``
   or ``SectionAssembler`` (whose callers had the reader to cut it), an
   unknown packet size -- raises :class:`TransportStreamError`, a
   ``ValueError``; a non-bytes argument raises ``TypeError``.
2. *The same bytes give the same packets, wherever the chunks were cut*:
   the reader decides nothing until it has the bytes the decision needs.
3. *Linear time, and no work for packets nobody wants*: the hot path finds
   sync bytes with one C-level slice per chunk, reads a packet's PID with
   two byte reads and one set lookup, and makes no object for a packet
   whose PID is not wanted.

:class:`PacketReader` ``(packetSize=188)`` takes the stream in chunks of
any size (``feed(data, pids=None)``) and returns the whole packets found,
as ``bytes`` of 188, optionally only those whose PID is in ``pids`` (a
set, or anything with ``in``). The rules, in order:

* *Finding sync* (at the start, and after losing it): a 0x47 is a
  packet's start if 0x47 stands again one and two packets further on
  (three in a row; the end of the stream, at :meth:`PacketReader.flush`,
  counts as agreeing). Bytes before it are junk.
* *Keeping sync*: a packet is passed on once the byte where the next
  one starts has come and is 0x47 too, so the last packet of a chunk may
  wait for the next chunk (or ``flush``).
* *Losing sync*: where the next packet should start there is no 0x47. If
  a packet start (as above) lies *inside* the packet before, that one was
  junk beginning with 0x47 (a packet cut short, say) and is skipped;
  otherwise it was a packet, followed by junk. Either way the stream is
  taken up at the next packet start found.

Counters: ``packets`` (found in sync,
wanted or not), ``junkBytes`` (skipped), ``resyncs`` (runs of junk
skipped, each ending where sync was found). ``packetSize`` may also be
192 (M2TS/Blu-ray: a 4-byte timestamp before each packet) or 204 (a
packet followed by 16 Reed-Solomon bytes): the extra bytes are dropped and
the packets come out as 188 bytes. ``packetSize=None`` detects which of
the three it is from the first 3,264 bytes (:func:`detectPacketSize`:
five sync bytes in a row at that spacing; 188 if none is found).

:func:`packetHeader` ``(packet)`` returns a :class:`Header` (a named
tuple): PID, flags, continuity counter, where the payload starts, and from
the adaptation field the discontinuity and random access indicators and
the PCR (in 27 MHz ticks). :func:`pidOf` ``(packet)`` is the PID alone,
for hot loops.

:class:`ContinuityChecker` follows each PID's 4-bit continuity counter
(section 2.4.3.3): ``check(packet)`` returns ``Continuity.OK``,
``Continuity.DUPLICATE`` (the standard allows a packet to be sent twice,
once, with the same counter and the same payload: skip it) or
``Continuity.DISCONTINUITY`` (a packet was lost, or the copy differed).
Packets without payload do not advance the counter and are not judged; a
packet with the discontinuity indicator set starts the count afresh; the
null PID 0x1FFF is never judged. Counters ``discontinuities`` and
``duplicates``.

:class:`SectionAssembler` ``(checkCrc=True)`` takes the packets of any
number of PIDs, one at a time, and returns the PSI/SI sections completed
by each (section 2.4.4): the ``pointer_field`` of a packet that starts a
section says where the first new section begins (the bytes before it end
the section in progress); several sections may follow each other in a
packet; a section may run on over many packets; a table_id of 0xFF is
stuffing, and ends the packet's sections. A section in progress is
dropped when its PID's next packet is missing (a continuity error) or
unreadable (scrambled), or when a new section starts before it has all
its bytes. A packet flagged as damaged (``transport_error_indicator``) is
ignored, since even its PID may be wrong; if it was the PID's, the next
packet's counter shows the gap. A section whose ``section_length`` is over the
limit (1021 for the PSI tables 0x00-0x03, 4093 for every other table, the
limit of private sections) is dropped, and so is a "long form" section
(``section_syntax_indicator`` 1) shorter than its fixed fields and CRC.
Long-form sections, and DVB's time offset table (table 0x73 on PID 0x14,
short form yet ending in a CRC), are checked against their CRC-32/MPEG-2
and dropped when it is wrong. Counters: ``sections`` (returned),
``crcErrors`` (dropped for their CRC) and ``dropped`` (given up for any
other reason). Tables are sent again and again (a PAT ten times a
second), so the assembler remembers the last few dozen sections whose CRC
it checked and does not compute it again for a copy.

:func:`sectionPackets` ``(pid, section, counter=0)`` is the other way
round, for writers: a section in packets of ``pid`` (``pointer_field`` 0,
so it starts in a packet of its own; the rest of the last packet is 0xFF
stuffing), with continuity counters from ``counter``; it returns the
packets and the next counter.

:class:`StreamClock` turns PCRs into seconds of stream: ``feed(packet)``
takes packets of any PID, follows the PCRs of the first PID seen carrying
one (a multiplex's services usually share one clock), and ``seconds`` is
the stream time since its first PCR. It counts across the PCR's wrap
(every 26.5 hours); a jump of more than ``maxStep`` (10 s) between two
PCRs (a splice, a new stream, a discontinuity) is not counted as time.
So a file read as fast as the disk allows and the same stream received
live have the same clock.

What it does not do: it does not check that sections' other fields make
sense (the table parsers of ``Kamaelia.Device.DVB.Parse`` do), nor
enforce EN 300 468's tighter 1024-byte limit on SI tables other than the
EIT (a sender over it loses nothing here), nor keep PES packets (the
payloads of audio and video PIDs).
"""

from __future__ import annotations

import enum
from typing import Container, NamedTuple, Union

from Kamaelia.Support.DVB.CRC import dvbcrc

__all__ = ["PACKET_SIZE", "SYNC_BYTE", "NULL_PID", "ALL_PIDS", "TransportStreamError",
           "PacketReader", "detectPacketSize", "Header", "packetHeader", "pidOf",
           "Continuity", "ContinuityChecker", "SectionAssembler", "sectionPackets", "StreamClock", "PCR_HZ"]

Buffer = Union[bytes, bytearray, memoryview]

#: The size of a transport stream packet, in bytes.
PACKET_SIZE = 188
#: The first byte of every packet.
SYNC_BYTE = 0x47
#: The PID of null (stuffing) packets.
NULL_PID = 0x1FFF
#: Not a PID: what tuners (and the demuxers here) take to mean "every PID".
ALL_PIDS = 0x2000

_SYNC = bytes([SYNC_BYTE])
#: The packet sizes the reader understands -> where the sync byte is in each.
_LAYOUTS = {188: 0, 192: 4, 204: 0}
#: How much of the stream ``packetSize=None`` looks at to decide.
_DETECT_BYTES = 16 * 204
#: Longest section_length of the PSI tables 0x00-0x03 (2.4.4.3, 2.4.4.8, ...)
#: and of every other (private) section (2.4.4.10).
_PSI_MAX_LENGTH = 1021
_PRIVATE_MAX_LENGTH = 4093
#: A long-form section has 5 bytes after section_length, and its CRC.
_LONG_FORM_MIN_LENGTH = 9
#: DVB's time offset table: short form, yet it carries a CRC (EN 300 468 5.2.6).
_TOT_TABLE_ID, _TOT_PID = 0x73, 0x14
#: How many CRC-checked sections to remember.
_KNOWN_GOOD = 64


class TransportStreamError(ValueError):
    """A packet or an argument that is wrong in itself (not stream damage,
    which is counted, never raised)."""


def _checkData(data: object, what: str) -> None:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"{what} takes bytes, not {type(data).__name__}: {data!r:.60}")


def _checkPacket(packet: Buffer, what: str) -> None:
    _checkData(packet, what)
    if len(packet) != PACKET_SIZE:
        raise TransportStreamError(
            f"{what}: a transport stream packet is {PACKET_SIZE} bytes, not {len(packet)}")
    if packet[0] != SYNC_BYTE:
        raise TransportStreamError(
            f"{what}: a transport stream packet starts with 0x47, not {packet[0]:#04x}")


# ----------------------------------------------------------------- packets

def detectPacketSize(data: Buffer) -> int | None:
    """detectPacketSize(data) -> 188, 192, 204, or None if none fits

    The first packet size at which five sync bytes stand in a row somewhere
    in ``data`` (188 is tried first, then 192, then 204).
    """
    _checkData(data, "detectPacketSize")
    data = bytes(data)
    for size in (188, 192, 204):
        last = len(data) - 4 * size
        q = data.find(_SYNC, 0, max(last, 0))
        while 0 <= q < last:
            if all(data[q + k * size] == SYNC_BYTE for k in range(1, 5)):
                return size
            q = data.find(_SYNC, q + 1, last)
    return None


class PacketReader:
    """PacketReader(packetSize=188) -> cuts a transport stream into packets

    - packetSize -- 188 (plain), 192 (M2TS: 4-byte timestamp first), 204
      (16 Reed-Solomon bytes after), or None to detect it

    ``feed(data, pids=None)`` returns the packets that ``data`` completes
    and confirms (188-byte ``bytes``; only those with a PID in ``pids`` if
    it is given); ``flush(pids=None)`` returns what was held back waiting
    for more of the stream (at most a few packets) and starts afresh. Counters: ``packets``,
    ``junkBytes``, ``resyncs`` (see the module docstring).
    """

    __slots__ = ("packetSize", "packets", "junkBytes", "resyncs",
                 "_buffer", "_synced", "_skipped", "_stride", "_offset")

    def __init__(self, packetSize: int | None = PACKET_SIZE) -> None:
        if packetSize is not None and packetSize not in _LAYOUTS:
            raise TransportStreamError(
                f"PacketReader: packetSize must be 188, 192, 204 or None, not {packetSize!r}")
        self.packetSize = packetSize
        self.packets = 0
        self.junkBytes = 0
        self.resyncs = 0
        self._buffer = b""
        self._synced = False
        self._skipped = False       # junk skipped since sync was last found
        self._stride = packetSize or 0
        self._offset = _LAYOUTS.get(packetSize or 0, 0)

    def feed(self, data: Buffer, pids: Container[int] | None = None) -> list[bytes]:
        """The whole packets that ``data`` completes (of ``pids`` only, if given)."""
        _checkData(data, "PacketReader.feed")
        buffer = self._buffer + data if self._buffer else bytes(data)
        out: list[bytes] = []
        self._buffer = self._cut(buffer, out, pids, final=False)
        return out

    def flush(self, pids: Container[int] | None = None) -> list[bytes]:
        """The end of the stream: the packets held back, then a fresh start."""
        out: list[bytes] = []
        rest = self._cut(self._buffer, out, pids, final=True)
        self.junkBytes += len(rest)             # a packet cut off by the end
        self._buffer = b""
        self._synced = self._skipped = False
        if self.packetSize is None:
            self._stride = 0
        return out

    def _lost(self, count: int) -> None:
        if count > 0:
            self.junkBytes += count
            self._skipped = True

    def _judge(self, buf: bytes, q: int, final: bool) -> bool | None:
        """Is the 0x47 at ``q`` a packet's start (two more a packet apart)?
        None: not enough of the stream yet to say."""
        stride, size = self._stride, len(buf)
        second, third = q + stride, q + 2 * stride
        if third < size:
            return buf[second] == SYNC_BYTE and buf[third] == SYNC_BYTE
        if not final:
            return None
        # The end of the stream agrees with any sync byte, but a packet must be whole.
        return (q - self._offset + stride <= size
                and (second >= size or buf[second] == SYNC_BYTE))

    def _emit(self, buf: bytes, pos: int, count: int, out: list[bytes],
              pids: Container[int] | None) -> int:
        """Pass on the ``count`` packets from ``pos``; returns where they end."""
        stride, first = self._stride, pos + self._offset
        end = pos + count * stride
        self.packets += count
        if pids is None:
            out += [buf[p:p + 188] for p in range(first, end, stride)]
        else:
            out += [buf[p:p + 188] for p in range(first, end, stride)
                    if (buf[p + 1] & 0x1F) << 8 | buf[p + 2] in pids]
        return end

    def _cut(self, buf: bytes, out: list[bytes], pids: Container[int] | None,
             final: bool) -> bytes:
        """Emit the packets of ``buf`` into ``out``; return the bytes to keep."""
        if not self._stride:
            if len(buf) < _DETECT_BYTES and not final:
                return buf
            self._stride = detectPacketSize(buf[:_DETECT_BYTES]) or PACKET_SIZE
            self._offset = _LAYOUTS[self._stride]
        stride, offset, size = self._stride, self._offset, len(buf)
        pos = 0                 # where the next unit (or the undecided bytes) starts
        search = offset         # where to look for a sync byte when out of sync
        while True:
            if self._synced:
                # A unit is passed on when it and the next start with 0x47.
                syncs = buf[pos + offset:size:stride]
                run = len(syncs) - len(syncs.lstrip(_SYNC))
                units = (size - pos) // stride
                if run == len(syncs):
                    good = units if final else min(units, run - 1)
                    pos = self._emit(buf, pos, max(good, 0), out, pids)
                    return buf[pos:]
                if run:
                    pos = self._emit(buf, pos, run - 1, out, pids)
                    # This unit starts with 0x47 but the next does not: a packet
                    # and then junk, or junk that starts with 0x47 (a packet cut
                    # short, say) with a packet starting inside it?
                    q = buf.find(_SYNC, pos + offset + 1, pos + offset + stride)
                    verdict: bool | None = False
                    while q >= 0:
                        verdict = self._judge(buf, q, final)
                        if verdict is not False:
                            break
                        q = buf.find(_SYNC, q + 1, pos + offset + stride)
                    if verdict is None:
                        return buf[pos:]            # wait for more of the stream
                    if verdict:
                        self._found(q - offset - pos)
                        pos = q - offset
                        continue
                    pos = self._emit(buf, pos, 1, out, pids)
                self._synced = False            # the unit at pos has no sync byte
                search = pos + offset + 1
                continue
            q = buf.find(_SYNC, search)
            while q >= 0:
                verdict = self._judge(buf, q, final)
                if verdict:
                    break
                if verdict is None:
                    # Not enough of the stream yet to judge this one: keep it.
                    self._lost(q - offset - pos)
                    return buf[q - offset:]
                q = buf.find(_SYNC, q + 1)
            if q < 0:
                # No candidate: all junk, but an M2TS timestamp may be at the end.
                keep = size if final else max(pos, size - offset)
                self._lost(keep - pos)
                return buf[keep:]
            self._found(q - offset - pos)
            self._synced = True
            pos = q - offset

    def _found(self, junk: int) -> None:
        """Sync found after ``junk`` bytes."""
        self._lost(junk)
        if self._skipped:
            self.resyncs += 1
            self._skipped = False


def pidOf(packet: Buffer) -> int:
    """pidOf(packet) -> the packet's PID (its 2nd and 3rd bytes; nothing else is checked)"""
    try:
        return (packet[1] & 0x1F) << 8 | packet[2]
    except (IndexError, TypeError):
        raise TransportStreamError(f"pidOf: not a transport stream packet: {packet!r:.60}") \
            from None


class Header(NamedTuple):
    """A packet's header and adaptation field flags (13818-1 2.4.3.2, 2.4.3.4)."""

    #: The packet ID, 0 to 0x1FFF.
    pid: int
    #: payload_unit_start_indicator: a PES packet or a section starts here.
    payloadUnitStart: bool
    #: transport_error_indicator: the demodulator found the packet damaged.
    transportError: bool
    #: transport_priority.
    priority: bool
    #: transport_scrambling_control (0: not scrambled).
    scrambling: int
    #: adaptation_field_control: 1 payload only, 2 adaptation field only, 3 both.
    adaptationFieldControl: int
    #: continuity_counter, 0 to 15.
    continuityCounter: int
    #: Where the payload starts in the packet (188 if there is none).
    payloadOffset: int
    #: discontinuity_indicator of the adaptation field.
    discontinuity: bool = False
    #: random_access_indicator of the adaptation field.
    randomAccess: bool = False
    #: The program clock reference in 27 MHz ticks, if the packet carries one.
    pcr: int | None = None

    @property
    def hasPayload(self) -> bool:
        """True if the packet carries payload bytes."""
        return self.payloadOffset < PACKET_SIZE


def packetHeader(packet: Buffer) -> Header:
    """packetHeader(packet) -> Header of a 188-byte packet

    Raises TransportStreamError if the packet is not 188 bytes starting with
    0x47, or its adaptation field does not fit in it.
    """
    _checkPacket(packet, "packetHeader")
    b1, b3 = packet[1], packet[3]
    control = (b3 >> 4) & 3
    payload = 4 if control == 1 else PACKET_SIZE
    discontinuity = randomAccess = False
    pcr = None
    if control & 2:
        length = packet[4]
        if length > (182 if control == 3 else 183):
            raise TransportStreamError(
                f"packetHeader: adaptation_field_length {length} does not fit in the packet "
                f"(adaptation_field_control {control})")
        if control == 3:
            payload = 5 + length
        if length:
            flags = packet[5]
            discontinuity, randomAccess = bool(flags & 0x80), bool(flags & 0x40)
            if flags & 0x10:
                if length < 7:
                    raise TransportStreamError(
                        f"packetHeader: PCR_flag set in an adaptation field of {length} bytes")
                base = int.from_bytes(packet[6:11], "big") >> 7
                pcr = base * 300 + ((packet[10] & 1) << 8 | packet[11])
    return Header((b1 & 0x1F) << 8 | packet[2], bool(b1 & 0x40), bool(b1 & 0x80),
                  bool(b1 & 0x20), b3 >> 6, control, b3 & 0x0F, payload,
                  discontinuity, randomAccess, pcr)


# --------------------------------------------------------------- continuity

class Continuity(enum.IntEnum):
    """What :meth:`ContinuityChecker.check` found."""

    OK = 0              #: the packet follows (or is the first of its PID)
    DUPLICATE = 1       #: the one allowed repeat of the previous packet: skip it
    DISCONTINUITY = 2   #: packets were lost (or damaged) before this one


def _payloadStart(packet: Buffer) -> int:
    return 5 + packet[4] if packet[3] & 0x20 else 4


class ContinuityChecker:
    """ContinuityChecker() -> follows the continuity counter of each PID

    ``check(packet)`` -> :class:`Continuity`; ``reset(pid=None)`` forgets
    one PID (or all). Counters ``discontinuities`` and ``duplicates``.
    """

    __slots__ = ("discontinuities", "duplicates", "_last")

    def __init__(self) -> None:
        self.discontinuities = 0
        self.duplicates = 0
        # pid -> [counter, a duplicate already seen, the last packet with payload]
        self._last: dict[int, list] = {}

    def reset(self, pid: int | None = None) -> None:
        """Forget what was seen of ``pid`` (of every PID if None)."""
        if pid is None:
            self._last.clear()
        else:
            self._last.pop(pid, None)

    def check(self, packet: Buffer) -> Continuity:
        """Judge ``packet`` (188 bytes) against the last of its PID."""
        _checkPacket(packet, "ContinuityChecker.check")
        return self._judge(packet)

    def _judge(self, packet: Buffer) -> Continuity:
        pid = (packet[1] & 0x1F) << 8 | packet[2]
        b3 = packet[3]
        if pid == NULL_PID:
            return Continuity.OK
        restart = b3 & 0x20 and packet[4] and packet[5] & 0x80
        if not b3 & 0x10:                       # no payload: the counter stays put
            if restart:
                self._last.pop(pid, None)
            return Continuity.OK
        counter = b3 & 0x0F
        state = self._last.get(pid)
        if state is None or restart:
            self._last[pid] = [counter, False, packet]
            return Continuity.OK
        previous = state[0]
        if counter == (previous + 1) & 0x0F:
            state[0], state[1], state[2] = counter, False, packet
            return Continuity.OK
        if counter == previous and not state[1]:
            # Two, and only two, consecutive copies; the same bytes but the PCR.
            last = state[2]
            if last[_payloadStart(last):] == packet[_payloadStart(packet):]:
                state[1] = True
                self.duplicates += 1
                return Continuity.DUPLICATE
        state[0], state[1], state[2] = counter, False, packet
        self.discontinuities += 1
        return Continuity.DISCONTINUITY


# ----------------------------------------------------------------- sections

class _Partial:
    """A section in progress: the bytes so far, and its whole length once known."""

    __slots__ = ("data", "need")

    def __init__(self, data: Buffer) -> None:
        self.data = bytearray(data)
        self.need = 0


class SectionAssembler:
    """SectionAssembler(checkCrc=True) -> PSI/SI sections from transport stream packets

    - checkCrc -- check long-form sections' CRC-32 (and the TOT's) and drop bad ones

    ``feed(packet)`` -> the sections (``bytes``, each exactly ``3 +
    section_length`` long) that the packet completes; packets of many PIDs
    may be fed, each PID's sections are assembled apart. ``reset(pid=None)``
    forgets a PID's section in progress (or every PID's). Counters
    ``sections``, ``crcErrors``, ``dropped``; ``continuity`` is its
    :class:`ContinuityChecker`.
    """

    __slots__ = ("checkCrc", "sections", "crcErrors", "dropped", "continuity",
                 "_partial", "_knownGood")

    def __init__(self, checkCrc: bool = True) -> None:
        self.checkCrc = bool(checkCrc)
        self.sections = 0
        self.crcErrors = 0
        self.dropped = 0
        self.continuity = ContinuityChecker()
        self._partial: dict[int, _Partial] = {}
        self._knownGood: dict[bytes, None] = {}

    def reset(self, pid: int | None = None) -> None:
        """Forget the section in progress of ``pid`` (of every PID if None)."""
        if pid is None:
            self._partial.clear()
        else:
            self._partial.pop(pid, None)
        self.continuity.reset(pid)

    def _drop(self, pid: int) -> None:
        if self._partial.pop(pid, None) is not None:
            self.dropped += 1

    def feed(self, packet: Buffer) -> list[bytes]:
        """The sections that ``packet`` (188 bytes, any PID) completes."""
        _checkPacket(packet, "SectionAssembler.feed")
        b1, b3 = packet[1], packet[3]
        if b1 & 0x80:
            # Damaged (transport_error_indicator): even its PID may be wrong,
            # so it changes nothing; if it was one of ours, the next packet's
            # continuity counter shows that one is missing.
            return []
        status = self.continuity._judge(packet)
        if status is Continuity.DUPLICATE:
            return []
        pid = (b1 & 0x1F) << 8 | packet[2]
        if status is Continuity.DISCONTINUITY or b3 & 0xC0:
            # A packet missing, or unreadable (scrambled): what was in
            # progress cannot be finished.
            self._drop(pid)
            if b3 & 0xC0:
                return []
        if not b3 & 0x10:
            return []
        start = 4
        if b3 & 0x20:
            if packet[4] > 182:
                self._drop(pid)
                return []
            start = 5 + packet[4]
        out: list[bytes] = []
        partial = self._partial.get(pid)
        if not b1 & 0x40:
            if partial is not None:
                self._add(pid, partial, packet[start:], out)
            return out
        first = start + 1 + packet[start]       # the pointer_field
        if first > PACKET_SIZE:
            self._drop(pid)
            self.dropped += 1                   # (the sections starting here)
            return out
        if partial is not None and not self._add(pid, partial, packet[start + 1:first], out):
            self._drop(pid)                     # a new section before this one ended
        self._sections(pid, packet, first, out)
        return out

    def _add(self, pid: int, partial: _Partial, data: Buffer, out: list[bytes]) -> bool:
        """Add ``data`` to the section in progress; True if that finished it."""
        partial.data += data
        have = len(partial.data)
        if not partial.need:
            if have < 3:
                return False
            need = self._length(partial.data, 0)
            if not need:
                del self._partial[pid]          # (counted by _length)
                return True
            partial.need = need
        if have < partial.need:
            return False
        del self._partial[pid]
        self._finish(pid, bytes(partial.data[:partial.need]), out)
        return True

    def _length(self, data: Buffer, pos: int) -> int:
        """The whole length of the section at ``pos``, or 0 (counted) if impossible."""
        tableId, b1 = data[pos], data[pos + 1]
        length = (b1 & 0x0F) << 8 | data[pos + 2]
        if (length > (_PSI_MAX_LENGTH if tableId <= 3 else _PRIVATE_MAX_LENGTH)
                or (b1 & 0x80 and length < _LONG_FORM_MIN_LENGTH)):
            self.dropped += 1
            return 0
        return 3 + length

    def _sections(self, pid: int, packet: Buffer, pos: int, out: list[bytes]) -> None:
        """The sections starting at ``pos`` of a packet, one after another."""
        while pos < PACKET_SIZE and packet[pos] != 0xFF:      # 0xFF: stuffing to the end
            if pos + 3 > PACKET_SIZE:
                self._partial[pid] = _Partial(packet[pos:])
                return
            need = self._length(packet, pos)
            if not need:
                return          # where the next one starts cannot be known
            end = pos + need
            if end > PACKET_SIZE:
                partial = self._partial[pid] = _Partial(packet[pos:])
                partial.need = need
                return
            self._finish(pid, bytes(packet[pos:end]), out)
            pos = end

    def _finish(self, pid: int, section: bytes, out: list[bytes]) -> None:
        if self.checkCrc and (section[1] & 0x80
                              or (section[0] == _TOT_TABLE_ID and pid == _TOT_PID)):
            known = self._knownGood
            if section not in known:
                if not dvbcrc(section):
                    self.crcErrors += 1
                    return
                if len(known) >= _KNOWN_GOOD:
                    known.clear()
                known[section] = None
        self.sections += 1
        out.append(section)


# ------------------------------------------------------------ writing PSI

def sectionPackets(pid: int, section: Buffer, counter: int = 0) -> tuple[list[bytes], int]:
    """sectionPackets(pid, section, counter=0) -> (packets, next counter)

    ``section`` (a whole section, CRC included) in 188-byte packets of
    ``pid``: the first starts it (``payload_unit_start_indicator``, a
    ``pointer_field`` of 0), the last is padded with 0xFF. Raises
    TransportStreamError for a PID or counter out of range.
    """
    if not 0 <= pid < NULL_PID or not 0 <= counter <= 0x0F:
        raise TransportStreamError(f"sectionPackets: pid must be 0 to {NULL_PID - 1:#x} and "
                                   f"counter 0 to 15, not {pid!r} and {counter!r}")
    payload = b"\x00" + bytes(section)
    packets = []
    for at in range(0, len(payload), PACKET_SIZE - 4):
        start = 0x40 if at == 0 else 0x00
        head = bytes([SYNC_BYTE, start | pid >> 8, pid & 0xFF, 0x10 | counter])
        packets.append((head + payload[at:at + PACKET_SIZE - 4]).ljust(PACKET_SIZE, b"\xff"))
        counter = (counter + 1) & 0x0F
    return packets, counter


# -------------------------------------------------------------- the clock

#: PCR ticks in a second (27 MHz), and where the PCR wraps (2**33 * 300 ticks).
PCR_HZ = 27_000_000
_PCR_WRAP = (1 << 33) * 300


class StreamClock:
    """StreamClock(maxStep=10.0) -> seconds of stream, from the PCRs of one PID

    ``feed(packet)`` any packet (those without a PCR cost a bit test);
    ``seconds`` is the time since the first PCR, ``pid`` the PID followed
    (None until one is seen).
    """

    __slots__ = ("maxStep", "pid", "seconds", "_last", "_ticks")

    def __init__(self, maxStep: float = 10.0) -> None:
        self.maxStep = maxStep
        self.pid: int | None = None
        self.seconds = 0.0
        self._last: int | None = None
        self._ticks = 0

    def feed(self, packet: Buffer) -> None:
        """Take the PCR of ``packet``, if it carries the clock followed."""
        if not packet[3] & 0x20:                  # no adaptation field: no PCR
            return
        pid = (packet[1] & 0x1F) << 8 | packet[2]
        if self.pid is not None and pid != self.pid:
            return
        try:
            pcr = packetHeader(packet).pcr
        except TransportStreamError:
            return
        if pcr is None:
            return
        self.pid = pid
        if self._last is not None:
            step = (pcr - self._last) % _PCR_WRAP
            if step <= self.maxStep * PCR_HZ:
                self._ticks += step
        self._last = pcr
        self.seconds = self._ticks / PCR_HZ

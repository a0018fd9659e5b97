"""One service cut out of a multiplex: its transport stream alone, PAT rewritten, ready to save.

Example Usage
-------------
A multiplex made on the spot (a PAT listing services 1 and 2, their PMTs,
a packet of each service's video, a null packet); only service 2 comes
out, behind a PAT that lists it alone::

    from Kamaelia.Apps.TVRecorder.remux import ServiceRemuxer
    from Kamaelia.Support.DVB.CRC import crc32mpeg2

    def section(body):
        return body + crc32mpeg2(body).to_bytes(4, "big")

    def packet(pid, counter, payload, start=False, randomAccess=False):
        head = bytes([0x47, (0x40 if start else 0) | pid >> 8, pid & 0xFF])
        if randomAccess:          # an adaptation field with random_access_indicator set
            head += bytes([0x30 | counter, 1, 0x40])
        else:
            head += bytes([0x10 | counter])
        return (head + payload).ljust(188, b"\\xff")

    picture = bytes.fromhex("000001e00000800000" "00000100")     # PES header, a picture
    keyframe = bytes.fromhex("000001e00000800000" "000001b3")    # ... a sequence header
    pat = section(bytes.fromhex("00b0110001c10000" "0001e100" "0002e200"))
    pmt1 = section(bytes.fromhex("02b0120001c10000" "e101f000" "02e101f000"))
    pmt2 = section(bytes.fromhex("02b0120002c10000" "e201f000" "02e201f000"))
    stream = (packet(0x0, 0, b"\\0" + pat, start=True)
              + packet(0x100, 0, b"\\0" + pmt1, start=True)
              + packet(0x200, 0, b"\\0" + pmt2, start=True)
              + packet(0x101, 0, keyframe, start=True, randomAccess=True)
              + packet(0x201, 0, keyframe, start=True, randomAccess=True)
              + packet(0x201, 1, b"more of the picture")
              + packet(0x1FFF, 0, b""))

    remuxer = ServiceRemuxer(2)
    out = remuxer.feed(stream[:500]) + remuxer.feed(stream[500:])
    pids = [(out[i + 1] & 0x1F) << 8 | out[i + 2] for i in range(0, len(out), 188)]
    print([hex(pid) for pid in pids])          # ['0x0', '0x200', '0x201', '0x201']
    assert remuxer.pmtPid == 0x200 and remuxer.streams == {0x201: 0x02}

    # Split: the next file begins at service 2's next random access point.
    remuxer.startNewFile()
    parts = remuxer.feedParts(packet(0x201, 2, picture, start=True)    # not one: old file
                              + packet(0x201, 3, keyframe, start=True, randomAccess=True)
                              + packet(0x1FFF, 1, b""))
    print([len(part) // 188 for part in parts])        # [1, 3]: PAT, PMT, keyframe

Save each part as it comes: ``parts[0]`` goes on the file being written,
each later part is the beginning of a new file.

How does it work?
-----------------
:class:`ServiceRemuxer` ``(service_id, bufferPackets=16384)`` is a plain
object (no Axon, no I/O): ``feed(data)`` takes transport stream of a
whole multiplex, in chunks of any size, and returns the bytes of one
service (``service_id``, its program_number) as a stream of its own, as
``ffmpeg -map`` would cut it: whole 188-byte packets, in the order they
came. A :class:`~Kamaelia.Support.DVB.TransportStream.PacketReader` finds
the packets (and resynchronises over junk); a
:class:`~Kamaelia.Support.DVB.TransportStream.SectionAssembler` puts the
PAT and PMT sections together (checking their CRCs), and
``Kamaelia.Device.DVB.Parse`` parses them.

What goes out:

* *A PAT of our own* (PID 0), listing only this service and its PMT PID:
  the source's ``transport_stream_id``, our own version number (0 to start
  with, one up, mod 32, whenever what it says changes) and continuity
  counter, section 0 of 0, a correct CRC-32. There is no NIT entry
  (the NIT is not copied). It goes first in every file and then *each time
  the source's PAT section listing the service comes round*, at that point
  of the stream: the output carries the PAT as often as the source does
  (broadcasters send it about ten times a second; ETSI TR 101 290's
  check 1.3 counts a gap of over 0.5 s as an error), with no clock of
  our own to keep.
* *The service's PMT*, section for section as the source sends it (the
  same bytes, so the same version and CRC), put into packets of its PID
  again with our own continuity counter: first after the PAT in every
  file, then each time the source's comes round. Re-packing it keeps the
  PID's counter continuous although a file starts with a PMT the source
  did not send there, and drops the PMTs of other services that share the
  PID (13818-1 allows that).
* *The elementary streams the PMT lists* (video, audio, subtitles,
  teletext, data: every ``elementary_PID``) and the PCR PID if it is not
  one of them: their packets unchanged.

What is dropped: every other PID -- other services, null packets (a file
needs no constant bit rate), and the SI tables (NIT, SDT, EIT, TDT/TOT,
CAT; PIDs 0x01-0x1F): they describe the whole multiplex and would name
services the file does not have (the recorder keeps the programme's EIT
in a ``.json`` of its own). ECM streams named only in CA descriptors are
dropped too. Packets flagged damaged (``transport_error_indicator``: even
their PID may be wrong) are dropped and counted in ``erroneousPackets``;
a packet sent twice (the one repeat 13818-1 allows) goes out once.

*Where a file begins.* A file opens cleanly only if it starts with the
PAT, then the PMT, then a picture that can be decoded on its own. So
output starts (at the beginning, and in each new file) at the next
*random access point* of the service's video (the PMT's first video
stream, its "anchor"): a packet that starts a PES packet and has the
adaptation field's ``random_access_indicator`` set, or whose coded
picture data begins with an MPEG-1/2 sequence header, an H.264 SPS or
IDR picture, or an HEVC VPS, SPS or IRAP picture (for streams that do
not set the flag). A stream where none of these shows for 250 PES packets
(10 s at 25 frames a second) starts at the next PES packet. There the
PAT and the PMT are written, and the video begins; every other stream
joins at its next PES start (``payload_unit_start_indicator``), so no
file holds the tail of a PES packet without its head; a PCR-only PID joins
at once. A service without video starts at once, each stream at its next
PES start.

*Before the PAT and PMT are known* the packets of every PID that could be
the service's (not PID 0, the PMT's, the SI PIDs or null packets) are
kept, at most ``bufferPackets`` of them (16384 packets, 3 MB: more than a
second of a 20 Mbit/s DVB-T multiplex; the oldest go first), and when the
PMT comes they are gone through again: a random access point sent just
before the tables is not lost. Once the PAT is complete and does not list
the service nothing is kept.

*PMT changes.* A new PMT (its bytes differ) replaces the old one at once:
it is written into the output where it came, PIDs it no longer lists are
dropped from then on, new ones join (at a PES start; a new video PID at a
random access point). A new PMT PID in the PAT is followed, and our
PAT's version goes up (a file that begins before the new PID's PMT has
come gets the old PMT, on the new PID). *The service vanishing*: when every section of a current PAT has
been seen and none lists the service, nothing more goes out (``present``
is False) and what was known of the PMT is forgotten; when it comes back,
output starts again as at the beginning (PAT, PMT, random access point),
in the same file.

*New files* (for cutting a recording at a programme junction):
``startNewFile()`` asks for the next output to be a new file. The file
being written goes on until the video's next random access point; there
the new file begins (PAT, PMT, that picture). Each other stream goes on
into the old file until its next PES start and into the new one from
there, so neither file has half a PES packet at its edge; while that lasts
(usually a few tens of milliseconds) the new file's bytes are held back,
and after 2048 of them at most (or when the stream ends) the old file is
closed anyway (a stream that stays silent joins the new file at its next
PES start). ``feedParts(data)`` and ``flushParts()`` return the output cut
where files begin: a list whose first item (perhaps empty) goes on the
current file and each later item begins a new one; ``feed`` and ``flush``
join the list into one ``bytes`` (still a valid stream). ``startNewFile()``
returns True if a new file will come of the request, False if one asked
for earlier has not begun yet (and this request is met by it): every True
is one more part, in order.

``flush()`` is the end of the stream: the packets the reader held back
(waiting to see the next packet's sync byte) are handled, the old file
(if a new one is taking over) is closed, and what was held back comes out.
PSI knowledge is kept, so feeding may go on.

Counters: ``packetsIn`` (packets found in the input, every PID),
``packetsOut`` (packets returned), ``junkBytes`` (bytes skipped between
packets), ``continuityErrors`` (packets lost on the service's PIDs, PAT
and PMT included: the continuity counter jumped), ``erroneousPackets``.
State: ``pmtPid``, ``pcrPid``, ``streams`` (PID -> stream_type, as the PMT
lists them), ``present`` (None until the PAT says).

Rules this module keeps: nothing raises on stream content (junk, lost
packets, bad sections are counted or skipped; only a bad ``service_id``
or ``bufferPackets``, or ``feed`` given something not bytes, raises); and
the same bytes give the same output wherever the chunks were cut, except
that a PID that a *changed* PMT adds (or a PMT PID that a changed PAT
gives) is taken from the next chunk on: once the PMT is known the reader
passes on only the service's PIDs, and had already left out that PID's
packets in the chunk that announced it.

:class:`ServiceRemux` ``(service_id, bufferPackets=16384)`` is the
component around it: chunks of multiplex on ``"inbox"``, the service's
stream out of ``"outbox"`` (a ``bytes`` per chunk that gave output). A
message on ``"split"`` (anything: a file name, say) asks for a new file;
that message is sent out of ``"newfile"`` just before the new file's first
bytes go out of ``"outbox"`` (if several come before the new file begins,
the last is sent). Link ``"outbox"`` and ``"newfile"`` to one inbox to
receive bytes and file starts in stream order. Split requests are dealt
with before the stream chunks waiting with them. A destination inbox that
is full holds the component back (nothing is dropped). Input that is not
bytes is logged (logger ``Kamaelia.Apps.TVRecorder.remux``) and skipped.
Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it handles what is waiting, flushes the remuxer, sends the
rest out and passes the message on out of ``"signal"``.

What it does not do: it does not rewrite the SDT (so ffprobe shows no
service name), nor fix timestamps, nor pad the stream to a constant rate;
a scrambled service comes out scrambled.

Differences from 1.14
---------------------
1.14 had no such module: its ``Macro`` example fed a service's audio and
video PIDs from ``DVB_Demuxer`` straight into ``mencoder``, with no PAT
or PMT, and could not cut files at a clean point.
"""

from __future__ import annotations

import logging
import reprlib
from collections import deque
from typing import Any, Callable, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Kamaelia._shutdown import runUntilShutdown, shutdownRequest
from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import \
    parseProgramAssociationTableSection
from Kamaelia.Device.DVB.Parse.ParseProgramMapTable import parseProgramMapTableSection
from Kamaelia.Support.DVB.CRC import crc32mpeg2
from Kamaelia.Support.DVB.TransportStream import (
    NULL_PID, PACKET_SIZE, Continuity, ContinuityChecker, PacketReader, SectionAssembler,
    sectionPackets)

__all__ = ["ServiceRemuxer", "ServiceRemux", "KEYFRAME_PATIENCE", "TRANSITION_PACKETS"]

log = logging.getLogger("Kamaelia.Apps.TVRecorder.remux")

_BUFFERS = (bytes, bytearray, memoryview)
_PAT_PID = 0x0000
_PAT_TABLE = 0x00
#: PIDs below this carry PSI and DVB SI, never a service's streams.
_FIRST_STREAM_PID = 0x20
#: How many PES starts of the video to wait for a random access point.
KEYFRAME_PATIENCE = 250
#: At most this many packets of a new file are held back while the old one ends.
TRANSITION_PACKETS = 2048
_START_CODE = b"\x00\x00\x01"



def _mpegVideoStart(code: int) -> bool:
    return code == 0xB3                                 # sequence_header_code


def _h264Start(code: int) -> bool:
    return not code & 0x80 and code & 0x1F in (5, 7)    # an IDR slice, an SPS


def _hevcStart(code: int) -> bool:
    kind = (code >> 1) & 0x3F
    return 16 <= kind <= 21 or kind in (32, 33)         # an IRAP picture, a VPS, an SPS


#: stream_type -> does the byte after a start code (0x000001) begin something
#: a decoder can start with? (Other video types have only the flag.)
_DECODABLE_STARTS: dict[int, Callable[[int], bool]] = {
    0x01: _mpegVideoStart, 0x02: _mpegVideoStart, 0x1B: _h264Start, 0x24: _hevcStart}


def _checkServiceId(service_id: Any) -> int:
    if isinstance(service_id, bool) or not isinstance(service_id, int):
        raise TypeError(f"ServiceRemuxer: service_id must be an int, not {service_id!r}")
    if not 1 <= service_id <= 0xFFFF:
        raise ValueError(f"ServiceRemuxer: service_id is a program_number from 1 to 65535, "
                         f"not {service_id!r}")
    return service_id


def _codedDataStart(packet: bytes) -> int:
    """Where the coded data starts in a packet that starts a PES packet
    (after its PES header), or PACKET_SIZE if it cannot be read there."""
    start = 5 + packet[4] if packet[3] & 0x20 else 4
    if start + 9 > PACKET_SIZE or packet[start:start + 3] != _START_CODE:
        return PACKET_SIZE
    return start + 9 + packet[start + 8]


def _startsDecodable(data: bytes, streamType: int) -> bool:
    """Does coded video ``data`` hold the start of something a decoder can
    begin with (sequence header, SPS, IDR, IRAP)?"""
    decodable = _DECODABLE_STARTS.get(streamType)
    if decodable is None:
        return False
    at = data.find(_START_CODE)
    while 0 <= at < len(data) - 3:
        if decodable(data[at + 3]):
            return True
        at = data.find(_START_CODE, at + 3)
    return False


def _psiPackets(pid: int, section: bytes) -> list[bytes]:
    """``section`` in packets of ``pid``, continuity counter 0 (packed once;
    :func:`_stamped` gives each copy written its counters)."""
    return sectionPackets(pid, section)[0]


def _stamped(packets: list[bytes], counter: int) -> tuple[list[bytes], int]:
    """The packets with continuity counters from ``counter``; the next counter."""
    out = []
    for packet in packets:
        out.append(packet[:3] + bytes([0x10 | counter]) + packet[4:])
        counter = (counter + 1) & 0x0F
    return out, counter


def _patSection(transportStreamId: int, version: int, serviceId: int, pmtPid: int) -> bytes:
    """A PAT section listing one service (13818-1 2.4.4.3), its CRC on."""
    body = (bytes([_PAT_TABLE, 0xB0, 13]) + transportStreamId.to_bytes(2, "big")
            + bytes([0xC1 | (version & 0x1F) << 1, 0, 0])
            + serviceId.to_bytes(2, "big") + (0xE000 | pmtPid).to_bytes(2, "big"))
    return body + crc32mpeg2(body).to_bytes(4, "big")


class ServiceRemuxer:
    """ServiceRemuxer(service_id, bufferPackets=16384) -> cuts one service out of a multiplex

    - service_id -- the service's program_number (1 to 65535)
    - bufferPackets -- how many packets to keep while the PAT and PMT are
      not yet known (0: keep none)

    ``feed(data)`` -> the service's stream in what ``data`` completes;
    ``feedParts(data)`` -> the same cut where new files begin;
    ``startNewFile()``; ``flush()``/``flushParts()`` at the end. See the
    module's docstring for what goes out, and the counters.
    """

    def __init__(self, service_id: int, bufferPackets: int = 16384) -> None:
        self.service_id = _checkServiceId(service_id)
        if isinstance(bufferPackets, bool) or not isinstance(bufferPackets, int) \
                or bufferPackets < 0:
            raise ValueError(f"ServiceRemuxer: bufferPackets must be an int of 0 or more, "
                             f"not {bufferPackets!r}")
        self.reader = PacketReader()
        self.packetsOut = 0
        self.erroneousPackets = 0
        #: None until a whole PAT says; then whether it lists the service.
        self.present: bool | None = None
        self.pmtPid: int | None = None
        self.pcrPid: int | None = None
        #: PID -> stream_type of each elementary stream the PMT lists.
        self.streams: dict[int, int] = {}
        self._sections = SectionAssembler()
        self._continuity = ContinuityChecker()
        self._early: deque[bytes] = deque(maxlen=bufferPackets)
        self._wanted: frozenset[int] | None = None      # None: every PID
        self._buffering = bufferPackets > 0             # keeping packets in ``_early``
        self._servicePids: frozenset[int] = frozenset()  # streams + PCR PID
        self._anchor: int | None = None                 # the video PID
        # The PAT: what the source's says, and ours.
        self._patSeen: dict[int, bool] = {}             # section_number -> lists us
        self._patKey: tuple[int, int, int] | None = None
        self._lastPat: tuple[bytes, bool] | None = None
        self._patContent: tuple[int, int] | None = None
        self._patVersion = 0
        self._patPackets: list[bytes] = []
        self._patCounter = 0
        # The PMT: the source's section, and its packets on its PID.
        self._pmtSection: bytes | None = None
        self._pmtPackets: list[bytes] = []
        self._pmtCounter = 0
        # Files. ``_file`` is the newest file's packets not yet returned;
        # ``_old`` the ending file's while a new one takes over.
        self._file: list[bytes] = []
        self._old: list[bytes] | None = None
        self._finished: list[list[bytes]] = []
        self._begun: set[int] = set()       # PIDs flowing into the newest file
        self._tail: set[int] = set()        # PIDs still flowing into the old file
        self._live = False                  # the newest file has had its PAT and PMT
        self._starting = True               # waiting for a random access point
        self._newFileAsked = False
        self._anchorStarts = 0              # video PES starts passed over while waiting
        self._steady = False                # not starting, no file ending: the fast path

    # ------------------------------------------------------------ counters
    @property
    def packetsIn(self) -> int:
        """Packets found in the input (every PID)."""
        return self.reader.packets

    @property
    def junkBytes(self) -> int:
        """Bytes of the input skipped between packets."""
        return self.reader.junkBytes

    @property
    def continuityErrors(self) -> int:
        """Jumps of the continuity counter on the service's PIDs (PAT and PMT too)."""
        return self._continuity.discontinuities + self._sections.continuity.discontinuities

    # ----------------------------------------------------------------- API
    def feed(self, data: bytes | bytearray | memoryview) -> bytes:
        """The service's stream in what ``data`` (any length of multiplex) completes."""
        return b"".join(self.feedParts(data))

    def feedParts(self, data: bytes | bytearray | memoryview) -> list[bytes]:
        """As :meth:`feed`, cut where new files begin: ``[current file, new file, ...]``."""
        self._handle(self.reader.feed(data, self._wanted))
        return self._collect()

    def flush(self) -> bytes:
        """The end of the stream: everything still held back."""
        return b"".join(self.flushParts())

    def flushParts(self) -> list[bytes]:
        """As :meth:`flush`, cut where new files begin."""
        self._handle(self.reader.flush(self._wanted))
        self._endTransition()
        return self._collect()

    def startNewFile(self) -> bool:
        """Make the output from the video's next random access point a new
        file (PAT and PMT first). False if a new file asked for before has
        not begun yet: it will do for this request too."""
        if self._newFileAsked:
            return False
        self._endTransition()
        self._newFileAsked = True
        self._starting = True
        self._steady = False
        return True

    # ------------------------------------------------------------- packets
    def _handle(self, packets: list[bytes]) -> None:
        for packet in packets:
            pid = (packet[1] & 0x1F) << 8 | packet[2]
            if pid in self._servicePids:
                if packet[1] & 0x80:
                    self.erroneousPackets += 1
                elif self._continuity.check(packet) is not Continuity.DUPLICATE:
                    if self._steady and pid in self._begun:
                        self._file.append(packet)
                    else:
                        self._route(pid, packet)
            elif pid == _PAT_PID:
                for section in self._sections.feed(packet):
                    self._learnPat(section)
            elif pid == self.pmtPid:
                for section in self._sections.feed(packet):
                    self._learnPmt(pid, section)
            elif self._buffering and _FIRST_STREAM_PID <= pid < NULL_PID:
                self._early.append(packet)

    def _route(self, pid: int, packet: bytes) -> None:
        """Where a packet of the service goes, when it may not simply go on
        into the newest file (see "Where a file begins")."""
        if self._starting:
            if pid == self._anchor:
                if self._randomAccess(pid, packet):
                    self._switch()
                    self._begin(pid, packet)
                elif pid in self._begun:
                    self._file.append(packet)       # the file goes on until then
                return
            if self._anchor is None:
                self._switch()
            elif not self._live:
                return                              # nothing begins before the video
        if pid in self._begun:
            self._file.append(packet)
        elif self._live and (self._randomAccess(pid, packet) if pid == self._anchor
                             else self._joins(pid, packet)):
            self._begin(pid, packet)
        elif pid in self._tail and self._old is not None:
            self._old.append(packet)
        if self._old is not None and len(self._file) >= TRANSITION_PACKETS:
            self._endTransition()

    def _joins(self, pid: int, packet: bytes) -> bool:
        """May a stream (not the video) begin in a file with this packet?"""
        return bool(packet[1] & 0x40) or pid not in self.streams    # a PES start; PCR only

    def _randomAccess(self, pid: int, packet: bytes) -> bool:
        """Can the video begin here (see "Where a file begins")?"""
        if not packet[1] & 0x40:
            return False
        if packet[3] & 0x20 and packet[4] and packet[5] & 0x40:    # random_access_indicator
            return True
        data = packet[_codedDataStart(packet):]
        if _startsDecodable(data, self.streams[pid]):
            return True
        self._anchorStarts += 1
        return self._anchorStarts > KEYFRAME_PATIENCE

    def _begin(self, pid: int, packet: bytes) -> None:
        self._begun.add(pid)
        if pid == self._anchor:
            self._anchorStarts = 0
        self._file.append(packet)
        if self._old is not None:
            self._tail.discard(pid)
            if not self._tail:
                self._endTransition()

    def _switch(self) -> None:
        """The point where output (re)starts: a new file if one was asked for."""
        self._starting = False
        if self._newFileAsked:
            self._newFileAsked = False
            self._old, self._file = self._file, []
            self._tail = set(self._begun) if self._live else set()
        self._begun = set()
        self._live = True
        self._writePat()
        self._writePmt()
        if self._old is not None and not self._tail:
            self._endTransition()
        self._steady = self._old is None

    def _endTransition(self) -> None:
        """Close the old file (if a new one is taking over)."""
        if self._old is not None:
            self._finished.append(self._old)
            self._old = None
            self._tail = set()
        self._steady = not self._starting

    def _collect(self) -> list[bytes]:
        """The output to return now; a new file still taking over stays held."""
        if self._old is not None:
            lists, self._old = self._finished + [self._old], []
        else:
            lists, self._file = self._finished + [self._file], []
        self._finished = []
        parts = [b"".join(packets) for packets in lists]
        self.packetsOut += sum(len(part) for part in parts) // PACKET_SIZE
        return parts

    # ----------------------------------------------------------------- PSI
    def _learnPat(self, section: bytes) -> None:
        if self._lastPat is not None and self._lastPat[0] == section:
            if self._lastPat[1] and self._live:
                self._writePat()                    # the usual case: a repeat
            return
        try:
            pat = parseProgramAssociationTableSection(section, checkCRC=False)
        except TableError:
            return
        if not pat["current"]:
            return
        tsid = pat["transport_stream_id"]
        services = pat["transport_streams"][tsid]
        listsUs = self.service_id in services
        self._lastPat = (section, listsUs)
        key = (tsid, pat["version"], pat["last_section_number"])
        if key != self._patKey:
            self._patKey, self._patSeen = key, {}
        self._patSeen[pat["section_number"]] = listsUs
        if listsUs:
            self._found(tsid, services[self.service_id])
            if self._live:
                self._writePat()
        elif len(self._patSeen) == pat["last_section_number"] + 1 \
                and not any(self._patSeen.values()):
            self._vanished()

    def _found(self, transportStreamId: int, pmtPid: int) -> None:
        """The PAT lists the service, its PMT on ``pmtPid``."""
        self.present = True
        content = (transportStreamId, pmtPid)
        if content != self._patContent:
            if self._patContent is not None:
                self._patVersion = (self._patVersion + 1) & 0x1F
            self._patContent = content
            self._patPackets = _psiPackets(_PAT_PID, _patSection(
                transportStreamId, self._patVersion, self.service_id, pmtPid))
        if pmtPid != self.pmtPid:
            if self.pmtPid is not None:
                self._sections.reset(self.pmtPid)
            self.pmtPid = pmtPid
            if self._pmtSection is not None:
                self._pmtPackets = _psiPackets(pmtPid, self._pmtSection)
            self._setWanted()

    def _vanished(self) -> None:
        """A whole PAT without the service: stop, forget its PMT, wait for it."""
        if self.present is False:
            return
        self.present = False
        self._endTransition()
        for pid in self._servicePids:
            self._continuity.reset(pid)      # (the gap while it was away is no loss)
        if self.pmtPid is not None:
            self._sections.reset(self.pmtPid)
        self.pmtPid = self.pcrPid = self._anchor = self._pmtSection = None
        self.streams = {}
        self._servicePids = frozenset()
        self._begun = set()
        self._live = False
        self._starting, self._steady = True, False
        self._early.clear()
        self._setWanted()

    def _learnPmt(self, pmtPid: int, section: bytes) -> None:
        if section == self._pmtSection:
            if self._live:
                self._writePmt()
            return
        try:
            pmt = parseProgramMapTableSection(section, checkCRC=False)
        except TableError:
            return
        if not pmt["current"] or pmt["program_number"] != self.service_id \
                or pmt["section_number"] != 0:
            return
        service = pmt["services"][self.service_id]
        first = self._pmtSection is None
        self._pmtSection = section
        self._pmtPackets = _psiPackets(pmtPid, section)
        self._useStreams(service)
        if self._live:
            self._writePmt()
        if first:
            early = list(self._early)
            self._early.clear()
            self._handle(early)

    def _useStreams(self, service: dict[str, Any]) -> None:
        """Take up the PIDs a (new) PMT lists."""
        reserved = {_PAT_PID, self.pmtPid, NULL_PID}
        streams = {stream["pid"]: stream["type"] for stream in service["streams"]
                   if stream["pid"] >= 0x10 and stream["pid"] not in reserved}
        pcr = service["pcr_pid"]
        self.pcrPid = pcr if pcr >= 0x10 and pcr not in reserved else None
        video = service.get("video_pid")
        self.streams = streams
        self._anchor = video if video in streams else None
        self._servicePids = frozenset(streams) | (
            {self.pcrPid} if self.pcrPid is not None else set())
        for gone in (self._begun | self._tail) - self._servicePids:
            self._continuity.reset(gone)
        self._begun &= self._servicePids
        if self._old is not None:
            self._tail &= self._servicePids
            if not self._tail:
                self._endTransition()
        self._setWanted()

    def _setWanted(self) -> None:
        """The PIDs the reader passes on: every PID until the PMT is known (the
        tables, and the packets after them, may be in the chunk being read), then ours."""
        self._buffering = (self._pmtSection is None and self.present is not False
                           and bool(self._early.maxlen))
        if self._pmtSection is None:
            self._wanted = None
            return
        pids = {_PAT_PID} | self._servicePids
        if self.pmtPid is not None:
            pids.add(self.pmtPid)
        self._wanted = frozenset(pids)

    def _writePat(self) -> None:
        packets, self._patCounter = _stamped(self._patPackets, self._patCounter)
        self._file += packets

    def _writePmt(self) -> None:
        packets, self._pmtCounter = _stamped(self._pmtPackets, self._pmtCounter)
        self._file += packets


class ServiceRemux(component):
    """ServiceRemux(service_id, bufferPackets=16384) -> new ServiceRemux component

    Chunks of a multiplex in, one service's transport stream out, new files
    on request (see the module's docstring).

    - service_id -- the service's program_number (1 to 65535)
    - bufferPackets -- as for :class:`ServiceRemuxer`
    """

    Inboxes = {"inbox": "chunks of a multiplex's transport stream (bytes of any size)",
               "control": "producerFinished or shutdownMicroprocess to end",
               "split": "any message: begin a new file at the next random access point"}
    Outboxes = {"outbox": "the service's transport stream (bytes)",
                "newfile": "the 'split' message, just before the first bytes of its file",
                "signal": "the shutdown message, passed on"}

    def __init__(self, service_id: int, bufferPackets: int = 16384) -> None:
        super().__init__()
        self.remuxer = ServiceRemuxer(service_id, bufferPackets)
        self._owed: list[Any] = []          # 'split' messages whose file has not begun
        self._outgoing: deque[tuple[Any, str]] = deque()

    def _flushOutgoing(self) -> bool:
        """Send what waits to go; False if a full destination holds it back."""
        while self._outgoing:
            message, box = self._outgoing[0]
            try:
                self.send(message, box)
            except noSpaceInBox:
                return False
            self._outgoing.popleft()
        return True

    def _queue(self, parts: list[bytes]) -> None:
        first, *newFiles = parts
        if first:
            self._outgoing.append((first, "outbox"))
        for part in newFiles:
            self._outgoing.append((self._owed.pop(0), "newfile"))
            self._outgoing.append((part, "outbox"))

    def _handleWaiting(self) -> bool:
        """Deal with what waits; True while a full destination holds it back."""
        if not self._flushOutgoing():
            return True
        for message in self.Inbox("split"):
            if self.remuxer.startNewFile():
                self._owed.append(message)
            else:
                self._owed[-1] = message
        while self.dataReady("inbox"):
            chunk = self.recv("inbox")
            if isinstance(chunk, _BUFFERS):
                self._queue(self.remuxer.feedParts(chunk))
            else:
                log.error("%s skipped a message that is not transport stream bytes: %s",
                          self.name, reprlib.repr(chunk))
            if not self._flushOutgoing():
                return True
        return False

    def main(self) -> Iterator[int]:
        request = yield from runUntilShutdown(self, self._handleWaiting)
        self._queue(self.remuxer.flushParts())
        # After producerFinished the end of the stream is worth waiting for
        # (until a shutdownMicroprocess says stop now); after shutdownMicroprocess not.
        while not self._flushOutgoing():
            if isinstance(request, shutdownMicroprocess):
                log.warning("%s stopped with %d message(s) of output unsent: the "
                            "destination is full", self.name, len(self._outgoing))
                break
            self.pause()
            yield 1
            request = shutdownRequest(self) or request
        self.send(request, "signal")


__kamaelia_components__ = (ServiceRemux,)

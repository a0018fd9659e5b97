"""Transport-stream fixtures for the DVB tests (imported by tests; not a test file).

Example Usage
-------------
Make a two-service multiplex with ffmpeg, give it EIT present/following
and TDT tables, damage it, and stream it over UDP::

    import socket
    from datetime import timedelta
    from tsfixtures import (BASE, Programme, Service, UDPStreamer, dropPackets,
                            ffprobeDuration, insertEIT, makeMultiplex)

    mux = makeMultiplex(tmp_path / "mux.ts", [Service(1, "BBC ONE", "BBC"),
                                              Service(2, "BBC TWO", "BBC")])
    second = timedelta(seconds=1)
    schedule = {
        1: [Programme(101, "News", "The news.", BASE, 3 * second),
            Programme(102, "Film", "A film.", BASE + 3 * second, 60 * second)],
        2: [Programme(201, "Quiz", "A quiz.", BASE - 60 * second, 62 * second)],
    }
    tables = insertEIT(mux.path, tmp_path / "eit.ts", schedule)
    assert abs(ffprobeDuration(tables.path) - mux.duration) < 0.05
    damaged = dropPackets(tables.path.read_bytes(), pid=0x12, every=5)

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        with UDPStreamer(tables.path, sock.getsockname()[1], realtime=True) as streamer:
            first = sock.recv(2048)             # 7 packets, then more at the stream's pace

How does it work?
-----------------
:func:`makeMultiplex` runs ffmpeg once: per service a ``lavfi`` picture
(testsrc2, smptebars, testsrc, ... one kind each, so they can be told
apart) and a sine tone of its own pitch, mapped into one ``-program`` per
service (``program_num`` is the service id) whose ``service_name`` and
``service_provider`` program metadata ffmpeg's mpegts muxer writes into the
SDT. PIDs are fixed: service *i* (counting from 0) has its video on
``0x100 * (i + 1) + 1`` and its audio on ``0x100 * (i + 1) + 2`` (``-streamid``),
its PMT on ``0x1000 + i`` (``-mpegts_pmt_start_pid``). The returned
:class:`Multiplex` holds what ffprobe reports (``-show_programs``, which
reads the PAT, PMTs and SDT), the transport stream id and original network
id, and the stream's PCR range.

**Stream time.** Everything here that needs the time of a packet
(:func:`insertEIT`, the streamers) uses :func:`packetTimes`: the stream time
of a packet is the PCR clock since the stream's first PCR, in seconds, from
the PCRs of one PID (the first that carries one; ffmpeg gives every program
the same clock). A packet between two PCRs gets the time interpolated by its
packet index (ISO/IEC 13818-1 2.4.2.2: between PCRs the bytes arrive at a
constant rate); packets before the first PCR have time 0, those after the
last that of the last (no clock after it says how long the tail takes).
ffmpeg's streams are
variable-rate (no ``-muxrate``), so a packet count alone would not say the
time. The PTS of what is delivered at stream time *t* runs ahead of the
PCR clock (:meth:`Multiplex.clockAt`) by the mux delay (about 0.7 s).

:func:`insertEIT` copies the source's packets and inserts, before the first
packet whose stream time reaches each due time, new packets (the source has
no EIT and no TDT of its own; it is checked):

* per service in ``schedule``, an EIT actual present/following pair
  (table 0x4E on PID 0x12: section 0 the present event, section 1 the
  following; a section with no event when there is none) every
  ``interval`` (0.5 s) and at once when the present or following event
  changes (a programme starts or ends), so at stream time *t* the last
  sections sent describe the programme covering ``base + t`` and the next
  one. The version number goes up (mod 32) each time the pair changes.
* a TDT (table 0x70 on PID 0x14) at each whole second *k* of stream time,
  giving ``base + k`` (its resolution is a second), so a recorder can
  relate EIT times to the stream.

Sections of one burst (the two sections of a service, or a TDT) are packed
one after the other into packets of their PID: a section longer than a
packet's payload goes on in the next packets, a section may start in the
middle of a packet (``payload_unit_start_indicator`` and ``pointer_field``
say where), the rest of the last packet is stuffing (0xFF); ``pack=False``
starts each section in a packet of its own instead. Continuity
counters count up per PID from 0; CRCs are CRC-32/MPEG-2. Events carry a
short_event descriptor (name, text) and, if the programme has
``extendedText`` or ``items``, extended_event descriptors (as many as the
text needs, numbered). Text is written as EN 300 468 Annex A says: plain
ASCII letters, digits and common punctuation as they are (the default
table, whose G0 set agrees with ASCII for these), anything else as UTF-8
after the 0x15 selector byte; each descriptor's text is encoded on its own.
The section writer here is ours alone (not the library's), so tests that
read these streams with the library check it against something independent.
(ffprobe lists the EIT it finds as one more stream, an "epg" data stream on
PID 0x12; the programs and their streams are unchanged.) :class:`InsertedTables`
lists every section inserted, with its stream time and packet index.

Damage for the resync tests: :func:`withJunk` (junk bytes between packets),
:func:`dropPackets` (lose packets of a PID, as a bad signal does),
:func:`corruptSection` (one flipped byte inside a section, so its CRC fails).

:class:`UDPStreamer` sends a file as UDP datagrams of 7 packets (1316
bytes) from a thread, paced by the stream times (``realtime``, ``speed``
times faster) with ``time.monotonic`` deadlines, or as fast as it can;
:class:`RTPStreamer` puts an RTP header (RFC 3550, payload type 33 = MP2T
per RFC 2250, 90 kHz timestamps of the stream time) on each. Use them as
context managers; leaving the block stops and joins the thread and raises
what it raised.

:func:`ffprobeStreams`, :func:`ffprobePrograms` and :func:`ffprobeDuration`
read ffprobe's JSON, for checking outputs.
"""

from __future__ import annotations

import json
import random
import socket
import struct
import subprocess
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator, Mapping, Sequence

from Kamaelia.Support.DVB.CRC import crc32mpeg2

__all__ = [
    "BASE", "EIT_PID", "PACKET_SIZE", "SDT_PID", "TDT_PID",
    "Service", "ServiceInfo", "Multiplex", "makeMultiplex",
    "Programme", "InsertedSection", "InsertedTables", "insertEIT", "presentFollowing",
    "eitSection", "tdtSection", "shortEventDescriptor", "extendedEventDescriptors",
    "dvbText", "mjdTime", "bcdDuration", "packetise", "packetTimes", "pcrs", "sections",
    "withJunk", "dropPackets", "corruptSection",
    "UDPStreamer", "RTPStreamer",
    "ffprobeJson", "ffprobeStreams", "ffprobePrograms", "ffprobeDuration",
]

PACKET_SIZE = 188
SYNC = 0x47
SDT_PID = 0x11
EIT_PID = 0x12
TDT_PID = 0x14
EIT_PF_ACTUAL = 0x4E
TDT_TABLE = 0x70

#: The UTC time of stream time 0 unless told otherwise: schedules are written
#: as ``BASE + timedelta(seconds=...)``.
BASE = datetime(2024, 3, 1, 19, 0, 0, tzinfo=timezone.utc)

PCR_HZ = 27_000_000
_PCR_WRAP = (1 << 33) * 300
_MJD_EPOCH = date(1858, 11, 17)
_FFMPEG_TIMEOUT = 120

_PICTURES = ("testsrc2", "smptebars", "testsrc", "rgbtestsrc", "smptehdbars",
             "pal75bars", "yuvtestsrc", "pal100bars")
_CODECS = {"mpeg2video": ["-c:v", "mpeg2video", "-b:v", "300k"],
           "libx264": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]}
_AUDIO = {"mp2": ["-c:a", "mp2", "-b:a", "64k"], "aac": ["-c:a", "aac", "-b:a", "64k"]}


# ----------------------------------------------------------------- ffprobe
def ffprobeJson(path: str | Path, *options: str) -> dict[str, Any]:
    """ffprobe's JSON for ``path`` with ``options`` (e.g. ``"-show_streams"``)."""
    result = subprocess.run(["ffprobe", "-v", "error", *options, "-of", "json", str(path)],
                            capture_output=True, text=True, timeout=_FFMPEG_TIMEOUT)
    if result.returncode != 0:
        raise RuntimeError(f"ffprobe failed on {str(path)!r}: {result.stderr.strip()}")
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def ffprobeStreams(path: str | Path) -> list[dict[str, Any]]:
    """The streams ffprobe finds in ``path`` (its ``-show_streams`` list)."""
    streams: list[dict[str, Any]] = ffprobeJson(path, "-show_streams").get("streams", [])
    return streams


def ffprobePrograms(path: str | Path) -> list[dict[str, Any]]:
    """The programs ffprobe finds in ``path`` (``-show_programs``: from the
    PAT and PMTs, with ``service_name``/``service_provider`` tags from the SDT)."""
    programs: list[dict[str, Any]] = ffprobeJson(path, "-show_programs").get("programs", [])
    return programs


def ffprobeDuration(path: str | Path) -> float:
    """The duration of ``path`` in seconds, as ffprobe's format section says."""
    return float(ffprobeJson(path, "-show_format")["format"]["duration"])


# --------------------------------------------------------------- packets
def _check(data: bytes) -> None:
    if len(data) % PACKET_SIZE:
        raise ValueError(f"not a whole number of packets: {len(data)} bytes")
    for offset in range(0, len(data), PACKET_SIZE):
        if data[offset] != SYNC:
            raise ValueError(f"no sync byte at packet {offset // PACKET_SIZE}: "
                             f"{data[offset]:#04x}")


def _pid(data: bytes, offset: int) -> int:
    return ((data[offset + 1] & 0x1F) << 8) | data[offset + 2]


def _pcrOf(data: bytes, offset: int) -> int | None:
    """The PCR (27 MHz) carried by the packet at ``offset``, if any."""
    if not data[offset + 3] & 0x20 or data[offset + 4] == 0 or not data[offset + 5] & 0x10:
        return None
    b = data[offset + 6:offset + 12]
    base = (b[0] << 25) | (b[1] << 17) | (b[2] << 9) | (b[3] << 1) | (b[4] >> 7)
    return base * 300 + (((b[4] & 1) << 8) | b[5])


def pcrs(data: bytes, pid: int | None = None) -> list[tuple[int, int]]:
    """``(packet index, PCR in 27 MHz ticks)`` for each PCR on ``pid`` (default:
    the first PID that carries one), unwrapped past the 33-bit wrap."""
    found: list[tuple[int, int]] = []
    previous = None
    wraps = 0
    for offset in range(0, len(data) - PACKET_SIZE + 1, PACKET_SIZE):
        pcr = _pcrOf(data, offset)
        if pcr is None:
            continue
        if pid is None:
            pid = _pid(data, offset)
        elif _pid(data, offset) != pid:
            continue
        if previous is not None and pcr < previous - _PCR_WRAP // 2:
            wraps += 1
        previous = pcr
        found.append((offset // PACKET_SIZE, pcr + wraps * _PCR_WRAP))
    return found


def packetTimes(data: bytes) -> list[float]:
    """The stream time of each packet of ``data`` (see the module's docstring)."""
    count = len(data) // PACKET_SIZE
    marks = pcrs(data)
    if not marks:
        raise ValueError("the stream carries no PCR")
    first = marks[0][1]
    times = [0.0] * count
    for (i0, p0), (i1, p1) in zip(marks, marks[1:]):
        step = (p1 - p0) / (i1 - i0) / PCR_HZ
        start = (p0 - first) / PCR_HZ
        for i in range(i0, i1):
            times[i] = start + (i - i0) * step
    last, lastPcr = marks[-1]
    for i in range(last, count):
        times[i] = (lastPcr - first) / PCR_HZ
    return times


def packetise(pid: int, tableSections: Sequence[bytes], continuity: int = 0) -> tuple[bytes, int]:
    """``(packets, next continuity counter)``: ``tableSections`` one after the
    other in PSI packets of ``pid``, the first counter ``continuity``."""
    packets, continuity, _ = _packetise(pid, tableSections, continuity)
    return packets, continuity


def _packetise(pid: int, tableSections: Sequence[bytes],
               continuity: int) -> tuple[bytes, int, list[int]]:
    """:func:`packetise`, also saying in which packet each section starts."""
    stream = b"".join(tableSections)
    starts: list[int] = []
    at = 0
    for section in tableSections:
        starts.append(at)
        at += len(section)
    packets = bytearray()
    firstPackets: list[int] = []
    pos = 0
    while pos < len(stream):
        index = bisect_right(starts, pos - 1)       # the first start at or after pos
        nextStart = starts[index] if index < len(starts) else None
        if nextStart is not None and nextStart - pos < PACKET_SIZE - 5:
            # A section begins in this packet: say where (pointer_field).
            payload = bytes([nextStart - pos]) + stream[pos:pos + PACKET_SIZE - 5]
            end = pos + PACKET_SIZE - 5
            unitStart = 0x40
        elif nextStart is not None and nextStart - pos == PACKET_SIZE - 5:
            # The next section would begin at the very last byte, where no
            # pointer_field can reach it: end this packet one byte early
            # (stuffing) and start the section in the next one.
            payload = stream[pos:nextStart]
            end = nextStart
            unitStart = 0
        else:
            payload = stream[pos:pos + PACKET_SIZE - 4]
            end = pos + PACKET_SIZE - 4
            unitStart = 0
        while len(firstPackets) < len(starts) and starts[len(firstPackets)] < end:
            firstPackets.append(len(packets) // PACKET_SIZE)
        packets += bytes([SYNC, unitStart | (pid >> 8), pid & 0xFF, 0x10 | continuity])
        packets += payload + b"\xff" * (PACKET_SIZE - 4 - len(payload))
        continuity = (continuity + 1) & 0x0F
        pos = end
    return bytes(packets), continuity, firstPackets


@dataclass(frozen=True)
class _Section:
    data: bytes
    offsets: tuple[int, ...]        # the file offset of each of its bytes
    packetIndex: int                # the packet its first byte is in


def _located(data: bytes, pid: int) -> Iterator[_Section]:
    buffer = bytearray()
    where: list[int] = []
    collecting = False

    def drain() -> Iterator[_Section]:
        nonlocal buffer, where, collecting
        while collecting and len(buffer) >= 1:
            if buffer[0] == 0xFF:               # stuffing to the end of the packet
                collecting = False
                buffer, where = bytearray(), []
                return
            if len(buffer) < 3:
                return
            length = 3 + (((buffer[1] & 0x0F) << 8) | buffer[2])
            if len(buffer) < length:
                return
            yield _Section(bytes(buffer[:length]), tuple(where[:length]),
                           where[0] // PACKET_SIZE)
            del buffer[:length]
            del where[:length]

    for offset in range(0, len(data) - PACKET_SIZE + 1, PACKET_SIZE):
        if data[offset] != SYNC or _pid(data, offset) != pid or not data[offset + 3] & 0x10:
            continue
        start = offset + 4
        if data[offset + 3] & 0x20:
            start += 1 + data[offset + 4]
        end = offset + PACKET_SIZE
        if start >= end:
            continue
        if data[offset + 1] & 0x40:
            pointer = data[start]
            tail = range(start + 1, min(start + 1 + pointer, end))
            if collecting:
                buffer += data[tail.start:tail.stop]
                where += tail
                yield from drain()
            buffer, where = bytearray(), []
            collecting = True
            body = range(start + 1 + pointer, end)
        elif collecting:
            body = range(start, end)
        else:
            continue
        buffer += data[body.start:body.stop]
        where += body
        yield from drain()      # (what is left goes on in the next packet)


def sections(data: bytes, pid: int) -> list[bytes]:
    """The whole sections carried on ``pid``, in order (no CRC check)."""
    return [found.data for found in _located(data, pid)]


# ------------------------------------------------------------ damage
def withJunk(data: bytes, every: int, size: int, seed: int = 18) -> bytes:
    """``data`` with ``size`` junk bytes inserted after every ``every``-th
    packet (after packets every, 2 every, ...). The junk is pseudo-random
    (from ``seed``, different each time), so it holds a stray 0x47 now and
    then, as real junk does."""
    if every < 1 or size < 1:
        raise ValueError(f"every and size must be at least 1, not {every!r} and {size!r}")
    _check(data)
    rng = random.Random(seed)
    out = bytearray()
    step = every * PACKET_SIZE
    for offset in range(0, len(data), step):
        chunk = data[offset:offset + step]
        out += chunk
        if len(chunk) == step:
            out += rng.randbytes(size)
    return bytes(out)


def dropPackets(data: bytes, pid: int, every: int) -> bytes:
    """``data`` without the ``every``-th, 2 ``every``-th, ... packet of ``pid``."""
    if every < 1:
        raise ValueError(f"every must be at least 1, not {every!r}")
    _check(data)
    out = bytearray()
    seen = 0
    for offset in range(0, len(data), PACKET_SIZE):
        if _pid(data, offset) == pid:
            seen += 1
            if seen % every == 0:
                continue
        out += data[offset:offset + PACKET_SIZE]
    return bytes(out)


def corruptSection(data: bytes, pid: int, nth: int) -> bytes:
    """``data`` with one byte flipped (XOR 0xFF) in the middle of the ``nth``
    section (from 0) carried on ``pid``, so that its CRC fails. The byte is
    never one of the first three, so the table id and section length stay."""
    _check(data)
    for index, found in enumerate(_located(data, pid)):
        if index == nth:
            where = found.offsets[max(3, len(found.data) // 2)]
            damaged = bytearray(data)
            damaged[where] ^= 0xFF
            return bytes(damaged)
    raise ValueError(f"PID {pid:#x} carries fewer than {nth + 1} sections")


# ------------------------------------------------------------- the multiplex
@dataclass(frozen=True)
class Service:
    """Service(serviceId, name, provider): a service to make."""
    serviceId: int
    name: str
    provider: str


@dataclass(frozen=True)
class ServiceInfo:
    """A service of a made multiplex, as ffprobe reports it."""
    serviceId: int
    name: str
    provider: str
    pmtPid: int
    pcrPid: int
    videoPid: int
    audioPid: int
    videoCodec: str
    audioCodec: str


@dataclass(frozen=True)
class Multiplex:
    """What :func:`makeMultiplex` made."""
    path: Path
    services: tuple[ServiceInfo, ...]
    duration: float                 # ffprobe's format duration, seconds
    startTime: float                # ffprobe's format start_time (first PTS), seconds
    transportStreamId: int
    originalNetworkId: int
    pcrPid: int                     # the PID whose PCRs define stream time
    firstPcr: int                   # 27 MHz ticks: stream time 0
    lastPcr: int

    @property
    def span(self) -> float:
        """Stream time of the last PCR: how long the stream takes to play out."""
        return (self.lastPcr - self.firstPcr) / PCR_HZ

    def clockAt(self, t: float) -> float:
        """The PCR clock (the PTS time scale), in seconds, at stream time ``t``."""
        return self.firstPcr / PCR_HZ + t

    def service(self, name: str) -> ServiceInfo:
        for info in self.services:
            if info.name == name:
                return info
        raise KeyError(f"no service named {name!r} in {[s.name for s in self.services]}")


def makeMultiplex(path: str | Path, services: Sequence[Service | tuple[int, str, str]],
                  seconds: float = 6.0, size: tuple[int, int] = (320, 180), rate: int = 25,
                  codec: str = "mpeg2video", audio: str = "mp2",
                  transportStreamId: int = 0x1044, originalNetworkId: int = 0x233A) -> Multiplex:
    """Make a transport stream at ``path`` carrying ``services`` (one ffmpeg
    run) and return what ffprobe finds in it. ``codec``: "mpeg2video" or
    "libx264"; ``audio``: "mp2" or "aac". A GOP is one second long."""
    wanted = [item if isinstance(item, Service) else Service(*item) for item in services]
    if not 1 <= len(wanted) <= len(_PICTURES):
        raise ValueError(f"from 1 to {len(_PICTURES)} services, not {len(wanted)}")
    ids = [item.serviceId for item in wanted]
    if len(set(ids)) != len(ids) or not all(1 <= sid <= 0xFFFF for sid in ids):
        raise ValueError(f"service ids must be distinct, from 1 to 65535: {ids!r}")
    if codec not in _CODECS:
        raise ValueError(f"codec must be one of {sorted(_CODECS)}, not {codec!r}")
    if audio not in _AUDIO:
        raise ValueError(f"audio must be one of {sorted(_AUDIO)}, not {audio!r}")
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, not {seconds!r}")
    path = Path(path)
    width, height = size
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y"]
    for i in range(len(wanted)):
        command += ["-f", "lavfi", "-i",
                    f"{_PICTURES[i]}=size={width}x{height}:rate={rate}:duration={seconds}",
                    "-f", "lavfi", "-i",
                    f"sine=frequency={300 + 200 * i}:sample_rate=48000:duration={seconds}"]
    for i in range(len(wanted)):
        command += ["-map", f"{2 * i}:v", "-map", f"{2 * i + 1}:a"]
    command += [*_CODECS[codec], "-g", str(rate), *_AUDIO[audio]]
    for i, item in enumerate(wanted):
        # (names go in as metadata, not -program's title=, where a ':' would split)
        command += ["-program", f"program_num={item.serviceId}:st={2 * i}:st={2 * i + 1}",
                    f"-metadata:p:{i}", f"service_name={item.name}",
                    f"-metadata:p:{i}", f"service_provider={item.provider}",
                    "-streamid", f"{2 * i}:{0x100 * (i + 1) + 1}",
                    "-streamid", f"{2 * i + 1}:{0x100 * (i + 1) + 2}"]
    command += ["-mpegts_transport_stream_id", str(transportStreamId),
                "-mpegts_original_network_id", str(originalNetworkId),
                "-mpegts_pmt_start_pid", str(0x1000), "-mpegts_flags", "+resend_headers",
                "-fflags", "+bitexact", "-f", "mpegts", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=_FFMPEG_TIMEOUT)
    if result.returncode != 0:
        raise RuntimeError(f"ffmpeg failed ({result.returncode}): {result.stderr.strip()}")
    probe = ffprobeJson(path, "-show_programs", "-show_format")
    found = []
    for program in probe.get("programs", []):
        streams = {stream["codec_type"]: stream for stream in program["streams"]}
        tags = program.get("tags", {})
        found.append(ServiceInfo(
            serviceId=program["program_num"], name=tags.get("service_name", ""),
            provider=tags.get("service_provider", ""), pmtPid=program["pmt_pid"],
            pcrPid=program["pcr_pid"], videoPid=int(streams["video"]["id"], 16),
            audioPid=int(streams["audio"]["id"], 16),
            videoCodec=streams["video"]["codec_name"], audioCodec=streams["audio"]["codec_name"]))
    data = path.read_bytes()
    _check(data)
    marks = pcrs(data)
    if not marks:
        raise RuntimeError(f"ffmpeg wrote no PCR into {str(path)!r}")
    return Multiplex(path=path, services=tuple(found),
                     duration=float(probe["format"]["duration"]),
                     startTime=float(probe["format"]["start_time"]),
                     transportStreamId=_tableIdExtension(data, 0x00, 0x00),
                     originalNetworkId=_originalNetworkId(data), pcrPid=_pid(data, marks[0][0] * PACKET_SIZE),
                     firstPcr=marks[0][1], lastPcr=marks[-1][1])


def _tableIdExtension(data: bytes, pid: int, tableId: int) -> int:
    for section in sections(data, pid):
        if section[0] == tableId and len(section) >= 5:
            return (section[3] << 8) | section[4]
    raise ValueError(f"no table {tableId:#04x} on PID {pid:#x}")


def _originalNetworkId(data: bytes) -> int:
    for section in sections(data, SDT_PID):
        if section[0] == 0x42 and len(section) >= 10:
            return (section[8] << 8) | section[9]
    raise ValueError("no SDT actual (table 0x42) on PID 0x11")


def _serviceIds(data: bytes) -> list[int]:
    for section in sections(data, 0x00):
        if section[0] == 0x00:
            loop = section[8:-4]
            ids = [(loop[i] << 8) | loop[i + 1] for i in range(0, len(loop) - 3, 4)]
            return [sid for sid in ids if sid != 0]      # (0: the NIT's entry)
    raise ValueError("no PAT in the stream")


# ------------------------------------------------------------- SI writing
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                   " !\"%&'()*+,-./:;<=>?_")


def dvbText(text: str) -> bytes:
    """``text`` as DVB SI text (EN 300 468 Annex A): as it is if every
    character is one the default table shares with ASCII, else 0x15 + UTF-8."""
    if all(char in _PLAIN for char in text):
        return text.encode("ascii")
    return b"\x15" + text.encode("utf-8")


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _bcd(value: int) -> int:
    return ((value // 10) << 4) | (value % 10)


def mjdTime(when: datetime) -> bytes:
    """The 40-bit UTC time of EN 300 468 Annex C: MJD (16 bits) then hours,
    minutes, seconds in BCD. A naive ``when`` is taken as UTC."""
    when = _utc(when)
    mjd = (when.date() - _MJD_EPOCH).days
    return mjd.to_bytes(2, "big") + bytes([_bcd(when.hour), _bcd(when.minute), _bcd(when.second)])


def bcdDuration(duration: timedelta) -> bytes:
    """A duration as 6 BCD digits, hhmmss (whole seconds, under 100 hours)."""
    total = int(duration.total_seconds())
    if total != duration.total_seconds() or not 0 <= total < 100 * 3600:
        raise ValueError(f"a duration must be whole seconds under 100 hours: {duration!r}")
    return bytes([_bcd(total // 3600), _bcd(total // 60 % 60), _bcd(total % 60)])


def shortEventDescriptor(name: str, text: str, language: str = "eng") -> bytes:
    """A short_event_descriptor (tag 0x4D)."""
    encodedName, encodedText = dvbText(name), dvbText(text)
    body = (language.encode("ascii") + bytes([len(encodedName)]) + encodedName
            + bytes([len(encodedText)]) + encodedText)
    if len(language) != 3 or len(body) > 255:
        raise ValueError(f"the short event {name!r} does not fit one descriptor "
                         f"({len(body)} bytes, at most 255)")
    return bytes([0x4D, len(body)]) + body


def extendedEventDescriptors(text: str, items: Sequence[tuple[str, str]] = (),
                             language: str = "eng") -> list[bytes]:
    """extended_event_descriptors (tag 0x4E) for ``items`` (all in the first)
    and ``text`` (split over as many as it needs, at most 16)."""
    itemBytes = b""
    for description, value in items:
        d, v = dvbText(description), dvbText(value)
        itemBytes += bytes([len(d)]) + d + bytes([len(v)]) + v
    room = 255 - 6          # number, language, length_of_items, text_length
    if len(itemBytes) > room:
        raise ValueError(f"the items do not fit one descriptor ({len(itemBytes)} bytes)")
    chunks: list[bytes] = []
    rest = text
    first = True
    while first or rest:
        space = room - (len(itemBytes) if first else 0)
        take = len(rest)
        while take and len(dvbText(rest[:take])) > space:
            take -= 1
        if rest and not take:
            raise ValueError("no room for the extended text after the items")
        chunks.append(dvbText(rest[:take]) if take else b"")
        rest = rest[take:]
        first = False
    if len(chunks) > 16:
        raise ValueError(f"the extended text needs {len(chunks)} descriptors, at most 16")
    out = []
    for number, chunk in enumerate(chunks):
        loop = itemBytes if number == 0 else b""
        body = (bytes([(number << 4) | (len(chunks) - 1)]) + language.encode("ascii")
                + bytes([len(loop)]) + loop + bytes([len(chunk)]) + chunk)
        out.append(bytes([0x4E, len(body)]) + body)
    return out


@dataclass(frozen=True)
class Programme:
    """Programme(event_id, title, text, start, duration): one EIT event.

    ``start`` is UTC (a naive datetime is taken as UTC), written as an offset
    from the stream's base, e.g. ``BASE + timedelta(seconds=2)``; ``start``
    and ``duration`` are whole seconds (the EIT's resolution). A programme
    with ``extendedText`` or ``items`` also gets extended_event descriptors.
    """
    event_id: int
    title: str
    text: str
    start: datetime
    duration: timedelta
    extendedText: str = ""
    items: tuple[tuple[str, str], ...] = ()
    language: str = "eng"

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    def descriptors(self) -> bytes:
        out = shortEventDescriptor(self.title, self.text, self.language)
        if self.extendedText or self.items:
            out += b"".join(extendedEventDescriptors(self.extendedText, self.items, self.language))
        return out


def eitSection(serviceId: int, transportStreamId: int, originalNetworkId: int,
               version: int, sectionNumber: int, event: Programme | None,
               runningStatus: int = 4, tableId: int = EIT_PF_ACTUAL,
               lastSectionNumber: int = 1) -> bytes:
    """One EIT section (EN 300 468 5.2.4) with ``event`` (or none), its CRC on."""
    body = (serviceId.to_bytes(2, "big") + bytes([0xC1 | ((version & 0x1F) << 1)])
            + bytes([sectionNumber, lastSectionNumber]) + transportStreamId.to_bytes(2, "big")
            + originalNetworkId.to_bytes(2, "big") + bytes([lastSectionNumber, tableId]))
    if event is not None:
        descriptors = event.descriptors()
        body += (event.event_id.to_bytes(2, "big") + mjdTime(event.start)
                 + bcdDuration(event.duration)
                 + ((runningStatus << 13) | len(descriptors)).to_bytes(2, "big") + descriptors)
    length = len(body) + 4
    if length > 4093:
        raise ValueError(f"the EIT section for service {serviceId} is too long ({length + 3} bytes)")
    section = bytes([tableId, 0xF0 | (length >> 8), length & 0xFF]) + body
    return section + crc32mpeg2(section).to_bytes(4, "big")


def tdtSection(when: datetime) -> bytes:
    """A time_date_section (table 0x70; it has no CRC)."""
    return bytes([TDT_TABLE, 0x70, 0x05]) + mjdTime(when)


def presentFollowing(programmes: Sequence[Programme],
                     when: datetime) -> tuple[Programme | None, Programme | None]:
    """The programme covering ``when`` and the one after it (or after ``when``)."""
    when = _utc(when)
    ordered = sorted(programmes, key=lambda p: _utc(p.start))
    for index, programme in enumerate(ordered):
        start = _utc(programme.start)
        if start <= when < start + programme.duration:
            return programme, ordered[index + 1] if index + 1 < len(ordered) else None
        if start > when:
            return None, programme
    return None, None


def _checkSchedule(serviceId: int, programmes: Sequence[Programme]) -> None:
    ordered = sorted(programmes, key=lambda p: _utc(p.start))
    ids = [p.event_id for p in ordered]
    if len(set(ids)) != len(ids) or not all(0 <= eid <= 0xFFFF for eid in ids):
        raise ValueError(f"service {serviceId}: event ids must be distinct 16-bit numbers: {ids!r}")
    for programme in ordered:
        if programme.start.microsecond or programme.duration.microseconds:
            raise ValueError(f"service {serviceId}: {programme.title!r} does not start and "
                             f"last whole seconds")
        bcdDuration(programme.duration)
    for before, after in zip(ordered, ordered[1:]):
        if _utc(after.start) < _utc(before.end):
            raise ValueError(f"service {serviceId}: {after.title!r} starts before "
                             f"{before.title!r} ends")


@dataclass(frozen=True)
class InsertedSection:
    """A section :func:`insertEIT` inserted."""
    time: float                     # stream time where it was inserted
    packetIndex: int                # its first packet's index in the target
    pid: int
    tableId: int
    serviceId: int | None           # (None for the TDT)
    sectionNumber: int
    eventId: int | None             # the event it describes, if any
    version: int
    section: bytes


@dataclass(frozen=True)
class InsertedTables:
    """What :func:`insertEIT` wrote: ``path``, ``base``, and every section inserted."""
    path: Path
    base: datetime
    sections: tuple[InsertedSection, ...] = field(repr=False)

    def eit(self, serviceId: int) -> list[InsertedSection]:
        return [s for s in self.sections if s.serviceId == serviceId]

    def tdt(self) -> list[InsertedSection]:
        return [s for s in self.sections if s.tableId == TDT_TABLE]


def insertEIT(source: str | Path, target: str | Path, schedule: Mapping[int, Sequence[Programme]],
              base: datetime = BASE, interval: float = 0.5, tdtInterval: int = 1,
              pack: bool = True) -> InsertedTables:
    """Write ``target``: the packets of ``source`` plus EIT present/following
    sections for each service in ``schedule`` (service id -> programmes)
    and TDTs (see the module's docstring). ``base`` is the UTC time of
    stream time 0. ``pack=False`` starts every section in a packet of its
    own (ffmpeg's demuxer hands on only the last section completed in a
    packet, so that is the form to check against ffprobe)."""
    if interval <= 0 or tdtInterval < 1:
        raise ValueError(f"interval must be positive and tdtInterval at least 1: "
                         f"{interval!r}, {tdtInterval!r}")
    data = Path(source).read_bytes()
    _check(data)
    present = set(_serviceIds(data))
    unknown = sorted(set(schedule) - present)
    if unknown:
        raise ValueError(f"services {unknown!r} are not in the stream (it has {sorted(present)!r})")
    for pid in (EIT_PID, TDT_PID):
        if any(_pid(data, offset) == pid for offset in range(0, len(data), PACKET_SIZE)):
            raise ValueError(f"the source already carries PID {pid:#x}")
    for serviceId, programmes in schedule.items():
        _checkSchedule(serviceId, programmes)
    tsid = _tableIdExtension(data, 0x00, 0x00)
    onid = _originalNetworkId(data)
    base = _utc(base)
    times = packetTimes(data)

    # Stream times at which a service's present/following pair may change.
    boundaries = {sid: sorted({(_utc(p.start) - base).total_seconds() for p in programmes}
                              | {(_utc(p.end) - base).total_seconds() for p in programmes})
                  for sid, programmes in schedule.items()}
    due = {sid: 0.0 for sid in schedule}
    versions = {sid: -1 for sid in schedule}
    lastPair: dict[int, tuple[Programme | None, Programme | None]] = {}
    continuity = {EIT_PID: 0, TDT_PID: 0}
    nextTdt = 0
    out = bytearray()
    inserted: list[InsertedSection] = []

    def emit(pid: int, t: float, made: list[tuple[bytes, int | None, int, int | None, int]]) -> None:
        for group in [made] if pack else [[one] for one in made]:
            packets, continuity[pid], firsts = _packetise(pid, [m[0] for m in group],
                                                          continuity[pid])
            first = len(out) // PACKET_SIZE
            for (section, sid, number, eventId, version), at in zip(group, firsts):
                inserted.append(InsertedSection(t, first + at, pid, section[0],
                                                sid, number, eventId, version, section))
            out.extend(packets)

    for index, t in enumerate(times):
        if t >= nextTdt:
            second = int(t) // tdtInterval * tdtInterval
            emit(TDT_PID, t, [(tdtSection(base + timedelta(seconds=second)), None, 0, None, 0)])
            nextTdt = second + tdtInterval
        for sid, programmes in schedule.items():
            if t < due[sid]:
                continue
            pair = presentFollowing(programmes, base + timedelta(seconds=t))
            if sid not in lastPair or lastPair[sid] != pair:
                versions[sid] = (versions[sid] + 1) & 0x1F
                lastPair[sid] = pair
            version = versions[sid]
            made: list[tuple[bytes, int | None, int, int | None, int]] = []
            for number, (event, running) in enumerate(zip(pair, (4, 1))):
                made.append((eitSection(sid, tsid, onid, version, number, event, running),
                             sid, number, None if event is None else event.event_id, version))
            emit(EIT_PID, t, made)
            later = bisect_right(boundaries[sid], t)
            due[sid] = t + interval
            if later < len(boundaries[sid]):
                due[sid] = min(due[sid], boundaries[sid][later])
        out += data[index * PACKET_SIZE:(index + 1) * PACKET_SIZE]
    Path(target).write_bytes(out)
    return InsertedTables(Path(target), base, tuple(inserted))


# ------------------------------------------------------------- streaming
def _isMulticast(host: str) -> bool:
    try:
        return 224 <= int(host.split(".")[0]) <= 239
    except ValueError:
        return False


class UDPStreamer:
    """UDPStreamer(path, port, host="127.0.0.1", realtime=True, speed=1.0,
    packetsPerDatagram=7, loop=False, interface="127.0.0.1") -> a sending thread

    Sends the transport stream file ``path`` to ``(host, port)`` as UDP
    datagrams of ``packetsPerDatagram`` packets (the last may be shorter).
    ``realtime``: each datagram leaves at the stream time of its first packet
    divided by ``speed`` after the start (``time.monotonic`` deadlines);
    otherwise as fast as the socket takes them. ``loop``: start again at the
    end (the stream time goes on) until stopped. To a multicast ``host`` it
    sends through ``interface`` with TTL 1 and loopback on.

    ``start()``/``stop()`` or a ``with`` block; ``done`` is set when the
    thread ends (the file sent, or stopped); ``sentBytes`` counts the stream
    bytes sent (headers not counted), ``sentDatagrams`` the datagrams.
    """

    def __init__(self, path: str | Path, port: int, host: str = "127.0.0.1",
                 realtime: bool = True, speed: float = 1.0, packetsPerDatagram: int = 7,
                 loop: bool = False, interface: str = "127.0.0.1") -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        if packetsPerDatagram < 1:
            raise ValueError(f"packetsPerDatagram must be at least 1, not {packetsPerDatagram!r}")
        self.path, self.port, self.host = Path(path), port, host
        self.realtime, self.speed, self.loop = realtime, speed, loop
        self.interface = interface
        self.data = self.path.read_bytes()
        _check(self.data)
        size = packetsPerDatagram * PACKET_SIZE
        self.chunks = [self.data[at:at + size] for at in range(0, len(self.data), size)]
        times = packetTimes(self.data)
        #: the stream time of each datagram (of its first packet)
        self.times = [times[at // PACKET_SIZE] for at in range(0, len(self.data), size)]
        # One more packet interval after the end before a loop starts again.
        perPacket = times[-1] / max(1, len(times) - 1)
        self.cycle = times[-1] + perPacket
        self.done = threading.Event()
        self.sentBytes = 0
        self.sentDatagrams = 0
        self.error: BaseException | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="UDPStreamer", daemon=True)

    def header(self, number: int, streamTime: float) -> bytes:
        """What goes before the packets of datagram ``number`` (nothing, for UDP)."""
        return b""

    def start(self) -> "UDPStreamer":
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop sending and wait for the thread; raise what it raised."""
        self._stopping.set()
        if self._thread.is_alive() or self._thread.ident is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise AssertionError("the streamer's thread did not end")
        if self.error is not None:
            raise self.error

    def __enter__(self) -> "UDPStreamer":
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                if _isMulticast(self.host):
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                                    socket.inet_aton(self.interface))
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
                    sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
                self._send(sock)
        except BaseException as exc:        # noqa: BLE001 - raised again by stop()
            self.error = exc
        finally:
            self.done.set()

    def _send(self, sock: socket.socket) -> None:
        address = (self.host, self.port)
        started = time.monotonic()
        offset = 0.0
        number = 0
        while True:
            for chunk, streamTime in zip(self.chunks, self.times):
                if self._stopping.is_set():
                    return
                if self.realtime:
                    wait = started + (offset + streamTime) / self.speed - time.monotonic()
                    # (the stop event doubles as the sleep, so stop() is prompt)
                    if wait > 0 and self._stopping.wait(wait):
                        return
                sock.sendto(self.header(number, offset + streamTime) + chunk, address)
                number += 1
                self.sentBytes += len(chunk)
                self.sentDatagrams += 1
            if not self.loop:
                return
            offset += self.cycle


class RTPStreamer(UDPStreamer):
    """RTPStreamer(path, port, ..., ssrc=0x4B414D41, firstSequence=0,
    firstTimestamp=0) -> a sending thread

    A :class:`UDPStreamer` whose datagrams start with a 12-byte RTP header
    (RFC 3550: version 2, no padding, extension or CSRCs, marker 0, payload
    type 33 = MP2T per RFC 2250), a sequence number counting up from
    ``firstSequence`` (mod 2**16) and a 90 kHz timestamp of the datagram's
    stream time plus ``firstTimestamp`` (mod 2**32).
    """

    PAYLOAD_TYPE = 33

    def __init__(self, path: str | Path, port: int, host: str = "127.0.0.1",
                 realtime: bool = True, speed: float = 1.0, packetsPerDatagram: int = 7,
                 loop: bool = False, interface: str = "127.0.0.1", ssrc: int = 0x4B414D41,
                 firstSequence: int = 0, firstTimestamp: int = 0) -> None:
        super().__init__(path, port, host, realtime, speed, packetsPerDatagram, loop, interface)
        self.ssrc, self.firstSequence, self.firstTimestamp = ssrc, firstSequence, firstTimestamp

    def header(self, number: int, streamTime: float) -> bytes:
        return struct.pack("!BBHII", 0x80, self.PAYLOAD_TYPE,
                           (self.firstSequence + number) & 0xFFFF,
                           (self.firstTimestamp + round(streamTime * 90_000)) & 0xFFFFFFFF,
                           self.ssrc)

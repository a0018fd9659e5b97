"""What a source carries: its services, their streams, and what is on now and next.

Example Usage
-------------
``kamaelia record scan --source udp://239.1.1.1:1234`` prints::

    transport stream 4164 (network 9018): 2 services
      1  BBC ONE (BBC)   video 0x101 mpeg2  audio 0x102 mp2
         now:  19:00 News -- The news.
         next: 19:30 Weather
      2  BBC TWO (BBC)   video 0x201 mpeg2  audio 0x202 mp2
         now:  18:55 Quiz

From Python, feed a :class:`ServiceScanner` the stream until it is
``complete`` (or a time limit passes) and print :func:`formatScan`::

    from Kamaelia.Apps.TVRecorder.scan import ServiceScanner, formatScan

    scanner = ServiceScanner()
    with open("mux.ts", "rb") as stream:
        while not scanner.complete and (chunk := stream.read(188 * 512)):
            scanner.feed(chunk)
    print(formatScan(scanner))

How does it work?
-----------------
A sans-I/O object, like the recorder: a ``PacketReader`` and a
``SectionAssembler`` take the PAT (PID 0), each PMT the PAT names, the
SDT (0x11) and the present/following EIT (0x12) out of the stream, and
the parsers of ``Kamaelia.Device.DVB.Parse`` read them. ``complete`` is
true once the PAT, every service's PMT and the SDT have been seen and
every service has had its now/next section 0, or two seconds of the
stream's clock (its PCR) have gone by since the rest was complete without
an EIT for every service (a stream with no EIT at all is common for
IPTV). A table that fails its CRC is
skipped; anything else the stream holds is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from Kamaelia.Device.DVB.Parse import TableError
from Kamaelia.Device.DVB.Parse.ParseEventInformationTable import (
    eitTable, parseEITSection, simplifyEIT)
from Kamaelia.Device.DVB.Parse.ParseProgramAssociationTable import (
    parseProgramAssociationTableSection)
from Kamaelia.Device.DVB.Parse.ParseProgramMapTable import (
    AUDIO_STREAM_TYPES, VIDEO_STREAM_TYPES, parseProgramMapTableSection)
from Kamaelia.Device.DVB.Parse.ParseServiceDescriptionTable import (
    parseServiceDescriptionTableSection)
from Kamaelia.Support.DVB.TransportStream import (
    PACKET_SIZE, PacketReader, SectionAssembler, StreamClock)

__all__ = ["ScannedService", "ServiceScanner", "formatScan", "STREAM_TYPES", "EIT_PATIENCE"]

#: Names of the common stream types (ISO/IEC 13818-1 table 2-34 and DVB use).
STREAM_TYPES = {0x01: "mpeg1", 0x02: "mpeg2", 0x03: "mp2", 0x04: "mp2", 0x06: "private",
                0x0F: "aac", 0x10: "mpeg4", 0x11: "aac-latm", 0x1B: "h264", 0x24: "hevc",
                0x33: "vvc", 0x81: "ac3", 0x87: "eac3"}
_SERVICE_DESCRIPTOR = 0x48
#: Seconds of stream after the PAT, PMTs and SDT before services without
#: now/next are taken to have none.
EIT_PATIENCE = 2.0


@dataclass
class ScannedService:
    """One service: ids, names, streams ((pid, type name) pairs) and now/next events."""

    serviceId: int
    pmtPid: int
    name: str = ""
    provider: str = ""
    streams: list[tuple[int, str]] = field(default_factory=list)
    now: dict[str, Any] | None = None
    next: dict[str, Any] | None = None


class ServiceScanner:
    """ServiceScanner() -> finds the services of a transport stream (sans-I/O)

    ``feed(data)`` chunks of stream; ``services`` (service id ->
    :class:`ScannedService`), ``transportStreamId``, ``originalNetworkId``
    and ``complete`` say what has been found.
    """

    def __init__(self) -> None:
        self.reader = PacketReader()
        self.tables = SectionAssembler()
        self.services: dict[int, ScannedService] = {}
        self.transportStreamId: int | None = None
        self.originalNetworkId: int | None = None
        self.tableErrors = 0
        self._patSeen = self._sdtSeen = False
        self._pmts: dict[int, int] = {}        # PMT PID -> service id
        self._pmtSeen: set[int] = set()
        self.clock = StreamClock()
        self._tablesDoneAt: float | None = None   # stream time when the rest was complete
        self._waited = 0.0                      # seconds of stream since then

    @property
    def complete(self) -> bool:
        if not (self._patSeen and self._sdtSeen and self._pmtSeen >= set(self.services)):
            return False
        if all(service.now is not None for service in self.services.values()):
            return True
        return self._waited >= EIT_PATIENCE

    def feed(self, data: bytes | bytearray | memoryview) -> None:
        wanted = {0x00, 0x11, 0x12, *self._pmts}
        for packet in self.reader.feed(data):
            pid = (packet[1] & 0x1F) << 8 | packet[2]
            if packet[3] & 0x20:
                self._tick(packet)
            if pid not in wanted:
                continue
            for section in self.tables.feed(packet):
                try:
                    self._section(pid, section)
                except TableError:
                    self.tableErrors += 1
                wanted = {0x00, 0x11, 0x12, *self._pmts}

    def _tick(self, packet: bytes) -> None:
        self.clock.feed(packet)
        if not (self._patSeen and self._sdtSeen and self._pmtSeen >= set(self.services)):
            self._tablesDoneAt = None
        elif self._tablesDoneAt is None:
            self._tablesDoneAt = self.clock.seconds
        else:
            self._waited = self.clock.seconds - self._tablesDoneAt

    def _section(self, pid: int, section: bytes) -> None:
        tableId = section[0]
        if pid == 0x00 and tableId == 0x00:
            pat = parseProgramAssociationTableSection(section)
            self.transportStreamId = pat["transport_stream_id"]
            for programs in pat["transport_streams"].values():
                for serviceId, pmtPid in programs.items():
                    self._pmts[pmtPid] = serviceId
                    self.services.setdefault(serviceId, ScannedService(serviceId, pmtPid))
            self._patSeen = True
        elif pid in self._pmts and tableId == 0x02:
            pmt = parseProgramMapTableSection(section)
            for serviceId, info in pmt["services"].items():
                service = self.services.get(serviceId)
                if service is not None:
                    service.streams = [(s["pid"], _streamName(s)) for s in info["streams"]]
                    self._pmtSeen.add(serviceId)
        elif pid == 0x11 and tableId == 0x42:
            sdt = parseServiceDescriptionTableSection(section)
            self.originalNetworkId = sdt["original_network_id"]
            for serviceId, info in sdt["services"].items():
                for tag, descriptor in info.get("descriptors", ()):
                    if tag == _SERVICE_DESCRIPTOR:
                        service = self.services.setdefault(serviceId,
                                                           ScannedService(serviceId, -1))
                        service.name = descriptor.get("service_name", "")
                        service.provider = descriptor.get("service_provider_name", "")
            self._sdtSeen = True
        elif pid == 0x12 and tableId == 0x4E:
            for event in simplifyEIT(eitTable(parseEITSection(section))):
                service = self.services.get(event["service"])
                if service is not None and event["when"] in ("NOW", "NEXT"):
                    setattr(service, event["when"].lower(), event)


def _streamName(stream: dict[str, Any]) -> str:
    kind = stream["type"]
    name = STREAM_TYPES.get(kind, f"type {kind:#04x}")
    if kind in VIDEO_STREAM_TYPES:
        return f"video {stream['pid']:#x} {name}"
    if kind in AUDIO_STREAM_TYPES or any(tag in (0x6A, 0x7A, 0x7B, 0x7C)
                                         for tag, _ in stream["descriptors"]):
        return f"audio {stream['pid']:#x} {name if kind != 0x06 else 'ac3/dts/aac'}"
    if any(tag == 0x59 for tag, _ in stream["descriptors"]):
        return f"subtitles {stream['pid']:#x}"
    if any(tag == 0x56 for tag, _ in stream["descriptors"]):
        return f"teletext {stream['pid']:#x}"
    return f"data {stream['pid']:#x} {name}"


def _event(label: str, event: dict[str, Any] | None) -> str:
    if event is None:
        return ""
    start = event.get("start")
    clock = start.strftime("%H:%M") if isinstance(start, datetime) else "--:--"
    text = f" -- {event['description']}" if event.get("description") else ""
    return f"     {label} {clock} {event.get('name') or 'untitled'}{text}\n"


def formatScan(scanner: ServiceScanner) -> str:
    """The services found, one block each, as ``kamaelia record scan`` prints them."""
    services = sorted(scanner.services.values(), key=lambda s: s.serviceId)
    network = "" if scanner.originalNetworkId is None else \
        f" (network {scanner.originalNetworkId})"
    tsid = "?" if scanner.transportStreamId is None else scanner.transportStreamId
    lines = [f"transport stream {tsid}{network}: {len(services)} "
             f"service{'s' if len(services) != 1 else ''}\n"]
    for service in services:
        label = service.name or "(no name in the SDT)"
        if service.provider:
            label += f" ({service.provider})"
        streams = "  ".join(name for _pid, name in service.streams)
        lines.append(f"  {service.serviceId:<4} {label}   {streams}\n")
        lines.append(_event("now: ", service.now))
        lines.append(_event("next:", service.next))
    if not services:
        lines.append(f"  nothing found in {scanner.reader.packets} packets"
                     f" ({scanner.reader.packets * PACKET_SIZE / 1e6:.1f} MB)\n")
    return "".join(lines)

"""sources: where the TV recorder's transport stream comes from -- UDP, RTP, HTTP, files, DVB.

Example Usage
-------------
Replay a recording (here 100 null packets made on the spot) into a copy,
printing what the source says as it goes::

    import os, tempfile
    from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.File.Writing import SimpleFileWriter
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer

    folder = tempfile.mkdtemp()
    replay, copy = os.path.join(folder, "replay.ts"), os.path.join(folder, "copy.ts")
    with open(replay, "wb") as f:
        f.write((b"\\x47\\x1f\\xff\\x10" + bytes(184)) * 100)

    Graphline(
        SOURCE=TransportStreamSource("file:" + replay),
        COPY=SimpleFileWriter(copy),
        LINES=PureTransformer(lambda line: line + "\\n"),
        SHOW=ConsoleEchoer(),
        linkages={("SOURCE", "outbox"): ("COPY", "inbox"),
                  ("SOURCE", "status"): ("LINES", "inbox"),
                  ("LINES", "outbox"): ("SHOW", "inbox"),
                  ("SOURCE", "signal"): ("COPY", "control"),
                  ("COPY", "signal"): ("LINES", "control"),
                  ("LINES", "signal"): ("SHOW", "control")},
    ).run()
    assert open(copy, "rb").read() == open(replay, "rb").read()

It prints ``file:/tmp/.../replay.ts: started: reading /tmp/.../replay.ts``,
then ``...: receiving`` and ``...: ended: end of file (18800 bytes)``. The
same component listens to an IPTV multicast group (joined on the interface
with the address 192.168.1.20), follows a Tvheadend stream over HTTP, or
tunes a DVB adapter, and keeps at it when the stream stops::

    from Kamaelia.Apps.TVRecorder.sources import TransportStreamSource

    sources = [
        TransportStreamSource("udp://239.1.1.1:1234?iface=192.168.1.20"),
        TransportStreamSource("rtp://239.1.1.1:5004", stallTimeout=2.0),
        TransportStreamSource("http://tvheadend.local:9981/stream/channel/0123abcd"),
        TransportStreamSource("dvb://BBC ONE?adapter=0&conf=/etc/channels.conf",
                              retry=(5, 10, 30)),
        TransportStreamSource("file:replay.ts?realtime=1"),
    ]
    for source in sources:              # made, not started: nothing is opened yet
        print(source.spec.kind, source.spec.text)

How does it work?
-----------------
:func:`parseSource` turns the text of a source into a :class:`SourceSpec`
(a ``ValueError`` naming the bad part otherwise):

* ``udp://[HOST]:PORT`` -- UDP datagrams whose payload is transport stream
  (7 packets each, as IPTV sends them). A multicast ``HOST`` is joined
  (``IP_ADD_MEMBERSHIP``) on the interface ``?iface=ADDRESS`` (IPv4; an
  interface name or index for IPv6), or the one the routes choose. Any
  other ``HOST`` is the local address to listen on; none (``udp://:1234``)
  means every interface. ``udp://@239.1.1.1:1234`` (VLC's spelling) is
  accepted too, and IPv6 goes in brackets (``udp://[ff15::1]:1234``).
* ``rtp://[HOST]:PORT`` -- the same, each datagram an RTP packet (RFC 3550)
  carrying transport stream (RFC 2250): see :class:`RTPDepacketiser`.
* ``http://...`` and ``https://...`` -- the body of the response to a GET
  is the stream (HDHomeRun, Tvheadend, ``ffmpeg -listen``...).
* ``file:PATH``, ``file:///PATH`` or a plain ``PATH`` -- a recording, read
  as fast as the consumer takes it, or at the pace of its PCRs with
  ``?realtime=1``. The end of the file is the end of the source.
* ``dvb://CHANNEL?adapter=N&conf=PATH`` -- the whole multiplex that carries
  ``CHANNEL`` (its name in the ``channels.conf`` at ``PATH``; without
  ``conf``, the ``channels.conf`` found on 1.14's search path), through
  :class:`Kamaelia.Device.DVB.Core.DVB_Multiplex` on adapter ``N`` (0 if
  not given). A name with ``?``, ``&`` or ``%`` in it is written with
  ``%``-escapes (``%3F``, ``%26``, ``%25``).

:class:`TransportStreamSource` runs one *feed* at a time -- a child
component that does the I/O, each the library's own: a
:class:`~Kamaelia.Internet.Multicast_receiver.Multicast_receiver` or a
:class:`~Kamaelia.Internet.UDP.BasicPeer` for UDP and RTP, a
:class:`~Kamaelia.Protocol.HTTP.HTTPClient.SingleShotHTTPClient` for HTTP,
a :class:`~Kamaelia.File.MaxSpeedFileReader.MaxSpeedFileReader` for files,
a ``DVB_Multiplex`` (imported when first needed) for DVB -- and passes what
it receives on out of ``"outbox"`` as ``bytes``: what arrived together
joined into one message of up to 64 KiB, packets not realigned (the demux
finds sync). It watches over the feed:

* **Stalls.** A network or DVB source that delivers nothing for
  ``stallTimeout`` seconds has *stalled*. The feed is closed and made
  afresh: an HTTP source reconnects, a DVB source tunes again, and a UDP
  or RTP source opens a new socket and joins its group again (which helps
  when a switch has forgotten the membership).
* **Failures.** A feed that ends or fails (the connection dropped, the
  server answered 404 or ended the response, a socket could not be bound,
  no DVB adapter) is made afresh the same way. A live HTTP stream does not
  end, so a response that ends is retried too: read a finite recording as
  a ``file:``.
* **Retries** wait ``retry[0]`` seconds after the first failure,
  ``retry[1]`` after the second, and so on, then the last value for ever
  (``maxAttempts`` consecutive failed attempts give up instead, if given).
  A UDP or RTP source that stalled waits with its new socket already open
  -- a datagram that comes during the wait is not lost -- and makes the
  next socket when the wait ends without data. Data coming in again is a
  *recovery*, and the count starts again from ``retry[0]``.
* **Pace.** ``?realtime=1`` holds each piece of a file back until the
  stream time of its PCR (see :class:`PCRPacer`) has passed since the
  start; one that falls more than a second behind carries on from where it
  is rather than rushing to catch up.
* **Back-pressure.** While ``outboxLimit`` messages (default 64) wait in
  the consumer's inbox, or its inbox is full, the source takes nothing more
  from its feed: a file reader then stops reading and an HTTP connection
  stops being read (so TCP slows the server), while UDP datagrams pile up
  (4096 of them here, then in the kernel's buffer) until the kernel drops
  them, as UDP does. Data waiting to be passed on is not a stall.

Each change of state is one short line out of ``"status"`` (``str``, the
source's text first, e.g. ``udp://239.1.1.1:1234: stalled: no data for 5
s``) and in the log (logger ``Kamaelia.Apps.TVRecorder.sources``): ``started:
...``, ``receiving``, ``stalled: no data for T s``, ``failed: REASON``,
``retrying in T s (attempt N)`` (UDP and RTP: ``retrying: listening again
(attempt N), next retry in T s``), ``recovered after T s``, ``ended: end of
file (N bytes)``, ``gave up after N attempts: REASON`` (or ``gave up:
REASON`` when retrying cannot help) and ``stopped``. With
``reportInterval`` it also says ``receiving R KB/s (T MB in all)`` that
often (logged at DEBUG only). :meth:`TransportStreamSource.statistics`
counts bytes, attempts, stalls, failures and RTP packets lost. Each
source is a component of its own, so several run side by side (one per
tuner, multicast group or server), each reporting on its own.

Shutdown: ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` stops it at once: the feed is told to stop and waited for
(so its socket, connection, file or adapter is closed), then the message
is passed on out of ``"signal"``. At the end of a file, and on giving up,
it sends ``producerFinished`` out of ``"signal"``; a file that cannot be
read, a ``channels.conf`` that cannot be read or does not have the
channel, are given up at once (retrying would not help). Nothing is
retried after the end of a file.

What it does not do: reorder RTP packets (a late one is dropped and
counted; the stream goes on), forward error correction (SMPTE 2022-1),
parse the stream, or enlarge a UDP socket's receive buffer (the system's
default, often about 200 KB, holds under a tenth of a second of a busy
multiplex: raise ``net.core.rmem_default`` if the scheduler has other
heavy work). DVB sources have not been tried on a real adapter
(see :mod:`Kamaelia.Device.DVB.Tuner`).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import re
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Generator, Iterator, Sequence
from urllib.parse import unquote, urlsplit

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess, shutdownRequest
from Kamaelia.File.MaxSpeedFileReader import MaxSpeedFileReader
from Kamaelia.File.messages import fileError
from Kamaelia.Internet.Multicast_receiver import Multicast_receiver
from Kamaelia.Internet.UDP import BasicPeer
from Kamaelia.Protocol.HTTP.HTTPClient import (ParsedHTTPBodyChunk, ParsedHTTPEnd,
                                               ParsedHTTPError, ParsedHTTPHeader,
                                               SingleShotHTTPClient)
from Kamaelia.Support.DVB.TransportStream import (ALL_PIDS, PacketReader, TransportStreamError,
                                                  packetHeader)
from Kamaelia._logthrottle import RepeatLimiter

__all__ = ["SourceSpec", "parseSource", "TransportStreamSource", "SourceStatistics",
           "RTPPacket", "RTPError", "parseRTP", "RTPDepacketiser", "PCRPacer"]

log = logging.getLogger("Kamaelia.Apps.TVRecorder.sources")
#: RTP losses come in bursts: the first is logged at once, then a count every 10 s.
repeats = RepeatLimiter(log)

KINDS = ("udp", "rtp", "http", "file", "dvb")

#: What arrived together is passed on as one message of up to this many bytes.
JOIN_LIMIT = 64 * 1024
#: Messages that may wait from the feed (UDP: about 5 MB of datagrams).
FEED_LIMIT = 4096
#: The file reader's chunk: 512 packets (96,256 bytes).
FILE_CHUNK = 512 * 188
#: Seconds a feed told to stop is waited for before the source goes on without it.
CLOSE_WAIT = 5.0
#: A paced file more than this many seconds behind its schedule keeps pace from there.
MAX_LATE = 1.0

_now = time.monotonic


# ================================================================ the text of a source

@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What :func:`parseSource` found in the text of a source.

    - kind      -- ``"udp"``, ``"rtp"``, ``"http"``, ``"file"`` or ``"dvb"``
    - text      -- the text it was read from (white space trimmed)
    - host      -- udp/rtp: the group or local address ("" for every interface)
    - port      -- udp/rtp: the port to listen on
    - interface -- udp/rtp multicast: the interface to join on (None: the routes')
    - url       -- http (and https): the URL to GET
    - path      -- file: the file
    - realtime  -- file: pace by the PCRs (False: as fast as the consumer takes it)
    - channel   -- dvb: the channel's name in the channels.conf
    - adapter   -- dvb: the adapter number (``/dev/dvb/adapterN``)
    - conf      -- dvb: the channels.conf (None: 1.14's search path)
    """

    kind: str
    text: str
    host: str = ""
    port: int = 0
    interface: str | None = None
    url: str = ""
    path: str = ""
    realtime: bool = False
    channel: str = ""
    adapter: int = 0
    conf: str | None = None

    @property
    def multicast(self) -> bool:
        """True for a udp/rtp source whose host is a multicast group."""
        return bool(self.host) and ipaddress.ip_address(self.host).is_multicast


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(//)?")
_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True,
             "0": False, "false": False, "no": False, "off": False}
_DIGITS = re.compile(r"[0-9]+")
_INTERFACE_NAME = re.compile(r"[A-Za-z0-9_.:@-]{1,15}")


def parseSource(text: str) -> SourceSpec:
    """parseSource(text) -> the SourceSpec of ``text`` (see the module's docstring)

    Raises ``ValueError`` naming what is wrong (``TypeError`` if ``text`` is not a str).
    """
    if not isinstance(text, str):
        raise TypeError(f"a source is given as text, not {text!r}")
    text = text.strip()
    if not text:
        raise ValueError("a source must not be empty")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise ValueError(f"a source must not contain control characters: {text!r}")
    match = _SCHEME.match(text)
    if match is None or (match.group(1).lower() not in KINDS + ("https",)
                         and not match.group(2)):
        return _fileSource(text, text)         # a plain path (C:x or a:b are paths too)
    scheme = match.group(1).lower()
    rest = text[match.end():]
    if scheme in ("udp", "rtp"):
        return _datagramSource(scheme, text, rest, slashes=bool(match.group(2)))
    if scheme in ("http", "https"):
        return _httpSource(text, slashes=bool(match.group(2)))
    if scheme == "file":
        return _fileSource(text, _fileUriPath(text, rest) if match.group(2) else rest)
    if scheme == "dvb":
        return _dvbSource(text, rest, slashes=bool(match.group(2)))
    raise ValueError(f"unknown kind of source {scheme!r} in {text!r}: it must be one of "
                     f"udp://, rtp://, http://, https://, file: or dvb://")


def _options(text: str, query: str, allowed: Sequence[str]) -> dict[str, str]:
    """``name=value`` pairs of ``query`` (values %-decoded; a ``+`` stays a ``+``, as
    paths need), each name one of ``allowed``, none twice."""
    if not query:
        return {}
    found: dict[str, str] = {}
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if not equals or not name:
            raise ValueError(f"the options {query!r} of {text!r} are not name=value pairs "
                             f"joined by &")
        value = _unescape(text, value)
        if name not in allowed:
            raise ValueError(f"unknown option {name!r} in {text!r} (it may have "
                             f"{', '.join(allowed) or 'none'})")
        if name in found:
            raise ValueError(f"the option {name!r} is given twice in {text!r}")
        found[name] = value
    return found


def _unescape(text: str, part: str) -> str:
    """``part`` with its %-escapes decoded (as UTF-8)."""
    try:
        return unquote(part, errors="strict")
    except UnicodeDecodeError:
        raise ValueError(f"{part!r} has %-escapes that are not UTF-8 (in {text!r})") from None


def _port(text: str, port: str) -> int:
    if not _DIGITS.fullmatch(port) or not 1 <= int(port) <= 65535:
        raise ValueError(f"the port must be a number from 1 to 65535, not {port!r} (in {text!r})")
    return int(port)


def _datagramSource(kind: str, text: str, rest: str, slashes: bool) -> SourceSpec:
    if not slashes:
        raise ValueError(f"write {kind}://HOST:PORT, not {text!r}")
    authority, _, query = rest.partition("?")
    authority = authority.removeprefix("@").removesuffix("/")
    if authority.startswith("["):
        host, bracket, after = authority[1:].partition("]")
        if not bracket or not after.startswith(":"):
            raise ValueError(f"an IPv6 address is written [ADDRESS]:PORT, not {authority!r} "
                             f"(in {text!r})")
        port = after[1:]
        if ":" not in host:
            raise ValueError(f"brackets are for IPv6 addresses, not {host!r} (in {text!r})")
    else:
        host, colon, port = authority.rpartition(":")
        if not colon:
            raise ValueError(f"{kind}:// needs a port, as in {kind}://239.1.1.1:1234, "
                             f"not {text!r}")
        if ":" in host:
            raise ValueError(f"an IPv6 address goes in brackets ([{host}]), in {text!r}")
    if host:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            raise ValueError(f"the host must be a numeric IP address (a multicast group or "
                             f"a local address), not {host!r} (in {text!r})") from None
        host = str(address)
    options = _options(text, query, ("iface",))
    interface = options.get("iface")
    if interface is not None:
        interface = _interface(text, host, interface)
    return SourceSpec(kind, text, host=host, port=_port(text, port), interface=interface)


def _interface(text: str, host: str, interface: str) -> str:
    """Check ``?iface=``: only for a multicast group; an IPv4 address for an IPv4
    group, an interface name or index for an IPv6 one."""
    if not host or not ipaddress.ip_address(host).is_multicast:
        raise ValueError(f"iface= is for joining a multicast group, and {host!r} is not "
                         f"one (in {text!r})")
    if ipaddress.ip_address(host).version == 4:
        try:
            return str(ipaddress.IPv4Address(interface))
        except ValueError:
            raise ValueError(f"iface= must be the IPv4 address of an interface, not "
                             f"{interface!r} (in {text!r})") from None
    if not _INTERFACE_NAME.fullmatch(interface):
        raise ValueError(f"iface= must be an interface's name or index, not {interface!r} "
                         f"(in {text!r})")
    return interface


def _httpSource(text: str, slashes: bool) -> SourceSpec:
    if not slashes:
        raise ValueError(f"write http://HOST/PATH, not {text!r}")
    if any(c.isspace() for c in text):
        raise ValueError(f"a URL must not contain spaces (write %20): {text!r}")
    try:
        parts = urlsplit(text)
        parts.port                                  # (checks it)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a URL: {exc}") from None
    if not parts.hostname:
        raise ValueError(f"the URL {text!r} has no host")
    return SourceSpec("http", text, url=text)


def _fileUriPath(text: str, rest: str) -> str:
    """The path of ``file://[localhost]/PATH``."""
    if rest.startswith("/"):
        return rest
    if rest.lower().startswith("localhost/"):
        return rest[len("localhost"):]
    raise ValueError(f"file:// is followed by an absolute path (file:///home/me/x.ts), or "
                     f"write file:PATH; {text!r} names another machine")


def _fileSource(text: str, rest: str) -> SourceSpec:
    path, options = rest, {}
    where = rest.rfind("?")
    if where >= 0 and "=" in rest[where:]:
        path = rest[:where]
        options = _options(text, rest[where + 1:], ("realtime",))
    if not path:
        raise ValueError(f"no file is named in {text!r}")
    realtime = options.get("realtime", "0")
    if realtime.lower() not in _BOOLEANS:
        raise ValueError(f"realtime= must be 1 or 0 (or true/false, yes/no), not {realtime!r} "
                         f"(in {text!r})")
    return SourceSpec("file", text, path=path, realtime=_BOOLEANS[realtime.lower()])


def _dvbSource(text: str, rest: str, slashes: bool) -> SourceSpec:
    if not slashes:
        raise ValueError(f"write dvb://CHANNEL, not {text!r}")
    name, _, query = rest.partition("?")
    channel = _unescape(text, name)
    if not channel.strip():
        raise ValueError(f"no channel is named in {text!r} (write dvb://BBC ONE?adapter=0)")
    options = _options(text, query, ("adapter", "conf"))
    adapter = options.get("adapter", "0")
    if not _DIGITS.fullmatch(adapter) or int(adapter) > 255:
        raise ValueError(f"adapter= must be a number from 0 to 255, not {adapter!r} "
                         f"(in {text!r})")
    conf = options.get("conf")
    if conf is not None and not conf:
        raise ValueError(f"conf= must name a channels.conf (in {text!r})")
    return SourceSpec("dvb", text, channel=channel, adapter=int(adapter), conf=conf)


# ================================================================ RTP (RFC 3550)

class RTPError(ValueError):
    """A datagram that is not an RTP packet; the message says why."""


@dataclass(frozen=True, slots=True)
class RTPPacket:
    """One RTP packet (RFC 3550 5.1): its header's fields and its payload."""

    payloadType: int
    marker: bool
    sequence: int
    timestamp: int
    ssrc: int
    csrcs: tuple[int, ...]
    payload: bytes


_RTP_HEADER = 12


def parseRTP(datagram: bytes) -> RTPPacket:
    """parseRTP(datagram) -> RTPPacket; RTPError (a ValueError) saying why it is not one

    The fixed header (12 bytes, version 2), then ``CC`` CSRC identifiers of 4
    bytes, then, with the X bit, a header extension (2 bytes defined by its
    profile, 2 giving its length in 4-byte words, then those words); with the
    P bit, the last byte of the datagram counts the padding bytes at its end
    (itself included, so at least 1).
    """
    size = len(datagram)
    if size < _RTP_HEADER:
        raise RTPError(f"{size} bytes is too short for an RTP header (12 bytes)")
    first, second = datagram[0], datagram[1]
    if first >> 6 != 2:
        raise RTPError(f"RTP version {first >> 6}, not 2")
    start = _RTP_HEADER + 4 * (first & 0x0F)
    if size < start:
        raise RTPError(f"{first & 0x0F} CSRCs do not fit in {size} bytes")
    csrcs = tuple(int.from_bytes(datagram[at:at + 4], "big")
                  for at in range(_RTP_HEADER, start, 4))
    if first & 0x10:
        if size < start + 4:
            raise RTPError(f"the header extension does not fit in {size} bytes")
        start += 4 + 4 * int.from_bytes(datagram[start + 2:start + 4], "big")
    end = size
    if first & 0x20:
        padding = datagram[-1]
        if padding == 0:
            raise RTPError("the padding bit is set but the padding count is 0")
        end -= padding
    if end < start:
        raise RTPError(f"the header ({start} bytes) and padding ({size - end} bytes) are "
                       f"longer than the datagram ({size} bytes)")
    return RTPPacket(second & 0x7F, bool(second & 0x80),
                     int.from_bytes(datagram[2:4], "big"), int.from_bytes(datagram[4:8], "big"),
                     int.from_bytes(datagram[8:12], "big"), csrcs, bytes(datagram[start:end]))


class RTPDepacketiser:
    """RTPDepacketiser() -> the payloads of RTP packets, in order, losses counted

    ``payload(datagram)`` returns the datagram's payload (the transport
    stream), or None for a datagram to drop. The sequence number is checked
    as RFC 3550 A.1 does, from the packet after the last one passed on:

    * the next one expected: passed on;
    * up to ``MAX_DROPOUT`` (3000) ahead: the ones skipped are counted in
      ``lost``, and it is passed on;
    * up to ``MAX_MISORDER`` (100) behind: a duplicate or a packet that came
      too late (what followed it was passed on already): counted in
      ``late`` and dropped;
    * further either way, or from a new SSRC: the sender started again;
      counted in ``restarts``, passed on, and counted from there.

    ``bad`` counts datagrams that are not RTP (:func:`parseRTP` said why),
    dropped; ``packets`` those passed on.
    """

    MAX_DROPOUT = 3000
    MAX_MISORDER = 100

    __slots__ = ("packets", "lost", "late", "bad", "restarts", "_expected", "_ssrc")

    def __init__(self) -> None:
        self.packets = 0
        self.lost = 0
        self.late = 0
        self.bad = 0
        self.restarts = 0
        self._expected: int | None = None
        self._ssrc: int | None = None

    def payload(self, datagram: bytes) -> bytes | None:
        """The transport stream ``datagram`` carries, or None to drop it."""
        try:
            packet = parseRTP(datagram)
        except RTPError:
            self.bad += 1
            return None
        if self._expected is not None and packet.ssrc == self._ssrc:
            ahead = (packet.sequence - self._expected) & 0xFFFF
            if 0 < ahead < self.MAX_DROPOUT:
                self.lost += ahead
            elif ahead >= 0x10000 - self.MAX_MISORDER:
                self.late += 1
                return None
            elif ahead:
                self.restarts += 1
        elif self._expected is not None:
            self.restarts += 1
        self._ssrc = packet.ssrc
        self._expected = (packet.sequence + 1) & 0xFFFF
        self.packets += 1
        return packet.payload


# ================================================================ pacing by the PCRs

PCR_HZ = 27_000_000
_PCR_WRAP = (1 << 33) * 300


class PCRPacer:
    """PCRPacer(maxStep=1.0) -> the stream time of each piece of a transport stream

    ``feed(data)`` takes the stream in chunks of any size and returns
    ``(streamTime, piece)`` pairs: whole packets (found and kept in sync by
    :class:`~Kamaelia.Support.DVB.TransportStream.PacketReader`, so junk is
    left out), cut before each packet that carries a PCR on the clock's PID
    (the first PID seen carrying one). A piece's stream time is its first
    PCR's, in seconds since the stream's first PCR (0 before it); a player
    sends the piece when that much time has passed since it started. (The
    packets of a piece really spread over the time until the next PCR, some
    tens of milliseconds: early enough for a recorder.) ``flush()`` returns
    what the reader held back, at the end.

    The clock counts through the 33-bit wrap of the PCR. A step from one PCR
    to the next that goes backwards or is longer than ``maxStep`` seconds is
    a discontinuity (an edit, a loop, a new stream): counted in
    ``discontinuities``, and the stream time goes on from where it was.
    """

    __slots__ = ("maxStep", "discontinuities", "_reader", "_clockPid", "_lastPcr", "_time")

    def __init__(self, maxStep: float = 1.0) -> None:
        if isinstance(maxStep, bool) or not isinstance(maxStep, (int, float)) or maxStep <= 0:
            raise ValueError(f"maxStep must be a number of seconds > 0, not {maxStep!r}")
        self.maxStep = float(maxStep)
        self.discontinuities = 0
        self._reader = PacketReader()
        self._clockPid: int | None = None
        self._lastPcr: int | None = None
        self._time = 0.0

    @property
    def time(self) -> float:
        """The stream time of the last PCR seen (seconds)."""
        return self._time

    def feed(self, data: bytes) -> list[tuple[float, bytes]]:
        """``(streamTime, piece)`` for the packets ``data`` completes."""
        return self._pieces(self._reader.feed(data))

    def flush(self) -> list[tuple[float, bytes]]:
        """The end of the stream: the packets held back."""
        return self._pieces(self._reader.flush())

    def _pieces(self, packets: list[bytes]) -> list[tuple[float, bytes]]:
        pieces: list[tuple[float, bytes]] = []
        current: list[bytes] = []
        for packet in packets:
            pcr = self._pcrOf(packet)
            if pcr is not None:
                if current:
                    pieces.append((self._time, b"".join(current)))
                    current = []
                self._advance(pcr)
            current.append(packet)
        if current:
            pieces.append((self._time, b"".join(current)))
        return pieces

    def _pcrOf(self, packet: bytes) -> int | None:
        # A cheap test first: most packets carry no adaptation field with a PCR.
        if not (packet[3] & 0x20 and packet[4] >= 7 and packet[5] & 0x10):
            return None
        pid = (packet[1] & 0x1F) << 8 | packet[2]
        if self._clockPid is None:
            self._clockPid = pid
        elif pid != self._clockPid:
            return None
        try:
            return packetHeader(packet).pcr
        except TransportStreamError:        # an adaptation field that does not fit
            return None

    def _advance(self, pcr: int) -> None:
        if self._lastPcr is not None:
            step = ((pcr - self._lastPcr) % _PCR_WRAP) / PCR_HZ
            if step <= self.maxStep:
                self._time += step
            else:
                self.discontinuities += 1
        self._lastPcr = pcr


# ================================================================ feeds: one per kind

class _Failure(Exception):
    """A feed failed or ended. ``final``: the end of the source (retrying would not
    help); ``clean``: the end of its data, not a failure (the end of a file)."""

    def __init__(self, reason: str, final: bool = False, clean: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.final = final or clean
        self.clean = clean


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror + (f": {exc.filename!r}" if exc.filename else "")
    return str(exc) or type(exc).__name__


class _Feed:
    """How one kind of source is read: the child component that does the I/O
    (``open``), the stream in what it sends (``payload``), and what its end means."""

    #: The feed ends when its data does (a file): no stalls, no retries.
    finite = False
    #: Opening afresh costs nothing and waiting with it open loses nothing (datagrams).
    passive = False

    def __init__(self, spec: SourceSpec) -> None:
        self.spec = spec

    def describe(self) -> str:
        raise NotImplementedError

    def open(self) -> component:
        """A new child component for one attempt (OSError, ValueError or _Failure if not)."""
        raise NotImplementedError

    def payload(self, message: Any) -> bytes | None:
        """The transport stream in a message from the child (None: none in it)."""
        return message if isinstance(message, bytes) else None

    def ending(self, message: Any, child: component) -> _Failure:
        """What the child's own end (``message`` from its "signal") means."""
        raise NotImplementedError


class _DatagramFeed(_Feed):
    passive = True

    def __init__(self, spec: SourceSpec) -> None:
        super().__init__(spec)
        self.rtp = RTPDepacketiser() if spec.kind == "rtp" else None

    def describe(self) -> str:
        spec = self.spec
        where = f"[{spec.host}]" if ":" in spec.host else spec.host or "every interface"
        if spec.multicast:
            joined = f" on {spec.interface}" if spec.interface else ""
            return f"listening to the group {where} port {spec.port}{joined}"
        return f"listening on {where} port {spec.port}"

    def open(self) -> component:
        spec = self.spec
        if spec.multicast:
            interface: str | int | None = spec.interface
            if spec.interface is not None and ":" in spec.host and spec.interface.isdigit():
                interface = int(spec.interface)         # an IPv6 interface index
            return Multicast_receiver(spec.host, spec.port, interface=interface)
        return BasicPeer(localaddr=spec.host or "0.0.0.0", localport=spec.port)

    def payload(self, message: Any) -> bytes | None:
        # Multicast_receiver sends ((host, port), data), as 1.14's did; the UDP peers
        # (data, (host, port)).
        data = message[1] if self.spec.multicast else message[0]
        return self.rtp.payload(data) if self.rtp is not None else data

    def ending(self, message: Any, child: component) -> _Failure:
        return _Failure("the socket was closed")


class _HTTPFeed(_Feed):
    def describe(self) -> str:
        return f"fetching {self.spec.url}"

    def open(self) -> component:
        return SingleShotHTTPClient(self.spec.url)

    def payload(self, message: Any) -> bytes | None:
        if isinstance(message, ParsedHTTPBodyChunk):
            return bytes(message.bodychunk)
        if isinstance(message, ParsedHTTPHeader):
            code = message.header.get("responsecode", "")
            if not code.startswith("2"):
                raise _Failure(f"the server answered {code} {message.header.get('reason', '')}"
                               .rstrip())
            return None
        if isinstance(message, ParsedHTTPError):
            raise _Failure(message.reason)
        if isinstance(message, ParsedHTTPEnd):
            raise _Failure("the server ended the response")
        return None                                 # (a redirect, followed by the client)

    def ending(self, message: Any, child: component) -> _Failure:
        return _Failure("the connection ended")


class _FileFeed(_Feed):
    finite = True

    def describe(self) -> str:
        return f"reading {self.spec.path}" + (" in real time" if self.spec.realtime else "")

    def open(self) -> component:
        return MaxSpeedFileReader(self.spec.path, chunksize=FILE_CHUNK)

    def ending(self, message: Any, child: component) -> _Failure:
        if isinstance(message, fileError):
            return _Failure(f"cannot read {message.path!r}: {message.reason}", final=True)
        return _Failure("end of file", clean=True)


class _DVBFeed(_Feed):
    def __init__(self, spec: SourceSpec, kernel: Any = None) -> None:
        super().__init__(spec)
        self.kernel = kernel                # (None: the real one)
        self.tuning: Any = None             # the channels.conf Channel, once read

    def describe(self) -> str:
        return f"tuning adapter {self.spec.adapter} to {self.spec.channel!r}"

    def open(self) -> component:
        # Imported here: the DVB modules are only wanted by DVB sources.
        try:
            from Kamaelia.Device.DVB.Core import DVB_Multiplex
        except ImportError as exc:
            raise _Failure(f"the DVB support cannot be imported: {exc}", final=True) from None
        if self.tuning is None:
            self.tuning = self._channel()
        return DVB_Multiplex(0, [ALL_PIDS], self.tuning, card=self.spec.adapter,
                             kernel=self.kernel)

    def _channel(self) -> Any:
        from Kamaelia.Support.DVB.ChannelsConf import open_config, readChannels
        conf = self.spec.conf
        try:
            if conf is None:
                with open_config("channels.conf") as found:
                    conf = found.name
            channels = readChannels(conf)
        except (OSError, ValueError) as exc:
            raise _Failure(f"cannot read the channels.conf: {_reason(exc)}", final=True) \
                from None
        if self.spec.channel not in channels:
            known = ", ".join(sorted(channels)[:10]) or "none"
            raise _Failure(f"{conf} has no channel {self.spec.channel!r} (it has {known})",
                           final=True)
        return channels[self.spec.channel]

    def ending(self, message: Any, child: component) -> _Failure:
        error = getattr(child, "error", None)
        return _Failure(str(error) if error is not None else "the tuner stopped")


_FEEDS: dict[str, type[_Feed]] = {"udp": _DatagramFeed, "rtp": _DatagramFeed,
                                  "http": _HTTPFeed, "file": _FileFeed}


# ================================================================ the component

@dataclass(frozen=True, slots=True)
class SourceStatistics:
    """What :meth:`TransportStreamSource.statistics` reports.

    - state       -- ``"starting"``, ``"receiving"``, ``"stalled"``, ``"failed"``,
      ``"retrying"``, ``"ended"``, ``"gave up"`` or ``"stopped"``
    - bytes       -- transport stream bytes sent out of "outbox"
    - attempts    -- feeds opened (the first and every retry)
    - stalls      -- attempts that ended with no data for ``stallTimeout`` (or
      a retry's wait, for UDP and RTP)
    - failures    -- attempts that ended because the feed failed or ended
    - lostPackets -- RTP: packets missing from the sequence
    - badPackets  -- RTP: datagrams dropped as not RTP, late or duplicated
    """

    state: str
    bytes: int
    attempts: int
    stalls: int
    failures: int
    lostPackets: int
    badPackets: int


@dataclass(frozen=True, slots=True)
class _Outcome:
    """How one attempt ended."""
    request: ipc | None = None          # told to stop (this message)
    failure: _Failure | None = None     # the feed failed or ended
    stalled: bool = False               # no data for the attempt's window


def _checkSeconds(name: str, value: Any) -> float:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not 0 < value < math.inf):
        raise ValueError(f"{name} must be a number of seconds > 0, not {value!r}")
    return float(value)


class TransportStreamSource(component):
    """TransportStreamSource(source, stallTimeout=5.0, retry=(1, 2, 4, 8, 16, 30),
    maxAttempts=None, reportInterval=None, outboxLimit=64, dvbKernel=None)
    -> transport stream from a source

    - source         -- a :class:`SourceSpec` or its text (see :func:`parseSource`)
    - stallTimeout   -- seconds without data after which a network or DVB source
      has stalled and is opened afresh
    - retry          -- seconds to wait before each retry; the last for every later one
    - maxAttempts    -- give up after this many failed attempts in a row (None: never)
    - reportInterval -- seconds between "receiving R KB/s" lines (None: none)
    - outboxLimit    -- take no more from the feed while this many messages wait
      in the consumer's inbox
    - dvbKernel      -- dvb: the kernel the tuner talks to (None: the real one;
      ``Kamaelia.Support.DVB.LinuxDVB.ReplayKernel`` for tests and replays)

    See the module's docstring for what it sends and how it ends.
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess: close the feed and end",
               "_feed": "what the current feed sends (internal)",
               "_feedsignal": "the current feed's end (internal)"}
    Outboxes = {"outbox": "the transport stream, as bytes",
                "status": "a line (str) at each change: started, receiving, stalled, failed, "
                          "retrying, recovered, ended, gave up, stopped",
                "signal": "producerFinished at the end of a file or on giving up; else the "
                          "shutdown message received",
                "_feedcontrol": "shuts the current feed down (internal)"}

    def __init__(self, source: SourceSpec | str, stallTimeout: float = 5.0,
                 retry: Sequence[float] = (1, 2, 4, 8, 16, 30), maxAttempts: int | None = None,
                 reportInterval: float | None = None, outboxLimit: int = 64,
                 dvbKernel: Any = None, **argd: Any) -> None:
        spec = source if isinstance(source, SourceSpec) else parseSource(source)
        delays = tuple(retry) if isinstance(retry, (list, tuple)) else None
        if not delays:
            raise ValueError(f"retry must be a non-empty list of seconds, not {retry!r}")
        for delay in delays:
            _checkSeconds("each retry", delay)
        if maxAttempts is not None and (isinstance(maxAttempts, bool)
                                        or not isinstance(maxAttempts, int) or maxAttempts < 1):
            raise ValueError(f"maxAttempts must be None or an int >= 1, not {maxAttempts!r}")
        if isinstance(outboxLimit, bool) or not isinstance(outboxLimit, int) or outboxLimit < 1:
            raise ValueError(f"outboxLimit must be an int >= 1, not {outboxLimit!r}")
        super().__init__(**argd)
        self.spec = spec
        self.stallTimeout = _checkSeconds("stallTimeout", stallTimeout)
        self.retry = tuple(float(delay) for delay in delays)
        self.maxAttempts = maxAttempts
        self.reportInterval = (None if reportInterval is None
                               else _checkSeconds("reportInterval", reportInterval))
        self.outboxLimit = outboxLimit
        self._kind = (_DVBFeed(spec, dvbKernel) if spec.kind == "dvb"
                      else _FEEDS[spec.kind](spec))
        self._child: component | None = None
        self._pacer = PCRPacer() if spec.realtime else None
        self._paced: deque[tuple[float, bytes]] = deque()
        self._epoch: float | None = None        # when stream time 0 is due (paced files)
        self._state = "starting"
        self._bytes = self._attempts = self._stalls = self._failures = 0
        self._troubleSince: float | None = None  # the last data before a stall or failure
        self._lastData = 0.0
        self._reportedBytes = 0
        self._awaitingRoom = False
        # A UDP feed whose datagrams we cannot pass on holds them, then stops
        # reading (the kernel drops what comes): memory stays bounded.
        self.setInboxSize("_feed", FEED_LIMIT)

    # ------------------------------------------------------------ reporting
    def statistics(self) -> SourceStatistics:
        """The counts so far (see :class:`SourceStatistics`)."""
        rtp = getattr(self._kind, "rtp", None)
        return SourceStatistics(self._state, self._bytes, self._attempts, self._stalls,
                                self._failures, rtp.lost if rtp else 0,
                                rtp.bad + rtp.late if rtp else 0)

    def _say(self, state: str, line: str, level: int = logging.INFO) -> None:
        """A change of state: one line out of "status" and in the log."""
        self._state = state
        self.send(f"{self.spec.text}: {line}", "status")
        log.log(level, "%s (%s): %s", self.spec.text, self.name, line)

    # ------------------------------------------------------------ the loop
    def main(self) -> Iterator[Any]:
        try:
            ending = yield from self._supervise()
        finally:
            self._abandonFeed()
        self.send(ending, "signal")

    def _supervise(self) -> Generator[Any, None, ipc]:
        """Attempt after attempt until told to stop, the end, or giving up."""
        self._say("starting", f"started: {self._kind.describe()}")
        self._lastData = _now()
        window, announce = self.stallTimeout, ""
        failed = 0                      # attempts in a row that ended without data
        while True:
            outcome = yield from self._attempt(window, announce)
            yield from self._closeFeed()
            if outcome.request is not None:
                self._say("stopped", "stopped")
                return outcome.request
            failure = outcome.failure
            if failure is not None and failure.final:
                if failure.clean:
                    self._say("ended", f"ended: {failure.reason} ({self._bytes} bytes)")
                else:
                    self._say("gave up", f"gave up: {failure.reason}", logging.ERROR)
                return producerFinished(self)
            if self._troubleSince is None:
                failed = 0
                self._troubleSince = self._lastData
            failed += 1
            reason = self._noteTrouble(outcome, window)
            if self.maxAttempts is not None and failed >= self.maxAttempts:
                self._say("gave up", f"gave up after {failed} attempts: {reason}", logging.ERROR)
                return producerFinished(self)
            delay = self.retry[min(failed, len(self.retry)) - 1]
            if self._kind.passive and outcome.stalled:
                # The new socket listens while we wait: said once it is open. (A
                # socket that could not be made waits below, like any failure.)
                window = delay
                announce = (f"retrying: listening again (attempt {self._attempts + 1}), "
                            f"next retry in {delay:g} s")
                continue
            window, announce = self.stallTimeout, ""
            self._say("retrying", f"retrying in {delay:g} s (attempt {self._attempts + 1})",
                      logging.WARNING)
            request = yield from self._wait(delay)
            if request is not None:
                self._say("stopped", "stopped")
                return request

    def _noteTrouble(self, outcome: _Outcome, window: float) -> str:
        """Count and report how an attempt failed; returns the reason."""
        if outcome.failure is not None:
            self._failures += 1
            self._say("failed", f"failed: {outcome.failure.reason}", logging.WARNING)
            return outcome.failure.reason
        self._stalls += 1
        reason = f"no data for {window:g} s"
        # A UDP or RTP retry's wait running out is the same stall going on: its
        # next "retrying" line says enough.
        if not (self._kind.passive and self._state in ("stalled", "retrying")):
            self._say("stalled", f"stalled: {reason}", logging.WARNING)
        return reason

    def _attempt(self, window: float, announce: str) -> Generator[Any, None, _Outcome]:
        """Open a feed and pass its data on until it ends, fails, stalls or we are told to stop."""
        self._attempts += 1
        try:
            self._startFeed()
        except _Failure as failure:
            return _Outcome(failure=failure)
        except (OSError, ValueError, TypeError) as exc:
            return _Outcome(failure=_Failure(_reason(exc)))
        if announce:
            self._say("retrying", announce, logging.WARNING)
        lastData = _now()
        nextReport = lastData + (self.reportInterval or 0)
        ending: Any = None
        while True:
            request = shutdownRequest(self)
            if request is not None:
                return _Outcome(request=request)
            self._discard("inbox")          # (not used)
            try:
                busy = self._pump()
            except _Failure as failure:
                return _Outcome(failure=failure)
            now = _now()
            if busy:
                lastData, window = now, self.stallTimeout   # (a retry's wait is over)
            self._release(now)
            if ending is None and self.dataReady("_feedsignal") and not self.dataReady("_feed"):
                ending = self.recv("_feedsignal")
                if self._pacer is not None:
                    self._paced.extend(self._pacer.flush())
            if ending is not None and not self._paced:
                assert self._child is not None
                return _Outcome(failure=self._kind.ending(ending, self._child))
            waits = []
            if not self._kind.finite and not self.dataReady("_feed"):
                remaining = lastData + window - now
                if remaining <= 0:
                    return _Outcome(stalled=True)
                waits.append(remaining)
            if self._paced and self._epoch is not None:
                due = self._epoch + self._paced[0][0]
                if due > now:           # (else it waits for room: woken by a take)
                    waits.append(due - now)
            if self.reportInterval is not None:
                if now >= nextReport:
                    self._report(now - nextReport + self.reportInterval)
                    nextReport = now + self.reportInterval
                waits.append(nextReport - now)
            # More to take now (we stopped to let others run, or the paced pieces
            # are all out)? Then go round again without pausing.
            if not (self.dataReady("_feed") and not self._paced and not self._awaitingRoom):
                self.pause(min(waits) if waits else None)
            yield 1

    def _wait(self, seconds: float) -> Generator[Any, None, ipc | None]:
        """Wait ``seconds``; a shutdown request that comes meanwhile is returned at once."""
        until = _now() + seconds
        while True:
            request = shutdownRequest(self)
            if request is not None:
                return request
            self._discard("inbox")
            remaining = until - _now()
            if remaining <= 0:
                return None
            self.pause(remaining)
            yield 1

    # ------------------------------------------------------------ the data
    def _pump(self) -> bool:
        """Pass on what the feed has sent (joined); True if any data came."""
        if self._paced or self._heldBack():
            return False
        chunks: list[bytes] = []
        size = 0
        try:
            while size < JOIN_LIMIT and self.dataReady("_feed"):
                data = self._payload(self.recv("_feed"))
                if data:
                    chunks.append(data)
                    size += len(data)
        finally:                # (what came before a failure is passed on)
            if chunks:
                self._took(b"".join(chunks))
        return bool(chunks)

    def _payload(self, message: Any) -> bytes | None:
        rtp = getattr(self._kind, "rtp", None)
        lostBefore = rtp.lost if rtp is not None else 0
        data = self._kind.payload(message)
        if rtp is not None and rtp.lost > lostBefore:
            repeats.warning("%s: %d RTP packet(s) lost (%d in all)", self.spec.text,
                            rtp.lost - lostBefore, rtp.lost)
        return data

    def _took(self, data: bytes) -> None:
        """Data came: note it (a recovery?), then send it on or queue it to be paced."""
        now = self._lastData = _now()
        if self._troubleSince is not None:
            self._say("receiving", f"recovered after {now - self._troubleSince:.1f} s")
            self._troubleSince = None
        elif self._state != "receiving":
            self._say("receiving", "receiving")
        if self._pacer is None:
            self._send(data)
            return
        self._paced.extend(self._pacer.feed(data))
        self._release(now)

    def _release(self, now: float) -> None:
        """Send the paced pieces that are due."""
        while self._paced and not self._heldBack():
            streamTime, piece = self._paced[0]
            if self._epoch is None or now - (self._epoch + streamTime) > MAX_LATE:
                self._epoch = now - streamTime
            if self._epoch + streamTime > now:
                return
            self._paced.popleft()
            self._send(piece)

    def _send(self, data: bytes) -> None:
        self._bytes += len(data)
        self.send(data, "outbox")

    def _heldBack(self) -> bool:
        """Is the consumer's inbox full (or at ``outboxLimit``)? Then be woken when it takes one."""
        box = self.outboxes["outbox"]
        sink = box.sink
        if sink is box or (len(sink) < self.outboxLimit and not sink.isFull()):
            return False
        if not self._awaitingRoom:
            self._awaitingRoom = True
            sink.notifyOnTake(self._roomMade)
        return True

    def _roomMade(self) -> None:
        self._awaitingRoom = False
        self.unpause()

    def _report(self, elapsed: float) -> None:
        rate = (self._bytes - self._reportedBytes) / max(elapsed, 1e-9) / 1024
        self._reportedBytes = self._bytes
        line = f"receiving {rate:.0f} KB/s ({self._bytes / 1e6:.1f} MB in all)"
        rtp = getattr(self._kind, "rtp", None)
        if rtp is not None and rtp.lost:
            line += f"; {rtp.lost} RTP packets lost"
        self.send(f"{self.spec.text}: {line}", "status")
        log.debug("%s (%s): %s", self.spec.text, self.name, line)

    def _discard(self, boxname: str) -> None:
        while self.dataReady(boxname):
            self.recv(boxname)

    # ------------------------------------------------------------ the feed
    def _startFeed(self) -> None:
        child = self._kind.open()
        self.link((child, "outbox"), (self, "_feed"))
        self.link((child, "signal"), (self, "_feedsignal"))
        self.link((self, "_feedcontrol"), (child, "control"))
        self.addChildren(child)
        self._child = child
        child.activate()

    def _closeFeed(self) -> Generator[Any, None, None]:
        """Stop the feed and wait (up to CLOSE_WAIT) until it has closed what it had open."""
        child, self._child = self._child, None
        if child is None:
            return
        if not child._isStopped():
            self.send(shutdownMicroprocess(self), "_feedcontrol")
            until = _now() + CLOSE_WAIT
            while not child._isStopped():
                remaining = until - _now()
                if remaining <= 0:
                    log.warning("%s (%s): %s did not stop within %g s; going on without it",
                                self.spec.text, self.name, child.name, CLOSE_WAIT)
                    break
                self.pause(remaining)           # (woken when the child ends)
                yield 1
        self.removeChild(child)
        self._discard("_feed")
        self._discard("_feedsignal")

    def _abandonFeed(self) -> None:
        """(Ending without the chance to wait) tell the feed to stop."""
        child, self._child = self._child, None
        if child is not None:
            if not child._isStopped():
                self.send(shutdownMicroprocess(self), "_feedcontrol")
            self.removeChild(child)


__kamaelia_components__ = (TransportStreamSource,)

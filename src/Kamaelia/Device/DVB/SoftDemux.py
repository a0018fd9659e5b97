"""DVB_SoftDemuxer: a transport stream in, each PID's packets out of the outboxes mapped to it.

Example Usage
-------------
A stream made on the spot (packets of PIDs 0x100 and 0x101, junk before
the last, cut anywhere); the packets of PID 0x100 go to "outbox"::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.SoftDemux import DVB_SoftDemuxer
    from Kamaelia.Support.DVB.TransportStream import pidOf
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    def packet(pid, counter):
        return bytes([0x47, pid >> 8, pid & 0xFF, 0x10 | counter]).ljust(188, b"\\x00")

    stream = packet(0x100, 0) + packet(0x101, 0) + packet(0x100, 1) + b"junk" + packet(0x100, 2)
    Pipeline(DataSource([stream[:50], stream[50:400], stream[400:]]),
             DVB_SoftDemuxer({0x100: ["outbox"]}),
             PureTransformer(lambda p: f"PID {pidOf(p):#x}, counter {p[3] & 0x0F}\\n"),
             ConsoleEchoer()).run()

prints ``PID 0x100, counter 0``, ``... 1`` and ``... 2``. A map such
as ``{600: ["outbox", "video"], 601: ["outbox", "audio"], 610: "two",
611: "two"}`` sends PIDs 600 and 601 out of "outbox" and each also out of
an outbox of its own, and 610 and 611 together out of "two".

How does it work?
-----------------
``DVB_SoftDemuxer(pidmap)`` makes an outbox for each name in ``pidmap``
(PID -> an outbox name or a list of them) that it does not have already.
Chunks of transport stream of any size arrive on ``"inbox"`` (``bytes``,
``bytearray`` or ``memoryview``; they need not start or end at a packet
boundary); a :class:`~Kamaelia.Support.DVB.TransportStream.PacketReader`
(its ``reader`` attribute) cuts them into packets, resynchronising over
junk, and each packet of a mapped PID is sent, as 188 ``bytes``, out of
each of that PID's outboxes, one packet per message, in stream order. (A
packet is sent when the first byte of the one after it has come, which
shows that it was not junk; the last of the stream at shutdown.)
Packets of other PIDs are dropped without being copied. Two keys are not
PIDs: ``"default"`` (as 1.14's ``DVB_Demuxer``) names the outboxes for
packets of every PID that the map does not name, and ``0x2000``
(``ALL_PIDS``, what tuners take for "the whole stream") the outboxes that
get every packet. A packet is sent once to an outbox however many keys
lead it there.

Packets flagged as damaged (``transport_error_indicator``) or scrambled
(``transport_scrambling_control`` not 0) are dropped, as 1.14 did, and
counted in ``erroneousPackets`` and ``scrambledPackets``. A packet for a
destination that is a full size-limited inbox is dropped (a broadcast
cannot be held back), counted in ``overflowedPackets`` and logged as a
warning, at most once every few seconds. A message on ``"inbox"`` that is
not bytes is logged as an error (logger ``Kamaelia.Device.DVB.SoftDemux``,
naming the component and the message) and skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first
demultiplexes everything waiting, then the packets the reader held back
waiting for more of the stream (the end of the stream decides them), then
sends the message on out of ``"signal"`` and ends. A stray message on
``"control"`` is logged and ignored. 1.14's
``shutdown()`` method is kept, for subclasses that call it.

Differences from 1.14
---------------------
1.14's module raised ``NotImplementedError`` on import ("bit rot") and
needed a Pyrex extension (``Kamaelia.Support.Optimised.MpegTsDemux``),
which resynchronised on the *first* 0x47 byte after a lost packet, so
junk holding a 0x47 (one byte in 256) made it cut a false packet out of
the junk and the next packet's start; this one takes a 0x47 only when
two more follow a packet apart. 1.14 only took lists of outbox names
(a single name was iterated letter by letter); it had neither
``"default"`` nor ``0x2000``; a full destination raised out of its main
loop.
"""

from __future__ import annotations

import logging
import reprlib
from typing import Any, Iterable, Iterator, Mapping, Sequence, Union

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.AxonExceptions import noSpaceInBox
from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia._shutdown import runUntilShutdown, shutdownRequest
from Kamaelia.Support.DVB.TransportStream import ALL_PIDS, NULL_PID, PacketReader

__all__ = ["DVB_SoftDemuxer"]

log = logging.getLogger("Kamaelia.Device.DVB.SoftDemux")

PidKey = Union[int, str]
_BUFFERS = (bytes, bytearray, memoryview)


def _boxNames(what: str, key: PidKey, boxes: Any) -> list[str]:
    names = [boxes] if isinstance(boxes, str) else boxes
    try:
        names = list(names)
    except TypeError:
        raise TypeError(f"{what}: the outboxes for {key!r} must be a name or a list of names, "
                        f"not {boxes!r}") from None
    if not all(isinstance(name, str) and name for name in names):
        raise TypeError(f"{what}: outbox names must be non-empty strings, not {boxes!r}")
    return names


def _checkPid(what: str, pid: Any, allowAll: bool = True) -> int:
    top = ALL_PIDS if allowAll else NULL_PID
    if isinstance(pid, bool) or not isinstance(pid, int):
        raise TypeError(f"{what}: a PID must be an int, not {pid!r}")
    if not 0 <= pid <= top:
        raise ValueError(f"{what}: a PID is 0 to {top:#x}, not {pid!r}")
    return pid


class _PacketRouting:
    """What DVB_SoftDemuxer and DemuxerService share: chunks of stream in,
    each packet out of the outboxes its PID is routed to.

    ``_setRoutes(table)`` takes PID (or ``"default"``) -> outbox names.
    """

    name: str
    send: Any
    Inbox: Any
    reader: PacketReader
    erroneousPackets: int
    scrambledPackets: int
    overflowedPackets: int
    _routes: dict[int, tuple[str, ...]]
    _others: tuple[str, ...]
    _wanted: frozenset[int] | None
    _repeats: RepeatLimiter
    _log: logging.Logger = log

    def _initRouting(self) -> None:
        self.reader = PacketReader()
        self.erroneousPackets = self.scrambledPackets = self.overflowedPackets = 0
        self._routes, self._others, self._wanted = {}, (), frozenset()
        self._repeats = RepeatLimiter(self._log)

    def _setRoutes(self, table: Mapping[Any, Sequence[str]]) -> None:
        everyPid = tuple(table.get(ALL_PIDS, ()))

        def merged(*groups: Iterable[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(box for group in groups for box in group))

        self._routes = {pid: merged(boxes, everyPid) for pid, boxes in table.items()
                        if isinstance(pid, int) and pid != ALL_PIDS and boxes}
        self._others = merged(table.get("default", ()), everyPid)
        # With somewhere to send any PID, every packet is wanted (None);
        # else the reader passes on only the mapped PIDs' packets.
        self._wanted = None if self._others else frozenset(self._routes)

    def _demuxWaiting(self) -> None:
        for chunk in self.Inbox("inbox"):
            if isinstance(chunk, _BUFFERS):
                self._route(self.reader.feed(chunk, self._wanted))
            else:
                self._log.error("%s skipped a message that is not transport stream bytes: %s",
                          self.name, reprlib.repr(chunk))

    def _flushReader(self) -> None:
        self._route(self.reader.flush(self._wanted))

    def _route(self, packets: list[bytes]) -> None:
        routes, others, send = self._routes, self._others, self.send
        for packet in packets:
            if packet[1] & 0x80:
                self.erroneousPackets += 1
                continue
            if packet[3] & 0xC0:
                self.scrambledPackets += 1
                continue
            for box in routes.get((packet[1] & 0x1F) << 8 | packet[2], others):
                try:
                    send(packet, box)
                except noSpaceInBox:
                    self.overflowedPackets += 1
                    self._repeats.warning("%s dropped a packet: the destination of its "
                                          "outbox %r is full", self.name, box)


class DVB_SoftDemuxer(_PacketRouting, AdaptiveCommsComponent):
    """DVB_SoftDemuxer(pidmap) -> new DVB_SoftDemuxer component

    Sends the packets of each PID of a transport stream out of the outboxes
    ``pidmap`` maps it to.

    - pidmap -- dict: PID -> outbox name, or list of names (made if new);
      ``"default"`` for the PIDs not named, ``0x2000`` for every PID
    """

    Inboxes = {"inbox": "chunks of transport stream (bytes of any size)",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "the packets mapped to it (188 bytes each)",
                "signal": "shutdown signalling"}

    def __init__(self, pidmap: Mapping[PidKey, str | Iterable[str]]) -> None:
        super().__init__()
        if not isinstance(pidmap, Mapping):
            raise TypeError(f"DVB_SoftDemuxer: pidmap must be a dict of PID -> outbox "
                            f"names, not {pidmap!r}")
        table: dict[PidKey, list[str]] = {}
        for key, boxes in pidmap.items():
            if key != "default":
                _checkPid("DVB_SoftDemuxer", key)
            table[key] = _boxNames("DVB_SoftDemuxer", key, boxes)
            for box in table[key]:
                if box not in self.outboxes:
                    self.addOutbox(box)
        self.pidmap = table
        self.shuttingdown = False
        self._initRouting()
        self._setRoutes(table)

    def shutdown(self) -> bool:
        """1.14's check: True once a shutdown message has come on "control"
        (it is passed on out of "signal"). ``main`` does not use it."""
        request = shutdownRequest(self)
        if request is not None:
            self.send(request, "signal")
            self.shuttingdown = True
        return self.shuttingdown

    def main(self) -> Iterator[int]:
        request = yield from runUntilShutdown(self, self._demuxWaiting)
        self._flushReader()
        self.send(request, "signal")


__kamaelia_components__ = (DVB_SoftDemuxer,)

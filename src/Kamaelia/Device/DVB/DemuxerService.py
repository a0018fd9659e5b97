"""DemuxerService: demultiplexing by PID as a service; clients ask for PIDs and get their packets.

Example Usage
-------------
A client asks for PID 0x100; the demuxer asks its source for that PID
(here a stand-in for a tuner, which sends its stream once asked) and
passes the client the packets::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.DemuxerService import DemuxerService
    from Kamaelia.Support.DVB.TransportStream import pidOf
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.OneShot import OneShot, TriggeredOneShot
    from Kamaelia.Util.PureTransformer import PureTransformer

    def packet(pid, counter):
        return bytes([0x47, pid >> 8, pid & 0xFF, 0x10 | counter]).ljust(188, b"\\x00")

    stream = b"".join(packet(pid, n) for n in range(3) for pid in (0x100, 0x200))
    printer = Pipeline(PureTransformer(lambda p: f"PID {pidOf(p):#x}, counter {p[3] & 15}\\n"),
                       ConsoleEchoer())
    Graphline(ASK=OneShot(("ADD", [0x100], (printer, "inbox"))),   # what a client sends
              TUNER=TriggeredOneShot(stream),
              DEMUX=DemuxerService(),
              PRINT=printer,
              linkages={("ASK", "outbox"): ("DEMUX", "request"),
                        ("DEMUX", "pid_request"): ("TUNER", "inbox"),
                        ("TUNER", "outbox"): ("DEMUX", "inbox"),
                        ("TUNER", "signal"): ("DEMUX", "control"),
                        ("DEMUX", "signal"): ("PRINT", "control")}).run()

prints the three packets of PID 0x100. More often the demuxer is a named
service (``Kamaelia.Experimental.Services.RegisterService(DemuxerService(),
{"DEMUXER": "request"})``) and clients use ``Subscribe("DEMUXER", [600,
601])``, which sends the same requests.

How does it work?
-----------------
Chunks of transport stream of any size arrive on ``"inbox"`` and are cut
into packets as ``DVB_SoftDemuxer`` does
(:class:`~Kamaelia.Support.DVB.TransportStream.PacketReader`, its
``reader`` attribute: resynchronising over junk; damaged and scrambled
packets dropped and counted in ``erroneousPackets`` and
``scrambledPackets``). Clients send requests to ``"request"``::

    ("ADD",    [pid, pid, ...], (component, inboxname))
    ("REMOVE", [pid, pid, ...], (component, inboxname))

For each destination ``(component, inboxname)`` the service makes an
outbox and links it there, so from the next packet on the destination gets
each packet (188 ``bytes``, one per message) of the PIDs it asked for,
once each, in stream order. ``REMOVE`` stops those PIDs (packets already
sent stay sent); a destination left with no PIDs is unlinked and its
outbox deleted. PID ``0x2000`` (``ALL_PIDS``) asks for every packet. A
single PID may be given instead of a list. A request that is not of that
shape, or names a box the component does not have, is logged as an error
(logger ``Kamaelia.Device.DVB.DemuxerService``) and ignored; a
``REMOVE`` of something never added is ignored.

When a PID is first asked for, ``("ADD", [pid])`` goes out of
``"pid_request"``, and ``("REMOVE", [pid])`` when nobody wants it any
more: the messages 1.14's ``Tuner`` takes, so the source can send only
what is needed. A packet for a destination that is a full size-limited
inbox is dropped, counted in ``overflowedPackets`` and logged as a warning
(at most once every few seconds).

A packet is sent when the first byte of the next one has come (so the
reader knows it was not junk), the last one at shutdown.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it handles
every request and chunk waiting, then the packets the reader held back
at the end of the stream, unlinks itself from every client, sends the
message on out of ``"signal"`` and ends. It does not tell clients that it
has ended. 1.14's methods
``handleCommand(cmd)``, ``shutdown()``, ``errorIndicatorSet(packet)`` and
``scrambledPacket(packet)`` are kept (the routing makes the last two tests
inline, for speed).

Differences from 1.14
---------------------
1.14's module raised ``NotImplementedError`` on import ("bit rot"). Its
resync dropped everything before the first 0x47 byte and took a packet
from there, so junk holding a 0x47 made a false packet; and it ended at
once on a shutdown message, losing what was waiting. It ignored PID
0x2000. Here requests and chunks waiting are all handled, and a packet
is taken only where three sync bytes stand a packet apart.
"""

from __future__ import annotations

import logging
import reprlib
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Linkage import linkage
from Kamaelia._shutdown import runUntilShutdown, shutdownRequest
from Kamaelia.Device.DVB.SoftDemux import _checkPid, _PacketRouting
from Kamaelia.Support.DVB.TransportStream import PACKET_SIZE, SYNC_BYTE

__all__ = ["DVB_RESYNC", "DVB_PACKET_SIZE", "DemuxerService"]

log = logging.getLogger("Kamaelia.Device.DVB.DemuxerService")

#: 1.14's names: the sync byte every packet starts with, and a packet's size.
DVB_RESYNC = bytes([SYNC_BYTE])
DVB_PACKET_SIZE = PACKET_SIZE

Destination = tuple[Any, str]


def _parseRequest(owner: Any, logger: logging.Logger, request: Any,
                  allowAll: bool) -> tuple[str, list[int], Destination] | None:
    """A client's ("ADD"|"REMOVE", pids, (component, inboxname)), checked; None
    (logged) if it cannot be followed."""
    def refuse(why: str) -> Any:
        logger.error("%s ignored a request (%s): %s", owner.name, why, reprlib.repr(request))
        return None

    if not isinstance(request, (tuple, list)) or len(request) != 3:
        return refuse("not (command, pids, (component, inboxname))")
    command, pids, destination = request
    if command not in ("ADD", "REMOVE"):
        return refuse("the command is 'ADD' or 'REMOVE'")
    try:
        pids = [pids] if isinstance(pids, int) else list(pids)
        pids = [_checkPid("request", pid, allowAll) for pid in pids]
    except (TypeError, ValueError) as error:
        return refuse(str(error))
    if not isinstance(destination, (tuple, list)) or len(destination) != 2:
        return refuse("the destination is (component, inboxname)")
    target, boxname = destination
    try:
        hash(target)
    except TypeError:
        return refuse("the destination is (component, inboxname)")
    if not isinstance(boxname, str) or boxname not in getattr(target, "inboxes", {}):
        return refuse(f"the destination has no inbox {boxname!r}")
    return command, pids, (target, boxname)


class _Subscribers:
    """Who asked for which PIDs: one outbox of ``owner`` per destination,
    linked to it (shared by DemuxerService and ReassemblePSITablesService)."""

    def __init__(self, owner: AdaptiveCommsComponent) -> None:
        self.owner = owner
        self.pid2outboxes: dict[int, list[str]] = {}
        self.boxes: dict[Destination, str] = {}
        self.linkages: dict[Destination, linkage] = {}
        self.pidsOf: dict[Destination, list[int]] = {}

    def add(self, pids: list[int], destination: Destination) -> list[int]:
        """Send ``pids`` to ``destination``; returns the PIDs nobody had asked for."""
        box = self.boxes.get(destination)
        if box is None:
            if not pids:
                return []
            owner = self.owner
            box = owner.addOutbox("outbox")
            self.linkages[destination] = owner.link((owner, box), destination)
            self.boxes[destination] = box
            self.pidsOf[destination] = []
        new = []
        for pid in pids:
            boxes = self.pid2outboxes.setdefault(pid, [])
            if not boxes:
                new.append(pid)
            if box not in boxes:
                boxes.append(box)
                self.pidsOf[destination].append(pid)
        return new

    def remove(self, pids: list[int], destination: Destination) -> list[int]:
        """Stop ``pids`` to ``destination``; returns the PIDs nobody wants now."""
        box = self.boxes.get(destination)
        if box is None:
            return []
        mine, gone = self.pidsOf[destination], []
        for pid in pids:
            if pid in mine:
                mine.remove(pid)
                boxes = self.pid2outboxes[pid]
                boxes.remove(box)
                if not boxes:
                    del self.pid2outboxes[pid]
                    gone.append(pid)
        if not mine:
            self.owner.unlink(thelinkage=self.linkages.pop(destination))
            self.owner.deleteOutbox(box)
            del self.boxes[destination], self.pidsOf[destination]
        return gone

    def removeAll(self) -> None:
        """Unlink from every destination."""
        for destination in list(self.boxes):
            self.remove(list(self.pidsOf[destination]), destination)


class DemuxerService(_PacketRouting, AdaptiveCommsComponent):
    """DemuxerService() -> new DemuxerService component

    Sends each client the packets of the PIDs it asked for on "request"
    with ("ADD" or "REMOVE", [pid, ...], (component, inboxname)).
    """

    Inboxes = {"inbox": "chunks of transport stream (bytes of any size)",
               "request": "('ADD' or 'REMOVE', [pid, ...], (component, inboxname)) from clients",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "not used",
                "signal": "shutdown signalling",
                "pid_request": "('ADD', [pid]) and ('REMOVE', [pid]) to the stream's source"}

    _log = log

    def __init__(self) -> None:
        super().__init__()
        self._initRouting()
        self.subscribers = _Subscribers(self)
        # 1.14's names for the same tables
        self.pid2outboxes = self.subscribers.pid2outboxes
        self.boxes = self.subscribers.boxes
        self.linkages = self.subscribers.linkages
        self.shuttingdown = False

    def errorIndicatorSet(self, packet: bytes) -> bool:
        """True if the packet's transport_error_indicator is set (1.14's method)."""
        return bool(packet[1] & 0x80)

    def scrambledPacket(self, packet: bytes) -> bool:
        """True if the packet is scrambled (1.14's method)."""
        return bool(packet[3] & 0xC0)

    def shutdown(self) -> bool:
        """1.14's check: True once a shutdown message has come on "control"
        (it is passed on out of "signal"). ``main`` does not use it."""
        request = shutdownRequest(self)
        if request is not None:
            self.send(request, "signal")
            self.shuttingdown = True
        return self.shuttingdown

    def handleCommand(self, cmd: Any) -> None:
        """Follow one client request (see the module docstring)."""
        parsed = _parseRequest(self, log, cmd, allowAll=True)
        if parsed is None:
            return
        command, pids, destination = parsed
        if command == "ADD":
            changed = self.subscribers.add(pids, destination)
        else:
            changed = self.subscribers.remove(pids, destination)
        for pid in changed:
            self.send((command, [pid]), "pid_request")
        self._setRoutes(self.pid2outboxes)

    def main(self) -> Iterator[int]:
        request = yield from runUntilShutdown(self, self._handleWaiting)
        self._flushReader()
        self.subscribers.removeAll()
        self.send(request, "signal")

    def _handleWaiting(self) -> None:
        for command in self.Inbox("request"):
            self.handleCommand(command)
        self._demuxWaiting()


__kamaelia_components__ = (DemuxerService,)

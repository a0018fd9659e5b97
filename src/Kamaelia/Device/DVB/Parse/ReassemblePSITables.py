"""ReassemblePSITables: PSI/SI sections put back together from transport stream packets.

Example Usage
-------------
A PAT section made on the spot and sent twice, in packets of PID 0 (a
real stream's come from ``DVB_SoftDemuxer({0x00: ["outbox"]})``)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Device.DVB.Parse.ReassemblePSITables import ReassemblePSITables
    from Kamaelia.Support.DVB.CRC import crc32mpeg2
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    body = bytes.fromhex("00b00d0001c100000001e020")    # PAT: programme 1 -> PMT PID 0x20
    pat = body + crc32mpeg2(body).to_bytes(4, "big")
    packets = [(bytes([0x47, 0x40, 0x00, 0x10 | counter, 0]) + pat).ljust(188, b"\\xff")
               for counter in range(2)]

    Pipeline(DataSource(packets),
             ReassemblePSITables(),
             PureTransformer(lambda section: f"table {section[0]:#04x}, {len(section)} bytes\\n"),
             ConsoleEchoer()).run()

prints ``table 0x00, 16 bytes`` twice. ``ReassemblePSITablesService``
does the same for clients that ask for the sections of PIDs (below).

How does it work?
-----------------
``ReassemblePSITables(checkCrc=True)`` takes transport stream packets
(188 ``bytes`` each) on ``"inbox"`` and sends each PSI/SI section they
complete, as ``bytes`` (exactly ``3 + section_length`` long), out of
``"outbox"``, in order. The work is a
:class:`~Kamaelia.Support.DVB.TransportStream.SectionAssembler` (its
``assembler`` attribute, whose counters say how many sections were
dropped and why): sections that run over many packets, several in one
packet and stuffing are handled; a section missing a packet, or with a
bad CRC, is dropped (and the next copy of the table, which broadcasters
send again and again, is taken). Packets of several PIDs may be mixed;
each PID's sections are assembled apart. A message that is not a
188-byte packet starting with 0x47 is logged as an error (logger
``Kamaelia.Device.DVB.Parse.ReassemblePSITables``) and skipped. When the
inbox its outbox leads to is full, it waits (paused) until there is room,
taking no more packets meanwhile.

``ReassemblePSITablesService()`` does the same for many clients: packets
of any PIDs arrive on ``"inbox"``; clients send to ``"request"``::

    ("ADD",    [pid, pid, ...], (component, inboxname))
    ("REMOVE", [pid, pid, ...], (component, inboxname))

and each destination gets, from an outbox of its own linked to it, every
section from then on in the packets of the PIDs it asked for (a single PID
may stand for the list). ``REMOVE`` stops them; a destination with no
PIDs left is unlinked. The packets of PIDs nobody asked for are ignored.
When a PID is first asked for, ``("ADD", [pid], (self, "inbox"))`` goes
out of ``"pid_request"``, and ``("REMOVE", [pid], (self, "inbox"))`` when
nobody wants it: wired to a ``DemuxerService``'s "request", they have the
demultiplexer send the service just those packets, as 1.14's examples
wired it::

    Graphline(PSI=ReassemblePSITablesService(),
              DEMUXER=ToService("DEMUXER"),         # a DemuxerService registered so
              linkages={("PSI", "pid_request"): ("DEMUXER", "inbox"),
                        ("", "request"): ("PSI", "request")})

A request that cannot be followed is logged as an error and ignored; a
section for a full destination is dropped and logged as a warning (a
service cannot hold back its other clients).

Shutdown, both: on ``producerFinished`` or ``shutdownMicroprocess`` they
first handle everything already waiting (the service: requests first,
then packets), then send the message on out of ``"signal"`` and end (the
service unlinks itself from its clients first; ``ReassemblePSITables``
stops waiting for room on ``shutdownMicroprocess``, dropping what it has
not sent). 1.14's ``shutdown()`` and ``handleSubscribeUnsubscribe(msg)``
methods are kept.

Differences from 1.14
---------------------
1.14 checked no CRC; on a new section start it sent on whatever it had
of the section before, complete or not, with any stuffing after it; it
lost a section at the standard's allowed duplicate packet; and its
service ran a ``ReassemblePSITables`` child per PID (here one assembler
does every PID). It handled one PID per ``ReassemblePSITables``; this one
takes packets of any PIDs.
"""

from __future__ import annotations

import logging
import reprlib
from collections import deque
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia._shutdown import runUntilShutdown, shutdownRequest
from Kamaelia.Device.DVB.DemuxerService import _parseRequest, _Subscribers
from Kamaelia.Support.DVB.TransportStream import (PACKET_SIZE, SYNC_BYTE, SectionAssembler,
                                                  TransportStreamError)

__all__ = ["ReassemblePSITables", "ReassemblePSITablesService"]

log = logging.getLogger("Kamaelia.Device.DVB.Parse.ReassemblePSITables")

_BUFFERS = (bytes, bytearray, memoryview)


def _isPacket(message: Any) -> bool:
    return (isinstance(message, _BUFFERS) and len(message) == PACKET_SIZE
            and message[0] == SYNC_BYTE)


def _skipped(owner: Any, message: Any) -> None:
    log.error("%s skipped a message that is not a transport stream packet: %s",
              owner.name, reprlib.repr(message))


class _OneShotShutdown:
    """1.14's ``shutdown()``: True once a shutdown message has come on
    "control" (passed on out of "signal"). ``main`` does not use it."""

    def shutdown(self) -> bool:
        owner: Any = self
        request = shutdownRequest(owner)
        if request is not None:
            owner.send(request, "signal")
            return True
        return False


class ReassemblePSITables(_OneShotShutdown, component):
    """ReassemblePSITables(checkCrc=True) -> new ReassemblePSITables component

    Transport stream packets in, the PSI/SI sections they carry out.

    - checkCrc -- drop sections whose CRC-32 is wrong (default True)
    """

    Inboxes = {"inbox": "transport stream packets (188 bytes each) of PSI/SI PIDs",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "whole sections (bytes)", "signal": "shutdown signalling"}

    def __init__(self, checkCrc: bool = True, **argd: Any) -> None:
        super().__init__(**argd)
        self.assembler = SectionAssembler(checkCrc)
        self._pending: deque[bytes] = deque()

    def main(self) -> Iterator[int]:
        request = yield from runUntilShutdown(self, self._reassembleWaiting)
        if not isinstance(request, shutdownMicroprocess):
            self._sendPending()
        self.send(request, "signal")

    def _sendPending(self) -> bool:
        """Send the sections held back; False if the destination is full."""
        pending = self._pending
        while pending:
            try:
                self.send(pending[0], "outbox")
            except noSpaceInBox:
                return False
            pending.popleft()
        return True

    def _reassembleWaiting(self) -> bool:
        """Handle the packets waiting; True if held back by a full destination."""
        while self._sendPending() and self.dataReady("inbox"):
            packet = self.recv("inbox")
            if not _isPacket(packet):
                _skipped(self, packet)
                continue
            self._pending.extend(self.assembler.feed(packet))
        return bool(self._pending)


class ReassemblePSITablesService(_OneShotShutdown, AdaptiveCommsComponent):
    """ReassemblePSITablesService() -> new ReassemblePSITablesService component

    Sends each client the sections of the PIDs it asked for on "request"
    with ("ADD" or "REMOVE", [pid, ...], (component, inboxname)).
    """

    Inboxes = {"inbox": "transport stream packets (188 bytes each)",
               "control": "shutdown signalling",
               "request": "('ADD' or 'REMOVE', [pid, ...], (component, inboxname)) from clients"}
    Outboxes = {"outbox": "not used",
                "signal": "shutdown signalling",
                "pid_request": "('ADD', [pid], (self, 'inbox')) and ('REMOVE', ...) to the "
                               "source of packets"}

    def __init__(self) -> None:
        super().__init__()
        self.assembler = SectionAssembler()
        self.subscribers = _Subscribers(self)
        self._repeats = RepeatLimiter(log)

    def handleSubscribeUnsubscribe(self, msg: Any) -> None:
        """Follow one client request (see the module docstring)."""
        parsed = _parseRequest(self, log, msg, allowAll=False)
        if parsed is None:
            return
        command, pids, destination = parsed
        if command == "ADD":
            changed = self.subscribers.add(pids, destination)
        else:
            changed = self.subscribers.remove(pids, destination)
            for pid in changed:
                self.assembler.reset(pid)       # a later ADD starts afresh
        for pid in changed:
            self.send((command, [pid], (self, "inbox")), "pid_request")

    def main(self) -> Iterator[int]:
        request = yield from runUntilShutdown(self, self._handleWaiting)
        self.subscribers.removeAll()
        self.send(request, "signal")

    def _handleWaiting(self) -> None:
        for msg in self.Inbox("request"):
            self.handleSubscribeUnsubscribe(msg)
        routes, feed = self.subscribers.pid2outboxes, self.assembler.feed
        for packet in self.Inbox("inbox"):
            try:
                boxes = routes.get((packet[1] & 0x1F) << 8 | packet[2])
                sections = feed(packet) if boxes else ()
            except (TransportStreamError, TypeError, IndexError):
                _skipped(self, packet)
                continue
            for section in sections:
                for box in boxes or ():
                    try:
                        self.send(section, box)
                    except noSpaceInBox:
                        self._repeats.warning("%s dropped a section: the destination of "
                                              "its outbox %r is full", self.name, box)


__kamaelia_components__ = (ReassemblePSITables, ReassemblePSITablesService)

"""RtpPacker: timestamped chunks (from a pre-framer) as RTP packets.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.RTP.RtpPacker import RtpPacker
    from Kamaelia.Protocol.RTP.RTP import RTPDeframer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([(0.0, b"first"), (0.5, b"second")]),
        RtpPacker("demo", 0, payloadtype=96, seqnum=1, timestamp_offset=0, ssrc=42),
        RTPDeframer(),
        PureTransformer(lambda p: f"{p[0]} {p[1]['timestamp']} {p[1]['payload']!r}\\n"),
        ConsoleEchoer(),
    ).run()                   # prints 1 0 b'first', then 2 45000 b'second'

How does it work?
-----------------
``RtpPacker(label, looptimes, selfstart=0, payloadtype=96, clockrate=90000)``
takes ``(timestamp, data)`` pairs on ``"inbox"`` -- what
:class:`~Kamaelia.Protocol.RTP.NullPayloadRTP.NullPayloadPreFramer` sends,
the timestamp in seconds -- and sends each as an RTP packet (``bytes``) out
of ``"outbox"``: an :class:`~Kamaelia.Protocol.RTP.RTPHeader.RTPHeader`
(version 2, the payload type, the next sequence number, the timestamp times
``clockrate`` plus an offset, the source's SSRC) followed by ``data``. As
RFC 3550 asks, the first sequence number, the timestamp offset and the
SSRC are random unless given (``seqnum=``, ``timestamp_offset=``,
``ssrc=``). A message that is not such a pair is logged and skipped.

``label`` names it in log lines; ``looptimes`` is kept (1.14's template
argument, not used); with ``selfstart`` true it activates itself when made.
It is an old-style component (``initialiseComponent``, ``mainBody``,
``closeDownComponent``), as in 1.14.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it packs what is waiting on ``"inbox"``, passes the message
on out of ``"signal"`` and ends.

What it does not do: RTCP, or payload-specific headers.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from Axon.Component import component
from Axon.Ipc import ipc
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.Protocol.RTP.RTPHeader import RTPHeader, RTPSource
from Kamaelia.Util._stream import shortRepr

__all__ = ["RtpPacker"]

log = logging.getLogger(__name__)


class RtpPacker(component):
    """RtpPacker(label, looptimes, selfstart=0, payloadtype=96, clockrate=90000) -> RTP packets

    - label       -- a name for log lines
    - looptimes   -- kept for 1.14 compatibility; not used
    - selfstart   -- true: activate at once
    - payloadtype -- the RTP payload type (default 96, the first dynamic one)
    - clockrate   -- RTP timestamp units per second (default 90000)
    """

    Inboxes = {"inbox": "(timestamp in seconds, data) pairs", "control": "shutdown signalling"}
    Outboxes = {"outbox": "RTP packets (bytes)", "signal": "shutdown signalling"}

    def __init__(self, label: str, looptimes: Any, selfstart: Any = 0, payloadtype: int = 96,
                 clockrate: float = 90000, seqnum: int | None = None,
                 timestamp_offset: int | None = None, ssrc: int | None = None,
                 **argd: Any) -> None:
        if isinstance(payloadtype, bool) or not isinstance(payloadtype, int) or \
                not 0 <= payloadtype <= 127:
            raise ValueError(f"RtpPacker: payloadtype must be an int from 0 to 127, "
                             f"not {payloadtype!r}")
        super().__init__(**argd)
        self.label = label
        self.looptimes = looptimes
        self.payloadtype = payloadtype
        self.clockrate = clockrate
        self.seqnum = secrets.randbelow(1 << 16) if seqnum is None else seqnum & 0xFFFF
        self.timestamp_offset = (secrets.randbits(32) if timestamp_offset is None
                                 else timestamp_offset & 0xFFFFFFFF)
        self.SSRC = RTPSource().SSRC if ssrc is None else ssrc & 0xFFFFFFFF
        self._request: ipc | None = None
        if selfstart:
            self.activate()

    def initialiseComponent(self) -> int:
        return 1

    def pack(self, timestamp: float, data: bytes) -> bytes:
        """The RTP packet for ``data`` starting at ``timestamp`` seconds."""
        header = RTPHeader(payloadtype=self.payloadtype, sequencenumber=self.seqnum,
                           timestamp=(int(timestamp * self.clockrate) + self.timestamp_offset)
                           & 0xFFFFFFFF, SSRC=self.SSRC)
        self.seqnum = (self.seqnum + 1) & 0xFFFF
        return header.toBytes() + data

    def _packWaiting(self) -> None:
        for message in self.Inbox("inbox"):
            try:
                timestamp, data = message
                if not isinstance(data, (bytes, bytearray)) or isinstance(timestamp, bool) \
                        or not isinstance(timestamp, (int, float)):
                    raise TypeError("not a (timestamp, bytes) pair")
                self.send(self.pack(timestamp, bytes(data)), "outbox")
            except (TypeError, ValueError) as exc:
                log.error("%s (%s) cannot pack %s (%s); skipped", self.name, self.label,
                          shortRepr(message), exc)

    def mainBody(self) -> int:
        self._packWaiting()
        request = shutdownRequest(self)
        if request is not None:
            self._packWaiting()
            self._request = request
            return 0
        if not self.anyReady():
            self.pause()
        return 1

    def closeDownComponent(self) -> None:
        """Pass the shutdown message on out of "signal"."""
        if self._request is not None:
            self.send(self._request, "signal")


__kamaelia_components__ = (RtpPacker,)

"""Packetise: cut a stream of data into packets of one size.

Example Usage
-------------
Re-cut a stream into 4-byte packets, for a link that carries no more::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.Packetise import MaxSizePacketiser
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([b"abcdef", b"gh", b"ijk"]),
        MaxSizePacketiser(4),
        PureTransformer(lambda packet: repr(packet) + "\\n"),
        ConsoleEchoer(),
    ).run()                           # prints b'abcd', b'efgh' and b'ijk'

How does it work?
-----------------
``MaxSizePacketiser(maxPacketSize=1000)`` collects the ``bytes`` (or
``str``) messages arriving on ``"inbox"`` and sends them out of
``"outbox"`` as packets of exactly ``maxPacketSize`` bytes (characters),
however the input was cut: a packet is sent as soon as there is enough
data for it, and what is left over waits for more. It is meant for
carriers whose messages have a size limit (a UDP datagram, a radio frame).

The first message decides whether this is a stream of ``bytes`` or of
``str`` (``bytearray`` counts as ``bytes``); a message of the other kind,
or one that is not data at all, is logged as an error (logger
``Kamaelia.Protocol.Packetise``, naming the component and the message)
and skipped; what was collected so far is kept. A ``maxPacketSize`` that
is not an ``int`` raises ``TypeError``, one below 1 ``ValueError``, at
construction, naming the value.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it takes in everything already waiting, sends the whole
packets, then the rest as one shorter packet (if anything is left), then
passes that message on out of ``"signal"`` and ends. Other messages on
``"control"`` are logged and ignored.

What it does not do: it does not mark where the original messages began
(put a ``DataChunker`` before it for that), sends no empty packets, and
does not respect character or line boundaries.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import StreamTransformer, TextBuffer

__all__ = ["MaxSizePacketiser"]


class MaxSizePacketiser(StreamTransformer):
    """MaxSizePacketiser(maxPacketSize=1000) -> re-cuts a stream into packets of one size

    - maxPacketSize -- the size of every packet but the last, in bytes (or characters)
    """

    Inboxes = {"inbox": "bytes (or str) to cut into packets", "control": "shutdown signalling"}
    Outboxes = {"outbox": "packets of maxPacketSize (the last may be shorter)",
                "signal": "shutdown signalling"}

    def __init__(self, maxPacketSize: int = 1000, **argd: Any) -> None:
        super().__init__(**argd)
        self.maxPacketSize = positiveInt("MaxSizePacketiser", "maxPacketSize", maxPacketSize)
        self.buffer = TextBuffer("MaxSizePacketiser")

    def feed(self, message: Any) -> Iterable[Any]:
        buffer, size = self.buffer, self.maxPacketSize
        buffer.push(message)
        return [buffer.cut(size) for _ in range(len(buffer) // size)]

    def finish(self) -> Iterable[Any]:
        return (self.buffer.takeAll(),) if len(self.buffer) else ()

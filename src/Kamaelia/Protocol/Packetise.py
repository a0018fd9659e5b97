"""Packetise: cut a stream of data into packets no larger than a size.

Example Usage
-------------
Cut each message into packets of at most 4 bytes, for a link that carries
no more::

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
    ).run()                           # prints b'abcd', b'ef', b'gh' and b'ijk'

With ``coalesce=True`` the stream is re-cut into packets of exactly the
size, whatever the messages were (the last may be shorter)::

    Pipeline(
        DataSource([b"abcdef", b"gh", b"ijk"]),
        MaxSizePacketiser(4, coalesce=True),
        PureTransformer(lambda packet: repr(packet) + "\\n"),
        ConsoleEchoer(),
    ).run()                           # prints b'abcd', b'efgh' and b'ijk'

How does it work?
-----------------
``MaxSizePacketiser(maxsize=1000)`` sends each ``bytes`` (or ``str``)
message arriving on ``"inbox"`` out of ``"outbox"`` at once, cut into
packets of ``maxsize`` bytes (characters) and a last, shorter one for the
rest: a message no longer than ``maxsize`` goes out as it is (an empty one
too). This is Kamaelia 1.14's behaviour: nothing is held back, so it adds
no delay. It is meant for carriers whose messages have a size limit (a UDP
datagram, a multicast packet).

``MaxSizePacketiser(maxsize, coalesce=True)`` instead collects the stream
and sends packets of exactly ``maxsize``, however the input was cut: a
packet is sent as soon as there is enough data for it, and what is left
over waits for more (or for the end). There the first message decides
whether this is a stream of ``bytes`` or of ``str``.

``bytearray`` counts as ``bytes``. A message that is not data (or, when
coalescing, of the other kind than the stream) is logged as an error
(logger ``Kamaelia.Protocol.Packetise``, naming the component and the
message) and skipped. A ``maxsize`` that is not an ``int`` raises
``TypeError``, one below 1 ``ValueError``, at construction, naming the
value.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it handles everything already waiting, sends what it holds
(when coalescing: the rest, as one shorter packet), then passes that
message on out of ``"signal"`` and ends. Other messages on ``"control"``
are logged and ignored.

What it does not do: it does not mark where the original messages began
(put a ``DataChunker`` before it for that), and does not respect character
or line boundaries.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import StreamTransformer, TextBuffer, shortRepr

__all__ = ["MaxSizePacketiser"]


class MaxSizePacketiser(StreamTransformer):
    """MaxSizePacketiser(maxsize=1000, coalesce=False) -> cuts data into packets of at most maxsize

    - maxsize  -- the largest packet, in bytes (or characters)
    - coalesce -- False: cut each message on its own, holding nothing back
      (1.14); True: re-cut the stream into packets of exactly ``maxsize``
    """

    Inboxes = {"inbox": "bytes (or str) to cut into packets", "control": "shutdown signalling"}
    Outboxes = {"outbox": "packets of at most maxsize", "signal": "shutdown signalling"}

    def __init__(self, maxsize: int = 1000, coalesce: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        self.maxsize = positiveInt("MaxSizePacketiser", "maxsize", maxsize)
        self.coalesce = bool(coalesce)
        self.buffer = TextBuffer("MaxSizePacketiser")

    def feed(self, message: Any) -> Iterable[Any]:
        size = self.maxsize
        if not self.coalesce:
            if isinstance(message, (bytearray, memoryview)):
                message = bytes(message)
            elif not isinstance(message, (str, bytes)):
                raise TypeError(f"MaxSizePacketiser takes str or bytes, not "
                                f"{shortRepr(message)}")
            if len(message) <= size:
                return (message,)
            return [message[at:at + size] for at in range(0, len(message), size)]
        buffer = self.buffer
        buffer.push(message)
        return [buffer.cut(size) for _ in range(len(buffer) // size)]

    def finish(self) -> Iterable[Any]:
        return (self.buffer.takeAll(),) if len(self.buffer) else ()


__kamaelia_components__ = (MaxSizePacketiser,)

"""SimpleReliableMulticast: messages over a link that loses, repeats or reorders packets.

Example Usage
-------------
Through a link that duplicates and reorders, the messages come out once
each, in order, with their sequence numbers::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.SimpleReliableMulticast import SRM_Sender, SRM_Receiver
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Axon.Component import component

    class Shuffle(component):
        "Sends each packet twice, every pair of packets swapped."
        def main(self):
            held = None
            while not self.dataReady("control"):
                for packet in self.Inbox("inbox"):
                    if held is None:
                        held = packet
                    else:
                        for p in (packet, held, held):
                            self.send(p, "outbox")
                        held = None
                self.pause()
                yield 1
            if held is not None:
                self.send(held, "outbox")
            self.send(self.recv("control"), "signal")

    Pipeline(
        DataSource([b"one", b"two", b"three"]),
        SRM_Sender(),
        Shuffle(),
        SRM_Receiver(),
        PureTransformer(lambda pair: f"{pair[0]} {pair[1].decode()}\\n"),
        ConsoleEchoer(),
    ).run()                            # prints 1 one, 2 two, 3 three

How does it work?
-----------------
``SRM_Sender()`` is a Pipeline of an :class:`Annotator`, which sends each
message as ``(n, message)`` with ``n`` counting from 1, a
:class:`~Kamaelia.Protocol.Framing.Framer` and a
:class:`~Kamaelia.Protocol.Framing.DataChunker`: each message becomes one
chunk, in Kamaelia 1.14's wire format, so 1.14's receiver reads it.
``SRM_Receiver()`` is a Pipeline of a
:class:`~Kamaelia.Protocol.Framing.DataDeChunker`, a
:class:`~Kamaelia.Protocol.Framing.DeFramer` and a :class:`RecoverOrder`
(a :class:`Kamaelia.Protocol.RecoverOrder.RecoverOrder` holding 30 items,
with numbers that do not wrap), which sends ``(n, message)`` pairs in
order, duplicates removed. Lost messages are not recovered, but the gaps in
``n`` show where they were.

Send each chunk as one packet (a multicast datagram, say). Messages must
be ``bytes`` (or all ``str``).

Shutdown: both Pipelines pass ``producerFinished`` and
``shutdownMicroprocess`` along from their first component to their last,
each component finishing what it holds first (the receiver sends what it
still holds, in order), and then out of their ``"signal"``.

What it does not do: it never asks for a lost message again; and a
receiver holds the last 30 messages until more arrive or the stream ends.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Protocol.Framing import DataChunker, DataDeChunker, DeFramer, Framer
from Kamaelia.Protocol.RecoverOrder import RecoverOrder as _RecoverOrder

__all__ = ["Annotator", "RecoverOrder", "SRM_Sender", "SRM_Receiver"]


class Annotator(component):
    """Annotator() -> sends each message as (n, message), n counting from 1"""

    Inboxes = {"inbox": "messages", "control": "shutdown signalling"}
    Outboxes = {"outbox": "(sequence number, message) pairs", "signal": "shutdown signalling"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.n = 1

    def _handleWaiting(self) -> None:
        for item in self.Inbox("inbox"):
            self.send((self.n, item), "outbox")
            self.n += 1

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._handleWaiting)
        self.send(request, "signal")


class RecoverOrder(_RecoverOrder):
    """RecoverOrder() -> sends (n, message) pairs in order, holding 30; numbers do not wrap"""

    def __init__(self, bufsize: int = 30, modulo: int | None = None, **argd: Any) -> None:
        super().__init__(bufsize=bufsize, modulo=modulo, **argd)


def SRM_Sender() -> Pipeline:
    """SRM_Sender() -> Pipeline(Annotator(), Framer(), DataChunker())"""
    return Pipeline(Annotator(), Framer(), DataChunker())


def SRM_Receiver() -> Pipeline:
    """SRM_Receiver() -> Pipeline(DataDeChunker(), DeFramer(), RecoverOrder())"""
    return Pipeline(DataDeChunker(), DeFramer(), RecoverOrder())


__kamaelia_components__ = (Annotator, RecoverOrder)
__kamaelia_prefabs__ = (SRM_Sender, SRM_Receiver)

"""EchoProtocol: send back everything that arrives.

Example Usage
-------------
On its own, it passes messages through::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(DataSource(["hello\\n", "world\\n"]), EchoProtocol(), ConsoleEchoer()).run()

How does it work?
-----------------
Its real use is as the protocol of a TCP server, which makes one
``EchoProtocol`` for each connection, sends it what the client sends and
sends the client what it sends back (``telnet localhost 1501`` to try it)::

    from Kamaelia.Chassis.ConnectedServer import SimpleServer
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol

    SimpleServer(protocol=EchoProtocol, port=1501).run()

``EchoProtocol()`` sends every message arriving on ``"inbox"`` out of
``"outbox"`` unchanged and in order. If what it sends to is a size-limited
inbox that is full (a connection whose client reads slowly), it holds that
message back and takes no more until there is room, so the pressure
reaches the client that is sending.

A server's factory may call it with the connection's details as keyword
arguments (``peer``, ``peerport``, ``localip``, ``localport``); they are
kept as attributes of the same names and otherwise not used.

Shutdown: on ``producerFinished`` arriving on ``"control"`` (for a server:
the client closed its side) it first sends everything already waiting on
``"inbox"``, waiting for room if need be, then passes the message on out
of ``"signal"`` and ends. On ``shutdownMicroprocess`` it sends what it can
without waiting, logs as an error what a full destination did not take
(logger ``Kamaelia.Protocol.EchoProtocol``), passes the message on and
ends. Other messages on ``"control"`` are logged and ignored.

What it does not do: it does not look at, copy or change the messages, and
it does not end by itself: the end of the input ends it.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.AxonExceptions import noSpaceInBox

from Kamaelia.Util._copying import CopyingComponent

__all__ = ["EchoProtocol"]


class EchoProtocol(CopyingComponent):
    """EchoProtocol(**argd) -> sends every message back out unchanged

    - argd -- keyword arguments, kept as attributes: a server's factory
      passes ``peer``, ``peerport``, ``localip`` and ``localport``
    """

    Inboxes = {"inbox": "data to echo", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the same data, unchanged", "signal": "shutdown signalling"}

    forwardsControl = False                 # only the shutdown message goes out of "signal"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)

    def main(self) -> Iterator[Any]:
        # A server runs one of these per connection and every byte passes
        # through here, so the usual case (data in, nothing on "control",
        # room downstream) is a short loop of its own. Anything else (a
        # shutdown message, a full destination) goes to the general loop,
        # with nothing taken that has not been sent.
        inbox, control = self.inboxes["inbox"], self.inboxes["control"]
        send = self.send
        while not control.q:
            waiting = inbox.q
            try:
                while waiting:
                    send(waiting[0])
                    waiting.popleft()
            except noSpaceInBox:
                break
            self.pause()
            yield 1
        yield from super().main()


__kamaelia_components__ = (EchoProtocol,)

"""UDP peers: send what arrives as datagrams, pass on the datagrams that come.

Example Usage
-------------
One peer sends two datagrams to another on this machine, which prints them::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.UDP import SimplePeer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    listener = SimplePeer(localaddr="127.0.0.1", localport=0)
    host, port = listener.localaddress          # the port the system chose

    Pipeline(
        DataSource([b"hello\\n", b"world\\n"]),
        SimplePeer(receiver_addr=host, receiver_port=port),
        listener,              # ends, after reading, when the sender has finished
        PureTransformer(lambda received: received[0].decode()),  # (data, (host, port))
        ConsoleEchoer(),
    ).run()                                     # prints hello and world

How does it work?
-----------------
Each peer owns one UDP socket, bound to ``(localaddr, localport)`` when the
peer is made; port 0 lets the system choose one, which ``localaddress``
then tells. Every datagram that arrives is sent out of ``"outbox"`` as
``(data, (host, port))``: the bytes and where they came from (as in
Kamaelia 1.14; an IPv6 link-local sender's zone is kept as ``host%zone``,
so the address can be used to answer).

* :class:`SimplePeer` sends each message arriving on ``"inbox"`` (``bytes``;
  ``str`` is sent as UTF-8) as one datagram to ``(receiver_addr,
  receiver_port)``. A receiver port of 0 means "nowhere": such a peer only
  listens, and data given to it is logged and dropped.
* :class:`TargettedPeer` also takes ``(host, port)`` on ``"target"``: data
  is sent there from then on. Targets waiting are taken before data.
* :class:`PostboxPeer` takes ``(data, (host, port))`` on ``"inbox"`` (or
  1.14's ``(host, port, data)``) and sends each datagram to its own
  address. ``(data, (host, port))`` is the shape it emits, so a transformer
  that changes the data and keeps the address, linked from its
  ``"outbox"`` back to its ``"inbox"`` (a ``Graphline`` loop), makes a
  server that answers whoever sent each datagram.
* :class:`BasicPeer`, their base (as in 1.14), only listens; its
  :meth:`~Kamaelia.Internet._datagram.DatagramComponent.receive_packet`
  (1.14's method, called for each datagram) reads one and sends it on.

Datagrams are sent from the peer's own socket, so the other side sees the
peer's ``localaddress`` and its answers come back to the peer. Datagrams
are sent and received in order, without blocking: the socket is watched
by the scheduler, which wakes the peer when it can read or write. A
datagram the network refuses (no route, too long, ...) is logged, with the
destination and the reason, and the peer goes on with the next.

Addresses and families: an address with a colon is IPv6, any other IPv4;
``family=socket.AF_INET6`` (or ``AF_INET``) says so explicitly, e.g. for a
host name. ``"0.0.0.0"`` means "any address" in either family. Host names
given here are looked up when the peer is made (which can take a while);
addresses in messages (``"target"``, ``PostboxPeer``) must be numeric, as
a look-up then would block every component.

Shutdown: ``producerFinished`` on ``"control"``: the peer sends everything
that arrived on ``"inbox"`` before it, reads its socket until it is empty
(passing on what had arrived), closes the socket and ends, sending the
message on out of ``"signal"``. ``shutdownMicroprocess``: it closes the
socket and ends at once, dropping what it had not sent yet, and passes the
message on. Stopped from outside (``stop()``), it closes its socket too.
Made but never activated, it keeps its socket open until ``close()`` is
called.

What they do not do: no retries, no ordering or delivery guarantees beyond
UDP's own, no joining of multicast groups (see
:mod:`Kamaelia.Internet.Multicast_transceiver`).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.File._base import asBytes
from Kamaelia.Internet._addresses import checkHost, checkPort
from Kamaelia.Internet._datagram import (DatagramComponent, SockAddr, chooseFamily,
                                         destinationFrom, openSocket, resolve)

__all__ = ["BasicPeer", "SimplePeer", "TargettedPeer", "PostboxPeer"]

_CONTROL = "producerFinished: send what is waiting, then end; shutdownMicroprocess: end now"
_SIGNAL = "the shutdown message, passed on when it has ended"
_RECEIVED = "datagrams received, as (data, (host, port))"


class BasicPeer(DatagramComponent):
    """BasicPeer(localaddr="0.0.0.0", localport=0, family=None) -> a bound UDP socket
    whose datagrams come out of "outbox"

    - localaddr -- the address to bind to ("0.0.0.0": every address)
    - localport -- the port to bind to (0: any free port; see ``localaddress``)
    - family    -- socket.AF_INET or AF_INET6 (None: from the address)
    """

    Inboxes = {"inbox": "not used: anything sent here is logged and dropped",
               "control": _CONTROL}
    Outboxes = {"outbox": _RECEIVED, "signal": _SIGNAL}

    receives = True

    def __init__(self, localaddr: str = "0.0.0.0", localport: int = 0, family: Any = None,
                 **argd: Any) -> None:
        checkHost(localaddr, "localaddr")
        checkPort(localport, "localport")
        family = chooseFamily(family, localaddr)
        sock = openSocket(family, resolve("localaddr", localaddr, localport, family))
        super().__init__(sock, **argd)
        self.localaddr = localaddr
        self.localport = localport


class SimplePeer(BasicPeer):
    """SimplePeer(localaddr="0.0.0.0", localport=0, receiver_addr="0.0.0.0",
    receiver_port=0, family=None) -> sends "inbox" to the receiver, emits what arrives

    - localaddr, localport         -- where to bind (port 0: any free port)
    - receiver_addr, receiver_port -- where data from "inbox" goes (port 0: nowhere)
    - family -- socket.AF_INET or AF_INET6 (None: IPv6 if an address has a colon)
    """

    Inboxes = {"inbox": "data to send to the receiver (bytes; str is sent as UTF-8)",
               "control": _CONTROL}

    sends = True

    def __init__(self, localaddr: str = "0.0.0.0", localport: int = 0,
                 receiver_addr: str = "0.0.0.0", receiver_port: int = 0, family: Any = None,
                 **argd: Any) -> None:
        checkHost(localaddr, "localaddr")
        checkHost(receiver_addr, "receiver_addr")
        checkPort(localport, "localport")
        checkPort(receiver_port, "receiver_port")
        family = chooseFamily(family, localaddr, receiver_addr)
        destination = resolve("receiver_addr", receiver_addr, receiver_port, family)
        super().__init__(localaddr, localport, family, **argd)
        self.destination = destination if receiver_port else None
        self.receiver_addr = receiver_addr
        self.receiver_port = receiver_port


class TargettedPeer(SimplePeer):
    """TargettedPeer(localaddr="0.0.0.0", localport=0, receiver_addr="0.0.0.0",
    receiver_port=0, family=None) -> a SimplePeer whose receiver "target" changes

    Arguments as for :class:`SimplePeer`. A bad target (not a ``(host, port)``
    tuple with a numeric address) is logged and the previous one kept.
    """

    Inboxes = {"inbox": "data to send to the current target (bytes; str is sent as UTF-8)",
               "target": "(host, port): where data goes from now on",
               "control": _CONTROL}


class PostboxPeer(BasicPeer):
    """PostboxPeer(localaddr="0.0.0.0", localport=0, family=None) -> sends each
    (data, (host, port)) from "inbox" to its address, emits what arrives

    Arguments as for :class:`BasicPeer`. 1.14's shape, ``(host, port, data)``,
    is accepted too. A message of another shape is logged and skipped.
    """

    Inboxes = {"inbox": "(data, (host, port)) or 1.14's (host, port, data): send data "
                        "(bytes; str is sent as UTF-8) there",
               "control": _CONTROL}

    sends = True

    def datagramFor(self, message: Any) -> tuple[Any, SockAddr]:
        if isinstance(message, tuple) and len(message) == 3:
            host, port, data = message           # 1.14's shape
            return asBytes(data), destinationFrom((host, port), self.family)
        if not isinstance(message, tuple) or len(message) != 2:
            raise ValueError("expected (data, (host, port)) or (host, port, data)")
        data, address = message
        return asBytes(data), destinationFrom(address, self.family)


__kamaelia_components__ = (SimplePeer, TargettedPeer, PostboxPeer)


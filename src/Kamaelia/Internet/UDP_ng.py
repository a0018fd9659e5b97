"""UDP, split in two: a sender and a receiver (1.14's "next generation" module).

Example Usage
-------------
A receiver on this machine, and a sender that sends it two datagrams::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.UDP_ng import UDPReceiver, UDPSender
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    receiver = UDPReceiver(localaddr="127.0.0.1", localport=0)
    host, port = receiver.localaddress          # the port the system chose

    Pipeline(
        DataSource([b"hello\\n", b"world\\n"]),
        UDPSender(receiver_addr=host, receiver_port=port),
        receiver,              # ends, after reading, when the sender has finished
        PureTransformer(lambda received: received[0].decode()),  # (data, (host, port))
        ConsoleEchoer(),
    ).run()                                     # prints hello and world

How does it work?
-----------------
* :class:`UDPSender` sends each message arriving on ``"inbox"`` (``bytes``;
  ``str`` is sent as UTF-8) as one datagram to ``(receiver_addr,
  receiver_port)``; ``(host, port)`` on ``"target"`` changes where, from
  then on (targets waiting are taken before data). Its socket is bound to
  a port the system chooses (``localaddress`` tells which); it reads
  nothing. A receiver port of 0 means "no receiver yet": data that arrives
  before a target is logged and dropped.
* :class:`UDPReceiver` binds to ``(localaddr, localport)`` and sends every
  datagram that arrives out of ``"outbox"`` as ``(data, (host, port))``.
  It sends nothing; messages on its ``"inbox"`` are logged and dropped.

:class:`SimplePeer`, :class:`TargettedPeer` and :class:`PostboxPeer` are a
sender and a receiver in one: they send from the socket they listen on, so
answers to what they send come back to them. They are the classes of
:mod:`Kamaelia.Internet.UDP` (one engine drives the sender, the receiver
and the peers), so they behave exactly as documented there. Two components
sharing one socket, as in 1.14, would leave it unclear which closes it.

Sending and receiving never block the scheduler; a datagram that cannot be
sent is logged with its destination and the reason, and the next one goes.
Addresses: an address with a colon is IPv6, any other IPv4, unless
``family=`` says otherwise; addresses on ``"target"`` must be numeric.

Shutdown: ``producerFinished`` on ``"control"``: a sender sends what
arrived before it; a receiver reads its socket until it is empty, passing
on what had arrived. ``shutdownMicroprocess``: they end at once (a sender
drops what it has not sent). Either way each closes its socket, then passes
the message on out of ``"signal"``. Stopped from outside (``stop()``), they
close their sockets too. Made but never activated, a component keeps its
socket open until its ``close()`` is called. """

from __future__ import annotations

from typing import Any

from Kamaelia.Internet._addresses import checkHost, checkPort
from Kamaelia.Internet._datagram import DatagramComponent, chooseFamily, openSocket, resolve
from Kamaelia.Internet.UDP import BasicPeer, PostboxPeer, SimplePeer, TargettedPeer

__all__ = ["UDPSender", "UDPReceiver", "SimplePeer", "TargettedPeer", "PostboxPeer"]

_CONTROL = "producerFinished: finish what is waiting, then end; shutdownMicroprocess: end now"
_SIGNAL = "the shutdown message, passed on when it has ended"


class UDPSender(DatagramComponent):
    """UDPSender(receiver_addr="0.0.0.0", receiver_port=0, family=None) -> sends
    each message from "inbox" as a datagram to the receiver

    - receiver_addr, receiver_port -- where data goes (port 0: nowhere until a target)
    - family -- socket.AF_INET or AF_INET6 (None: IPv6 if the address has a colon)
    """

    Inboxes = {"inbox": "data to send (bytes; str is sent as UTF-8)",
               "target": "(host, port): where data goes from now on",
               "control": _CONTROL}
    Outboxes = {"outbox": "not used", "signal": _SIGNAL}

    sends = True

    def __init__(self, receiver_addr: str = "0.0.0.0", receiver_port: int = 0,
                 family: Any = None, **argd: Any) -> None:
        checkHost(receiver_addr, "receiver_addr")
        checkPort(receiver_port, "receiver_port")
        family = chooseFamily(family, receiver_addr)
        destination = resolve("receiver_addr", receiver_addr, receiver_port, family)
        sock = openSocket(family, resolve("localaddr", "0.0.0.0", 0, family))
        super().__init__(sock, destination if receiver_port else None, **argd)
        self.receiver_addr = receiver_addr
        self.receiver_port = receiver_port


class UDPReceiver(BasicPeer):
    """UDPReceiver(localaddr="0.0.0.0", localport=0, family=None) -> emits each
    datagram arriving at (localaddr, localport) as (data, (host, port))

    - localaddr -- the address to bind to ("0.0.0.0": every address)
    - localport -- the port to bind to (0: any free port; see ``localaddress``)
    - family    -- socket.AF_INET or AF_INET6 (None: from the address)
    """

    Inboxes = {"inbox": "not used: anything sent here is logged and dropped",
               "control": _CONTROL}

"""Multicast_transceiver: send to a multicast group, and hear it.

Example Usage
-------------
One member of a group says hello to the others, on this machine only (the
loopback interface)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.Multicast_transceiver import Multicast_transceiver
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Detuple import SimpleDetupler
    from Kamaelia.Util.PureTransformer import PureTransformer

    GROUP = "239.255.12.36"
    listening = Multicast_transceiver("0.0.0.0", 0, GROUP, 0, interface="127.0.0.1")
    _, port = listening.localaddress             # the port the system chose

    Pipeline(
        DataSource([b"hello\\n"]),
        Multicast_transceiver("0.0.0.0", 0, GROUP, port, interface="127.0.0.1"),
        listening,             # ends, after reading, when the other has finished
        SimpleDetupler(1),     # it sends ((host, port), data): keep the data
        PureTransformer(lambda data: data.decode()),
        ConsoleEchoer(),
    ).run()                                     # prints hello

How does it work?
-----------------
``Multicast_transceiver(local_addr, local_port, remote_addr, remote_port)``
is a :class:`~Kamaelia.Internet.Multicast_sender.Multicast_sender` that
also joins the group ``remote_addr`` and listens: its socket is bound to
``(local_addr, local_port)`` (port 0: any free port; ``localaddress``
tells which), messages arriving on ``"inbox"`` are sent as datagrams to
``(remote_addr, remote_port)``, and every datagram that arrives at its
port -- from the group, or sent to it directly -- goes out of ``"outbox"``
as ``((host, port), data)``: the sender's address, then the bytes. This is
the order Kamaelia 1.14's multicast components used, so ``detuple(1)`` /
``SimpleDetupler(1)`` gives the data, as it did there; it differs from the
UDP peers (:mod:`Kamaelia.Internet.UDP`, :mod:`Kamaelia.Internet.UDP_ng`),
which send ``(data, (host, port))``. With ``loop=True`` (the default) and
``remote_port`` equal to its own port, it hears what it sends.
``SO_REUSEADDR`` is set, so several transceivers on one machine can share
a port.

Options: ``ttl=1``, ``loop=True``, ``interface=None`` and ``family=None``,
as for ``Multicast_sender``; the interface is also the one it joins on.
``debug=False`` (1.14's fifth argument, before them): log each datagram
sent and received.

Neither sending nor reading blocks the scheduler; a datagram that cannot
be sent is logged with the group and the reason, and the next one goes.

Shutdown: ``producerFinished`` on ``"control"``: it sends everything that
arrived before it and reads its socket until it is empty (passing on what
had arrived), then closes the socket (leaving the group), ends and passes
the message on out of ``"signal"``. ``shutdownMicroprocess``: it closes its
socket and ends at once, dropping what it had not sent, and passes the
message on. Stopped from outside (``stop()``), it closes its socket too.
Made but never activated, it keeps its socket open until ``close()`` is
called. """

from __future__ import annotations

import socket
from typing import Any

from Kamaelia.Internet._datagram import SockAddr, log, shortAddress
from Kamaelia.Internet._multicast import MulticastOptions, loopbackDemo
from Kamaelia.Internet.Multicast_sender import Multicast_sender

__all__ = ["Multicast_transceiver", "tests"]


class Multicast_transceiver(Multicast_sender):
    """Multicast_transceiver(local_addr, local_port, remote_addr, remote_port, debug=False,
    ttl=1, loop=True, interface=None, family=None) -> sends "inbox" to a group it has
    joined, and emits what arrives as ((host, port), data)

    Arguments as for :class:`~Kamaelia.Internet.Multicast_sender.Multicast_sender`;
    with ``debug`` (1.14's argument) each datagram sent and received is
    logged (logger ``Kamaelia.Internet``, level INFO).
    """

    Inboxes = {"inbox": "data to send to the group (bytes; str is sent as UTF-8)",
               "control": "producerFinished: send what is waiting, then end; "
                          "shutdownMicroprocess: end now"}
    Outboxes = {"outbox": "datagrams received, as ((host, port), data)",
                "signal": "the shutdown message, passed on when it has ended"}

    receives = True

    def __init__(self, local_addr: str, local_port: int, remote_addr: str, remote_port: int,
                 debug: bool = False, ttl: int = 1, loop: bool = True,
                 interface: str | int | None = None, family: Any = None, **argd: Any) -> None:
        super().__init__(local_addr, local_port, remote_addr, remote_port, ttl=ttl, loop=loop,
                         interface=interface, family=family, **argd)
        self.debug = debug

    def datagramFor(self, message: Any) -> tuple[Any, SockAddr]:
        datagram = super().datagramFor(message)
        if self.debug:
            log.info("%s: sending %d bytes to %s", self.name, len(datagram[0]),
                     shortAddress(datagram[1]))
        return datagram

    def _setUp(self, sock: socket.socket, options: MulticastOptions, group: SockAddr) -> None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        options.setUpSending(sock)
        options.join(sock, group)

    def messageFor(self, data: bytes, source: tuple[str, int]) -> Any:
        """``((host, port), data)``: the sender first, as in Kamaelia 1.14."""
        if self.debug:
            log.info("%s: received %d bytes from %s", self.name, len(data), source)
        return source, data


def tests() -> None:
    """A small demonstration (1.14's module had a ``tests()`` too): over the
    loopback interface two lines go through a multicast group and are
    printed; then it ends."""
    loopbackDemo("transceiver")


__kamaelia_components__ = (Multicast_transceiver,)

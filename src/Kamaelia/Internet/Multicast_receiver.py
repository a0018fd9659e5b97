"""Multicast_receiver: join a multicast group and pass on what is sent to it.

Example Usage
-------------
Join a group on this machine only (the loopback interface), and print what
a sender sends to it::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.Multicast_receiver import Multicast_receiver
    from Kamaelia.Internet.Multicast_sender import Multicast_sender
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Detuple import SimpleDetupler
    from Kamaelia.Util.PureTransformer import PureTransformer

    GROUP = "239.255.12.35"
    receiver = Multicast_receiver(GROUP, 0, interface="127.0.0.1")
    group, port = receiver.localaddress          # the port the system chose

    Pipeline(
        DataSource([b"hello\\n", b"world\\n"]),
        Multicast_sender("127.0.0.1", 0, GROUP, port, interface="127.0.0.1"),
        receiver,              # ends, after reading, when the sender has finished
        SimpleDetupler(1),     # it sends ((host, port), data): keep the data
        PureTransformer(lambda data: data.decode()),
        ConsoleEchoer(),
    ).run()                                     # prints hello and world

How does it work?
-----------------
``Multicast_receiver(address, port)`` binds a UDP socket to the group
``address`` and ``port`` (port 0: any free port; ``localaddress`` tells
which), joins the group, and sends every datagram sent to the group on that
port out of ``"outbox"`` as ``((host, port), data)``: the sender's address,
then the bytes. This is the order Kamaelia 1.14's multicast components
used, so ``detuple(1)`` / ``SimpleDetupler(1)`` gives the data, as it did
there; it differs from the UDP peers (:mod:`Kamaelia.Internet.UDP`,
:mod:`Kamaelia.Internet.UDP_ng`), which send ``(data, (host, port))``.
Bound to the group address, it hears only that group: not other groups on
the same port, nor datagrams sent to this machine's own addresses.
``SO_REUSEADDR`` is set, so several receivers on one machine can share a
group and port.

Options (keyword arguments):

* ``interface=None`` -- the interface to join on: for IPv4 its address
  (``"127.0.0.1"``), for IPv6 its name (``"eth0"``) or index. None lets the
  system choose by its routes; an IPv6 group of interface or link scope
  (``ff?1::``, ``ff?2::``) needs one, and gets ``ValueError`` without.
* ``family=None`` -- ``socket.AF_INET`` or ``AF_INET6``; by default IPv6
  if the address has a colon, else IPv4.

It sends nothing: messages on ``"inbox"`` are logged and dropped. Reading
never blocks the scheduler; when the consumer's inbox is full it stops
reading until there is room again.

Shutdown: ``producerFinished`` on ``"control"``: it reads its socket until
it is empty (passing on what had arrived), then leaves the group (by
closing its socket), ends and passes the message on out of ``"signal"``.
``shutdownMicroprocess``: the same, without reading first. Stopped from
outside (``stop()``), it closes its socket too. Made but never activated,
it keeps its socket open until ``close()`` is called. """

from __future__ import annotations

import socket
from typing import Any

from Kamaelia.Internet._addresses import checkHost, checkPort
from Kamaelia.Internet._datagram import DatagramComponent, chooseFamily, openSocket, resolve
from Kamaelia.Internet._multicast import (MulticastOptions, checkGroup, loopbackDemo,
                                          needsInterface)

__all__ = ["Multicast_receiver", "tests"]


class Multicast_receiver(DatagramComponent):
    """Multicast_receiver(address, port, interface=None, family=None) -> emits each
    datagram sent to the group as ((host, port), data)

    - address   -- the multicast group to join
    - port      -- the port to listen on (0: any free port; see ``localaddress``)
    - interface, family -- see the module's documentation
    """

    Inboxes = {"inbox": "not used: anything sent here is logged and dropped",
               "control": "producerFinished: pass on what has arrived, then end; "
                          "shutdownMicroprocess: end now"}
    Outboxes = {"outbox": "datagrams received, as ((host, port), data)",
                "signal": "the shutdown message, passed on when it has ended"}

    receives = True

    def __init__(self, address: str, port: int, interface: str | int | None = None,
                 family: Any = None, **argd: Any) -> None:
        checkHost(address, "address")
        checkPort(port, "port")
        family = chooseFamily(family, address)
        options = MulticastOptions(family, interface=interface)
        group = options.scoped(resolve("address", address, port, family))
        checkGroup("address", group)
        if needsInterface(group) and not options.ifindex:
            raise ValueError(f"the group {address!r} is for one interface or link: "
                             f"say which with interface=")

        def setUp(sock: socket.socket) -> None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            options.join(sock, group)

        super().__init__(openSocket(family, group, setUp), **argd)
        self.address, self.port = address, port
        #: The multicast options in force (``interface``).
        self.options = options

    def messageFor(self, data: bytes, source: tuple[str, int]) -> Any:
        """``((host, port), data)``: the sender first, as in Kamaelia 1.14."""
        return source, data


def tests() -> None:
    """A small demonstration (1.14's module had a ``tests()`` too): over the
    loopback interface two lines go through a multicast group and are
    printed; then it ends."""
    loopbackDemo("receiver")


__kamaelia_components__ = (Multicast_receiver,)

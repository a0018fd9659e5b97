"""Multicast_sender: send what arrives to a multicast group.

Example Usage
-------------
Send two datagrams to a group, on this machine only (the loopback
interface), and print what a member of the group receives::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.Multicast_receiver import Multicast_receiver
    from Kamaelia.Internet.Multicast_sender import Multicast_sender
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Detuple import SimpleDetupler
    from Kamaelia.Util.PureTransformer import PureTransformer

    GROUP = "239.255.12.34"          # administratively scoped: stays on this site
    receiver = Multicast_receiver(GROUP, 0, interface="127.0.0.1")
    group, port = receiver.localaddress          # the port the system chose

    Pipeline(
        DataSource([b"hello\\n", b"world\\n"]),
        Multicast_sender("127.0.0.1", 0, GROUP, port, interface="127.0.0.1"),
        receiver,              # ends, after reading, when the sender has finished
        SimpleDetupler(1),     # the receiver sends ((host, port), data): keep the data
        PureTransformer(lambda data: data.decode()),
        ConsoleEchoer(),
    ).run()                                     # prints hello and world

How does it work?
-----------------
``Multicast_sender(local_addr, local_port, remote_addr, remote_port)``
binds a UDP socket to ``(local_addr, local_port)`` (port 0: any free port;
``localaddress`` tells which) and sends each message arriving on
``"inbox"`` (``bytes``; ``str`` is sent as UTF-8) as one datagram to the
group ``remote_addr`` on ``remote_port`` (0: nowhere; data is then logged
and dropped). ``remote_addr`` must be a multicast address (224.0.0.0/4 or
ff00::/8), else ``ValueError``.

Options (keyword arguments):

* ``ttl=1`` -- how many routers each datagram may cross; 1 keeps it on the
  local network. (For IPv6, the hop limit.)
* ``loop=True`` -- deliver what it sends to members of the group on this
  machine too (``IP_MULTICAST_LOOP``), so a receiver on the same host hears
  it.
* ``interface=None`` -- the interface to send from: for IPv4 its address
  (``"127.0.0.1"`` keeps everything on this machine), for IPv6 its name or
  index. None lets the system choose by its routes.
* ``family=None`` -- ``socket.AF_INET`` or ``AF_INET6``; by default IPv6
  if an address has a colon, else IPv4.

It does not read: answers sent to its port are not passed on (see
:mod:`Kamaelia.Internet.Multicast_transceiver`). Sending never blocks the
scheduler; a datagram that cannot be sent is logged with the group and the
reason, and the next one goes.

Shutdown: ``producerFinished`` on ``"control"``: it sends everything that
arrived before it, closes its socket, ends and passes the message on out of
``"signal"``. ``shutdownMicroprocess``: it closes its socket and ends at
once, dropping what it had not sent, and passes the message on. Stopped
from outside (``stop()``), it closes its socket too. Made but never
activated, it keeps its socket open until ``close()`` is called. """

from __future__ import annotations

import socket
from typing import Any

from Kamaelia.Internet._addresses import checkHost, checkPort
from Kamaelia.Internet._datagram import (DatagramComponent, SockAddr, chooseFamily,
                                         openSocket, resolve)
from Kamaelia.Internet._multicast import MulticastOptions, checkGroup, loopbackDemo

__all__ = ["Multicast_sender", "tests"]


class Multicast_sender(DatagramComponent):
    """Multicast_sender(local_addr, local_port, remote_addr, remote_port, ttl=1,
    loop=True, interface=None, family=None) -> sends "inbox" to a multicast group

    - local_addr, local_port   -- where to bind (port 0: any free port)
    - remote_addr, remote_port -- the group and port to send to (port 0: nowhere)
    - ttl, loop, interface, family -- see the module's documentation
    """

    Inboxes = {"inbox": "data to send to the group (bytes; str is sent as UTF-8)",
               "control": "producerFinished: send what is waiting, then end; "
                          "shutdownMicroprocess: end now"}
    Outboxes = {"outbox": "not used",
                "signal": "the shutdown message, passed on when it has ended"}

    sends = True

    def __init__(self, local_addr: str, local_port: int, remote_addr: str, remote_port: int,
                 ttl: int = 1, loop: bool = True, interface: str | int | None = None,
                 family: Any = None, **argd: Any) -> None:
        checkHost(local_addr, "local_addr")
        checkHost(remote_addr, "remote_addr")
        checkPort(local_port, "local_port")
        checkPort(remote_port, "remote_port")
        family = chooseFamily(family, local_addr, remote_addr)
        options = MulticastOptions(family, ttl, loop, interface)
        group = options.scoped(resolve("remote_addr", remote_addr, remote_port, family))
        checkGroup("remote_addr", group)
        sock = openSocket(family, resolve("local_addr", local_addr, local_port, family),
                          lambda sock: self._setUp(sock, options, group))
        super().__init__(sock, group if remote_port else None, **argd)
        self.local_addr, self.local_port = local_addr, local_port
        self.remote_addr, self.remote_port = remote_addr, remote_port
        #: The multicast options in force (``ttl``, ``loop``, ``interface``).
        self.options = options

    def _setUp(self, sock: socket.socket, options: MulticastOptions, group: SockAddr) -> None:
        """Configure the socket before it is bound (a transceiver also joins)."""
        options.setUpSending(sock)


def tests() -> None:
    """A small demonstration (1.14's module had a ``tests()`` too): over the
    loopback interface two lines go through a multicast group and are
    printed; then it ends."""
    loopbackDemo("sender")


__kamaelia_components__ = (Multicast_sender,)

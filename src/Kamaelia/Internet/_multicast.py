"""Multicast socket options, shared by the three multicast components (not public API).

Example Usage
-------------
::

    import socket
    from Kamaelia.Internet._multicast import MulticastOptions

    options = MulticastOptions(socket.AF_INET, ttl=1, loop=True, interface="127.0.0.1")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    options.setUpSending(sock)                  # TTL, loopback, outgoing interface
    options.join(sock, ("239.255.0.1", 0))      # membership, on 127.0.0.1
    print(sock.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL))   # 1
    sock.close()

How does it work?
-----------------
:class:`MulticastOptions` checks the options when it is made (so the
components report bad ones at construction) and sets them on a socket:

* ``ttl`` -- how many routers a datagram may cross (``IP_MULTICAST_TTL``,
  or ``IPV6_MULTICAST_HOPS``); 1, the system's default, keeps it on the
  local network.
* ``loop`` -- whether datagrams sent are also delivered to receivers on
  this machine (``IP_MULTICAST_LOOP`` / ``IPV6_MULTICAST_LOOP``).
* ``interface`` -- which interface to send from and join on. For IPv4 the
  interface's address (``"127.0.0.1"``), for IPv6 its name (``"eth0"``) or
  index. None lets the system choose by its routes.

:func:`checkGroup` makes sure a resolved address is a multicast group.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from typing import Any

from Kamaelia.Internet._datagram import SockAddr

__all__ = ["MulticastOptions", "checkGroup", "needsInterface"]


def checkGroup(what: str, sockaddr: SockAddr) -> None:
    """ValueError unless ``sockaddr``'s host is a multicast group address."""
    host = sockaddr[0].split("%")[0]
    if not ipaddress.ip_address(host).is_multicast:
        raise ValueError(f"{what} must be a multicast group address "
                         f"(224.0.0.0/4 or ff00::/8), not {sockaddr[0]!r}")


def needsInterface(sockaddr: SockAddr) -> bool:
    """True for an IPv6 group whose scope is one interface or one link (ff?1::, ff?2::):
    its address means nothing without saying which interface."""
    if len(sockaddr) != 4:
        return False
    scope = (int(ipaddress.IPv6Address(sockaddr[0].split("%")[0])) >> 112) & 0xF
    return scope in (1, 2)


class MulticastOptions:
    """MulticastOptions(family, ttl=1, loop=True, interface=None) -> checked multicast options"""

    __slots__ = ("family", "ttl", "loop", "interface", "_packedInterface", "ifindex")

    def __init__(self, family: socket.AddressFamily, ttl: int = 1, loop: bool = True,
                 interface: str | int | None = None) -> None:
        if isinstance(ttl, bool) or not isinstance(ttl, int):
            raise TypeError(f"ttl must be an int, not {ttl!r}")
        if not 0 <= ttl <= 255:
            raise ValueError(f"ttl must be from 0 to 255, not {ttl!r}")
        if not isinstance(loop, bool):
            raise TypeError(f"loop must be True or False, not {loop!r}")
        self.family = family
        self.ttl = ttl
        self.loop = loop
        self.interface = interface
        #: IPv6: the interface's index (0: the system chooses).
        self.ifindex = 0
        #: IPv4: the interface's address, packed (INADDR_ANY: the system chooses).
        self._packedInterface = socket.inet_aton("0.0.0.0")
        if family == socket.AF_INET:
            if interface is not None:
                if not isinstance(interface, str):
                    raise TypeError(f"interface must be an IPv4 address (str) for AF_INET, "
                                    f"not {interface!r}")
                try:
                    self._packedInterface = socket.inet_pton(socket.AF_INET, interface)
                except OSError:
                    raise ValueError(f"interface must be the IPv4 address of an interface "
                                     f"for AF_INET, not {interface!r}") from None
        elif isinstance(interface, str):
            try:
                self.ifindex = socket.if_nametoindex(interface)
            except OSError:
                raise ValueError(f"interface {interface!r} is not the name of a network "
                                 f"interface here") from None
        elif isinstance(interface, int) and not isinstance(interface, bool) and interface >= 0:
            self.ifindex = interface
        elif interface is not None:
            raise TypeError(f"interface must be an interface name (str) or index (int) "
                            f"for AF_INET6, not {interface!r}")

    def setUpSending(self, sock: socket.socket) -> None:
        """Set the TTL (hop limit), loopback and outgoing interface on ``sock``."""
        if self.family == socket.AF_INET:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, self.ttl)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, int(self.loop))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, self._packedInterface)
        else:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, self.ttl)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, int(self.loop))
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, self.ifindex)

    def join(self, sock: socket.socket, group: SockAddr) -> None:
        """Make ``sock`` a member of ``group``, on the chosen interface."""
        if self.family == socket.AF_INET:
            request = socket.inet_pton(socket.AF_INET, group[0]) + self._packedInterface
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, request)
        else:
            request = (socket.inet_pton(socket.AF_INET6, group[0].split("%")[0])
                       + struct.pack("@I", self.ifindex))
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, request)

    def scoped(self, sockaddr: SockAddr) -> SockAddr:
        """An IPv6 socket address with the interface as its scope, if it has none."""
        if len(sockaddr) == 4 and not sockaddr[3] and self.ifindex:
            return (*sockaddr[:3], self.ifindex)
        return sockaddr

    def __repr__(self) -> str:
        return (f"MulticastOptions(ttl={self.ttl!r}, loop={self.loop!r}, "
                f"interface={self.interface!r})")


def loopbackDemo(kind: str) -> None:
    """The small demonstration the modules' ``tests()`` run (1.14 had them):
    over the loopback interface, a ``kind`` ("receiver", "sender" or
    "transceiver") pair passes two lines, which are printed; then it ends."""
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.Multicast_receiver import Multicast_receiver
    from Kamaelia.Internet.Multicast_sender import Multicast_sender
    from Kamaelia.Internet.Multicast_transceiver import Multicast_transceiver
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    group, loopback = "239.255.12.37", "127.0.0.1"
    listener: Any
    if kind == "transceiver":
        listener = Multicast_transceiver("0.0.0.0", 0, group, 0, interface=loopback)
        port = listener.localaddress[1]
        talker: Any = Multicast_transceiver("0.0.0.0", 0, group, port, interface=loopback)
    else:
        listener = Multicast_receiver(group, 0, interface=loopback)
        port = listener.localaddress[1]
        talker = Multicast_sender(loopback, 0, group, port, interface=loopback)
    Pipeline(DataSource([b"hello from a multicast " + kind.encode() + b" demo\n",
                         b"goodbye\n"]),
             talker, listener,
             PureTransformer(lambda received: received[1].decode()),
             ConsoleEchoer()).run()

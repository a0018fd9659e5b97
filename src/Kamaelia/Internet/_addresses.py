"""Checking addresses, ports and address families (shared by the TCP components).

Not public API.

Example Usage
-------------
::

    import socket
    from Kamaelia.Internet._addresses import checkPort, familyFor

    assert familyFor("::1", None) == socket.AF_INET6
    assert familyFor("127.0.0.1", None) == socket.AF_INET
    assert checkPort(0, "port") == 0
"""

from __future__ import annotations

import socket
from typing import Any

__all__ = ["familyFor", "checkPort", "checkHost", "describeAddress", "peerInfo"]

_FAMILIES = {socket.AF_INET: "AF_INET", socket.AF_INET6: "AF_INET6"}


def familyFor(host: str | None, family: Any) -> socket.AddressFamily:
    """The address family to use: ``family`` if given, else AF_INET6 for an
    address with a colon in it, else AF_INET."""
    if family is not None:
        if family not in _FAMILIES:
            raise ValueError(f"family must be socket.AF_INET or socket.AF_INET6, "
                             f"not {family!r}")
        return socket.AddressFamily(family)
    if host and ":" in host:
        return socket.AF_INET6
    return socket.AF_INET


def checkPort(port: Any, what: str, allowZero: bool = True) -> int:
    """``port`` if it is an int in range, else ValueError/TypeError naming it."""
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"{what} must be an int, not {port!r}")
    if not (0 if allowZero else 1) <= port <= 65535:
        raise ValueError(f"{what} must be between {0 if allowZero else 1} and 65535, "
                         f"not {port!r}")
    return port


def checkHost(host: Any, what: str) -> str:
    """``host`` if it is a non-empty string, else TypeError/ValueError naming it."""
    if not isinstance(host, str):
        raise TypeError(f"{what} must be a str (a host name or address), not {host!r}")
    if not host:
        raise ValueError(f"{what} must not be empty")
    return host


def describeAddress(address: Any) -> str:
    """``"127.0.0.1:8080"`` or ``"[::1]:8080"`` for a socket address tuple."""
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return str(address)


def peerInfo(sock: socket.socket, fallbackPort: int = 0) -> dict[str, Any]:
    """``peer``, ``peerport``, ``localip``, ``localport`` of a connected socket
    (the keyword arguments a protocol factory is called with, as in 1.14)."""
    def split(address: Any, port: int) -> tuple[Any, int]:
        if isinstance(address, tuple) and len(address) >= 2:
            return address[0], address[1]
        return address or "", port          # e.g. a Unix socket: a path, or ''
    try:
        peer, peerport = split(sock.getpeername(), 0)
    except OSError:                          # already reset by the peer
        peer, peerport = "0.0.0.0", 0
    try:
        localip, localport = split(sock.getsockname(), fallbackPort)
    except OSError:
        localip, localport = "0.0.0.0", fallbackPort
    return {"peer": peer, "peerport": peerport, "localip": localip, "localport": localport}

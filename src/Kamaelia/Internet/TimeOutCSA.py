"""Kamaelia.Internet.TimeOutCSA: a connection that closes itself when idle.

Example Usage
-------------
A server whose connections are closed after 30 seconds without traffic in
either direction::

    from Kamaelia.Chassis.ConnectedServer import ServerCore
    from Kamaelia.Protocol.EchoProtocol import EchoProtocol

    server = ServerCore(protocol=EchoProtocol, port=0, host="127.0.0.1",
                        connectionOptions={"idleTimeout": 30})
    server.close()

or, around a socket you already have, ``TimeOutCSA(sock, timeout=30)``.

How does it work?
-----------------
It is a :class:`~Kamaelia.Internet.ConnectedSocketAdapter.ConnectedSocketAdapter`
with ``idleTimeout`` set: every read or write notes the time, and one timer
(re-armed for the time remaining, not once per byte) closes the connection
when nothing has happened for ``timeout`` seconds. Its ``howDied`` is then
``"timeout"``; everything else (boxes, shutdown) is as for the adapter.
"""

from __future__ import annotations

import socket
from typing import Any

from Kamaelia.Internet.ConnectedSocketAdapter import ConnectedSocketAdapter
from Kamaelia.Util._arguments import positiveNumber

__all__ = ["TimeOutCSA"]


class TimeOutCSA(ConnectedSocketAdapter):
    """TimeOutCSA(sock, selectorService=None, timeout=30, **options) -> an adapter that
    closes the connection after ``timeout`` idle seconds."""

    def __init__(self, listensocket: socket.socket, selectorService: Any = None,
                 timeout: float = 30, **options: Any) -> None:
        positiveNumber(type(self).__name__, "timeout", timeout)
        super().__init__(listensocket, selectorService, idleTimeout=timeout, **options)

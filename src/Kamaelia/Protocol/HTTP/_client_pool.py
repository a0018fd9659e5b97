"""Kamaelia.Protocol.HTTP._client_pool: open HTTP connections kept for reuse.

Private to :mod:`Kamaelia.Protocol.HTTP.HTTPClient`. A :class:`Connection`
pairs a running ``TCPClient`` with the ``h11.Connection`` that tracks the
HTTP state on it; a :class:`ConnectionPool` keeps, per ``(scheme, host,
port)``, the ones whose last exchange ended cleanly (both sides of h11 back
to ``IDLE``), so the next request to that host skips the TCP (and TLS)
handshake.

Rules it keeps:

* a pooled connection is linked to nobody: the client that takes it links
  it to itself and unlinks it when it gives it back;
* a connection is only handed out if it is still running and has said
  nothing while idle (a server may close an idle connection at any time, or
  send a stray ``408`` first): anything else is closed and dropped;
* at most ``maxIdle`` connections are kept (the least recently used goes).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import h11

from Axon.Ipc import shutdownMicroprocess

Key = tuple[str, str, int]


class Connection:
    """One TCP connection to ``key`` and its HTTP state."""

    __slots__ = ("key", "tcp", "h11", "exchanges", "closed", "reason")

    def __init__(self, key: Key, tcp: Any) -> None:
        self.key = key
        self.tcp = tcp
        self.h11 = h11.Connection(our_role=h11.CLIENT)
        self.exchanges = 0          # requests answered on it so far
        self.closed = False         # the TCP client has said it ended
        self.reason: str | None = None

    def alive(self) -> bool:
        """Still running, and nothing arrived on it while nobody listened."""
        tcp = self.tcp
        return (not self.closed and not tcp._isStopped()
                and not len(tcp.outboxes["outbox"]) and not len(tcp.outboxes["signal"]))

    def close(self) -> None:
        """Close it now (whatever it still holds is dropped)."""
        self.closed = True
        if not self.tcp._isStopped():
            self.tcp._deliver(shutdownMicroprocess(), "control")


class ConnectionPool:
    """ConnectionPool(maxIdle=10) -> idle keep-alive connections, one per host."""

    def __init__(self, maxIdle: int = 10) -> None:
        if isinstance(maxIdle, bool) or not isinstance(maxIdle, int) or maxIdle < 0:
            raise ValueError(f"maxIdle must be an int >= 0, not {maxIdle!r}")
        self.maxIdle = maxIdle
        self._idle: OrderedDict[Key, Connection] = OrderedDict()

    def take(self, key: Key) -> Connection | None:
        """An idle, usable connection to ``key`` (now no longer pooled), or None."""
        conn = self._idle.pop(key, None)
        if conn is not None and not conn.alive():
            conn.close()
            return None
        return conn

    def put(self, conn: Connection) -> None:
        """Keep ``conn`` (its exchange has ended cleanly) for the next request."""
        old = self._idle.pop(conn.key, None)
        if old is not None and old is not conn:
            old.close()
        if self.maxIdle == 0:
            conn.close()
            return
        self._idle[conn.key] = conn
        while len(self._idle) > self.maxIdle:
            _, oldest = self._idle.popitem(last=False)
            oldest.close()

    def closeAll(self) -> None:
        """Close every idle connection."""
        while self._idle:
            _, conn = self._idle.popitem()
            conn.close()

    def __len__(self) -> int:
        return len(self._idle)

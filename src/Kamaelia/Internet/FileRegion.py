"""Kamaelia.Internet.FileRegion: "send these bytes of this file", for a connection.

Example Usage
-------------
Send a whole file on a connection without reading it into memory: put a
``FileRegion`` on the ``"inbox"`` of its
:class:`~Kamaelia.Internet.ConnectedSocketAdapter.ConnectedSocketAdapter`
(or, through a server, on the protocol's ``"outbox"``), between ordinary
``bytes`` messages::

    import os
    from Kamaelia.Internet.FileRegion import FileRegion

    fd = os.open("big.iso", os.O_RDONLY)
    region = FileRegion(fd, offset=0, count=os.fstat(fd).st_size)
    os.close(fd)                  # the region holds its own descriptor
    # self.send(b"header bytes", "outbox"); self.send(region, "outbox")

How does it work?
-----------------
The region keeps a duplicate of the descriptor (so the sender may close
its own at once) and the part still to send. On a plain TCP socket the
adapter hands it to the kernel with ``os.sendfile``, which copies from the
page cache to the socket with no copy through Python; it sends as much as
the socket takes, waits for it to drain, and goes on, so a 2 GB file costs
no memory. On a TLS connection (the kernel cannot encrypt) or where the
file system does not support ``sendfile``, the adapter reads it a piece at
a time (:meth:`FileRegion.read`) and sends those. Bytes queued before and
after the region go out before and after it, in order.

The descriptor is closed when the region has been sent, when the
connection ends with it unsent, or by :meth:`close`.

A read from the page cache takes microseconds; a read that misses it waits
for the disk in the scheduler's thread (as asyncio's ``loop.sendfile``
does). For files on slow network file systems, send ``bytes`` read in a
thread instead (``Handlers.Minimal(sendfile=False)`` does).
"""

from __future__ import annotations

import os

__all__ = ["FileRegion"]


class FileRegion:
    """FileRegion(fd, offset, count) -> ``count`` bytes of open file ``fd`` from ``offset``

    - fd -- an open file descriptor (an int, or anything with ``fileno()``);
      the region keeps a duplicate of it
    - offset, count -- where the bytes start in the file, and how many
    """

    __slots__ = ("fd", "offset", "remaining")

    def __init__(self, fd: int | object, offset: int, count: int) -> None:
        self.fd = -1                      # (so that a refused region closes nothing)
        number = fd if isinstance(fd, int) else getattr(fd, "fileno", lambda: None)()
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise TypeError(f"FileRegion: fd must be an open file descriptor, not {fd!r}")
        for name, value in (("offset", offset), ("count", count)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"FileRegion: {name} must be a whole number >= 0, "
                                 f"not {value!r}")
        try:
            self.fd = os.dup(number)
        except OSError as exc:
            raise ValueError(f"FileRegion: fd {number} is not an open file descriptor "
                             f"({exc.strerror})") from exc
        self.offset = offset
        #: Bytes of the region not yet sent.
        self.remaining = count

    def advance(self, sent: int) -> None:
        """``sent`` more bytes of the region have gone."""
        self.offset += sent
        self.remaining -= sent

    def read(self, size: int) -> bytes:
        """The next at most ``size`` bytes of the region (and :meth:`advance`
        past them); ``b""`` if the file has ended before the region has."""
        data = os.pread(self.fd, min(size, self.remaining), self.offset)
        self.advance(len(data))
        return data

    def close(self) -> None:
        """Close the region's descriptor (twice is harmless)."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    @property
    def closed(self) -> bool:
        return self.fd < 0

    def __del__(self) -> None:
        # A region dropped unsent (its box cleared) must not leak a descriptor.
        try:
            self.close()
        except OSError:
            pass

    def __repr__(self) -> str:
        return f"FileRegion(fd={self.fd}, offset={self.offset}, remaining={self.remaining})"

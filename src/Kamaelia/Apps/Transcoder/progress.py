"""Kamaelia.Apps.Transcoder.progress: how a worker tells the service how far it has got.

Example Usage
-------------
A worker (a process of the pool, or a Dask worker on another machine) sends
progress as small UDP datagrams; the service reads them back::

    import socket
    from Kamaelia.Apps.Transcoder.progress import ProgressSender, parseProgress

    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    report = ProgressSender(listener.getsockname(), "ab12cd")
    report("720p", 0.5)                     # a Progress callable for the media modules
    print(parseProgress(listener.recv(2048)))
    # ItemProgress(checksum='ab12cd', step='720p', fraction=0.5)
    report.close(); listener.close()

How does it work?
-----------------
Progress is advisory: a lost report only makes a bar less smooth, so it
goes by UDP (no connection to set up, keep or lose, from processes that
may be on other machines) as one JSON object per datagram:
``{"id": CHECKSUM, "step": "720p", "fraction": 0.5}``.

:class:`ProgressSender` (the worker's side) sends at most
:data:`REPORTS_PER_SECOND` reports per item, plus every change of step and
the end (fraction 1.0); a send that fails is ignored. Made with
``address=None`` it sends nothing.

:func:`parseProgress` (the service's side) reads one datagram; anything
else than the shape above -- it is network input -- raises
:class:`BadProgress` naming what was wrong, and the service logs and drops
that datagram.
"""

from __future__ import annotations

import json
import math
import socket
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["ProgressSender", "ItemProgress", "BadProgress", "parseProgress",
           "REPORTS_PER_SECOND", "MAX_DATAGRAM"]

#: The most reports a worker sends per second for one item (steps and the end always go).
REPORTS_PER_SECOND = 5
#: A progress datagram larger than this is not ours.
MAX_DATAGRAM = 2048


@dataclass(frozen=True)
class ItemProgress:
    """How far the item with ``checksum`` has got: in ``step``, ``fraction`` (0-1) of the whole."""

    checksum: str
    step: str
    fraction: float


class BadProgress(ValueError):
    """A datagram that is not a progress report."""


class ProgressSender:
    """``ProgressSender(address, checksum)``: a :data:`~.renditions.Progress`
    callable that sends ``(step, fraction)`` for one item to ``address``
    (``(host, port)``, or None to send nothing)."""

    def __init__(self, address: tuple[str, int] | None, checksum: str) -> None:
        self.address = address
        self.checksum = checksum
        self._socket: socket.socket | None = None
        self._last = -math.inf
        self._lastStep: str | None = None
        if address is not None:
            try:
                family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
                self._socket = socket.socket(family, socket.SOCK_DGRAM)
            except OSError:
                self._socket = None

    def __call__(self, step: str, fraction: float) -> None:
        if self._socket is None or self.address is None:
            return
        now = time.monotonic()
        final = fraction >= 1.0
        if not final and step == self._lastStep and now - self._last < 1 / REPORTS_PER_SECOND:
            return
        self._last, self._lastStep = now, step
        message = json.dumps({"id": self.checksum, "step": step,
                              "fraction": round(min(max(fraction, 0.0), 1.0), 4)})
        try:
            self._socket.sendto(message.encode(), self.address)
        except OSError:
            pass                     # advisory: a lost report is only a less smooth bar

    def close(self) -> None:
        """Close the socket (further reports are dropped)."""
        if self._socket is not None:
            self._socket.close()
            self._socket = None


def parseProgress(datagram: bytes) -> ItemProgress:
    """The report in ``datagram``, or :class:`BadProgress` saying why it is not one."""
    if len(datagram) > MAX_DATAGRAM:
        raise BadProgress(f"{len(datagram)} bytes: longer than a progress report can be")
    try:
        message: Any = json.loads(datagram)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadProgress(f"not JSON ({exc})") from None
    if not isinstance(message, dict):
        raise BadProgress(f"a JSON {type(message).__name__}, not an object")
    checksum, step, fraction = message.get("id"), message.get("step"), message.get("fraction")
    if not isinstance(checksum, str) or not checksum or len(checksum) > 128:
        raise BadProgress(f"id = {checksum!r}: must be the item's checksum")
    if not isinstance(step, str) or len(step) > 64:
        raise BadProgress(f"step = {step!r}: must be a short text")
    if (isinstance(fraction, bool) or not isinstance(fraction, (int, float))
            or not 0.0 <= fraction <= 1.0):
        raise BadProgress(f"fraction = {fraction!r}: must be a number from 0 to 1")
    return ItemProgress(checksum, step, float(fraction))

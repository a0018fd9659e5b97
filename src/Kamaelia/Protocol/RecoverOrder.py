"""RecoverOrder: put sequence-numbered items back in order, with wrapping numbers.

Example Usage
-------------
Items arriving out of order come out in order once the buffer has filled::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Protocol.RecoverOrder import RecoverOrder
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([(2, "c"), (0, "a"), (3, "d"), (1, "b"), (5, "f"), (4, "e")]),
        RecoverOrder(bufsize=3, modulo=8),
        PureTransformer(lambda item: f"{item[0]}{item[1]} "),
        ConsoleEchoer(),
    ).run()                                  # prints 0a 1b 2c 3d 4e 5f

Sequence numbers that wrap (here at 8) keep their order across the wrap::

    Pipeline(
        DataSource([(6, "g"), (0, "i"), (7, "h"), (1, "j")]),
        RecoverOrder(bufsize=4, modulo=8),
        PureTransformer(lambda item: f"{item[0]}{item[1]} "),
        ConsoleEchoer(),
    ).run()                                  # prints 6g 7h 0i 1j

How does it work?
-----------------
``RecoverOrder(bufsize=30, modulo=2**32)`` takes ``(seqnum, data)`` pairs
on ``"inbox"`` and holds them in a buffer kept in sequence order. Once the
buffer holds ``bufsize`` items, each new arrival sends the earliest out of
``"outbox"``. An item arriving later than ``bufsize`` items after its
place in the sequence has passed cannot be put back in its place: it is
still sent, as the next one, out of order. Choose ``bufsize`` for the
amount of reordering expected (for RTP over a network, 64 is usual).

Sequence numbers run from 0 to ``modulo - 1`` and then wrap to 0 (RTP's
wrap at 2**16, for example). Whether a number is early or late is decided,
as in 1.14, about a threshold half the sequence space away from the
middle item of the buffer: numbers from the middle up to the threshold are
later, the others earlier. ``modulo=None`` means numbers never wrap.

An item equal to its neighbour (the same number and data: a duplicated
packet), or to the item sent just before (for data that can be hashed:
the component keeps only the number and the hash of the item it sent
last, not the item), is dropped. A message that is
not such a pair, or whose number is outside ``0 .. modulo - 1``, is logged
as an error (logger ``Kamaelia.Protocol.RecoverOrder``) and skipped.
:meth:`RecoverOrder.insertitem` does the ordered insertion into a list
(1.14's method; subclasses may override it).

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it takes what is waiting on ``"inbox"``, sends everything it
holds, in order, then passes the message on out of ``"signal"`` and ends.
Other control messages are logged and ignored.

What it does not do: it does not ask for missing items again, or wait for
them: gaps are simply closed up.
"""

from __future__ import annotations

import bisect
import logging
from typing import Any, Iterator

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import shortRepr

__all__ = ["RecoverOrder"]

log = logging.getLogger(__name__)


def _fingerprint(item: Any) -> tuple[int, type, int] | None:
    """(seqnum, type and hash of the data), or None for data that cannot be hashed."""
    try:
        return (item[0], type(item[1]), hash(item[1]))
    except TypeError:
        return None


class RecoverOrder(component):
    """RecoverOrder(bufsize=30, modulo=2**32) -> sends (seqnum, data) items in sequence order

    - bufsize -- how many items to hold back for reordering
    - modulo  -- sequence numbers wrap to 0 at this (None: they never wrap)
    """

    Inboxes = {"inbox": "(seqnum, data) pairs, in any order", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the same pairs, in sequence order", "signal": "shutdown signalling"}

    def __init__(self, bufsize: int = 30, modulo: int | None = 2 ** 32, **argd: Any) -> None:
        name = type(self).__name__
        bufsize = positiveInt(name, "bufsize", bufsize)
        if modulo is not None and (isinstance(modulo, bool) or not isinstance(modulo, int)
                                   or modulo < 2):
            raise ValueError(f"{name}: modulo must be an int >= 2 or None, not {modulo!r}")
        super().__init__(**argd)
        self.bufsize = bufsize
        self.modulo = modulo
        self.buffer: list[Any] = []
        # What identifies the item sent last: its number and the hash of its
        # data (not the item itself, which would be kept alive until the next).
        self._last: tuple[int, type, int] | None = None

    def _key(self, seqnum: int, thresh: int) -> int:
        """Where ``seqnum`` goes, measured from ``thresh`` (the earliest place)."""
        assert self.modulo is not None
        return (seqnum - thresh) % self.modulo

    def insertitem(self, buffer: list[Any], item: Any) -> None:
        """Insert ``item`` (seqnum, data) into ``buffer``, keeping it in sequence order."""
        if self.modulo is None:
            keys = [entry[0] for entry in buffer]
            buffer.insert(bisect.bisect_right(keys, item[0]), item)
            return
        if not buffer:
            buffer.append(item)
            return
        # 1.14's threshold: half the sequence space away from the middle item.
        middle = buffer[len(buffer) // 2][0]
        thresh = (middle + self.modulo // 2) % self.modulo
        keys = [self._key(entry[0], thresh) for entry in buffer]
        buffer.insert(bisect.bisect_right(keys, self._key(item[0], thresh)), item)

    def _check(self, item: Any) -> bool:
        try:
            seqnum, _ = item
        except (TypeError, ValueError):
            seqnum = None
        if isinstance(seqnum, bool) or not isinstance(seqnum, int) or seqnum < 0 or (
                self.modulo is not None and seqnum >= self.modulo):
            top = "" if self.modulo is None else f" below {self.modulo}"
            log.error("%s takes (seqnum, data) pairs with an int seqnum from 0%s, not %s; "
                      "skipped", self.name, top, shortRepr(item))
            return False
        return True

    def _emit(self) -> None:
        item = self.buffer.pop(0)
        mark = _fingerprint(item)
        if (mark is not None and mark == self._last) or (
                self.buffer and self.buffer[0] == item):
            return                                  # a duplicate
        self._last = mark
        self.send(item, "outbox")

    def _handleWaiting(self) -> None:
        buffer = self.buffer
        for item in self.Inbox("inbox"):
            if not self._check(item):
                continue
            self.insertitem(buffer, item)
            while len(buffer) >= self.bufsize:
                self._emit()

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._handleWaiting)
        while self.buffer:
            self._emit()
        self.send(request, "signal")


__kamaelia_components__ = (RecoverOrder,)

"""RangeFilter: pass on only the items whose number lies in given ranges.

Example Usage
-------------
Keep items 2 to 3 and 7 of a numbered stream::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.TagWithSequenceNumber import TagWithSequenceNumber
    from Kamaelia.Util.RangeFilter import RangeFilter
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource("abcdefghij"),
        TagWithSequenceNumber(),                # (0, 'a'), (1, 'b'), ...
        RangeFilter(ranges=[(2, 3), (7, 7)]),
        PureTransformer(lambda item: f"{item[0]} {item[1]}\\n"),
        ConsoleEchoer(),
    ).run()                                     # prints 2 c, 3 d and 7 h

How does it work?
-----------------
``RangeFilter(ranges)`` takes a list of ``(low, high)`` pairs. Each message
arriving on ``"inbox"`` must be a sequence whose first element is its index
(such as the ``(n, item)`` tuples of ``TagWithSequenceNumber``); it is sent
on, unchanged, out of ``"outbox"`` if ``low <= index <= high`` for any of
the pairs (both ends included), and dropped otherwise: dropping is what it
is for, so that is not logged.

A message that has no first element, or whose index cannot be compared with
the ranges, is logged as an error (logger ``Kamaelia.Util.RangeFilter``,
naming the component and the message) and skipped.

Bad ``ranges`` raise at construction: ``TypeError`` for something that is
not a list of pairs, ``ValueError`` for a pair with ``low > high``; the
message shows the offending value.

Boxes: ``"inbox"`` takes ``(index, ...)`` items; ``"outbox"`` sends the ones
in range; ``"control"`` takes shutdown messages, which leave through
``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first
filters everything already waiting, then sends that same message out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it does not sort, merge or change the ranges, and the
index is compared as it is (any type that compares with the bounds works).
"""

from __future__ import annotations

from typing import Any, Iterable

from Axon.Ipc import ipc
from Kamaelia.Util._stream import ControlState, StreamTransformer, shortRepr

__all__ = ["RangeFilter"]


class RangeFilter(ControlState, StreamTransformer):
    """RangeFilter(ranges) -> passes on (index, ...) items with index in a range

    - ranges -- iterable of (low, high) pairs; both ends are included
    """

    Inboxes = {"inbox": "items like (index, ...)", "control": "shutdown signalling"}
    Outboxes = {"outbox": "items whose index is in one of the ranges",
                "signal": "shutdown signalling"}

    def __init__(self, ranges: Iterable[tuple[Any, Any]], **argd: Any) -> None:
        super().__init__(**argd)
        self.ranges = _checkRanges(ranges)

    def inRange(self, index: Any) -> bool:
        """True if ``index`` lies in one of the ranges."""
        return any(low <= index <= high for low, high in self.ranges)

    def controlRequest(self) -> ipc | None:
        """The shutdown message once ``canStop()`` (1.14's method) says so."""
        return self.shutdownMsg if self.canStop() else None

    def feed(self, message: Any) -> Iterable[Any]:
        try:
            index = message[0]
        except (TypeError, IndexError, KeyError):
            raise TypeError(f"items must look like (index, ...), not {shortRepr(message)}") \
                from None
        return (message,) if self.inRange(index) else ()


def _checkRanges(ranges: Any) -> list[tuple[Any, Any]]:
    try:
        pairs = list(ranges)
    except TypeError:
        raise TypeError(f"RangeFilter: ranges must be a list of (low, high) pairs, "
                        f"not {ranges!r}") from None
    checked = []
    for pair in pairs:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"RangeFilter: each range must be a (low, high) pair, not {pair!r}")
        low, high = pair
        if low > high:
            raise ValueError(f"RangeFilter: range {pair!r} has low > high")
        checked.append((low, high))
    return checked


__kamaelia_components__ = (RangeFilter,)

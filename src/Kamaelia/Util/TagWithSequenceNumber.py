"""TagWithSequenceNumber: number the messages 0, 1, 2, ...

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.TagWithSequenceNumber import TagWithSequenceNumber
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["zero", "one", "two"]),
        TagWithSequenceNumber(),
        PureTransformer(lambda item: f"{item}\\n"),
        ConsoleEchoer(),
    ).run()                     # prints (0, 'zero'), (1, 'one') and (2, 'two')

How does it work?
-----------------
``TagWithSequenceNumber(initial=0)`` sends ``(n, message)`` out of
``"outbox"`` for each message arriving on ``"inbox"``, where ``n`` counts up
from ``initial`` (an int, as in 1.14). It pairs
with :class:`Kamaelia.Util.RangeFilter.RangeFilter`, which selects tagged
items by their number. Any message can be tagged; ``None`` too.

Boxes: ``"inbox"`` takes anything; ``"outbox"`` sends ``(n, message)``
tuples; ``"control"`` takes shutdown messages, which leave through
``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first tags
everything already waiting, then sends that same message out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: the count is not reset, and not shared between
instances.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer

__all__ = ["TagWithSequenceNumber"]


class TagWithSequenceNumber(StreamTransformer):
    """TagWithSequenceNumber(initial=0) -> sends (n, message) with n = initial, initial + 1, ...

    - initial -- the first sequence number (an int)
    """

    Inboxes = {"inbox": "items to tag", "control": "shutdown signalling"}
    Outboxes = {"outbox": "(sequence number, item) tuples", "signal": "shutdown signalling"}

    def __init__(self, initial: int = 0, **argd: Any) -> None:
        super().__init__(**argd)
        if isinstance(initial, bool) or not isinstance(initial, int):
            raise TypeError(f"TagWithSequenceNumber: initial must be an int, not {initial!r}")
        self.initial = initial
        self.index = initial

    def feed(self, message: Any) -> Iterable[Any]:
        index = self.index
        self.index = index + 1
        return ((index, message),)


__kamaelia_components__ = (TagWithSequenceNumber,)

"""Max: send the largest value of each collection that arrives.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Max import Max
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([[3, 1, 4], (1, 5), {9, 2, 6}]),
        Max(),
        PureTransformer(lambda biggest: f"{biggest}\\n"),
        ConsoleEchoer(),
    ).run()                     # prints 4, 5 and 9

How does it work?
-----------------
``Max()`` sends ``max(message)`` out of ``"outbox"`` for each message (a
list, tuple or other iterable of comparable values) arriving on
``"inbox"``. Put a ``Collate(n)`` in front of it to take the largest of
every ``n`` single values.

A message that is not an iterable, is empty, or holds values that cannot be
compared is logged as an error (logger ``Kamaelia.Util.Max``, naming the
component and the message) and skipped; the component carries on.

Boxes: ``"inbox"`` takes collections; ``"outbox"`` sends their largest
values; ``"control"`` takes shutdown messages, which leave through
``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first
handles everything already waiting, then sends that same message out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it keeps no running maximum across messages (1.14's
documentation does not pin this down; "the largest of each collection" is
what composes with ``Collate``). A string message is a collection of
characters, so its largest character is sent.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer

__all__ = ["Max"]


class Max(StreamTransformer):
    """Max() -> sends max(message) for each collection received"""

    Inboxes = {"inbox": "collections of comparable values", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the largest value of each", "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        return (max(message),)


__kamaelia_components__ = (Max,)

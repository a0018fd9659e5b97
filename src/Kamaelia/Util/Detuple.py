"""SimpleDetupler: send one element of each tuple.

Example Usage
-------------
Keep only the names from (name, score) pairs::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Detuple import SimpleDetupler

    Pipeline(
        DataSource([("ada\\n", 3), ("bob\\n", 5)]),
        SimpleDetupler(0),
        ConsoleEchoer(),
    ).run()                                     # prints ada and bob

How does it work?
-----------------
``SimpleDetupler(index)`` sends ``message[index]`` out of ``"outbox"`` for
every message (a tuple, list or other sequence) arriving on ``"inbox"``.
``index`` may be negative, or a ``slice`` to send a part of each message.
Every element is sent, ``None`` included.

A message it cannot index (too short, not a sequence) is logged as an
error (logger ``Kamaelia.Util.Detuple``, naming the component and the
message) and skipped; it carries on with the next one.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it first handles everything already waiting on ``"inbox"``,
then passes the message on out of ``"signal"`` and ends. Other messages on
``"control"`` are logged and ignored.

What it does not do: it does not look elements up by key (use a
``PureTransformer`` for dicts).
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer

__all__ = ["SimpleDetupler"]


class SimpleDetupler(StreamTransformer):
    """SimpleDetupler(index) -> sends message[index] for each message

    - index -- an int (negative counts from the end) or a slice
    """

    Inboxes = {"inbox": "tuples (or other sequences)",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "element ``index`` of each", "signal": "the shutdown message, passed on"}

    def __init__(self, index: int | slice, **argd: Any) -> None:
        if isinstance(index, bool) or not isinstance(index, (int, slice)):
            raise TypeError(f"SimpleDetupler: index must be an int or a slice, not {index!r}")
        super().__init__(**argd)
        self.index = index

    def feed(self, message: Any) -> Iterable[Any]:
        return (message[self.index],)


__kamaelia_components__ = (SimpleDetupler,)

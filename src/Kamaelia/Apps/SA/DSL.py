"""DataSink: collect the messages that arrive into a list.

Example Usage
-------------
The inverse of ``DataSource``::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Apps.SA.DSL import DataSink

    collected = []
    Pipeline(DataSource(["a", "b", "c"]), DataSink(collected)).run()
    print(collected)                      # ['a', 'b', 'c']

How does it work?
-----------------
``DataSink(outlist, limit=0, pass_thru=True)`` calls ``outlist.append`` for
each message taken from ``"inbox"`` (so ``outlist`` may be any object with
an ``append`` method) and, with ``pass_thru``, sends the message on out of
``"outbox"``. ``outlist`` is filled from the scheduler's thread and is not
locked: read it once the component has ended.

With ``limit`` > 0 it ends after that many messages, sending
``producerFinished`` out of ``"signal"`` (or, as in 1.14, the message
waiting on ``"control"`` if there is one); messages after them stay in its
inbox. ``limit=0`` means no limit.

Any message on ``"control"`` ends it and is passed on out of ``"signal"``,
as in 1.14. A ``shutdownMicroprocess`` ends it at once; anything else
(``producerFinished`` most often) first lets it take every message already
waiting in ``"inbox"`` (up to the limit), so the end of a stream loses
nothing (1.14 stopped as soon as the control message was seen and could
leave the last messages uncollected).
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess

__all__ = ["DataSink"]


class DataSink(component):
    """DataSink(outlist[, limit=0][, pass_thru=True]) -> component appending messages to outlist

    - outlist   -- where messages go: anything with an ``append`` method
    - limit     -- end after this many messages (0: no limit)
    - pass_thru -- also send each message on out of "outbox"
    """

    Inboxes = {"inbox": "messages to store in the list",
               "control": "any message ends the component (producerFinished: "
                          "after what is waiting)"}
    Outboxes = {"outbox": "each message, passed on if pass_thru is set",
                "signal": "producerFinished when the limit is reached, else the "
                          "message received on control"}

    limit = 0
    pass_thru = True

    def __init__(self, outlist: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not callable(getattr(outlist, "append", None)):
            raise TypeError(f"DataSink: outlist must have an append method, not {outlist!r}")
        if isinstance(self.limit, bool) or not isinstance(self.limit, int) or self.limit < 0:
            raise ValueError(f"DataSink: limit must be an int >= 0, not {self.limit!r}")
        self.outlist = outlist

    def main(self) -> Iterator[Any]:
        count = 0
        while True:
            if self.dataReady("control"):
                message = self.recv("control")
                if not isinstance(message, shutdownMicroprocess):
                    while self.dataReady("inbox") and not self._full(count):
                        self._take(self.recv("inbox"))
                        count += 1
                self.send(message, "signal")
                return
            while self.dataReady("inbox") and not self._full(count):
                self._take(self.recv("inbox"))
                count += 1
            if self._full(count):
                # As 1.14: a control message already waiting is what goes on.
                if self.dataReady("control"):
                    self.send(self.recv("control"), "signal")
                else:
                    self.send(producerFinished(self), "signal")
                return
            self.pause()
            yield 1

    def _full(self, count: int) -> bool:
        return self.limit > 0 and count >= self.limit

    def _take(self, message: Any) -> None:
        self.outlist.append(message)
        if self.pass_thru:
            self.send(message, "outbox")


__kamaelia_components__ = (DataSink,)

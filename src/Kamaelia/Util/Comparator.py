"""Comparator: compare messages from two inboxes, pair by pair.

Example Usage
-------------
Check a stream against what was expected::

    from Axon.Scheduler import scheduler
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Comparator import Comparator
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    expected, actual = DataSource([1, "x", None]), DataSource([1, "y", None])
    compare = Comparator()
    report = Pipeline(PureTransformer(lambda same: f"{same}\\n"), ConsoleEchoer())
    compare.link((expected, "outbox"), (compare, "inA"))
    compare.link((actual, "outbox"), (compare, "inB"))
    compare.link((actual, "signal"), (compare, "control"))
    compare.link((compare, "outbox"), (report, "inbox"))
    compare.link((compare, "signal"), (report, "control"))
    for part in (expected, actual, compare, report):
        part.activate()
    scheduler.run.runThreads()              # prints True, False, True

(A ``Graphline`` does this wiring from a table.)

How does it work?
-----------------
``Comparator()`` takes one message from ``"inA"`` and one from ``"inB"``
and sends ``combine(a, b)`` -- ``a == b`` unless a subclass overrides
1.14's ``combine`` method -- out of ``"outbox"``; pairs are made in arrival
order.
Items from one side wait (taken out of their inbox) until the other side
sends their partners; meanwhile the component is paused.

A pair whose comparison raises is logged as an error (logger
``Kamaelia.Util.Comparator``, with both items) and skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it compares every complete pair already waiting, logs any
items left without a partner (a warning naming them), passes the message on
out of ``"signal"`` and ends. Other messages on ``"control"`` are logged
and ignored.

Its ``"inbox"`` is not used, as in 1.14 (anything arriving there is logged
as a warning and dropped). ``mainBody()`` is 1.14's one-step method (one
pair, and a look at ``"control"``); ``main`` does the same work in batches.
``comparator`` is 1.14's old name for the class.

What it does not do: it sends the result of ``==`` as it is, which for
most types is ``True`` or ``False``.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Any, Iterator

from Axon.Component import component
from Kamaelia._shutdown import runUntilShutdown, shutdownRequest
from Kamaelia.Util._stream import discardUnused

__all__ = ["Comparator", "comparator"]

log = logging.getLogger("Kamaelia.Util.Comparator")


class Comparator(component):
    """Comparator() -> sends a == b for each pair taken from "inA" and "inB"."""

    Inboxes = {"inA": "first item of each pair", "inB": "second item of each pair",
               "inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "a == b for each pair (True or False)",
                "signal": "the shutdown message, passed on"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        # Items waiting for a partner, taken out of the inboxes so that an
        # unmatched item does not keep the component awake.
        self._waiting: dict[str, deque[Any]] = {"inA": deque(), "inB": deque()}

    def main(self) -> Iterator[Any]:
        request = yield from runUntilShutdown(self, self._compareWaiting)
        for boxname, unmatched in self._waiting.items():
            if unmatched:
                log.warning("%s ended with %d item(s) from %r that had no partner: %r",
                            self.name, len(unmatched), boxname, list(unmatched))
        self.send(request, "signal")

    def combine(self, valA: Any, valB: Any) -> Any:
        """What to send for the pair (valA, valB): ``valA == valB`` (override to
        compare some other way)."""
        return valA == valB

    def mainBody(self) -> int:
        """One step of 1.14's loop: compare one pair if both are waiting; on a
        shutdown message pass it on and return 0 (done); else return 1."""
        if self.dataReady("inA") and self.dataReady("inB"):
            self._compare(self.recv("inA"), self.recv("inB"))
        request = shutdownRequest(self)
        if request is not None:
            self.send(request, "signal")
            return 0
        return 1

    def _compareWaiting(self) -> None:
        discardUnused(self, "inbox")
        first, second = self._waiting["inA"], self._waiting["inB"]
        first.extend(self.Inbox("inA"))
        second.extend(self.Inbox("inB"))
        while first and second:
            self._compare(first.popleft(), second.popleft())

    def _compare(self, a: Any, b: Any) -> None:
        try:
            result = self.combine(a, b)
        except Exception as exc:
            log.error("%s cannot compare %r with %r (%s: %s); that pair was skipped",
                      self.name, a, b, type(exc).__name__, exc, exc_info=exc)
            return
        self.send(result, "outbox")


#: 1.14's old name for Comparator.
comparator = Comparator

__kamaelia_components__ = (Comparator,)

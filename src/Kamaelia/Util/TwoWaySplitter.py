"""TwoWaySplitter: send every message, and every control message, two ways.

Example Usage
-------------
Echo each line and also count its characters::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.TwoWaySplitter import TwoWaySplitter

    split = TwoWaySplitter()
    counter = Pipeline(PureTransformer(lambda line: f"{len(line) - 1} chars\\n"),
                       ConsoleEchoer())
    main = Pipeline(DataSource(["hello\\n", "hi\\n"]), split, ConsoleEchoer())
    main.link((split, "outbox2"), (counter, "inbox"))
    main.link((split, "signal2"), (counter, "control"))
    counter.activate()
    main.run()          # prints hello, 5 chars, hi and 2 chars (in some interleaving)

How does it work?
-----------------
``TwoWaySplitter()`` sends every message arriving on ``"inbox"`` out of
``"outbox"`` and then ``"outbox2"``, and every message arriving on
``"control"`` out of ``"signal"`` and ``"signal2"``: it is a Y-junction that
can sit in a Pipeline (``"outbox"``/``"signal"``) while a second consumer
hangs off ``"outbox2"``/``"signal2"``.

A destination that is a full size-limited inbox holds it back until there
is room (later messages wait in its ``"inbox"``), so the slower branch sets
the pace and nothing is dropped.

Shutdown: on ``producerFinished`` it first sends everything already
waiting on ``"inbox"`` both ways (waiting for room if need be), then passes
the message out of ``"signal"`` and ``"signal2"`` and ends, so both
branches shut down. ``shutdownMicroprocess`` does the same but does not
wait for room: what a full destination did not get is logged as an error
(logger ``Kamaelia.Util.TwoWaySplitter``). Other control messages are
passed on both ways too.

``main`` reads ``"control"`` through 1.14's ``handleControl()`` /
``canStop()`` / ``mustStop()`` methods; ``waitSendMultiple(...)`` is 1.14's
helper for sending to several boxes that may be full.

What it does not do: it does not copy the messages (both branches get the
same object), so branches must not change what they receive.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from Axon.AxonExceptions import noSpaceInBox
from Axon.Ipc import ipc
from Kamaelia.Util._copying import CopyingComponent
from Kamaelia.Util._stream import ControlState

__all__ = ["TwoWaySplitter"]


class TwoWaySplitter(ControlState, CopyingComponent):
    """TwoWaySplitter() -> sends everything out of two outboxes, and signals two ways"""

    Inboxes = {"inbox": "messages to send both ways",
               "control": "control messages to send both ways; producerFinished or "
                          "shutdownMicroprocess to end"}
    Outboxes = {"outbox": "every message", "outbox2": "every message, again",
                "signal": "every control message", "signal2": "every control message, again"}

    dataOutboxes = ("outbox", "outbox2")
    signalOutboxes = ("signal", "signal2")

    def _controlRequest(self) -> ipc | None:
        # Read "control" through 1.14's methods, so that a subclass's
        # handleControl/canStop are used.
        return self.shutdownMsg if self.canStop() else None

    def otherControl(self, message: Any) -> None:
        """A control message that is no shutdown: passed on both ways."""
        for boxname in self.signalOutboxes:
            self.send(message, boxname)

    def waitSendMultiple(self, *things: tuple[Any, str]) -> Iterator[int]:
        """waitSendMultiple((data, boxname), ...) -> generator: send each, waiting
        (paused) while a destination is full; raises ``UserWarning("STOP")`` if
        told to end at once meanwhile (1.14's method, for ``yield from``)."""
        waiting = self._sendEach(things)
        del things          # while paused, hold only what is still to be sent
        while waiting:
            if self.mustStop():
                raise UserWarning("STOP")
            self.pause()
            yield 1
            waiting = self._sendEach(waiting)

    def _sendEach(self, things: Sequence[tuple[Any, str]]) -> list[tuple[Any, str]]:
        """Send each ``(data, boxname)``; return those a full destination refused."""
        unsent = []
        for data, boxname in things:
            try:
                self.send(data, boxname)
            except noSpaceInBox:
                unsent.append((data, boxname))
        return unsent


__kamaelia_components__ = (TwoWaySplitter,)

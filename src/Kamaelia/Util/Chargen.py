"""Chargen: an endless source of "Hello World" messages, for testing.

Example Usage
-------------
Take the first three messages, then stop the generator::

    from Axon.Component import component
    from Axon.Ipc import shutdownMicroprocess
    from Kamaelia.Util.Chargen import Chargen

    class TakeThree(component):
        def main(self):
            got = 0
            while got < 3:
                if self.dataReady("inbox"):
                    print(self.recv("inbox"))
                    got += 1
                else:
                    self.pause()
                yield 1
            self.send(shutdownMicroprocess(), "signal")

    chargen, taker = Chargen(), TakeThree()
    taker.setInboxSize("inbox", 1)          # let the consumer set the pace
    chargen.link((chargen, "outbox"), (taker, "inbox"))
    chargen.link((taker, "signal"), (chargen, "control"))
    chargen.activate()
    taker.run()                 # prints Hello World three times

How does it work?
-----------------
``Chargen()`` sends the string ``"Hello World"`` out of ``"outbox"``, one
message per turn of the scheduler, for ever: a load generator for testing
components and links. If the destination inbox is full (it has a size
limit) it pauses until the consumer takes a message, so a size-limited
consumer sets its pace without any message being lost and without busy
waiting. Without a size limit downstream it produces as fast as the
scheduler runs it, and an unconsumed outbox grows without bound: give the
consumer an inbox size.

Boxes: ``"inbox"`` is not used (anything arriving there is logged as a
warning and dropped); ``"outbox"`` sends ``"Hello World"``; ``"control"``
takes shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it sends nothing more, passes that same message on out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored. It never ends by itself.

``tests(count=3)`` is 1.14's demo: it runs a Chargen into a
``ConsoleEchoer`` (1.14's ran for ever; this one prints ``count`` lines and
stops).

What it does not do: it does not rate limit itself (put a
``MessageRateLimit`` after it for that) or vary its message.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import discardUnused, passOnShutdown

__all__ = ["Chargen", "tests"]


class Chargen(component):
    """Chargen() -> sends "Hello World" for ever, as fast as it is taken"""

    Inboxes = {"inbox": "not used", "control": "shutdown signalling"}
    Outboxes = {"outbox": "\"Hello World\", repeatedly", "signal": "shutdown signalling"}

    def main(self) -> Iterator[Any]:
        while True:
            discardUnused(self, "inbox")
            if passOnShutdown(self):
                return
            try:
                self.send("Hello World", "outbox")
            except noSpaceInBox:
                self.pause()        # woken when the consumer takes a message
            yield 1


class _TakeSome(component):
    """Passes ``count`` messages on, one line each, then stops its source."""

    Inboxes = {"inbox": "messages", "control": "not used"}
    Outboxes = {"outbox": "the first count messages, one line each",
                "signal": "producerFinished to the echoer",
                "stop": "shutdownMicroprocess to the source"}

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.setInboxSize("inbox", 1)       # the Chargen goes at our pace

    def main(self) -> Iterator[Any]:
        for _ in range(self.count):
            while not self.dataReady("inbox"):
                self.pause()
                yield 1
            self.send(f"{self.recv('inbox')}\n", "outbox")
        self.send(shutdownMicroprocess(self), "stop")
        self.send(producerFinished(self), "signal")


def tests(count: int = 3) -> None:
    """1.14's demo: print ``count`` messages from a Chargen, then stop."""
    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.Console import ConsoleEchoer
    Graphline(
        CHARGEN=Chargen(),
        TAKE=_TakeSome(positiveInt("tests", "count", count)),
        ECHO=ConsoleEchoer(),
        linkages={("CHARGEN", "outbox"): ("TAKE", "inbox"),
                  ("TAKE", "stop"): ("CHARGEN", "control"),
                  ("TAKE", "outbox"): ("ECHO", "inbox"),
                  ("TAKE", "signal"): ("ECHO", "control")},
    ).run()


__kamaelia_components__ = (Chargen,)

"""The small system ``kamaelia inspect`` shows: something to look at on the live page.

Example Usage
-------------
Start the demonstration system and list what runs in it::

    from Kamaelia.Util.Topology.demo import demoSystem

    parts = demoSystem()
    print(sorted(type(part).__name__ for part in parts))
    # for part in parts: part.activate()     # then run the scheduler
    parts[0].close()                         # (not run here: give the port back)

prints ``['Graphline', 'Pipeline', 'ServerCore', 'Visitors']``.

How does it work?
-----------------
:func:`demoSystem` makes, without activating them:

* a TCP echo server (``ServerCore`` of ``EchoProtocol``) on a port of the
  loopback address chosen by the system;
* a ``Pipeline`` that talks to it: a clock ticking every second, a
  ``PureTransformer`` making a line of each tick, a ``TCPClient`` and a
  sink for the echoes;
* a ``Graphline``: a :class:`Burst` sends five numbers every two seconds
  to a ``TwoWaySplitter``; one way goes to a ``PureTransformer`` that
  squares them and on to a :class:`SlowSink` that takes one message every
  0.3 s (so its inbox's queue grows and drains: the page shows it), the
  other to a sink;
* :class:`Visitors`: every two seconds a short-lived client (a
  ``Pipeline`` of :class:`Chatter`, ``TCPClient`` and a sink) says hello to
  the echo server three times in a second and a half and leaves, so
  components come and go on both sides.

Each component ends on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` (passing it on out of ``"signal"``); ``kamaelia inspect``
simply stops the scheduler at the end.
"""

from __future__ import annotations

import time
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.Chassis.ConnectedServer import ServerCore
from Kamaelia.Chassis.Graphline import Graphline
from Kamaelia.Chassis.Pipeline import Pipeline
from Kamaelia.Internet.TCPClient import TCPClient
from Kamaelia.Protocol.EchoProtocol import EchoProtocol
from Kamaelia.Util.Clock import CheapAndCheerfulClock
from Kamaelia.Util.NullSink import nullSinkComponent
from Kamaelia.Util.PureTransformer import PureTransformer
from Kamaelia.Util.TwoWaySplitter import TwoWaySplitter

__all__ = ["Burst", "Chatter", "SlowSink", "Visitors", "demoSystem"]


def _shutdownMessage(comp: component) -> Any:
    """The first shutdown message on ``comp``'s "control", or None."""
    for message in comp.Inbox("control"):
        if isinstance(message, (producerFinished, shutdownMicroprocess)):
            return message
    return None


class Burst(component):
    """Burst(size=5, period=2.0) -> sends ``size`` numbers at once, every ``period`` seconds

    Numbers count up from 1 across bursts. Ends on a shutdown message on
    "control", passing it on.
    """

    Inboxes = {"inbox": "not used", "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "numbers, in bursts", "signal": "the shutdown message, passed on"}

    def __init__(self, size: int = 5, period: float = 2.0) -> None:
        super().__init__()
        self.size, self.period = size, period
        self.sent = 0

    def main(self) -> Iterator[int]:
        due = time.monotonic()
        while (request := _shutdownMessage(self)) is None:
            if time.monotonic() >= due:
                self._burst()
                due += self.period
            self.pause(max(0.0, due - time.monotonic()))
            yield 1
        self.send(request, "signal")

    def _burst(self) -> None:
        for _ in range(self.size):
            self.sent += 1
            self.send(self.sent, "outbox")


class SlowSink(component):
    """SlowSink(delay=0.3) -> takes one message from "inbox" every ``delay`` seconds

    A deliberately slow consumer: what arrives faster waits in its inbox.
    Ends on a shutdown message on "control", passing it on.
    """

    Inboxes = {"inbox": "anything, taken slowly", "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "not used", "signal": "the shutdown message, passed on"}

    def __init__(self, delay: float = 0.3) -> None:
        super().__init__()
        self.delay = delay
        self.taken = 0

    def main(self) -> Iterator[int]:
        nextTake = 0.0
        while (request := _shutdownMessage(self)) is None:
            now = time.monotonic()
            if self.dataReady("inbox") and now >= nextTake:
                self.recv("inbox")          # (thrown away: only the pace matters)
                self.taken += 1
                nextTake = now + self.delay
            # (A message arriving wakes us early: the time is checked again.)
            self.pause(max(0.0, nextTake - now) if self.dataReady("inbox") else None)
            yield 1
        self.send(request, "signal")


class Chatter(component):
    """Chatter(lines=3, every=0.5) -> sends ``b"hello N\\n"`` every ``every`` s, ``lines`` times

    Then sends ``producerFinished`` out of "signal" and ends (or, on a shutdown
    message on "control", passes that on and ends at once).
    """

    Inboxes = {"inbox": "not used", "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "the lines", "signal": "producerFinished once they are sent"}

    def __init__(self, lines: int = 3, every: float = 0.5) -> None:
        super().__init__()
        self.lines, self.every = lines, every

    def main(self) -> Iterator[int]:
        due, sent = time.monotonic(), 0
        while sent < self.lines:
            request = _shutdownMessage(self)
            if request is not None:
                self.send(request, "signal")
                return
            if time.monotonic() >= due:
                sent += 1
                self.send(f"hello {sent}\n".encode("ascii"), "outbox")
                due += self.every
            self.pause(max(0.0, due - time.monotonic()))
            yield 1
        self.send(producerFinished(self), "signal")


class Visitors(component):
    """Visitors(host, port, every=2.0) -> a short-lived client of host:port every ``every`` s

    Each visitor is ``Pipeline(Chatter(), TCPClient(host, port),
    nullSinkComponent())``, a child of this component, forgotten once it has
    ended. On a shutdown message on "control" the visitors still running are
    stopped and the message is passed on.
    """

    Inboxes = {"inbox": "not used", "control": "producerFinished or shutdownMicroprocess"}
    Outboxes = {"outbox": "not used", "signal": "the shutdown message, passed on"}

    def __init__(self, host: str, port: int, every: float = 2.0) -> None:
        super().__init__()
        self.host, self.port, self.every = host, port, every
        self.visits = 0

    def main(self) -> Iterator[int]:
        due = time.monotonic()
        while (request := _shutdownMessage(self)) is None:
            self._forgetEnded()
            if time.monotonic() >= due:
                self._visit()
                due += self.every
            self.pause(max(0.0, due - time.monotonic()))
            yield 1
        for visitor in self.childComponents():
            self.removeChild(visitor)
            visitor.stop()
        self.send(request, "signal")

    def _visit(self) -> None:
        self.visits += 1
        visitor = Pipeline(Chatter(lines=3, every=0.5), TCPClient(self.host, self.port),
                           nullSinkComponent())
        self.addChildren(visitor)
        visitor.activate()

    def _forgetEnded(self) -> None:
        for visitor in self.childComponents():
            if visitor._isStopped():
                self.removeChild(visitor)


def _tickLine(tick: Any) -> bytes:
    return b"tick\n"


def _square(number: int) -> int:
    return number * number


def demoSystem(host: str = "127.0.0.1") -> list[component]:
    """demoSystem(host="127.0.0.1") -> [echo server, talker, graphline, visitors], not activated"""
    echo = ServerCore(protocol=EchoProtocol, port=0, host=host)
    talker = Pipeline(CheapAndCheerfulClock(1.0), PureTransformer(_tickLine),
                      TCPClient(host, echo.port), nullSinkComponent())
    numbers = Graphline(
        BURST=Burst(size=5, period=2.0),
        SPLIT=TwoWaySplitter(),
        SQUARE=PureTransformer(_square),
        SLOW=SlowSink(delay=0.3),
        DISCARD=nullSinkComponent(),
        linkages={("BURST", "outbox"): ("SPLIT", "inbox"),
                  ("SPLIT", "outbox"): ("SQUARE", "inbox"),
                  ("SQUARE", "outbox"): ("SLOW", "inbox"),
                  ("SPLIT", "outbox2"): ("DISCARD", "inbox"),
                  ("self", "control"): ("BURST", "control"),
                  ("BURST", "signal"): ("SPLIT", "control"),
                  ("SPLIT", "signal"): ("SQUARE", "control"),
                  ("SQUARE", "signal"): ("SLOW", "control"),
                  ("SPLIT", "signal2"): ("DISCARD", "control")})
    return [echo, talker, numbers, Visitors(host, echo.port, every=2.0)]


__kamaelia_components__ = (Burst, Chatter, SlowSink, Visitors)

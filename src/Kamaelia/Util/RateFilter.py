"""Rate limiting: pass messages on at a limited rate, or ask for data at one.

Example Usage
-------------
Let messages through at about 20 a second (a burst of 5 takes about 0.2 s)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.RateFilter import MessageRateLimit
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["5\\n", "4\\n", "3\\n", "2\\n", "1\\n"]),
        MessageRateLimit(messages_per_second=20, buffer=1),
        ConsoleEchoer(),
    ).run()                     # prints 5 4 3 2 1, one line at a time

Ask for 20000 bytes a second in requests of 500 (the requests suit a reader
that reads ``n`` bytes per request, such as ``PromptedFileReader``)::

    from Axon.Component import component
    from Axon.Ipc import shutdownMicroprocess
    from Kamaelia.Util.RateFilter import ByteRate_RequestControl

    class TakeFour(component):
        def main(self):
            for _ in range(4):
                while not self.dataReady("inbox"):
                    self.pause()
                    yield 1
                print("read", self.recv("inbox"), "bytes")
            self.send(shutdownMicroprocess(), "signal")

    control, reader = ByteRate_RequestControl(rate=20000, chunksize=500), TakeFour()
    control.link((control, "outbox"), (reader, "inbox"))
    control.link((reader, "signal"), (control, "control"))
    control.activate()
    reader.run()                # prints "read 500 bytes" four times, in about 0.075 s

How does it work?
-----------------
All four components wait with ``self.pause(timeout)``: they are woken when a
message arrives or when their next deadline passes, so they use no CPU in
between and never busy-wait. Times come from ``time.monotonic`` (pass
``timefunc=`` another zero-argument clock, in seconds, to test without
waiting; the scheduler's timers still run on real time, so a component
using a fake clock re-checks it whenever it is woken).

``MessageRateLimit(messages_per_second, buffer=60)`` lets the messages
arriving on ``"inbox"`` out of ``"outbox"``, in order, with consecutive
messages at least ``interval`` seconds apart. As in Kamaelia 1.14,
``interval`` is ``1 / (1.1 * messages_per_second)`` (1.14 left 10% headroom
for its scheduler's latency, so the rate may exceed ``messages_per_second``
by up to a tenth) and it first waits until ``buffer`` messages are waiting
(or the inbox is full, or the producer has finished), once: after that it
sends whenever a message is waiting and its interval has passed. The
buffer absorbs a jittery producer at the start; ``buffer=0`` (or 1) starts
at once. The class attribute ``hardlimit`` (0: none), if set, limits the
size of its ``"inbox"``, so a fast producer is held back.

``ByteRate_RequestControl(rate=100000, chunksize=None, chunkrate=None,
allowchunkaggregation=False)`` drives a data source from the other end: it
sends *requests* out of ``"outbox"``, each an int number of bytes (or
items) to produce, with 1.14's pacing: a request for ``chunksize`` at once
when it starts, then one every ``timestep = 1 / chunkrate`` seconds. Give
``chunksize`` (then ``chunkrate = rate / chunksize``) or ``chunkrate`` (then
``chunksize = rate / chunkrate``); with neither, ``chunksize`` is
``max(1, rate / 1000)`` (a thousand requests a second); with both,
``chunksize`` wins (logged). A fractional ``chunksize`` is requested as whole
numbers, the fractions adding up to a small extra request now and then, so
that in all ``rate`` per second is asked for. If it falls behind (the system
was busy) it catches up with one request per ``timestep`` missed; with
``allowchunkaggregation=True`` these are merged into one. Its methods
``resetTiming()``, ``getChunksToSend()`` (a generator of the requests due)
and ``shutdown()`` and attributes ``timestep``, ``chunksize``, ``aggregate``,
``nextTime`` and ``toSend`` are 1.14's; ``main`` uses them. Its ``"inbox"``
is not used: anything arriving there is logged as a warning and dropped.

``VariableByteRate_RequestControl(rate=100000, chunksize=None, chunkrate=10,
allowchunkaggregation=False)`` is the same kind of controller whose rate
changes when a number arrives on ``"inbox"``; its methods take the time, as
in 1.14: ``resetTiming(now)``, ``getChunksToSend(now)`` and
``changeRate(newRate, now)``, which keeps ``chunksize`` and changes
``timestep`` to ``chunksize / newRate`` without a glitch (what was earned at
the old rate is kept). It too asks for a first chunk at once. A message on
``"inbox"`` that is not a finite number > 0 is logged as an error and
ignored; the rate does not change.

``OnDemandLimit()`` holds the items arriving on ``"inbox"`` and sends one out
of ``"outbox"`` for each ``"NEXT"`` arriving on ``"slidecontrol"`` (from,
say, a slideshow's button; other messages there are ignored, as in 1.14):
it is a :class:`Kamaelia.Util.PromptedTurnstile.PromptedTurnstile` whose
request inbox is called ``"slidecontrol"``, and behaves the same (requests
and items are paired one to one, whichever comes first).

Arguments are checked when the component is made: a rate or a size that is
not a positive number (or is ``True``, or infinite), or a ``chunksize`` below
1, raises ``TypeError`` or ``ValueError`` showing the value.

Shutdown
--------
* ``MessageRateLimit``: on ``producerFinished`` it stops waiting for the
  buffer to fill, sends every message still waiting (at the rate), then
  passes the ``producerFinished`` on out of ``"signal"`` and ends. On
  ``shutdownMicroprocess`` it stops at once: it passes the message on and
  ends, logging a warning with the number of messages left unsent.
* ``ByteRate_RequestControl`` and ``VariableByteRate_RequestControl``: on
  either message they send no more requests, pass the message on out of
  ``"signal"`` and end.
* ``OnDemandLimit``: on ``producerFinished`` it answers requests until no
  item is waiting, then passes it on and ends; on ``shutdownMicroprocess``
  it passes it on at once, logging how many items were unsent.

Other messages on ``"control"`` are logged and ignored by all four.

What they do not do: they do not look inside messages (``MessageRateLimit``
counts messages, not bytes), and the request controllers do not know
whether their requests were met.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Iterator

from Axon.Component import component
from Kamaelia.Util._arguments import callableArgument, nonNegativeInt, positiveNumber
from Kamaelia.Util._stream import (discardUnused, finishOrStop, logFor, passOnShutdown,
                                    shortRepr)
from Kamaelia.Util.PromptedTurnstile import PromptedTurnstile

__all__ = ["MessageRateLimit", "ByteRate_RequestControl", "VariableByteRate_RequestControl",
           "OnDemandLimit"]

log = logging.getLogger(__name__)


class MessageRateLimit(component):
    """MessageRateLimit(messages_per_second, buffer=60) -> passes messages on, rate limited

    - messages_per_second -- the rate to send at (a number > 0; see the module
      docstring for 1.14's 10% headroom)
    - buffer              -- how many messages to collect before starting (int >= 0)
    - timefunc            -- clock in seconds (default ``time.monotonic``; for tests)
    """

    Inboxes = {"inbox": "messages to pass on", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the messages, rate limited", "signal": "shutdown signalling"}

    #: If > 0, the size limit of "inbox" (as in 1.14).
    hardlimit = 0

    def __init__(self, messages_per_second: float, buffer: int = 60,
                 timefunc: Callable[[], float] = time.monotonic, **argd: Any) -> None:
        super().__init__(**argd)
        self.mps = positiveNumber("MessageRateLimit", "messages_per_second",
                                  messages_per_second)
        self.interval = 1.0 / (self.mps * 1.1)
        self.buffer = nonNegativeInt("MessageRateLimit", "buffer", buffer)
        self.timefunc = callableArgument("MessageRateLimit", "timefunc", timefunc)

    def main(self) -> Iterator[Any]:
        if self.hardlimit:
            self.setInboxSize("inbox", self.hardlimit)
        interval, timefunc = self.interval, self.timefunc
        inbox = self.inboxes["inbox"]
        finishing = None
        while True:                                     # fill the buffer, once
            stopped, finishing = finishOrStop(self, finishing)
            if stopped:
                return
            if (finishing is not None or self.dataReady("inbox") >= self.buffer
                    or inbox.isFull()):
                break
            self.pause()
            yield 1
        lastSent: float | None = None
        while True:
            stopped, finishing = finishOrStop(self, finishing)
            if stopped:
                return
            waiting = self.dataReady("inbox")
            timeout = None
            if waiting:
                now = timefunc()
                due = now if lastSent is None else lastSent + interval
                if now >= due:
                    self.send(self.recv("inbox"), "outbox")
                    lastSent, due = now, now + interval
                    waiting -= 1
                if waiting:
                    timeout = due - now
            if finishing is not None and not waiting:
                self.send(finishing, "signal")
                return
            # Messages held in "inbox" are no reason to run: pause until the
            # next one is due, or until something arrives.
            if not self.dataReady("control"):
                self.pause(timeout)
            yield 1


def _chunking(owner: str, rate: Any, chunksize: Any, chunkrate: Any) -> tuple[float, float]:
    """(chunksize, chunkrate) from 1.14's arguments, checked."""
    rate = positiveNumber(owner, "rate", rate)
    if chunksize is not None:
        if chunkrate is not None:
            log.warning("%s: both chunksize=%r and chunkrate=%r given; "
                                   "chunksize wins (as in 1.14)", owner, chunksize, chunkrate)
        chunksize = positiveNumber(owner, "chunksize", chunksize)
        chunkrate = rate / chunksize
    elif chunkrate is not None:
        chunkrate = positiveNumber(owner, "chunkrate", chunkrate)
        chunksize = rate / chunkrate
    else:
        raise ValueError(f"{owner}: give chunksize or chunkrate, not chunksize={chunksize!r} "
                         f"and chunkrate={chunkrate!r}")
    if chunksize < 1:
        raise ValueError(f"{owner}: chunksize must be >= 1 (it is rate / chunkrate when "
                         f"chunkrate is given), not {chunksize!r}")
    return chunksize, chunkrate


class ByteRate_RequestControl(component):
    """ByteRate_RequestControl(rate=100000, chunksize=None, chunkrate=None, allowchunkaggregation=False)
    -> sends requests for chunksize bytes, chunkrate times a second

    - rate                  -- bytes (items) per second to ask for (a number > 0)
    - chunksize             -- bytes per request (a number >= 1; default
      ``max(1, rate / 1000)``, or ``rate / chunkrate``)
    - chunkrate             -- requests per second (used when chunksize is None)
    - allowchunkaggregation -- merge requests that fall due together into one
    - timefunc              -- clock in seconds (default ``time.monotonic``; for tests)
    """

    Inboxes = {"inbox": "not used", "control": "shutdown signalling"}
    Outboxes = {"outbox": "requests: an int number of bytes (items) to produce",
                "signal": "shutdown signalling"}

    def __init__(self, rate: float = 100000, chunksize: float | None = None,
                 chunkrate: float | None = None, allowchunkaggregation: bool = False,
                 timefunc: Callable[[], float] = time.monotonic, **argd: Any) -> None:
        super().__init__(**argd)
        owner = type(self).__name__
        if chunksize is None and chunkrate is None:
            positiveNumber(owner, "rate", rate)
            chunksize = max(1, rate / 1000)
        self.rate = rate
        self.chunksize, chunkrate = _chunking(owner, rate, chunksize, chunkrate)
        #: Seconds between requests.
        self.timestep = 1.0 / chunkrate
        self.aggregate = bool(allowchunkaggregation)
        self.timefunc = callableArgument(owner, "timefunc", timefunc)
        self.nextTime = 0.0
        self.toSend = 0.0

    @property
    def allowchunkaggregation(self) -> bool:
        return self.aggregate

    def main(self) -> Iterator[Any]:
        self.resetTiming()
        while True:
            self.handleInbox()          # first, so that nothing there goes unlogged
            if self.shutdown():
                return
            for chunk in self.getChunksToSend():
                self.send(chunk, "outbox")
            if not self.anyReady():
                self.pause(max(0.0, self.nextTime - self.timefunc()))
            yield 1

    def shutdown(self) -> bool:
        """True if a shutdown message waited on "control" (it is passed on out of
        "signal"); other control messages are logged and dropped."""
        return passOnShutdown(self)

    def resetTiming(self) -> None:
        """Start afresh: the first request is due now, nothing is owed."""
        self.nextTime = self.timefunc()
        self.toSend = 0.0

    def getChunksToSend(self) -> Iterator[int]:
        """The requests due since the last call (a generator), as 1.14 made them:
        a chunk per ``timestep`` passed, whole numbers only."""
        now = self.timefunc()
        while now >= self.nextTime:
            self.toSend += self.chunksize
            self.nextTime += self.timestep
        while self.toSend >= 1:
            chunk = self.toSend if self.aggregate else min(self.toSend, self.chunksize)
            chunk = int(chunk)
            yield chunk
            self.toSend -= chunk

    def handleInbox(self) -> None:
        """Deal with "inbox" (here: unused, so log and drop what arrives)."""
        discardUnused(self, "inbox")


class VariableByteRate_RequestControl(component):
    """VariableByteRate_RequestControl(rate=100000, chunksize=None, chunkrate=10, allowchunkaggregation=False)
    -> sends requests for chunksize bytes at a rate that a number on "inbox" changes

    - rate                  -- bytes (items) per second to ask for (a number > 0)
    - chunksize             -- bytes per request (a number >= 1; default
      ``rate / chunkrate``)
    - chunkrate             -- requests per second (used when chunksize is None)
    - allowchunkaggregation -- merge requests that fall due together into one
    - timefunc              -- clock in seconds (default ``time.monotonic``; for tests)
    """

    Inboxes = {"inbox": "a new rate (number > 0), taking effect at once",
               "control": "shutdown signalling"}
    Outboxes = {"outbox": "requests: an int number of bytes (items) to produce",
                "signal": "shutdown signalling"}

    def __init__(self, rate: float = 100000, chunksize: float | None = None,
                 chunkrate: float | None = 10, allowchunkaggregation: bool = False,
                 timefunc: Callable[[], float] = time.monotonic, **argd: Any) -> None:
        super().__init__(**argd)
        owner = type(self).__name__
        self.rate = rate
        self.chunksize, chunkrate = _chunking(owner, rate, chunksize, chunkrate)
        self.timestep = 1.0 / chunkrate
        self.aggregate = bool(allowchunkaggregation)
        self.timefunc = callableArgument(owner, "timefunc", timefunc)
        self.nextTime = self.lastTime = 0.0
        self.toSend = 0.0

    @property
    def allowchunkaggregation(self) -> bool:
        return self.aggregate

    def main(self) -> Iterator[Any]:
        timefunc = self.timefunc
        self.resetTiming(timefunc())
        while not self.shutdown():
            now = timefunc()
            self._takeRates(now)
            for chunk in self.getChunksToSend(now):
                self.send(chunk, "outbox")
            if not self.anyReady():
                self.pause(max(0.0, self.nextTime - timefunc()))
            yield 1

    def shutdown(self) -> bool:
        """True if a shutdown message waited on "control" (it is passed on out of
        "signal"); other control messages are logged and dropped."""
        return passOnShutdown(self)

    def _takeRates(self, now: float) -> None:
        """Change the rate to each one waiting on "inbox" (bad ones are logged)."""
        for message in self.Inbox("inbox"):
            try:
                rate = positiveNumber(type(self).__name__, "rate", message)
            except (TypeError, ValueError) as exc:
                logFor(self).error("%s ignored a bad rate %s: %s", self.name,
                                   shortRepr(message), exc)
                continue
            self.changeRate(rate, now)

    def resetTiming(self, now: float) -> None:
        """Start afresh at time ``now``: the first request is due at once."""
        self.nextTime = now
        self.toSend = 0.0
        self.lastTime = now - self.timestep

    def getChunksToSend(self, now: float) -> Iterator[int]:
        """The requests due at time ``now`` (a generator), as 1.14 made them."""
        if now >= self.nextTime:
            self.toSend += (now - self.lastTime) / self.timestep * self.chunksize
            self.lastTime = now
        while now >= self.nextTime:
            self.nextTime += self.timestep
        while self.toSend >= self.chunksize:
            chunk = self.toSend if self.aggregate else min(self.toSend, self.chunksize)
            chunk = int(chunk)
            yield chunk
            self.toSend -= chunk

    def changeRate(self, newRate: float, now: float) -> None:
        """Change the rate at time ``now`` without a glitch: what was earned at
        the old rate is kept; ``chunksize`` stays, ``timestep`` changes."""
        if newRate == self.rate:
            return
        self.toSend += (now - self.lastTime) / self.timestep * self.chunksize
        remaining = 1.0 - self.toSend / self.chunksize
        self.lastTime = now
        self.rate = newRate
        self.timestep = self.chunksize / float(newRate)
        self.nextTime = now + self.timestep * remaining


class OnDemandLimit(PromptedTurnstile):
    """OnDemandLimit() -> sends one waiting item per "NEXT" on "slidecontrol\""""

    # PromptedTurnstile's boxes, with "next" renamed.
    Inboxes = {("slidecontrol" if name == "next" else name): description
               for name, description in PromptedTurnstile.Inboxes.items()}
    Inboxes["slidecontrol"] = '"NEXT": let one item through (anything else is ignored)'
    promptbox = "slidecontrol"

    def isRequest(self, message: Any) -> bool:
        """Only ``"NEXT"`` lets an item through, as in 1.14."""
        return message == "NEXT"


__kamaelia_components__ = (MessageRateLimit, ByteRate_RequestControl,
                           VariableByteRate_RequestControl, OnDemandLimit)

"""Rate limiting: pass messages on at a limited rate, or ask for data at one.

Example Usage
-------------
Let messages through at most 20 a second (a burst of 5 takes about 0.2 s)::

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
that reads ``n`` bytes per request, such as 1.14's ``PromptedFileReader``)::

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
    reader.run()                # prints "read 500 bytes" four times, in about 0.1 s

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
messages at least ``1/messages_per_second`` seconds apart; so in any span of
``t`` seconds at most ``t * messages_per_second + 1`` go out. It first waits
until ``buffer`` messages are waiting (or the inbox is full, or the
producer has finished), then sends at the rate until none are left, then
buffers again: the buffer absorbs a jittery producer. ``buffer=0`` (or 1)
starts at once. (1.14 restarted its timing at each burst, which could let
two messages out close together; here the spacing holds across bursts.)

``ByteRate_RequestControl(rate=100000, chunksize=None,
allowchunkaggregation=False)`` drives a data source from the other end: it
sends *requests* out of ``"outbox"``, each an int number of bytes (or
items) to produce. Credit accrues at ``rate`` per second from the moment it
starts; whenever ``chunksize`` of credit has built up it sends a request for
``chunksize`` (so by time ``t`` it has asked for at most ``rate * t``, and
the first request comes one ``chunksize / rate`` after the start). If it
falls behind (the system was busy) it catches up with several requests at
once; with ``allowchunkaggregation=True`` these are merged into one request
for a multiple of ``chunksize``. ``chunksize=None`` means ``int(rate)`` (at
least 1): one request a second. Methods ``resetTiming()`` and
``getChunksToSend()`` are kept from 1.14. Its ``"inbox"`` is not used:
anything arriving there is logged as a warning and dropped.

``VariableByteRate_RequestControl(rate=100000, chunksize=None,
allowchunkaggregation=False)`` is the same, but a number arriving on
``"inbox"`` becomes the new rate at once (credit earned so far, at the old
rate, is kept; ``chunksize`` stays as it was). A message on ``"inbox"`` that
is not a finite number > 0 is logged as an error and ignored; the rate does
not change.

``OnDemandLimit()`` holds the items arriving on ``"inbox"`` and sends one out
of ``"outbox"`` for each message arriving on ``"slidecontrol"`` (a "next"
request from, say, a slideshow's button): it is a
:class:`Kamaelia.Util.PromptedTurnstile.PromptedTurnstile` whose request
inbox is called ``"slidecontrol"``, and behaves the same (requests and
items are paired one to one, whichever comes first).

Arguments are checked when the component is made: a rate or a size that is
not a positive number (or is ``True``, or infinite) raises ``TypeError`` or
``ValueError`` showing the value.

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

import time
from typing import Any, Callable, Iterator

from Axon.Component import component
from Axon.Ipc import ipc
from Kamaelia.Util._arguments import (callableArgument, nonNegativeInt, positiveInt,
                                      positiveNumber)
from Kamaelia.Util._stream import (discardUnused, finishOrStop, logFor, passOnShutdown,
                                    shortRepr)
from Kamaelia.Util.PromptedTurnstile import PromptedTurnstile

__all__ = ["MessageRateLimit", "ByteRate_RequestControl", "VariableByteRate_RequestControl",
           "OnDemandLimit"]

# Requests are computed from float credit; this much short of a whole chunk
# still counts as one, so that rounding never costs an extra wake-up.
_ROUNDING = 1e-9


class MessageRateLimit(component):
    """MessageRateLimit(messages_per_second, buffer=60) -> passes messages on, rate limited

    - messages_per_second -- the most messages to send per second (a number > 0)
    - buffer              -- how many messages to collect before sending (int >= 0)
    - timefunc            -- clock in seconds (default ``time.monotonic``; for tests)
    """

    Inboxes = {"inbox": "messages to pass on", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the messages, at most messages_per_second",
                "signal": "shutdown signalling"}

    def __init__(self, messages_per_second: float, buffer: int = 60,
                 timefunc: Callable[[], float] = time.monotonic, **argd: Any) -> None:
        super().__init__(**argd)
        self.mps = positiveNumber("MessageRateLimit", "messages_per_second",
                                  messages_per_second)
        self.interval = 1.0 / self.mps
        self.buffer = nonNegativeInt("MessageRateLimit", "buffer", buffer)
        self.timefunc = callableArgument("MessageRateLimit", "timefunc", timefunc)

    def main(self) -> Iterator[Any]:
        interval, timefunc = self.interval, self.timefunc
        inbox = self.inboxes["inbox"]
        lastSent: float | None = None
        sending = False
        finishing: ipc | None = None
        while True:
            stopped, finishing = finishOrStop(self, finishing)
            if stopped:
                return
            waiting = self.dataReady("inbox")
            if not sending and waiting:
                sending = (waiting >= self.buffer or finishing is not None
                           or inbox.isFull())
            timeout = None
            if sending:
                now = timefunc()
                due = now if lastSent is None else lastSent + interval
                if now >= due:
                    self.send(self.recv("inbox"), "outbox")
                    lastSent, due = now, now + interval
                    waiting -= 1
                if waiting:
                    timeout = due - now
                else:
                    sending = False         # empty: collect a buffer again
            if finishing is not None and not waiting:
                self.send(finishing, "signal")
                return
            # Messages held in "inbox" are no reason to run: pause until the
            # next one is due, or until something arrives.
            if not self.dataReady("control"):
                self.pause(timeout)
            yield 1


class ByteRate_RequestControl(component):
    """ByteRate_RequestControl(rate=100000, chunksize=None, allowchunkaggregation=False)
    -> sends requests for chunksize bytes, rate bytes per second

    - rate                  -- bytes (items) per second to ask for (a number > 0)
    - chunksize             -- bytes per request (int >= 1; default int(rate))
    - allowchunkaggregation -- merge requests that fall due together into one
    - timefunc              -- clock in seconds (default ``time.monotonic``; for tests)
    """

    Inboxes = {"inbox": "not used", "control": "shutdown signalling"}
    Outboxes = {"outbox": "requests: an int number of bytes (items) to produce",
                "signal": "shutdown signalling"}

    def __init__(self, rate: float = 100000, chunksize: int | None = None,
                 allowchunkaggregation: bool = False,
                 timefunc: Callable[[], float] = time.monotonic, **argd: Any) -> None:
        super().__init__(**argd)
        owner = type(self).__name__
        self.rate = positiveNumber(owner, "rate", rate)
        if chunksize is None:
            chunksize = max(1, int(rate))
        self.chunksize = positiveInt(owner, "chunksize", chunksize)
        self.allowchunkaggregation = bool(allowchunkaggregation)
        self.timefunc = callableArgument(owner, "timefunc", timefunc)
        self._credit = 0.0
        self._last = 0.0

    def main(self) -> Iterator[Any]:
        self.resetTiming()
        while True:
            self.handleInbox()
            if passOnShutdown(self):
                return
            for size in self.getChunksToSend():
                self.send(size, "outbox")
            if not self.anyReady():
                self.pause(max(0.0, (self.chunksize - self._credit) / self.rate))
            yield 1

    def resetTiming(self) -> None:
        """Start accruing credit from now, with none in hand."""
        self._last = self.timefunc()
        self._credit = 0.0

    def _accrue(self) -> None:
        now = self.timefunc()
        self._credit += self.rate * (now - self._last)
        self._last = now

    def getChunksToSend(self) -> list[int]:
        """The requests due now (catching up since the last call); uses up their credit."""
        self._accrue()
        chunks = int(self._credit / self.chunksize + _ROUNDING)
        if not chunks:
            return []
        self._credit -= chunks * self.chunksize
        if self.allowchunkaggregation:
            return [chunks * self.chunksize]
        return [self.chunksize] * chunks

    def handleInbox(self) -> None:
        """Deal with "inbox" (here: unused, so log and drop what arrives)."""
        discardUnused(self, "inbox")


class VariableByteRate_RequestControl(ByteRate_RequestControl):
    """VariableByteRate_RequestControl(rate=100000, chunksize=None, allowchunkaggregation=False)
    -> ByteRate_RequestControl whose rate can be changed by sending it a number
    """

    Inboxes = {"inbox": "a new rate (number > 0), taking effect at once",
               "control": "shutdown signalling"}

    def handleInbox(self) -> None:
        for message in self.Inbox("inbox"):
            try:
                rate = positiveNumber(type(self).__name__, "rate", message)
            except (TypeError, ValueError) as exc:
                logFor(self).error("%s ignored a bad rate %s: %s", self.name,
                                   shortRepr(message), exc)
                continue
            self._accrue()          # credit so far was earned at the old rate
            self.rate = rate


class OnDemandLimit(PromptedTurnstile):
    """OnDemandLimit() -> sends one waiting item per message on "slidecontrol\""""

    # PromptedTurnstile's boxes, with "next" renamed.
    Inboxes = {("slidecontrol" if name == "next" else name): description
               for name, description in PromptedTurnstile.Inboxes.items()}
    promptbox = "slidecontrol"

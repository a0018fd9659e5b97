"""SingleTick and PeriodicTick: a message after a delay, or every so often.

Example Usage
-------------
Print ``True`` after a third of a second, then end::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Apps.SA.Time import SingleTick

    Pipeline(SingleTick(0.3), ConsoleEchoer(use_repr=True)).run()

``PeriodicTick(0.5, tick_mesg="tick")`` sends ``"tick"`` every half second
until a message on its ``"control"`` inbox stops it.

How does it work?
-----------------
``SingleTick(delay, check_interval=delay, tick_mesg=True)`` waits ``delay``
seconds, sends ``tick_mesg`` out of ``"outbox"``, then ``producerFinished``
out of ``"signal"``, and ends. A message arriving on ``"control"`` before
then cancels it: that message is passed on out of ``"signal"`` and nothing
is sent out of ``"outbox"``.

``PeriodicTick(delay, check_interval=delay, tick_mesg=True)`` sends
``tick_mesg`` every ``delay`` seconds, the n-th at ``n * delay`` after it
started (so the ticks do not drift however long each takes to deliver). A
message arriving on ``"control"`` ends it; that message is passed on out of
``"signal"``. It never ends by itself.

Both are threaded components, as in 1.14, but neither polls: the thread
sleeps in ``pause(timeout)`` until the next tick is due, and a message on
``"control"`` wakes it at once. ``check_interval`` was how often 1.14
looked at ``"control"``; it is kept (capped at ``delay``, as in 1.14) for
code that reads it, but is no longer needed and does not make the thread
wake more often. Messages sent to ``"inbox"`` are ignored (taken and
dropped). Times are measured on the monotonic clock, so changes to the
wall clock do not move the ticks.

``delay`` must be a finite number >= 0 (> 0 for ``PeriodicTick``, which
would otherwise flood its outbox).
"""

from __future__ import annotations

import math
import time
from typing import Any

from Axon.Ipc import producerFinished
from Axon.ThreadedComponent import threadedcomponent

__all__ = ["SingleTick", "PeriodicTick"]


def _delay(owner: str, delay: Any, allowZero: bool) -> float:
    if isinstance(delay, bool) or not isinstance(delay, (int, float)):
        raise TypeError(f"{owner}: delay must be a number of seconds, not {delay!r}")
    if not math.isfinite(delay) or delay < 0 or (delay == 0 and not allowZero):
        bound = ">= 0" if allowZero else "> 0"
        raise ValueError(f"{owner}: delay must be a finite number {bound}, not {delay!r}")
    return delay


class _Ticker(threadedcomponent):
    Inboxes = {"inbox": "ignored",
               "control": "any message stops the component; it leaves through signal"}

    tick_mesg: Any = True
    check_interval: float | None = None

    def __init__(self, delay: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.delay = delay
        if self.check_interval is None or self.check_interval > delay:
            self.check_interval = delay

    def _waitUntil(self, deadline: float) -> bool:
        """Sleep until ``deadline`` (monotonic); False if "control" (or a stop) came first."""
        while True:
            if self.dataReady("control") or self._isStopped():
                return False
            while self.dataReady("inbox"):      # ignored, but must not keep waking us
                self.recv("inbox")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return True
            self.pause(remaining)


class SingleTick(_Ticker):
    """SingleTick(delay[, check_interval=delay][, tick_mesg=True]) -> one message after delay seconds

    - delay          -- seconds to wait
    - check_interval -- kept for 1.14 code; not needed (control wakes it at once)
    - tick_mesg      -- what to send (default True)
    """

    Outboxes = {"outbox": 'tick_mesg (default True) after "delay" seconds, unless '
                          'interrupted first',
                "signal": "producerFinished after the tick, else the message that "
                          "interrupted it"}

    def __init__(self, delay: float, **kwargs: Any) -> None:
        super().__init__(_delay("SingleTick", delay, allowZero=True), **kwargs)

    def main(self) -> None:
        if self._waitUntil(time.monotonic() + self.delay):
            self.send(self.tick_mesg, "outbox", block=True)
            self.send(producerFinished(self), "signal", block=True)
        elif self.dataReady("control"):
            self.send(self.recv("control"), "signal", block=True)


class PeriodicTick(_Ticker):
    """PeriodicTick(delay[, check_interval=delay][, tick_mesg=True]) -> a message every delay seconds

    - delay          -- seconds between messages
    - check_interval -- kept for 1.14 code; not needed (control wakes it at once)
    - tick_mesg      -- what to send (default True)
    """

    Outboxes = {"outbox": 'tick_mesg (default True) every "delay" seconds',
                "signal": 'the message received on "control"'}

    def __init__(self, delay: float, **kwargs: Any) -> None:
        super().__init__(_delay("PeriodicTick", delay, allowZero=False), **kwargs)

    def main(self) -> None:
        start, ticks = time.monotonic(), 1
        while self._waitUntil(start + self.delay * ticks):
            self.send(self.tick_mesg, "outbox", block=True)
            ticks += 1
        if self.dataReady("control"):
            self.send(self.recv("control"), "signal", block=True)


__kamaelia_components__ = (SingleTick, PeriodicTick)

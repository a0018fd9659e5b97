"""CheapAndCheerfulClock: send a tick at a regular interval.

Example Usage
-------------
Count three ticks, a tenth of a second apart, then stop the clock::

    from Axon.Component import component
    from Axon.Ipc import shutdownMicroprocess
    from Kamaelia.Util.Clock import CheapAndCheerfulClock

    class CountThree(component):
        def main(self):
            ticks = 0
            while ticks < 3:
                for _ in self.Inbox("inbox"):
                    ticks += 1
                    print("tick", ticks)
                    if ticks == 3:
                        break
                else:
                    self.pause()
                yield 1
            self.send(shutdownMicroprocess(), "signal")

    clock, counter = CheapAndCheerfulClock(0.1), CountThree()
    clock.link((clock, "outbox"), (counter, "inbox"))
    clock.link((counter, "signal"), (clock, "control"))
    clock.activate()
    counter.run()               # prints tick 1, tick 2, tick 3; then both end

How does it work?
-----------------
``CheapAndCheerfulClock(interval)`` sends ``True`` out of ``"outbox"`` at
once when it starts and then every ``interval`` seconds, as in Kamaelia
1.14. Between ticks it is paused with ``self.pause(timeout)``, so the
scheduler wakes it when the next tick is due (or at once when a message
arrives, so a shutdown request is acted on without waiting for the next
tick): it uses no CPU and never busy-waits. (1.14's clock was a
``threadedcomponent`` sleeping in a thread of its own; this one costs no
thread.)

Ticks keep to a fixed grid (tick ``k`` is due at ``start + k * interval``),
so delays do not add up (1.14 slept ``interval`` after each tick, so its
ticks drifted later). If the system was so busy that whole ticks were
missed, those ticks are skipped, not sent in a burst: the clock sends one
tick and carries on from the next point of the grid (``tickDue(now)`` does
this arithmetic). Times come from ``time.monotonic`` (``timefunc=`` may give
another clock, in seconds). ``interval`` must be a finite number > 0;
anything else raises, showing the value. A tick that finds its
destination full (nobody is taking them) is skipped.

Boxes: ``"inbox"`` is not used (anything arriving there is logged as a
warning and dropped); ``"outbox"`` sends ``True`` per tick; ``"control"``
takes shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` arriving on
``"control"`` it stops at once (no further tick), sends that same message
out of ``"signal"`` and ends. Other messages on ``"control"`` are logged
and ignored. It never ends by itself.

What it does not do: it is not a real-time clock (a tick is as late as the
scheduler is busy), and ticks carry no time stamp.
"""

from __future__ import annotations

import math
import time
from typing import Any, Callable, Iterator

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Kamaelia.Util._arguments import callableArgument, positiveNumber
from Kamaelia.Util._stream import discardUnused, logFor, passOnShutdown

__all__ = ["CheapAndCheerfulClock"]


class CheapAndCheerfulClock(component):
    """CheapAndCheerfulClock(interval) -> sends True at once, then every interval seconds

    - interval -- seconds between ticks (a finite number > 0)
    - timefunc -- clock in seconds (default ``time.monotonic``)
    """

    Inboxes = {"inbox": "not used", "control": "shutdown signalling"}
    Outboxes = {"outbox": "True, once per interval", "signal": "shutdown signalling"}

    def __init__(self, interval: float, timefunc: Callable[[], float] = time.monotonic,
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.interval = positiveNumber("CheapAndCheerfulClock", "interval", interval)
        self.timefunc = callableArgument("CheapAndCheerfulClock", "timefunc", timefunc)
        #: When the next tick is due (set when it starts).
        self.nextTick: float | None = None

    def tickDue(self, now: float) -> bool:
        """Whether a tick is due at ``now``; if so, move ``nextTick`` to the next
        point of the grid after ``now`` (skipping missed ticks)."""
        if self.nextTick is None:
            self.nextTick = now            # the first tick is due at once
        if now < self.nextTick:
            return False
        missed = math.floor((now - self.nextTick) / self.interval)
        self.nextTick += self.interval * (missed + 1)
        return True

    def main(self) -> Iterator[Any]:
        timefunc = self.timefunc
        while True:
            discardUnused(self, "inbox")
            if passOnShutdown(self):
                return
            now = timefunc()
            if self.tickDue(now):
                try:
                    self.send(True, "outbox")
                except noSpaceInBox:
                    logFor(self).debug("%s: no room for a tick; skipped", self.name)
            assert self.nextTick is not None
            if not self.anyReady():
                self.pause(max(0.0, self.nextTick - timefunc()))
            yield 1


__kamaelia_components__ = (CheapAndCheerfulClock,)

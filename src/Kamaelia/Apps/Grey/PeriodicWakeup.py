"""Kamaelia.Apps.Grey.PeriodicWakeup: send a message every so many seconds.

Example Usage
-------------
A "tick" every five minutes (the default), or your own message as often as
you like::

    from Kamaelia.Apps.Grey.PeriodicWakeup import PeriodicWakeup

    ticker = PeriodicWakeup()                              # "tick" every 300 s
    fast = PeriodicWakeup(interval=0.5, message="tock")    # "tock" twice a second

In Kamaelia Grey 1.14 it woke a :mod:`~Kamaelia.Apps.Grey.WakeableIntrospector`
every few minutes, to note in the debug log which components were alive::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Apps.Grey.PeriodicWakeup import PeriodicWakeup
    from Kamaelia.Apps.Grey.WakeableIntrospector import LoggingWakeableIntrospector

    debug = Pipeline(PeriodicWakeup(interval=60),
                     LoggingWakeableIntrospector(logfile="greylist-debug.log"))
    # debug.activate() (with the rest of the system) logs the live components every minute

How does it work?
-----------------
It is a threaded component (as in 1.14): its thread waits ``interval``
seconds, sends ``message`` out of ``"outbox"``, and waits again. The wait
is a wait for a message, not a sleep, so a shutdown is acted on at once.
The first message goes out one ``interval`` after it starts; the ticks keep
to the schedule (a slow consumer does not make them drift).

Shutdown: any message on ``"control"`` (``producerFinished``,
``shutdownMicroprocess``, ...) ends it; the message is passed on out of
``"signal"``. (1.14's slept through its whole interval first.) Messages on
``"inbox"`` are ignored.
"""

from __future__ import annotations

import time
from typing import Any

from Axon.ThreadedComponent import threadedcomponent
from Kamaelia.Util._arguments import positiveNumber

__all__ = ["PeriodicWakeup"]


class PeriodicWakeup(threadedcomponent):
    """PeriodicWakeup(interval=300, message="tick") -> sends ``message`` every ``interval`` seconds

    - interval -- seconds between messages (a number > 0)
    - message  -- what to send (any object)
    """

    Inboxes = {"inbox": "ignored",
               "control": "any message: stop, passing it on out of \"signal\""}
    Outboxes = {"outbox": "the message, every interval",
                "signal": "the message that arrived on \"control\", when it ends"}

    interval: float = 300
    message: Any = "tick"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        positiveNumber(type(self).__name__, "interval", self.interval)

    def main(self) -> None:
        due = time.monotonic() + self.interval
        while not self.dataReady("control"):
            now = time.monotonic()
            if now >= due:
                self.send(self.message, "outbox")
                due += self.interval
                if due <= now:            # fell far behind: start the schedule afresh
                    due = now + self.interval
                continue
            self.pause(due - now)
            while self.dataReady("inbox"):
                self.recv("inbox")
        self.send(self.recv("control"), "signal")


__kamaelia_components__ = (PeriodicWakeup,)

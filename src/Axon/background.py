"""Run the scheduler in a background thread, for use from ordinary code.

Example Usage
-------------
Start the scheduler in a daemon thread, then drive components through a
:class:`~Axon.Handle.Handle` from plain (non-component) code::

    import queue
    from Axon.background import background
    from Axon.Handle import Handle
    from Kamaelia.Util.PureTransformer import PureTransformer

    background().start()
    upper = Handle(PureTransformer(str.upper)).activate()
    upper.put("hello", "inbox")
    print(upper.get("outbox", block=True, timeout=5))     # HELLO

How does it work?
-----------------
``background(slowmo=0, zap=False)`` is a ``threading.Thread``. ``start()``
returns once the thread owns the scheduler, so components activated after it
are picked up safely. The thread waits for the first microprocess, then runs
the scheduler until nothing is left, and ends. With ``zap=True`` it starts
from a fresh scheduler and an empty service tracker.

Only one background scheduler runs at a time; starting a second while the
first runs raises ``RuntimeError``. The thread is a daemon, so it never keeps
the program alive on its own.
"""

from __future__ import annotations

import threading
from threading import get_ident

from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Scheduler import scheduler

__all__ = ["background"]


class background(threading.Thread):
    """background(slowmo=0, zap=False) -> thread that runs the scheduler"""

    lock = threading.Lock()

    def __init__(self, slowmo: float = 0, zap: bool = False) -> None:
        super().__init__(name="Axon background scheduler", daemon=True)
        self.slowmo = slowmo
        self.zap = zap
        self._owning = threading.Event()

    def start(self) -> None:
        """Start the thread; return once it owns the scheduler."""
        if not background.lock.acquire(blocking=False):
            raise RuntimeError("a background scheduler is already running")
        if self.zap:
            scheduler()
            coordinatingassistanttracker.getcat().zap()
        # Claim the scheduler for the new thread before anyone activates anything.
        self._scheduler = scheduler.run
        super().start()
        self._owning.wait()

    def run(self) -> None:
        sched = self._scheduler
        try:
            sched._loopThread = get_ident()
            self._owning.set()
            sched.waitForOne()
            sched.runThreads(slowmo=self.slowmo)
        finally:
            background.lock.release()

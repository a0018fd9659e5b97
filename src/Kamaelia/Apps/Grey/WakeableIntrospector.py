"""Kamaelia.Apps.Grey.WakeableIntrospector: list the live components when woken.

Example Usage
-------------
Every message on ``"inbox"`` makes it send a sorted list of the names of the
components the scheduler runs now (it sends one list as it starts, too)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Apps.Grey.PeriodicWakeup import PeriodicWakeup
    from Kamaelia.Apps.Grey.WakeableIntrospector import (LoggingWakeableIntrospector,
                                                         WakeableIntrospector)

    watch = Pipeline(PeriodicWakeup(interval=20), WakeableIntrospector())

``LoggingWakeableIntrospector(logfile)`` is the prefab Kamaelia Grey 1.14
used for its debug log: the same, each list appended to ``logfile`` as a
line ``*debug* THREADS[...]``::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Apps.Grey.PeriodicWakeup import PeriodicWakeup
    from Kamaelia.Apps.Grey.WakeableIntrospector import LoggingWakeableIntrospector

    debug = Pipeline(PeriodicWakeup(interval=300),
                     LoggingWakeableIntrospector(logfile="greylist-debug.log"))

How does it work?
-----------------
It asks ``self.scheduler.listAllThreads()`` for the microprocesses alive
(running or paused), takes their ``name`` and sends the sorted list out of
``"outbox"``; then it pauses until something arrives on ``"inbox"``
(several messages waiting count as one request). A message on
``"control"`` ends it (1.14's checked for one before its first list; this
one always sends the first). For the full topology
(boxes and linkages), see :mod:`Kamaelia.Util.Introspector`.

Shutdown: any message on ``"control"`` ends it; the message is passed on
out of ``"signal"``.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component

__all__ = ["WakeableIntrospector", "LoggingWakeableIntrospector"]


class WakeableIntrospector(component):
    """WakeableIntrospector() -> sends the sorted names of the live components when woken"""

    Inboxes = {"inbox": "anything: send the list again",
               "control": "any message: stop, passing it on out of \"signal\""}
    Outboxes = {"outbox": "a sorted list of the names of the live components",
                "signal": "the message that arrived on \"control\", when it ends"}

    def main(self) -> Iterator[Any]:
        self.send(self._names(), "outbox")
        while True:
            yield 1
            while not self.anyReady():
                self.pause()
                yield 1
            if self.dataReady("control"):
                break
            for _ in self.Inbox("inbox"):
                pass
            self.send(self._names(), "outbox")
        self.send(self.recv("control"), "signal")

    def _names(self) -> list[str]:
        return sorted(str(getattr(m, "name", m)) for m in self.scheduler.listAllThreads())


def _debugLine(names: list[str]) -> str:
    return f"*debug* THREADS{names}\n"


def LoggingWakeableIntrospector(logfile: str = "greylist-debug.log") -> Any:
    """LoggingWakeableIntrospector(logfile="greylist-debug.log") -> Pipeline

    A :class:`WakeableIntrospector` whose lists are appended to ``logfile``,
    one line each (``*debug* THREADS['...', ...]``), the file opened for each
    line (so it may be rotated). Shutdown passes along the Pipeline.
    """
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.File.Append import Append
    from Kamaelia.Util.PureTransformer import PureTransformer

    return Pipeline(WakeableIntrospector(),
                    PureTransformer(_debugLine),
                    Append(filename=logfile, hold_open=False))


__kamaelia_components__ = (WakeableIntrospector,)
__kamaelia_prefabs__ = (LoggingWakeableIntrospector,)

"""The shutdown convention shared by Kamaelia's components.

Example Usage
-------------
Inside a component's ``main``::

    from Kamaelia._shutdown import shutdownRequest

    while True:
        ...                                        # handle "inbox"
        request = shutdownRequest(self)            # drains "control"
        if request is not None:
            self.send(request, "signal")           # pass it on, then end
            return
        if not self.anyReady():
            self.pause()
        yield 1

How does it work?
-----------------
A component is asked to end by a ``producerFinished`` (its producer has
finished: finish what is waiting, then end) or a ``shutdownMicroprocess``
(stop now) arriving on its ``"control"`` inbox. By convention it then sends
that same message out of its ``"signal"`` outbox, so the component after it
ends too. :func:`shutdownRequest` takes everything waiting on ``"control"``
and returns the first such message (or ``None``); anything else there is
logged as unexpected and dropped, so a stray message cannot block shutdown.
"""

from __future__ import annotations

import logging
from typing import Any

from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess

__all__ = ["SHUTDOWN_MESSAGES", "isShutdown", "shutdownRequest"]

log = logging.getLogger("Kamaelia")

#: Messages on "control" that ask a component to end.
SHUTDOWN_MESSAGES = (producerFinished, shutdownMicroprocess)


def isShutdown(message: Any) -> bool:
    """True if ``message`` asks a component to end."""
    return isinstance(message, SHUTDOWN_MESSAGES)


def shutdownRequest(component: Any, boxname: str = "control") -> ipc | None:
    """Drain ``boxname``; return the first shutdown message found, else None.

    Messages after a shutdown message are left waiting; other messages before
    it are logged (with the component's name) and dropped.
    """
    while component.dataReady(boxname):
        message = component.recv(boxname)
        if isinstance(message, SHUTDOWN_MESSAGES):
            return message
        log.warning("%s ignored an unexpected message on %r: %r",
                    component.name, boxname, message)
    return None

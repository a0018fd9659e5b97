"""PassThrough: send on everything it receives, unchanged.

Example Usage
-------------
A placeholder stage in a Pipeline::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PassThrough import PassThrough

    Pipeline(DataSource(["through\\n", "unchanged\\n"]), PassThrough(), ConsoleEchoer()).run()

How does it work?
-----------------
``PassThrough()`` sends every message arriving on ``"inbox"`` out of
``"outbox"``, and every message arriving on ``"control"`` out of
``"signal"``, in order. It is useful where a component is required but
nothing should happen (a default in a chassis, the inside of a ``Plug``).
A destination that is a full size-limited inbox holds it back until there
is room; later messages wait in its ``"inbox"``.

Shutdown: a ``producerFinished`` on ``"control"`` is passed on out of
``"signal"`` like any control message, once everything already waiting on
``"inbox"`` has been sent (waiting for room if the destination is full);
then it ends. ``shutdownMicroprocess`` does the same but does not wait for
room: what a full destination did not get is logged as an error (logger
``Kamaelia.Util.PassThrough``).

``PassThrough(shutdownOn=[producerFinished, shutdownMicroprocess])`` (1.14's
argument) names the control messages that end it: one of those classes
ends it as above, and anything else on ``"control"`` -- a
``producerFinished`` too, if it is not listed -- is just passed on. The
routing is 1.14's class attribute ``Connections`` (``{"inbox": "outbox",
"control": "signal"}``); ``mainBody()`` is 1.14's one-step method, which
follows ``Connections`` (``main`` does the same work in batches).
``passThrough`` is 1.14's old name for the class.

What it does not do: it does not copy, check or change messages.
"""

from __future__ import annotations

from typing import Any, Sequence, cast

from Axon.Ipc import ipc, producerFinished, shutdownMicroprocess
from Kamaelia.Util._copying import CopyingComponent

__all__ = ["PassThrough", "passThrough"]


class PassThrough(CopyingComponent):
    """PassThrough(shutdownOn=[producerFinished, shutdownMicroprocess]) -> sends on
    every message and control message unchanged

    - shutdownOn -- the classes of control message that end it
    """

    Inboxes = {"inbox": "messages to pass on",
               "control": "control messages to pass on; those of a shutdownOn class "
                          "also end it"}
    Outboxes = {"outbox": "the messages from inbox", "signal": "the messages from control"}

    #: Where each inbox's messages go (1.14's attribute).
    Connections = {"inbox": "outbox", "control": "signal"}

    def __init__(self, shutdownOn: Sequence[type] = (producerFinished, shutdownMicroprocess),
                 **argd: Any) -> None:
        super().__init__(**argd)
        classes: tuple[type, ...] = tuple(shutdownOn)
        for cls in classes:
            if not isinstance(cls, type):
                raise TypeError(f"PassThrough: shutdownOn must be a list of classes, "
                                f"not {shutdownOn!r}")
        self.shutdownOn = list(classes)
        self._ends = classes

    def _controlRequest(self) -> ipc | None:
        while self.dataReady("control"):
            message: Any = self.recv("control")
            if isinstance(message, self._ends):
                return cast(ipc, message)   # passed on by main when it ends
            self.send(message, "signal")
        return None

    def mainBody(self) -> int:
        """One step of 1.14's loop: pass on what waits, following ``Connections``;
        0 (done) once a shutdownOn message has been passed on, else 1."""
        for inbox, outbox in self.Connections.items():
            while self.dataReady(inbox):
                message = self.recv(inbox)
                self.send(message, outbox)
                if inbox == "control" and isinstance(message, self._ends):
                    return 0
        return 1


#: 1.14's old name for PassThrough.
passThrough = PassThrough

__kamaelia_components__ = (PassThrough,)

"""OneShot and TriggeredOneShot: send one message, then finish.

Example Usage
-------------
Send a single message down a Pipeline, which then shuts down::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.OneShot import OneShot

    Pipeline(OneShot("just once\\n"), ConsoleEchoer()).run()

Send it only when something arrives::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.OneShot import TriggeredOneShot

    Pipeline(DataSource(["go"]), TriggeredOneShot("triggered\\n"), ConsoleEchoer()).run()

How does it work?
-----------------
``OneShot(msg=None)`` sends ``msg`` out of ``"outbox"`` as soon as it runs,
then ``producerFinished`` out of ``"signal"``, and ends.

``TriggeredOneShot(msg=None)`` waits (paused) until anything arrives on
``"inbox"``, then does the same. The trigger's value does not matter.

Shutdown: a ``producerFinished`` or ``shutdownMicroprocess`` that reaches
``"control"`` before the message is sent stops it: it sends nothing and
passes that message on out of ``"signal"`` instead of its own
``producerFinished``. A trigger already waiting when the shutdown message
is seen is still honoured. Other messages on ``"control"`` are logged
(logger ``Kamaelia``) and ignored.

What they do not do: each sends its message once; a TriggeredOneShot
ignores triggers after the first (it has ended).
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished
from Kamaelia._shutdown import runUntilShutdown, shutdownRequest

__all__ = ["OneShot", "TriggeredOneShot"]


class OneShot(component):
    """OneShot(msg=None) -> sends ``msg`` once, then producerFinished

    - msg -- the message to send
    """

    Inboxes = {"inbox": "not used",
               "control": "producerFinished or shutdownMicroprocess to stop it first"}
    Outboxes = {"outbox": "the message", "signal": "producerFinished when done"}

    def __init__(self, msg: Any = None, **argd: Any) -> None:
        super().__init__(**argd)
        self.msg = msg

    def main(self) -> Iterator[Any]:
        request = shutdownRequest(self)
        self.send(request if request is not None else self._fire(), "signal")
        yield 1

    def _fire(self) -> ipc:
        self.send(self.msg, "outbox")
        return producerFinished(self)


class TriggeredOneShot(OneShot):
    """TriggeredOneShot(msg=None) -> sends ``msg`` once something arrives, then
    producerFinished

    - msg -- the message to send
    """

    Inboxes = {"inbox": "anything: the trigger",
               "control": "producerFinished or shutdownMicroprocess to stop it first"}

    def main(self) -> Iterator[Any]:
        outcome = yield from runUntilShutdown(self, self._fireWhenTriggered)
        self.send(outcome, "signal")

    def _fireWhenTriggered(self) -> ipc | None:
        if not self.dataReady("inbox"):
            return None
        self.recv("inbox")
        return self._fire()


__kamaelia_components__ = (OneShot, TriggeredOneShot)

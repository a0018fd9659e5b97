"""Components that send a ready-made list of messages.

Example Usage
-------------
Send three lines to the console, then shut the pipeline down::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(DataSource(["one\\n", "two\\n", "three\\n"]), ConsoleEchoer()).run()

How does it work?
-----------------
``DataSource(messages)`` sends each message out of ``"outbox"`` in order,
then sends ``producerFinished`` out of ``"signal"`` and ends. A
``shutdownMicroprocess`` or ``producerFinished`` arriving on ``"control"``
before it is done stops it early; it passes that message on out of
``"signal"`` instead.

``TriggeredSource(msg)`` sends ``msg`` out of ``"outbox"`` each time
anything arrives on ``"inbox"``, until told to shut down on ``"control"``,
which it passes on out of ``"signal"``. As in 1.14 it is a
``PureTransformer`` (1.14 made it a prefab function returning one; here it
is a subclass, so ``isinstance`` works either way); ``msg=None`` sends
nothing, as in 1.14.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia._shutdown import shutdownRequest
from Kamaelia.Util.PureTransformer import PureTransformer

__all__ = ["DataSource", "TriggeredSource"]


class DataSource(component):
    """DataSource(messages) -> sends each of ``messages``, then producerFinished"""

    Inboxes = {"inbox": "not used", "control": "shutdownMicroprocess to stop early"}
    Outboxes = {"outbox": "the messages, in order", "signal": "producerFinished when done"}

    def __init__(self, messages: Iterable[Any], **argd: Any) -> None:
        super().__init__(**argd)
        self.messages = messages

    def main(self) -> Iterator[Any]:
        for message in self.messages:
            request = shutdownRequest(self)
            if request is not None:
                self.send(request, "signal")
                return
            self.send(message, "outbox")
            yield 1
        self.send(producerFinished(self), "signal")


class TriggeredSource(PureTransformer):
    """TriggeredSource(msg) -> sends ``msg`` whenever triggered on "inbox\""""

    Inboxes = {"inbox": "anything: a trigger", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the message, once per trigger", "signal": "shutdown signalling"}

    def __init__(self, msg: Any, **argd: Any) -> None:
        super().__init__(**argd)
        self.msg = self.message = msg

    def processMessage(self, msg: Any) -> Any:
        """Whatever triggered it, the answer is ``self.msg``."""
        return self.msg


__kamaelia_components__ = (DataSource,)
__kamaelia_prefabs__ = (TriggeredSource,)

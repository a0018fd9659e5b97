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

``TriggeredSource(message)`` sends ``message`` out of ``"outbox"`` each time
anything arrives on ``"inbox"``, until told to shut down on ``"control"``,
which it passes on out of ``"signal"``.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished
from Kamaelia._shutdown import shutdownRequest

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


class TriggeredSource(component):
    """TriggeredSource(message) -> sends ``message`` whenever triggered on "inbox\""""

    Inboxes = {"inbox": "anything: a trigger", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the message, once per trigger", "signal": "shutdown signalling"}

    def __init__(self, message: Any, **argd: Any) -> None:
        super().__init__(**argd)
        self.message = message

    def main(self) -> Iterator[Any]:
        while True:
            for _ in self.Inbox("inbox"):
                self.send(self.message, "outbox")
            request = shutdownRequest(self)
            if request is not None:
                self.send(request, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

"""PureTransformer: apply a function to every message.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["hello", "world"]),
        PureTransformer(lambda word: word.upper() + "\\n"),
        ConsoleEchoer(),
    ).run()                                  # prints HELLO and WORLD

How does it work?
-----------------
``PureTransformer(function)`` sends ``function(message)`` out of ``"outbox"``
for each message arriving on ``"inbox"``, in order. A ``None`` result sends
nothing, so the function can also filter. An exception raised by the
function is logged with the offending message and that message is skipped;
the component carries on with the next one.

On ``producerFinished`` or ``shutdownMicroprocess`` arriving on ``"control"``
it first transforms everything already waiting in ``"inbox"``, then passes
the message on out of ``"signal"`` and ends. Without a function it passes
messages through unchanged.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from Axon.Component import component
from Kamaelia._shutdown import shutdownRequest

__all__ = ["PureTransformer"]

log = logging.getLogger("Kamaelia.Util.PureTransformer")


class PureTransformer(component):
    """PureTransformer([function]) -> sends function(message) for each message"""

    Inboxes = {"inbox": "messages to transform", "control": "shutdown signalling"}
    Outboxes = {"outbox": "transformed messages", "signal": "shutdown signalling"}

    def __init__(self, function: Callable[[Any], Any] | None = None, **argd: Any) -> None:
        super().__init__(**argd)
        if function is not None:
            if not callable(function):
                raise TypeError(f"PureTransformer needs a callable, not {function!r}")
            self.processMessage = function

    def processMessage(self, message: Any) -> Any:
        """The transformation; override it or pass a function (default: unchanged)."""
        return message

    def main(self) -> Iterator[Any]:
        while True:
            self._transformWaiting()
            request = shutdownRequest(self)
            if request is not None:
                self._transformWaiting()
                self.send(request, "signal")
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def _transformWaiting(self) -> None:
        transform = self.processMessage
        for message in self.Inbox("inbox"):
            try:
                result = transform(message)
            except Exception:
                log.exception("%s: function failed on %r; message skipped", self.name, message)
                continue
            if result is not None:
                self.send(result, "outbox")

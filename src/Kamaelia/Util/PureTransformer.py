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
it first transforms everything already waiting in ``"inbox"``, sends what
``finish()`` returns (nothing, unless a subclass that holds data back says
otherwise), then passes the message on out of ``"signal"`` and ends.
Without a function it passes messages through unchanged (1.14's sent
nothing; pass-through is what a transformer with nothing to do should do).

Subclasses override ``processMessage(msg)`` (as in 1.14; ``LineSplit`` and
``UnseenOnly`` do); errors are logged on the logger of the subclass's
module.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator

from Axon.Component import component
from Kamaelia._shutdown import shutdownRequest

__all__ = ["PureTransformer"]


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

    def processMessage(self, msg: Any) -> Any:
        """The transformation; override it or pass a function (default: unchanged).
        What it returns is sent, unless it is None."""
        return msg

    def finish(self) -> Iterable[Any]:
        """What to send when told to end, after everything waiting was handled."""
        return ()

    def main(self) -> Iterator[Any]:
        while True:
            self._transformWaiting()
            request = shutdownRequest(self)
            if request is not None:
                self._transformWaiting()
                for result in self.finish():
                    self.send(result, "outbox")
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
                logging.getLogger(type(self).__module__).exception(
                    "%s: function failed on %r; message skipped", self.name, message)
                continue
            if result is not None:
                self.send(result, "outbox")


__kamaelia_components__ = (PureTransformer,)

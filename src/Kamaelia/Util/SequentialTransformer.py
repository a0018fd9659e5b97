"""SequentialTransformer: apply a chain of functions to every message.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.SequentialTransformer import SequentialTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["  hello ", "world  "]),
        SequentialTransformer(str.strip, str.title, lambda text: text + "\\n"),
        ConsoleEchoer(),
    ).run()                     # prints Hello and World

How does it work?
-----------------
``SequentialTransformer(*functions)`` passes each message arriving on
``"inbox"`` through the functions in order (the result of one is the
argument of the next) and sends the final result out of ``"outbox"``. It is
the same as a ``Pipeline`` of ``PureTransformer`` components, in one
component. As with ``PureTransformer``, a function that returns ``None``
drops the message: the functions after it are not called and nothing is
sent. With no functions, messages pass through unchanged (1.14's sent
nothing). The work is done by 1.14's ``pipeline(msg)`` (the functions in
turn) called from ``processMessage(msg)``; a subclass may override either.

If a function raises, the error is logged (logger
``Kamaelia.Util.SequentialTransformer``, with the component's name, the
message and the traceback) and that message is skipped; the component
carries on with the next one. Arguments that are not callable raise
``TypeError`` at construction, naming the bad value.

Boxes: ``"inbox"`` takes anything the first function accepts; ``"outbox"``
sends the results; ``"control"`` takes shutdown messages, which leave
through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first
transforms everything already waiting, then sends that same message out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: functions cannot send more than one message per
message (return a list and split it later), and they run one after another
in this component's turn, not concurrently.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from Kamaelia.Util._arguments import callableArgument
from Kamaelia.Util._stream import StreamTransformer

__all__ = ["SequentialTransformer"]


class SequentialTransformer(StreamTransformer):
    """SequentialTransformer(*functions) -> sends fn(...f2(f1(message))) for each message"""

    Inboxes = {"inbox": "messages to transform", "control": "shutdown signalling"}
    Outboxes = {"outbox": "transformed messages", "signal": "shutdown signalling"}

    def __init__(self, *functions: Callable[[Any], Any], **argd: Any) -> None:
        super().__init__(**argd)
        self.functions = [callableArgument("SequentialTransformer", f"function {position}",
                                           function)
                          for position, function in enumerate(functions)]

    def pipeline(self, msg: Any) -> Any:
        """``msg`` through every function in turn (None as soon as one gives None)."""
        for function in self.functions:
            msg = function(msg)
            if msg is None:
                return None
        return msg

    def processMessage(self, msg: Any) -> Any:
        """What to send for ``msg`` (None: nothing): ``pipeline(msg)``, as in 1.14."""
        return self.pipeline(msg)

    def feed(self, message: Any) -> Iterable[Any]:
        result = self.processMessage(message)
        return () if result is None else (result,)


__kamaelia_components__ = (SequentialTransformer,)

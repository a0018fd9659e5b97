"""Stringify: turn every message into a string.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Stringify import Stringify
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource([1, 2.5, None, ("a", 1)]),
        Stringify(),
        PureTransformer(lambda text: text + "\\n"),
        ConsoleEchoer(),
    ).run()                     # prints 1, 2.5, None and ('a', 1)

How does it work?
-----------------
``Stringify()`` sends ``str(message)`` out of ``"outbox"`` for every message
arriving on ``"inbox"``, in order. Strings pass through unchanged; note that
``bytes`` become their ``str`` form (``"b'...'"``), not decoded text.

A message whose ``__str__`` raises is logged (logger
``Kamaelia.Util.Stringify``, with the component's name, the message and the
exception) and skipped; the component carries on.

Boxes: ``"inbox"`` takes anything; ``"outbox"`` sends strings; ``"control"``
takes shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first
converts everything already waiting, then sends that same message out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it adds no line endings and does not decode bytes.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer

__all__ = ["Stringify"]


class Stringify(StreamTransformer):
    """Stringify() -> sends str(message) for each message"""

    Inboxes = {"inbox": "anything", "control": "shutdown signalling"}
    Outboxes = {"outbox": "str(message) for each message", "signal": "shutdown signalling"}

    def feed(self, message: Any) -> Iterable[Any]:
        return (str(message),)


__kamaelia_components__ = (Stringify,)

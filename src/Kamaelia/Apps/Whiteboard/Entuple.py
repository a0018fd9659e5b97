"""Entuple: wrap each message in a tuple, between fixed items.

Example Usage
-------------
Tag each line as a ``SOUND`` event, as 1.14's whiteboard tagged audio::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Apps.Whiteboard.Entuple import Entuple

    Pipeline(
        DataSource(["hello", "world"]),
        Entuple(prefix=["SOUND"], postfix=["end"]),
        PureTransformer(lambda t: f"{t!r}\\n"),
        ConsoleEchoer(),
    ).run()                    # prints ('SOUND', 'hello', 'end') and ('SOUND', 'world', 'end')

How does it work?
-----------------
``Entuple(prefix=(), postfix=())`` sends, for each message arriving on
``"inbox"``, the tuple of the items of ``prefix``, the message, then the
items of ``postfix``, out of ``"outbox"``. ``prefix`` and ``postfix`` may be
any sequences; they are copied when the component is made.

1.14's documentation promised a tuple, but it sent a list (and failed when
given tuples); this one sends the tuple it promised. On the whiteboard's
wire both are written the same way.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it first wraps everything already waiting, then passes that
same message on out of ``"signal"`` and ends (1.14 sent a new
``producerFinished`` instead, and could leave messages unsent). Other
messages on ``"control"`` are logged and ignored.
"""

from __future__ import annotations

from typing import Any, Sequence

from Kamaelia.Util.PureTransformer import PureTransformer

__all__ = ["Entuple"]


class Entuple(PureTransformer):
    """Entuple(prefix=(), postfix=()) -> sends (*prefix, message, *postfix) per message

    - prefix  -- items to put before each message
    - postfix -- items to put after each message
    """

    Inboxes = {"inbox": "messages to wrap", "control": "shutdown signalling"}
    Outboxes = {"outbox": "tuples: prefix, message, postfix", "signal": "shutdown signalling"}

    def __init__(self, prefix: Sequence[Any] = (), postfix: Sequence[Any] = (),
                 **argd: Any) -> None:
        super().__init__(**argd)
        self.prefix = tuple(prefix)
        self.postfix = tuple(postfix)

    def processMessage(self, msg: Any) -> tuple[Any, ...]:
        """The tuple sent for ``msg``."""
        return self.prefix + (msg,) + self.postfix


__kamaelia_components__ = (Entuple,)

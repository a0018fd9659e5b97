"""UnseenOnly: pass each distinct message on once; drop repeats.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.UnseenOnly import UnseenOnly
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["a\\n", "b\\n", "a\\n", "c\\n", "b\\n"]),
        UnseenOnly(),
        ConsoleEchoer(),
    ).run()                     # prints a, b and c

How does it work?
-----------------
``UnseenOnly()`` remembers every message it has sent (in a set, so messages
are compared by equality and hash) and sends a message arriving on
``"inbox"`` out of ``"outbox"`` only if it has not seen an equal one before.
Repeats are its purpose to drop, so they are dropped without a log line.
It is a ``PureTransformer`` whose ``processMessage(msg)`` does this, as in
1.14.

A message that cannot be remembered (an unhashable one, such as a list) is
logged as an error (logger ``Kamaelia.Util.UnseenOnly``, naming the
component and the message) and skipped; the component carries on. Send
tuples instead of lists.

Boxes: ``"inbox"`` takes hashable messages; ``"outbox"`` sends the first of
each; ``"control"`` takes shutdown messages, which leave through
``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first
handles everything already waiting, then sends that same message out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it never forgets, so its memory grows with the number
of distinct messages; and ``1``, ``1.0`` and ``True`` count as the same.
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Util.PureTransformer import PureTransformer

__all__ = ["UnseenOnly"]


class UnseenOnly(PureTransformer):
    """UnseenOnly() -> sends each message only the first time an equal one arrives"""

    Inboxes = {"inbox": "hashable messages", "control": "shutdown signalling"}
    Outboxes = {"outbox": "messages not seen before", "signal": "shutdown signalling"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.seen: set[Any] = set()

    def processMessage(self, msg: Any) -> Any:
        """``msg`` if no equal message came before, else None (nothing is sent)."""
        if msg in self.seen:              # TypeError here if it is unhashable
            return None
        self.seen.add(msg)
        return msg


__kamaelia_components__ = (UnseenOnly,)

"""Sync: wait for n messages, then send one on.

Example Usage
-------------
Send one message for every three received::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Sync import Sync
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["a\\n", "b\\n", "c\\n", "d\\n", "e\\n", "f\\n"]),
        Sync(3),
        ConsoleEchoer(),
    ).run()                     # prints c and f

A typical use is to link the ``"signal"`` outboxes of ``n`` components (in a
Graphline) to one Sync's ``"inbox"``, to act once all of them have ended.

How does it work?
-----------------
``Sync(n=2)`` counts the messages arriving on ``"inbox"``. Each time the
count reaches ``n`` it sends the ``n``-th message (the one that completed
the group) out of ``"outbox"`` and starts counting again. The other
messages of a group are taken and not sent: that is what it is for. Any
message counts, ``None`` included. ``n`` must be an int >= 1 (else
``TypeError``/``ValueError`` naming the value).

Boxes: ``"inbox"`` takes anything; ``"outbox"`` sends one message per ``n``;
``"control"`` takes shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first counts
everything already waiting (which may complete a group), then sends that
same message out of ``"signal"`` and ends. An incomplete group left at the
end sends nothing, and a warning on ``Kamaelia.Util.Sync`` says how many of
``n`` had arrived. Other messages on ``"control"`` are logged and ignored.

What it does not do: it does not tell apart which sender a message came
from; ``n`` messages from one sender complete a group just as well.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import StreamTransformer

__all__ = ["Sync"]

log = logging.getLogger(__name__)


class Sync(StreamTransformer):
    """Sync(n=2) -> sends every n-th message it receives

    - n -- how many messages make a group (default 2)
    """

    Inboxes = {"inbox": "messages to count", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the last message of each group of n", "signal": "shutdown signalling"}

    def __init__(self, n: int = 2, **argd: Any) -> None:
        super().__init__(**argd)
        self.n = positiveInt("Sync", "n", n)
        self.count = 0

    def feed(self, message: Any) -> Iterable[Any]:
        self.count += 1
        if self.count < self.n:
            return ()
        self.count = 0
        return (message,)

    def finish(self) -> Iterable[Any]:
        if self.count:
            log.warning("%s ended with an incomplete group (%d of %d messages); "
                        "nothing was sent for it", self.name, self.count, self.n)
        return ()


__kamaelia_components__ = (Sync,)

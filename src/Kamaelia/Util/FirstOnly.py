"""FirstOnly: pass on the first message, discard the rest.

Example Usage
-------------
::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.FirstOnly import FirstOnly
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(
        DataSource(["first\\n", "second\\n", "third\\n"]),
        FirstOnly(),
        ConsoleEchoer(),
    ).run()                     # prints only: first

How does it work?
-----------------
``FirstOnly()`` sends the first message arriving on ``"inbox"`` out of
``"outbox"``. Every later message is taken and discarded (discarding is its
purpose; each is logged at DEBUG level on ``Kamaelia.Util.FirstOnly``, and
``discarded`` counts them), so the component before it is never blocked by
a full inbox. Any message counts as "the first", ``None`` included.

Boxes: ``"inbox"`` takes anything; ``"outbox"`` sends the first message;
``"control"`` takes shutdown messages, which leave through ``"signal"``.

Shutdown: it keeps running (and discarding) after the first message until
``producerFinished`` or ``shutdownMicroprocess`` arrives on ``"control"``;
it then handles anything already waiting (sending it if nothing has been
sent yet), sends that same message out of ``"signal"`` and ends. Other
messages on ``"control"`` are logged and ignored.

What it does not do: it does not end, or signal, by itself once the first
message has gone.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer, shortRepr

__all__ = ["FirstOnly"]

log = logging.getLogger(__name__)


class FirstOnly(StreamTransformer):
    """FirstOnly() -> sends the first message received and discards the rest"""

    Inboxes = {"inbox": "messages; only the first is kept", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the first message", "signal": "shutdown signalling"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.sentFirst = False
        self.discarded = 0

    def feed(self, message: Any) -> Iterable[Any]:
        if not self.sentFirst:
            self.sentFirst = True
            return (message,)
        self.discarded += 1
        log.debug("%s discarded %s (not the first)", self.name, shortRepr(message))
        return ()


__kamaelia_components__ = (FirstOnly,)

"""LossyConnector: pass messages on, dropping those the destination has no room for.

Example Usage
-------------
A consumer whose inbox holds 2 messages, fed 5 at once, gets the first 2::

    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Kamaelia.Util.LossyConnector import LossyConnector

    class Slow(component):
        def main(self):
            while not self.dataReady("control"):
                self.pause()
                yield 1
            print("got", list(self.Inbox("inbox")))

    lossy, slow = LossyConnector(), Slow()
    slow.setInboxSize("inbox", 2)
    lossy.link((lossy, "outbox"), (slow, "inbox"))
    lossy.link((lossy, "signal"), (slow, "control"))
    lossy.inboxes["inbox"].extend(range(5))
    lossy.inboxes["control"].append(producerFinished())
    lossy.activate()
    slow.run()                     # prints got [0, 1]
    print(lossy.dropped, "dropped")  # prints 3 dropped

How does it work?
-----------------
``LossyConnector()`` sends every message arriving on ``"inbox"`` out of
``"outbox"``, in order. If the destination inbox is full (it has a size
limit, see ``setInboxSize``) the message is dropped instead of raising
``noSpaceInBox``: that is the lossy bit, for feeds where fresh data matters
more than complete data (video frames, position updates). Each drop is
counted in ``dropped`` and logged at DEBUG level on
``Kamaelia.Util.LossyConnector``. Without a size limit downstream, nothing
is ever dropped.

Boxes: ``"inbox"`` takes anything; ``"outbox"`` sends what fits;
``"control"`` takes shutdown messages, which leave through ``"signal"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` it first
passes on (or drops) everything already waiting, then sends that same
message out of ``"signal"`` and ends. Other messages on ``"control"`` are
logged and ignored.

What it does not do: it does not retry or keep dropped messages, and it
drops only for lack of room, never for age.
"""

from __future__ import annotations

import logging
from typing import Any

from Axon.AxonExceptions import noSpaceInBox
from Kamaelia.Util._stream import StreamTransformer, shortRepr

__all__ = ["LossyConnector"]

log = logging.getLogger(__name__)


class LossyConnector(StreamTransformer):
    """LossyConnector() -> passes messages on; drops those that do not fit"""

    Inboxes = {"inbox": "data to be passed on", "control": "shutdown signalling"}
    Outboxes = {"outbox": "the data, less what did not fit", "signal": "shutdown signalling"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.dropped = 0

    def deliver(self, message: Any) -> None:
        try:
            self.send(message, "outbox")
        except noSpaceInBox:
            self.dropped += 1
            log.debug("%s dropped %s: destination full", self.name, shortRepr(message))


__kamaelia_components__ = (LossyConnector,)

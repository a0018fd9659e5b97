"""nullSinkComponent: accept messages and discard them.

Example Usage
-------------
Run a source whose output nobody needs::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.NullSink import nullSinkComponent

    sink = nullSinkComponent()
    Pipeline(DataSource(range(1000)), sink).run()
    print("discarded", sink.discarded, "messages")     # discarded 1000 messages

How does it work?
-----------------
``nullSinkComponent()`` takes every message arriving on ``"inbox"`` and
throws it away, counting them in ``discarded``. Discarding is its job, so
nothing is logged for them.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it discards what is waiting, passes the message on out of
``"signal"`` and ends. Other messages on ``"control"`` are logged (logger
``Kamaelia``) and ignored.

What it does not do: it sends nothing out of ``"outbox"``.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._stream import StreamTransformer

__all__ = ["nullSinkComponent"]


class nullSinkComponent(StreamTransformer):
    """nullSinkComponent() -> discards everything sent to it"""

    Inboxes = {"inbox": "messages to discard",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "not used", "signal": "the shutdown message, passed on"}

    discarded = 0

    def feed(self, message: Any) -> Iterable[Any]:
        self.discarded += 1
        return ()


__kamaelia_components__ = (nullSinkComponent,)

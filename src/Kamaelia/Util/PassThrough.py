"""PassThrough: send on everything it receives, unchanged.

Example Usage
-------------
A placeholder stage in a Pipeline::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PassThrough import PassThrough

    Pipeline(DataSource(["through\\n", "unchanged\\n"]), PassThrough(), ConsoleEchoer()).run()

How does it work?
-----------------
``PassThrough()`` sends every message arriving on ``"inbox"`` out of
``"outbox"``, and every message arriving on ``"control"`` out of
``"signal"``, in order. It is useful where a component is required but
nothing should happen (a default in a chassis, the inside of a ``Plug``).
A destination that is a full size-limited inbox holds it back until there
is room; later messages wait in its ``"inbox"``.

Shutdown: a ``producerFinished`` on ``"control"`` is passed on out of
``"signal"`` like any control message, once everything already waiting on
``"inbox"`` has been sent (waiting for room if the destination is full);
then it ends. ``shutdownMicroprocess`` does the same but does not wait for
room: what a full destination did not get is logged as an error (logger
``Kamaelia.Util.PassThrough``).

What it does not do: it does not copy, check or change messages.
"""

from __future__ import annotations

from Kamaelia.Util._copying import CopyingComponent

__all__ = ["PassThrough"]


class PassThrough(CopyingComponent):
    """PassThrough() -> sends on every message and control message unchanged"""

    Inboxes = {"inbox": "messages to pass on",
               "control": "control messages to pass on; producerFinished or "
                          "shutdownMicroprocess also end it"}
    Outboxes = {"outbox": "the messages from inbox", "signal": "the messages from control"}

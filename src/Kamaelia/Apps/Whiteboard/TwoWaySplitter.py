"""TwoWaySplitter: 1.14's whiteboard Y-junction, sending everything two ways.

Example Usage
-------------
Show strokes locally and send them to the network too::

    from Kamaelia.Chassis.Graphline import Graphline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.TwoWaySplitter import TwoWaySplitter

    Graphline(
        SOURCE=DataSource([[["CLEAR"]]]),
        SPLIT=TwoWaySplitter(),
        LOCAL=PureTransformer(lambda m: f"local {m!r}\\n"),
        REMOTE=PureTransformer(lambda m: f"remote {m!r}\\n"),
        OUT=ConsoleEchoer(),
        linkages={("SOURCE", "outbox"): ("SPLIT", "inbox"),
                  ("SOURCE", "signal"): ("SPLIT", "control"),
                  ("SPLIT", "outbox"): ("LOCAL", "inbox"),
                  ("SPLIT", "signal"): ("LOCAL", "control"),
                  ("SPLIT", "outbox2"): ("REMOTE", "inbox"),
                  ("SPLIT", "signal2"): ("REMOTE", "control"),
                  ("LOCAL", "outbox"): ("OUT", "inbox"),
                  ("REMOTE", "outbox"): ("OUT", "inbox"),
                  ("REMOTE", "signal"): ("OUT", "control")},
    ).run()                         # prints the local and the remote line

How does it work?
-----------------
It is :class:`Kamaelia.Util.TwoWaySplitter.TwoWaySplitter` under the
module name 1.14's whiteboard used (1.14 had three copies of the class, in
``TwoWaySplitter``, ``Router`` and ``Routers``; here there is one, which
those modules also export). Every message arriving on ``"inbox"`` goes out
of ``"outbox"`` and ``"outbox2"``; every message on ``"control"`` goes out of
``"signal"`` and ``"signal2"``.

Shutdown: on ``producerFinished`` it first sends everything waiting both
ways, then passes the message out of both signal outboxes and ends;
``shutdownMicroprocess`` does the same without waiting for room in a full
destination. Other control messages are passed on both ways (as in 1.14).

What it does not do: it does not copy messages; both branches get the same
object.
"""

from __future__ import annotations

from Kamaelia.Util.TwoWaySplitter import TwoWaySplitter as _TwoWaySplitter

__all__ = ["TwoWaySplitter"]


class TwoWaySplitter(_TwoWaySplitter):
    """TwoWaySplitter() -> sends everything out of two outboxes, and signals two ways"""


__kamaelia_components__ = (TwoWaySplitter,)

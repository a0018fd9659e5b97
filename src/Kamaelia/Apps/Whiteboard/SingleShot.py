"""SingleShot: 1.14's whiteboard ``OneShot``, which sends one message and ends.

Example Usage
-------------
Ask a whiteboard server for its current page, once, as 1.14's client did::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.PureTransformer import PureTransformer
    from Kamaelia.Apps.Whiteboard.SingleShot import OneShot
    from Kamaelia.Apps.Whiteboard.Tokenisation import tokenlists_to_lines

    Pipeline(
        OneShot(msg=[["GETIMG"]]),
        tokenlists_to_lines(),                      # b'[ GETIMG ] \\n'
        PureTransformer(lambda line: line.decode()),
        ConsoleEchoer(),
    ).run()

How does it work?
-----------------
``OneShot(msg=None)`` is :class:`Kamaelia.Util.OneShot.OneShot` under the
name and module 1.14's whiteboard used: it sends ``msg`` out of
``"outbox"`` as soon as it runs, then ``producerFinished`` out of
``"signal"``, and ends.

1.14's whiteboard version sent nothing on ``"signal"``, so what came after
it never learnt that it had finished; this one says so, as every producer
does. A ``producerFinished`` or ``shutdownMicroprocess`` that reaches
``"control"`` before it runs stops it: it sends nothing and passes that
message on out of ``"signal"``.
"""

from __future__ import annotations

from Kamaelia.Util.OneShot import OneShot as _OneShot

__all__ = ["OneShot"]


class OneShot(_OneShot):
    """OneShot(msg=None) -> sends ``msg`` once, then producerFinished

    - msg -- the message to send
    """


__kamaelia_components__ = (OneShot,)

"""Collate: gather messages into tuples of n.

Example Usage
-------------
Pair up a stream of values::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Collate import Collate
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    Pipeline(
        DataSource(["x", 1, "y", 2, "z"]),
        Collate(2),
        PureTransformer(lambda group: f"{group}\\n"),
        ConsoleEchoer(),
    ).run()                      # prints ('x', 1), ('y', 2) and then ('z',)

How does it work?
-----------------
``Collate(n)`` collects the messages arriving on ``"inbox"`` and sends each
run of ``n`` of them, in order, as one tuple out of ``"outbox"``.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` it collects everything already waiting, sends what is left
over as a final, shorter tuple (so nothing received is lost; it is the
only tuple that can be short), then passes the message on out of
``"signal"`` and ends. Other messages on ``"control"`` are logged and
ignored.

What it does not do: it has no timeout, so a partly filled tuple waits
until enough messages arrive or it is told to end.
"""

from __future__ import annotations

from typing import Any, Iterable

from Kamaelia.Util._arguments import positiveInt
from Kamaelia.Util._stream import StreamTransformer

__all__ = ["Collate"]


class Collate(StreamTransformer):
    """Collate(n) -> sends each run of n messages as a tuple

    - n -- how many messages go in each tuple (an int >= 1)
    """

    Inboxes = {"inbox": "messages to gather",
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "tuples of n messages (the last may be shorter)",
                "signal": "the shutdown message, passed on"}

    def __init__(self, n: int, **argd: Any) -> None:
        super().__init__(**argd)
        self.n = positiveInt("Collate", "n", n)
        self._group: list[Any] = []

    def feed(self, message: Any) -> Iterable[Any]:
        group = self._group
        group.append(message)
        if len(group) < self.n:
            return ()
        self._group = []
        return (tuple(group),)

    def finish(self) -> Iterable[Any]:
        group, self._group = self._group, []
        return (tuple(group),) if group else ()


__kamaelia_components__ = (Collate,)

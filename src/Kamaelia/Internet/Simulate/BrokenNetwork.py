"""Kamaelia.Internet.Simulate.BrokenNetwork: a network that duplicates, loses and reorders.

Example Usage
-------------
Put them between a sender and a receiver to see whether the receiver copes
(a seeded random number generator makes the damage repeatable)::

    import random
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Internet.Simulate.BrokenNetwork import Duplicate, Reorder, Throwaway
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    rng = random.Random(4)
    Pipeline(
        DataSource(range(20)),
        Duplicate(rng=rng), Throwaway(rng=rng), Reorder(rng=rng),
        PureTransformer(lambda n: f"{n} "),
        ConsoleEchoer(),
    ).run()                         # the numbers, some twice, some missing, out of order

How does it work?
-----------------
Each passes on what arrives on ``"inbox"`` out of ``"outbox"``, as 1.14's did:

* :class:`Duplicate` sends a message twice with probability ``chance``
  (default 0.1, 1.14's one in ten);
* :class:`Throwaway` drops a message with probability ``chance`` (0.1);
* :class:`Reorder` holds up to ``window`` messages (8); once it holds that
  many, it sends one of the first ``window - 1`` chosen at random.

``rng`` (keyword) is the ``random.Random`` they draw from (default: the
``random`` module's). ``chance`` and ``window`` are class attributes, so
``Throwaway(chance=0.5)`` overrides them.

Shutdown
--------
On ``producerFinished`` or ``shutdownMicroprocess`` on ``"control"`` each
passes on what arrived before it (a ``Reorder`` sends what it holds, in
the order it holds it: 1.14's lost it), then passes the message on out of
``"signal"`` and ends.
"""

from __future__ import annotations

import random
from typing import Any, Iterator

from Axon.Component import component
from Axon.Ipc import producerFinished, shutdownMicroprocess

__all__ = ["Duplicate", "Throwaway", "Reorder"]


class _Damage(component):
    """Passes messages through ``handle``; ends on a shutdown message."""

    Inboxes = {"inbox": "messages to pass on (perhaps damaged)",
               "control": "producerFinished or shutdownMicroprocess: finish and end"}
    Outboxes = {"outbox": "the messages, damaged", "signal": "the shutdown message"}

    chance: float = 0.1
    rng: Any = random

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        chance = self.chance
        if isinstance(chance, bool) or not isinstance(chance, (int, float)) or \
                not 0 <= chance <= 1:
            raise ValueError(f"{type(self).__name__}: chance must be a probability "
                             f"from 0 to 1, not {chance!r}")
        if not callable(getattr(self.rng, "random", None)):
            raise TypeError(f"{type(self).__name__}: rng must be a random.Random, "
                            f"not {self.rng!r}")

    def handle(self, item: Any) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Called at the end, before the shutdown message is passed on."""

    def main(self) -> Iterator[Any]:
        while not self._handled():
            if not self.anyReady():
                self.pause()
            yield 1

    def _handled(self) -> bool:
        """Handle what arrived (in a method: ``main`` keeps none of it across a
        ``yield``); True once told to stop, the message passed on."""
        for item in self.Inbox("inbox"):
            self.handle(item)
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (producerFinished, shutdownMicroprocess)):
                for item in self.Inbox("inbox"):
                    self.handle(item)
                self.finish()
                self.send(message, "signal")
                return True
        return False


class Duplicate(_Damage):
    """Duplicate(chance=0.1, rng=random) -> passes messages on, some of them twice"""

    def handle(self, item: Any) -> None:
        self.send(item, "outbox")
        if self.rng.random() < self.chance:
            self.send(item, "outbox")


class Throwaway(_Damage):
    """Throwaway(chance=0.1, rng=random) -> passes messages on, except some"""

    def handle(self, item: Any) -> None:
        if self.rng.random() >= self.chance:
            self.send(item, "outbox")


class Reorder(_Damage):
    """Reorder(window=8, rng=random) -> passes messages on, jumbled within a window"""

    window: int = 8

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        if isinstance(self.window, bool) or not isinstance(self.window, int) or \
                self.window < 2:
            raise ValueError(f"Reorder: window must be an int >= 2, not {self.window!r}")
        self.held: list[Any] = []

    def handle(self, item: Any) -> None:
        self.held.append(item)
        if len(self.held) >= self.window:
            index = int(self.rng.random() * (self.window - 1))
            self.send(self.held.pop(index), "outbox")

    def finish(self) -> None:
        held, self.held = self.held, []
        for item in held:
            self.send(item, "outbox")


__kamaelia_components__ = (Duplicate, Throwaway, Reorder)

"""Chooser and ForwardIteratingChooser: step through items on command.

Example Usage
-------------
A slideshow: the first slide is sent at once, then one per command::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Chooser import Chooser
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(
        DataSource(["NEXT", "NEXT", "NEXT", "PREV", "FIRST", "LAST"]),
        Chooser(["title\\n", "middle\\n", "end\\n"]),
        ConsoleEchoer(),
    ).run()             # prints title, middle, end, middle, title, end

The third NEXT sends nothing: there is no slide after "end" (pass
``loop=True`` to wrap around instead).

How does it work?
-----------------
``Chooser(items=[], loop=False)`` keeps a current position in ``items``
(read once, into a list). When it starts it sends the first item out of
``"outbox"``. Then each command arriving on ``"inbox"`` moves the position
and sends the item there:

* ``"NEXT"`` / ``"PREV"``: one step forward / back. At the last / first item
  nothing is sent and the position stays, unless ``loop`` is true, in which
  case it wraps around to the first / last item.
* ``"FIRST"`` / ``"LAST"``: jump to the first / last item.
* ``"SAME"``: send the current item again.

With no items it sends nothing. Any other command is logged as an error
(logger ``Kamaelia.Util.Chooser``, naming the command) and skipped.

``ForwardIteratingChooser(iterable=[])`` walks an iterable (read lazily, so
it may be endless or expensive) forwards only: it sends the first item when
it starts, the next one on each ``"NEXT"``, the current one again on
``"SAME"``. When the iterable runs out (at start, or on a ``"NEXT"``) it
sends ``producerFinished`` out of ``"signal"`` and ends; commands still
waiting then are logged and ignored. Other commands are logged as errors
and skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` both first obey the commands already waiting, then pass the
message on out of ``"signal"`` and end. Other messages on ``"control"`` are
logged and ignored. (1.14's Chooser ended on ``shutdownMicroprocess``
only; ending on ``producerFinished`` too lets a finite list of commands end
a Pipeline.)

What they do not do: they do not copy items, and a Chooser does not notice
changes to the list it was given after it was made.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished
from Kamaelia._shutdown import runUntilShutdown
from Kamaelia.Util._stream import StreamTransformer

__all__ = ["Chooser", "ForwardIteratingChooser"]

log = logging.getLogger("Kamaelia.Util.Chooser")


def _iterable(owner: str, name: str, value: Any) -> Iterable[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{owner}: {name} must be a list (or other iterable) of items, "
                        f"not {value!r}")
    return value


class Chooser(StreamTransformer):
    """Chooser(items=[], loop=False) -> sends the item chosen by NEXT, PREV, FIRST,
    LAST or SAME

    - items -- the items to choose from (any iterable; read once)
    - loop  -- wrap around past the last and first items
    """

    Inboxes = {"inbox": 'commands: "NEXT", "PREV", "FIRST", "LAST" or "SAME"',
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the chosen item, after each move",
                "signal": "the shutdown message, passed on"}

    def __init__(self, items: Iterable[Any] = (), loop: bool = False, **argd: Any) -> None:
        super().__init__(**argd)
        self.items = list(_iterable("Chooser", "items", items))
        self.loop = bool(loop)
        self.index = 0

    def main(self) -> Iterator[Any]:
        if self.items:
            self.send(self.getCurrentChoice(), "outbox")
        yield from super().main()

    def feed(self, command: Any) -> Iterable[Any]:
        move = self._MOVES.get(command) if isinstance(command, str) else None
        if move is None:
            raise ValueError(f"{self.name} understands NEXT, PREV, FIRST, LAST and "
                             f"SAME, not {command!r}")
        if self.items and move(self):
            return (self.getCurrentChoice(),)
        return ()

    def getCurrentChoice(self) -> Any:
        """The item at the current position (IndexError if there are no items)."""
        return self.items[self.index]

    def gotoNext(self) -> bool:
        """Step forward; False (and no move) at the end unless looping."""
        if self.index < len(self.items) - 1:
            self.index += 1
        elif self.loop:
            self.index = 0
        else:
            return False
        return True

    def gotoPrev(self) -> bool:
        """Step back; False (and no move) at the start unless looping."""
        if self.index > 0:
            self.index -= 1
        elif self.loop:
            self.index = len(self.items) - 1
        else:
            return False
        return True

    def gotoFirst(self) -> bool:
        """Jump to the first item."""
        self.index = 0
        return True

    def gotoLast(self) -> bool:
        """Jump to the last item."""
        self.index = len(self.items) - 1
        return True

    def gotoSame(self) -> bool:
        """Stay where it is (the item is sent again)."""
        return True

    _MOVES = {"NEXT": gotoNext, "PREV": gotoPrev, "FIRST": gotoFirst, "LAST": gotoLast,
              "SAME": gotoSame}


class ForwardIteratingChooser(component):
    """ForwardIteratingChooser(iterable=[]) -> sends the next item on each NEXT;
    producerFinished when there are no more

    - iterable -- the items (any iterable; read one item at a time)
    """

    Inboxes = {"inbox": 'commands: "NEXT" or "SAME"',
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the current item, after each move",
                "signal": "producerFinished when the items run out, else the shutdown "
                          "message, passed on"}

    def __init__(self, iterable: Iterable[Any] = (), **argd: Any) -> None:
        super().__init__(**argd)
        self.iterable = _iterable("ForwardIteratingChooser", "iterable", iterable)
        self._items: Iterator[Any] | None = None
        self._current: Any = None

    def main(self) -> Iterator[Any]:
        self._items = iter(self.iterable)
        outcome = self._step()
        if outcome is None:
            outcome = yield from runUntilShutdown(self, self._obeyCommands)
        left = list(self.Inbox("inbox"))
        if left:
            log.warning("%s has no more items; ignored %d command(s) still waiting: %r",
                        self.name, len(left), left)
        self.send(outcome, "signal")

    def _step(self) -> ipc | None:
        assert self._items is not None
        for item in self._items:
            self._current = item
            self.send(item, "outbox")
            return None
        return producerFinished(self)

    def _obeyCommands(self) -> ipc | None:
        for command in self.Inbox("inbox"):
            if command == "NEXT":
                finished = self._step()
                if finished is not None:
                    return finished
            elif command == "SAME":
                self.send(self._current, "outbox")
            else:
                log.error("%s understands NEXT and SAME, not %r; ignored", self.name,
                          command)
        return None

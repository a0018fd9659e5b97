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

With no items it sends nothing. Any other command is taken as ``"SAME"``,
as in Kamaelia 1.14 (the current item is sent again), and logged as a
warning (logger ``Kamaelia.Util.Chooser``, naming the command). The moves
are 1.14's methods ``gotoNext()``, ``gotoPrev()``, ``gotoFirst()``,
``gotoLast()`` (each True if the item should be sent) and
``getCurrentChoice()``; ``main`` uses them, so a subclass may override them.

``ForwardIteratingChooser(items=[])`` walks an iterable (read lazily, one
item at a time, so it may be endless or expensive) forwards only. As in
1.14, the first item is read when it is made (``gotoNext()``; the current
item is ``getCurrentChoice()``, and ``items`` is the iterator). It sends
that item when it starts, the next one on each ``"NEXT"``, the current one
again on ``"SAME"``. When the iterable runs out (at start, or on a
``"NEXT"``) it sends ``producerFinished`` out of ``"signal"`` and ends;
commands still waiting then are logged and ignored. Other commands are
logged as errors and skipped.

Shutdown: on ``producerFinished`` or ``shutdownMicroprocess`` on
``"control"`` both first obey the commands already waiting, then pass the
message on out of ``"signal"`` and end. Other messages on ``"control"`` are
logged and ignored. Both check ``"control"`` through 1.14's ``shutdown()``
method (True when told to end). (1.14's choosers ended on
``shutdownMicroprocess`` only; ending on ``producerFinished`` too lets a
finite list of commands end a Pipeline. An empty ForwardIteratingChooser
finishes at once; 1.14's waited for a ``"NEXT"``.)

What they do not do: they do not copy items, and a Chooser does not notice
changes to the list it was given after it was made.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Iterator

from Axon.Component import component
from Axon.Ipc import ipc, producerFinished
from Kamaelia.Util._stream import passOnShutdown, shortRepr

__all__ = ["Chooser", "ForwardIteratingChooser"]

log = logging.getLogger("Kamaelia.Util.Chooser")


def _iterable(owner: str, name: str, value: Any) -> Iterable[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{owner}: {name} must be a list (or other iterable) of items, "
                        f"not {value!r}")
    return value


class Chooser(component):
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
        while True:
            self._obeyWaiting()
            if self.shutdown():
                return
            if not self.anyReady():
                self.pause()
            yield 1

    def shutdown(self) -> bool:
        """True if a shutdown message waited on "control" (passed on out of
        "signal"); other control messages are logged and dropped."""
        return passOnShutdown(self)

    def _obeyWaiting(self) -> None:
        # A method, so that no command stays bound in main while it waits.
        for command in self.Inbox("inbox"):
            self.obey(command)

    def obey(self, command: Any) -> None:
        """Move as ``command`` says and send the item there (if it should be sent)."""
        move = self._MOVES.get(command) if isinstance(command, str) else None
        if move is None:
            log.warning("%s understands NEXT, PREV, FIRST, LAST and SAME, not %s; "
                        "taken as SAME (as in Kamaelia 1.14)", self.name, shortRepr(command))
            move = Chooser.gotoSame
        # Look the method up on self, so that a subclass's override is used.
        if self.items and getattr(self, move.__name__)():
            self.send(self.getCurrentChoice(), "outbox")

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
    """ForwardIteratingChooser(items=[]) -> sends the next item on each NEXT;
    producerFinished when there are no more

    - items -- the items (any iterable; read one item at a time)
    """

    Inboxes = {"inbox": 'commands: "NEXT" or "SAME"',
               "control": "producerFinished or shutdownMicroprocess to end"}
    Outboxes = {"outbox": "the current item, after each move",
                "signal": "producerFinished when the items run out, else the shutdown "
                          "message, passed on"}

    def __init__(self, items: Iterable[Any] = (), **argd: Any) -> None:
        super().__init__(**argd)
        #: An iterator over the items (1.14's attribute).
        self.items: Iterator[Any] = iter(_iterable("ForwardIteratingChooser", "items", items))
        self._started = self.gotoNext()     # as in 1.14: the first item is read now

    def main(self) -> Iterator[Any]:
        outcome: ipc | None = None
        if self._started:
            self.send(self.getCurrentChoice(), "outbox")
            while outcome is None:
                outcome = self._obeyCommands()
                if outcome is None:
                    if self.shutdown():
                        return
                    if not self.anyReady():
                        self.pause()
                    yield 1
        else:
            outcome = producerFinished(self)
        left = list(self.Inbox("inbox"))
        if left:
            log.warning("%s has no more items; ignored %d command(s) still waiting: %r",
                        self.name, len(left), left)
        self.send(outcome, "signal")

    def shutdown(self) -> bool:
        """True if a shutdown message waited on "control" (passed on out of
        "signal"); other control messages are logged and dropped."""
        return passOnShutdown(self)

    def getCurrentChoice(self) -> Any:
        """The current item (IndexError if there is none yet)."""
        try:
            return self.currentitem
        except AttributeError:
            raise IndexError(f"{self.name} has no current item") from None

    def gotoNext(self) -> bool:
        """Read the next item into ``currentitem``; False if there are no more."""
        for item in self.items:
            self.currentitem = item
            return True
        return False

    def _obeyCommands(self) -> ipc | None:
        for command in self.Inbox("inbox"):
            if command == "NEXT":
                if not self.gotoNext():
                    return producerFinished(self)
                self.send(self.getCurrentChoice(), "outbox")
            elif command == "SAME":
                self.send(self.getCurrentChoice(), "outbox")
            else:
                log.error("%s understands NEXT and SAME, not %r; ignored", self.name,
                          command)
        return None


__kamaelia_components__ = (Chooser, ForwardIteratingChooser)

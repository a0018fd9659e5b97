"""Sending each message out of several outboxes, holding back when one is full.

Not public API: the engine behind ``Splitter``, ``PlugSplitter``, ``Fanout``,
``TwoWaySplitter`` and ``PassThrough``. The last three are
:class:`CopyingComponent` subclasses that only declare their boxes.

How does it work?
-----------------
A :class:`Copier` belongs to one component. ``spread(inbox, outboxes)``
takes the messages waiting in ``inbox`` one at a time and sends each out of
every outbox in ``outboxes``, in order. When a destination is a
size-limited inbox that is full (``noSpaceInBox``), the copier keeps that
message and the list of outboxes still owed it, and stops taking messages:
the rest wait in the component's inbox, so back-pressure reaches whoever
feeds it. ``spread`` then returns True, which tells
:func:`Kamaelia._shutdown.runUntilShutdown` to pause the component even
though messages are waiting; the core wakes it when the full inbox has a
message taken out, and the next ``spread`` first finishes the held message.
Nothing is dropped and every destination sees the messages in order. When
no destination has a size limit (so none can refuse), the messages waiting
are sent to one destination after another instead, which is kinder to the
cache when there are thousands of them.

``forget(outbox)`` is for a destination that goes away while it is owed the
held message. ``abandon(log)`` is for a component that ends while still
held back: it logs what was not delivered, and where, as an error.

:class:`CopyingComponent` is the whole component: it spreads ``"inbox"``
over ``dataOutboxes``; control messages are either all passed on out of
``signalOutboxes`` (``forwardsControl = True``) or only the shutdown message
is; on shutdown it spreads what is waiting, reports anything it could not
deliver (on the logger named after the subclass's module), passes the
shutdown message out of every signal outbox and ends.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator, Sequence

from Axon.AxonExceptions import noSpaceInBox
from Axon.Component import component
from Axon.Ipc import ipc
from Kamaelia._shutdown import forwardControl, runUntilShutdown, shutdownRequest

__all__ = ["Copier", "CopyingComponent"]


class Copier:
    """Copier(owner) -> sends messages out of several of ``owner``'s outboxes"""

    __slots__ = ("owner", "held", "owed")

    def __init__(self, owner: Any) -> None:
        self.owner = owner
        self.held: Any = None
        self.owed: list[str] = []        # outboxes still owed ``held``

    @property
    def blocked(self) -> bool:
        """True while a message is held back for a full destination."""
        return bool(self.owed)

    def copy(self, message: Any, outboxes: Sequence[str]) -> bool:
        """Send ``message`` out of each of ``outboxes``; False if a full one stopped it."""
        send = self.owner.send
        boxname = ""
        try:
            for boxname in outboxes:
                send(message, boxname)
        except noSpaceInBox:
            owed = list(outboxes)           # box names are unique: resume at the full one
            self.held = message
            self.owed = owed[owed.index(boxname):]
            return False
        return True

    def retry(self) -> bool:
        """Try again to deliver the held message; True once nothing is owed."""
        if not self.owed:
            return True
        message, owed = self.held, self.owed
        self.held, self.owed = None, []
        return self.copy(message, owed)

    def spread(self, inbox: str, outboxes: Sequence[str]) -> bool:
        """Copy what waits in ``inbox`` out of every outbox; True if held back."""
        if not self.retry():
            return True
        owner = self.owner
        if len(outboxes) > 1 and owner.dataReady(inbox) > 1 and self._unlimited(outboxes):
            self._spreadByOutbox(inbox, outboxes)
            return False
        copy = self.copy
        for message in owner.Inbox(inbox):
            if not copy(message, outboxes):
                return True
        return False

    def _unlimited(self, outboxes: Sequence[str]) -> bool:
        """True if no destination of ``outboxes`` has a size limit (none can refuse)."""
        boxes = self.owner.outboxes
        return all(boxes[name].sink.size is None for name in outboxes)

    def _spreadByOutbox(self, inbox: str, outboxes: Sequence[str]) -> None:
        # Every waiting message to one destination, then the next: with
        # thousands of subscribers, going message by message touched every
        # subscriber's boxes once per message, from cache misses (a Backplane
        # to 10,000 subscribers: 317 -> 147 ns a delivery). Each destination
        # still gets the messages in order; none can refuse, so nothing is held.
        batch = list(self.owner.Inbox(inbox))
        send = self.owner.send
        for name in outboxes:
            for message in batch:
                send(message, name)

    def forget(self, outbox: str) -> None:
        """``outbox`` is no longer a destination: it is owed nothing."""
        if outbox in self.owed:
            self.owed.remove(outbox)
            if not self.owed:
                self.held = None

    def abandon(self, log: logging.Logger, inbox: str = "inbox") -> None:
        """Log, as an error, what an ending component could not deliver."""
        if not self.owed:
            return
        owner = self.owner
        full = ", ".join(owner.outboxes[name].sink.describe() for name in self.owed
                         if name in owner.outboxes)
        log.error("%s ended while %s was full: %r was not delivered there, and %d "
                  "later message(s) were not delivered at all", owner.name,
                  full or "a destination", self.held, owner.dataReady(inbox))
        self.held, self.owed = None, []


class CopyingComponent(component):
    """CopyingComponent() -> sends every message out of each of ``dataOutboxes``"""

    #: Outboxes that each get every message from "inbox", in this order.
    dataOutboxes: Sequence[str] = ("outbox",)
    #: Outboxes that get control messages (and, at the end, the shutdown message).
    signalOutboxes: Sequence[str] = ("signal",)
    #: Pass every control message on (True), or only the final shutdown (False).
    forwardsControl = True

    def main(self) -> Iterator[Any]:
        copier = Copier(self)
        request = yield from runUntilShutdown(
            self, lambda: copier.spread("inbox", self.dataOutboxes), self._controlRequest)
        copier.abandon(logging.getLogger(type(self).__module__))
        for boxname in self.signalOutboxes:
            self.send(request, boxname)

    def _controlRequest(self) -> ipc | None:
        if self.forwardsControl:
            return forwardControl(self, "control", self.signalOutboxes)
        return shutdownRequest(self)

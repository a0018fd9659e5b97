"""Handles: let ordinary (non-component) code talk to a component.

Example Usage
-------------
With the scheduler running in the background, wrap a component in a
``Handle``, then put messages into its inboxes and get messages from its
outboxes from any thread::

    import queue
    from Axon.background import background
    from Axon.Handle import Handle
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.PureTransformer import PureTransformer

    background().start()
    shout = Handle(Pipeline(PureTransformer(str.upper),
                            PureTransformer(lambda s: s + "!"))).activate()
    shout.put("hello", "inbox")
    try:
        print(shout.get("outbox"))            # non-blocking: may raise queue.Empty
    except queue.Empty:
        print(shout.get("outbox", block=True, timeout=5))

How does it work?
-----------------
``Handle(component)`` is itself a component. It gets one inbox for each of
the wrapped component's outboxes and one outbox for each of its inboxes, links
them up, and activates the wrapped component as its child.

``put(message, boxname="inbox")`` is thread-safe: it queues the message and
wakes the handle, which sends it into the wrapped component's inbox. What the
wrapped component sends arrives in the handle's inboxes, which copies it into
a ``queue.Queue`` per outbox; ``get(boxname="outbox")`` takes from that queue
without blocking and raises ``queue.Empty`` when nothing is there (pass
``block=True`` and optionally ``timeout`` to wait instead).

When the wrapped component ends, the handle collects anything left and ends
too; messages already collected stay available to ``get``.
"""

from __future__ import annotations

import queue
from collections import deque
from typing import Any, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.Box import noSuchBox

__all__ = ["Handle"]


class Handle(AdaptiveCommsComponent):
    """Handle(someComponent) -> handle giving plain code access to its boxes"""

    Inboxes: dict[str, str] = {}
    Outboxes: dict[str, str] = {}

    def __init__(self, someComponent: Any) -> None:
        super().__init__()
        self.comp = someComponent
        self._toDeliver: deque[tuple[str, Any]] = deque()
        self._collected: dict[str, queue.Queue[Any]] = {}
        for name in someComponent.outboxes:
            self.addInbox(name)
            self._collected[name] = queue.Queue()
        for name in someComponent.inboxes:
            self.addOutbox(name)

    def put(self, message: Any, boxname: str = "inbox") -> None:
        """Deliver ``message`` to the wrapped component's inbox ``boxname`` (thread-safe)."""
        if boxname not in self.outboxes:
            raise noSuchBox(self.comp, boxname, True)
        self._toDeliver.append((boxname, message))
        self.unpause()

    def get(self, boxname: str = "outbox", block: bool = False,
            timeout: float | None = None) -> Any:
        """Take the next message the wrapped component sent from ``boxname``.

        Non-blocking by default: raises ``queue.Empty`` if there is none.
        """
        try:
            collected = self._collected[boxname]
        except KeyError:
            raise noSuchBox(self.comp, boxname, False) from None
        return collected.get(block, timeout)

    def main(self) -> Iterator[Any]:
        comp = self.comp
        for name in comp.outboxes:
            self.link((comp, name), (self, name))
        for name in comp.inboxes:
            self.link((self, name), (comp, name))
        self.addChildren(comp)
        if comp.scheduler is None:
            comp.activate(Scheduler=self.scheduler)
        while True:
            while self._toDeliver:
                boxname, message = self._toDeliver.popleft()
                self.send(message, boxname)
            for name in self._collected:
                for message in self.Inbox(name):
                    self._handOver(name, message)
            if comp._isStopped() and not self._toDeliver:
                break
            self.pause()
            yield 1
        self.removeChild(comp)
        self._ended()

    def _handOver(self, boxname: str, message: Any) -> None:
        """Make a message from the wrapped component available to ``get``."""
        self._collected[boxname].put(message)

    def _ended(self) -> None:
        """Called once the wrapped component has ended and everything is collected."""

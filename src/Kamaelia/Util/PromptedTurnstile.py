"""PromptedTurnstile: hold items back and let one through per request.

Example Usage
-------------
Items wait in the turnstile; each request lets one of them through::

    from Axon.Component import component
    from Axon.Ipc import producerFinished
    from Kamaelia.Util.PromptedTurnstile import PromptedTurnstile

    class Asker(component):
        Outboxes = {"outbox": "not used", "signal": "shutdown", "next": "requests"}

        def main(self):
            for _ in range(3):
                self.send("please", "next")
                while not self.dataReady("inbox"):
                    self.pause()
                    yield 1
                print("got", self.recv("inbox"))
            self.send(producerFinished(), "signal")

    gate, asker = PromptedTurnstile(), Asker()
    gate.link((asker, "next"), (gate, "next"))
    gate.link((gate, "outbox"), (asker, "inbox"))
    gate.link((asker, "signal"), (gate, "control"))
    gate.inboxes["inbox"].extend(["one", "two", "three"])
    gate.activate()
    asker.run()                   # prints got one, got two, got three

How does it work?
-----------------
``PromptedTurnstile()`` keeps the items arriving on ``"inbox"`` waiting, in
order. Each message arriving on ``"next"`` (its content does not matter) is
a request for one item: the oldest waiting item is sent out of ``"outbox"``.
A request that arrives while no item is waiting is remembered, so that the
next item to arrive goes straight out: requests and items are paired one to
one, whichever comes first. ``owed`` is the number of requests not yet
answered. It uses no CPU while it waits.

Boxes: ``"inbox"`` takes items; ``"next"`` takes requests; ``"outbox"``
sends one item per request; ``"control"`` takes shutdown messages, which
leave through ``"signal"``.

Shutdown: ``producerFinished`` on ``"control"`` means no more items will
arrive: it goes on answering requests until every waiting item has been
sent (at once, if none is waiting), then sends the ``producerFinished`` out
of ``"signal"`` and ends. ``shutdownMicroprocess`` stops it at once: it
passes the message on out of ``"signal"`` and ends, and logs a warning (on
the logger of its module) saying how many items were left unsent. Other
messages on ``"control"`` are logged and ignored. ``main`` reads
``"control"`` through 1.14's ``checkShutdown()``, which returns ``(canStop,
mustStop)`` and keeps the message in ``shutdownMsg``; a subclass may
override it, and ``isRequest(message)`` (``OnDemandLimit`` takes only
``"NEXT"``).

What it does not do: it has no size limit of its own (use ``setInboxSize``
on ``"inbox"`` for back-pressure) and does not answer requests with
``None`` or any other placeholder when it is empty.
"""

from __future__ import annotations

from typing import Any, Iterator

from Axon.Component import component
from Kamaelia.Util._stream import CheckShutdown, reportUnsent

__all__ = ["PromptedTurnstile"]


class PromptedTurnstile(CheckShutdown, component):
    """PromptedTurnstile() -> sends one waiting item per request on "next\""""

    Inboxes = {"inbox": "items to hold until requested",
               "next": "requests: each lets one item through (content ignored)",
               "control": "producerFinished (finish) or shutdownMicroprocess (stop now)"}
    Outboxes = {"outbox": "one item per request", "signal": "shutdown signalling"}

    #: The inbox that requests arrive on (subclasses rename it).
    promptbox = "next"

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        self.owed = 0

    def isRequest(self, message: Any) -> bool:
        """Whether ``message`` on the request inbox asks for an item (any does)."""
        return True

    def main(self) -> Iterator[Any]:
        promptbox = self.promptbox
        while True:
            self._countRequests()
            while self.owed and self.dataReady("inbox"):
                self.send(self.recv("inbox"), "outbox")
                self.owed -= 1
            canStop, mustStop = self.checkShutdown()
            if mustStop:
                reportUnsent(self)
                self.send(self.shutdownMsg, "signal")
                return
            if canStop and not self.dataReady("inbox"):
                self.send(self.shutdownMsg, "signal")
                return
            # Waiting items alone are no reason to run: only a request or a
            # control message (or a new item, which wakes us) can change things.
            if not (self.dataReady(promptbox) or self.dataReady("control")):
                self.pause()
            yield 1

    def _countRequests(self) -> None:
        isRequest = self.isRequest
        for message in self.Inbox(self.promptbox):
            if isRequest(message):
                self.owed += 1


__kamaelia_components__ = (PromptedTurnstile,)

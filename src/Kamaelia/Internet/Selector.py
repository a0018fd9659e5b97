"""Kamaelia.Internet.Selector: the "tell me when this socket is ready" service.

Example Usage
-------------
Find (or start) the selector service, and ask it to send a listening socket
to our ``"newconnection"`` inbox when a client connects::

    import socket
    from Axon.Component import component
    from Kamaelia.Internet.Selector import Selector
    from Kamaelia.IPC import newReader, removeReader

    class Acceptor(component):
        Inboxes = {"inbox": "unused", "control": "unused",
                   "newconnection": "the listening socket, when a client is waiting"}
        Outboxes = {"outbox": "accepted sockets", "signal": "unused",
                    "_selectorSignal": "requests to the selector"}

        def __init__(self, listener):
            super().__init__()
            self.listener = listener

        def main(self):
            service, _, newSelector = Selector.getSelectorServices(self.tracker)
            if newSelector is not None:
                newSelector.activate()
            self.link((self, "_selectorSignal"), service)
            self.send(newReader(self, ((self, "newconnection"), self.listener)),
                      "_selectorSignal")
            while not self.dataReady("newconnection"):
                self.pause()
                yield 1
            connection, _ = self.recv("newconnection").accept()
            self.send(connection, "outbox")
            self.send(removeReader(self, self.listener), "_selectorSignal")

The network components of this library do not need it: they register their
sockets with the scheduler directly. It is here for code written for
Kamaelia 1.14, which talks to the selector with these messages.

How does it work?
-----------------
The selector registers itself with the coordinating assistant tracker as
the services ``"selector"`` (its ``"notify"`` inbox) and
``"selectorshutdown"`` (its ``"control"`` inbox);
:meth:`Selector.getSelectorServices` returns them, making (but not
activating) a selector if there is none yet.

It is a thin front on the scheduler's own wait, not a second event loop:
``newReader``/``newServer`` and ``newWriter`` messages become the scheduler's
``addReader``/``addWriter``. When a socket is ready, the selector sends the
socket itself to the ``(component, inbox)`` named in the request (through an
outbox it links there) and, as in 1.14, stops watching it: a component asks
again (another ``newReader``) once it has dealt with what was ready. A
``remove*`` message stops watching at once. Requests for the same socket
and kind replace each other.

``newExceptional`` requests are accepted but never fire: the scheduler waits
with :mod:`selectors`, which has no "exceptional condition" event (errors on
a socket show up as readability instead).

Shutdown
--------
On ``shutdownMicroprocess`` (or ``producerFinished``) on ``"control"`` it
stops watching everything and ends. It also ends, once it has watched at
least one socket, when the last one is removed: then nothing holds a
system that has finished with the network open. Either way it deregisters
its service names, so the next ``getSelectorServices`` makes a new one.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterator

from Axon.AdaptiveCommsComponent import AdaptiveCommsComponent
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdownMicroprocess
from Kamaelia.IPC import (newExceptional, newReader, newServer, newWriter, removeExceptional,
                          removeReader, removeWriter)

__all__ = ["Selector"]

log = logging.getLogger("Kamaelia.Internet.Selector")

_READ, _WRITE, _EXCEPTIONAL = 0, 1, 2
_KIND = {newReader: _READ, newServer: _READ, newWriter: _WRITE, newExceptional: _EXCEPTIONAL}
_REMOVE = {removeReader: _READ, removeWriter: _WRITE, removeExceptional: _EXCEPTIONAL}
_BOXBASE = ("readerNotify", "writerNotify", "exceptionalNotify")


class Selector(AdaptiveCommsComponent):
    """Selector() -> the socket readiness service (see the module docstring).

    Usually obtained with :meth:`getSelectorServices` rather than made directly.
    """

    Inboxes = {"control": "shutdownMicroprocess: stop watching everything and end",
               "notify": "newReader/newWriter/newServer/newExceptional and remove* requests"}
    Outboxes = {"outbox": "unused", "signal": "unused"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        # (kind, socket) -> the outbox linked to the component that asked
        self._watching: dict[tuple[int, Any], tuple[str, Any]] = {}
        self._watchedAny = False
        self._serviceTrackers: list[Any] = []      # where it is registered

    # ------------------------------------------------------------- services
    @staticmethod
    def setSelectorServices(selector: "Selector", tracker: Any = None) -> None:
        """Register ``selector`` as the ``"selector"`` and ``"selectorshutdown"`` services."""
        tracker = tracker or coordinatingassistanttracker.getcat()
        tracker.registerService("selector", selector, "notify")
        tracker.registerService("selectorshutdown", selector, "control")
        selector._serviceTrackers.append(tracker)

    @staticmethod
    def getSelectorServices(tracker: Any = None) -> tuple[Any, Any, "Selector | None"]:
        """``(service, shutdownService, newSelector)``: the registered services, and
        the selector made to provide them if there was none (activate it), else None."""
        tracker = tracker or coordinatingassistanttracker.getcat()
        try:
            return (tracker.retrieveService("selector"),
                    tracker.retrieveService("selectorshutdown"), None)
        except KeyError:
            selector = Selector()
            Selector.setSelectorServices(selector, tracker)
            return (selector, "notify"), (selector, "control"), selector

    # ----------------------------------------------------------------- main
    def main(self) -> Iterator[Any]:
        try:
            while True:
                while self.dataReady("notify"):
                    self._handle(self.recv("notify"))
                if self._shutdownRequested() or (self._watchedAny and not self._watching):
                    return
                self.pause()
                yield 1
        finally:
            for kind, sock in list(self._watching):
                self._forget(kind, sock)
            self._leaveServices()

    def _shutdownRequested(self) -> bool:
        while self.dataReady("control"):
            if isinstance(self.recv("control"), (shutdownMicroprocess, producerFinished)):
                return True
        return False

    def _handle(self, message: Any) -> None:
        kind = _KIND.get(type(message))
        if kind is not None:
            replyService, sock = message.object
            self._watch(kind, sock, replyService)
            return
        kind = _REMOVE.get(type(message))
        if kind is not None:
            self._forget(kind, message.object)
            return
        log.warning("%s: ignored %r on \"notify\" (not a selector request)", self.name, message)

    # ------------------------------------------------------------- watching
    def _watch(self, kind: int, sock: Any, replyService: tuple[Any, str]) -> None:
        self._forget(kind, sock)
        outbox = self.addOutbox(_BOXBASE[kind])
        self.link((self, outbox), replyService)
        self._watching[(kind, sock)] = (outbox, replyService)
        self._watchedAny = True
        if kind == _EXCEPTIONAL:
            return                       # see the module docstring
        register = self.scheduler.addReader if kind == _READ else self.scheduler.addWriter
        try:
            register(sock, self._onReady(kind, sock))
        except (ValueError, OSError) as exc:      # closed or not a socket
            log.warning("%s: cannot watch %r (%s)", self.name, sock, exc)
            self._forget(kind, sock)

    def _onReady(self, kind: int, sock: Any) -> Callable[[], None]:
        def ready() -> None:
            entry = self._watching.get((kind, sock))
            if entry is not None:
                # Sending appends straight into the asker's inbox, so the
                # outbox can go at once: one-shot, as in 1.14.
                self.send(sock, entry[0])
                self._forget(kind, sock)
        return ready

    def _forget(self, kind: int, sock: Any) -> None:
        entry = self._watching.pop((kind, sock), None)
        if entry is None:
            return
        if kind != _EXCEPTIONAL and self.scheduler is not None:
            unregister = (self.scheduler.removeReader if kind == _READ
                          else self.scheduler.removeWriter)
            try:
                unregister(sock)
            except (ValueError, OSError, KeyError):
                pass                              # already closed: nothing to remove
        self.deleteOutbox(entry[0])
        self.unpause()                            # perhaps the last one: see main

    def _leaveServices(self) -> None:
        for tracker in self._serviceTrackers:
            for name in ("selector", "selectorshutdown"):
                try:
                    if tracker.retrieveService(name)[0] is self:
                        tracker.deRegisterService(name)
                except KeyError:
                    pass
        self._serviceTrackers = []

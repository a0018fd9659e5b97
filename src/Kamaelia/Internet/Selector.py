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

As in 1.14 it is a ``threadedadaptivecommscomponent``: its thread takes the
requests from ``"notify"`` and keeps 1.14's bookkeeping. But it does not run
a second ``select()`` loop: the sockets are watched by the scheduler's own
wait (``addReader``/``addWriter``), so nothing polls. When a socket is
ready, the scheduler's callback sends the socket itself straight to the
``(component, inbox)`` named in the request (through an outbox linked
there; no thread is involved in that) and, as in 1.14, stops watching it: a
component asks again (another ``newReader``) once it has dealt with what
was ready. A ``remove*`` message stops watching. As in 1.14, a second
request for a socket already watched (for the same kind) is ignored.

1.14's methods do their 1.14 job: :meth:`Selector.handleNotify` takes the
requests from ``"notify"``, :meth:`Selector.addLinks` /
:meth:`Selector.removeLinks` add and remove a watched socket (an outbox, its
linkage, and the entry in ``meta``: one dict per kind, socket ->
``(replyService, outbox, linkage)``, with a list of the sockets). Given the
selector's own ``meta`` and lists (``self.meta``, ``self.readers``,
``self.writers``, ``self.exceptionals``) they also start or stop the
scheduler watching the socket.

``newExceptional`` requests are accepted but never fire: the scheduler waits
with :mod:`selectors`, which has no "exceptional condition" event (errors on
a socket show up as readability instead). A socket that cannot be watched
(closed, not a socket) is logged and dropped, or, with the module setting
``FAILHARD = True`` (as in 1.14), the error is raised (and reported by the
scheduler).

Cost: each request goes through the selector's thread (and the outbox and
linkage it makes through the scheduler's thread), as in 1.14; readiness
itself is sent at once. Nothing else in this library uses the Selector.

Shutdown
--------
On ``shutdownMicroprocess`` (or ``producerFinished``) on ``"control"`` it
stops watching everything and ends. On 1.14's ``Axon.Ipc.shutdown`` (what
1.14's TCPServer sent to ``"selectorshutdown"``) it leaves its service
names at once, so the next ``getSelectorServices`` makes a new selector,
and goes on serving the sockets it watches; once it watches nothing it ends
(after ``timeout`` seconds, the module setting, 5 as in 1.14, if nothing
had been watched at all). It also ends, once it has watched at least one
socket, when the last one is removed: then nothing holds a system that has
finished with the network open. Either way it deregisters its service
names, so the next ``getSelectorServices`` makes a new one.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Mapping

from Axon.Component import component
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker
from Axon.Ipc import producerFinished, shutdown, shutdownMicroprocess
from Axon.ThreadedComponent import threadedadaptivecommscomponent
from Kamaelia._logthrottle import RepeatLimiter
from Kamaelia.IPC import (newExceptional, newReader, newServer, newWriter, removeExceptional,
                          removeReader, removeWriter)

__all__ = ["Selector", "FAILHARD", "timeout"]

log = logging.getLogger("Kamaelia.Internet.Selector")
#: Requests it cannot act on are logged through this (at most a line every 10 s
#: for each kind, with a count), as one bad requester may send many.
repeats = RepeatLimiter(log)

READERS, WRITERS, EXCEPTIONALS = 0, 1, 2
#: True: a socket that cannot be watched raises (as 1.14's did with it); False: logged, dropped.
FAILHARD = False
#: Seconds a selector told to shut down (Axon.Ipc.shutdown) lingers while it watches nothing.
timeout = 5

_KIND: dict[type, int] = {newReader: READERS, newServer: READERS, newWriter: WRITERS,
                          newExceptional: EXCEPTIONALS}
_REMOVE: dict[type, int] = {removeReader: READERS, removeWriter: WRITERS,
                            removeExceptional: EXCEPTIONALS}
_BOXBASE = ("readerNotify", "writerNotify", "exceptionalNotify")


def _kindOfMessage(message: Any, table: Mapping[type, int]) -> int | None:
    kind = table.get(type(message))
    if kind is None:
        for cls, value in table.items():
            if isinstance(message, cls):
                return value
    return kind


class Selector(threadedadaptivecommscomponent):
    """Selector() -> the socket readiness service (see the module docstring).

    Usually obtained with :meth:`getSelectorServices` rather than made directly.
    """

    Inboxes = {"control": "shutdownMicroprocess: stop watching everything and end; "
                          "shutdown: leave the services, end once nothing is watched",
               "inbox": "not used",
               "notify": "newReader/newWriter/newServer/newExceptional and remove* requests",
               "_fired": "internal: a watched socket was ready (so the thread looks again)"}
    Outboxes = {"outbox": "unused", "signal": "unused"}

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        #: per kind (READERS, WRITERS, EXCEPTIONALS): socket -> (replyService, outbox, linkage)
        self.meta: list[dict[Any, tuple[Any, str, Any]]] = [{}, {}, {}]
        self.readers: list[Any] = []
        self.writers: list[Any] = []
        self.exceptionals: list[Any] = []
        self.trackedby: Any = None          # the tracker it is registered with (1.14's name)
        # meta and the lists are shared by the thread and the scheduler's
        # callbacks; the lock is never held while waiting for the other side.
        self._lock = threading.Lock()
        self._registered: set[tuple[int, Any]] = set()     # scheduler's thread only
        self._threadIdent: int | None = None
        # While the thread takes a batch of requests, the registrations they
        # make wait here and go to the scheduler together, after the batch.
        self._batch: list[tuple[Callable[..., None], tuple[Any, ...]]] | None = None
        self._watchedAny = False
        self._shuttingDown = False

    # ------------------------------------------------------------- services
    @staticmethod
    def setSelectorServices(selector: "Selector", tracker: Any = None) -> None:
        """Register ``selector`` as the ``"selector"`` and ``"selectorshutdown"`` services."""
        tracker = tracker or coordinatingassistanttracker.getcat()
        tracker.registerService("selector", selector, "notify")
        tracker.registerService("selectorshutdown", selector, "control")
        selector.trackedBy(tracker)

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

    def trackedBy(self, tracker: Any) -> None:
        """Note the tracker this selector is registered with (it leaves it when it ends)."""
        self.trackedby = tracker

    def stop(self) -> None:
        """Stop: leave the services and (as it ends) stop watching everything."""
        self._leaveServices()
        super().stop()

    # ---------------------------------------------------- the thread's main
    def main(self) -> None:  # type: ignore[override]  # a thread's blocking main
        self._threadIdent = threading.get_ident()
        try:
            while not self._isStopped():
                if self._readControl():
                    return
                for _ in self.Inbox("_fired"):
                    pass
                self.handleNotify(self.meta, self.readers, self.writers, self.exceptionals)
                if not self._watching():
                    if self._watchedAny:
                        return
                    if self._shuttingDown:
                        self.pause(timeout)     # 1.14's linger for late requests
                        if not self.anyReady() and not self._watching():
                            return
                        continue
                self.pause()
        finally:
            self._leaveServices()

    def _watching(self) -> int:
        with self._lock:
            return len(self.readers) + len(self.writers) + len(self.exceptionals)

    def _readControl(self) -> bool:
        """True to end now (shutdownMicroprocess, producerFinished); ``shutdown``
        starts 1.14's graceful shutdown."""
        while self.dataReady("control"):
            message = self.recv("control")
            if isinstance(message, (shutdownMicroprocess, producerFinished)):
                return True
            if isinstance(message, shutdown):
                self._shuttingDown = True
                self._leaveServices()
        return False

    def handleNotify(self, meta: list[dict[Any, Any]], readers: list[Any], writers: list[Any],
                     exceptionals: list[Any]) -> None:
        """Take the requests on "notify": ``new*`` add a socket to watch (see
        :meth:`addLinks`), ``remove*`` remove one (:meth:`removeLinks`);
        anything else is logged and ignored."""
        selectables = (readers, writers, exceptionals)
        inThread = threading.get_ident() == self._threadIdent
        if inThread:
            self._batch = []
        try:
            self._takeRequests(meta, selectables)
        finally:
            if inThread:
                batch, self._batch = self._batch, None
                if batch:
                    self._inScheduler(_runInOrder, batch)

    def _takeRequests(self, meta: list[dict[Any, Any]], selectables: tuple[list[Any], ...]
                      ) -> None:
        while self.dataReady("notify"):
            message = self.recv("notify")
            kind = _kindOfMessage(message, _KIND)
            if kind is not None:
                try:
                    replyService, selectable = message.object
                except (TypeError, ValueError):
                    repeats.warning("%s: ignored %r on \"notify\": its object must be "
                                    "((component, inbox), socket)", self.name, message)
                    continue
                self.addLinks(replyService, selectable, meta[kind], selectables[kind],
                              _BOXBASE[kind])
                continue
            kind = _kindOfMessage(message, _REMOVE)
            if kind is not None:
                self.removeLinks(message.object, meta[kind], selectables[kind])
                continue
            repeats.warning("%s: ignored %r on \"notify\" (not a selector request)",
                            self.name, message)

    # ------------------------------------------------------------- watching
    def _kindOf(self, meta: dict[Any, Any]) -> int | None:
        for kind, ours in enumerate(self.meta):
            if meta is ours:
                return kind
        return None

    def _inScheduler(self, function: Callable[..., None], *args: Any) -> None:
        """Run ``function(*args)`` in the scheduler's thread: now if this is
        it, else as soon as it can."""
        scheduler = self.scheduler
        if scheduler is None or threading.get_ident() != self._threadIdent:
            function(*args)
        elif self._batch is not None:
            # A newReader and then a removeReader for one socket, in one batch:
            # registering the first alone would let the scheduler report the
            # socket ready before the thread had read the second.
            self._batch.append((function, args))
        else:
            scheduler.callFromThread(function, *args)

    def addLinks(self, replyService: Any, selectable: Any, meta: dict[Any, Any],
                 selectables: list[Any], boxBase: str) -> Any:
        """Watch ``selectable``: make an outbox (named from ``boxBase``) linked to
        ``replyService``, record ``(replyService, outbox, linkage)`` in
        ``meta`` and add it to ``selectables``; returns the linkage. A socket
        already in ``meta`` keeps its entry (its linkage is returned)."""
        with self._lock:
            if selectable in meta:
                return meta[selectable][2]
        outbox = self.addOutbox(boxBase)
        linkage = self.link((self, outbox), replyService)
        with self._lock:
            meta[selectable] = (replyService, outbox, linkage)
            selectables.append(selectable)
        kind = self._kindOf(meta)
        if kind is not None:
            self._watchedAny = True
            if kind != EXCEPTIONALS:
                self._inScheduler(self._register, kind, selectable)
        return linkage

    def removeLinks(self, selectable: Any, meta: dict[Any, Any],
                    selectables: list[Any]) -> None:
        """Stop watching ``selectable``: undo its linkage, delete its outbox and
        its entry in ``meta`` and ``selectables``. Nothing happens if it is
        not there."""
        with self._lock:
            entry = meta.pop(selectable, None)
            if entry is None:
                return
            try:
                selectables.remove(selectable)
            except ValueError:
                pass
        kind = self._kindOf(meta)
        if kind is not None and kind != EXCEPTIONALS:
            self._inScheduler(self._unregister, kind, selectable)
        self._dropLinks(entry)

    def _dropLinks(self, entry: tuple[Any, str, Any]) -> None:
        _, outbox, linkage = entry
        try:
            self.unlink(thelinkage=linkage)
            self.deleteOutbox(outbox)
        except RuntimeError:
            pass            # stopped meanwhile: what is left goes with the component

    # -------------------------------------------- the scheduler's thread only
    def _register(self, kind: int, sock: Any) -> None:
        with self._lock:
            if sock not in self.meta[kind] or (kind, sock) in self._registered:
                return                            # removed meanwhile, or watched already
        register = self.scheduler.addReader if kind == READERS else self.scheduler.addWriter
        try:
            register(sock, self._onReady(kind, sock))
        except (ValueError, OSError) as exc:      # closed or not a socket
            entry = self._forget(kind, sock)
            if entry is not None:
                self._dropLinks(entry)
                self._deliver(True, "_fired")     # the thread may have to end
            if FAILHARD:
                raise
            repeats.warning("%s: cannot watch %r (%s)", self.name, sock, exc)
            return
        self._registered.add((kind, sock))

    def _unregister(self, kind: int, sock: Any) -> None:
        if (kind, sock) not in self._registered:
            return
        self._registered.discard((kind, sock))
        unregister = (self.scheduler.removeReader if kind == READERS
                      else self.scheduler.removeWriter)
        try:
            unregister(sock)
        except (ValueError, OSError, KeyError):
            pass                                  # already closed: nothing to remove

    def _onReady(self, kind: int, sock: Any) -> Callable[[], None]:
        def ready() -> None:
            entry = self._forget(kind, sock)
            if entry is not None:
                # One-shot, as in 1.14: the socket goes straight into the
                # asker's inbox (no thread in the way), then the watch ends.
                component.send(self, sock, entry[1])
                self._dropLinks(entry)
                self._deliver(True, "_fired")     # the thread may have to end
        return ready

    def _forget(self, kind: int, sock: Any) -> tuple[Any, str, Any] | None:
        """Remove ``sock``'s entry of ``kind`` and stop the scheduler watching it."""
        with self._lock:
            entry = self.meta[kind].pop(sock, None)
            if entry is not None:
                try:
                    (self.readers, self.writers, self.exceptionals)[kind].remove(sock)
                except ValueError:
                    pass
        self._unregister(kind, sock)
        return entry

    def _closeDownMicroprocess(self) -> Any:
        # However it ended, nothing may stay watched.
        for kind, sock in list(self._registered):
            self._unregister(kind, sock)
        with self._lock:
            for meta in self.meta:
                meta.clear()
            for selectables in (self.readers, self.writers, self.exceptionals):
                selectables.clear()
        self._leaveServices()
        return super()._closeDownMicroprocess()

    def _leaveServices(self) -> None:
        tracker, self.trackedby = self.trackedby, None
        if tracker is None:
            return
        for name in ("selector", "selectorshutdown"):
            try:
                if tracker.retrieveService(name)[0] is self:
                    tracker.deRegisterService(name)
            except KeyError:
                pass


def _runInOrder(calls: list[tuple[Callable[..., None], tuple[Any, ...]]]) -> None:
    for function, args in calls:
        function(*args)


__kamaelia_components__ = (Selector,)

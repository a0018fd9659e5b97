"""Threaded components: a component whose ``main`` is blocking code in a thread.

Example Usage
-------------
Write ``main`` as an ordinary method (no ``yield``); block as you like. The
component methods you call from it are thread-safe::

    import time
    from Axon.ThreadedComponent import threadedcomponent
    from Axon.Ipc import producerFinished

    class Ticker(threadedcomponent):
        def main(self):
            for i in range(3):
                time.sleep(0.1)                  # blocks this thread only
                self.send(f"tick {i}", "outbox")
            self.send(producerFinished(self), "signal")

    class Waiter(threadedcomponent):
        def main(self):
            while not self.dataReady("control"):
                self.pause(timeout=1.0)          # sleeps until a message arrives
            ...

How does it work?
-----------------
The component is scheduled like any other, but what the scheduler steps is a
small *shuttle* generator that starts the thread and carries messages across:
from the real inboxes into thread-side queues, and from a thread-side queue
into the real outboxes, in the order they were sent. The thread never touches
the real boxes, so nothing needs a lock on the scheduler's side.

Called from the thread:

* ``dataReady``, ``recv``, ``anyReady``, ``Inbox`` read the thread-side queues;
* ``send`` appends to the outgoing queue and wakes the shuttle; it raises
  ``noSpaceInBox`` if ``queuelengths`` messages are already waiting to be
  carried out (the shuttle carries them as fast as the destination accepts),
  or with ``block=True`` waits for room;
* ``pause(timeout=None)`` blocks the thread until a message arrives, the
  timeout passes, or the component is told to stop;
* ``sync()`` blocks until everything sent so far has been delivered, and
  ``waitForConsumer(boxname)`` until the receiving component has also taken
  it all;
* ``link``, ``unlink`` (and, for the adaptive variant, ``addInbox`` etc.) run
  in the scheduler's thread and return their result.

At most ``queuelengths`` messages per inbox are carried into the thread ahead
of it; the rest stay in the real inbox, so a size-limited inbox still pushes
back on its producers. A shutdown never overtakes data: when a message waits
in ``control``, everything waiting in the other inboxes is carried in first.

Ending and stopping
-------------------
When ``main`` returns, the shuttle delivers what is still queued and the
component ends like any other (its parent is woken). An exception raised in
the thread is re-raised by the shuttle in the scheduler's thread, so it is
reported with the component's name like any component failure.

When the component is stopped while its thread runs (``stop()``, the
scheduler stopping, Ctrl-C), the thread is told to stop: ``_isStopped()``
becomes true, a ``shutdownMicroprocess`` is put in its ``control`` queue, and
a ``pause()`` in progress returns. The thread is then joined for up to
``joinTimeout`` seconds (default 1); threads are daemons, so one stuck in a
blocking call cannot keep the process alive.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from threading import get_ident
from typing import Any, Callable, Iterator

from Axon.AdaptiveCommsComponent import _AdaptiveCommsable
from Axon.AxonExceptions import noSpaceInBox
from Axon.Box import noSuchBox
from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Axon.Microprocess import microprocess

__all__ = ["threadedcomponent", "threadedadaptivecommscomponent"]

log = logging.getLogger("Axon.ThreadedComponent")


class threadedcomponent(component):
    """threadedcomponent(queuelengths=1000, **argd) -> component whose main runs in a thread

    - queuelengths -- how many messages may wait in each thread-side queue
    """

    joinTimeout: float = 1.0

    def __init__(self, queuelengths: int = 1000, **argd: Any) -> None:
        if not isinstance(queuelengths, int) or queuelengths < 1:
            raise ValueError(f"queuelengths must be a positive int, not {queuelengths!r}")
        super().__init__(**argd)
        self.queuelengths = queuelengths
        self._inqueues: dict[str, deque[Any]] = {name: deque() for name in self.inboxes}
        self._outqueue: deque[tuple[str, Any]] = deque()
        self._messageArrived = threading.Event()   # thread: something to read
        self._delivered = threading.Event()        # thread: outgoing queue drained
        self._roomToSend = threading.Event()       # thread: outgoing queue shrank
        self._shuttleWakeRequested = False
        self._thread: threading.Thread | None = None
        self._threadFinished = False
        self._threadFailure: BaseException | None = None

    # ---------------------------------------------------- scheduler side
    def activate(self, Scheduler: Any = None, Tracker: Any = None,
                 mainmethod: str = "main") -> "threadedcomponent":
        """Activate; the scheduler steps the shuttle, the thread runs ``mainmethod``."""
        self._threadMainMethod = mainmethod
        microprocess.activate(self, Scheduler, Tracker, mainmethod="_shuttle")
        return self

    def _shuttle(self) -> Iterator[Any]:
        self._thread = threading.Thread(target=self._runThread, name=self.name, daemon=True)
        self._thread.start()
        while True:
            self._shuttleWakeRequested = False
            self._carryIn()
            if self._carryOut():
                self._carryIn()      # what we delivered may have been to ourselves
            if self._threadFinished and not self._outqueue:
                break
            microprocess.pause(self)
            yield 1
        self._thread.join()
        failure, self._threadFailure = self._threadFailure, None
        if failure is not None:
            raise failure

    def _carryIn(self) -> None:
        # At most queuelengths per inbox go ahead of the thread, so a slow
        # thread pushes back on its producers. But a shutdown must not
        # overtake data: when something is waiting in "control", everything
        # waiting in the other inboxes is carried in first, beyond the limit.
        control = self.inboxes.get("control")
        limit = None if control is not None and control.q else self.queuelengths
        arrived = False
        for name, box in self.inboxes.items():
            if box.q and name != "control":
                arrived |= self._carry(name, box, limit)
        if control is not None and control.q:
            arrived |= self._carry("control", control, self.queuelengths)
        if arrived:
            self._messageArrived.set()

    def _carry(self, name: str, box: Any, limit: int | None) -> bool:
        queue = self._inqueues.get(name)
        if queue is None:
            queue = self._inqueues[name] = deque()
        before = len(queue)
        while box.q and (limit is None or len(queue) < limit):
            queue.append(box.q.popleft())
        return len(queue) != before

    def _carryOut(self) -> bool:
        """Deliver what the thread sent, in order; True if anything was delivered."""
        outqueue = self._outqueue
        delivered = False
        while outqueue:
            boxname, message = outqueue[0]
            try:
                component.send(self, message, boxname)
            except noSpaceInBox:
                break        # the consumer wakes us when it takes a message
            except KeyError as exc:
                outqueue.popleft()
                log.error("%s: dropped a message sent to %s", self.name, exc)
                continue
            outqueue.popleft()
            delivered = True
        if delivered:
            self._roomToSend.set()
        if not outqueue:
            self._delivered.set()
        return delivered

    def _wakeShuttle(self) -> None:
        if not self._shuttleWakeRequested:
            self._shuttleWakeRequested = True
            self.unpause()

    def _runThread(self) -> None:
        try:
            result = getattr(self, self._threadMainMethod)()
            if hasattr(result, "__next__"):      # a generator main: run it to its end
                for _ in result:
                    pass
        except BaseException as exc:             # surfaces in the scheduler's thread
            self._threadFailure = exc
        finally:
            self._threadFinished = True
            self.unpause()

    def stop(self) -> None:
        """Stop the component and tell its thread to stop."""
        if self._runstate.stopped:
            return
        super().stop()
        if self._thread is not None and self._thread.is_alive():
            control = self._inqueues.get("control")
            if control is not None:
                control.append(shutdownMicroprocess(self))
            self._messageArrived.set()
            self._delivered.set()
            self._roomToSend.set()

    def _closeDownMicroprocess(self) -> Any:
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(self.joinTimeout)
            if thread.is_alive():
                log.warning("%s: thread still running %.1fs after being told to stop; "
                            "left behind as a daemon", self.name, self.joinTimeout)
        return super()._closeDownMicroprocess()

    def _inSchedulerThread(self, function: Callable[..., Any], *args: Any, **argd: Any) -> Any:
        """Run ``function`` in the scheduler's thread and return its result."""
        scheduler = self.scheduler
        if scheduler is None or scheduler._loopThread in (None, get_ident()):
            return function(*args, **argd)
        done = threading.Event()
        outcome: list[Any] = []

        def call() -> None:
            try:
                outcome.append((True, function(*args, **argd)))
            except BaseException as exc:
                outcome.append((False, exc))
            finally:
                done.set()

        scheduler.callFromThread(call)
        done.wait()
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    # -------------------------------------------------------- thread side
    def main(self) -> Any:
        """Override with the blocking code to run in the thread."""
        return None

    def dataReady(self, boxname: str = "inbox") -> int:
        """Number of messages waiting for the thread in inbox ``boxname``."""
        try:
            return len(self._inqueues[boxname])
        except KeyError:
            raise noSuchBox(self, boxname, True) from None

    def anyReady(self) -> bool:
        """True if any inbox has a message waiting for the thread."""
        return any(self._inqueues.values())

    def recv(self, boxname: str = "inbox") -> Any:
        """Take the oldest message waiting for the thread (IndexError if none)."""
        try:
            queue = self._inqueues[boxname]
        except KeyError:
            raise noSuchBox(self, boxname, True) from None
        try:
            message = queue.popleft()
        except IndexError:
            raise IndexError(f"{self.name}: inbox {boxname!r} is empty") from None
        if len(queue) == self.queuelengths - 1 or not queue:
            self._wakeShuttle()         # there may be more in the real inbox
        return message

    def Inbox(self, boxname: str = "inbox") -> Iterator[Any]:
        """Iterate over (and take) the messages waiting for the thread."""
        while self.dataReady(boxname):
            yield self.recv(boxname)

    def send(self, message: Any, boxname: str = "outbox", block: bool = False,
             timeout: float | None = None) -> None:
        """Send from the thread.

        If ``queuelengths`` messages are already waiting to be delivered, this
        raises ``noSpaceInBox`` at once; with ``block=True`` it waits for room
        instead (for at most ``timeout`` seconds, then raises).
        """
        if boxname not in self.outboxes:
            raise noSuchBox(self, boxname, False)
        if len(self._outqueue) >= self.queuelengths and not (
                block and self._waitForRoom(timeout)):
            raise noSpaceInBox(f"{self.name}: {self.queuelengths} messages are already "
                               f"waiting to leave through outbox {boxname!r}",
                               len(self._outqueue), self.queuelengths)
        self._delivered.clear()
        self._outqueue.append((boxname, message))
        self._wakeShuttle()

    def _waitForRoom(self, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while len(self._outqueue) >= self.queuelengths:
            if self._runstate.stopped:
                return False
            self._roomToSend.clear()
            if len(self._outqueue) < self.queuelengths:
                break
            self._wakeShuttle()
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            self._roomToSend.wait(remaining)
        return True

    def pause(self, timeout: float | None = None) -> None:  # type: ignore[override]
        """Block the thread until a message arrives, ``timeout`` passes, or a stop."""
        if self._thread is None or threading.current_thread() is not self._thread:
            return microprocess.pause(self, timeout)
        self._messageArrived.clear()
        if self.anyReady() or self._runstate.stopped:
            return
        self._wakeShuttle()           # let it carry in anything already waiting
        self._messageArrived.wait(timeout)

    def sync(self) -> None:
        """Block until every message sent so far has been delivered."""
        while self._outqueue and not self._runstate.stopped:
            self._delivered.clear()
            if not self._outqueue:
                break
            self._wakeShuttle()
            self._delivered.wait()

    def waitForConsumer(self, boxname: str = "outbox") -> None:
        """Block until the component fed by ``boxname`` has taken every message.

        Delivery (:meth:`sync`) puts messages in the next component's inbox;
        this also waits until that component has read them all, e.g. before
        sending it a shutdown message it might act on first. Returns early if
        this component is told to stop.
        """
        sink = self.outboxes[boxname].sink if boxname in self.outboxes else None
        if sink is None:
            raise noSuchBox(self, boxname, False)
        taken = threading.Event()

        def drainedOrWatch() -> bool:
            current = self.outboxes[boxname].sink
            if not current.q:
                return True
            current.notifyOnTake(taken.set)
            return False

        while not self._runstate.stopped:
            self.sync()
            taken.clear()
            if self._inSchedulerThread(drainedOrWatch):
                return
            taken.wait()

    def link(self, *args: Any, **argd: Any) -> Any:
        """Thread-safe :meth:`component.link`."""
        return self._inSchedulerThread(component.link, self, *args, **argd)

    def unlink(self, *args: Any, **argd: Any) -> Any:
        """Thread-safe :meth:`component.unlink`."""
        return self._inSchedulerThread(component.unlink, self, *args, **argd)


class threadedadaptivecommscomponent(_AdaptiveCommsable, threadedcomponent):
    """threadedadaptivecommscomponent(queuelengths=1000, **argd)

    A threaded component that can add and remove boxes at run time; the box
    methods are safe to call from its thread.
    """

    def __init__(self, *args: Any, **argd: Any) -> None:
        super().__init__(*args, **argd)
        self._initAdaptiveComms()

    def addInbox(self, name: str = "inbox") -> str:
        def add() -> str:
            actual = _AdaptiveCommsable.addInbox(self, name)
            self._inqueues[actual] = deque()
            return actual
        return self._inSchedulerThread(add)

    def addOutbox(self, name: str = "outbox") -> str:
        return self._inSchedulerThread(_AdaptiveCommsable.addOutbox, self, name)

    def deleteInbox(self, name: str) -> None:
        def delete() -> None:
            _AdaptiveCommsable.deleteInbox(self, name)
            self._inqueues.pop(name, None)
        self._inSchedulerThread(delete)

    def deleteOutbox(self, name: str) -> None:
        self._inSchedulerThread(_AdaptiveCommsable.deleteOutbox, self, name)

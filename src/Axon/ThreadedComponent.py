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
  in the scheduler's thread and return their result (``_do_threadsafe``);
  what the thread sent before asking is carried out first, so a message
  sent just before ``deleteOutbox`` is not lost.

The parts keep 1.14's names, so a subclass that overrides one still works:
``_localmain`` is the generator the scheduler steps (the shuttle),
``_threadmain`` runs ``main`` in the thread, ``forwardInboxToThread(box)``
carries one inbox's messages into the thread's queue, and
``_handlemessagefromthread((cmd, argL, argD))`` runs a request made by
``_do_threadsafe`` (it returns the result; 1.14 put it in a queue).

An old-style threaded component may define ``initialiseComponent``,
``mainBody`` (called until it returns a false value) and
``closeDownComponent`` instead of ``main``, all run in the thread.

At most ``queuelengths`` messages per inbox are carried into the thread ahead
of it (``queuelengths`` 0 or less means no limit, as ``queue.Queue`` took it
in 1.14); the rest stay in the real inbox, so a size-limited inbox still pushes
back on its producers. A shutdown never overtakes data: when a message waits
in ``control``, everything waiting in the other inboxes is carried in first.

Ending and stopping
-------------------
When ``main`` returns, the shuttle delivers what is still queued and the
component ends like any other (its parent is woken). An exception raised in
the thread is re-raised by the shuttle in the scheduler's thread, so it is
reported with the component's name like any component failure.

An exception raised in the thread travels to the scheduler's thread inside
an :class:`UnHandledException` (holding ``sys.exc_info()``) and is re-raised
there as the original exception.

When the component is stopped while its thread runs (``stop()``, the
scheduler stopping, Ctrl-C), the thread is told to stop: ``_isStopped()``
becomes true, a ``shutdownMicroprocess`` is put in its ``control`` queue, and
a ``pause()`` in progress returns. The thread is then joined for up to
``joinTimeout`` seconds (default 1); threads are daemons, so one stuck in a
blocking call cannot keep the process alive.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections import deque
from queue import Empty, SimpleQueue
from threading import get_ident
from typing import Any, Callable, Iterator, Self

from Axon.AdaptiveCommsComponent import _AdaptiveCommsable
from Axon.AxonExceptions import noSpaceInBox
from Axon.Box import noSuchBox
from Axon.Component import component
from Axon.Ipc import shutdownMicroprocess
from Axon.Microprocess import microprocess

__all__ = ["threadedcomponent", "threadedadaptivecommscomponent", "UnHandledException",
           "DefaultQueueSize"]

log = logging.getLogger("Axon.ThreadedComponent")

#: The default ``queuelengths`` (as in 1.14).
DefaultQueueSize = 1000


class UnHandledException(Exception):
    """UnHandledException(exc_info) -> carries an exception raised in a
    component's thread to the scheduler's thread, where the original
    exception (``args[0][1]``, with its traceback ``args[0][2]``) is re-raised."""


class _Flag:
    """A flag one thread waits on and others set: ``threading.Event``'s
    ``set``/``clear``/``wait``, safe against Ctrl-C in the setting thread.

    The scheduler's thread sets these flags many times a second.
    ``Event.set()`` takes a ``Condition``'s lock in Python code; a
    ``KeyboardInterrupt`` delivered between taking and releasing it leaves
    the lock held for ever, and the shutdown that follows the interrupt then
    hangs on the same flag (about one interrupted run in fifty did). Here
    ``set()`` is a ``SimpleQueue.put``, a single C call that cannot be split
    by a signal handler, and holds no lock afterwards.
    """

    __slots__ = ("_tokens",)

    def __init__(self) -> None:
        self._tokens: SimpleQueue[None] = SimpleQueue()

    def set(self) -> None:
        if self._tokens.empty():        # one token is enough; keeps the queue short
            self._tokens.put(None)

    def is_set(self) -> bool:
        return not self._tokens.empty()

    def clear(self) -> None:
        try:
            while True:
                self._tokens.get_nowait()
        except Empty:
            pass

    def wait(self, timeout: float | None = None) -> bool:
        """Block until set (or ``timeout`` seconds); True if it is set. Stays set."""
        try:
            self._tokens.get(timeout=timeout)
        except Empty:
            return False
        self._tokens.put(None)          # put back: a set flag stays set until cleared
        return True


class threadedcomponent(component):
    """threadedcomponent(queuelengths=DefaultQueueSize, **argd) -> component whose main runs in a thread

    - queuelengths -- how many messages may wait in each thread-side queue
      (0 or less: no limit)
    """

    joinTimeout: float = 1.0

    def __init__(self, queuelengths: int = DefaultQueueSize, **argd: Any) -> None:
        if not isinstance(queuelengths, int) or isinstance(queuelengths, bool):
            raise ValueError(f"queuelengths must be an int, not {queuelengths!r}")
        super().__init__(**argd)
        self.queuelengths = queuelengths
        self._queueLimit = queuelengths if queuelengths > 0 else sys.maxsize
        self._carryAll = False          # set while data must go in ahead of control
        self._inqueues: dict[str, deque[Any]] = {name: deque() for name in self.inboxes}
        self._outqueue: deque[tuple[str, Any]] = deque()
        self._messageArrived = _Flag()   # thread: something to read
        self._delivered = _Flag()        # thread: outgoing queue drained
        self._roomToSend = _Flag()       # thread: outgoing queue shrank
        self._shuttleWakeRequested = False
        self._thread: threading.Thread | None = None
        self._threadFinished = False
        self._threadFailure: UnHandledException | None = None
        self._pendingRequests: set[_Flag] = set()   # _do_threadsafe waiters

    # ---------------------------------------------------- scheduler side
    def activate(self, Scheduler: Any = None, Tracker: Any = None,
                 mainmethod: str = "main") -> Self:
        """Activate; the scheduler steps the shuttle, the thread runs ``mainmethod``."""
        self._threadMainMethod = mainmethod
        microprocess.activate(self, Scheduler, Tracker, mainmethod="_localmain")
        return self

    def _localmain(self) -> Iterator[Any]:
        """The generator the scheduler steps (the shuttle): starts the thread,
        then carries messages in and out until the thread has finished and
        everything it sent has been delivered."""
        self._thread = threading.Thread(target=self._threadmain, name=self.name, daemon=True)
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
            _type, exception, traceback = failure.args[0]
            raise exception.with_traceback(traceback)

    def _carryIn(self) -> None:
        # At most queuelengths per inbox go ahead of the thread, so a slow
        # thread pushes back on its producers. But a shutdown must not
        # overtake data: when something is waiting in "control", everything
        # waiting in the other inboxes is carried in first, beyond the limit.
        control = self.inboxes.get("control")
        self._carryAll = control is not None and bool(control.q)
        try:
            for name, box in self.inboxes.items():
                if box.q and name != "control":
                    self.forwardInboxToThread(name)
        finally:
            self._carryAll = False
        if control is not None and control.q:
            self.forwardInboxToThread("control")

    def forwardInboxToThread(self, box: str) -> None:
        """Carry the messages waiting in inbox ``box`` into the thread's queue
        for it (at most ``queuelengths`` waiting there), and wake the thread."""
        limit = None if self._carryAll and box != "control" else self._queueLimit
        if self._carry(box, self.inboxes[box], limit):
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

    def _threadmain(self) -> None:
        """Runs in the thread: calls ``main`` (or the ``mainmethod`` given to
        ``activate``); an exception it raises is handed to the scheduler's
        thread in an :class:`UnHandledException`."""
        try:
            result = getattr(self, self._threadMainMethod)()
            if hasattr(result, "__next__"):      # a generator main: run it to its end
                for _ in result:
                    pass
        except BaseException:                    # surfaces in the scheduler's thread
            self._threadFailure = UnHandledException(sys.exc_info())
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
        for waiting in list(self._pendingRequests):
            waiting.set()       # a thread waiting on _do_threadsafe gives up

    def _closeDownMicroprocess(self) -> Any:
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(self.joinTimeout)
            if thread.is_alive():
                log.warning("%s: thread still running %.1fs after being told to stop; "
                            "left behind as a daemon", self.name, self.joinTimeout)
        return super()._closeDownMicroprocess()

    def _do_threadsafe(self, cmd: Callable[..., Any], argL: Any, argD: dict[str, Any]) -> Any:
        """Run ``cmd(*argL, **argD)`` in the scheduler's thread and return its result.

        Called from any other thread, it waits while the scheduler's thread
        first delivers what this component's thread has sent so far, then
        runs the request through :meth:`_handlemessagefromthread`. An
        exception the call raises is raised here.
        """
        scheduler = self.scheduler
        if scheduler is None or scheduler._loopThread in (None, get_ident()):
            return cmd(*argL, **argD)
        done = _Flag()
        outcome: list[Any] = []
        request = (cmd, argL, argD)

        def call() -> None:
            try:
                if not self._runstate.stopped and self._thread is not None:
                    self._carryOut()
                outcome.append((True, self._handlemessagefromthread(request)))
            except BaseException as exc:
                outcome.append((False, exc))
            finally:
                done.set()

        self._pendingRequests.add(done)
        try:
            if self._runstate.stopped:
                raise RuntimeError(f"{self.name} has been stopped: {cmd!r} was not run")
            scheduler.callFromThread(call)
            done.wait()         # set by the call, or by stop() (the call may never run)
        finally:
            self._pendingRequests.discard(done)
        if not outcome:
            raise RuntimeError(f"{self.name} was stopped before {cmd!r} could run")
        ok, value = outcome[0]
        if not ok:
            raise value
        return value

    def _handlemessagefromthread(self, msg: tuple[Callable[..., Any], Any, dict[str, Any]]) -> Any:
        """Run the request ``msg = (cmd, argL, argD)`` and return what it returns.

        Called in the scheduler's thread for :meth:`_do_threadsafe`. (1.14's
        put the result in a queue for the thread; here the caller hands it
        back.)
        """
        cmd, argL, argD = msg
        return cmd(*argL, **argD)

    # -------------------------------------------------------- thread side
    def main(self) -> Any:
        """Override with the blocking code to run in the thread.

        The default runs the old-style hooks in the thread:
        ``initialiseComponent()``, ``mainBody()`` until it returns a false
        value, then ``closeDownComponent()``.
        """
        self.initialiseComponent()
        while self.mainBody():
            pass
        self.closeDownComponent()

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
        if len(queue) == self._queueLimit - 1 or not queue:
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
        if len(self._outqueue) >= self._queueLimit and not (
                block and self._waitForRoom(timeout)):
            raise noSpaceInBox(f"{self.name}: {self.queuelengths} messages are already "
                               f"waiting to leave through outbox {boxname!r}",
                               len(self._outqueue), self.queuelengths)
        self._delivered.clear()
        self._outqueue.append((boxname, message))
        self._wakeShuttle()

    def _waitForRoom(self, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while len(self._outqueue) >= self._queueLimit:
            if self._runstate.stopped:
                return False
            self._roomToSend.clear()
            if len(self._outqueue) < self._queueLimit:
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
        taken = _Flag()

        def drainedOrWatch() -> bool:
            current = self.outboxes[boxname].sink
            if not current.q:
                return True
            current.notifyOnTake(taken.set)
            return False

        while not self._runstate.stopped:
            self.sync()
            taken.clear()
            if self._do_threadsafe(drainedOrWatch, (), {}):
                return
            taken.wait()

    def link(self, source: tuple[Any, str], sink: tuple[Any, str], passthrough: int = 0,
             *optionalargs: Any, **kwoptionalargs: Any) -> Any:
        """Thread-safe :meth:`component.link`."""
        return self._do_threadsafe(component.link, (self, source, sink, passthrough,
                                                    *optionalargs), kwoptionalargs)

    def unlink(self, thecomponent: Any = None, thelinkage: Any = None) -> Any:
        """Thread-safe :meth:`component.unlink`."""
        return self._do_threadsafe(component.unlink, (self, thecomponent, thelinkage), {})


class threadedadaptivecommscomponent(_AdaptiveCommsable, threadedcomponent):
    """threadedadaptivecommscomponent(queuelengths=DefaultQueueSize, **argd)

    A threaded component that can add and remove boxes at run time; the box
    methods are safe to call from its thread (each runs its ``_unsafe_``
    counterpart in the scheduler's thread).
    """

    def __init__(self, *argL: Any, **argD: Any) -> None:
        super().__init__(*argL, **argD)
        self._initAdaptiveComms()

    def addInbox(self, *args: Any) -> str:
        """Add an inbox named after ``args[0]`` (default ``"inbox"``); return its actual name."""
        return self._do_threadsafe(self._unsafe_addInbox, args, {})

    def addOutbox(self, *args: Any) -> str:
        """Add an outbox named after ``args[0]`` (default ``"outbox"``); return its actual name."""
        return self._do_threadsafe(self._unsafe_addOutbox, args, {})

    def deleteInbox(self, name: str) -> None:
        """Remove inbox ``name`` and the linkages this component made to it."""
        self._do_threadsafe(self._unsafe_deleteInbox, [name], {})

    def deleteOutbox(self, name: str) -> None:
        """Remove outbox ``name`` and the linkages this component made from it."""
        self._do_threadsafe(self._unsafe_deleteOutbox, [name], {})

    def _unsafe_addInbox(self, *args: Any) -> str:
        """Add an inbox and the thread's queue for it (scheduler's thread only)."""
        actual = _AdaptiveCommsable.addInbox(self, *args)
        self._inqueues[actual] = deque()
        return actual

    def _unsafe_addOutbox(self, *args: Any) -> str:
        """Add an outbox (scheduler's thread only)."""
        return _AdaptiveCommsable.addOutbox(self, *args)

    def _unsafe_deleteInbox(self, name: str) -> None:
        """Remove an inbox and the thread's queue for it (scheduler's thread only)."""
        _AdaptiveCommsable.deleteInbox(self, name)
        self._inqueues.pop(name, None)

    def _unsafe_deleteOutbox(self, name: str) -> None:
        """Remove an outbox (scheduler's thread only)."""
        _AdaptiveCommsable.deleteOutbox(self, name)

"""The scheduler: steps runnable microprocesses, sleeps when none are.

Example Usage
-------------
There is one default scheduler, ``scheduler.run``. Activating a component
hands it to that scheduler; ``runThreads()`` runs until nothing is left::

    from Axon.Scheduler import scheduler
    from Axon.Component import component

    class Hello(component):
        def main(self):
            print("hello")
            yield 1

    Hello().activate()
    scheduler.run.runThreads()

``component.run()`` is shorthand for the last two lines.

How does it work?
-----------------
The scheduler keeps a *run queue* holding only the runnable microprocesses.
Each round it steps every microprocess in the queue once; those that did not
pause go into the next round's queue. A paused microprocess is in no queue at
all, so thousands of idle components cost nothing per round. Waking one
(a message arriving in its inbox, ``unpause()``, a timer) puts it back.

When the run queue is empty the scheduler *blocks* in a ``selectors`` wait
until one of these happens:

* a file descriptor registered with :meth:`addReader` / :meth:`addWriter`
  becomes ready (the network layer registers its sockets here);
* the earliest timer set with :meth:`callLater` / ``pause(timeout)`` is due;
* another thread wakes a microprocess (``unpause()``, a threaded component
  sending a message), or calls :meth:`callFromThread`.

There is no polling loop and no ``sleep``: an idle system uses no CPU.

When several files are ready at once, each one's callback is run to its
end, as in an event loop: the microprocesses it woke (and those they wake,
for a few rounds) run before the next file's callback, provided nothing
else was waiting to run. A server thus answers each request as it reads
it, instead of reading every ready socket first and answering them all
afterwards; that keeps its clients busy (about 40% more round trips in
the echo benchmark). While busy, the scheduler also looks at its files at
most once a millisecond between rounds.

Everything that changes scheduling state from another thread goes through a
thread-safe queue of callbacks drained by the scheduler's own thread, so the
hot path (``send`` waking a paused receiver) needs no locks.

Failures
--------
An exception escaping a microprocess's ``main`` is logged (logger
``Axon.Scheduler``) with the microprocess's name and traceback; the
microprocess is then closed down exactly as if it had finished, so its parent
is woken, and the rest of the system keeps running. Set
``scheduler.reraiseExceptions = True`` (tests do) to have the exception
propagate out of ``runThreads()`` instead, after the close-down. Exceptions
whose class has a true ``axonReraise`` attribute always propagate: they are
meant to end the whole run (``Kamaelia.Util.TestResult.StopSystemException``).
The same policy covers exceptions from timer, I/O and cross-thread callbacks.

The traceback logged (and carried by the exception) starts in the code that
failed: the scheduler cuts its own frame off the front, because that frame
refers to everything that ran in the same round. So a log handler that keeps
records (``logging.handlers.MemoryHandler``, a test's log capture) keeps the
failed microprocess's frames, as it must, but not the rest of the system.

Other objects
-------------
The scheduler runs any object that speaks Kamaelia 1.14's microprocess
protocol, not only our own microprocesses: hand it to ``_addThread(obj)``
(or ``wakeThread(obj, canActivate=True)``). Each turn it calls
``obj.__next__()`` (or ``obj.next()``); what it yields is an instruction as
usual; ``StopIteration`` (or the ``RuntimeError`` a Python 3 generator turns
it into, which is how 1.14's microprocesses ended) means it has finished.
It is then closed down as 1.14 did: ``obj.stop()``, then
``obj._closeDownMicroprocess()``, whose result goes to
``handleMicroprocessShutdownKnockon`` (either method may be missing). Such
an object pauses with ``scheduler.pauseThread(obj)`` and is woken with
``wakeThread(obj)``. Internally it is driven through a small stand-in
microprocess; ``listAllThreads()`` lists the object itself.

Hangs and Ctrl-C
----------------
``KeyboardInterrupt`` during ``runThreads()`` first prints the hang report
of :mod:`Axon.diagnostics` to standard error (what is still alive and what
each component waits for), then stops every microprocess (threaded
components are told to stop and are joined) and is re-raised, so
``try: ... except KeyboardInterrupt:`` around ``run()`` still catches it.
If nothing catches it, the program ends as Python ends on Ctrl-C (killed by
``SIGINT``; a shell shows status 130) but without the traceback, which
points into the scheduler and says nothing about the hang:
``KAMAELIA_TRACEBACK=1`` brings it back. (A ``sys.excepthook`` wrapping the
previous one does this, for that one interrupt only.)

While ``runThreads()`` runs in the main thread, ``SIGUSR1`` prints the same
report and the system carries on, unless the program has its own handler
for ``SIGUSR1``; the previous handler is put back when it returns.

When the scheduler is about to wait with nothing that could ever wake it
(nothing runnable, no timer, no watched file, no other thread, no signal
handler of the program's own), it prints a one-line hint once, or the whole
report if ``KAMAELIA_DIAGNOSE=1``. It keeps waiting: the decision is
conservative, but a program may wait for something the scheduler cannot see.

For the report, the scheduler notes which inboxes each component that ends
was sending to (:meth:`scheduler._noteEnding`); nothing is added to the
message path.

Statistics
----------
``scheduler.run.statistics`` counts each component's runs, the time they
take and the messages its inboxes carry, once enabled
(``scheduler.run.statistics.enable()``); see :mod:`Axon.Statistics`. While
they are off the loop runs exactly as described above.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import os
import selectors
import signal
import sys
import threading
import time
import weakref
from collections import deque
from selectors import EVENT_READ as _EVENT_READ, EVENT_WRITE as _EVENT_WRITE
from threading import get_ident
from typing import Any, Callable, Generator

from Axon import diagnostics as _diagnostics
from Axon import Statistics as _statistics
from Axon.Ipc import reactivate, shutdownMicroprocess
from Axon.Microprocess import RunState, microprocess, _INSTRUCTIONS

__all__ = ["scheduler", "TimerHandle"]

log = logging.getLogger("Axon.Scheduler")

_monotonic = time.monotonic


class TimerHandle:
    """What :meth:`scheduler.callLater` returns; ``cancel()`` it to drop the call."""

    __slots__ = ("when", "callback", "args", "cancelled", "_scheduler")

    def __init__(self, when: float, callback: Callable[..., Any], args: tuple[Any, ...],
                 scheduler: "scheduler | None" = None):
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False
        self._scheduler = scheduler

    def cancel(self) -> None:
        """Prevent the call from happening (cancelling twice is harmless)."""
        if self.cancelled:
            return
        self.cancelled = True
        self.callback = None   # type: ignore[assignment]   # free what it refers to
        self.args = ()
        if self._scheduler is not None:
            self._scheduler._cancelledTimers += 1
            self._scheduler = None

    def __repr__(self) -> str:
        state = "cancelled" if self.cancelled else f"due at {self.when:.6f}"
        return f"<TimerHandle {state}>"


class scheduler(microprocess):
    """scheduler(**argd) -> new scheduler, which becomes ``scheduler.run``

    The most recently made scheduler is the default one used by
    ``activate()``.
    """

    #: The default scheduler.
    run: "scheduler" = None  # type: ignore[assignment]
    #: Re-raise exceptions escaping microprocesses instead of logging them.
    reraiseExceptions: bool = False
    #: 1.14's switch: schedulers made while it is true wait (do not end)
    #: until a first microprocess has been added, as after ``waitForOne()``.
    wait_for_one: bool = False
    _immortal: bool = False
    # Class-level defaults, set on the instance only when they change: the
    # scheduler's own attributes stay few, which keeps Python's fast
    # attribute access for the ones the hot path reads.
    _stuckNoted = False                   # the "nothing can run again" hint was printed
    _reportHandler: Callable[..., Any] | None = None    # our SIGUSR1 handler, while set
    # Set while runAsync() drives this scheduler from an asyncio loop. (Class
    # defaults too: with them on every instance, enabling statistics, which
    # adds an instance attribute, pushed the scheduler's attributes out of
    # Python's compact shared-key storage, slowing every access to them.)
    _asyncLoop: asyncio.AbstractEventLoop | None = None
    _idleFuture: asyncio.Future[None] | None = None

    def __init__(self, **argd: Any) -> None:
        super().__init__(**argd)
        scheduler.run = self
        self._waitingForOne = bool(self.wait_for_one)
        # Objects of other classes being run (see "Other objects"): object -> stand-in.
        self._foreignThings: dict[Any, _Foreign] = {}
        self._runqueue: list[RunState] = []     # states of runnable microprocesses
        self._threads: dict[microprocess, None] = {}
        self._foreign: deque[Callable[[], Any]] = deque()   # callbacks from other threads
        self._timers: list[tuple[float, int, TimerHandle]] = []
        self._timerSeq = itertools.count()
        self._cancelledTimers = 0         # cancelled entries still in _timers
        self._selector: selectors.BaseSelector | None = None
        self._watched = 0                 # file objects registered by users
        self._wakePipe: tuple[int, int] | None = None
        self._blocking = False            # True while waiting in select()
        self._loopThread: int | None = None
        self._lastPoll = 0.0
        self.time = _monotonic()
        self._asyncTasks: set[asyncio.Task[Any]] = set()   # async components' tasks
        # For the hang report (Axon.diagnostics): inbox -> who fed it and ended.
        self._endedFeeders: weakref.WeakKeyDictionary[Any, deque[tuple[Any, ...]]] = \
            weakref.WeakKeyDictionary()

    # ------------------------------------------------------------ threads
    def _addThread(self, mprocess: microprocess) -> None:
        """Start scheduling a microprocess (or any object with 1.14's protocol)."""
        self._waitingForOne = False
        try:
            state = mprocess._runstate
        except AttributeError:
            self._adoptForeign(mprocess)
            return
        if state.step is None:   # not activated: activate onto this scheduler
            mprocess.activate(Scheduler=self)
            return
        if state.stopped:
            return               # it has ended (a late reactivate): nothing to run
        self._threads[mprocess] = None
        self.wakeThread(mprocess, canActivate=True)

    def wakeThread(self, mprocess: microprocess, canActivate: bool = False) -> None:
        """Make ``mprocess`` runnable. Safe to call from any thread.

        A microprocess this scheduler does not know is only woken if
        ``canActivate`` is true (an object of another class is then added, as
        by ``_addThread``). Waking a stopped microprocess does nothing.
        """
        if mprocess not in self._threads:
            standIn = self._standInFor(mprocess)
            if standIn is not None:
                mprocess = standIn
            elif not canActivate:
                return
            elif not hasattr(mprocess, "_runstate"):
                self._adoptForeign(mprocess)
                return
        if self._loopThread is None or self._loopThread == get_ident():
            mprocess._runstate.wake()
        else:
            self._foreign.append(mprocess._runstate.wake)
            if self._blocking:
                self._interruptWait()

    def pauseThread(self, mprocess: microprocess) -> None:
        """Stop scheduling ``mprocess`` until it is woken."""
        if mprocess not in self._threads:
            mprocess = self._standInFor(mprocess)  # type: ignore[assignment]
            if mprocess is None:
                return
        if not mprocess._runstate.stopped:
            mprocess._runstate.paused = True

    def isThreadPaused(self, mprocess: microprocess) -> bool:
        """True if ``mprocess`` is known to this scheduler and paused."""
        if mprocess not in self._threads:
            mprocess = self._standInFor(mprocess)  # type: ignore[assignment]
            if mprocess is None:
                return False
        return mprocess._runstate.paused

    @property
    def statistics(self) -> "_statistics.SchedulerStatistics":
        """Run counts, times and message counts, off until enabled: see :mod:`Axon.Statistics`."""
        return _statistics.SchedulerStatistics.of(self)

    @property
    def threads(self) -> dict[Any, object]:
        """1.14's view of the scheduler: each microprocess -> ``_ACTIVE`` or ``_SLEEPING``.

        A snapshot, for inspection; changing it changes nothing.
        """
        return {_shown(mp): (_SLEEPING if mp._runstate.paused else _ACTIVE)
                for mp in self._threads}

    def listAllThreads(self) -> list[Any]:
        """Every microprocess activated on this scheduler that has not ended."""
        return [_shown(mp) for mp in self._threads]

    # ------------------------------------------------------ other objects
    def _standInFor(self, thing: Any) -> "_Foreign | None":
        if not self._foreignThings:
            return None
        try:
            return self._foreignThings.get(thing)
        except TypeError:       # unhashable: never adopted
            return None

    def _adoptForeign(self, thing: Any) -> None:
        """Start running ``thing``, an object with 1.14's microprocess protocol."""
        standIn = self._standInFor(thing)
        if standIn is not None:
            self.wakeThread(standIn)
            return
        step = getattr(thing, "__next__", None) or getattr(thing, "next", None)
        if not callable(step):
            raise TypeError(f"the scheduler cannot run {thing!r}: it is not a microprocess "
                            "and has neither a __next__ nor a next method")
        standIn = _Foreign(thing, step)
        standIn.scheduler = standIn._runstate.scheduler = self
        standIn.tracker = microprocess.trackerClass.getcat()
        self._foreignThings[thing] = standIn
        self._threads[standIn] = None
        self.wakeThread(standIn, canActivate=True)

    def _stopRequested(self, mprocess: microprocess) -> None:
        # Called by microprocess.stop(): close it down at the end of this round.
        if mprocess in self._threads:
            self._foreign.append(lambda: self._retire(mprocess))
            if self._blocking:
                self._interruptWait()

    def callFromThread(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run ``callback(*args)`` soon, in the scheduler's thread. Thread-safe."""
        self._foreign.append(lambda: callback(*args))
        if self._blocking:
            self._interruptWait()

    # ------------------------------------------------------------- timers
    def callLater(self, delay: float, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        """Call ``callback(*args)`` in the scheduler's thread after ``delay`` seconds."""
        return self.callAt(_monotonic() + delay, callback, *args)

    def callAt(self, when: float, callback: Callable[..., Any], *args: Any) -> TimerHandle:
        """Call ``callback(*args)`` once ``time.monotonic()`` reaches ``when``."""
        handle = TimerHandle(when, callback, args, self)
        entry = (when, next(self._timerSeq), handle)
        if self._loopThread is None or self._loopThread == get_ident():
            heapq.heappush(self._timers, entry)
        else:
            self.callFromThread(heapq.heappush, self._timers, entry)
        return handle

    def _runDueTimers(self, now: float) -> None:
        timers = self._timers
        while timers and timers[0][0] <= now:
            handle = heapq.heappop(timers)[2]
            if handle.cancelled:
                self._cancelledTimers -= 1
            else:
                callback, args = handle.callback, handle.args
                handle._scheduler = None     # fired, so not a cancelled entry
                handle.cancel()
                self._guarded(callback, args)
        # A component that pauses with a timeout on every turn cancels a timer
        # each time: drop cancelled entries once they are most of the heap.
        if self._cancelledTimers > 256 and self._cancelledTimers * 2 > len(timers):
            timers[:] = [entry for entry in timers if not entry[2].cancelled]
            heapq.heapify(timers)
            self._cancelledTimers = 0

    # ----------------------------------------------------------------- I/O
    def addReader(self, fileobj: Any, callback: Callable[[], Any]) -> None:
        """Call ``callback()`` whenever ``fileobj`` is readable (scheduler thread only)."""
        self._watch(fileobj, 0, callback)

    def addWriter(self, fileobj: Any, callback: Callable[[], Any]) -> None:
        """Call ``callback()`` whenever ``fileobj`` is writable (scheduler thread only)."""
        self._watch(fileobj, 1, callback)

    def removeReader(self, fileobj: Any) -> None:
        """Stop watching ``fileobj`` for readability (no error if not watched)."""
        self._watch(fileobj, 0, None)

    def removeWriter(self, fileobj: Any) -> None:
        """Stop watching ``fileobj`` for writability (no error if not watched)."""
        self._watch(fileobj, 1, None)

    def _watch(self, fileobj: Any, slot: int, callback: Callable[[], Any] | None) -> None:
        loop = self._asyncLoop
        if loop is not None:        # under runAsync, the asyncio loop watches files
            add, remove = ((loop.add_reader, loop.remove_reader) if slot == 0
                           else (loop.add_writer, loop.remove_writer))
            if callback is None:
                remove(fileobj)
            else:
                add(fileobj, self._guarded, callback, ())
            return
        selector = self._ensureSelector()
        try:
            key = selector.get_key(fileobj)
        except KeyError:
            if callback is None:
                return
            callbacks: list[Callable[[], Any] | None] = [None, None]
            callbacks[slot] = callback
            selector.register(fileobj, _EVENTS[slot], callbacks)
            self._watched += 1
            return
        callbacks = key.data
        callbacks[slot] = callback
        events = (selectors.EVENT_READ if callbacks[0] else 0) | \
                 (selectors.EVENT_WRITE if callbacks[1] else 0)
        if events:
            selector.modify(fileobj, events, callbacks)
        else:
            selector.unregister(fileobj)
            self._watched -= 1

    def _ensureSelector(self) -> selectors.BaseSelector:
        if self._selector is None:
            self._selector = selectors.DefaultSelector()
        return self._selector

    def _ensureWakePipe(self) -> None:
        if self._wakePipe is None:
            r, w = os.pipe()
            os.set_blocking(r, False)
            os.set_blocking(w, False)
            self._ensureSelector().register(r, selectors.EVENT_READ, None)
            self._wakePipe = (r, w)

    def _kickIdle(self) -> None:
        """Something became runnable while the loop sleeps: end the sleep.

        Under runAsync the sleep is an asyncio future; the classic loop's
        select() returns by itself after running the callback that woke us.
        """
        idle = self._idleFuture
        if idle is not None and not idle.done():
            idle.set_result(None)

    def _interruptWait(self) -> None:
        loop = self._asyncLoop
        if loop is not None:
            loop.call_soon_threadsafe(self._kickIdle)
            return
        pipe = self._wakePipe
        if pipe is not None:
            try:
                os.write(pipe[1], b"\0")
            except (BlockingIOError, OSError):
                pass       # pipe full (already signalled) or closed (loop ended)

    def _wait(self, timeout: float | None) -> None:
        """Wait for I/O, a timer or a wake-up from another thread."""
        if timeout is None or timeout > 0:
            self._ensureWakePipe()
            self._blocking = True
            if self._foreign:        # arrived before we set _blocking
                timeout = 0
        selector = self._selector
        try:
            if selector is None:
                return
            events = selector.select(timeout)
        finally:
            self._blocking = False
        for key, mask in events:
            callbacks = key.data
            if callbacks is None:            # the wake pipe
                try:
                    while os.read(key.fd, 4096):
                        pass
                except (BlockingIOError, OSError):
                    pass
                continue
            idle = not self._runqueue
            # _guarded's work, written out: one Python call fewer per ready
            # socket, the hottest path of a busy server.
            onRead, onWrite = callbacks[0], callbacks[1]
            if mask & _EVENT_READ and onRead is not None:
                try:
                    onRead()
                except Exception as exc:
                    self._callbackFailed(onRead, exc)
            if mask & _EVENT_WRITE and onWrite is not None:
                try:
                    onWrite()
                except Exception as exc:
                    self._callbackFailed(onWrite, exc)
            if idle and self._runqueue:
                # Run what this event woke (and what that wakes) before the
                # next event, as an event loop runs a callback to the end: a
                # request read is answered at once, not after every other
                # ready socket has been read. Only when nothing else was
                # waiting to run, so that busy systems keep their order.
                for _ in range(_FOLLOW_ROUNDS):
                    self._runRound()
                    if not self._runqueue:
                        break

    def _closeWakePipe(self) -> None:
        pipe = self._wakePipe
        if pipe is not None:
            self._wakePipe = None
            if self._selector is not None:
                try:
                    self._selector.unregister(pipe[0])
                except (KeyError, ValueError):
                    pass        # interrupted (Ctrl-C) before it was registered
            os.close(pipe[0])
            os.close(pipe[1])
        if self._selector is not None and self._watched == 0:
            self._selector.close()
            self._selector = None

    # -------------------------------------------------------------- running
    def main(self, slowmo: float = 0, canblock: bool = False) -> Generator[int, None, None]:
        """The scheduler loop, as a generator: each ``next()`` runs one round.

        It ends when no microprocesses are left (unless immortalised). With
        ``canblock`` true it blocks while everything is paused; otherwise a
        round with nothing to run just returns control.
        """
        self._loopThread = get_ident()
        try:
            while True:
                if slowmo:
                    time.sleep(slowmo)   # deliberate: slow-motion debugging
                if self._runqueue:
                    self._runRound()
                foreign = self._foreign
                while foreign:
                    self._guarded(foreign.popleft(), ())
                if self._timers or self._watched:
                    self._serviceEvents(canblock)
                if not self._runqueue and not foreign:
                    if not self._threads and not self._immortal and not self._waitingForOne:
                        return
                    if canblock:
                        self._blockUntilWoken()
                    elif self._watched:
                        self._wait(0)       # may not block, but may look: files ready?
                yield 1
        finally:
            self._loopThread = None
            self._closeWakePipe()

    def _runRound(self) -> None:
        """Run every microprocess that is runnable now, once, in order.

        While statistics are on, the loop finds Axon.Statistics's counting
        copy of this method instead (an instance attribute): keep the two in step.
        """
        runqueue = self._runqueue
        nextqueue: list[RunState] = []
        self._runqueue = nextqueue
        requeue = nextqueue.append
        instructions = _INSTRUCTIONS
        try:
            for state in runqueue:
                if state.paused:
                    state.queued = False
                    continue
                try:
                    result = state.step()  # type: ignore[misc]  # set on activation
                    if result.__class__ in instructions:
                        state.microprocess._obey(result)
                except StopIteration:
                    if state.callStack:      # a WaitComplete finished
                        state.step = state.callStack.pop()
                        requeue(state)
                    else:
                        self._retire(state.microprocess)
                    continue
                except Exception as exc:
                    self._fault(state.microprocess, exc)
                    continue
                if state.paused:
                    state.queued = False
                else:
                    requeue(state)
        except BaseException:
            # A re-raised failure or Ctrl-C leaves mid-round: keep the rest
            # of this round queued so nothing is stranded.
            rest = runqueue[_indexOf(runqueue, state) + 1:]
            self._runqueue.extend(rest)
            raise

    def _serviceEvents(self, canblock: bool) -> None:
        """Fire due timers and, at most every millisecond while busy, poll I/O."""
        now = _monotonic()
        if self._timers and (self._timers[0][0] <= now or self._cancelledTimers > 256):
            self._runDueTimers(now)
        if self._watched and self._runqueue and now - self._lastPoll > 0.001:
            self._lastPoll = now
            self._wait(0)

    def _blockUntilWoken(self) -> None:
        timers = self._timers
        while timers and timers[0][2].cancelled:
            heapq.heappop(timers)
            self._cancelledTimers -= 1
        timeout = max(0.0, timers[0][0] - _monotonic()) if timers else None
        if timeout is None and not self._watched and not self._stuckNoted \
                and not self._foreign and _diagnostics._provablyStuck(self):
            self._stuckNoted = True       # once: it cannot become unstuck by itself
            _diagnostics._noteStuck(self)
        self._wait(timeout)
        self._lastPoll = now = _monotonic()
        if timers and timers[0][0] <= now:
            self._runDueTimers(now)

    def runThreads(self, slowmo: float = 0) -> None:
        """Run until no microprocesses are left, blocking while all are paused.

        On ``KeyboardInterrupt`` the hang report is printed to standard
        error, every microprocess is stopped and closed down, and the
        interrupt is re-raised (see "Hangs and Ctrl-C" above). While it runs
        in the main thread, ``SIGUSR1`` prints the report.
        """
        if self._stuckNoted:
            self._stuckNoted = False
        previous = self._installReportSignal()
        try:
            for _ in self.main(slowmo, canblock=True):
                pass
        except KeyboardInterrupt as interrupt:
            self._interrupted(interrupt)
            log.info("KeyboardInterrupt: stopping %d microprocesses", len(self._threads))
            self._stopAll()
            raise
        finally:
            self._restoreReportSignal(previous)

    def _interrupted(self, interrupt: KeyboardInterrupt) -> None:
        """Ctrl-C: print the report (once per interrupt) and, unless
        KAMAELIA_TRACEBACK=1, keep the uncaught interrupt's traceback quiet."""
        if getattr(interrupt, "_kamaeliaReported", False):
            return          # an inner runThreads has reported this one already
        interrupt._kamaeliaReported = True      # type: ignore[attr-defined]
        if os.environ.get("KAMAELIA_TRACEBACK", "") in ("", "0"):
            _quietenInterrupts()
        try:
            _diagnostics._printFor(self, "interrupted (Ctrl-C, KeyboardInterrupt); "
                                         "this was still alive:")
        except KeyboardInterrupt:
            pass        # Ctrl-C again while printing: skip the rest, stop at once

    def _installReportSignal(self) -> Any:
        """Print the report on SIGUSR1 while running, unless the program handles it."""
        number = getattr(signal, "SIGUSR1", None)
        if number is None or threading.current_thread() is not threading.main_thread():
            return None
        try:
            if signal.getsignal(number) is not signal.SIG_DFL:
                return None     # the program's own handler (or SIG_IGN): leave it be
            handler = self._reportHandler = _ReportOnSignal(self)
            return signal.signal(number, handler)
        except (ValueError, OSError):       # e.g. not the main interpreter
            self._reportHandler = None
            return None

    def _restoreReportSignal(self, previous: Any) -> None:
        handler = self._reportHandler
        if handler is None or previous is None:
            return
        self._reportHandler = None
        try:
            if signal.getsignal(signal.SIGUSR1) is handler:
                signal.signal(signal.SIGUSR1, previous)
        except (ValueError, OSError):
            pass

    async def runAsync(self) -> None:
        """Run until no microprocesses are left, driven by the running asyncio loop.

        No extra thread: rounds run as part of the loop, which gets control
        back at least every couple of milliseconds while components are busy,
        and whenever all of them are paused. Async components run as asyncio
        tasks, so they may await anything asyncio offers. Timers use the
        loop's clock wake-ups and registered files the loop's own watching.

        When it ends - all done, an exception, or cancellation (Ctrl-C under
        ``asyncio.run``) - every async component's task has been cancelled
        and awaited.
        """
        loop = asyncio.get_running_loop()
        if self._loopThread not in (None, get_ident()) or self._asyncLoop is not None:
            raise RuntimeError(f"{self.name} is already running")
        self._asyncLoop = loop
        self._moveWatchesToLoop(loop)
        rounds = self.main(canblock=False)
        finished = False
        try:
            breather = _monotonic()
            for _ in rounds:
                if self._runqueue or self._foreign:
                    if _monotonic() - breather > 0.002:
                        await asyncio.sleep(0)          # let other asyncio work run
                        breather = _monotonic()
                else:
                    await self._sleepAsync(loop)
                    breather = _monotonic()
            finished = True
        finally:
            rounds.close()
            if not finished:
                self._stopAll()
            tasks = list(self._asyncTasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._asyncTasks.clear()
            self._asyncLoop = None

    async def _sleepAsync(self, loop: asyncio.AbstractEventLoop) -> None:
        """Wait for a wake-up, another thread, or the next timer, on the loop."""
        self._idleFuture = idle = loop.create_future()
        self._blocking = True
        timer = None
        try:
            if self._foreign or self._runqueue:     # arrived before _blocking was set
                return
            timers = self._timers
            while timers and timers[0][2].cancelled:
                heapq.heappop(timers)
                self._cancelledTimers -= 1
            if timers:
                timer = loop.call_later(max(0.0, timers[0][0] - _monotonic()),
                                        self._kickIdle)
            await idle
        finally:
            self._blocking = False
            self._idleFuture = None
            if timer is not None:
                timer.cancel()
        now = _monotonic()
        if self._timers and self._timers[0][0] <= now:
            self._runDueTimers(now)

    def _moveWatchesToLoop(self, loop: asyncio.AbstractEventLoop) -> None:
        # Files registered before runAsync started move to the asyncio loop.
        selector = self._selector
        if selector is None:
            return
        pipe = self._wakePipe[0] if self._wakePipe else None
        for key in list(selector.get_map().values()):
            if key.fd == pipe:
                continue
            selector.unregister(key.fileobj)
            self._watched -= 1
            reader, writer = key.data
            if reader is not None:
                loop.add_reader(key.fileobj, self._guarded, reader, ())
            if writer is not None:
                loop.add_writer(key.fileobj, self._guarded, writer, ())

    def waitForOne(self) -> None:
        """Make the loop wait for a first microprocess instead of ending at once.

        As in 1.14 this only sets a flag: ``runThreads()`` then blocks until
        something is added (from any thread, e.g. by :mod:`Axon.background`)
        and ends as usual once everything has finished. If microprocesses
        have already been added there is nothing to wait for.
        """
        self._waitingForOne = not self._threads

    def stop(self) -> None:
        """Stop and close down every microprocess; the loop then ends.

        Safe to call from any thread.
        """
        if self._loopThread is None or self._loopThread == get_ident():
            self._stopAll()
        else:
            self.callFromThread(self._stopAll)

    def _stopAll(self) -> None:
        for mprocess in list(self._threads):
            self._retire(mprocess)
        self._runqueue = []
        self._kickIdle()        # stopped from an asyncio task while the loop sleeps

    @classmethod
    def immortalise(cls) -> None:
        """Keep the loop running (blocked) even when no microprocesses are left."""
        cls._immortal = True

    @classmethod
    def mortalise(cls) -> None:
        """Let the loop end once no microprocesses are left (the default)."""
        cls._immortal = False
        current = cls.run
        if current is not None:
            # Through the cross-thread queue, which the loop re-checks just
            # before it sleeps, so a loop about to sleep cannot miss this.
            current.callFromThread(_nothing)

    # ------------------------------------------------------------- endings
    def _retire(self, mprocess: microprocess) -> None:
        """Close down a microprocess that ended or was told to stop."""
        if mprocess not in self._threads:
            return              # already retired
        del self._threads[mprocess]
        state = mprocess._runstate
        state.queued = False
        try:
            mprocess.stop()
            self._closeGenerators(state)
            if getattr(mprocess, "outboxes", None):
                self._noteEnding(mprocess)
            knockon = mprocess._closeDownMicroprocess()
            if mprocess.__class__ is _Foreign:
                self._foreignThings.pop(mprocess._thing, None)
            if knockon is not None and knockon.__class__ is not int:
                self.handleMicroprocessShutdownKnockon(knockon)
        except Exception as exc:
            self._report(mprocess, exc, "while closing down")

    def _noteEnding(self, ending: Any) -> None:
        """Remember, for each inbox an outbox of ``ending`` leads to, that it
        fed that inbox and has ended (read by :mod:`Axon.diagnostics`).

        Runs before ``_closeDownMicroprocess``, i.e. before a chassis undoes
        its links to the ending child. Each record is
        ``(name, outbox, messages waiting in the inbox, signal linked?,
        names of the messages waiting in an unlinked signal)``; at most
        four are kept per inbox, and an inbox that goes away takes its
        records with it.
        """
        try:
            outboxes = list(ending.outboxes.items())
            signalBox = ending.outboxes.get("signal")
            signalLinked = signalBox is None or signalBox.sink is not signalBox
            signalWaiting = "" if signalLinked else \
                ", ".join(type(m).__name__ for m in list(signalBox.q)[-2:])
            name = ending.name
            feeders = self._endedFeeders
            for boxname, box in outboxes:
                sink = box.sink
                if sink is box or not sink.isInbox or sink.owner is ending:
                    continue
                records = feeders.get(sink)
                if records is None:
                    records = feeders[sink] = deque(maxlen=4)
                records.append((name, boxname, len(sink.q), signalLinked, signalWaiting))
        except Exception:       # only for the report: never let it break a close-down
            log.debug("could not note the end of %r", ending, exc_info=True)

    def handleMicroprocessShutdownKnockon(self, knockon: Any) -> None:
        """Act on what a microprocess's ``_closeDownMicroprocess()`` returned.

        A ``shutdownMicroprocess`` stops the microprocesses it names (those
        this scheduler runs); a ``reactivate`` adds its ``original`` back.
        Anything else is ignored.
        """
        if isinstance(knockon, shutdownMicroprocess):
            for other in knockon.microprocesses():
                if other is self:
                    continue
                if other not in self._threads:
                    other = self._standInFor(other)
                    if other is None:
                        continue
                other.stop()
        elif isinstance(knockon, reactivate):
            self._addThread(knockon.original)

    @staticmethod
    def _closeGenerators(state: RunState) -> None:
        """Close a stopped microprocess's generators (innermost first), so their
        ``finally`` blocks run now; a generator that already ended is left alone."""
        for step in (state.step, *reversed(state.callStack or ())):
            generator: Any = getattr(step, "__self__", None)
            if getattr(generator, "gi_frame", None) is not None and not generator.gi_running:
                generator.close()

    def _fault(self, mprocess: microprocess, exc: BaseException) -> None:
        _dropOwnFrames(exc)
        self._retire(mprocess)
        self._report(mprocess, exc, "in main()")

    def _report(self, mprocess: microprocess, exc: BaseException, where: str) -> None:
        if self.reraiseExceptions or getattr(exc, "axonReraise", False):
            raise exc
        log.error("%s raised %s %s; it has been closed down and the system "
                  "carries on", mprocess.name, type(exc).__name__, where, exc_info=exc)

    def _guarded(self, callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
        """Run a scheduler-side callback; its exceptions follow the usual policy."""
        try:
            callback(*args)
        except Exception as exc:
            self._callbackFailed(callback, exc)

    def _callbackFailed(self, callback: Callable[..., Any], exc: Exception) -> None:
        """A scheduler-side callback raised ``exc``: re-raise or log, by the policy."""
        _dropOwnFrames(exc)
        if self.reraiseExceptions:
            raise exc
        log.error("callback %r raised %s; the system carries on", callback,
                  type(exc).__name__, exc_info=exc)

    def __str__(self) -> str:
        return (f"Scheduler {self.name}: {len(self._threads)} microprocesses, "
                f"{len(self._runqueue)} runnable")


class _Foreign(microprocess):
    """The stand-in through which the scheduler runs an object of another
    class that has 1.14's microprocess protocol (see "Other objects")."""

    def __init__(self, thing: Any, step: Callable[[], Any]) -> None:
        super().__init__()
        self._thing = thing
        self.name = str(getattr(thing, "name", None) or repr(thing))
        self._runstate.step = self._stepper(step)

    @staticmethod
    def _stepper(step: Callable[[], Any]) -> Callable[[], Any]:
        def stepOnce() -> Any:
            try:
                return step()
            except RuntimeError as exc:
                # A generator's StopIteration, turned into RuntimeError by
                # Python 3 (PEP 479): how 1.14's microprocesses ended.
                if isinstance(exc.__cause__, StopIteration):
                    raise StopIteration from None
                raise
        return stepOnce

    def stop(self) -> None:
        if self._runstate.stopped:
            return
        super().stop()
        stop = getattr(self._thing, "stop", None)
        if callable(stop):
            stop()

    def _closeDownMicroprocess(self) -> Any:
        closeDown = getattr(self._thing, "_closeDownMicroprocess", None)
        return closeDown() if callable(closeDown) else None

    def __repr__(self) -> str:
        return f"<stand-in for {self.name}>"


def _shown(mprocess: Any) -> Any:
    """What listings show for ``mprocess``: the object a stand-in runs, else itself."""
    return mprocess._thing if mprocess.__class__ is _Foreign else mprocess


_EVENTS = (selectors.EVENT_READ, selectors.EVENT_WRITE)
#: Rounds run after an I/O event, before the next one (see _wait): enough for
#: a socket's reader to wake a protocol that wakes the socket's writer.
_FOLLOW_ROUNDS = 3

#: Scheduling states in :attr:`scheduler.threads`, as named in 1.14.
_ACTIVE = "active"
_SLEEPING = "sleeping"
_GOINGTOSLEEP = "going to sleep"


def _nothing() -> None:
    """A callback that only wakes the loop."""


class _ReportOnSignal:
    """The SIGUSR1 handler runThreads installs: print the hang report."""

    __slots__ = ("scheduler",)

    def __init__(self, scheduler: "scheduler") -> None:
        self.scheduler = scheduler

    def __call__(self, signum: int, frame: Any) -> None:
        _diagnostics._printFor(self.scheduler, "report on request (SIGUSR1); "
                                               "the system carries on:")


def _quietenInterrupts() -> None:
    """Make an uncaught, already reported KeyboardInterrupt end the program
    without its traceback (Python still exits with the interrupt status)."""
    if getattr(sys.excepthook, "_kamaeliaQuiet", False):
        return
    previous = sys.excepthook

    def excepthook(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        if isinstance(value, KeyboardInterrupt) and getattr(value, "_kamaeliaReported", False) \
                and os.environ.get("KAMAELIA_TRACEBACK", "") in ("", "0"):
            return
        previous(kind, value, tb)

    excepthook._kamaeliaQuiet = True        # type: ignore[attr-defined]
    sys.excepthook = excepthook


def _dropOwnFrames(exc: BaseException) -> None:
    """Cut the scheduler's own frame off the front of a caught exception's traceback.

    The frame that caught it would otherwise stay alive with the exception
    (a log handler that keeps records keeps it): ``_runRound``'s holds the
    whole round's run queue, so every component that ran in it, and
    ``_guarded``'s the callback and its arguments. The traceback then starts
    in the code that failed, which is also what the log should show.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code in _OWN_CODE:
        tb = tb.tb_next
    exc.__traceback__ = tb


def _indexOf(items: list[Any], item: Any) -> int:
    for index, candidate in enumerate(items):
        if candidate is item:
            return index
    return len(items)

#: Scheduler code whose frames catch exceptions from microprocesses and callbacks.
_OWN_CODE = frozenset({scheduler._runRound.__code__, scheduler._guarded.__code__,
                       scheduler._wait.__code__, *_statistics.OWN_CODE})

microprocess.setSchedulerClass(scheduler)
scheduler.run = scheduler()

"""Microprocesses: generators that a scheduler steps.

Example Usage
-------------
A microprocess is an object whose ``main()`` is a generator. Activating it
hands it to the scheduler; ``run()`` activates it and runs the scheduler until
nothing is left::

    from typing import Iterator

    from Axon.Microprocess import microprocess

    class Counter(microprocess):
        def main(self) -> Iterator[int]:
            for i in range(3):
                print("tick", i)
                yield 1

    Counter().run()            # prints tick 0, tick 1, tick 2

Most code uses :class:`Axon.Component.component`, which adds inboxes and
outboxes to this class.

How does it work?
-----------------
Each ``yield`` hands control back to the scheduler, which steps the next
runnable microprocess. Whatever ``main`` yields is an instruction:

* ``newComponent(*components)`` activates the components it carries;
* ``WaitComplete(generator)`` runs that generator to its end before ``main``
  resumes (``yield from generator`` does the same and is preferred today);
* anything else just hands control back.

``pause()`` stops the microprocess being scheduled after its next ``yield``;
``pause(timeout)`` also arranges a wake-up when the timeout passes.
``unpause()`` (called for you when a message arrives in a component's inbox)
makes it runnable again. Pausing is how a component says "I have nothing to
do"; a paused microprocess costs the scheduler nothing.

When ``main`` ends (or raises), the scheduler calls ``stop()`` and then
``_closeDownMicroprocess()``; the latter may return a ``shutdownMicroprocess``
message naming other microprocesses the scheduler should stop in turn.

Scheduling state lives in a small slotted :class:`RunState` record per
microprocess (``self._runstate``). The scheduler's run queue holds these
records, and inboxes point at their owner's record to wake it, so the hot
paths read fixed slots whatever the component's class (Python specialises
such reads; reads of ordinary attributes across many classes it cannot).

Typing
------
``activate()`` returns ``Self``, so ``Counter().activate()`` is a
``Counter`` to a type checker. The base ``main`` is annotated as returning
:data:`MainBody`, the union ``Iterator[Any] | Coroutine[Any, Any, Any] |
None``, so that ``def main(self) -> Iterator[int]`` (a generator), ``async
def main(self) -> None`` (a coroutine) and a threaded component's ``def
main(self) -> None`` (a blocking method) are all valid overrides under
``mypy --strict``: a type checker sees an override's return type against
every base class that defines ``main``, so the root one must admit all three.
A union rather than ``Any`` keeps a mistake such as ``def main(self) -> int``
an error; the one it cannot catch, a generator component whose ``main`` is
annotated ``-> None`` and has no ``yield``, ``activate()`` reports ("did you
forget a 'yield'?"). (mypy does not accept a union as the declared type of a
generator function, so the base ``main`` returns a generator made by a
helper instead of being one.)

A subclass whose ``__init__`` forgets ``super().__init__()`` has no
scheduling state; ``activate()`` (and so ``run()``) then raises a
``TypeError`` saying so, rather than an ``AttributeError`` about
``_runstate``.
"""

from __future__ import annotations

import inspect
import logging
from types import GeneratorType as _GeneratorType
from typing import Any, Callable, Coroutine, Iterator, Self, Union

from Axon.Base import AxonObject
from Axon.Ipc import WaitComplete
from Axon.idGen import tupleId

__all__ = ["microprocess", "RunState", "MainBody"]

#: What ``main`` returns: a generator (the classic form, annotated e.g.
#: ``-> Iterator[int]``), a coroutine (``async def main(self) -> None``), or
#: None (a threaded component's ``main``, an ordinary blocking method).
MainBody = Union[Iterator[Any], Coroutine[Any, Any, Any], None]

_log = logging.getLogger("Axon.Microprocess")


class RunState:
    """RunState(microprocess) -> the scheduling state of one microprocess.

    - paused    -- pause requested or in force: do not run it
    - queued    -- it is in its scheduler's run queue
    - stopped   -- it finished or was told to stop
    - step      -- ``__next__`` of the generator that runs now (None until activated)
    - callStack -- steps suspended by ``WaitComplete`` (None if none)
    - timer     -- pending ``pause(timeout)`` wake-up, if any
    - stats, statsSince -- what :mod:`Axon.Statistics` counts (None while it never has)
    """

    __slots__ = ("microprocess", "scheduler", "step", "paused", "queued", "stopped",
                 "callStack", "timer", "stats", "statsSince")

    def __init__(self, microprocess: Any = None) -> None:
        self.microprocess = microprocess
        self.scheduler: Any = None
        self.step: Callable[[], Any] | None = None
        self.paused = False
        self.queued = False
        self.stopped = False
        self.callStack: list[Callable[[], Any]] | None = None
        self.timer: Any = None
        self.stats: Any = None
        self.statsSince: int | None = None

    def wake(self) -> None:
        """Make runnable, from the scheduler's own thread (the path ``send`` uses)."""
        if self.stopped:
            return
        self.paused = False
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if not self.queued:
            self.queued = True
            scheduler = self.scheduler
            scheduler._runqueue.append(self)
            if scheduler._blocking:      # woken from a callback while the loop sleeps
                scheduler._kickIdle()

    def timedWake(self) -> None:
        self.timer = None
        if self.paused:
            self.wake()

    def __repr__(self) -> str:
        flags = [name for name in ("paused", "queued", "stopped") if getattr(self, name)]
        return f"<RunState of {self.microprocess!r}: {' '.join(flags) or 'running'}>"


class microprocess(AxonObject):
    """microprocess(thread=None, closeDownValue=0, tag="") -> new microprocess

    Keyword arguments:

    - thread         -- a generator to run instead of ``main()`` (rarely used)
    - closeDownValue -- what ``_closeDownMicroprocess()`` returns to the
      scheduler when it ends (e.g. ``reactivate(other)``); default 0: nothing
    - tag            -- text appended to the microprocess's name
    """

    #: Class used to find the default scheduler (``schedulerClass.run``).
    schedulerClass: Any = None
    #: Class used to find the default tracker (``trackerClass.getcat()``).
    trackerClass: Any = None

    @classmethod
    def setSchedulerClass(cls, newSchedulerClass: Any) -> None:
        """Use ``newSchedulerClass.run`` as the default scheduler for this class."""
        cls.schedulerClass = newSchedulerClass

    @classmethod
    def setTrackerClass(cls, newTrackerClass: Any) -> None:
        """Use ``newTrackerClass.getcat()`` as the default tracker for this class."""
        cls.trackerClass = newTrackerClass

    def __init__(self, thread: Iterator[Any] | None = None, closeDownValue: Any = 0,
                 tag: str = "", *args: Any, **argd: Any) -> None:
        super().__init__()
        self.init = 1
        self.id, self.name = tupleId(self)
        if tag:
            self.name = self.name + tag
        self.closeDownValue = closeDownValue
        self.scheduler: Any = None
        self.tracker: Any = None
        self.__thread = thread
        self._runstate = RunState(self)

    # ------------------------------------------------------------------ info
    def __str__(self) -> str:
        rs = self._runstate
        state = ("stopped" if rs.stopped else "paused" if rs.paused
                 else "active" if self.scheduler is not None else "inactive")
        return f"Microprocess {self.name} [{state}]"

    def __repr__(self) -> str:
        return f"<{self.name}>"

    def _isStopped(self) -> bool:
        """True once the microprocess has finished or been told to stop."""
        return self._runstate.stopped

    def _isRunnable(self) -> bool:
        """True if the microprocess is activated, not stopped and not paused."""
        rs = self._runstate
        return self.scheduler is not None and not rs.stopped and not rs.paused

    # ------------------------------------------------------------- lifecycle
    def main(self) -> MainBody:
        """Override with a generator (or an ``async def``): the body of the
        microprocess. This one yields once and ends."""
        return _yieldOnce()

    def activate(self, Scheduler: Any = None, Tracker: Any = None,
                 mainmethod: str = "main") -> Self:
        """Hand this microprocess to a scheduler (the default one if None).

        Calls ``self.<mainmethod>()`` to make the generator that will be
        stepped. Returns ``self`` so that ``X = Thing().activate()`` works.

        Activating a microprocess that is already activated logs a warning
        and otherwise only wakes it (if it is still running), as 1.14 did;
        it stays with its first scheduler.
        """
        try:
            rs = self._runstate
        except AttributeError:
            raise missingSuperInit(self) from None
        if rs.step is not None:
            _log.warning("%s is already activated; activate() again only wakes it",
                         self.name)
            if not rs.stopped:
                self.unpause()
            return self
        if self.__thread is None:
            if type(self)._microprocessGenerator is not microprocess._microprocessGenerator:
                # A subclass overrides 1.14's hook: let it build the thread.
                self.__thread = self._microprocessGenerator(self, mainmethod)
            else:
                self.__thread = getattr(self, mainmethod)()
        thread = self.__thread
        if thread.__class__ is not _GeneratorType:     # (one check for the common case)
            thread = self.__thread = self._steppable(thread, mainmethod)
        rs.step = thread.__next__
        sched = Scheduler if Scheduler is not None else self.__class__.schedulerClass.run
        self.scheduler = rs.scheduler = sched
        self.tracker = Tracker if Tracker is not None else self.__class__.trackerClass.getcat()
        sched._addThread(self)
        return self

    def _steppable(self, thread: Any, mainmethod: str) -> Iterator[Any]:
        """What ``activate`` steps for a ``main`` that did not return a generator."""
        if inspect.iscoroutine(thread):         # async def main
            from Axon.async_support import driveCoroutine
            return driveCoroutine(self, thread)
        if not hasattr(thread, "__next__"):
            raise TypeError(
                f"{self.name}.{mainmethod}() must return a generator (it returned "
                f"{type(thread).__name__!s}); did you forget a 'yield'?")
        return thread  # type: ignore[no-any-return]

    def _microprocessGenerator(self, someobject: Any, mainmethod: str = "main") -> Iterator[Any]:
        """1.14's thread of control: a generator stepping ``someobject.<mainmethod>()``.

        It yields what that generator yields and ends when it ends, or (after
        yielding ``None`` once) when ``someobject`` has been stopped.
        ``activate`` steps ``main``'s generator directly instead, which saves a
        generator frame per step; it uses this method only when a subclass
        overrides it.
        """
        step = getattr(someobject, mainmethod)().__next__
        while not someobject._isStopped():
            try:
                yield step()     # not kept in a local while suspended
            except StopIteration:
                return
        yield None

    def run(self) -> None:
        """Activate this microprocess and run the scheduler until nothing is left."""
        self.activate()
        self.scheduler.runThreads()

    async def runAsync(self) -> None:
        """Like :meth:`run`, on the running asyncio event loop (no extra thread)."""
        self.activate()
        await self.scheduler.runAsync()

    def __next__(self) -> Any:
        """Run one time slice: step ``main`` once and return what it yielded.

        Instructions (``newComponent``, ``WaitComplete``) are carried out as
        the scheduler would. Raises ``StopIteration`` when ``main`` has ended.
        """
        rs = self._runstate
        if rs.stopped:
            raise StopIteration
        if rs.step is None:
            raise RuntimeError(f"{self.name} has not been activated")
        while True:
            try:
                result = rs.step()
            except StopIteration:
                if not rs.callStack:
                    raise
                rs.step = rs.callStack.pop()
                continue
            if result.__class__ in _INSTRUCTIONS:
                self._obey(result)
            return result

    next = __next__

    def _obey(self, instruction: Any) -> None:
        """Carry out an instruction yielded by ``main`` (scheduler calls this)."""
        if isinstance(instruction, WaitComplete):
            inner = instruction.args[0]
            if not hasattr(inner, "__next__"):
                raise TypeError(f"{self.name} yielded WaitComplete({inner!r}): "
                                "its argument must be a generator")
            rs = self._runstate
            if rs.callStack is None:
                rs.callStack = []
            rs.callStack.append(rs.step)  # type: ignore[arg-type]   # set: we are running
            rs.step = inner.__next__
        else:  # newComponent: activate those not already running
            for child in instruction.components():
                state = getattr(child, "_runstate", None)
                if state is None:            # another class's microprocess: as 1.14 did
                    child.activate()
                elif state.step is None:
                    child.activate(Scheduler=self.scheduler)

    def stop(self) -> None:
        """Stop this microprocess; the scheduler closes it down soon after.

        Calling ``stop()`` on a stopped microprocess does nothing.
        """
        rs = self._runstate
        if rs.stopped:
            return
        rs.stopped = True
        rs.paused = True     # never schedule it again
        if rs.timer is not None:
            rs.timer.cancel()
            rs.timer = None
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler._stopRequested(self)

    def pause(self, timeout: float | None = None) -> None:
        """Stop being scheduled after the next ``yield`` until woken.

        With a ``timeout`` (seconds), the microprocess is also woken when the
        timeout passes. Pausing a microprocess that was never activated, or
        has stopped, does nothing.
        """
        rs = self._runstate
        if self.scheduler is None or rs.stopped:
            return
        if rs.timer is not None:          # a later pause replaces an earlier timeout
            rs.timer.cancel()
            rs.timer = None
        if timeout is not None:
            if timeout < 0:
                raise ValueError(f"pause timeout must be >= 0, not {timeout!r}")
            rs.timer = self.scheduler.callLater(timeout, rs.timedWake)
        rs.paused = True

    def unpause(self) -> None:
        """Make this microprocess runnable again (safe from any thread).

        Waking an awake, stopped or never-activated microprocess does nothing.
        """
        scheduler = self.scheduler
        if scheduler is not None:
            scheduler.wakeThread(self)

    def _unpause(self) -> None:
        """Alias of :meth:`unpause` kept for 1.14 code."""
        self.unpause()

    def _closeDownMicroprocess(self) -> Any:
        """Called by the scheduler once ``main`` has ended.

        Returns the ``closeDownValue`` given when it was made (default 0:
        nothing to do). A ``shutdownMicroprocess`` names other microprocesses
        the scheduler should stop as a knock-on effect; a ``reactivate`` one it
        should run again.
        """
        return self.closeDownValue


def _yieldOnce() -> Iterator[int]:
    yield 1


def missingSuperInit(obj: Any) -> TypeError:
    """The error for ``obj``, whose class's ``__init__`` did not call
    ``super().__init__()`` (so it has none of a microprocess's state)."""
    cls = type(obj)
    return TypeError(
        f"{cls.__module__}.{cls.__qualname__} did not call super().__init__() in its "
        f"__init__; add it (e.g. 'super().__init__(**argd)') as the first line of "
        f"{cls.__qualname__}.__init__, before using the object as a component")


# Classes of yielded values that are instructions rather than "carry on".
# A class lookup in a frozenset is the cheapest test for the scheduler's hot
# loop; subclasses of these messages are not treated as instructions.
from Axon.Ipc import newComponent as _newComponent  # noqa: E402

_INSTRUCTIONS = frozenset({WaitComplete, _newComponent})

# Wire the default tracker class, and make sure the scheduler module (which
# imports this one and sets itself as ``schedulerClass``) is loaded.
from Axon.CoordinatingAssistantTracker import coordinatingassistanttracker  # noqa: E402
from Axon import Scheduler as _Scheduler  # noqa: E402,F401

microprocess.setTrackerClass(coordinatingassistanttracker)

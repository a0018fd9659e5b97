"""Statistics: how often each component runs, for how long, and what its inboxes carry.

Example Usage
-------------
Every scheduler has a ``statistics`` object, off until enabled::

    from typing import Iterator

    from Axon.Component import component
    from Axon.Scheduler import scheduler

    class Counter(component):          # sends 0 to 99, one per run, then sleeps
        def main(self) -> Iterator[int]:
            for i in range(100):
                self.send(i, "outbox")
                yield 1
            while True:
                self.pause()
                yield 1

    class Taker(component):            # takes whatever arrives
        def main(self) -> Iterator[int]:
            while True:
                while self.dataReady("inbox"):
                    self.recv("inbox")
                self.pause()
                yield 1

    counter, taker = Counter(), Taker()
    counter.link((counter, "outbox"), (taker, "inbox"))
    statistics = scheduler.run.statistics
    statistics.enable(sampleEvery=1)      # time every run: exact, but slower
    counter.activate()
    taker.activate()
    rounds = scheduler.run.main()
    for _ in range(200):
        next(rounds)
    figures = statistics.snapshot()
    print(figures[counter]["runs"])                          # 101
    print(figures[taker]["inboxes"]["inbox"]["taken"])       # 100
    counter.stop()
    taker.stop()
    for _ in rounds:
        pass

A snapshot maps each live component (each microprocess the scheduler runs)
to a dict:

* ``"runs"`` -- how many times the scheduler ran it while statistics were
  enabled (exact);
* ``"seconds"`` -- the time spent in those runs (an estimate, see below);
* ``"timed"`` -- how many of its runs were timed, i.e. the size of the
  sample behind ``"seconds"`` and ``"taken"``;
* ``"inboxes"`` -- for a component, each inbox's name -> ``{"waiting":
  messages waiting in it now, "taken": messages its owner has taken from
  it (an estimate)}``.

Rates come from two snapshots: ``(later["runs"] - earlier["runs"]) /
seconds between them``, and the same for ``"taken"``. A snapshot holds the
components it names; do not keep snapshots longer than you need them.

How does it work?
-----------------
Nothing at all is measured while statistics are off: the scheduler runs
its usual round function and boxes count nothing. ``enable()`` gives the
scheduler a second round function (this module's), which does what the
usual one does and also counts. ``disable()`` takes it away again.

*Runs* are counted exactly, without touching a counter on every run: each
component's record notes the round in which its current series of
consecutive runs began, and when the series ends (it pauses) the length of
the series is added to its count. A component that never pauses costs one
test per run. (The records live in two slots of the microprocess's
``RunState``, so they go when the microprocess goes.)

*Time and messages* are sampled: about one round in ``sampleEvery``
(chosen at random, so that nothing that happens every few rounds is always
or never seen) is a *timed round*, in which each run is timed and each
inbox of the component that runs is measured before and after it; what the
component took from an inbox is what left it during its own run. The
totals are then scaled by ``runs / timed``. With ``sampleEvery=1`` every
round is timed and the figures are exact.

What it costs (``python -m benchmarks --only statistics-overhead``
measures it): with the default ``sampleEvery`` (256), about 2-3% of the
``pipeline-batch`` benchmark and 5-8% of ``pipeline-one``, whose
components do next to nothing per run, so that the test per run shows;
exact figures (``sampleEvery=1``) cost about 11% of ``pipeline-batch`` and
make ``pipeline-one`` five times slower. A system doing real work per run
pays less. Statistics are therefore off by default; a system that runs
few rounds (a demonstration, a server waiting on its clients) can afford
a small ``sampleEvery`` for finer figures.

What is counted, and what is not:

* a threaded component is counted as the scheduler sees it: the runs and
  time of its *shuttle*, the part in the scheduler's thread that carries
  messages to and from its thread; the time its thread spends is not
  counted. The shuttle takes its messages from the real inboxes, so
  ``"taken"`` counts what went into the thread;
* an inbox's ``"taken"`` counts only what its owner took during its own
  runs: a message taken by other code (a parent calling ``recv`` on a
  child's inbox), or sent by a component to its own inbox and taken in the
  same run, is not counted;
* messages wait, and are counted, in inboxes: an outbox linked to an inbox
  carries what that inbox counts (``outbox.sink`` is the box where its
  messages wait), shared with any other outbox linked to it;
* what ran while statistics were off, and components that have ended, are
  not in snapshots; counts go on from where they were when statistics are
  enabled again (``reset()`` starts them from zero).

Threads
-------
``enable()``, ``disable()`` and ``reset()`` may be called from any thread,
and from inside a component. ``disable()`` and ``reset()`` finish at the end
of the round in progress (through ``callFromThread`` while the scheduler
runs). ``snapshot()`` is exact when taken between rounds, e.g. in the
scheduler's thread through ``scheduler.callFromThread(lambda:
deliver(statistics.snapshot()))``. Taken from inside a component, a
component that has run in every round since it last paused and has not yet
had its turn in the round in progress is counted as if it had. Taken from
another thread it is safe under CPython's global interpreter lock (every
container is copied before it is read), but a figure may lag by a round.
"""

from __future__ import annotations

import random
import weakref
from time import perf_counter
from types import CodeType
from typing import Any, Callable

from Axon.diagnostics import _copy, _shown
from Axon.Microprocess import RunState, _INSTRUCTIONS

__all__ = ["SchedulerStatistics"]

#: Rounds between timed rounds, on average, unless ``enable()`` is told otherwise.
DEFAULT_SAMPLE_EVERY = 256

class _Record:
    """What is counted for one microprocess (kept in ``RunState.stats``)."""

    __slots__ = ("runs", "timed", "seconds", "taken")

    def __init__(self) -> None:
        self.runs = 0                       # in series that have ended
        self.timed = 0                      # runs timed
        self.seconds = 0.0                  # time spent in the timed runs
        self.taken: dict[str, int] = {}     # inbox -> messages taken in the timed runs


class SchedulerStatistics:
    """SchedulerStatistics(scheduler) -> the statistics of one scheduler

    Reach it as ``scheduler.statistics``; there is one per scheduler.
    It refers to its scheduler weakly, so it keeps nothing alive.
    """

    _byScheduler: "weakref.WeakKeyDictionary[Any, SchedulerStatistics]" = \
        weakref.WeakKeyDictionary()
    # Slots: the counting round reads and writes some of these every round.
    __slots__ = ("_scheduler", "_enabled", "rounds", "sampleEvery", "_nextTimed", "_random")

    def __init__(self, scheduler: Any) -> None:
        self._scheduler = weakref.ref(scheduler)
        self._enabled = False
        #: Rounds run with statistics on (the clock that series of runs are measured by).
        self.rounds = 0
        #: Rounds between timed rounds, on average (see ``enable``).
        self.sampleEvery = DEFAULT_SAMPLE_EVERY
        self._nextTimed = 1
        self._random = random.Random()

    @classmethod
    def of(cls, scheduler: Any) -> "SchedulerStatistics":
        """The statistics object of ``scheduler``, made on first use."""
        statistics = cls._byScheduler.get(scheduler)
        if statistics is None:
            statistics = cls._byScheduler[scheduler] = cls(scheduler)
        return statistics

    @property
    def enabled(self) -> bool:
        """True while statistics are being gathered."""
        return self._enabled

    # -------------------------------------------------------- switching
    def enable(self, sampleEvery: int = DEFAULT_SAMPLE_EVERY) -> None:
        """Start counting, from the next round; time about one round in ``sampleEvery``.

        ``sampleEvery=1`` times every run, making every figure exact at a
        higher cost. Calling it again while enabled changes ``sampleEvery``.
        """
        if isinstance(sampleEvery, bool) or not isinstance(sampleEvery, int) \
                or sampleEvery < 1:
            raise ValueError(f"sampleEvery must be an int >= 1, not {sampleEvery!r}")
        self.sampleEvery = sampleEvery
        self._nextTimed = self.rounds + 1
        if self._enabled:
            return
        self._enabled = True
        scheduler = self._scheduler()
        if scheduler is not None:
            # An instance attribute in front of the class's _runRound: the
            # scheduler's loop finds this round function instead, so the usual
            # one stays exactly as it is when statistics are off.
            scheduler._runRound = _CountingRound(scheduler, self).run

    def disable(self) -> None:
        """Stop counting, at the end of the round in progress; what was counted stays."""
        if not self._enabled:
            return
        self._enabled = False
        scheduler = self._scheduler()
        if scheduler is not None:
            scheduler.__dict__.pop("_runRound", None)
            self._atRoundsEnd(scheduler, self._endAllSeries)

    def reset(self) -> None:
        """Start every count from zero, at the end of the round in progress."""
        scheduler = self._scheduler()
        if scheduler is not None:
            self._atRoundsEnd(scheduler, self._clear)

    @staticmethod
    def _atRoundsEnd(scheduler: Any, action: Callable[[], None]) -> None:
        if scheduler._loopThread is None:
            action()                # not running: every round has ended
        else:
            scheduler.callFromThread(action)

    def _endAllSeries(self) -> None:
        """Count every series of runs still going on as ended with the last counted round."""
        scheduler = self._scheduler()
        for mprocess in _copy(scheduler._threads if scheduler is not None else ()):
            state = mprocess._runstate
            if state.statsSince is not None:
                _endSeries(state, self.rounds)

    def _clear(self) -> None:
        scheduler = self._scheduler()
        for mprocess in _copy(scheduler._threads if scheduler is not None else ()):
            state = mprocess._runstate
            if state.statsSince is None:
                state.stats = None
            else:                   # it ran in the last round: count from the next
                state.stats = _Record()
                state.statsSince = self.rounds + 1

    def _timedRoundAfter(self, rounds: int) -> int:
        """The number of the next round to time: at random, ``sampleEvery`` on average."""
        return rounds + self._random.randrange(1, 2 * self.sampleEvery)

    # --------------------------------------------------------- reading
    def snapshot(self) -> dict[Any, dict[str, Any]]:
        """Each live microprocess -> its figures (see the module's documentation)."""
        scheduler = self._scheduler()
        if scheduler is None:
            return {}
        counting = self._enabled
        return {_shown(mprocess): self._figures(mprocess, counting)
                for mprocess in _copy(scheduler._threads)}

    def _figures(self, mprocess: Any, counting: bool) -> dict[str, Any]:
        state = mprocess._runstate
        record, since = state.stats, state.statsSince
        runs = timed = 0
        seconds = 0.0
        taken: dict[str, int] = {}
        if record is not None:
            runs, timed, seconds = record.runs, record.timed, record.seconds
            taken = dict(record.taken)
            if since is not None and counting:
                runs += max(0, self.rounds - since + 1)
        scale = runs / timed if timed else 0.0
        figures: dict[str, Any] = {"runs": runs, "seconds": seconds * scale, "timed": timed}
        inboxes = getattr(mprocess, "inboxes", None)
        if isinstance(inboxes, dict):
            figures["inboxes"] = {
                name: {"waiting": len(box.q), "taken": round(taken.get(name, 0) * scale)}
                for name, box in _copy(inboxes.items())}
        return figures


# ------------------------------------------------------------- counting
def _beginSeries(state: RunState, rounds: int) -> None:
    if state.stats is None:
        state.stats = _Record()
    state.statsSince = rounds


def _endSeries(state: RunState, lastRound: int) -> None:
    """The series of runs that began in round ``statsSince`` ended with ``lastRound``."""
    since = state.statsSince
    state.statsSince = None
    record = state.stats
    if since is not None and record is not None:
        record.runs += lastRound - since + 1


class _CountingRound:
    """The scheduler's round (``scheduler._runRound``) while statistics are on.

    Made by ``enable()``; its bound ``run`` is what the scheduler's loop
    calls. It holds its scheduler, which holds it: the two go together.
    """

    __slots__ = ("scheduler", "statistics")

    def __init__(self, scheduler: Any, statistics: SchedulerStatistics) -> None:
        self.scheduler = scheduler
        self.statistics = statistics

    def run(self) -> None:
        """Run the round exactly as the usual one does (``scheduler._runRound``);
        the lines that count are marked. Keep the two in step."""
        scheduler, statistics = self.scheduler, self.statistics
        runqueue = scheduler._runqueue
        nextqueue: list[RunState] = []
        scheduler._runqueue = nextqueue
        requeue = nextqueue.append
        instructions = _INSTRUCTIONS
        rounds = statistics.rounds = statistics.rounds + 1          # counting
        timing = rounds >= statistics._nextTimed                     # counting
        if timing:                                                   # counting
            statistics._nextTimed = statistics._timedRoundAfter(rounds)
        try:
            for state in runqueue:
                if state.paused:
                    state.queued = False
                    if state.statsSince is not None:                 # counting
                        _endSeries(state, rounds - 1)
                    continue
                if state.statsSince is None:                         # counting
                    _beginSeries(state, rounds)
                try:
                    if timing:                                       # counting
                        result = _timedStep(state)
                    else:
                        result = state.step()  # set on activation
                    if result.__class__ in instructions:
                        state.microprocess._obey(result)
                except StopIteration:
                    if state.callStack:      # a WaitComplete finished
                        state.step = state.callStack.pop()
                        requeue(state)
                    else:
                        scheduler._retire(state.microprocess)
                    continue
                except Exception as exc:
                    scheduler._fault(state.microprocess, exc)
                    continue
                if state.paused:
                    state.queued = False
                    _endSeries(state, rounds)                         # counting
                else:
                    requeue(state)
        except BaseException:
            # As in the usual round: keep the rest of this round queued.
            rest = runqueue[runqueue.index(state) + 1:]
            scheduler._runqueue.extend(rest)
            raise


def _timedStep(state: RunState) -> Any:
    """Step ``state``'s microprocess once, timing it and measuring its inboxes."""
    record = state.stats
    assert record is not None       # its series began before this step
    try:
        inboxes = tuple(state.microprocess.inboxes.items())
    except AttributeError:          # a microprocess, not a component
        inboxes = ()
    before = [len(box.q) for _, box in inboxes]
    started = perf_counter()
    try:
        return state.step()  # type: ignore[misc]  # set on activation
    finally:
        record.seconds += perf_counter() - started
        record.timed += 1
        for (name, box), waiting in zip(inboxes, before):
            if waiting > len(box.q):
                record.taken[name] = record.taken.get(name, 0) + waiting - len(box.q)


#: Frames of this module's code that catch a microprocess's exceptions: the
#: scheduler cuts them off tracebacks as it cuts its own (see Axon.Scheduler).
OWN_CODE: frozenset[CodeType] = frozenset({_CountingRound.run.__code__, _timedStep.__code__})

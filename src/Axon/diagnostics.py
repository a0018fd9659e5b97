"""Hang reports: what is still alive in a system, and what each part waits for.

Example Usage
-------------
You rarely call this module yourself: the scheduler prints the report when
you ask for it.

* **Ctrl-C** during ``run()`` (``scheduler.runThreads()``) prints the report
  to standard error, then the program ends with the interrupt status (a shell
  shows 130) and without the ``KeyboardInterrupt`` traceback. Set
  ``KAMAELIA_TRACEBACK=1`` to get the traceback as well. A program that
  wraps ``run()`` in ``try: ... except KeyboardInterrupt:`` still catches the
  interrupt, as in Kamaelia 1.14.
* **SIGUSR1** (``kill -USR1 <pid>``) prints the report; the program carries on.
* **When nothing can run again** -- every component paused, and no timer,
  watched socket or other thread left that could wake one -- the scheduler
  prints a one-line hint; with ``KAMAELIA_DIAGNOSE=1`` (``kamaelia -v`` sets
  it) it prints the whole report instead. The program keeps waiting: it may
  be waiting for something the scheduler cannot see.

From code, ``report()`` returns the text and ``printReport()`` writes it::

    from Axon import diagnostics
    from Axon.Component import component
    from Axon.Scheduler import scheduler

    class Idle(component):
        def main(self):
            while not self.dataReady("control"):
                self.pause()
                yield 1

    idle = Idle().activate()
    rounds = scheduler.run.main()          # run a few rounds by hand
    for _ in range(3):
        next(rounds)
    print(diagnostics.report())            # Idle_N: paused, waiting for a message ...
    idle.stop()
    for _ in rounds:                       # let it close down
        pass

Reading a report
----------------
The report for ``Pipeline(DataSource(["a\\n"]), Lazy(), ConsoleEchoer())``,
where ``Lazy`` returns when it gets ``producerFinished`` on ``"control"``
without passing it on, reads::

    Kamaelia: interrupted (Ctrl-C, KeyboardInterrupt); this was still alive:
    scheduler Axon.Scheduler.scheduler_1: 2 microprocesses alive, 0 runnable;
      0 timers, 0 watched files, no other threads
    - Kamaelia.Chassis.Pipeline.Pipeline_5: paused, waiting for a child to end (1 left) or a message
        'signal' outbox: not linked (usual at the top level)
      - Kamaelia.Util.Console.ConsoleEchoer_4: paused, waiting for a message
          inbox 'inbox': nothing alive can send to it (Lazy_3 did, and ended)
          inbox 'control': nothing alive can send to it (Lazy_3 did, and ended)
          likely cause: ConsoleEchoer_4 waits for a message that can never come, because Lazy_3
            ended without passing shutdown on. A component that ends should first send the
            shutdown it received (producerFinished or shutdownMicroprocess) out of its 'signal'
            outbox: see Axon.Ipc.shutdownRequest.

Each component still alive is listed under its parent, with what it waits
for: ``runnable``; ``paused, waiting for a message`` (and, per inbox, who
can still send to it); a timer (``pause(timeout)``, ``callLater``: due in
N s); a watched socket or file (``addReader`` / ``addWriter``); its thread
(threaded components: where the thread is and what it waits for); or what
its ``async def main`` awaits. Under the component: where its ``main`` is
suspended (for Axon's and Kamaelia's own components only with
``KAMAELIA_DIAGNOSE=1``), an unlinked ``"signal"`` outbox (what it sends
when it ends goes nowhere), messages waiting unread, and a ``likely cause``
when a component waits for messages that can never come because everything
that could send them has ended. Children of a ``Graphline`` carry their
names in it (``OUT: ...``), and a missing ``"signal"`` linkage is named.

When the scheduler prints the report by itself it lists the first
:data:`AUTOMATIC_LIMIT` components (all of them with ``KAMAELIA_DIAGNOSE=1``,
which also adds the stacks of threaded components).

How does it work?
-----------------
The report only reads state the scheduler and components keep anyway (run
queue, pause flags, timers, the selector's map, boxes and their links,
generator frames, ``sys._current_frames()`` for threads). One piece of
bookkeeping is added, off the message path: when a component ends, the
scheduler notes, for each inbox one of its outboxes led to, who it was and
whether its ``"signal"`` was linked (:meth:`Axon.Scheduler.scheduler._noteEnding`).
Chassis unlink a child the moment it ends, so without that note nothing
would say who used to feed a waiting component.

"Nothing can run again" is decided conservatively: nothing runnable, no
pending cross-thread call, no live timer, no watched file, no asyncio loop
driving the scheduler, no other live thread, and no Python signal handler
the program installed itself (which might wake something). When in doubt
the system is not stuck, and no hint is printed.

What it does not do: it cannot see what blocking code outside Axon waits
for, and the ``likely cause`` line is a guess from the links, not a proof.
"""

from __future__ import annotations

import linecache
import os
import signal
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any, TextIO

__all__ = ["report", "printReport"]

#: Components listed when the scheduler prints a report by itself (Ctrl-C,
#: SIGUSR1, stuck) without KAMAELIA_DIAGNOSE=1; report() lists every one.
AUTOMATIC_LIMIT = 40

_HERE = os.path.dirname(os.path.abspath(__file__))
_THREADING = os.path.abspath(threading.__file__)


def report(scheduler: Any = None, limit: int | None = None) -> str:
    """report(scheduler=None, limit=None) -> the hang report, as text

    - scheduler -- the scheduler to describe (default ``scheduler.run``)
    - limit     -- list at most this many components (None: all of them)
    """
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int or None, not {limit!r}")
    return _compose(_defaultScheduler(scheduler), None, limit)


def printReport(scheduler: Any = None, file: TextIO | None = None,
                limit: int | None = None) -> None:
    """printReport(scheduler=None, file=None, limit=None) -> write :func:`report` to
    ``file`` (default ``sys.stderr``)."""
    text = report(scheduler, limit)
    _write(text, file)


# ------------------------------------------------------------ for the scheduler
def _printFor(scheduler: Any, why: str, file: TextIO | None = None) -> None:
    """Print the report headed by ``why``; never raises (called from signal
    handlers and error paths, where a broken report must not end the program)."""
    try:
        limit = None if _diagnose() else AUTOMATIC_LIMIT
        text = _compose(scheduler, why, limit)
    except Exception as exc:                 # a report must never break the program
        text = f"Kamaelia: {why}; the report could not be made ({type(exc).__name__}: {exc})\n"
    _write(text, file)


def _noteStuck(scheduler: Any) -> None:
    """Nothing can run again: print the hint (or the report, with KAMAELIA_DIAGNOSE=1)."""
    alive = len(scheduler._threads)
    what = (f"{alive} component{'s are' if alive != 1 else ' is'} paused and nothing can "
            "wake them" if alive else "nothing is left to run, but the scheduler was told "
            "to keep running (immortalise)")
    if _diagnose():
        _printFor(scheduler, f"nothing can run again: {what}")
    else:
        _write(f"Kamaelia: nothing can run again: {what}; press Ctrl-C for a report "
               "(or set KAMAELIA_DIAGNOSE=1)\n", None)


def _provablyStuck(scheduler: Any) -> bool:
    """True only if nothing can ever wake ``scheduler`` (about to block for ever).

    Conservative: anything that might wake it -- another thread, a Python
    signal handler the program set, a file, a timer -- means "not stuck".
    """
    if (scheduler._runqueue or scheduler._foreign or scheduler._watched
            or scheduler._asyncLoop is not None):
        return False
    if any(not entry[2].cancelled for entry in scheduler._timers):
        return False
    if threading.active_count() > 1:
        return False
    if threading.current_thread() is threading.main_thread():
        ours = getattr(scheduler, "_reportHandler", None)
        for number in signal.valid_signals():
            try:
                handler = signal.getsignal(number)
            except (ValueError, OSError):
                continue
            if callable(handler) and handler is not signal.default_int_handler \
                    and handler is not ours:
                return False
    return True


def _diagnose() -> bool:
    return os.environ.get("KAMAELIA_DIAGNOSE", "") not in ("", "0")


def _write(text: str, file: TextIO | None) -> None:
    stream = file if file is not None else sys.stderr
    if stream is None:
        return
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass         # stderr closed: nothing more we can do


def _defaultScheduler(scheduler: Any) -> Any:
    if scheduler is None:
        from Axon.Scheduler import scheduler as schedulerClass
        scheduler = schedulerClass.run
    if not hasattr(scheduler, "_threads"):
        raise TypeError(f"report() needs an Axon scheduler, not {scheduler!r}")
    return scheduler


# --------------------------------------------------------------- the report
def _compose(scheduler: Any, why: str | None, limit: int | None) -> str:
    state = _Snapshot(scheduler)
    lines: list[str] = []
    if why is not None:
        lines.append(f"Kamaelia: {why}")
    lines.extend(state.summary())
    shown = 0
    for root in state.roots:
        for depth, mp in state.walk(root):
            if limit is not None and shown >= limit:
                break
            lines.extend(state.describe(mp, depth))
            shown += 1
    if shown < len(state.alive):
        lines.append(f"... and {len(state.alive) - shown} more "
                     "(set KAMAELIA_DIAGNOSE=1 to list them all)")
    lines.extend(state.unowned())
    return "\n".join(lines) + "\n"


class _Snapshot:
    """What the scheduler holds, gathered once, with who owns each timer and file."""

    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler
        self.now = time.monotonic()
        self.alive: list[Any] = sorted(_copy(scheduler._threads), key=_order)
        aliveIds = {id(mp) for mp in self.alive}
        self.timers: dict[int, list[tuple[float, Any]]] = {}
        self.otherTimers: list[tuple[float, Any]] = []
        for when, _seq, handle in _copy(scheduler._timers):
            if handle.cancelled:
                continue
            owner = _ownerOf(handle.callback)
            if owner is not None and id(owner) in aliveIds:
                self.timers.setdefault(id(owner), []).append((when, handle.callback))
            else:
                self.otherTimers.append((when, handle.callback))
        self.files: dict[int, list[str]] = {}
        self.otherFiles: list[str] = []
        selector = scheduler._selector
        pipe = scheduler._wakePipe[0] if scheduler._wakePipe else None
        if selector is not None:
            try:
                keys = list(selector.get_map().values())
            except (RuntimeError, ValueError, KeyError):   # closed, or changing
                keys = []
            for key in keys:
                if key.fd == pipe or key.data is None:
                    continue
                for callback, how in zip(key.data, ("reading", "writing")):
                    if callback is None:
                        continue
                    text = f"{_describeFile(key.fileobj, key.fd)} for {how}"
                    owner = _ownerOf(callback)
                    if owner is not None and id(owner) in aliveIds:
                        self.files.setdefault(id(owner), []).append(text)
                    else:
                        self.otherFiles.append(f"{text} ({_callableName(callback)})")
        # The tree: a component's parent is the alive one that lists it as a child.
        self.parent: dict[int, Any] = {}
        self.children: dict[int, list[Any]] = {}
        for mp in self.alive:
            for child in _copy(getattr(_shown(mp), "children", None) or ()):
                if id(child) in aliveIds and child is not mp:
                    self.parent.setdefault(id(child), mp)
        byShown = {id(_shown(mp)): mp for mp in self.alive}
        for mp in self.alive:
            for child in _copy(getattr(_shown(mp), "children", None) or ()):
                real = byShown.get(id(child))
                if real is not None and self.parent.get(id(real)) is mp:
                    self.children.setdefault(id(mp), []).append(real)
        self.roots = [mp for mp in self.alive if id(mp) not in self.parent]
        self.aliveIds = aliveIds

    def walk(self, root: Any, depth: int = 0) -> Any:
        yield depth, root
        for child in self.children.get(id(root), ()):
            yield from self.walk(child, depth + 1)

    # ---------------------------------------------------------- summary
    def summary(self) -> list[str]:
        scheduler = self.scheduler
        runnable = sum(1 for mp in self.alive if _isRunnable(mp))
        timers = sum(len(t) for t in self.timers.values()) + len(self.otherTimers)
        files = sum(len(f) for f in self.files.values()) + len(self.otherFiles)
        others = [t.name for t in threading.enumerate()
                  if t is not threading.current_thread()]
        threads = ("no other threads" if not others else
                   f"{len(others)} other thread{'s' if len(others) != 1 else ''} "
                   f"({', '.join(others[:5])}{', ...' if len(others) > 5 else ''})")
        lines = [f"scheduler {scheduler.name}: {len(self.alive)} microprocess"
                 f"{'es' if len(self.alive) != 1 else ''} alive, {runnable} runnable;",
                 f"  {timers} timer{'s' if timers != 1 else ''}, {files} watched "
                 f"file{'s' if files != 1 else ''}, {threads}"
                 + ("; driven by an asyncio loop" if scheduler._asyncLoop is not None else "")]
        if not self.alive:
            lines.append("  nothing is alive")
        return lines

    def unowned(self) -> list[str]:
        lines = []
        for when, callback in sorted(self.otherTimers, key=lambda t: t[0])[:10]:
            lines.append(f"timer: {_callableName(callback)} due in {_seconds(when - self.now)}")
        for text in self.otherFiles[:10]:
            lines.append(f"watching {text}")
        return lines

    # -------------------------------------------------------- one entry
    def describe(self, mp: Any, depth: int) -> list[str]:
        thing = _shown(mp)
        indent = "  " * depth
        detail = indent + "    "
        label = _name(thing)
        key = self._keyInParent(mp)
        if key is not None:
            label = f"{key}: {label}"
        waits, notes = self.waitsFor(mp)
        lines = [f"{indent}- {label}: {waits}"]
        lines.extend(detail + note for note in notes)
        return lines

    def _keyInParent(self, mp: Any) -> str | None:
        parent = self.parent.get(id(mp))
        named = getattr(_shown(parent), "components", None) if parent is not None else None
        if isinstance(named, Mapping):
            for key, child in _copy(named.items()):
                if child is _shown(mp):
                    return str(key)
        return None

    def waitsFor(self, mp: Any) -> tuple[str, list[str]]:
        """(what ``mp`` waits for, detail lines)."""
        thing = _shown(mp)
        rs = mp._runstate
        notes: list[str] = []
        reasons: list[str] = []
        children = self.children.get(id(mp), [])
        thread = _threadOf(thing)
        asyncInfo = _asyncWait(thing, rs)
        if rs.stopped:
            head = "stopping (being closed down)"
        elif thread is not None:
            head = ""               # the thread's state is what matters, not the shuttle's
        elif not rs.paused:
            head = "runnable"
        else:
            head = "paused"
        if thread is None and asyncInfo is None:
            where = _whereSuspended(rs)
            if where:
                notes.append(where)
        if thread is not None:
            reasons.append(_describeThread(thing, thread, notes))
        elif asyncInfo is not None:
            reasons.append(asyncInfo[0])
            if asyncInfo[1]:
                notes.append(asyncInfo[1])
        elif rs.paused and not rs.stopped:
            if children:
                reasons.append(f"waiting for a child to end ({len(children)} left) "
                               "or a message")
            elif _isComponent(thing):
                reasons.append("waiting for a message")
            else:
                reasons.append("until woken")
        timer = rs.timer
        if timer is not None and not timer.cancelled and thread is None and asyncInfo is None:
            reasons[-1:] = [f"{reasons[-1] if reasons else 'waiting'} or its pause(timeout), "
                            f"due in {_seconds(timer.when - self.now)}"]
        for when, callback in self.timers.get(id(mp), ()):
            if getattr(callback, "__func__", None) is not None and \
                    getattr(callback, "__name__", "") == "timedWake":
                continue                     # the pause timeout, shown above
            notes.append(f"timer: {_callableName(callback)} due in {_seconds(when - self.now)}")
        for text in self.files.get(id(mp), ()):
            notes.append(f"watching {text}")
        if _isComponent(thing):
            notes.extend(self._boxNotes(mp, thing, rs, thread, asyncInfo, children))
        return ", ".join(part for part in [head] + reasons if part), notes

    def _boxNotes(self, mp: Any, thing: Any, rs: Any, thread: Any, asyncInfo: Any,
                  children: list[Any]) -> list[str]:
        notes: list[str] = []
        waitingForMessage = (rs.paused and not rs.stopped and not children
                             and (thread is None or _threadWaitsForMessage(thread)))
        ended: dict[str, list[tuple[str, tuple[Any, ...]]]] = {}
        anyAliveFeeder = False
        feedersKnown = False
        feederLines: list[str] = []
        unlinked: list[str] = []
        for name, box in _copy(thing.inboxes.items()):
            if box.sink is not box:
                continue           # passes straight through to a child's inbox
            waiting = len(box.q)
            if waiting and rs.paused and thread is None:
                notes.append(f"{waiting} message{'s wait' if waiting != 1 else ' waits'} "
                             f"unread in inbox {name!r} (it paused without taking "
                             f"{'them' if waiting != 1 else 'it'}; only a new message wakes it)")
            if not waitingForMessage:
                continue
            alive = [f for f in _feeders(box) if _isAlive(f.owner)]
            endedHere = list(_copy(self.scheduler._endedFeeders.get(box, ())))
            for record in endedHere:
                ended.setdefault(record[0], []).append((name, record))
            if alive:
                anyAliveFeeder = True
                names = ", ".join(f"outbox {f.name!r} of {_short(f.owner)}" for f in alive[:3])
                more = f" and {len(alive) - 3} more" if len(alive) > 3 else ""
                feederLines.append(f"inbox {name!r}: from {names}{more}")
            elif endedHere:
                feedersKnown = True
                before = ", ".join(sorted({_short(r[0]) for r in endedHere}))
                feederLines.append(f"inbox {name!r}: nothing alive can send to it "
                                   f"({before} did, and ended)")
            else:
                unlinked.append(name)
        if feederLines:
            notes.extend(feederLines)
            if unlinked:
                notes.append(f"inbox{'es' if len(unlinked) != 1 else ''} "
                             f"{', '.join(map(repr, unlinked))}: nothing is linked to send "
                             f"to {'them' if len(unlinked) != 1 else 'it'}")
        elif unlinked:
            notes.append("nothing is linked to send to its inboxes")
        signal = thing.outboxes.get("signal") if hasattr(thing, "outboxes") else None
        if signal is not None and signal.sink is signal:
            if id(mp) in self.parent:
                notes.append("'signal' outbox: not linked, its shutdown goes nowhere")
            else:
                notes.append("'signal' outbox: not linked (usual at the top level)")
        if waitingForMessage and feedersKnown and not anyAliveFeeder \
                and not self.timers.get(id(mp)) and not self.files.get(id(mp)) \
                and (rs.timer is None or rs.timer.cancelled):
            notes.extend(self._likelyCause(mp, thing, ended))
        return notes

    def _likelyCause(self, mp: Any, thing: Any,
                     ended: dict[str, list[tuple[str, tuple[Any, ...]]]]) -> list[str]:
        me = _short(thing.name)
        causes: list[str] = []
        advice: list[str] = []
        for enderName, uses in ended.items():
            ender = _short(enderName)
            viaSignal = [record for inbox, record in uses if record[1] == "signal"]
            record = uses[0][1]
            if viaSignal and viaSignal[0][2] == 0:
                causes.append(f"{ender} ended without passing shutdown on")
                advice.append("A component that ends should first send the shutdown it "
                              "received (producerFinished or shutdownMicroprocess) out of "
                              "its 'signal' outbox: see Axon.Ipc.shutdownRequest.")
            elif viaSignal:
                causes.append(f"{ender} sent {me} something on 'control' as it ended, "
                              f"and {me} did not end on it")
                advice.append(f"{me} should end when it takes producerFinished or "
                              "shutdownMicroprocess from 'control'.")
            elif not record[3]:
                sent = f" (its {record[4]} waits there)" if record[4] else ""
                boxes = " and ".join(sorted({repr(inbox) for inbox, _ in uses}))
                causes.append(f"{ender}, which sent to its {boxes}, ended, but {ender}'s "
                              f"'signal' outbox was not linked{sent}, so {me} was never "
                              "told to stop")
                advice.append("Link each component's 'signal' outbox to the 'control' "
                              "inbox of the one it feeds.")
            else:
                causes.append(f"{ender}, which sent to {me}, ended, and its 'signal' "
                              f"led elsewhere, not to {me}'s 'control'")
        if not causes:
            return []
        text = (f"likely cause: {me} waits for a message that can never come, because "
                f"{'; and '.join(causes)}. {' '.join(dict.fromkeys(advice))}")
        hint = self._graphlineHint(mp, thing, ended)
        return _wrap(text.strip(), 88) + ([hint] if hint else [])

    def _graphlineHint(self, mp: Any, thing: Any,
                       ended: dict[str, list[tuple[str, tuple[Any, ...]]]]) -> str | None:
        parent = self.parent.get(id(mp))
        named = getattr(_shown(parent), "components", None) if parent is not None else None
        if not isinstance(named, Mapping):
            return None
        keys = {getattr(child, "name", None): key for key, child in _copy(named.items())}
        mine = keys.get(thing.name)
        for enderName, uses in ended.items():
            if enderName in keys and mine is not None and not uses[0][1][3]:
                return (f"in the Graphline, add the linkage ({keys[enderName]!r}, 'signal'): "
                        f"({mine!r}, 'control')")
        return None


# ----------------------------------------------------------------- helpers
def _copy(items: Any) -> list[Any]:
    """A list of ``items``, tolerating another thread changing it meanwhile."""
    for _ in range(5):
        try:
            return list(items)
        except RuntimeError:        # changed size during iteration
            continue
    return []


def _order(mp: Any) -> Any:
    return getattr(_shown(mp), "id", 0) or 0


def _shown(mp: Any) -> Any:
    thing = getattr(mp, "_thing", None)
    return thing if thing is not None and type(mp).__name__ == "_Foreign" else mp


def _name(thing: Any) -> str:
    return str(getattr(thing, "name", None) or repr(thing))


def _short(name: Any) -> str:
    text = name if isinstance(name, str) else _name(name)
    return text[text.rfind(".") + 1:]


def _isComponent(thing: Any) -> bool:
    return isinstance(getattr(thing, "inboxes", None), dict) and \
        isinstance(getattr(thing, "outboxes", None), dict)


def _isRunnable(mp: Any) -> bool:
    rs = mp._runstate
    return not rs.paused and not rs.stopped


def _isAlive(owner: Any) -> bool:
    rs = getattr(owner, "_runstate", None)
    if rs is None:
        return True                      # not ours to judge: assume it may send
    return rs.step is not None and not rs.stopped


def _feeders(box: Any) -> list[Any]:
    """The outboxes whose messages end up in ``box`` (through passthroughs too)."""
    found: list[Any] = []
    pending = list(box.sources)
    seen: set[int] = set()
    while pending:
        source = pending.pop()
        if id(source) in seen:
            continue
        seen.add(id(source))
        if not source.isInbox:
            found.append(source)
        pending.extend(source.sources)
    return found


def _ownerOf(callback: Any) -> Any:
    """The microprocess a timer or file callback belongs to, if it is a method of one."""
    target = getattr(callback, "__self__", None)
    if target is None:
        func = getattr(callback, "func", None)           # functools.partial
        target = getattr(func, "__self__", None)
    if target is not None and hasattr(target, "microprocess") and hasattr(target, "wake"):
        target = target.microprocess                       # a RunState: pause(timeout)
    return target


def _callableName(callback: Any) -> str:
    name = getattr(callback, "__qualname__", None) or getattr(callback, "__name__", None)
    return f"{name}()" if name else repr(callback)


def _seconds(delta: float) -> str:
    return f"{max(0.0, delta):.3g} s"


def _describeFile(fileobj: Any, fd: int) -> str:
    kind = "socket" if hasattr(fileobj, "getsockname") else "file"
    where = ""
    if kind == "socket":
        try:
            address = fileobj.getsockname()
            if isinstance(address, tuple):
                where = f" {address[0]}:{address[1]}"
            elif address:
                where = f" {address!r}"
        except (OSError, IndexError, TypeError):
            pass
    return f"{kind} fd {fd}{where}"


def _relative(path: str) -> str:
    """``path`` as short as is still clear: from the current folder, else
    from the ``sys.path`` entry it was imported from (e.g. ``Kamaelia/...``)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    if not rel.startswith(".."):
        return rel
    for entry in sys.path:
        if entry and path.startswith(os.path.join(os.path.abspath(entry), "")):
            return os.path.relpath(path, entry)
    return path


def _isLibrary(path: str) -> bool:
    """True for code of Axon and Kamaelia themselves (not the program's own)."""
    path = os.path.abspath(path)
    roots = [_HERE]
    kamaelia = sys.modules.get("Kamaelia")
    roots.extend(os.path.abspath(p) for p in getattr(kamaelia, "__path__", ()))
    return any(path.startswith(os.path.join(root, "")) for root in roots)


def _frameText(frame: Any, lineno: int | None = None) -> str:
    code = frame.f_code
    line = frame.f_lineno if lineno is None else lineno
    return f"{_relative(code.co_filename)}:{line} in {code.co_name}"


def _whereSuspended(rs: Any) -> str | None:
    """``at file:line in function``: where a generator main waits at a ``yield``."""
    generator: Any = getattr(rs.step, "__self__", None)
    if getattr(generator, "gi_frame", None) is None:
        return None
    while True:
        inner = getattr(generator, "gi_yieldfrom", None)
        if getattr(inner, "gi_frame", None) is None:
            break
        generator = inner
    if _isLibrary(generator.gi_frame.f_code.co_filename) and not _diagnose():
        return None           # where a library component waits says little; -v shows it
    text = f"at {_frameText(generator.gi_frame)}"
    if rs.callStack:
        text += f" (inside {len(rs.callStack)} WaitComplete)"
    return text


def _threadOf(thing: Any) -> threading.Thread | None:
    thread = getattr(thing, "_thread", None)
    if isinstance(thread, threading.Thread) and hasattr(thing, "_inqueues"):
        return thread
    return None


_THREAD_WAITS = {
    "pause": "waiting for a message (pause)",
    "sync": "waiting for what it sent to be delivered (sync)",
    "_waitForRoom": "waiting for room to send (send(block=True))",
    "waitForConsumer": "waiting for its consumer to take what it sent",
    "_do_threadsafe": "waiting for the scheduler to run a request (link, addInbox, ...)",
}


def _threadStack(thread: threading.Thread) -> list[Any]:
    frame = sys._current_frames().get(thread.ident) if thread.ident is not None else None
    stack = []
    while frame is not None:
        stack.append(frame)
        frame = frame.f_back
    return stack                          # innermost first


def _threadWaitsForMessage(thread: threading.Thread) -> bool:
    if not thread.is_alive():
        return False
    for frame in _threadStack(thread):
        if os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _HERE:
            return bool(frame.f_code.co_name == "pause")
    return False


def _describeThread(thing: Any, thread: threading.Thread, notes: list[str]) -> str:
    if not thread.is_alive():
        pending = len(getattr(thing, "_outqueue", ()) or ())
        return ("its thread has finished" +
                (f"; {pending} message{'s' if pending != 1 else ''} still to deliver"
                 if pending else ""))
    stack = _threadStack(thread)
    doing = None
    user = None
    for frame in stack:
        path = os.path.abspath(frame.f_code.co_filename)
        if path == _THREADING:
            continue
        if os.path.dirname(path) == _HERE:
            if doing is None:
                doing = _THREAD_WAITS.get(frame.f_code.co_name)
            continue
        if user is None:
            user = frame
            break
    if user is not None:
        source = linecache.getline(user.f_code.co_filename, user.f_lineno).strip()
        notes.append(f"thread at {_frameText(user)}" + (f": {source}" if source else ""))
    if _diagnose():
        for frame in stack[:12]:
            notes.append(f"  thread stack: {_frameText(frame)}")
    queued = sum(len(q) for q in _copy(getattr(thing, "_inqueues", {}).values()))
    if queued:
        notes.append(f"{queued} message{'s' if queued != 1 else ''} carried into the "
                     "thread, not yet taken")
    return f"its thread is {doing}" if doing else "its thread is running (blocking code)"


def _asyncWait(thing: Any, rs: Any) -> tuple[str, str | None] | None:
    """(what an ``async def main`` awaits, where) or None if main is not async."""
    coro = None
    task = getattr(thing, "_asyncTask", None)
    if task is not None:
        try:
            coro = task.get_coro()
        except AttributeError:
            coro = None
    else:
        generator: Any = getattr(rs.step, "__self__", None)
        code = getattr(generator, "gi_code", None)
        if code is None or code.co_name != "driveCoroutine" or \
                os.path.dirname(os.path.abspath(code.co_filename)) != _HERE:
            return None
        inner = generator.gi_yieldfrom
        frame = getattr(inner, "gi_frame", None)
        coro = frame.f_locals.get("coro") if frame is not None else None
    if coro is None or getattr(coro, "cr_frame", None) is None:
        return ("its async main is starting or ending", None)
    where = f"async main at {_frameText(coro.cr_frame)}"
    awaiting = "awaiting"
    current: Any = coro
    while current is not None and getattr(current, "cr_frame", None) is not None:
        frame = current.cr_frame
        name = frame.f_code.co_name
        if os.path.dirname(os.path.abspath(frame.f_code.co_filename)) == _HERE:
            local = frame.f_locals
            if name == "waitForMessage":
                names = local.get("names") or ()
                awaiting = "awaiting a message on " + " or ".join(repr(n) for n in names)
                break
            if name == "waitUntil":
                deadline = local.get("deadline")
                if isinstance(deadline, (int, float)):
                    due = _seconds(deadline - time.monotonic())
                    awaiting = f"awaiting waitFor/waitUntil, due in {due}"
                break
        current = getattr(current, "cr_await", None)
    if awaiting == "awaiting":
        awaiting = "awaiting something outside Axon (asyncio)" if task is not None \
            else "awaiting"
    return awaiting, where


def _wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` characters, the rest indented."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = "  " + word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines

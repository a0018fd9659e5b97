"""pipeline-batch: throughput of a 10-stage passthrough pipeline, draining per turn.

What it measures
----------------
A source feeds 100k messages (ints) into a chain of 10 passthrough stages; a
sink at the end counts them and ends the run once all have arrived. The figure
is hops per second (messages x stages / elapsed). Each Axon stage is written
the way Kamaelia code is written::

    while True:
        for msg in self.Inbox("inbox"):
            self.send(msg, "outbox")
        self.pause()
        yield 1

and the source sends 100 messages per turn, yielding between chunks. Timing
starts when the scheduler starts running (components already made, linked
and activated) and stops when the sink has received the last message; the
sink then stops the scheduler. Every run checks that the sink got exactly
``n`` messages, the last one being ``n - 1`` (order kept).

Why the baselines are fair
--------------------------
* ``asyncio.Queue``: the same shape and the same per-turn batching, written
  as idiomatic, efficient asyncio: each stage awaits ``get()`` (suspending
  only when its queue is empty, like an Axon ``pause()``), then drains what
  is waiting with ``get_nowait()`` and forwards with ``put_nowait()``; the
  source puts 100 per turn then ``await asyncio.sleep(0)``. Unbounded
  queues, as Axon inboxes are unbounded by default. Default event loop.
* bare generators over ``collections.deque``: the same stages as plain
  generators stepped round-robin by a ``for`` loop, with no scheduler, no
  pausing and no boxes. This is the pure-Python floor: no framework can
  move messages between generators faster in CPython, so ``ours / bare``
  shows how much overhead is left.

The cyclic GC is paused while timing (as ``timeit`` does) in every contender.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import perf_counter

from .harness import (CHUNK, STAGES, WATCHDOG_SECONDS, Row, fresh_scheduler, gc_paused,
                      interleave, watchdog)

NAME = "pipeline-batch"
TARGET = 4.0          # ours >= 4x asyncio


# ------------------------------------------------------------------ Axon
def _axon_classes():
    from Axon.Component import component

    class Source(component):
        def __init__(self, n: int, chunk: int) -> None:
            super().__init__()
            self.n, self.chunk = n, chunk

        def main(self):
            n, chunk = self.n, self.chunk
            for start in range(0, n, chunk):
                for i in range(start, min(start + chunk, n)):
                    self.send(i, "outbox")
                yield 1

    class Stage(component):
        def main(self):
            while True:
                for msg in self.Inbox("inbox"):
                    self.send(msg, "outbox")
                self.pause()
                yield 1

    class Sink(component):
        """Counts; when all ``n`` have arrived notes the time and stops the scheduler."""

        def __init__(self, n: int) -> None:
            super().__init__()
            self.n, self.count, self.last, self.finished = n, None, None, None

        def main(self):
            count, last = 0, None
            while True:
                for msg in self.Inbox("inbox"):
                    count += 1
                    last = msg
                if count >= self.n:
                    break
                self.pause()
                yield 1
            self.finished = perf_counter()
            self.count, self.last = count, last
            self.allArrived()

        def allArrived(self) -> None:
            """What to do once all ``n`` have arrived (the backplane benchmark overrides it)."""
            self.scheduler.stop()

    class Idle(component):
        def main(self):
            while True:
                self.pause()
                yield 1

    return Source, Stage, Sink, Idle


_CLASSES = None


def axon_classes():
    """(Source, Stage, Sink, Idle) component classes, made once (Axon imported lazily)."""
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _axon_classes()
    return _CLASSES


def check(name: str, n: int, count: int | None, last) -> None:
    """Fail unless the sink got exactly ``n`` messages ending with ``n - 1``.

    ``count`` None means the watchdog ended a run whose sink never got them all.
    """
    assert count is not None, (
        f"{name}: the sink had not received all {n} messages after {WATCHDOG_SECONDS:g} s; "
        "the pipeline is broken")
    assert count == n and last == n - 1, (
        f"{name}: the sink got {count} of {n} messages (last {last!r}); the pipeline is broken")


def run_axon(n: int, idle: int = 0, onAsyncio: bool = False) -> float:
    """Seconds to move ``n`` messages through the Axon pipeline.

    With ``idle`` > 0, that many extra components are first activated on the
    same scheduler and run once, so they are paused while the pipeline runs.
    With ``onAsyncio`` the scheduler is driven by an asyncio event loop
    (``runAsync``) instead of running its own loop.
    """
    Source, Stage, Sink, Idle = axon_classes()
    sched = fresh_scheduler()
    if idle:
        with gc_paused():             # set-up, not timed: spare it needless collections
            for _ in range(idle):
                Idle().activate()
        first_round = sched.main()
        next(first_round)             # each idle component runs once and pauses
        first_round.close()
        assert not sched._runqueue, "idle components did not pause"
    chain = [Source(n=n, chunk=CHUNK)] + [Stage() for _ in range(STAGES)] + [Sink(n=n)]
    for up, down in zip(chain, chain[1:]):
        up.link((up, "outbox"), (down, "inbox"))
    for comp in chain:
        comp.activate()
    sink = chain[-1]
    with watchdog(sched.stop), gc_paused():
        start = perf_counter()
        if onAsyncio:
            run_asyncio_on_new_loop(sched.runAsync())
        else:
            sched.runThreads()
    check("Axon", n, sink.count, sink.last)
    return sink.finished - start


# --------------------------------------------------------------- asyncio
async def _a_source(q: asyncio.Queue, n: int) -> None:
    for start in range(0, n, CHUNK):
        for i in range(start, min(start + CHUNK, n)):
            q.put_nowait(i)
        await asyncio.sleep(0)


async def _a_stage(qi: asyncio.Queue, qo: asyncio.Queue) -> None:
    while True:
        qo.put_nowait(await qi.get())
        while not qi.empty():
            qo.put_nowait(qi.get_nowait())


async def _a_sink(q: asyncio.Queue, n: int):
    count, last = 0, None
    while count < n:
        last = await q.get()
        count += 1
        while not q.empty():
            last = q.get_nowait()
            count += 1
    return perf_counter(), count, last


async def run_asyncio_pipeline(n: int, source, stage, sink, stages: int = STAGES) -> float:
    """Build source -> ``stages`` x stage -> sink on queues, time it, check it, tidy up."""
    qs = [asyncio.Queue() for _ in range(stages + 1)]
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(stage(qs[i], qs[i + 1])) for i in range(stages)]
    tasks.append(loop.create_task(source(qs[0], n)))
    sink_task = loop.create_task(sink(qs[-1], n))
    with watchdog(lambda: loop.call_soon_threadsafe(sink_task.cancel)):
        start = perf_counter()
        try:
            finished, count, last = await sink_task
        except asyncio.CancelledError:
            finished, count, last = None, None, None
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    check("asyncio", n, count, last)
    return finished - start


def run_asyncio_on_new_loop(coroutine) -> float:
    loop = asyncio.new_event_loop()
    try:
        with gc_paused():
            return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def run_asyncio(n: int) -> float:
    """Seconds to move ``n`` messages through the asyncio.Queue pipeline."""
    return run_asyncio_on_new_loop(run_asyncio_pipeline(n, _a_source, _a_stage, _a_sink))


# ----------------------------------------------------------------- bare
def time_round_robin(n: int, gens: list, result: list) -> float:
    """Step ``gens`` in turn until one ends (the sink, having filled ``result``
    with ``[finish time, count, last]``); check the count; return the seconds."""
    steps = [g.__next__ for g in gens]
    with gc_paused():
        start = perf_counter()
        try:
            while True:
                for step in steps:
                    step()
        except StopIteration:
            pass
    finished, count, last = result
    check("bare", n, count, last)
    return finished - start


def run_bare(n: int) -> float:
    """Seconds to move ``n`` messages through bare generators over deques."""
    qs = [deque() for _ in range(STAGES + 1)]
    result = []

    def source(q):
        for start in range(0, n, CHUNK):
            for i in range(start, min(start + CHUNK, n)):
                q.append(i)
            yield
        while True:
            yield

    def stage(qi, qo):
        while True:
            while qi:
                qo.append(qi.popleft())
            yield

    def sink(q):
        count, last = 0, None
        while True:
            while q:
                last = q.popleft()
                count += 1
            if count >= n:
                result[:] = [perf_counter(), count, last]
                return          # StopIteration ends the loop below
            yield

    gens = [source(qs[0])] + [stage(qs[i], qs[i + 1]) for i in range(STAGES)] + [sink(qs[-1])]
    return time_round_robin(n, gens, result)


# ------------------------------------------------------------------ run
def throughput_rows(n: int, samples: dict[str, list[float]], labels: dict[str, str],
                    target: float) -> list[Row]:
    """Rows: M hops/s for each contender, then ours/asyncio (against target) and ours/bare."""
    hops = n * STAGES
    mhops = {name: [hops / t / 1e6 for t in times] for name, times in samples.items()}
    best = {name: max(values) for name, values in mhops.items()}
    rows = [Row(labels[name], best[name], "M hops/s", mhops[name]) for name in samples]
    ratio = best["axon"] / best["asyncio"]
    rows.append(Row("ratio Axon / asyncio", ratio, "x", target=f">= {target:g}x",
                    ok=ratio >= target))
    rows.append(Row("ratio Axon / bare floor", best["axon"] / best["bare"], "x"))
    return rows


LABELS = {
    "axon": "Axon components",
    "asyncio": "asyncio.Queue pipeline",
    "bare": "bare generators + deques",
}


def run(quick: bool, reps: int) -> list[Row]:
    n = 20_000 if quick else 100_000
    samples = interleave(reps, {
        "axon": lambda: run_axon(n),
        "asyncio": lambda: run_asyncio(n),
        "bare": lambda: run_bare(n),
    })
    return throughput_rows(n, samples, LABELS, TARGET)

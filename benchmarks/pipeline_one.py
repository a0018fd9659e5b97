"""pipeline-one: throughput of a 10-stage passthrough pipeline, one message per turn.

What it measures
----------------
The shape of ``pipeline-batch`` (source, 10 passthrough stages, counting
sink; 100k messages; hops/s), but every component moves at most one message
each time it is scheduled, so the figure is dominated by the cost of a
scheduler turn rather than by message passing. Each Axon stage is::

    while True:
        if self.dataReady("inbox"):
            self.send(self.recv("inbox"), "outbox")
        else:
            self.pause()
        yield 1

The source sends one message per turn; the sink takes one per turn. Timing,
the stop condition and the count/order check are as in ``pipeline-batch``.

Why the baselines are fair
--------------------------
* ``asyncio.Queue``: each stage does ``x = await qi.get(); qo.put_nowait(x);
  await asyncio.sleep(0)``, i.e. one message per turn, suspending on an empty
  queue (as Axon's stage pauses) and yielding to the loop after each message
  (as Axon's stage yields). Source: ``put_nowait`` then ``sleep(0)``; sink:
  ``get`` then ``sleep(0)``.
* bare generators over deques, stepped round-robin, each moving at most one
  message per step (no pausing): the pure-Python floor.
"""

from __future__ import annotations

import asyncio
from collections import deque
from time import perf_counter

from .harness import STAGES, Row, fresh_scheduler, gc_paused, interleave, watchdog
from .pipeline_batch import (LABELS, check, run_asyncio_on_new_loop, run_asyncio_pipeline,
                             throughput_rows, time_round_robin)

NAME = "pipeline-one"
TARGET = 5.0          # ours >= 5x asyncio


# ------------------------------------------------------------------ Axon
def _axon_classes():
    from Axon.Component import component

    class Source(component):
        def __init__(self, n: int) -> None:
            super().__init__()
            self.n = n

        def main(self):
            for i in range(self.n):
                self.send(i, "outbox")
                yield 1

    class Stage(component):
        def main(self):
            while True:
                if self.dataReady("inbox"):
                    self.send(self.recv("inbox"), "outbox")
                else:
                    self.pause()
                yield 1

    class Sink(component):
        """Takes one per turn; when all ``n`` have arrived notes the time and stops the scheduler."""

        def __init__(self, n: int) -> None:
            super().__init__()
            self.n, self.count, self.last, self.finished = n, None, None, None

        def main(self):
            count, last = 0, None
            while count < self.n:
                if self.dataReady("inbox"):
                    last = self.recv("inbox")
                    count += 1
                else:
                    self.pause()
                yield 1
            self.finished = perf_counter()
            self.count, self.last = count, last
            self.scheduler.stop()

    return Source, Stage, Sink


_CLASSES = None


def run_axon(n: int) -> float:
    """Seconds to move ``n`` messages through the Axon pipeline, one per turn."""
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _axon_classes()
    Source, Stage, Sink = _CLASSES
    sched = fresh_scheduler()
    chain = [Source(n=n)] + [Stage() for _ in range(STAGES)] + [Sink(n=n)]
    for up, down in zip(chain, chain[1:]):
        up.link((up, "outbox"), (down, "inbox"))
    for comp in chain:
        comp.activate()
    sink = chain[-1]
    with watchdog(sched.stop), gc_paused():
        start = perf_counter()
        sched.runThreads()
    check("Axon", n, sink.count, sink.last)
    return sink.finished - start


# --------------------------------------------------------------- asyncio
async def _a_source(q: asyncio.Queue, n: int) -> None:
    for i in range(n):
        q.put_nowait(i)
        await asyncio.sleep(0)


async def _a_stage(qi: asyncio.Queue, qo: asyncio.Queue) -> None:
    while True:
        x = await qi.get()
        qo.put_nowait(x)
        await asyncio.sleep(0)


async def _a_sink(q: asyncio.Queue, n: int):
    count, last = 0, None
    while count < n:
        last = await q.get()
        count += 1
        await asyncio.sleep(0)
    return perf_counter(), count, last


def run_asyncio(n: int) -> float:
    """Seconds to move ``n`` messages through the asyncio.Queue pipeline, one per turn."""
    return run_asyncio_on_new_loop(run_asyncio_pipeline(n, _a_source, _a_stage, _a_sink))


# ----------------------------------------------------------------- bare
def run_bare(n: int) -> float:
    """Seconds to move ``n`` messages through bare generators, one per step."""
    qs = [deque() for _ in range(STAGES + 1)]
    result = []

    def source(q):
        for i in range(n):
            q.append(i)
            yield
        while True:
            yield

    def stage(qi, qo):
        while True:
            if qi:
                qo.append(qi.popleft())
            yield

    def sink(q):
        count, last = 0, None
        while count < n:
            if q:
                last = q.popleft()
                count += 1
            yield
        result[:] = [perf_counter(), count, last]   # returning ends the loop below

    gens = [source(qs[0])] + [stage(qs[i], qs[i + 1]) for i in range(STAGES)] + [sink(qs[-1])]
    return time_round_robin(n, gens, result)


def run(quick: bool, reps: int) -> list[Row]:
    n = 20_000 if quick else 100_000
    samples = interleave(reps, {
        "axon": lambda: run_axon(n),
        "asyncio": lambda: run_asyncio(n),
        "bare": lambda: run_bare(n),
    })
    return throughput_rows(n, samples, LABELS, TARGET)

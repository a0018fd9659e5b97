"""scale-components: memory per component, and active throughput, with 10k-1M alive.

What it measures
----------------
At each point, 10k, 100k and 1M (10k and 100k with ``--quick``) components
alive on one scheduler, each a trivial component paused for good::

    while True:
        self.pause()
        yield 1

made, activated and run once (so each is paused, its generator started), then:

* **memory**: the ``tracemalloc`` traced-memory difference across making,
  activating and running them once, divided by the count (bytes each,
  KiB as tracemalloc counts). It includes the scheduler's share (its table
  of microprocesses) and the started generator (whose frame CPython
  allocates with the generator, so this is close to component-cost's
  figure for a component made and activated but not yet run). Tracing is
  on only while the population is built (set-up, never timed); one sample
  per point, as component-cost takes.
* **throughput beside them**: pipeline-batch's 10-stage batch pipeline
  (100k messages, 20k with ``--quick``; M hops/s) added to the same
  scheduler, which still holds all the paused components, and run until
  the sink has every message (the scheduler's own loop, ``sched.main()``,
  stepped a round at a time; the sink does not stop the scheduler, which
  would close down the population). The pipeline's stages are then
  stopped, leaving the population as it was for the next repetition. The
  count/order check is pipeline-batch's.

The curve is one row per point for each; the last rows are the throughput
at the largest point over the smallest (1.0: the paused components cost
the active ones nothing).

Why the baseline is fair
------------------------
The asyncio equivalent of a paused component is a task suspended on an
``asyncio.Event`` (``await event.wait()``, one Event shared by all): made
with ``create_task`` and run once so it is waiting, at the same counts,
measured the same way (traced memory across creating them and letting them
start, divided by the count; the start adds the Event's waiter future and
the suspended ``wait()`` coroutine, so this is above component-cost's
figure for a task not yet run). Beside them, on the same event loop,
pipeline-batch's ``asyncio.Queue`` pipeline with the same messages. A task
has no named boxes or links, so it does less than a component: the memory
figure shows what the cheapest unit of asyncio concurrency costs.

Both populations of a point are alive at once and the pipelines run
interleaved over them (the order rotating), so machine load and memory
layout affect both alike. Everything is freed, and collected, between
points. The cyclic GC is paused while building and while timing (as
``timeit`` does), and the populations are moved out of its reach
(``gc.freeze()``) while they are measured, so the collection the harness
makes between runs does not walk millions of objects; a collection over
them is a GC cost, not a scheduler one. There is no target.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from typing import Any, Callable

from .harness import STAGES, Row, fresh_scheduler, gc_paused, interleave
from .pipeline_batch import axon_classes
from ._chain import run_asyncio_chain, run_axon_chain_beside

NAME = "scale-components"

POINTS = (10_000, 100_000, 1_000_000)
QUICK_POINTS = (10_000, 100_000)
MESSAGES = 100_000
QUICK_MESSAGES = 20_000


def traced_bytes(build: Callable[[], Any]) -> tuple[int, Any]:
    """Run ``build()`` under tracemalloc; (bytes newly allocated and still held, its result)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        with gc_paused():
            result = build()
        return tracemalloc.get_traced_memory()[0] - before, result
    finally:
        tracemalloc.stop()


def axon_population(count: int):
    """A fresh scheduler holding ``count`` paused components; (bytes each, scheduler, them)."""
    Idle = axon_classes()[3]

    def build():
        sched = fresh_scheduler()
        kept = [Idle().activate(Scheduler=sched) for _ in range(count)]
        first_round = sched.main()
        next(first_round)             # each runs once and pauses
        first_round.close()
        return sched, kept

    used, (sched, kept) = traced_bytes(build)
    assert not sched._runqueue, "the components did not all pause"
    assert len(sched.listAllThreads()) == count, "the components were not all activated"
    return used / count, sched, kept


async def _waiter(event: asyncio.Event) -> None:
    await event.wait()


def asyncio_population(count: int):
    """A new loop holding ``count`` tasks waiting on one Event; (bytes each, loop, event, tasks)."""
    loop = asyncio.new_event_loop()
    event = asyncio.Event()

    async def populate():
        tasks = [loop.create_task(_waiter(event)) for _ in range(count)]
        await asyncio.sleep(0)        # each runs once and waits
        return tasks

    used, tasks = traced_bytes(lambda: loop.run_until_complete(populate()))
    waiting = sum(1 for task in tasks if not task.done())
    assert waiting == count, f"only {waiting} of {count} tasks are waiting"
    return used / count, loop, event, tasks


def run(quick: bool, reps: int) -> list[Row]:
    points = QUICK_POINTS if quick else POINTS
    n = QUICK_MESSAGES if quick else MESSAGES
    hops = n * STAGES
    rows: list[Row] = []
    rates: dict[str, dict[int, float]] = {"axon": {}, "asyncio": {}}
    for count in points:
        axon_each, sched, kept = axon_population(count)
        task_each, loop, event, tasks = asyncio_population(count)
        gc.freeze()                   # the populations: out of the collector's way
        try:
            samples = interleave(reps, {
                "axon": lambda: run_axon_chain_beside(sched, n, STAGES),
                "asyncio": lambda: run_asyncio_chain(n, STAGES, loop=loop),
            })
            assert not sched._runqueue and len(sched.listAllThreads()) == count, \
                "the paused components did not survive the runs"
        finally:
            gc.unfreeze()
            event.set()
            loop.run_until_complete(asyncio.gather(*tasks))
            loop.close()
            fresh_scheduler()         # the default scheduler no longer holds the population
            del sched, kept, loop, event, tasks
            gc.collect()
        mhops = {name: [hops / t / 1e6 for t in times] for name, times in samples.items()}
        best = {name: max(values) for name, values in mhops.items()}
        for name in rates:
            rates[name][count] = best[name]
        rows += [
            Row(f"Axon, {count:,} paused components: memory", axon_each, "bytes each"),
            Row(f"asyncio, {count:,} tasks awaiting an Event: memory", task_each, "bytes each"),
            Row(f"Axon batch pipeline beside {count:,} paused", best["axon"], "M hops/s",
                mhops["axon"]),
            Row(f"asyncio.Queue pipeline beside {count:,} waiting", best["asyncio"], "M hops/s",
                mhops["asyncio"]),
            Row(f"ratio Axon / asyncio, beside {count:,}", best["axon"] / best["asyncio"], "x"),
        ]
    first, last = points[0], points[-1]
    rows.append(Row(f"Axon pipeline throughput, beside {last:,} / beside {first:,}",
                    rates["axon"][last] / rates["axon"][first], "x"))
    rows.append(Row(f"asyncio pipeline throughput, beside {last:,} / beside {first:,}",
                    rates["asyncio"][last] / rates["asyncio"][first], "x"))
    return rows

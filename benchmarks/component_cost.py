"""component-cost: time and memory to create and activate one component.

What it measures
----------------
Creating and activating 100k plain ``Axon.Component.component`` subclasses
whose ``main`` is a trivial generator (``yield 1``), on a fresh scheduler:

* time: ``perf_counter`` around the loop, divided by the count, with the
  cyclic GC paused while timing (as ``timeit`` does; a collection triggered
  by the allocations would otherwise land at random inside one sample);
* memory: ``tracemalloc`` traced-memory difference (the total of a snapshot
  difference) across the same loop, divided by the count, measured in a
  separate pass (tracing slows allocation, so it never overlaps timing) with
  all the components still alive. It includes the scheduler's share (its
  table of microprocesses and its run queue).

The components are kept in a list, as an application keeps its components.

Context (no target): a minimal ``asyncio.Task``
-----------------------------------------------
``loop.create_task(waiter(event))`` where ``waiter`` just awaits a shared
``asyncio.Event``, measured the same way inside a running loop. Like an
activated component, the task is made and scheduled but has not run yet.
An asyncio task has no named boxes, so it does less than a component; the
figure shows what the cheapest unit of asyncio concurrency costs.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from time import perf_counter

from .harness import Row, fresh_scheduler, gc_paused, interleave

NAME = "component-cost"
TARGET_US = 15.0
TARGET_BYTES = 2.5 * 1024      # 2.5 KB (KiB, as tracemalloc reports)

_TRIVIAL = None


def trivial_class():
    global _TRIVIAL
    if _TRIVIAL is None:
        from Axon.Component import component

        class Trivial(component):
            def main(self):
                yield 1

        _TRIVIAL = Trivial
    return _TRIVIAL


def make_components(count: int) -> list:
    Trivial = trivial_class()
    return [Trivial().activate() for _ in range(count)]


async def _waiter(event: asyncio.Event) -> None:
    await event.wait()


def with_tasks(count: int, measure):
    """Run ``measure(make)`` inside a fresh loop, where ``make()`` creates ``count`` tasks.

    The tasks are finished and the loop closed afterwards.
    """
    async def body():
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        made = []

        def make():
            made[:] = [loop.create_task(_waiter(event)) for _ in range(count)]

        result = measure(make)
        event.set()
        await asyncio.gather(*made)
        return result

    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(body())
    finally:
        loop.close()


def timed(make) -> float:
    with gc_paused():
        start = perf_counter()
        make()
        return perf_counter() - start


def traced(make) -> int:
    """Bytes newly allocated by ``make()`` and still held afterwards."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        make()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def axon_seconds(count: int) -> float:
    sched = fresh_scheduler()
    kept = []

    def make():
        kept[:] = make_components(count)

    seconds = timed(make)
    assert len(sched.listAllThreads()) == count, "components were not all activated"
    return seconds


def axon_bytes(count: int) -> int:
    fresh_scheduler()
    kept = []

    def make():
        kept[:] = make_components(count)

    return traced(make)


def run(quick: bool, reps: int) -> list[Row]:
    count = 20_000 if quick else 100_000
    trivial_class()
    samples = interleave(reps, {
        "axon": lambda: axon_seconds(count),
        "asyncio": lambda: with_tasks(count, timed),
    }, warmup=False)
    micros = {name: [t / count * 1e6 for t in times] for name, times in samples.items()}
    best = {name: min(values) for name, values in micros.items()}
    axon_each = axon_bytes(count) / count
    gc.collect()
    task_each = with_tasks(count, traced) / count
    return [
        Row(f"Axon component, create+activate x{count:,}", best["axon"], "us each",
            micros["axon"], target=f"<= {TARGET_US:g} us", ok=best["axon"] <= TARGET_US),
        Row("asyncio.Task, create_task (context)", best["asyncio"], "us each", micros["asyncio"]),
        Row("ratio Axon / asyncio.Task time", best["axon"] / best["asyncio"], "x"),
        Row("Axon component memory (tracemalloc)", axon_each, "bytes each",
            target=f"<= {TARGET_BYTES:g} B", ok=axon_each <= TARGET_BYTES),
        Row("asyncio.Task memory (context)", task_each, "bytes each"),
    ]

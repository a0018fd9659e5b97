"""backplane: fan-out through a Backplane, 1 publisher and 100 subscribers.

What it measures
----------------
One publisher sends ``n`` messages (ints) to a ``Backplane``; 100
subscribers each receive all of them. The figure is deliveries per second
(``n`` x 100 / elapsed). The Axon system is written the way Kamaelia code
is written::

    Backplane("bench")
    Source() -> PublishTo("bench")                 # 100 messages per turn
    100 x  SubscribeTo("bench") -> Counter()       # each drains its inbox per turn

The subscribers are activated before the publisher, so all are subscribed
before the first message is published. Timing starts when the scheduler
starts running (everything made, linked and activated) and stops when the
last counter has all ``n`` messages; that counter then stops the scheduler.
Every run checks that every counter got exactly ``n`` messages, the last
being ``n - 1`` (order kept).

Why the baseline is fair
------------------------
``asyncio.Queue``: the same shape, written as idiomatic, efficient asyncio.
The publisher puts 100 messages per turn into the hub's queue, then
``await asyncio.sleep(0)``; the hub awaits ``get()`` (suspending only when
its queue is empty, like an Axon ``pause()``), then for each waiting
message does ``put_nowait`` into each of 100 subscriber queues; each
subscriber awaits ``get()`` and then drains what is waiting with
``get_nowait()``. Unbounded queues, as Axon inboxes are by default. Default
event loop. Both sides have the same three stages (publisher, hub,
subscribers) and the hub does one put per subscriber per message.

The cyclic GC is paused while timing (as ``timeit`` does) in both
contenders. DESIGN.md sets no target for this figure: the ratio is shown
for information.
"""

from __future__ import annotations

import asyncio
import itertools
from time import perf_counter

from .harness import CHUNK, WATCHDOG_SECONDS, Row, fresh_scheduler, gc_paused, interleave, watchdog
from .pipeline_batch import _a_sink, _a_source, run_asyncio_on_new_loop
from .pipeline_batch import axon_classes as pipeline_classes

NAME = "backplane"
SUBSCRIBERS = 100

_names = itertools.count()


# ------------------------------------------------------------------ Axon
_COUNTER = None


def counter_class():
    """pipeline-batch's Sink, stopping the run only when the last subscriber has all."""
    global _COUNTER
    if _COUNTER is None:
        Sink = pipeline_classes()[2]

        class Counter(Sink):
            def __init__(self, n: int, race: dict) -> None:
                super().__init__(n)
                self.race = race

            def allArrived(self) -> None:
                self.race["left"] -= 1
                if not self.race["left"]:
                    self.scheduler.stop()

        _COUNTER = Counter
    return _COUNTER


def check(name: str, n: int, results: list[tuple[int | None, object]]) -> None:
    """Fail unless every subscriber got exactly ``n`` messages ending with ``n - 1``."""
    wrong = [(count, last) for count, last in results if count != n or last != n - 1]
    assert not wrong, (
        f"{name}: {len(wrong)} of {len(results)} subscribers did not get all {n} messages "
        f"in order within {WATCHDOG_SECONDS:g} s (e.g. {wrong[0][0]} messages, last "
        f"{wrong[0][1]!r}); the fan-out is broken")


def run_axon(n: int) -> float:
    """Seconds for the Backplane to deliver ``n`` messages to each subscriber."""
    from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo

    Source, Counter = pipeline_classes()[0], counter_class()
    sched = fresh_scheduler()
    name = f"bench-{next(_names)}"
    race = {"left": SUBSCRIBERS}
    Backplane(name).activate()
    counters = []
    for _ in range(SUBSCRIBERS):
        subscription, counter = SubscribeTo(name), Counter(n, race)
        subscription.link((subscription, "outbox"), (counter, "inbox"))
        subscription.activate()
        counter.activate()
        counters.append(counter)
    source, publisher = Source(n=n, chunk=CHUNK), PublishTo(name)
    source.link((source, "outbox"), (publisher, "inbox"))
    publisher.activate()
    source.activate()
    with watchdog(sched.stop), gc_paused():
        start = perf_counter()
        sched.runThreads()         # the last counter's stop() also closes the backplane
    check("Axon", n, [(c.count, c.last) for c in counters])
    return max(c.finished for c in counters) - start


# --------------------------------------------------------------- asyncio
async def _a_hub(hub: asyncio.Queue, subscribers: list[asyncio.Queue]) -> None:
    while True:
        msg = await hub.get()
        for q in subscribers:
            q.put_nowait(msg)
        while not hub.empty():
            msg = hub.get_nowait()
            for q in subscribers:
                q.put_nowait(msg)


async def _run_asyncio_fanout(n: int) -> float:
    loop = asyncio.get_running_loop()
    hub: asyncio.Queue = asyncio.Queue()
    queues: list[asyncio.Queue] = [asyncio.Queue() for _ in range(SUBSCRIBERS)]
    subscribers = [loop.create_task(_a_sink(q, n)) for q in queues]   # counting tasks
    helpers = [loop.create_task(_a_hub(hub, queues)), loop.create_task(_a_source(hub, n))]
    everyone = asyncio.gather(*subscribers)
    with watchdog(lambda: loop.call_soon_threadsafe(everyone.cancel)):
        start = perf_counter()
        try:
            results = await everyone
        except asyncio.CancelledError:
            results = [(None, None, None)] * SUBSCRIBERS
    for task in helpers:
        task.cancel()
    await asyncio.gather(*helpers, return_exceptions=True)
    check("asyncio", n, [(count, last) for _, count, last in results])
    return max(finished for finished, _, _ in results) - start


def run_asyncio(n: int) -> float:
    """Seconds for the asyncio fan-out to deliver ``n`` messages to each subscriber."""
    return run_asyncio_on_new_loop(_run_asyncio_fanout(n))


# ------------------------------------------------------------------ run
LABELS = {"axon": "Axon Backplane", "asyncio": "asyncio.Queue fan-out"}


def run(quick: bool, reps: int) -> list[Row]:
    n = 2_000 if quick else 20_000
    samples = interleave(reps, {"axon": lambda: run_axon(n), "asyncio": lambda: run_asyncio(n)})
    deliveries = n * SUBSCRIBERS
    rates = {name: [deliveries / t / 1e6 for t in times] for name, times in samples.items()}
    best = {name: max(values) for name, values in rates.items()}
    rows = [Row(f"{LABELS[name]} (1 -> {SUBSCRIBERS})", best[name], "M deliveries/s",
                rates[name]) for name in samples]
    rows.append(Row("ratio Axon / asyncio", best["axon"] / best["asyncio"], "x",
                    target="(no target)"))
    return rows

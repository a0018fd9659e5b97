"""scale-backplane: Backplane fan-out to 10, 100, 1,000 and 10,000 subscribers.

What it measures
----------------
The backplane benchmark's system (one publisher, one ``Backplane``, S
subscribers) at S = 10, 100, 1,000 and 10,000 (up to 1,000 with
``--quick``), written the way Kamaelia code is written::

    Backplane("bench")
    Source() -> PublishTo("bench")                 # 100 messages per turn
    S x  SubscribeTo("bench") -> Counter()         # each drains its inbox per turn

The figure is messages delivered per second (messages x subscribers /
elapsed) and its inverse, the cost per delivery in ns. Each point delivers
the same total, 2M (400k with ``--quick``): 200k messages to 10
subscribers, ..., 200 to 10,000. The last rows are the growth of the cost
per delivery from the fewest subscribers to the most, for each contender.

Set-up is not timed, on either side: the subscribers are made, activated
and run until every one has subscribed and is paused (the hub has all S
destinations: checked), then the source and publisher are activated and the
clock starts as the scheduler starts running; it stops when the last
counter has all its messages (that counter then stops the scheduler). Every
run checks that every subscriber got exactly every message, in order
(the backplane benchmark's check).

Why the baseline is fair
------------------------
The asyncio version is the lean, idiomatic fan-out: one ``asyncio.Queue``
per subscriber (unbounded, as Axon inboxes are by default), and a
publisher that, for each message, calls ``put_nowait()`` on every queue, 100
messages per turn, then ``await asyncio.sleep(0)``; each subscriber is a
task that awaits ``get()`` (suspending only when its queue is empty, like
an Axon ``pause()``) and then drains what is waiting with ``get_nowait()``
(pipeline-batch's counting sink). The subscriber tasks are made and started
(each waiting in ``get()``) before the clock starts, as the Axon
subscribers are. It has no hub between the publisher and the subscriber
queues, where the Axon system has two components (PublishTo and the
Backplane's splitter) that every message passes through before it is
copied: per delivery this weighs little from 100 subscribers on, and it can
only favour asyncio. Default event loop; the cyclic GC is paused while
timing (as ``timeit`` does) in both. There is no target.
"""

from __future__ import annotations

import asyncio
import itertools
from time import perf_counter

from .backplane import check, counter_class
from .harness import CHUNK, Row, fresh_scheduler, gc_paused, interleave, watchdog
from .pipeline_batch import _a_sink, axon_classes, run_asyncio_on_new_loop

NAME = "scale-backplane"

POINTS = (10, 100, 1_000, 10_000)
QUICK_POINTS = (10, 100, 1_000)
DELIVERIES = 2_000_000
QUICK_DELIVERIES = 400_000

_names = itertools.count()


# ------------------------------------------------------------------ Axon
def run_axon(n: int, subscribers: int) -> float:
    """Seconds for a Backplane to deliver ``n`` messages to each of ``subscribers``."""
    from Kamaelia.Util.Backplane import Backplane, PublishTo, SubscribeTo

    Source, Counter = axon_classes()[0], counter_class()
    sched = fresh_scheduler()
    name = f"scale-{next(_names)}"
    race = {"left": subscribers}
    with gc_paused():                 # set-up, not timed: spare it needless collections
        backplane = Backplane(name).activate()
        counters = []
        for _ in range(subscribers):
            subscription, counter = SubscribeTo(name), Counter(n, race)
            subscription.link((subscription, "outbox"), (counter, "inbox"))
            subscription.activate()
            counter.activate()
            counters.append(counter)
        rounds = sched.main()
        for _ in rounds:              # until everyone has subscribed and paused
            if not sched._runqueue:
                break
        rounds.close()
    subscribed = len(backplane.splitter._destinations)
    assert subscribed == subscribers, f"only {subscribed} of {subscribers} subscribed"
    source, publisher = Source(n=n, chunk=CHUNK), PublishTo(name)
    source.link((source, "outbox"), (publisher, "inbox"))
    publisher.activate()
    source.activate()
    with watchdog(sched.stop), gc_paused():
        start = perf_counter()
        sched.runThreads()            # the last counter's stop() also closes the backplane
    check("Axon", n, [(c.count, c.last) for c in counters])
    return max(c.finished for c in counters) - start


# --------------------------------------------------------------- asyncio
async def _a_publisher(queues: list[asyncio.Queue], n: int) -> None:
    for start in range(0, n, CHUNK):
        for i in range(start, min(start + CHUNK, n)):
            for q in queues:
                q.put_nowait(i)
        await asyncio.sleep(0)


async def _fanout(n: int, subscribers: int) -> float:
    loop = asyncio.get_running_loop()
    queues: list[asyncio.Queue] = [asyncio.Queue() for _ in range(subscribers)]
    tasks = [loop.create_task(_a_sink(q, n)) for q in queues]
    await asyncio.sleep(0)            # set-up, not timed: every subscriber waits in get()
    everyone = asyncio.gather(*tasks)
    with watchdog(lambda: loop.call_soon_threadsafe(everyone.cancel)):
        start = perf_counter()
        publisher = loop.create_task(_a_publisher(queues, n))
        try:
            results = await everyone
        except asyncio.CancelledError:
            results = [(None, None, None)] * subscribers
    publisher.cancel()
    await asyncio.gather(publisher, return_exceptions=True)
    check("asyncio", n, [(count, last) for _, count, last in results])
    return max(finished for finished, _, _ in results) - start


def run_asyncio(n: int, subscribers: int) -> float:
    """Seconds for the asyncio fan-out to deliver ``n`` messages to each of ``subscribers``."""
    return run_asyncio_on_new_loop(_fanout(n, subscribers))


# ------------------------------------------------------------------ run
LABELS = {"axon": "Axon Backplane", "asyncio": "asyncio.Queue per subscriber"}


def run(quick: bool, reps: int) -> list[Row]:
    points = QUICK_POINTS if quick else POINTS
    deliveries = QUICK_DELIVERIES if quick else DELIVERIES
    rows: list[Row] = []
    ns_each: dict[str, dict[int, float]] = {name: {} for name in LABELS}
    for subscribers in points:
        n = deliveries // subscribers
        samples = interleave(reps, {
            "axon": lambda: run_axon(n, subscribers),
            "asyncio": lambda: run_asyncio(n, subscribers),
        })
        best = {}
        for name, times in samples.items():
            rates = [n * subscribers / t / 1e6 for t in times]
            best[name] = max(rates)
            rows.append(Row(f"{LABELS[name]}, 1 -> {subscribers:,} x {n:,} msgs", best[name],
                            "M deliveries/s", rates))
        for name, times in samples.items():
            ns = [t / (n * subscribers) * 1e9 for t in times]
            ns_each[name][subscribers] = min(ns)
            rows.append(Row(f"{LABELS[name]}, 1 -> {subscribers:,}: cost per delivery", min(ns),
                            "ns each", ns))
        rows.append(Row(f"ratio Axon / asyncio, 1 -> {subscribers:,}",
                        best["axon"] / best["asyncio"], "x"))
    first, last = points[0], points[-1]
    for name in LABELS:
        rows.append(Row(f"{LABELS[name]}: cost per delivery growth, {last:,} / {first:,}",
                        ns_each[name][last] / ns_each[name][first], "x"))
    return rows

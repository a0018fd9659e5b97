"""processes: components as processes against single-process and multiprocessing baselines.

What it measures
----------------
1. **Two CPU-bound stages**, hashing then compressing 256 KB blocks (the
   stages calibrated at start-up to take about as long as each other), as a
   ``Pipeline`` (both stages in this process, one after the other) and as a
   ``ProcessPipeline`` (each in a process of its own). The figure is the
   speed-up, Pipeline time / ProcessPipeline time; target >= 1.7x on the
   2-core machine (2x is the ceiling: the parent, which feeds the blocks and
   relays them between the stages, also needs some CPU).
2. **Small messages across one process boundary**: a component in a child
   process sends ``n`` ints to a component in the parent
   (``ProcessWrapComponent(source)`` -> sink), against the textbook
   ``multiprocessing.Queue`` producer/consumer (a child process ``put``-s
   ``n`` ints, the parent ``get``-s them). Both start their child with the
   same ``forkserver`` context and include that start in the time. Target:
   ours >= 2x the Queue's messages per second (we pickle and send what is
   waiting as one batch per turn; the Queue pickles and sends each message).
3. **A process pool**: ``ProcessPoolTransformer`` against
   ``concurrent.futures.ProcessPoolExecutor.map`` (same ``forkserver``
   context, same number of workers, default ``chunksize``) on the same
   CPU-bound function over the same items, pool start-up included in both.
   Target: within 10% (ratio executor time / ours >= 0.9).

Every run checks its results (order and content); a wrong result fails the
benchmark, a slow one is only a MISS.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from time import perf_counter
from typing import Any

from .harness import Row, fresh_scheduler, interleave

NAME = "processes"

SPEEDUP_TARGET = 1.7
THROUGHPUT_TARGET = 2.0
POOL_TARGET = 0.9


def runSystem(*chain: Any) -> Any:
    """Chain the components in a Pipeline, run it on a fresh scheduler; return the last."""
    from Kamaelia.Chassis.Pipeline import Pipeline
    fresh_scheduler()
    Pipeline(*chain).run()
    return chain[-1]


# ----------------------------------------------- 1: two CPU-bound stages
def stages(chassis: Any, blocks: list[Any], expected: list[Any]) -> float:
    from Kamaelia.Util.PureTransformer import PureTransformer

    from ._processwork import Sink, Source, compressStage, hashStage
    start = perf_counter()
    sink = runSystem(Source(blocks),
                     chassis(PureTransformer(hashStage), PureTransformer(compressStage)),
                     Sink())
    elapsed = perf_counter() - start
    assert sink.got == expected, f"{chassis.__name__}: wrong results"
    return elapsed


# ------------------------------------- 2: small messages across a boundary
def acrossOneBoundary(n: int) -> float:
    from Axon.experimental.Process import ProcessWrapComponent

    from ._processwork import Counter, Sink
    start = perf_counter()
    sink = runSystem(ProcessWrapComponent(Counter(n)), Sink())
    elapsed = perf_counter() - start
    assert sink.got == list(range(n)), "ProcessWrapComponent: messages lost or reordered"
    return elapsed


def _queueProducer(queue: Any, n: int) -> None:
    for i in range(n):
        queue.put(i)


def queueBaseline(n: int) -> float:
    from Axon.experimental._pipes import processContext
    context = processContext()
    start = perf_counter()
    queue = context.Queue()
    producer = context.Process(target=_queueProducer, args=(queue, n))
    producer.start()
    got = [queue.get() for _ in range(n)]
    producer.join()
    elapsed = perf_counter() - start
    queue.close()
    queue.join_thread()
    assert got == list(range(n)), "multiprocessing.Queue: messages lost or reordered"
    return elapsed


# ------------------------------------------------------------- 3: a pool
def ours(items: list[int], expected: list[int]) -> float:
    from Kamaelia.Util.ProcessPoolTransformer import ProcessPoolTransformer

    from ._processwork import Sink, Source, poolWork
    start = perf_counter()
    sink = runSystem(Source(items), ProcessPoolTransformer(poolWork, workers=2), Sink())
    elapsed = perf_counter() - start
    assert sink.got == expected, "ProcessPoolTransformer: wrong results"
    return elapsed


def executor(items: list[int], expected: list[int]) -> float:
    from Axon.experimental._pipes import processContext

    from ._processwork import poolWork
    start = perf_counter()
    with ProcessPoolExecutor(max_workers=2, mp_context=processContext()) as pool:
        got = list(pool.map(poolWork, items))
    elapsed = perf_counter() - start
    assert got == expected, "ProcessPoolExecutor: wrong results"
    return elapsed


# ------------------------------------------------------------------- run
def run(quick: bool, reps: int) -> list[Row]:
    from ._processwork import calibrate, compressStage, hashStage, makeBlocks, poolWork
    blocks = makeBlocks(96 if quick else 256, calibrate())
    expectedStages = [compressStage(hashStage(block)) for block in blocks]
    n = 50_000 if quick else 200_000
    items = list(range(150 if quick else 500))
    expectedPool = [poolWork(item) for item in items]
    from Axon.experimental.Process import ProcessPipeline
    from Kamaelia.Chassis.Pipeline import Pipeline

    rows: list[Row] = []
    samples = interleave(reps, {
        "pipeline": lambda: stages(Pipeline, blocks, expectedStages),
        "processes": lambda: stages(ProcessPipeline, blocks, expectedStages),
    })
    best = {name: min(times) for name, times in samples.items()}
    rows.append(Row(f"Pipeline, 2 stages x {len(blocks)} blocks", best["pipeline"] * 1e3,
                    "ms", [t * 1e3 for t in samples["pipeline"]]))
    rows.append(Row("ProcessPipeline, same", best["processes"] * 1e3, "ms",
                    [t * 1e3 for t in samples["processes"]]))
    speedup = best["pipeline"] / best["processes"]
    rows.append(Row("speed-up ProcessPipeline / Pipeline", speedup, "x",
                    target=f">= {SPEEDUP_TARGET:g}x", ok=speedup >= SPEEDUP_TARGET))

    samples = interleave(reps, {
        "ours": lambda: acrossOneBoundary(n),
        "queue": lambda: queueBaseline(n),
    })
    rate = {name: [n / t / 1e3 for t in times] for name, times in samples.items()}
    rows.append(Row(f"ProcessWrapComponent -> parent, {n:,} ints", max(rate["ours"]),
                    "k msg/s", rate["ours"]))
    rows.append(Row("multiprocessing.Queue, same", max(rate["queue"]), "k msg/s",
                    rate["queue"]))
    ratio = max(rate["ours"]) / max(rate["queue"])
    rows.append(Row("ratio ours / Queue", ratio, "x", target=f">= {THROUGHPUT_TARGET:g}x",
                    ok=ratio >= THROUGHPUT_TARGET))

    samples = interleave(reps, {
        "ours": lambda: ours(items, expectedPool),
        "executor": lambda: executor(items, expectedPool),
    })
    best = {name: min(times) for name, times in samples.items()}
    rows.append(Row(f"ProcessPoolTransformer, {len(items)} items, 2 workers",
                    best["ours"] * 1e3, "ms", [t * 1e3 for t in samples["ours"]]))
    rows.append(Row("ProcessPoolExecutor.map, same", best["executor"] * 1e3, "ms",
                    [t * 1e3 for t in samples["executor"]]))
    ratio = best["executor"] / best["ours"]
    rows.append(Row("ratio Executor time / ours", ratio, "x", target=f">= {POOL_TARGET:g}x",
                    ok=ratio >= POOL_TARGET))
    multiprocessing.active_children()      # join anything left (nothing should be)
    return rows

"""Passthrough pipelines of any length, for pipeline-114 and the scale benchmarks.

The same contenders as :mod:`.pipeline_batch` (whose source, stage, sink,
asyncio coroutines and checks are reused as they are), with the number of
stages a parameter instead of ``STAGES``, and with a way to run the Axon
pipeline on a scheduler that also holds other (paused) components, which
must outlive the run.
"""

from __future__ import annotations

import asyncio
from time import perf_counter

from .harness import CHUNK, fresh_scheduler, gc_paused, watchdog
from .pipeline_batch import _a_sink, _a_source, _a_stage, axon_classes, check, run_asyncio_pipeline

__all__ = ["build_axon_chain", "run_axon_chain", "run_axon_chain_beside", "quiet_sink_class",
           "asyncio_chain", "run_asyncio_chain"]


def build_axon_chain(n: int, stages: int, Stage=None, Sink=None, sched=None) -> list:
    """Source -> ``stages`` x Stage -> Sink, linked and activated (onto ``sched`` if given).

    Stage and Sink default to pipeline-batch's; the source is pipeline-batch's
    (``CHUNK`` messages per turn).
    """
    Source, BatchStage, BatchSink, _ = axon_classes()
    Stage, Sink = Stage or BatchStage, Sink or BatchSink
    chain = [Source(n=n, chunk=CHUNK)] + [Stage() for _ in range(stages)] + [Sink(n=n)]
    for up, down in zip(chain, chain[1:]):
        up.link((up, "outbox"), (down, "inbox"))
    for comp in chain:
        if sched is None:
            comp.activate()
        else:
            comp.activate(Scheduler=sched)
    return chain


def run_axon_chain(n: int, stages: int, Stage=None, Sink=None) -> float:
    """Seconds to move ``n`` messages through a fresh ``stages``-stage Axon pipeline.

    As pipeline-batch's ``run_axon``: a fresh scheduler, timed from
    ``runThreads()`` to the sink's last message; the sink then stops the scheduler.
    """
    sched = fresh_scheduler()
    sink = build_axon_chain(n, stages, Stage, Sink)[-1]
    with watchdog(sched.stop), gc_paused():
        start = perf_counter()
        sched.runThreads()
    check("Axon", n, sink.count, sink.last)
    return sink.finished - start


_QUIET_SINK = None


def quiet_sink_class():
    """pipeline-batch's Sink, but it does not stop the scheduler (others live on it)."""
    global _QUIET_SINK
    if _QUIET_SINK is None:
        Sink = axon_classes()[2]

        class QuietSink(Sink):
            def allArrived(self) -> None:
                pass            # it just ends; the other components carry on

        _QUIET_SINK = QuietSink
    return _QUIET_SINK


def run_axon_chain_beside(sched, n: int, stages: int) -> float:
    """Seconds to move ``n`` messages through a batch pipeline added to ``sched``,
    which already holds other (paused) components that must survive the run.

    The scheduler is driven one round at a time (``sched.main()``, the loop
    ``runThreads`` runs, without blocking) until the sink has all ``n``; the
    pipeline's stages are then stopped and closed down, leaving ``sched`` as
    it was.
    """
    chain = build_axon_chain(n, stages, Sink=quiet_sink_class(), sched=sched)
    sink = chain[-1]
    timedOut = []
    rounds = sched.main()
    try:
        with watchdog(lambda: timedOut.append(True)), gc_paused():
            start = perf_counter()
            for _ in rounds:
                if sink.finished is not None or timedOut:
                    break
    finally:
        rounds.close()
    for comp in chain:
        comp.stop()          # the stages wait for more; close them down (untimed)
    rounds = sched.main()
    next(rounds)             # the stop requests are handled at the end of a round
    rounds.close()
    check("Axon", n, sink.count, sink.last)
    assert not sched._runqueue, "the pipeline's components did not all end"
    return sink.finished - start


async def asyncio_chain(n: int, stages: int) -> float:
    """pipeline-batch's asyncio pipeline with ``stages`` stages (inside a running loop)."""
    return await run_asyncio_pipeline(n, _a_source, _a_stage, _a_sink, stages)


def run_asyncio_chain(n: int, stages: int, loop: asyncio.AbstractEventLoop | None = None) -> float:
    """Seconds to move ``n`` messages through a ``stages``-stage asyncio.Queue pipeline.

    On ``loop`` if given (it may hold other tasks), else on a new event loop.
    The cyclic GC is paused throughout.
    """
    if loop is not None:
        with gc_paused():
            return loop.run_until_complete(asyncio_chain(n, stages))
    loop = asyncio.new_event_loop()
    try:
        with gc_paused():
            return loop.run_until_complete(asyncio_chain(n, stages))
    finally:
        loop.close()


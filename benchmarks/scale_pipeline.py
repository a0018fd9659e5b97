"""scale-pipeline: batch pipeline throughput with 10, 100 and 1,000 stages.

What it measures
----------------
pipeline-batch's pipeline (a source sending 100 messages per turn, N
passthrough stages each draining its inbox per turn with ``self.Inbox``, a
counting sink) with N = 10, 100 and 1,000 stages. Each point moves the same
number of hops (messages x stages): 2M (400k with ``--quick``), so 200k
messages through 10 stages, 20k through 100 and 2k through 1,000, and each
point takes about the same time (0.2-1 s a run here). The figures per
point are hops per second and its inverse, the cost per hop in ns; the last
rows are the growth of the cost per hop from 10 to 1,000 stages
(ns/hop at 1,000 / ns/hop at 10) for each contender: 1.0 means the cost of
moving a message one stage does not depend on how long the pipeline is.
The source's and the sink's work (making and counting each message) is
per message, not per hop: with 10 stages it is spread over only 10 hops
and adds about a fifth to the cost per hop, from 100 stages on it is lost
in the noise. So the growth from 100 to 1,000 stages is shown as well: it
is the one that isolates the effect of length.

Timing, the stop condition and the count/order check are as in
pipeline-batch (a fresh scheduler per run, timed from ``runThreads()`` to
the sink's last message). With 1,000 stages and 2k messages (20 chunks)
the pipeline is mostly filling and draining: at most 20 stages have work in
a round. That costs an event-driven scheduler nothing extra per hop (only
runnable components are run), which is what this benchmark checks; it
would cost a scheduler that visits every component each round (1.14's)
about 1,000 / 20 = 50 idle visits per useful one.

Why the baseline is fair
------------------------
pipeline-batch's ``asyncio.Queue`` pipeline with the same number of stages
and the same messages, measured in the same run, interleaved: each stage
awaits ``get()`` (suspending only when its queue is empty), drains what is
waiting with ``get_nowait()`` and forwards with ``put_nowait()``; the
source puts 100 per turn then ``await asyncio.sleep(0)``. The event loop,
like the Axon scheduler, only runs what is ready, so both should scale
alike; a growth above 1 on both sides is the interpreter's (more frames and
queues than fit in the CPU caches), above 1 on one side only is that
framework's. No bare-generator floor here: stepped round-robin, it would
visit every idle stage, so it is no floor for long, mostly idle pipelines.

The cyclic GC is paused while timing (as ``timeit`` does) in both contenders.
There is no target: the ratios are shown for information.
"""

from __future__ import annotations

from .harness import Row, interleave
from ._chain import run_asyncio_chain, run_axon_chain

NAME = "scale-pipeline"

POINTS = (10, 100, 1000)
HOPS = 2_000_000
QUICK_HOPS = 400_000

LABELS = {"axon": "Axon components", "asyncio": "asyncio.Queue pipeline"}


def run(quick: bool, reps: int) -> list[Row]:
    hops = QUICK_HOPS if quick else HOPS
    rows: list[Row] = []
    ns_per_hop: dict[str, dict[int, float]] = {name: {} for name in LABELS}
    for stages in POINTS:
        n = hops // stages
        samples = interleave(reps, {
            "axon": lambda: run_axon_chain(n, stages),
            "asyncio": lambda: run_asyncio_chain(n, stages),
        })
        best = {}
        for name, times in samples.items():
            mhops = [n * stages / t / 1e6 for t in times]
            best[name] = max(mhops)
            ns_per_hop[name][stages] = 1e3 / best[name]
            rows.append(Row(f"{LABELS[name]}, {stages:,} stages x {n:,} msgs", best[name],
                            "M hops/s", mhops))
        for name, times in samples.items():
            ns = [t / (n * stages) * 1e9 for t in times]
            rows.append(Row(f"{LABELS[name]}, {stages:,} stages: cost per hop", min(ns),
                            "ns/hop", ns))
        rows.append(Row(f"ratio Axon / asyncio, {stages:,} stages", best["axon"] / best["asyncio"],
                        "x"))
    last = POINTS[-1]
    for first in POINTS[:2]:
        for name in LABELS:
            rows.append(Row(f"{LABELS[name]}: cost per hop growth, {last:,} / {first:,} stages",
                            ns_per_hop[name][last] / ns_per_hop[name][first], "x"))
    return rows

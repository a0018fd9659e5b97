"""statistics-overhead: what scheduler statistics cost the pipeline benchmarks.

What it measures
----------------
The ``pipeline-batch`` and ``pipeline-one`` Axon pipelines (10 stages,
100k messages; 20k with ``--quick``), each run with statistics off and
with them on (``scheduler.statistics.enable()``, the default sampling:
about one round in 256 timed), interleaved. The figure is hops per second as
in those benchmarks; the ratio on / off of the bests must be at least 0.95
(issue: statistics cheap enough to leave on, the pipeline no more than 5%
slower). A context row shows the cost of exact figures
(``enable(sampleEvery=1)``: every run timed, every inbox measured).

Why it is fair
--------------
Both sides run the very code the pipeline benchmarks time: this module
only makes their scheduler with statistics enabled, by handing their
``run_axon`` a scheduler factory that enables them (the benchmarks take
their factory from their module's namespace). Everything else, including
the cyclic GC paused while timing, is theirs. The "off" runs come after
"on" runs in the same process, so any lasting effect of having used
statistics once is charged to "off" as well.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from . import harness, pipeline_batch, pipeline_one
from .harness import STAGES, Row, interleave

NAME = "statistics-overhead"
TARGET = 0.95         # statistics on >= 0.95x statistics off


@contextmanager
def statistics_on(module: Any, sampleEvery: int | None = None) -> Iterator[None]:
    """While inside, ``module.run_axon`` builds its scheduler with statistics on."""
    def fresh_scheduler_counting():
        sched = harness.fresh_scheduler()
        if sampleEvery is None:
            sched.statistics.enable()
        else:
            sched.statistics.enable(sampleEvery=sampleEvery)
        return sched

    module.fresh_scheduler = fresh_scheduler_counting
    try:
        yield
    finally:
        module.fresh_scheduler = harness.fresh_scheduler


def timed(module: Any, n: int, sampleEvery: int | None = None, on: bool = True) -> float:
    """Seconds for ``module``'s Axon pipeline to move ``n`` messages, statistics on or off."""
    if not on:
        return module.run_axon(n)
    with statistics_on(module, sampleEvery):
        return module.run_axon(n)


def run(quick: bool, reps: int) -> list[Row]:
    n = 20_000 if quick else 100_000
    samples = interleave(reps, {
        "batch off": lambda: timed(pipeline_batch, n, on=False),
        "batch on": lambda: timed(pipeline_batch, n),
        "batch exact": lambda: timed(pipeline_batch, n, sampleEvery=1),
        "one off": lambda: timed(pipeline_one, n, on=False),
        "one on": lambda: timed(pipeline_one, n),
        "one exact": lambda: timed(pipeline_one, n, sampleEvery=1),
    })
    hops = n * STAGES
    mhops = {name: [hops / t / 1e6 for t in times] for name, times in samples.items()}
    best = {name: max(values) for name, values in mhops.items()}
    rows = []
    for shape in ("batch", "one"):
        for mode in ("off", "on"):
            rows.append(Row(f"pipeline-{shape}, statistics {mode}", best[f"{shape} {mode}"],
                            "M hops/s", mhops[f"{shape} {mode}"]))
        ratio = best[f"{shape} on"] / best[f"{shape} off"]
        rows.append(Row(f"ratio on / off ({shape})", ratio, "x", target=f">= {TARGET:g}x",
                        ok=ratio >= TARGET))
        rows.append(Row(f"ratio exact / off ({shape})", best[f"{shape} exact"]
                        / best[f"{shape} off"], "x"))
    return rows

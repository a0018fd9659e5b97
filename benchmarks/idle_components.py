"""idle-components: does having 100k paused components alive slow active work down?

What it measures
----------------
The ``pipeline-batch`` Axon figure (M hops/s) twice, interleaved in the same
run: on a fresh scheduler with nothing else on it, and on a fresh scheduler
that also holds 100,000 extra components, each activated and run once so
that it is paused (``while True: self.pause(); yield 1``). Making the idle
components and their first round are set-up, not timed.

DESIGN.md asks that cost grow with *active* work, not with the number of
components alive: a scheduler that scans every component each round (as
Kamaelia 1.14's did) would be many times slower here; one that keeps a run
queue of runnable components only should be within noise.

Why the baseline is fair
------------------------
The baseline is the same pipeline, same code, same scheduler class, measured
in the same process alternately with the loaded case, so machine load and
interpreter warm-up affect both equally. The cyclic GC is paused while timing
(as ``timeit`` does), so the ratio reflects the scheduler, not how long a
collection over 100k extra objects takes.
"""

from __future__ import annotations

from .harness import STAGES, Row, interleave
from .pipeline_batch import run_axon

NAME = "idle-components"
TARGET = 0.9          # with idle / without >= 0.9


def run(quick: bool, reps: int) -> list[Row]:
    n = 20_000 if quick else 100_000
    idle = 100_000
    samples = interleave(reps, {
        "without": lambda: run_axon(n),
        "with": lambda: run_axon(n, idle=idle),
    }, warmup=False)                  # pipeline-batch already warmed up the same code
    mhops = {name: [n * STAGES / t / 1e6 for t in times] for name, times in samples.items()}
    best = {name: max(values) for name, values in mhops.items()}
    ratio = best["with"] / best["without"]
    return [
        Row("batch pipeline alone", best["without"], "M hops/s", mhops["without"]),
        Row(f"with {idle:,} paused components", best["with"], "M hops/s", mhops["with"]),
        Row("ratio with / without", ratio, "x", target=f">= {TARGET:g}x", ok=ratio >= TARGET),
    ]

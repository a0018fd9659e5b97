"""pipeline-on-asyncio: the batch pipeline with the scheduler driven by asyncio.

What it measures
----------------
The same 10-stage, 100k-message batch pipeline as ``pipeline-batch``, but the
Axon scheduler runs inside an asyncio event loop (``await
scheduler.runAsync()``: no extra thread; the loop gets control back every
couple of milliseconds while components are busy). It is compared with the
same ``asyncio.Queue`` pipeline as ``pipeline-batch``, and with the classic
scheduler, all in the same run.

Why it is fair
--------------
Both run on a fresh default asyncio event loop with the cyclic GC paused.
The target (issue: asyncio interoperability) is that Kamaelia on asyncio
stays at least 2x an asyncio.Queue pipeline of the same shape; the classic
row shows what, if anything, the loop hand-offs cost.
"""

from __future__ import annotations

from .harness import Row, interleave
from .pipeline_batch import run_asyncio, run_axon, throughput_rows

NAME = "pipeline-on-asyncio"
TARGET = 2.0          # Axon on asyncio >= 2x the asyncio.Queue pipeline

LABELS = {
    "axon": "Axon on an asyncio loop",
    "asyncio": "asyncio.Queue pipeline",
    "bare": "Axon, classic scheduler",
}


def run(quick: bool, reps: int) -> list[Row]:
    n = 20_000 if quick else 100_000
    samples = interleave(reps, {
        "axon": lambda: run_axon(n, onAsyncio=True),
        "asyncio": lambda: run_asyncio(n),
        "bare": lambda: run_axon(n),
    })
    rows = throughput_rows(n, samples, LABELS, TARGET)
    rows[-1] = Row("ratio on asyncio / classic", rows[0].value / rows[2].value, "x")
    return rows

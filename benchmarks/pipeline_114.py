"""pipeline-114: the batch pipeline written as Kamaelia 1.14 code writes it.

What it measures
----------------
The shape and figure of ``pipeline-batch`` (a source sending 100k messages,
100 per turn, through 10 passthrough stages to a counting sink; hops per
second), but every stage drains its inbox with the 1.14 idiom instead of
``self.Inbox(...)``::

    while True:
        while self.dataReady("inbox"):
            self.send(self.recv("inbox"), "outbox")
        self.pause()
        yield 1

and the sink counts the same way (``while self.dataReady("inbox"): last =
self.recv("inbox")``). Most existing Kamaelia components are written like
this, so this is the figure they get: each message costs a ``dataReady``
and a ``recv`` call (two method calls and two box look-ups) where
``Inbox`` costs one step of a generator. The source is pipeline-batch's.
Timing, the stop condition and the count/order check are as in
``pipeline-batch``.

Why the baselines are fair
--------------------------
They are pipeline-batch's, unchanged and measured again in this run:

* ``asyncio.Queue``: each stage awaits ``get()`` (suspending only when its
  queue is empty, like an Axon ``pause()``), then drains what is waiting
  with ``get_nowait()`` and forwards with ``put_nowait()``; the source puts
  100 per turn, then ``await asyncio.sleep(0)``. That drain loop
  (``while not qi.empty(): qo.put_nowait(qi.get_nowait())``) is the asyncio
  counterpart of the 1.14 loop: a test and a take per message.
* bare generators over deques, stepped round-robin: the pure-Python floor.

The cyclic GC is paused while timing (as ``timeit`` does) in every contender.
"""

from __future__ import annotations

from time import perf_counter

from .harness import STAGES, Row, interleave
from .pipeline_batch import LABELS, axon_classes, run_asyncio, run_bare, throughput_rows
from ._chain import run_axon_chain

NAME = "pipeline-114"
TARGET = 4.0          # ours >= 4x asyncio


def _axon_classes():
    from Axon.Component import component

    Sink = axon_classes()[2]

    class Stage(component):
        def main(self):
            while True:
                while self.dataReady("inbox"):
                    self.send(self.recv("inbox"), "outbox")
                self.pause()
                yield 1

    class Sink114(Sink):
        """pipeline-batch's sink, counting with ``dataReady``/``recv``."""

        def main(self):
            count, last = 0, None
            while True:
                while self.dataReady("inbox"):
                    last = self.recv("inbox")
                    count += 1
                if count >= self.n:
                    break
                self.pause()
                yield 1
            self.finished = perf_counter()
            self.count, self.last = count, last
            self.allArrived()

    return Stage, Sink114


_CLASSES = None


def run_axon(n: int) -> float:
    """Seconds to move ``n`` messages through the 1.14-style Axon pipeline."""
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _axon_classes()
    Stage, Sink = _CLASSES
    return run_axon_chain(n, STAGES, Stage, Sink)


def run(quick: bool, reps: int) -> list[Row]:
    n = 20_000 if quick else 100_000
    samples = interleave(reps, {
        "axon": lambda: run_axon(n),
        "asyncio": lambda: run_asyncio(n),
        "bare": lambda: run_bare(n),
    })
    labels = dict(LABELS, axon="Axon components, 1.14 style (dataReady/recv)")
    return throughput_rows(n, samples, labels, TARGET)

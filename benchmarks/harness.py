"""Shared helpers for the benchmarks: interleaved best-of timing, a watchdog, the table.

Every benchmark module exposes ``NAME`` and ``run(quick, reps) ->
list[Row]``. Measurements are taken by :func:`interleave`, which runs each
contender once per repetition, rotating the order so no contender always goes
first, and keeps every sample; the benchmark reports the best one (the least
disturbed by other load on the machine) and ratios of bests.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

__all__ = ["Row", "interleave", "gc_paused", "watchdog", "fresh_scheduler",
           "print_table", "STAGES", "CHUNK", "WATCHDOG_SECONDS"]

#: Shape shared by the pipeline benchmarks.
STAGES = 10
CHUNK = 100
#: A run that takes longer than this is broken (lost messages), not slow.
WATCHDOG_SECONDS = 120.0


@dataclass
class Row:
    """One line of the results table.

    ``ok`` is None for figures shown only as context, else whether ``target``
    is met. ``runs`` are all the samples (same unit as ``value``).
    """

    label: str
    value: float
    unit: str
    runs: list[float] = field(default_factory=list)
    target: str = ""
    ok: bool | None = None


def interleave(reps: int, contenders: dict[str, Callable[[], float]],
               warmup: bool = True) -> dict[str, list[float]]:
    """Run each contender ``reps`` times, interleaved and rotated; return all samples.

    A contender does its own set-up, times only the part that matters, checks
    its result and returns the elapsed seconds. With ``warmup``, each one first
    runs once untimed (the process's first run pays for growing its heap).
    """
    names = list(contenders)
    if warmup:
        for name in names:
            contenders[name]()
    samples: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()            # garbage of the previous run is not charged to this one
            samples[name].append(contenders[name]())
    return samples


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic garbage collector inside the block (as ``timeit`` does)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def watchdog(on_timeout: Callable[[], object], seconds: float = WATCHDOG_SECONDS) -> Iterator[None]:
    """Call ``on_timeout()`` from another thread if the block is still running after ``seconds``.

    Used to turn a pipeline that lost messages (and so would wait forever)
    into a failed count check. The timer thread sleeps; it costs nothing.
    """
    timer = threading.Timer(seconds, on_timeout)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def fresh_scheduler():
    """A new Axon scheduler (it becomes the default, ``scheduler.run``) that re-raises faults."""
    from Axon.Scheduler import scheduler
    sched = scheduler()
    sched.reraiseExceptions = True   # a failing component must fail the benchmark
    return sched


def _num(value: float, unit: str = "") -> str:
    if unit == "x":
        return f"{value:.3f}"        # a ratio shown as 5.00 must not be a MISS
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def print_table(sections: list[tuple[str, list[Row]]]) -> tuple[int, int]:
    """Print the results, one group of rows per benchmark; return (targets met, checked)."""
    header = ("benchmark", "measurement", "best", "unit", "all runs", "target", "result")
    groups = []
    met = checked = 0
    for name, rows in sections:
        group = []
        for i, row in enumerate(rows):
            verdict = ""
            if row.ok is not None:
                checked += 1
                met += row.ok
                verdict = "PASS" if row.ok else "MISS"
            group.append((name if i == 0 else "", row.label, _num(row.value, row.unit), row.unit,
                          " ".join(_num(v, row.unit) for v in row.runs), row.target, verdict))
        groups.append(group)
    everything = [header] + [line for group in groups for line in group]
    widths = [max(len(line[col]) for line in everything) for col in range(len(header))]

    def render(line: tuple[str, ...]) -> str:
        cells = [cell.rjust(w) if col == 2 else cell.ljust(w)     # numbers right-aligned
                 for col, (cell, w) in enumerate(zip(line, widths))]
        return "  ".join(cells).rstrip()

    print(render(header))
    print("  ".join("-" * w for w in widths))
    for i, group in enumerate(groups):
        if i:
            print()
        for line in group:
            print(render(line))
    return met, checked

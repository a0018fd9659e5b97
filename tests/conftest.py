"""Shared fixtures: every test starts with its own, empty default scheduler."""

from __future__ import annotations

from typing import Callable, Iterator

import pytest

from Axon.Scheduler import scheduler


@pytest.fixture(autouse=True)
def fresh_scheduler() -> Iterator[scheduler]:
    """A new default scheduler (``scheduler.run``) that re-raises exceptions.

    Afterwards it is stopped (closing down whatever the test left running),
    the loop is made mortal again and the previous default is restored.
    """
    previous = scheduler.run
    sched = scheduler()
    sched.reraiseExceptions = True
    try:
        yield sched
    finally:
        sched.stop()
        scheduler.mortalise()
        scheduler.run = previous


@pytest.fixture
def run_rounds(fresh_scheduler: scheduler) -> Iterator[Callable[[int], bool]]:
    """``run_rounds(n)`` runs at most ``n`` rounds of the default scheduler
    without blocking; True if the scheduler finished (nothing left to run).

    Successive calls continue the same scheduler loop, so a test can step,
    look, and step again.
    """
    loop = fresh_scheduler.main()

    def run(rounds: int) -> bool:
        for _ in range(rounds):
            try:
                next(loop)
            except StopIteration:
                return True
        return False

    yield run
    # Stop what the test left running and let the loop end by itself, so
    # that it closes its selector; closing the generator first would not.
    fresh_scheduler.stop()
    for _ in range(1000):
        try:
            next(loop)
        except StopIteration:
            break
    loop.close()

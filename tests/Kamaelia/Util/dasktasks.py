"""Functions that test_DaskTransformer maps on its Dask workers (not a test file).

They live in a module of their own because the workers import them by name:
the tests put this folder on ``sys.path`` before starting the cluster, and
worker processes started with ``spawn`` (Dask's default) inherit it.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from distributed import Event, secede


def square(x: int) -> int:
    return x * x


def slowSquare(x: int) -> int:
    time.sleep(0.005)                   # long enough for items to pile up behind it
    return x * x


def failOnThree(x: int) -> int:
    if x == 3:
        raise ValueError("three is right out")
    return x * x


def noneForOdd(x: int) -> int | None:
    return None if x % 2 else x


def freshToken(x: Any) -> str:
    """A value that differs on every call (so repeated computation shows)."""
    return uuid.uuid4().hex


def lockForTwo(x: int) -> Any:
    """A result that cannot be pickled for item 2."""
    return threading.Lock() if x == 2 else x


def act(step: tuple[str, str]) -> tuple[Any, ...]:
    """("wait", name): wait (at most 20 s) until ("set", name) has run, then
    a quarter of a second more, so that the client hears of the two tasks
    finishing one after the other; returns ("waited", name, whether it was
    set). The waiting task leaves its worker's thread pool (``secede``), so
    it never keeps another task from running."""
    what, name = step
    if what == "set":
        Event(name).set()
        return ("set", name)
    secede()
    released = Event(name).wait(timeout=20)
    time.sleep(0.25)
    return ("waited", name, released)


def holdUntilReleased(name: str) -> str:
    """Say it has started (Event name + "-started"), then wait (at most 20 s)
    for Event name + "-release"."""
    secede()
    Event(name + "-started").set()
    Event(name + "-release").wait(timeout=20)
    return name

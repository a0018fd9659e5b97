"""Argument checks shared by Kamaelia.Util components (not public API).

Each check returns the value it was given, or raises ``TypeError`` (wrong
kind of value) or ``ValueError`` (right kind, wrong value) with a message
that names the component, the argument and the bad value (``!r``), e.g.::

    MessageRateLimit: messages_per_second must be > 0, not -1

``bool`` is refused wherever a number is wanted: ``True`` as a rate or a
size is almost always a mistake.
"""

from __future__ import annotations

import math
from typing import Any, Callable

__all__ = ["positiveNumber", "positiveInt", "nonNegativeInt", "callableArgument"]


def _number(owner: str, name: str, value: Any, kinds: tuple[type, ...], what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise TypeError(f"{owner}: {name} must be {what}, not {value!r}")


def positiveNumber(owner: str, name: str, value: Any) -> float:
    """``value`` if it is a finite int or float > 0."""
    _number(owner, name, value, (int, float), "a number")
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"{owner}: {name} must be a finite number > 0, not {value!r}")
    return value


def positiveInt(owner: str, name: str, value: Any) -> int:
    """``value`` if it is an int >= 1."""
    _number(owner, name, value, (int,), "an int")
    if value < 1:
        raise ValueError(f"{owner}: {name} must be >= 1, not {value!r}")
    return value


def nonNegativeInt(owner: str, name: str, value: Any) -> int:
    """``value`` if it is an int >= 0."""
    _number(owner, name, value, (int,), "an int")
    if value < 0:
        raise ValueError(f"{owner}: {name} must be >= 0, not {value!r}")
    return value


def callableArgument(owner: str, name: str, value: Any) -> Callable[..., Any]:
    """``value`` if it is callable."""
    if not callable(value):
        raise TypeError(f"{owner}: {name} must be callable, not {value!r}")
    return value

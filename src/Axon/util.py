"""Small helpers used by Axon (and by old Kamaelia code that imported them).

Example Usage
-------------

::

    from Axon.util import removeAll, listSubset, testInterface, safeList

    xs = [1, 2, 1, 3]
    removeAll(xs, 1)                       # xs is now [2, 3] (same list object)
    listSubset(["inbox"], ["inbox", "control"])          # -> True
    safeList((1, 2))                       # -> [1, 2]
    safeList(None)                         # -> []

    # Check a component offers the boxes we mean to link to:
    testInterface(echoer, (["inbox", "control"], ["outbox", "signal"]))   # -> True
    testInterface(echoer, (["wibble"], []))   # raises invalidComponentInterface

How does it work?
-----------------

- ``logError(someException, *args)`` logs, at ERROR level on the logger
  ``"Axon.util"``, the exception class's name and the arguments it would have
  been raised with. (In Kamaelia 1.14 it did nothing.)
- ``axonRaise(someException, *args)`` raises ``someException(*args)``.
- ``removeAll(xs, y)`` removes every item equal to ``y`` from the list ``xs``
  in place, using the same test as ``list.remove`` (identity or equality).
- ``listSubset(requiredList, suppliedList)`` is true when every item of the
  first is in the second. Items need not be hashable; a dict as
  ``suppliedList`` is tested by its keys.
- ``testInterface(theComponent, (requiredInboxes, requiredOutboxes))`` checks
  the names against ``theComponent.Inboxes`` and ``.Outboxes`` (each a dict
  or a list of names). If any are missing it raises
  ``invalidComponentInterface`` whose message names the component and every
  missing inbox and outbox; otherwise it returns ``True``.
- ``safeList(arg=None)`` is ``list(arg)``, or ``[]`` when ``arg`` is not
  iterable (including ``None``). Errors raised while iterating are not hidden.
- ``Finality`` is an exception class some old code raises to end a loop.
- ``production`` (default ``False``) is Kamaelia 1.14's switch for lenient
  running: while it is true, ``axonRaise`` logs the error (``logError``)
  and returns ``False`` instead of raising, so ``testInterface`` returns
  ``False`` for a component that lacks boxes.
- ``next`` and ``vrange`` are the names 1.14 code imports from here to run on
  both Python 2 and 3: today they are the built-ins ``next`` and ``range``.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Iterable
from typing import Any

from Axon.AxonExceptions import invalidComponentInterface

__all__ = [
    "production",
    "next",
    "vrange",
    "logError",
    "axonRaise",
    "removeAll",
    "listSubset",
    "testInterface",
    "safeList",
    "Finality",
]

logger = logging.getLogger("Axon.util")

#: While true, ``axonRaise`` logs instead of raising (Kamaelia 1.14's switch).
production = False

# 1.14 code does ``from Axon.util import next, vrange``.
next = builtins.next
vrange = builtins.range


def logError(someException: type[BaseException], *args: Any) -> None:
    """Log (at ERROR on ``"Axon.util"``) that ``someException(*args)`` happened."""
    name = getattr(someException, "__name__", repr(someException))
    logger.error("%s%r", name, args)


def axonRaise(someException: type[BaseException], *args: Any) -> bool:
    """Raise ``someException(*args)``; while ``production`` is true, log it and return False."""
    if production:
        logError(someException, *args)
        return False
    raise someException(*args)


def removeAll(xs: list[Any], y: Any) -> None:
    """Remove every occurrence of ``y`` from the list ``xs``, in place."""
    # Same test as list.remove/list.index: identity first, then equality.
    xs[:] = [x for x in xs if not (x is y or x == y)]


def listSubset(requiredList: Iterable[Any], suppliedList: Iterable[Any]) -> bool:
    """True when every item of ``requiredList`` is in ``suppliedList``."""
    supplied = suppliedList if hasattr(suppliedList, "__contains__") else list(suppliedList)
    return all(item in supplied for item in requiredList)


def _missing(required: Iterable[Any], supplied: Iterable[Any]) -> list[Any]:
    return [item for item in required if item not in supplied]


def testInterface(theComponent: Any, interface: tuple[Iterable[str], Iterable[str]]) -> bool:
    """Check ``theComponent`` has the inboxes and outboxes named in ``interface``.

    ``interface`` is ``(requiredInboxes, requiredOutboxes)``. Returns ``True``,
    or raises ``invalidComponentInterface`` naming what is missing (returns
    ``False`` after logging it while ``production`` is true).
    """
    requiredInboxes, requiredOutboxes = interface
    missingIn = _missing(requiredInboxes, getattr(theComponent, "Inboxes", ()))
    missingOut = _missing(requiredOutboxes, getattr(theComponent, "Outboxes", ()))
    if missingIn or missingOut:
        name = getattr(theComponent, "name", None) or theComponent
        problems = []
        if missingIn:
            problems.append(f"inboxes {missingIn!r}")
        if missingOut:
            problems.append(f"outboxes {missingOut!r}")
        return axonRaise(invalidComponentInterface,
                         f"component {name!r} is missing {' and '.join(problems)}")
    return True


# Its name starts with "test": stop pytest collecting it from modules that import it.
testInterface.__test__ = False  # type: ignore[attr-defined]


def safeList(arg: Any = None) -> list[Any]:
    """``list(arg)``, or ``[]`` if ``arg`` is not iterable."""
    try:
        iterator = iter(arg)
    except TypeError:
        return []
    return list(iterator)


class Finality(Exception):
    """Raised by some old Kamaelia code to signal that a loop or component has finished."""

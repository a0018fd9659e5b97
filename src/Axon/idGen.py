"""Process-wide unique ids for microprocesses and components.

Example Usage
-------------

::

    from Axon.idGen import numId, strId, tupleId

    numId()                 # -> 42  (a fresh positive int)
    strId(echoer)           # -> "Kamaelia.Util.Console.ConsoleEchoer_43"
    tupleId(echoer)         # -> (44, "Kamaelia.Util.Console.ConsoleEchoer_44")

How does it work?
-----------------

One counter is shared by every ``idGen`` instance in the process: the class
attribute ``idGen.lowestAllocatedId`` holds the last id handed out (``0``
before the first). ``nextId()`` increments it under a lock, so ids are
unique, positive and increasing even when several threads create components
at once.

A string id is the module and class name of the thing it names followed by
``_`` and the number, e.g. ``Kamaelia.Util.Console.ConsoleEchoer_7``; this is
what ``microprocess.name`` looks like, as in Kamaelia 1.14.

The module-level functions ``newId`` (same as ``strId``), ``strId``,
``numId`` and ``tupleId`` are the bound methods of a shared ``idGen``;
``idGen().next()`` (and ``next(idGen())``) are 1.14's other spellings of
``nextId()``.

``debugger`` is the :class:`Axon.debug.debug` object 1.14 modules shared
from here, and ``Debug`` its ``debug`` method (``assert Debug("section",
level, "message")`` logs when that section is configured). Unlike 1.14,
importing this module does not read ``debug.conf``: call
``debugger.useConfig()`` to load it.
"""

from __future__ import annotations

import threading
from typing import Any

from Axon.debug import debug

__all__ = ["idGen", "newId", "strId", "numId", "tupleId", "debugger", "Debug"]

_lock = threading.Lock()


class idGen:
    """idGen() -> generator of process-wide unique ids (all instances share one counter)."""

    lowestAllocatedId: int = 0

    def nextId(self) -> int:
        """Allocate and return the next id (thread-safe)."""
        with _lock:
            allocated = idGen.lowestAllocatedId + 1
            idGen.lowestAllocatedId = allocated
        return allocated

    #: 1.14's other names for :meth:`nextId`.
    next = nextId
    __next__ = nextId

    def idToString(self, thing: Any, aNumId: int) -> str:
        """``"<module>.<ClassName>_<aNumId>"`` for the class of ``thing``."""
        cls = thing.__class__
        # Every component is named this way when made: each class keeps its
        # prefix (in its own __dict__, so a subclass makes its own) rather
        # than format three parts each time.
        prefix = cls.__dict__.get("_idGenPrefix")
        if prefix is None:
            prefix = f"{cls.__module__}.{cls.__name__}_"
            try:
                setattr(cls, "_idGenPrefix", prefix)
            except (TypeError, AttributeError):     # a built-in type: format every time
                pass
        return f"{prefix}{aNumId}"

    def numId(self) -> int:
        """A fresh numeric id."""
        return self.nextId()

    def strId(self, thing: Any) -> str:
        """A fresh string id naming ``thing``'s class."""
        return self.idToString(thing, self.nextId())

    def tupleId(self, thing: Any) -> tuple[int, str]:
        """A fresh id as ``(number, string)``, both using the same number."""
        theId = self.nextId()
        return theId, self.idToString(thing, theId)


_shared = idGen()
newId = _shared.strId
strId = _shared.strId
numId = _shared.numId
tupleId = _shared.tupleId

#: The debug object 1.14's Axon modules shared (see the module docstring).
debugger = debug()
Debug = debugger.debug

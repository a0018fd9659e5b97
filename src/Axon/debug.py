"""Kamaelia 1.14's ``debug`` class, logging through :mod:`logging`.

Example Usage
-------------

::

    import logging
    from Axon.debug import debug

    logging.basicConfig(level=logging.DEBUG)

    d = debug()
    d.setDebugSections(scheduler=5, linkage=1)
    d.note("scheduler", 3, "ran", 10, "threads")   # logged: level 3 <= 5
    d.note("linkage", 2, "linked", "a", "b")       # not logged: level 2 > 1
    d.areDebugging("scheduler", 5)                 # -> True
    d.increaseDebug("linkage")                     # linkage is now 2

    d.readConfig("debug.conf")    # "section level" per line; absent file: no-op

New code should use :mod:`logging` directly; this class exists so code
written for Kamaelia 1.14 keeps working.

How does it work?
-----------------

The debug *sections* (name -> verbosity level) live in one dict shared by
every ``debug`` instance, the class attribute ``debug.debugSections``, as in
1.14: turning a section up through one instance turns it up for all.

``note(section, level, *message)`` logs when the section's level is at least
``level``; ``debugmessage(section, *message)`` logs unconditionally. Both log
at ``DEBUG`` on the logger ``"Axon.debug.<section>"``, the message being the
``str()`` of each part joined by spaces, so the usual :mod:`logging` handlers
and levels decide where (and whether) it appears. A section never configured
counts as level 0 for ``increaseDebug`` / ``decreaseDebug`` and as "not
debugging" for ``areDebugging``.

The config file read by ``readConfig`` holds one ``section level`` pair per
line (``level`` an integer); blank lines and lines starting with ``#`` are
ignored. A malformed line is reported with a warning on ``"Axon.debug"``
naming the file and line number, and skipped. The sections read are added to
(and override) those already set.

Unlike 1.14, nothing happens at import or when a ``debug`` is created: no
file is read and no output is printed. The ``assertion`` argument is accepted
for compatibility and kept as ``.assertion``; it changes nothing.
"""

from __future__ import annotations

import logging
import os
from typing import Any, ClassVar

__all__ = ["debug"]

_logger = logging.getLogger("Axon.debug")


class debug:
    """debug(assertion=False) -> handle on the shared debug-section levels.

    Arguments:

    - assertion -- accepted for Kamaelia 1.14 compatibility; no effect.
    """

    debugSections: ClassVar[dict[str, int]] = {}

    def __init__(self, assertion: bool = False) -> None:
        self.assertion = assertion

    def setDebugSections(self, **sections: int) -> None:
        """Replace all the section levels with ``sections`` (name=level, ...)."""
        debug.debugSections.clear()
        debug.debugSections.update(sections)

    def addDebugSection(self, section: str, level: int) -> None:
        """Set the level of one section."""
        debug.debugSections[section] = level

    def addDebug(self, **sections: int) -> None:
        """Set the levels of several sections, keeping the others."""
        debug.debugSections.update(sections)

    def increaseDebug(self, section: str) -> None:
        """Raise the section's level by one."""
        debug.debugSections[section] = debug.debugSections.get(section, 0) + 1

    def decreaseDebug(self, section: str) -> None:
        """Lower the section's level by one (not below 0)."""
        debug.debugSections[section] = max(0, debug.debugSections.get(section, 0) - 1)

    def areDebugging(self, section: str, level: int) -> bool:
        """True when ``section`` is configured at ``level`` or above."""
        current = debug.debugSections.get(section)
        return current is not None and current >= level

    def debugmessage(self, section: str, *message: Any) -> None:
        """Log ``message`` at DEBUG on ``"Axon.debug.<section>"``."""
        logger = logging.getLogger(f"Axon.debug.{section}")
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", " ".join(str(part) for part in message))

    def note(self, section: str, level: int, *message: Any) -> None:
        """Log ``message`` if ``section`` is being debugged at ``level`` or above."""
        if self.areDebugging(section, level):
            self.debugmessage(section, *message)

    def readConfig(self, configfile: str | os.PathLike[str] = "debug.conf") -> None:
        """Add the ``section level`` lines of ``configfile``; do nothing if it does not exist."""
        try:
            with open(configfile, encoding="utf-8") as f:
                lines = f.readlines()
        except FileNotFoundError:
            return
        for number, line in enumerate(lines, start=1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            parts = text.split()
            try:
                if len(parts) != 2:
                    raise ValueError
                section, level = parts[0], int(parts[1])
            except ValueError:
                _logger.warning(
                    "%s:%d: ignoring malformed debug config line %r (expected 'section level')",
                    os.fspath(configfile), number, text,
                )
                continue
            debug.debugSections[section] = level

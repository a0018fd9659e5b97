"""Kamaelia 1.14's ``debug`` class, logging through :mod:`logging`.

Example Usage
-------------

::

    import logging
    from Axon.debug import debug

    logging.basicConfig(level=logging.DEBUG)

    d = debug()
    d.setDebugSections(scheduler=5, linkage=1)
    d.debug("scheduler", 3, "ran", 10, "threads")  # logged: level 3 <= 5
    d.note("linkage", 2, "linked", "a", "b")       # not logged: level 2 > 1
    d.areDebugging("scheduler", 5)                 # -> True
    d.increaseDebug("linkage")                     # linkage is now 6

    other = debug()
    other.useConfig()     # sections from ./debug.conf, or the defaults

New code should use :mod:`logging` directly; this class exists so code
written for Kamaelia 1.14 keeps working.

How does it work?
-----------------
Each ``debug`` object has its own *sections*: a dict ``debugSections`` of
section name -> the most detailed level of output wanted. Changing one
object's sections does not change another's. ``useConfig(filename)`` loads
the sections every object shares: the first call reads the configuration
file (see :mod:`Axon.debugConfigFile`; ``section level [location]`` per
line) or, if it cannot be read, takes :func:`Axon.debugConfigDefaults.defaultConfig`;
the result is kept in the class attribute ``debug.configs`` and later calls
apply it without reading again.

``debug(section, level, *message)`` (also called ``note``) outputs the
message when the section is configured at ``level`` or above, and always
returns ``True``, so that it can sit in an ``assert`` and vanish under
``python -O`` as 1.14 intended. ``debugmessage(section, *message)``
outputs unconditionally. Output is a ``DEBUG`` record on the logger
``"Axon.debug.<section>"`` whose text is the ``str()`` of each part joined
by spaces, so the usual :mod:`logging` handlers and levels decide where
(and whether) it appears. (1.14 wrote ``<time> | <section> | <message>``
lines to standard output.)

``increaseDebug`` / ``decreaseDebug`` move a section's level by 5, as in
1.14 (never below 0; decreasing a section that is not configured does
nothing).

A section that is not configured is "not debugging", and its messages are
dropped, unless a configuration *file* has been read (``debug.noConfig``
is then false): a message for an unknown section then most likely has a
misspelt section name, so it is logged as a warning on ``"Axon.debug"``
and, if the object was made with ``assertBadDebug`` true (the default),
raises ``AxonException`` naming the section.

Unlike 1.14, nothing happens at import or when a ``debug`` is created: no
file is read and no output is printed.
"""

from __future__ import annotations

import logging
import os
from typing import Any, ClassVar

from Axon import debugConfigDefaults, debugConfigFile
from Axon.AxonExceptions import AxonException

__all__ = ["debug"]

_logger = logging.getLogger("Axon.debug")

#: How far increaseDebug / decreaseDebug move a section's level (1.14's step).
_STEP = 5


class debug:
    """debug(assertBadDebug=1) -> new debug object, with no sections configured.

    Arguments:

    - assertBadDebug -- if true, a message for a section that is not
      configured, once a configuration file has been read, raises
      ``AxonException`` (it is always logged as a warning).
    """

    #: The configuration loaded by the first ``useConfig`` (section -> (level, location)).
    configs: ClassVar[dict[str, tuple[int, str]] | None] = None
    #: False once a configuration file has been read successfully.
    noConfig: ClassVar[bool] = True

    def __init__(self, assertBadDebug: Any = 1) -> None:
        self.assertBadDebug = assertBadDebug
        self.debugOn = True
        self.debugSections: dict[str, int] = {}

    # ------------------------------------------------------- configuration
    def readConfig(self, configFile: str | os.PathLike[str] = "debug.conf") -> dict[str, tuple[int, str]]:
        """Read ``configFile`` and return its sections (section -> (level, location)).

        Raises ``OSError`` if it cannot be read. The sections are not applied
        to this object (``useConfig`` does that).
        """
        result = debugConfigFile.readConfig(configFile)
        debug.noConfig = False
        return result

    def useConfig(self, filename: str | os.PathLike[str] = "debug.conf") -> None:
        """Apply the shared configuration, loading it from ``filename`` (or the defaults) first if needed."""
        if debug.configs is None:
            try:
                debug.configs = dict(self.readConfig(filename))
            except OSError:
                debug.configs = debugConfigDefaults.defaultConfig()
        for section, (level, _location) in debug.configs.items():
            self.addDebugSection(section, level)

    def setDebugSections(self, **debugSections: int) -> None:
        """Replace all of this object's section levels with ``debugSections`` (name=level, ...)."""
        self.debugSections = dict(debugSections)

    def addDebugSection(self, section: str, level: int) -> None:
        """Set the level of one section."""
        self.debugSections[section] = level

    def addDebug(self, **debugSections: int) -> None:
        """Set the levels of several sections, keeping the others."""
        self.debugSections.update(debugSections)

    def increaseDebug(self, section: str) -> None:
        """Raise the section's level by 5 (an unconfigured section becomes 5)."""
        self.debugSections[section] = self.debugSections.get(section, 0) + _STEP

    def decreaseDebug(self, section: str) -> None:
        """Lower a configured section's level by 5, not below 0."""
        if section in self.debugSections:
            self.debugSections[section] = max(0, self.debugSections[section] - _STEP)

    def areDebugging(self, section: str, level: int) -> bool:
        """True when ``section`` is configured at ``level`` or above."""
        current = self.debugSections.get(section)
        return current is not None and current >= level

    # --------------------------------------------------------------- output
    def debugmessage(self, section: str, *message: Any) -> None:
        """Log ``message`` at DEBUG on ``"Axon.debug.<section>"``, whatever the levels."""
        logger = logging.getLogger(f"Axon.debug.{section}")
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", " ".join(str(part) for part in message))

    def debug(self, section: str, level: int, *message: Any) -> bool:
        """Log ``message`` if ``section`` is configured at ``level`` or above; return True."""
        current = self.debugSections.get(section)
        if current is None:
            if not debug.noConfig:
                self._unknownSection(section, message)
        elif current >= level:
            self.debugmessage(section, *message)
        return True

    note = debug

    def _unknownSection(self, section: str, message: tuple[Any, ...]) -> None:
        text = " ".join(str(part) for part in message)
        _logger.warning("debug section %r is not configured (misspelt, or missing from "
                        "the debug config file?); message: %s", section, text)
        if self.assertBadDebug:
            raise AxonException(f"BadDebug Undefined section: {section!r}, Message: {text}")

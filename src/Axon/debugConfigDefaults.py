"""The debug configuration used when there is no ``debug.conf`` file.

Example Usage
-------------
::

    from Axon.debugConfigDefaults import defaultConfig

    config = defaultConfig()       # section -> (level, location)

How does it work?
-----------------
:meth:`Axon.debug.debug.useConfig` falls back to this when it cannot read a
configuration file. The configuration has the same shape as the one
:func:`Axon.debugConfigFile.readConfig` returns: a fresh dict mapping each
section to ``(level, "default")``.

Kamaelia 1.14 listed its own internal sections here (``microprocess.pause``
and the like), all at level 0. Our Axon writes its diagnostics through
:mod:`logging` instead, so it has no debug sections of its own and the
default configuration is empty: no section is debugged until a program
configures one.
"""

from __future__ import annotations

__all__ = ["defaultConfig"]


def defaultConfig() -> dict[str, tuple[int, str]]:
    """A new default configuration: section -> ``(level, location)`` (empty)."""
    return {}

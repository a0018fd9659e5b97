"""Reading Kamaelia 1.14 debug configuration files.

Example Usage
-------------
A debug configuration file names debug *sections* and the most detailed
*level* of output wanted from each, optionally followed by a *location*
word (1.14 wrote ``default`` there)::

    # section                 level  location
    microprocess.activate     5      default
    scheduler                 2

Read it into a dict of section -> ``(level, location)``::

    from Axon.debugConfigFile import readConfig

    config = readConfig("debug.conf")
    config["scheduler"]               # -> (2, "default")

Most code never calls this directly: :meth:`Axon.debug.debug.useConfig`
reads ``debug.conf`` this way (falling back to
:func:`Axon.debugConfigDefaults.defaultConfig` when there is no such file).

How does it work?
-----------------
Each line holds whitespace-separated fields: the section name, an integer
level, and an optional location (``"default"`` when left out). Blank lines
and lines starting with ``#`` are skipped. A line that does not fit (one
field, a level that is not an integer, more than three fields) is reported
with a warning on the logger ``Axon.debugConfigFile`` naming the file and
line number, and skipped: a typo in one line does not lose the others.
Undecodable bytes are read as U+FFFD rather than failing.

As in 1.14, the sections read are added to the module-level dict
``debugConfig`` (a later file overrides earlier entries of the same
section), and that dict is what ``readConfig`` returns. A file that cannot
be opened raises ``OSError`` (``FileNotFoundError`` if it does not exist),
which is how ``useConfig`` knows to fall back to the defaults.

Kamaelia 1.14's own reader could not parse any line on Python 3 (it split
lines with a pattern that matches the empty string); this one reads the
files 1.14 documented.
"""

from __future__ import annotations

import logging
import os

__all__ = ["readConfig", "parseConfig", "debugConfig"]

_logger = logging.getLogger("Axon.debugConfigFile")

#: Every section read so far: section -> (level, location).
debugConfig: dict[str, tuple[int, str]] = {}


def parseConfig(text: str, source: str = "<string>") -> dict[str, tuple[int, str]]:
    """Parse configuration ``text``; return section -> ``(level, location)``.

    Malformed lines are logged (naming ``source`` and the line number) and
    skipped. Never raises for any ``text``.
    """
    config: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        level: int | None = None
        if len(fields) in (2, 3):
            try:
                level = int(fields[1])
            except ValueError:
                level = None
        if level is None:
            _logger.warning("%s:%d: ignoring malformed debug config line %r "
                            "(expected 'section level [location]')",
                            source, number, line.strip())
            continue
        config[fields[0]] = (level, fields[2] if len(fields) == 3 else "default")
    return config


def readConfig(filename: str | os.PathLike[str]) -> dict[str, tuple[int, str]]:
    """Read the debug configuration file ``filename`` into :data:`debugConfig` and return it.

    Raises ``OSError`` if the file cannot be read.
    """
    with open(filename, encoding="utf-8", errors="replace") as f:
        text = f.read()
    debugConfig.update(parseConfig(text, os.fspath(filename)))
    return debugConfig

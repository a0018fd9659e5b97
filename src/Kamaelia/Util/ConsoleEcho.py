"""Kamaelia.Util.ConsoleEcho: Kamaelia 1.14's old name for :mod:`Kamaelia.Util.Console`.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Util.ConsoleEcho import consoleEchoer
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(DataSource(["old name, same ConsoleEchoer\\n"]), consoleEchoer()).run()

New code should import from :mod:`Kamaelia.Util.Console`.

How does it work?
-----------------
``consoleEchoer`` is :class:`Kamaelia.Util.Console.ConsoleEchoer` itself (not
a subclass), so ``isinstance`` checks and subclasses behave as with the new
name. Importing it logs a note through :func:`Kamaelia._oldnames.oldName`
(silent unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks
for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Util.Console import ConsoleEchoer

consoleEchoer = ConsoleEchoer

__all__ = ["consoleEchoer"]

oldName(__name__, "Kamaelia.Util.Console")

"""Kamaelia.Util.Graphline: Kamaelia 1.14's old name for :mod:`Kamaelia.Chassis.Graphline`.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Util.Graphline import Graphline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    Graphline(SOURCE=DataSource(["old name, same Graphline\\n"]), OUT=ConsoleEchoer(),
              linkages={("SOURCE", "outbox"): ("OUT", "inbox"),
                        ("SOURCE", "signal"): ("OUT", "control")}).run()

New code should import from :mod:`Kamaelia.Chassis.Graphline`.

How does it work?
-----------------
``Graphline`` is :class:`Kamaelia.Chassis.Graphline.Graphline` itself (not a
subclass), so ``isinstance`` checks and subclasses behave as with the new
name. Importing it logs a note through :func:`Kamaelia._oldnames.oldName`
(silent unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks
for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Chassis.Graphline import Graphline

__all__ = ["Graphline"]

oldName(__name__, "Kamaelia.Chassis.Graphline")

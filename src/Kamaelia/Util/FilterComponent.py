"""Kamaelia.Util.FilterComponent: Kamaelia 1.14's old name for :mod:`Kamaelia.Util.Filter`.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Util.FilterComponent import FilterComponent
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(DataSource(["old name, same Filter\\n"]), FilterComponent(),
             ConsoleEchoer()).run()

New code should import from :mod:`Kamaelia.Util.Filter`.

How does it work?
-----------------
``FilterComponent`` is :class:`Kamaelia.Util.Filter.Filter` itself (not a
subclass), so ``isinstance`` checks and subclasses behave as with the new
name. Importing it logs a note through :func:`Kamaelia._oldnames.oldName`
(silent unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks
for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Util.Filter import Filter

FilterComponent = Filter

__all__ = ["FilterComponent"]

oldName(__name__, "Kamaelia.Util.Filter")

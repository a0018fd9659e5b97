"""Kamaelia.Util.Pipeline: Kamaelia 1.14's old name for :mod:`Kamaelia.Chassis.Pipeline`.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Util.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.Console import ConsoleEchoer

    Pipeline(DataSource(["old name, same Pipeline\\n"]), ConsoleEchoer()).run()

New code should import from :mod:`Kamaelia.Chassis.Pipeline`.

How does it work?
-----------------
``Pipeline`` and ``pipeline`` are :class:`Kamaelia.Chassis.Pipeline.Pipeline`
itself (not a subclass), so ``isinstance`` checks and subclasses behave as
with the new name. Importing it logs a note through
:func:`Kamaelia._oldnames.oldName` (silent unless logging shows INFO, or
``KAMAELIA_DEPRECATION_WARNINGS`` asks for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Chassis.Pipeline import Pipeline

pipeline = Pipeline

__all__ = ["Pipeline", "pipeline"]

oldName(__name__, "Kamaelia.Chassis.Pipeline")

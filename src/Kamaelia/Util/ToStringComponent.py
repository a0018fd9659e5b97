"""Kamaelia.Util.ToStringComponent: Kamaelia 1.14's old name for :mod:`Kamaelia.Util.Stringify`.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Util.ToStringComponent import ToStringComponent
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.Console import ConsoleEchoer
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Util.PureTransformer import PureTransformer

    Pipeline(DataSource([1, 2.5]), ToStringComponent(),
             PureTransformer(lambda text: text + "\\n"), ConsoleEchoer()).run()

New code should import from :mod:`Kamaelia.Util.Stringify`.

How does it work?
-----------------
``ToStringComponent`` is :class:`Kamaelia.Util.Stringify.Stringify` itself
(not a subclass), so ``isinstance`` checks and subclasses behave as with the
new name. Importing it logs a note through :func:`Kamaelia._oldnames.oldName`
(silent unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks
for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Util.Stringify import Stringify

ToStringComponent = Stringify

__all__ = ["ToStringComponent"]

oldName(__name__, "Kamaelia.Util.Stringify")

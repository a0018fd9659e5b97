"""Kamaelia.Util.NullSinkComponent: Kamaelia 1.14's old home of ``nullSinkComponent``.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Util.NullSinkComponent import nullSinkComponent    # as in 1.14
    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource

    Pipeline(DataSource(["ignored", "also ignored"]), nullSinkComponent()).run()
    print("everything was swallowed")

New code should import it from :mod:`Kamaelia.Util.NullSink`.

How does it work?
-----------------
``nullSinkComponent`` is :class:`Kamaelia.Util.NullSink.nullSinkComponent`
itself: it takes and drops everything arriving on ``"inbox"`` (so an outbox
that must be linked somewhere can be), and ends passing the shutdown message
on. Importing it logs a note through :func:`Kamaelia._oldnames.oldName`
(silent unless logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks
for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Util.NullSink import nullSinkComponent

__all__ = ["nullSinkComponent"]

__kamaelia_components__ = (nullSinkComponent,)

oldName(__name__, "Kamaelia.Util.NullSink")

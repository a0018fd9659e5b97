"""Kamaelia.SimpleServerComponent: 1.14's old home of ``SimpleServer``.

Example Usage
-------------
::

    from Kamaelia.SimpleServerComponent import SimpleServer
    import Kamaelia.Chassis.ConnectedServer

    assert SimpleServer is Kamaelia.Chassis.ConnectedServer.SimpleServer

How does it work?
-----------------
``SimpleServer`` here is
:class:`Kamaelia.Chassis.ConnectedServer.SimpleServer` itself (1.14 made a
stub subclass that printed a deprecation note when first made). Importing it
logs a note through :func:`Kamaelia._oldnames.oldName` (silent unless logging
shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks for warnings, as in
1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Chassis.ConnectedServer import SimpleServer

__all__ = ["SimpleServer"]

oldName(__name__, "Kamaelia.Chassis.ConnectedServer")

"""Kamaelia.SingleServer: 1.14's old name for :mod:`Kamaelia.Internet.SingleServer`.

Example Usage
-------------
::

    from Kamaelia.SingleServer import SingleServer
    import Kamaelia.Internet.SingleServer

    assert SingleServer is Kamaelia.Internet.SingleServer.SingleServer

How does it work?
-----------------
``SingleServer`` here is the class itself (1.14 made a stub subclass that
printed a deprecation note when first made). Importing it logs a note through
:func:`Kamaelia._oldnames.oldName` (silent unless logging shows INFO, or
``KAMAELIA_DEPRECATION_WARNINGS`` asks for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Internet.SingleServer import SingleServer

__all__ = ["SingleServer"]

oldName(__name__, "Kamaelia.Internet.SingleServer")

"""Kamaelia.ReadFileAdaptor: 1.14's old name for :mod:`Kamaelia.File.ReadFileAdaptor`.

Example Usage
-------------
::

    from Kamaelia.ReadFileAdaptor import ReadFileAdaptor
    import Kamaelia.File.ReadFileAdaptor

    assert ReadFileAdaptor is Kamaelia.File.ReadFileAdaptor.ReadFileAdaptor

How does it work?
-----------------
``ReadFileAdaptor`` here is the class itself (1.14 made a stub subclass that
printed a deprecation note when first made). Importing it logs a note through
:func:`Kamaelia._oldnames.oldName` (silent unless logging shows INFO, or
``KAMAELIA_DEPRECATION_WARNINGS`` asks for warnings, as in 1.14).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.File.ReadFileAdaptor import ReadFileAdaptor

__all__ = ["ReadFileAdaptor"]

oldName(__name__, "Kamaelia.File.ReadFileAdaptor")

"""Kamaelia.UI.MH: a small framework for a pygame application in a component.

Example Usage
-------------
::

    from Kamaelia.UI.MH import DragHandler, PyGameApp

Modules
-------
* ``PyGameApp`` -- ``PyGameApp``: subclass it, draw in ``mainLoop()``,
  register event handlers with ``addHandler``
* ``DragHandler`` -- ``DragHandler``: click-and-drag for PyGameApp handlers

As in Kamaelia 1.14 the package imports both (and so pygame).
"""

from Kamaelia.UI.MH.DragHandler import DragHandler
from Kamaelia.UI.MH.PyGameApp import PyGameApp

__all__ = ["PyGameApp", "DragHandler"]

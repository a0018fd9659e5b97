"""ExtraWindowFurniture: the Kamaelia logo in the corner of the ER visualiser.

Example Usage
-------------
A topology viewer with the logo in its top left corner (``ERVisualiser``
adds it for you)::

    from Kamaelia.Visualisation.ER.ExtraWindowFurniture import ExtraWindowFurniture
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

    viewer = TopologyViewer(extraDrawing=ExtraWindowFurniture())

How does it work?
-----------------
It is :class:`Kamaelia.Visualisation.Axon.ExtraWindowFurniture.ExtraWindowFurniture`
(1.14 had a copy of it here): the logo from ``kamaelia_logo.png`` if there
is one, else a badge of its own, drawn at (8, 8) on rendering pass 10.

Differences from 1.14: 1.14's copy here crashed when it found no logo
file; this one draws its own badge instead.
"""

from __future__ import annotations

from Kamaelia.Visualisation.Axon.ExtraWindowFurniture import ExtraWindowFurniture

__all__ = ["ExtraWindowFurniture"]

"""Kamaelia.Visualisation.PhysicsGraph.TopologyViewerComponent: Kamaelia 1.14's old name for :mod:`.TopologyViewer`.

Example Usage
-------------
Code written for 1.14 keeps working::

    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerComponent import (
        TopologyViewerComponent)

    TopologyViewerComponent(screensize=(640, 480)).run()

New code should import ``TopologyViewer`` from
:mod:`Kamaelia.Visualisation.PhysicsGraph.TopologyViewer`.

How does it work?
-----------------
``TopologyViewerComponent`` is
:class:`Kamaelia.Visualisation.PhysicsGraph.TopologyViewer.TopologyViewer`
itself (1.14 made a stub class that warned when used). Importing the module
logs a note through :func:`Kamaelia._oldnames.oldName` (silent unless
logging shows INFO, or ``KAMAELIA_DEPRECATION_WARNINGS`` asks for warnings).
"""

from __future__ import annotations

from Kamaelia._oldnames import oldName
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

TopologyViewerComponent = TopologyViewer

__all__ = ["TopologyViewerComponent"]

oldName(__name__, "Kamaelia.Visualisation.PhysicsGraph.TopologyViewer")

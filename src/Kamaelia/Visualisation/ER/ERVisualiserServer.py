"""ERVisualiser: draw an entity-relationship diagram as a live graph.

Example Usage
-------------
Draw a small model, described in the topology viewer's commands (close the
window to end)::

    from Kamaelia.Chassis.Pipeline import Pipeline
    from Kamaelia.Util.DataSource import DataSource
    from Kamaelia.Visualisation.ER.ERVisualiserServer import (
        ERVisualiser, text_to_token_lists)

    model = ("ADD NODE Artist Artist auto entity\\n"
             "ADD NODE genre genre auto attribute\\n"
             "ADD NODE Album Album auto entity\\n"
             "ADD NODE CreatedBy CreatedBy auto relation\\n"
             "ADD LINK Artist genre\\n"
             "ADD LINK Album CreatedBy\\n"
             "ADD LINK Artist CreatedBy\\n")
    Pipeline(DataSource([model]), text_to_token_lists(),
             ERVisualiser(screensize=(800, 600))).run()

How does it work?
-----------------
Both are Kamaelia 1.14's prefabs: a topology viewer
(``Kamaelia.Visualisation.PhysicsGraph``) set up for entity-relationship
diagrams, with

- particle types ``"entity"`` (``PEntity``), ``"relation"``
  (``PRelation.Relation``), ``"isa"`` (``PISA.Isa``) and ``"attribute"``
  (``PAttribute.Attribute``);
- the ER laws (``ERLaws.AxonLaws()``), 3 simulation steps per redraw;
- ``ExtraWindowFurniture()``: the logo in the corner.

``ERVisualiser(**args)`` is the ``TopologyViewer`` itself, without the
background grid: send it token lists on ``"inbox"``
(``text_to_token_lists()`` makes them from text).
``ERVisualiserServer(**args)`` is a ``TopologyViewerServer``: it listens on
``serverPort`` (default 1500) for TCP clients sending the commands as text.

Every other keyword argument goes to the viewer as it is. The boxes, and
what it does on shutdown, are the ``TopologyViewer``'s.

Differences from 1.14: as for ``AxonVisualiser``, ``particleTypes`` and
``laws`` given by the caller are replaced, and ``simCyclesPerRedraw``,
``extraDrawing`` and (for ``ERVisualiser``) ``showGrid`` may be given to
change the defaults (1.14 raised ``TypeError``).
"""

from __future__ import annotations

from typing import Any

from Kamaelia.Visualisation.Axon.AxonVisualiserServer import (text_to_token_lists,
                                                              visualiserArguments)
from Kamaelia.Visualisation.ER.ERLaws import AxonLaws
from Kamaelia.Visualisation.ER.ExtraWindowFurniture import ExtraWindowFurniture
from Kamaelia.Visualisation.ER.PAttribute import PAttribute
from Kamaelia.Visualisation.ER.PEntity import PEntity
from Kamaelia.Visualisation.ER.PISA import PISA
from Kamaelia.Visualisation.ER.PRelation import PRelation
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer as _TopologyViewer
from Kamaelia.Visualisation.PhysicsGraph.TopologyViewerServer import (
    TopologyViewerServer as _TopologyViewerServer)

__all__ = ["ERVisualiserServer", "ERVisualiser", "text_to_token_lists", "particleTypes"]

#: The ER node types -> the particles that draw them.
particleTypes: dict[str, Any] = {
    "entity": PEntity,
    "relation": PRelation.Relation,
    "isa": PISA.Isa,
    "attribute": PAttribute.Attribute,
}


def _erArguments(dictArgs: dict[str, Any], **defaults: Any) -> dict[str, Any]:
    if "extraDrawing" not in dictArgs:
        dictArgs = {**dictArgs, "extraDrawing": ExtraWindowFurniture()}
    return visualiserArguments(dictArgs, particleTypes, AxonLaws(), simCyclesPerRedraw=3,
                               **defaults)


def ERVisualiserServer(**dictArgs: Any) -> Any:
    """ERVisualiserServer(**args) -> new TopologyViewerServer drawing ER diagrams

    Listens on ``serverPort`` (default 1500) for TCP clients sending topology
    commands as text. Keyword arguments are TopologyViewerServer's
    (``particleTypes`` and ``laws`` are the visualiser's own).
    """
    return _TopologyViewerServer(**_erArguments(dictArgs))


def ERVisualiser(**dictArgs: Any) -> Any:
    """ERVisualiser(**args) -> new TopologyViewer drawing ER diagrams (no grid)

    Send it token lists (see ``text_to_token_lists``). Keyword arguments are
    TopologyViewer's (``particleTypes`` and ``laws`` are the visualiser's own).
    """
    return _TopologyViewer(**_erArguments(dictArgs, showGrid=False))


__kamaelia_prefabs__ = (ERVisualiserServer, ERVisualiser)

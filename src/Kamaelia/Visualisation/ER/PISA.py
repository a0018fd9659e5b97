"""PISA: the particle that draws an "is a" (subtype) link in an entity-relationship diagram.

Example Usage
-------------
"Album is a Release", on a surface of its own (no window needed)::

    from Kamaelia.UI.Pygame._pygame import pygame
    from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
    from Kamaelia.Visualisation.ER.PEntity import PEntity
    from Kamaelia.Visualisation.ER.PISA import PISA

    album = PEntity(ID="Album", position=(60, 100), name="Album")
    release = PEntity(ID="Release", position=(300, 100), name="Release")
    isa = PISA.Isa(ID="ISA1", position=(180, 100), name="isa")
    nodes = {p.ID: p for p in (album, release, isa)}
    album.makeBond(nodes, "ISA1")          # the subtype points at the ISA ...
    isa.makeBond(nodes, "Release")         # ... which points at the supertype

    surface = pygame.Surface((360, 200))
    surface.fill((255, 255, 255))
    drawInPasses(surface, *nodes.values())

In a running viewer ``ERVisualiser`` makes one for each ``ADD NODE <id>
<name> <pos> isa`` it is sent (1.14's ER parser sends ``ADD NODE ISA1 isa
auto isa``, ``ADD LINK ISA1 <supertype>`` and ``ADD LINK <subtype> ISA1``).

How does it work?
-----------------
``PISA(ID, position, name, boxtype)`` is a physics particle of ``ptype``
``"isa"``; ``PISA.Isa(ID, position, name)`` makes one. It is drawn as a
white circle (grey outline, red when selected) with its name in it, tilted
along its bonds as a box label is, and each bond from it (to the supertype)
as a grey line with an arrowhead half way along. The subtype entity draws
its own bond to it, with an arrowhead too.

``render(surface)`` is the topology viewer's multi-pass drawing generator
(pass 1 bonds from it, 3 the circle and label, 10 the description when
selected). ``abbreviate`` (the name unchanged), ``nearest45DegreeStep`` and
``angleMappings`` are PPostbox's.
"""

from __future__ import annotations

from typing import Any, Sequence

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PPostbox import (GREY, LabelledParticle, abbreviate,
                                                  angleMappings, nearest45DegreeStep)

__all__ = ["PISA", "abbreviate", "nearest45DegreeStep", "angleMappings"]


class PISA(LabelledParticle):
    """PISA(ID, position, name, boxtype) -> new PISA particle

    A particle standing for a subtype-supertype ("is a") link.

    - ID       -- a unique ID for the particle
    - position -- (x, y) where it starts
    - name     -- its label (1.14's ER parser calls them all "isa")
    - boxtype  -- "isa" (kept for 1.14's signature; every PISA is one)
    """

    kind = "ISA"
    sizeFromLabel = True
    #: Bonds (to the supertype) are grey, with a thick arrowhead half way.
    arrowAt = 0.5
    arrowWidth = 2

    @staticmethod
    def Isa(ID: Any, position: Sequence[float], name: str) -> PISA:
        """Isa(ID, position, name) -> new PISA with boxtype "isa"."""
        return PISA(ID=ID, position=position, name=name, boxtype="isa")

    def __init__(self, ID: Any, position: Sequence[float], name: str, boxtype: str) -> None:
        super().__init__(ID=ID, position=position, name=name)
        self.ptype = "isa"

    def drawShape(self, surface: Any, index: int) -> None:
        """A white circle outlined grey (red when selected)."""
        centre = self.screenPos()
        radius = int(self.radius)
        pygame.draw.circle(surface, (255, 255, 255), centre, radius)
        pygame.draw.circle(surface, (224, 0, 0) if self.selected else GREY, centre, radius, 2)

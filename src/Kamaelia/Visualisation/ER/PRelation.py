"""PRelation: the particle that draws a relation in an entity-relationship diagram.

Example Usage
-------------
Two entities and the relation between them, on a surface of their own (no
window needed)::

    from Kamaelia.UI.Pygame._pygame import pygame
    from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
    from Kamaelia.Visualisation.ER.PEntity import PEntity
    from Kamaelia.Visualisation.ER.PRelation import PRelation

    artist = PEntity(ID="Artist", position=(60, 100), name="Artist")
    manager = PEntity(ID="Manager", position=(300, 100), name="Manager")
    managed = PRelation.Relation(ID="ManagedBy", position=(180, 100), name="ManagedBy")
    nodes = {p.ID: p for p in (artist, manager, managed)}
    artist.makeBond(nodes, "ManagedBy")
    manager.makeBond(nodes, "ManagedBy")

    surface = pygame.Surface((360, 200))
    surface.fill((255, 255, 255))
    drawInPasses(surface, *nodes.values())

In a running viewer ``ERVisualiser`` makes one for each ``ADD NODE <id>
<name> <pos> relation`` it is sent; the entities it relates are linked to
it (``ADD LINK <entity> <relation>``).

How does it work?
-----------------
``PRelation(ID, position, name, boxtype)`` is a physics particle of
``ptype`` ``"relation"``; ``PRelation.Relation(ID, position, name)`` makes
one with ``boxtype`` ``"relation"``. It is drawn as a white diamond (48 by
32 pixels, grey outline, red when selected) with its name on it, tilted
along its bonds as a box label is. A bond from a relation to another
relation is drawn orange with an arrowhead.

``render(surface)`` is the topology viewer's multi-pass drawing generator
(pass 1 bonds from it, 3 the diamond and label, 10 the description when
selected). ``abbreviate`` (the name unchanged), ``nearest45DegreeStep`` and
``angleMappings`` are PPostbox's.

Differences from 1.14: a bond from a relation to anything but another
relation crashed 1.14's drawing; it is drawn grey here.
"""

from __future__ import annotations

from typing import Any, Sequence

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PPostbox import (GREY, LabelledParticle, abbreviate,
                                                  angleMappings, nearest45DegreeStep)

__all__ = ["PRelation", "abbreviate", "nearest45DegreeStep", "angleMappings"]

#: Half the diamond's width and height.
DIAMOND_HALF_WIDTH = 24
DIAMOND_HALF_HEIGHT = 16


class PRelation(LabelledParticle):
    """PRelation(ID, position, name, boxtype) -> new PRelation particle

    A particle standing for a relation between entities.

    - ID       -- a unique ID for the particle
    - position -- (x, y) where it starts
    - name     -- the relation's name (drawn as its label)
    - boxtype  -- "relation"
    """

    colours = {("relation", "relation"): (224, 128, 0)}
    sizeFromLabel = True

    @staticmethod
    def Relation(ID: Any, position: Sequence[float], name: str) -> PRelation:
        """Relation(ID, position, name) -> new PRelation with boxtype "relation"."""
        return PRelation(ID=ID, position=position, name=name, boxtype="relation")

    def __init__(self, ID: Any, position: Sequence[float], name: str, boxtype: str) -> None:
        self.relationtype = boxtype
        self.kind = boxtype.upper()
        super().__init__(ID=ID, position=position, name=name)
        self.ptype = "relation"

    def diamond(self) -> list[tuple[int, int]]:
        """The corners of the diamond drawn for the relation."""
        x, y = self.screenPos()
        w, h = DIAMOND_HALF_WIDTH, DIAMOND_HALF_HEIGHT
        return [(x - w, y), (x, y + h), (x + w, y), (x, y - h)]

    def drawShape(self, surface: Any, index: int) -> None:
        """A white diamond outlined grey (red when selected)."""
        points = self.diamond()
        pygame.draw.polygon(surface, (255, 255, 255), points)
        pygame.draw.polygon(surface, (224, 0, 0) if self.selected else GREY, points, 1)

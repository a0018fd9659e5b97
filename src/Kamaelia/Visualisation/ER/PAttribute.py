"""PAttribute: the particle that draws an attribute in an entity-relationship diagram.

Example Usage
-------------
Draw an attribute on a surface of its own (no window needed)::

    from Kamaelia.UI.Pygame._pygame import pygame
    from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
    from Kamaelia.Visualisation.ER.PAttribute import PAttribute

    genre = PAttribute.Attribute(ID="genre", position=(100, 50), name="genre")
    surface = pygame.Surface((200, 100))
    surface.fill((255, 255, 255))
    drawInPasses(surface, genre)

In a running viewer ``ERVisualiser`` makes one for each ``ADD NODE <id>
<name> <pos> attribute`` it is sent; ``ADD LINK <entity> <attribute>`` ties
it to its entity (the entity draws that bond).

How does it work?
-----------------
``PAttribute(ID, position, name, boxtype)`` is a physics particle of
``ptype`` ``"attribute"``; ``PAttribute.Attribute(ID, position, name)``
makes one with ``boxtype`` ``"attribute"``, as the topology viewer's
``particleTypes`` table expects. It is drawn as its name in a white ellipse
with a black outline, the label tilted along its bonds as a box label is
(``Kamaelia.Visualisation.Axon.PPostbox.LabelledParticle``). A bond from an
attribute to another attribute is drawn orange with an arrowhead.

``render(surface)`` is the topology viewer's multi-pass drawing generator
(pass 1 bonds from it, 3 the ellipse and label, 10 the description when
selected). ``abbreviate`` (the name unchanged), ``nearest45DegreeStep`` and
``angleMappings`` are PPostbox's.

Differences from 1.14: a bond from an attribute to anything but another
attribute crashed 1.14's drawing; it is drawn grey here.
"""

from __future__ import annotations

from typing import Any, Sequence

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PPostbox import (LabelledParticle, abbreviate, angleMappings,
                                                  nearest45DegreeStep)

__all__ = ["PAttribute", "abbreviate", "nearest45DegreeStep", "angleMappings"]

#: The ellipse is this much bigger than the label, each way.
ELLIPSE_MARGIN = 1.4


class PAttribute(LabelledParticle):
    """PAttribute(ID, position, name, boxtype) -> new PAttribute particle

    A particle standing for an attribute of an entity.

    - ID       -- a unique ID for the particle
    - position -- (x, y) where it starts
    - name     -- the attribute's name (drawn as its label)
    - boxtype  -- "attribute"
    """

    colours = {("attribute", "attribute"): (224, 128, 0)}
    sizeFromLabel = True

    @staticmethod
    def Attribute(ID: Any, position: Sequence[float], name: str) -> PAttribute:
        """Attribute(ID, position, name) -> new PAttribute with boxtype "attribute"."""
        return PAttribute(ID=ID, position=position, name=name, boxtype="attribute")

    def __init__(self, ID: Any, position: Sequence[float], name: str, boxtype: str) -> None:
        self.attributetype = boxtype
        self.kind = boxtype.upper()
        super().__init__(ID=ID, position=position, name=name)
        self.ptype = "attribute"

    def drawShape(self, surface: Any, index: int) -> None:
        """A white ellipse outlined in black, 1.4 times the label's size."""
        x, y = self.screenPos()
        w = self.label[index].get_width() * ELLIPSE_MARGIN
        h = self.label[index].get_height() * ELLIPSE_MARGIN
        outline = pygame.Rect(int(x - w / 2), int(y - h / 2), int(w), int(h))
        pygame.draw.ellipse(surface, (255, 255, 255), outline, 0)
        pygame.draw.ellipse(surface, (0, 0, 0), outline, 1)

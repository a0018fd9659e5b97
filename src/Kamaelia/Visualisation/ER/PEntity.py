"""PEntity: the particle that draws an entity in an entity-relationship diagram.

Example Usage
-------------
Draw an entity with one attribute, on a surface of its own (no window
needed)::

    from Kamaelia.UI.Pygame._pygame import pygame
    from Kamaelia.Visualisation.Axon.PPostbox import drawInPasses
    from Kamaelia.Visualisation.ER.PAttribute import PAttribute
    from Kamaelia.Visualisation.ER.PEntity import PEntity

    artist = PEntity(ID="Artist", position=(120, 100), name="Artist")
    genre = PAttribute.Attribute(ID="genre", position=(200, 100), name="genre")
    artist.makeBond({genre.ID: genre}, genre.ID)

    surface = pygame.Surface((320, 200))
    surface.fill((255, 255, 255))
    drawInPasses(surface, artist, genre)

In a running viewer ``ERVisualiser`` makes one for each ``ADD NODE <id>
<name> <pos> entity`` it is sent.

How does it work?
-----------------
``PEntity(ID, position, name)`` is a physics particle of ``ptype``
``"entity"``, drawn as a coloured rectangle (82 by 48 pixels) with the last
part of its dotted name on it. Its colour is chosen from its name as a
component's is (``Kamaelia.Visualisation.Axon.PComponent.hueFor``). Its
bonds (to its attributes and relations) are grey lines; a bond to an "is
a" particle (``PISA``: this entity is a subtype) has an arrowhead two
thirds of the way along. A selected entity is drawn blue with a red border
and its full name is written at the top of the window.

``render(surface)`` is the topology viewer's multi-pass drawing generator
(pass 1 the bonds, 2 the rectangle, 3 the name, 10 the description when
selected); ``setOffset``, ``select``, ``deselect`` and ``set_label(name)``
are what the viewer calls. ``abbreviate``, ``acronym`` and ``colours`` are
PComponent's.

Differences from 1.14: as for PComponent, colours are the same from run to
run (1.14's depended on Python's randomised string hash), and a name with
no letters does not crash.
"""

from __future__ import annotations

from typing import Any, Sequence

from Kamaelia.Visualisation.Axon.PComponent import (BOND_COLOUR, NamedParticle, abbreviate,
                                                    acronym, colours)
from Kamaelia.Visualisation.Axon.PPostbox import drawArrowhead

__all__ = ["PEntity", "abbreviate", "acronym", "colours"]

_COMPONENT_RADIUS = 32
#: The rectangle is this much wider, and this much less tall, than a
#: component's radius (so it reads as "a box, not a component").
_COMPONENT_RADIUS_FACTOR = 1.3
#: Where along a bond to an "is a" particle its arrowhead goes.
ISA_ARROW_AT = 2 / 3


class PEntity(NamedParticle):
    """PEntity(ID, position, name) -> new PEntity particle

    A particle standing for an entity.

    - ID       -- a unique ID for the particle
    - position -- (x, y) where it starts
    - name     -- the entity's name (the last dotted part is drawn)
    """

    kind = "Entity"

    def __init__(self, ID: Any, position: Sequence[float], name: str) -> None:
        super().__init__(ID=ID, position=position, name=name)
        self.ptype = "entity"
        self.radius_x = int(_COMPONENT_RADIUS * _COMPONENT_RADIUS_FACTOR)
        self.radius_y = int(_COMPONENT_RADIUS / _COMPONENT_RADIUS_FACTOR)

    def drawBonds(self, surface: Any) -> None:
        """Grey lines for the bonds, with an arrowhead towards an "is a"."""
        super().drawBonds(surface)
        start = self.screenPos()
        for other in self.bondedTo:
            if getattr(other, "ptype", None) == "isa":
                drawArrowhead(surface, BOND_COLOUR, start, self.screenPos(other),
                              ISA_ARROW_AT, 2)

    def shape(self) -> list[tuple[float, float]]:
        """The corners of the rectangle drawn for the entity."""
        x, y = self.screenPos()
        rx, ry = self.radius_x, self.radius_y
        return [(x - rx, y - ry), (x - rx, y + ry), (x + rx, y + ry), (x + rx, y - ry)]

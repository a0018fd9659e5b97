"""PComponent: the particle that draws a component in an Axon visualisation.

Example Usage
-------------
Draw a component and one of its boxes on a surface of its own (no window
needed)::

    from Kamaelia.UI.Pygame._pygame import pygame
    from Kamaelia.Visualisation.Axon.PComponent import PComponent
    from Kamaelia.Visualisation.Axon.PPostbox import PPostbox, drawInPasses

    comp = PComponent(ID="5", position=(120, 100),
                      name="Kamaelia.Util.Console.ConsoleEchoer_5")
    box = PPostbox.Inbox(ID="(5, 'i', 'inbox')", position=(170, 100), name="inbox")
    comp.makeBond({box.ID: box}, box.ID)            # the box belongs to it

    surface = pygame.Surface((320, 200))
    surface.fill((255, 255, 255))
    drawInPasses(surface, comp, box)
    print(comp.shortname)                           # ConsoleEchoer_5

In a running viewer ``AxonVisualiser`` makes one for each ``ADD NODE <id>
<name> <pos> component`` it is sent.

How does it work?
-----------------
``PComponent(ID, position, name)`` is a physics particle of ``ptype``
``"component"``. It is drawn as a hexagon of radius 32 with the last part of
its dotted name (``abbreviate``) written on it, and grey lines for its bonds
to its boxes. The hexagon's colour comes from the name's ``acronym``
(capitals, word starts, ``_`` and ``.``, upper-cased): the colour picked by
the acronym's first letter mixed half and half with the one picked by the
whole acronym, so components of the same class look alike. A selected
component is drawn blue with a red border, and its full name is written at
the top of the window.

``render(surface)`` is the topology viewer's multi-pass drawing generator
(pass 1 the bonds, 2 the hexagon, 3 the name, 10 the description when
selected); ``setOffset``, ``select``, ``deselect`` and ``set_label(name)``
are what the viewer calls. ``NamedParticle`` (name, colour and label) is
shared with the ER visualiser's entity particle.

Differences from 1.14
---------------------
1.14 picked colours with Python's string ``hash``, which Python 3
randomises per run; ours uses CRC-32, so a component has the same colour
every time. A name with no letters crashed 1.14 (no acronym, no colour);
it gets the first colour here. 1.14 also printed every acronym prefix to
standard output while choosing the colour; ours prints nothing.
"""

from __future__ import annotations

import zlib
from typing import Any, Iterator, Sequence

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.PPostbox import (DESCRIPTION_FONT_SIZE, ViewedParticle,
                                                  labelFont)

__all__ = ["PComponent", "NamedParticle", "abbreviate", "acronym", "colours", "hueFor"]

Colour = tuple[int, int, int]

_COMPONENT_RADIUS = 32
#: The hexagon's half-height, as a fraction of its radius (sin 60 degrees, roughly).
_HEXAGON_HEIGHT = 0.86
BOND_COLOUR = (192, 192, 192)
SELECTED_COLOUR = (160, 160, 255)
SELECTED_BORDER = (224, 0, 0)
NAME_FONT_SIZE = 20

#: The palette component colours are picked from.
colours: list[Colour] = [
    (255, 128, 128),
    (255, 192, 128),
    (224, 224, 128),
    (128, 255, 128),
    (128, 255, 192),
    (128, 224, 224),
    (128, 128, 255),
]


def abbreviate(string: str) -> str:
    """The last term of a dotted name: ``"a.b.Pipeline_5"`` -> ``"Pipeline_5"``."""
    return string.split(".")[-1]


def acronym(string: str) -> str:
    """The capitals, ``_``, ``.`` and first letters of words in ``string``,
    upper-cased: ``"Kamaelia.Util.Console.ConsoleEchoer_5"`` -> ``"K.U.C.CE_"``.
    (Digits are left out.)"""
    out = []
    previous = ""
    for char in string:
        startsWord = char.isalpha() and not previous.isalpha()
        if char.isupper() or char in ("_", ".") or startsWord:
            out.append(char.upper())
        previous = char
    return "".join(out)


def _paletteColour(text: str) -> Colour:
    return colours[zlib.crc32(text.encode("utf-8")) % len(colours)]


def hueFor(name: str) -> Colour:
    """The colour a particle called ``name`` is drawn in: the palette colour
    of its acronym's first letter mixed half and half with that of the whole
    acronym (just the one colour for a one-letter acronym; the first palette
    colour if there is no acronym). Whole numbers, as 1.14 made them on the
    Python 2 it was written for."""
    acro = acronym(name)
    if not acro:
        return colours[0]
    first, whole = _paletteColour(acro[:1]), _paletteColour(acro)
    if len(acro) == 1:
        return first
    return ((first[0] + whole[0]) // 2, (first[1] + whole[1]) // 2, (first[2] + whole[2]) // 2)


class NamedParticle(ViewedParticle):
    """NamedParticle(ID, position, name) -> a particle drawn as a coloured
    shape with its short name on it (the base of PComponent and of the ER
    visualiser's PEntity); subclasses set ``kind`` and give the ``shape``."""

    kind = ""

    def __init__(self, ID: Any, position: Sequence[float], name: str) -> None:
        super().__init__(ID=ID, position=position)
        self.radius = _COMPONENT_RADIUS
        self.set_label(name)

    def set_label(self, newname: str) -> None:
        """Show ``newname``: its short name, colour and description."""
        self.name = newname
        self.shortname = abbreviate(newname)
        self.colour = hueFor(newname)
        self.bordercolour = tuple(int(part * 0.75) for part in self.colour)
        font = labelFont(NAME_FONT_SIZE)
        self.slabel = font.render(self.shortname, True, (0, 0, 0))
        self.slabelxo = -self.slabel.get_width() / 2
        self.slabelyo = -self.slabel.get_height() / 2
        self.desclabel = labelFont(DESCRIPTION_FONT_SIZE).render(
            f"{self.kind} {self.shortname} : {self.name}", True, (0, 0, 0), (255, 255, 255))

    def fillColours(self) -> tuple[Any, Any]:
        """(fill, border) for the shape, as selected or not."""
        if self.selected:
            return SELECTED_COLOUR, SELECTED_BORDER
        return self.colour, self.bordercolour

    def drawBonds(self, surface: Any) -> None:
        """A grey line for each bond from this particle."""
        start = self.screenPos()
        for other in self.bondedTo:
            pygame.draw.line(surface, BOND_COLOUR, start, self.screenPos(other))

    def drawName(self, surface: Any) -> None:
        """The short name, centred on the particle."""
        x, y = self.screenPos()
        surface.blit(self.slabel, (x + self.slabelxo, y + self.slabelyo))

    def shape(self) -> list[tuple[float, float]]:
        """The corners of the shape drawn for the particle (subclasses say)."""
        raise NotImplementedError

    def render(self, surface: Any) -> Iterator[int]:
        """Draw in passes: 1 the bonds, 2 the shape (filled, with a border
        3 pixels wide), 3 the name, 10 (when selected) the description."""
        yield 1
        self.drawBonds(surface)
        yield 2
        fill, border = self.fillColours()
        points = self.shape()
        pygame.draw.polygon(surface, fill, points)
        pygame.draw.polygon(surface, border, points, 3)
        yield 3
        self.drawName(surface)
        if self.selected:
            yield 10
            self.renderDescription(surface)


class PComponent(NamedParticle):
    """PComponent(ID, position, name) -> new PComponent particle

    A particle standing for a component.

    - ID       -- a unique ID for the particle
    - position -- (x, y) where it starts
    - name     -- the component's full dotted name (the last part is drawn)
    """

    kind = "Component"

    def __init__(self, ID: Any, position: Sequence[float], name: str) -> None:
        super().__init__(ID=ID, position=position, name=name)
        self.ptype = "component"

    def shape(self) -> list[tuple[float, float]]:
        """The corners of the hexagon drawn for the component."""
        x, y = self.screenPos()
        r = self.radius
        h = int(r * _HEXAGON_HEIGHT)
        return [(x - r, y), (x - r / 2, y - h), (x + r / 2, y - h),
                (x + r, y), (x + r / 2, y + h), (x - r / 2, y + h)]

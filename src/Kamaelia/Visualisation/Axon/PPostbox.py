"""PPostbox: the particle that draws an inbox or outbox in an Axon visualisation.

Example Usage
-------------
Draw a component's outbox linked to another component's inbox, on a surface
of its own (no window needed)::

    from Kamaelia.UI.Pygame._pygame import pygame
    from Kamaelia.Visualisation.Axon.PPostbox import PPostbox, drawInPasses

    out = PPostbox.Outbox(ID="(4, 'o', 'outbox')", position=(100, 100), name="outbox")
    into = PPostbox.Inbox(ID="(5, 'i', 'inbox')", position=(220, 100), name="inbox")
    out.makeBond({into.ID: into}, into.ID)          # the linkage, outbox -> inbox

    surface = pygame.Surface((320, 200))
    surface.fill((255, 255, 255))
    drawInPasses(surface, out, into)                # as the topology viewer would
    pygame.image.save(surface, "postboxes.png")

In a running viewer you do not make these yourself: ``AxonVisualiser`` (in
:mod:`Kamaelia.Visualisation.Axon.AxonVisualiserServer`) makes one for each
``ADD NODE <id> <name> <pos> inbox`` (or ``outbox``) it is sent.

How does it work?
-----------------
``PPostbox(ID, position, name, boxtype)`` is a physics particle
(``Kamaelia.Visualisation.PhysicsGraph.BaseParticle``) of ``ptype``
``"postbox"``, so that ``AxonLaws`` keeps it close to its component.
``PPostbox.Inbox(ID, position, name)`` and ``PPostbox.Outbox(...)`` make one
of each kind (``boxtype`` ``"inbox"`` or ``"outbox"``), as the topology
viewer's ``particleTypes`` table expects.

The box is drawn as its name, in small type, tilted along its linkage: the
label is drawn beforehand at 0, 45, 90 and -45 degrees, and the one nearest
the direction of the box's linkage (``nearest45DegreeStep``) is used. Each
bond *from* this box *to* another box is drawn as a line with an arrowhead
three quarters of the way along: green for an ordinary linkage (outbox to
inbox) and orange for a passthrough (inbox to inbox, outbox to outbox).

``render(surface)`` is the topology viewer's multi-pass drawing generator:
it yields the number of the next pass it wants (1: linkages, 3: the label,
10: when selected, a description at the top of the window) and draws that
pass when resumed. ``setOffset((left, top))`` scrolls it; ``select()`` and
``deselect()`` change its colour.

The pieces shared by every particle of the Axon and ER visualisers live
here: ``nearest45DegreeStep``, ``labelFont``, ``drawArrowhead``,
``drawInPasses`` (the viewer's multi-pass drawing, for drawing particles on
a surface of your own), ``ViewedParticle`` (offset and selection) and
``LabelledParticle`` (the tilted label).

Differences from 1.14
---------------------
1.14's ``abbreviate`` here is documented as shortening a name to its
capitals, but returns the name unchanged, so box labels show the whole box
name; ours does the same, and says so. 1.14 crashed when drawing a bond to a
particle that is not a box, or of zero length; ours draws the first in grey
and skips the arrowhead of the second. ``set_label(name)`` relabels a box (1.14 had it only on
components, so ``UPDATE_NAME NODE`` on a box failed).
"""

from __future__ import annotations

import math
from typing import Any, Iterator, Sequence

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.PhysicsGraph import BaseParticle

__all__ = ["PPostbox", "abbreviate", "nearest45DegreeStep", "angleMappings",
           "labelFont", "drawArrowhead", "drawInPasses", "ViewedParticle", "LabelledParticle"]

Colour = tuple[int, int, int]
Point = tuple[float, float]

#: Where a selected particle writes its description (window coordinates):
#: to the right of the Kamaelia logo, as in 1.14.
DESCRIPTION_POSITION = (72, 16)
#: Size of the description's type, and of a box label's.
DESCRIPTION_FONT_SIZE = 20
LABEL_FONT_SIZE = 14
#: Bonds with no colour of their own.
GREY: Colour = (192, 192, 192)
#: A linkage's arrowhead: how far back and out its barbs reach (pixels).
ARROW_SIZE = 6.0


def abbreviate(string: str) -> str:
    """The label for a box called ``string``: the name itself.

    1.14's postbox labels show the whole box name (its ``abbreviate`` builds
    an abbreviation and then returns the name unchanged); so does this.
    """
    return string


#: ``(y > 0, x > 0, abs(y) > abs(x))`` -> angle, for a vector (x, y) already
#: turned by 22.5 degrees (see nearest45DegreeStep).
angleMappings: dict[tuple[bool, bool, bool], int] = {
    (True, True, False): 0,
    (True, True, True): 45,
    (True, False, True): 90,
    (True, False, False): 135,
    (False, False, False): 180,
    (False, False, True): 225,
    (False, True, True): 270,
    (False, True, False): 315,
}

_COS_22_5 = math.cos(math.radians(22.5))
_SIN_22_5 = math.sin(math.radians(22.5))


def nearest45DegreeStep(delta: Sequence[float]) -> int:
    """The multiple of 45 degrees (0, 45, ... 315) nearest the direction of
    the vector ``delta`` = (dx, dy); 0 for (0, 0).

    Angles are measured as on the screen, y downwards: (1, 0) is 0, (0, 1)
    is 90. The vector is turned by 22.5 degrees so that each 45 degree
    sector lies between two axes or diagonals, where the signs of x and y
    and which of them is larger tell the sectors apart.
    """
    dx, dy = delta
    if dx == 0 and dy == 0:
        return 0
    turnedX = dx * _COS_22_5 - dy * _SIN_22_5
    turnedY = dy * _COS_22_5 + dx * _SIN_22_5
    return angleMappings[(turnedY > 0, turnedX > 0, abs(turnedY) > abs(turnedX))]


def labelFont(size: int) -> Any:
    """pygame's default font at ``size`` (starting pygame's font module if
    need be). Fonts are made afresh for each particle, as in 1.14: a font
    kept from before pygame was shut down and started again would be dead,
    and making one costs a fraction of a millisecond."""
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame.font.Font(None, size)


def drawArrowhead(surface: Any, colour: Colour, start: Point, end: Point,
                  fraction: float, width: int = 1) -> None:
    """Draw an arrowhead pointing from ``start`` towards ``end``, its tip
    ``fraction`` of the way along (nothing if the two points coincide)."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy)
    if length == 0:
        return
    tip = (start[0] + dx * fraction, start[1] + dy * fraction)
    backX, backY = ARROW_SIZE * dx / length, ARROW_SIZE * dy / length
    for side in (-1, 1):
        # back along the line, then out to one side (the normal is (-y, x))
        barb = (tip[0] - backX - side * backY, tip[1] - backY + side * backX)
        pygame.draw.line(surface, colour, tip, barb, width)


def drawInPasses(surface: Any, *things: Any) -> None:
    """Draw ``things`` (particles, furniture) on ``surface`` as the topology
    viewer does: each one's ``render(surface)`` generator names the pass it
    wants next, and passes run in ascending order, so what one particle
    draws in pass 1 lies under what another draws in pass 2."""
    passes: dict[int, list[Iterator[int]]] = {}

    def resume(drawing: Iterator[int]) -> None:
        try:
            passes.setdefault(next(drawing), []).append(drawing)
        except StopIteration:
            pass

    for thing in things:
        resume(thing.render(surface))
    while passes:
        for drawing in passes.pop(min(passes)):
            resume(drawing)


class ViewedParticle(BaseParticle):
    """ViewedParticle(ID, position) -> a particle that knows the view's
    scroll offset and whether it is selected (the base of every particle of
    the Axon and ER visualisers)."""

    def __init__(self, ID: Any, position: Sequence[float]) -> None:
        super().__init__(position=position, ID=ID)
        self.left: float = 0
        self.top: float = 0
        self.selected = False
        #: The description shown while selected (a surface; subclasses draw it).
        self.desclabel: Any = None

    def screenPos(self, other: Any = None) -> tuple[int, int]:
        """Where this particle (or ``other``) is drawn: its position less the offset."""
        pos = (self if other is None else other).pos
        return int(pos[0] - self.left), int(pos[1] - self.top)

    def setOffset(self, offset: Sequence[float]) -> None:
        """Scroll: a particle at (x, y) is drawn at (x - left, y - top)."""
        self.left, self.top = offset

    def select(self) -> None:
        """Tell this particle it is selected."""
        self.selected = True

    def deselect(self) -> None:
        """Tell this particle it is no longer selected."""
        self.selected = False

    def renderDescription(self, surface: Any) -> None:
        """Draw the description (shown while selected) at the top of the window."""
        surface.blit(self.desclabel, DESCRIPTION_POSITION)


class LabelledParticle(ViewedParticle):
    """LabelledParticle(ID, position, name) -> a particle drawn as its name,
    tilted along its bonds (the base of PPostbox and of the ER visualiser's
    attribute, relation and "is a" particles).

    ``render(surface)`` draws in passes: 1 the bonds from it (lines with
    arrowheads ``arrowAt`` of the way along, coloured from ``colours``), 3
    ``drawShape`` and then the label, 10 (when selected) the description.
    Subclasses set ``kind`` (the first word of the description) and draw
    their shape round the label in ``drawShape``.
    """

    #: nearest45DegreeStep's angle -> index into the pre-drawn labels
    #: (0: at 90 degrees, 1: 45, 2: level, 3: -45); a label is never upside down.
    labelangles = {0: 2, 45: 3, 90: 0, 135: 1, 180: 2, 225: 3, 270: 0, 315: 1}
    #: Label colours, ordinary and selected.
    LABEL_COLOUR: Colour = (0, 0, 0)
    SELECTED_LABEL_COLOUR: Colour = (96, 96, 255)
    kind = ""
    #: True: the particle's radius is half its label's length (the ER
    #: visualiser's particles, drawn as shapes round the label); False: 16.
    sizeFromLabel = False
    #: Bond colours by bondKey (grey for a pair not listed), and where along
    #: a bond its arrowhead goes, and how thick.
    colours: dict[tuple[Any, Any], Colour] = {}
    arrowAt = 0.75
    arrowWidth = 1

    def __init__(self, ID: Any, position: Sequence[float], name: str) -> None:
        super().__init__(ID=ID, position=position)
        self.name = name
        self.radius: float = 16
        self.buildLabels()

    def set_label(self, newname: str) -> None:
        """Show ``newname`` instead."""
        self.name = newname
        self.buildLabels()

    def buildLabels(self) -> None:
        """Draw the label at each of the four angles, in both colours.

        Sets ``label`` and ``slabel`` (lists of four surfaces, ordinary and
        selected), ``labelxo``/``labelyo`` (offsets that centre each) and
        ``desclabel`` (the description shown when selected).
        """
        font = labelFont(LABEL_FONT_SIZE)
        text = f" {abbreviate(self.name)} "
        self.label = self._tilted(font.render(text, True, self.LABEL_COLOUR))
        self.slabel = self._tilted(font.render(text, True, self.SELECTED_LABEL_COLOUR))
        self.labelxo = [-label.get_width() / 2 for label in self.label]
        self.labelyo = [-label.get_height() / 2 for label in self.label]
        if self.sizeFromLabel:
            upright = self.slabel[0]
            self.radius = max(upright.get_width(), upright.get_height()) / 2
        self.desclabel = labelFont(DESCRIPTION_FONT_SIZE).render(
            f"{self.kind} : {self.name}", True, (0, 0, 0), (255, 255, 255))

    @staticmethod
    def _tilted(label: Any) -> list[Any]:
        rotozoom, rotate = pygame.transform.rotozoom, pygame.transform.rotate
        return [rotate(label, 90), rotozoom(label, 45, 1.0), label, rotozoom(label, -45, 1.0)]

    def labelDirection(self) -> tuple[int, int]:
        """The direction to tilt the label along: the last bond from this
        particle, else the last bond to it from one of its own kind."""
        ownKind = [p for p in self.bondedFrom if p.ptype == self.ptype]
        for others in (self.bondedTo, ownKind):
            if others:
                (x, y), (ox, oy) = self.screenPos(), self.screenPos(others[-1])
                return ox - x, oy - y
        return 0, 0

    def labelIndex(self) -> int:
        """Which of the pre-drawn labels to use, for labelDirection()."""
        return self.labelangles[nearest45DegreeStep(self.labelDirection())]

    def blitLabel(self, surface: Any, index: int) -> None:
        """Draw label ``index`` centred on the particle."""
        x, y = self.screenPos()
        labels = self.slabel if self.selected else self.label
        surface.blit(labels[index], (x + self.labelxo[index], y + self.labelyo[index]))

    def drawBondsWithArrows(self, surface: Any, colours: dict[tuple[Any, Any], Colour],
                            fraction: float = 0.75, arrowWidth: int = 1) -> None:
        """Draw each bond from this particle as a line with an arrowhead
        ``fraction`` of the way along, coloured by ``colours[bondKey(other)]``
        (grey for a pair not in the table)."""
        start = self.screenPos()
        for other in self.bondedTo:
            end = self.screenPos(other)
            colour = colours.get(self.bondKey(other), GREY)
            pygame.draw.line(surface, colour, start, end)
            drawArrowhead(surface, colour, start, end, fraction, arrowWidth)

    def bondKey(self, other: Any) -> tuple[Any, Any]:
        """The key of a bond to ``other`` in the bond colour table."""
        return self.ptype, getattr(other, "ptype", None)

    def drawShape(self, surface: Any, index: int) -> None:
        """Draw what lies under label ``index``: nothing, for a box."""

    def render(self, surface: Any) -> Iterator[int]:
        """Draw in passes: 1 the bonds from it, 3 its shape and label, 10
        (when selected) the description."""
        yield 1
        self.drawBondsWithArrows(surface, self.colours, self.arrowAt, self.arrowWidth)
        yield 3
        index = self.labelIndex()
        self.drawShape(surface, index)
        self.blitLabel(surface, index)
        if self.selected:
            yield 10
            self.renderDescription(surface)


class PPostbox(LabelledParticle):
    """PPostbox(ID, position, name, boxtype) -> new PPostbox particle

    A particle standing for an inbox or an outbox.

    - ID       -- a unique ID for the particle
    - position -- (x, y) where it starts
    - name     -- the box's name (drawn as its label)
    - boxtype  -- "inbox" or "outbox"
    """

    #: Bond colours: ordinary linkages green, passthrough linkages orange.
    colours: dict[tuple[Any, Any], Colour] = {
        ("inbox", "outbox"): (0, 160, 0),
        ("outbox", "inbox"): (0, 160, 0),
        ("inbox", "inbox"): (224, 128, 0),
        ("outbox", "outbox"): (224, 128, 0),
    }

    @staticmethod
    def Inbox(ID: Any, position: Sequence[float], name: str) -> PPostbox:
        """Inbox(ID, position, name) -> new PPostbox with boxtype "inbox"."""
        return PPostbox(ID=ID, position=position, name=name, boxtype="inbox")

    @staticmethod
    def Outbox(ID: Any, position: Sequence[float], name: str) -> PPostbox:
        """Outbox(ID, position, name) -> new PPostbox with boxtype "outbox"."""
        return PPostbox(ID=ID, position=position, name=name, boxtype="outbox")

    def __init__(self, ID: Any, position: Sequence[float], name: str, boxtype: str) -> None:
        self.postboxtype = boxtype
        self.kind = boxtype.upper()
        super().__init__(ID=ID, position=position, name=name)
        self.ptype = "postbox"

    def bondKey(self, other: Any) -> tuple[Any, Any]:
        return self.postboxtype, getattr(other, "postboxtype", None)

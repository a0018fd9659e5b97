"""RenderingParticle: a TopologyViewer node drawn as a labelled disc, with lines to the nodes it links to.

Example Usage
-------------
It is the viewer's particle for type ``"-"``: ``ADD NODE 1 "a node" auto -``
makes one. Saying so explicitly, with other laws::

    from Kamaelia.Support.Particles import SimpleLaws
    from Kamaelia.Visualisation.PhysicsGraph.RenderingParticle import RenderingParticle
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

    TopologyViewer(particleTypes={"-": RenderingParticle},
                   laws=SimpleLaws(bondLength=150)).run()

A particle of your own draws differently by overriding ``render``::

    import pygame

    class Square(RenderingParticle):
        def render(self, surface):
            x, y = int(self.pos[0]) - self.left, int(self.pos[1]) - self.top
            yield 2
            pygame.draw.rect(surface, (128, 200, 128), (x - 15, y - 15, 30, 30))

How does it work?
-----------------
A :class:`Kamaelia.Support.Particles.Particle` (position ``pos``, velocity,
bonds) with what the viewer needs to draw it, as in Kamaelia 1.14:

* ``render(surface)`` is a generator in the viewer's multi-pass drawing
  (see :mod:`.TopologyViewer`): pass 1 draws a line from this node to each
  node it links *to* (so each link is drawn once, under every disc); pass 2
  draws the disc, of ``radius`` 20 in ``colour`` (255, 128, 128), with a
  black ring when selected, and the label (the name) on top, centred;
* ``setOffset((left, top))`` -- the view has scrolled: the node at (x, y)
  is drawn at (x - left, y - top);
* ``select()`` / ``deselect()`` -- the viewer tells it it was clicked;
* ``set_label(text)`` -- change the name (and the label drawn).

The name is kept in ``name`` (``str()`` of what was given), the label in
``label`` (a pygame surface).
"""

from __future__ import annotations

from typing import Any, Iterator

from Kamaelia.Support.Particles import Particle as BaseParticle
from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["RenderingParticle", "NODE_COLOUR", "LINK_COLOUR", "LABEL_COLOUR"]

#: The colours 1.14 drew with: disc, link line, label text.
NODE_COLOUR = (255, 128, 128)
LINK_COLOUR = (128, 128, 255)
LABEL_COLOUR = (0, 0, 0)


class RenderingParticle(BaseParticle):
    """RenderingParticle(ID, position, name) -> new RenderingParticle

    - ID       -- the node's id (unique in its viewer)
    - position -- (x, y) where it starts
    - name     -- the label drawn on it
    """

    radius = 20
    colour = NODE_COLOUR
    linkColour = LINK_COLOUR

    def __init__(self, ID: Any, position: Any, name: Any) -> None:
        super().__init__(position=position, ID=ID)
        pygame.font.init()
        self.font = pygame.font.Font(None, 24)
        self.left = 0
        self.top = 0
        self.selected = False
        self.set_label(name)

    def set_label(self, labelText: Any) -> None:
        """Change the name, and the label drawn on the disc."""
        self.name = self.labelText = str(labelText)
        self.label = self.font.render(self.labelText, True, LABEL_COLOUR)

    def _onScreen(self, particle: Any) -> tuple[int, int]:
        return int(particle.pos[0]) - self.left, int(particle.pos[1]) - self.top

    def render(self, surface: Any) -> Iterator[int]:
        """Generator: pass 1 draws the links from this node, pass 2 the node."""
        x, y = self._onScreen(self)
        yield 1
        for other in self.bondedTo:
            pygame.draw.line(surface, self.linkColour, (x, y), self._onScreen(other))
        yield 2
        pygame.draw.circle(surface, self.colour, (x, y), self.radius)
        if self.selected:
            pygame.draw.circle(surface, (0, 0, 0), (x, y), self.radius, 2)
        surface.blit(self.label, (x - self.label.get_width() // 2,
                                  y - self.label.get_height() // 2))

    def setOffset(self, offset: tuple[int, int]) -> None:
        """The view's top left corner is now at ``offset`` (left, top)."""
        self.left, self.top = int(offset[0]), int(offset[1])

    def select(self) -> None:
        """This node has been selected (clicked): it is drawn with a ring."""
        self.selected = True

    def deselect(self) -> None:
        """This node is no longer selected."""
        self.selected = False

"""ExtraWindowFurniture: the Kamaelia logo in the corner of a topology viewer.

Example Usage
-------------
A topology viewer with the logo in its top left corner (``AxonVisualiser``
and ``ERVisualiser`` add it for you)::

    from Kamaelia.Visualisation.Axon.ExtraWindowFurniture import ExtraWindowFurniture
    from Kamaelia.Visualisation.PhysicsGraph.TopologyViewer import TopologyViewer

    viewer = TopologyViewer(extraDrawing=ExtraWindowFurniture())

How does it work?
-----------------
``ExtraWindowFurniture()`` finds a logo: the file ``kamaelia_logo.png`` in
the current folder, else ``/usr/local/share/kamaelia/kamaelia_logo.png``
(where 1.14 looked: its introspection examples ran from a folder holding
the cat logo), else a badge it draws itself (a blue disc with a white
"K"). The logo is scaled so its longer side is 64 pixels.

``render(surface)`` is a drawing generator for the topology viewer's
multi-pass rendering: it yields 10 (a late pass, so the logo is drawn over
the graph) and then draws the logo at (8, 8). The logo does not scroll:
``setOffset(offset)`` is accepted and ignored.
"""

from __future__ import annotations

import os
from typing import Any, Iterator, Sequence

from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["ExtraWindowFurniture", "LOGO_PLACES", "LOGO_SIZE"]

#: Where a logo picture is looked for, in order.
LOGO_PLACES = ("kamaelia_logo.png", "/usr/local/share/kamaelia/kamaelia_logo.png")
#: The logo's longer side, in pixels, and where its top left corner goes.
LOGO_SIZE = 64
LOGO_POSITION = (8, 8)
BADGE_COLOUR = (0, 96, 160)


def _loadLogo() -> Any:
    for place in LOGO_PLACES:
        if os.path.isfile(place):
            try:
                return pygame.image.load(place)
            except pygame.error:
                continue        # not a picture pygame can read: try the next
    return None


def _drawBadge() -> Any:
    badge = pygame.Surface((LOGO_SIZE, LOGO_SIZE), pygame.SRCALPHA)
    middle = LOGO_SIZE // 2
    pygame.draw.circle(badge, BADGE_COLOUR, (middle, middle), middle - 2)
    if not pygame.font.get_init():
        pygame.font.init()
    letter = pygame.font.Font(None, LOGO_SIZE - 8).render("K", True, (255, 255, 255))
    badge.blit(letter, letter.get_rect(center=(middle, middle + 2)))
    return badge


class ExtraWindowFurniture:
    """ExtraWindowFurniture() -> draws the Kamaelia logo at the top left of
    a topology viewer's window"""

    def __init__(self) -> None:
        logo = _loadLogo()
        if logo is None:
            logo = _drawBadge()
        longest = max(logo.get_width(), logo.get_height())
        self.logo = pygame.transform.rotozoom(logo, 0.0, LOGO_SIZE / longest)

    def render(self, surface: Any) -> Iterator[int]:
        """Yield 10, then draw the logo at (8, 8)."""
        yield 10
        surface.blit(self.logo, LOGO_POSITION)

    def setOffset(self, offset: Sequence[float]) -> None:
        """Ignored: the logo stays in the corner when the view scrolls."""

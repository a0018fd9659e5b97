"""GridRenderer: the grid of lines a TopologyViewer draws behind its graph.

Example Usage
-------------
A TopologyViewer makes one for itself (``showGrid=True``). Drawn by hand on
a surface, with a cell of 100 pixels::

    import pygame
    from Kamaelia.Visualisation.PhysicsGraph.GridRenderer import GridRenderer

    surface = pygame.Surface((300, 200))
    surface.fill((255, 255, 255))
    grid = GridRenderer(size=100, colour=(200, 200, 200))
    for renderingPass in grid.render(surface):     # the generator yields -1 ...
        pass                                       # ... and draws when resumed
    assert surface.get_at((100, 50))[:3] == (200, 200, 200)

How does it work?
-----------------
``render(surface)`` is a generator in the TopologyViewer's multi-pass
drawing scheme (see :mod:`.TopologyViewer`): it yields ``-1`` (so it runs
before every particle, whose passes are 1 and up) and, when resumed, draws
horizontal and vertical lines ``size`` pixels apart across the whole
surface. ``setOffset((left, top))`` scrolls it: a line at ``x`` in the
graph's coordinates is drawn at ``x - left``, so the grid moves with the
nodes when the view is scrolled.
"""

from __future__ import annotations

from typing import Any, Iterator

from Kamaelia.UI.Pygame._pygame import pygame

__all__ = ["GridRenderer"]


class GridRenderer:
    """GridRenderer(size, colour) -> new GridRenderer

    - size   -- pixels between grid lines (a number > 0)
    - colour -- (r, g, b) of the lines
    """

    def __init__(self, size: float, colour: Any) -> None:
        self.gridSize = int(size)
        if self.gridSize <= 0:
            raise ValueError(f"GridRenderer: size must be at least 1 pixel, not {size!r}")
        self.colour = colour
        self.left: float = 0
        self.top: float = 0

    def _firstLine(self, offset: float) -> int:
        """Where, on the surface, the first grid line at or after its edge is."""
        return int(-offset % self.gridSize)

    def render(self, surface: Any) -> Iterator[int]:
        """Generator: yields pass -1, then draws the grid over ``surface``."""
        yield -1
        width, height = surface.get_width(), surface.get_height()
        for y in range(self._firstLine(self.top), height, self.gridSize):
            pygame.draw.line(surface, self.colour, (0, y), (width, y))
        for x in range(self._firstLine(self.left), width, self.gridSize):
            pygame.draw.line(surface, self.colour, (x, 0), (x, height))

    def setOffset(self, offset: tuple[float, float]) -> None:
        """The view's top left corner is now at ``offset`` (left, top) in the graph."""
        self.left, self.top = offset

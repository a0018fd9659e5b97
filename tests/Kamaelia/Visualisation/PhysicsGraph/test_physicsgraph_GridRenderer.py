"""GridRenderer: lines every `size` pixels in pass -1, scrolled by setOffset."""

from __future__ import annotations

import pytest

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.PhysicsGraph.GridRenderer import GridRenderer

GREY, WHITE = (200, 200, 200), (255, 255, 255)


def drawn(grid: GridRenderer) -> pygame.Surface:
    surface = pygame.Surface((250, 150))
    surface.fill(WHITE)
    drawing = grid.render(surface)
    assert next(drawing) == -1
    assert surface.get_at((0, 0))[:3] == WHITE          # nothing before its pass
    with pytest.raises(StopIteration):
        next(drawing)
    return surface


def test_lines_are_drawn_every_size_pixels() -> None:
    surface = drawn(GridRenderer(100, GREY))
    assert [x for x in range(250) if surface.get_at((x, 50))[:3] == GREY] == [0, 100, 200]
    assert [y for y in range(150) if surface.get_at((50, y))[:3] == GREY] == [0, 100]


def test_the_grid_scrolls_with_the_view() -> None:
    grid = GridRenderer(100, GREY)
    grid.setOffset((30, -20))
    surface = drawn(grid)
    assert [x for x in range(250) if surface.get_at((x, 50))[:3] == GREY] == [70, 170]
    assert [y for y in range(150) if surface.get_at((50, y))[:3] == GREY] == [20, 120]


def test_a_size_under_one_pixel_is_refused() -> None:
    with pytest.raises(ValueError, match="not 0.5"):
        GridRenderer(0.5, GREY)

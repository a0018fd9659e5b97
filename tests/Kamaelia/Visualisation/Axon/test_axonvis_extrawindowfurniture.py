"""ExtraWindowFurniture: the logo, found or drawn, in the corner on pass 10."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from Kamaelia.UI.Pygame._pygame import pygame
from Kamaelia.Visualisation.Axon.ExtraWindowFurniture import (BADGE_COLOUR, LOGO_SIZE,
                                                              ExtraWindowFurniture)

WHITE = (255, 255, 255)


def rendered(furniture: ExtraWindowFurniture) -> tuple[list[int], Any]:
    surface = pygame.Surface((200, 200))
    surface.fill(WHITE)
    drawing = furniture.render(surface)
    passes = [next(drawing)]
    untouched = tuple(surface.get_at((40, 40)))[:3]
    assert untouched == WHITE               # nothing is drawn before pass 10 is reached
    passes += list(drawing)
    return passes, surface


def test_without_a_logo_file_it_draws_its_own_badge_at_8_8(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    furniture = ExtraWindowFurniture()
    assert max(furniture.logo.get_size()) == LOGO_SIZE
    passes, surface = rendered(furniture)
    assert passes == [10]
    assert tuple(surface.get_at((8 + 10, 8 + 32)))[:3] == BADGE_COLOUR
    assert tuple(surface.get_at((4, 4)))[:3] == WHITE
    assert tuple(surface.get_at((8 + LOGO_SIZE + 2, 40)))[:3] == WHITE


def test_a_kamaelia_logo_png_in_the_current_folder_is_used_scaled_to_64(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    picture = pygame.Surface((128, 32))
    picture.fill((10, 200, 30))
    pygame.image.save(picture, str(tmp_path / "kamaelia_logo.png"))
    monkeypatch.chdir(tmp_path)
    furniture = ExtraWindowFurniture()
    assert furniture.logo.get_size() == (64, 16)
    _, surface = rendered(furniture)
    assert tuple(surface.get_at((40, 15)))[:3] == (10, 200, 30)
    assert tuple(surface.get_at((40, 30)))[:3] == WHITE


def test_a_logo_file_pygame_cannot_read_is_passed_over(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "kamaelia_logo.png").write_bytes(b"not a picture")
    monkeypatch.chdir(tmp_path)
    _, surface = rendered(ExtraWindowFurniture())
    assert tuple(surface.get_at((8 + 10, 8 + 32)))[:3] == BADGE_COLOUR


def test_setOffset_leaves_the_logo_where_it_is(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    furniture = ExtraWindowFurniture()
    furniture.setOffset((100, 100))
    _, surface = rendered(furniture)
    assert tuple(surface.get_at((8 + 10, 8 + 32)))[:3] == BADGE_COLOUR
